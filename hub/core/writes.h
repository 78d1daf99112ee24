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
#include "commit.h"
#include "session.h"

/* A decoded write request of session s (fh_msg_is_write(req->type)). */
void writes_handle(hub *h, session *s, const fh_request *req);

/* Shared by the write modules (writes.c, stop_writes.c). */
/* A NUL-terminated copy of a request string view (length-checked by the
 * decoder against the field's limit). */
void writes_copy_view(char *dst, size_t cap, fh_strv v);
/* 1 (and the err sent) when the role table refuses the write. */
int writes_forbidden(session *s, const fh_request *req, const fh_andon *a,
                     const char *line);
/* A new pending write answering req of s with idempotency key `key`. */
pending *writes_pending(hub *h, session *s, const fh_request *req,
                        const char *key);
/* Queues the idempotency record of p: a tag byte ('A' andon, 'E'
 * equipment, 'D' a stop, 'S' a split's two parts, 'R' a run, 'P' a plan)
 * and its entities. */
int writes_record_idem(hub *h, pending *p, char tag);
/* The records could not be queued: answers `internal`. */
void writes_queue_failed(hub *h, session *s, const fh_request *req);
/* After a write is queued (one commit per write when benchmarking). */
void writes_after_queue(hub *h);

#endif
