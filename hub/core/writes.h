/* writes.h -- the write requests: andon.raise/ack/resolve/cancel, eq.state,
 * eq.count.
 *
 * Each write checks its request (idempotency, existence, roles, values, the
 * workflow), changes the model, queues its records in the hub's batch and
 * leaves a pending entry (commit.h) that the commit answers.
 */
#ifndef FH_HUB_WRITES_H
#define FH_HUB_WRITES_H

#include "fh_protocol.h"
#include "hub.h"
#include "session.h"

/* A decoded write request of session s (fh_msg_is_write(req->type)). */
void writes_handle(hub *h, session *s, const fh_request *req);

#endif
