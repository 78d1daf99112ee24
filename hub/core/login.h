/* login.h -- people signing in at kiosks (`login`, `logout`).
 *
 * login.c checks badges and PINs with Argon2id on the thread pool and
 * answers after the commit of the sign-in's audit record; person.c holds
 * what a signed-in session is; guard.c the brute-force limits.
 */
#ifndef FH_HUB_LOGIN_H
#define FH_HUB_LOGIN_H

#include "fh_protocol.h"
#include "hub.h"
#include "session.h"

/* The dummy Argon2id string (one hash, ~50 ms); 0 or -errno. */
int login_init(hub *h);
void login_free(hub *h);
/* 1 when no check runs on the pool (the shutdown waits for that). */
int login_idle(const hub *h);
/* A closing session: checks in flight will not answer it. */
void login_forget_session(hub *h, session *s);
/* `login {badge}` or `login {user, pin}` of session s. */
void login_handle(hub *h, session *s, const fh_request *req);
/* `logout`: back to the kiosk's own identity at once; ok after commit. */
void login_logout(hub *h, session *s, const fh_request *req);

#endif
