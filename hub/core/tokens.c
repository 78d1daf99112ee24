/* tokens.c -- the hub's session tokens and their revocation (tokens.h).
 *
 * The signing key never leaves this file and h->session_auth: it is read
 * from the store once at start and wiped at exit; no log line carries it
 * or a token.  A jti is 16 bytes of libsodium randomness in hex, so the
 * revocation list is keyed by a value no client chooses for a hub token.
 * Closing sessions walks the session list: a logout is rare and the list
 * is walked by the 1 s tick anyway.
 */
#include "tokens.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "log.h"
#include "person.h"
#include "session.h"

static int key_cb(void *arg, const void *key, size_t klen, const void *val,
                  size_t vlen) {
  unsigned char *out = arg;
  (void)key;
  (void)klen;
  if (vlen != TOKENS_KEY_BYTES) return -EBADMSG;
  memcpy(out, val, vlen);
  return 0;
}

int tokens_init(hub *h) {
  unsigned char key[TOKENS_KEY_BYTES];
  int rc = fh_store_get(h->store, FH_T_META, TOKENS_KEY_META,
                        strlen(TOKENS_KEY_META), key_cb, key);
  if (rc == -ENOENT) {
    randombytes_buf(key, sizeof key);
    rc = fh_batch_put(h->batch, FH_T_META, TOKENS_KEY_META,
                      strlen(TOKENS_KEY_META), key, sizeof key);
    if (rc == 0) log_info("session tokens: made a new signing key (in the store)");
  }
  if (rc == 0)
    rc = auth_config_hmac(&h->session_auth, TOKENS_KID, key, sizeof key,
                          TOKENS_ISSUER);
  sodium_memzero(key, sizeof key);
  return rc;
}

void tokens_free(hub *h) { auth_config_free(&h->session_auth); }

auth_fail tokens_verify_signed(hub *h, const char *tok, size_t len,
                               fh_identity *who) {
  auth_fail f = auth_verify(&h->session_auth, tok, len, hub_now_ms(h), who);
  if (f == AUTH_OK) who->hub_signed = 1;
  else if (f == AUTH_E_UNKNOWN_KID) /* not one of ours */
    f = auth_verify(&h->auth, tok, len, hub_now_ms(h), who);
  return f;
}

/* 1 when the user id is disabled or no longer in the store. */
static int user_barred(hub *h, const char *id) {
  user_rec *u = malloc(sizeof *u);
  int barred = u == NULL || person_load(h, id, u) != 0 || u->disabled;
  if (u != NULL) sodium_memzero(u, sizeof *u);
  free(u);
  return barred;
}

static int exists_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  (void)arg;
  (void)key;
  (void)klen;
  (void)val;
  (void)vlen;
  return 0;
}

auth_fail tokens_verify(hub *h, const char *tok, size_t len, fh_identity *who) {
  auth_fail f = tokens_verify_signed(h, tok, len, who);
  if (f == AUTH_OK && who->jti[0] &&
      fh_store_get(h->store, FH_T_REVOKED, who->jti, strlen(who->jti),
                   exists_cb, NULL) == 0)
    f = AUTH_E_REVOKED;
  else if (f == AUTH_OK && who->hub_signed && user_barred(h, who->sub))
    f = AUTH_E_DISABLED;
  if (f != AUTH_OK) memset(who, 0, sizeof *who);
  return f;
}

/* The claims of a token for u, from now_s to exp_s. */
static json_t *claims_of(const user_rec *u, int64_t now_s, int64_t exp_s) {
  unsigned char raw[16];
  char jti[2 * sizeof raw + 1];
  json_t *c, *lines = NULL;

  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(jti, sizeof jti, raw, sizeof raw);
  if (u->nlines > 0 && (lines = json_array()) != NULL)
    for (size_t i = 0; i < u->nlines; i++)
      json_array_append_new(lines, json_string(u->lines[i]));
  c = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "sub", u->id, "role",
                fh_role_name(u->role), "iss", TOKENS_ISSUER, "jti", jti,
                "iat", (json_int_t)now_s, "exp", (json_int_t)exp_s);
  if (c != NULL && lines != NULL) json_object_set(c, "lines", lines);
  json_decref(lines);
  return c;
}

