/* eq_writes.h -- the gateway's writes: eq.state, eq.count, eq.total. */
#ifndef FH_HUB_EQ_WRITES_H
#define FH_HUB_EQ_WRITES_H

#include "fh_protocol.h"
#include "hub.h"
#include "session.h"

/* An equipment write of session s (the idempotency key already checked). */
void eq_writes_handle(hub *h, session *s, const fh_request *req,
                      const char *key);
/* 1 s tick: equipment whose data stopped for its signal_timeout_s goes
 * unknown with machine reason no_signal (a write by the hub itself). */
void eq_writes_tick(hub *h, int64_t now);

#endif
