/* tokens.h -- the hub's own session tokens and the revocation list.
 *
 * POST /api/v1/login (web_login.c) hands out JWTs the hub signs itself:
 * HS256 with a 32-byte key made at the first start and kept in the store
 * (table meta, key "session_key"; the data directory is 0700), header kid
 * TOKENS_KID, claims sub, role, lines (when the user has lines), iss
 * TOKENS_ISSUER, iat, exp (now + --session-ttl) and jti (16 random bytes,
 * hex).  tokens_verify() is the one check of every WebSocket token: a
 * token whose kid is TOKENS_KID is verified with that key only (alg pinned
 * to HS256, iss required), any other by the configured --jwt-* settings;
 * then a token with a jti listed in the revocation list (table "revoked":
 * jti -> exp in ms, u64 big-endian) is refused as AUTH_E_REVOKED.
 * tokens_revoke() (POST /api/v1/logout) lists a jti until its token
 * expires and closes open sessions holding it (4001 "token revoked");
 * A session token speaks for a user of the store: when that user is
 * disabled or removed, the token is refused (AUTH_E_DISABLED) and the
 * sessions holding one are closed (4001 "user disabled") at their next
 * write or within TOKENS_USER_CHECK_MS.
 * tokens_trim() (from the store housekeeping, every minute) drops entries
 * whose token expired.
 */
#ifndef FH_HUB_TOKENS_H
#define FH_HUB_TOKENS_H

#include "hub.h"
#include "session.h"
#include "user.h"

#define TOKENS_KID "floorhub-session"
#define TOKENS_ISSUER "floorhub"
#define TOKENS_KEY_META "session_key"
#define TOKENS_KEY_BYTES 32
#define TOKENS_USER_CHECK_MS 5000

/* Loads the signing key from the store, or makes one and queues it in
 * h->batch (hub_state_open commits it before anyone connects); 0 or a
 * negative code. */
int tokens_init(hub *h);
void tokens_free(hub *h);
/* Verifies a token (see above) at the hub's time; AUTH_OK fills who. */
auth_fail tokens_verify(hub *h, const char *tok, size_t len, fh_identity *who);
/* The same without the revocation list (a second logout is not an error). */
auth_fail tokens_verify_signed(hub *h, const char *tok, size_t len,
                               fh_identity *who);
/* A session token for u until now + --session-ttl: *token is malloc'ed
 * (the caller wipes and frees it), *exp_ms its exp.  0 or -ENOMEM. */
int tokens_mint(hub *h, const user_rec *u, char **token, int64_t *exp_ms);
/* Queues who's jti (with its exp) into the revocation list; once that is
 * committed the caller closes the sessions that hold it
 * (tokens_close_sessions).  -EINVAL when it has no jti, else 0 or -errno. */
int tokens_revoke(hub *h, const fh_identity *who);
/* Closes every session authenticated with the token jti: 4001. */
void tokens_close_sessions(hub *h, const char *jti);
/* Before a write of s: 1 when s holds a session token whose user is
 * disabled or removed (answered unauthorized, closed 4001), else 0. */
int tokens_check_session(hub *h, session *s, const fh_request *req);
/* The 1 s tick: every TOKENS_USER_CHECK_MS, closes the sessions whose
 * session token's user is disabled or removed. */
void tokens_tick(hub *h, uint64_t now_mono);
/* Queues the deletion of entries whose token expired before now_ms. */
void tokens_trim(hub *h, int64_t now_ms);

#endif