int tokens_mint(hub *h, const user_rec *u, char **token, int64_t *exp_ms) {
  int64_t now_s = hub_now_ms(h) / 1000, exp_s = now_s + h->cfg->session_ttl_s;
  const auth_key *k = &h->session_auth.keys[0];
  json_t *claims = claims_of(u, now_s, exp_s);

  *token = claims ? auth_sign(JWT_ALG_HS256, k->key, k->keylen, TOKENS_KID, claims)
                  : NULL;
  json_decref(claims);
  *exp_ms = exp_s * 1000;
  return *token ? 0 : -ENOMEM;
}

void tokens_close_sessions(hub *h, const char *jti) {
  for (session *s = h->sessions; s != NULL; s = s->next) {
    if (!s->authed || s->close_code != 0 || strcmp(s->jti, jti) != 0) continue;
    log_info("session %llu (%s): token of %s revoked, closing 4001",
             (unsigned long long)s->id, s->peer, s->user);
    session_close(s, FH_CLOSE_UNAUTHENTICATED, "token revoked");
  }
}

static void close_barred(session *s) {
  log_info("session %llu (%s): user %s disabled or removed, closing 4001",
           (unsigned long long)s->id, s->peer, s->user);
  session_close(s, FH_CLOSE_UNAUTHENTICATED, "user disabled");
}

int tokens_check_session(hub *h, session *s, const fh_request *req) {
  if (!s->hub_token || s->via[0] || !user_barred(h, s->user)) return 0;
  session_send_err(s, req->has_id, req->id, FH_E_UNAUTHORIZED, "t",
                   "%s may no longer sign in: signed out", s->user);
  close_barred(s);
  return 1;
}

void tokens_tick(hub *h, uint64_t now_mono) {
  if (now_mono - h->tokens_checked_ms < TOKENS_USER_CHECK_MS) return;
  h->tokens_checked_ms = now_mono;
  for (session *s = h->sessions; s != NULL; s = s->next)
    if (s->hub_token && s->authed && s->close_code == 0 && user_barred(h, s->user))
      close_barred(s);
}

int tokens_revoke(hub *h, const fh_identity *who) {
  uint8_t exp[8];
  uint64_t e = who->exp_ms > 0 ? (uint64_t)who->exp_ms : 0;
  if (who->jti[0] == '\0') return -EINVAL;
  for (int i = 7; i >= 0; i--, e >>= 8) exp[i] = (uint8_t)e;
  /* the sessions holding it close once this is committed (the caller's
   * pending answer): closed before, a new connection could still sign in
   * with it until the commit */
  return fh_batch_put(h->batch, FH_T_REVOKED, who->jti, strlen(who->jti), exp,
                      sizeof exp);
}

/* What a trim scan needs. */
typedef struct trim_ctx {
  hub *h;          /* the hub */
  int64_t now_ms;  /* entries of tokens expired before are dropped */
  size_t n;        /* entries dropped */
} trim_ctx;

static int trim_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  trim_ctx *t = arg;
  const uint8_t *v = val;
  uint64_t exp = 0;
  int64_t leeway_ms = (int64_t)t->h->auth.leeway_s * 1000;

  for (size_t i = 0; i < 8 && vlen == 8; i++) exp = exp << 8 | v[i];
  if (vlen == 8 && (int64_t)exp + leeway_ms >= t->now_ms) return 0;
  t->n++;
  return fh_batch_del(t->h->batch, FH_T_REVOKED, key, klen);
}

void tokens_trim(hub *h, int64_t now_ms) {
  trim_ctx t = {h, now_ms, 0};
  int rc = fh_store_scan(h->store, FH_T_REVOKED, NULL, 0, trim_cb, &t);
  if (rc != 0) log_warn("revocation list: trim failed: %s", fh_store_strerror(rc));
  else if (t.n > 0) log_info("revocation list: %zu expired token(s) dropped", t.n);
}
