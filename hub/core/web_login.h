/* web_login.h -- the dashboard's sign-in and sign-out by password.
 *
 * The HTTP side (net/http_api.c) parses POST /api/v1/login and
 * /api/v1/logout and hands the fields here; the answer comes back through
 * a callback with an HTTP status and a JSON body, once the Argon2id check
 * ran on the pool and the audit record is committed.  A web_call belongs
 * to this module: the HTTP side cancels it when its connection closes
 * first, and is never called back after that.
 */
#ifndef FH_HUB_WEB_LOGIN_H
#define FH_HUB_WEB_LOGIN_H

#include <stddef.h>

#include "hub.h"

/* Dashboard sign-ins checked (or waiting for the pool) at once at most;
 * more are refused with 429 until some are done. */
#define WEB_LOGINS_MAX 16

/* The answer: status and body (JSON, len bytes; wiped after the call). */
typedef void (*web_done_fn)(void *arg, unsigned status, const char *body,
                            size_t len);
typedef struct web_call web_call;

/* Signs user in with the password (pwlen bytes, 1..USER_PASSWORD_MAX) for
 * a client at address peer: 200 {"token", "expires_at"}; 401 for a wrong
 * user or password or a disabled user; 429 while the address is refused or
 * the user locked (the kiosk limits of guard.h).  Returns the call, or
 * NULL when done was called already. */
web_call *web_login(hub *h, const char *peer, const char *user,
                    const char *pw, size_t pwlen, web_done_fn done, void *arg);
/* Revokes the token (len bytes): 200 {"ok": true} once the revocation is
 * stored; 401 for a token that does not verify, 400 for one without jti.
 * Returns the call, or NULL when done was called already. */
web_call *web_logout(hub *h, const char *tok, size_t len, web_done_fn done,
                     void *arg);
/* The connection is gone: done will not be called. */
void web_call_cancel(web_call *c);
/* Calls done with status and the body {"code", "key", "msg"} (msg from
 * fmt): the HTTP error answer, named like the WebSocket `err`. */
void web_answer_error(web_done_fn done, void *arg, unsigned status,
                      const char *code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
