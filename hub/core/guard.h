/* guard.h -- brute-force limits of sign-ins at kiosks and on the dashboard.
 *
 * A source of sign-ins -- a kiosk ("kiosk <its token's sub>") or a client
 * address of POST /api/v1/login ("address <ip>") -- that saw
 * GUARD_KIOSK_FAILS failed sign-ins within GUARD_KIOSK_WINDOW_MS refuses
 * sign-ins for GUARD_KIOSK_REFUSE_MS (in memory).  A user with USER_FAILS_MAX failures within an hour is
 * locked until `floorctl user unlock` (user.h; the record is in the store's
 * "logins" table, written through the hub's batch).  Nothing here ever sees
 * a secret.
 */
#ifndef FH_HUB_GUARD_H
#define FH_HUB_GUARD_H

#include <stdint.h>

#include "hub.h"
#include "user.h"

#define GUARD_KIOSK_FAILS 5
#define GUARD_KIOSK_WINDOW_MS 60000
#define GUARD_KIOSK_REFUSE_MS 60000

/* Seconds (rounded up) the source still refuses sign-ins; 0: it accepts. */
uint64_t guard_source_refused(hub *h, const char *source, uint64_t now_mono);
/* Counts a failure of the source; 1 when it now refuses (logged), 0
 * otherwise, -ENOMEM. */
int guard_source_fail(hub *h, const char *source, uint64_t now_mono);
/* The failure record of a user (loaded from the store on first use); the
 * caller may change it and then queue it with guard_user_put.  NULL when
 * out of memory. */
user_fails *guard_user(hub *h, const char *id);
/* Queues the user's failure record in the hub's batch; 0 or -errno. */
int guard_user_put(hub *h, const char *id, const user_fails *f);
/* Forgets entries in which nothing counts any more (1 s tick). */
void guard_sweep(hub *h, uint64_t now_mono, int64_t now_ms);
void guard_free(hub *h);

#endif
