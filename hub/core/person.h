/* person.h -- a person acting through a kiosk session.
 *
 * While a person is signed in (login.c), the session's user, role and line
 * mask are the person's: their role, and the lines of their user record
 * intersected with the kiosk token's lines (admin, as everywhere, is not
 * restricted by lines).  session->via holds the kiosk token's sub; every
 * write records it (raised_via, acked_via, the audit record's via).  The
 * record is read again at every write, so a user disabled or locked
 * meanwhile is signed out at their next write, and a changed role or
 * lines count at once.
 */
#ifndef FH_HUB_PERSON_H
#define FH_HUB_PERSON_H

#include <stdint.h>

#include "hub.h"
#include "session.h"
#include "user.h"

/* The user record with that id; 0, -ENOENT, or another -errno. */
int person_load(hub *h, const char *id, user_rec *u);
/* Makes s act as u (keeping the token's identity aside); 0 or -ENOMEM
 * (then s is unchanged). */
int person_sign_in(hub *h, session *s, const user_rec *u);
/* Returns s to its token's identity, queues a "logout" audit record with
 * the reason, and (when `welcome`) sends an unprompted welcome naming the
 * token's identity.  Nothing happens when no one is signed in. */
void person_sign_out(hub *h, session *s, const char *reason, int welcome);
/* Before a write: 0 to go on (the record re-read, role and lines
 * refreshed); 1 when the person may no longer act (answered unauthorized
 * and signed out). */
int person_check(hub *h, session *s, const fh_request *req);
/* The idle sign-out: every session whose person sent no request for
 * --kiosk-idle-logout-s (1 s tick). */
void person_tick(hub *h, uint64_t now_mono);

#endif
