/* stop_writes.h -- the stop writes and the stop list.
 *
 * dt.classify and dt.split (stop_writes.c) are durable writes like any
 * other (idempotency key, role table, one transaction, answered after the
 * commit); dt.list (stop_list.c) is a read of the store.
 */
#ifndef FH_HUB_STOP_WRITES_H
#define FH_HUB_STOP_WRITES_H

#include "fh_protocol.h"
#include "hub.h"
#include "session.h"

/* dt.classify or dt.split of session s (the key already checked). */
void stop_writes_handle(hub *h, session *s, const fh_request *req,
                        const char *key);
/* dt.list: answered at once. */
void stop_list_handle(hub *h, session *s, const fh_request *req);

#endif
