/* web_login.c -- POST /api/v1/login and /api/v1/logout (web_login.h).
 *
 * A sign-in is a kiosk sign-in without the kiosk: the failures count
 * against the client address ("address <ip>", guard.h: 5 a minute, then
 * 60 s of 429) and the user (10 an hour lock them), the check is a
 * login_job on the shared pool queue (login.c), against the dummy hash
 * when there is no such user or password or the user is disabled, so that
 * every refusal costs the same and reads the same: 401 "sign-in refused".
 * Success mints a session token (tokens.c).  Either way an audit record
 * ("login" by the user, or "login.failed" by the address) is queued and
 * the answer waits for its commit, like the kiosk's.  A logout verifies
 * the token, lists its jti in the revocation list, closes the sessions
 * holding it at once and again after the commit (one may have signed in
 * meanwhile), then answers.  The password is copied once, into the job,
 * and wiped with it; the token is wiped after the answer is handed over.
 */
#include "web_login.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "commit.h"
#include "guard.h"
#include "log.h"
#include "login.h"
#include "tokens.h"

struct web_call {
  web_done_fn done;           /* NULL once cancelled */
  void *arg;                  /* done's */
  char *token;                /* login: the token minted, wiped; NULL none */
  int64_t exp_ms;             /* its exp */
  int failed;                 /* login: the token could not be made */
  char jti[FH_JTI_MAX + 1];   /* logout: the token revoked */
};

void web_call_cancel(web_call *c) { c->done = NULL; }

void web_answer_error(web_done_fn done, void *arg, unsigned status,
                      const char *code, const char *key, const char *fmt, ...) {
  char text[256], *body;
  json_t *v;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  v = json_pack("{s:s, s:s, s:s}", "code", code, "key", key, "msg", text);
  body = v ? json_dumps(v, JSON_COMPACT) : NULL;
  if (body != NULL) done(arg, status, body, strlen(body));
  else done(arg, 500, "", 0);
  free(body);
  json_decref(v);
}

static void call_free(web_call *c) {
  if (c->token != NULL) {
    sodium_memzero(c->token, strlen(c->token));
    free(c->token);
  }
  free(c);
}

/* ------------------------------------------------------------- sign-in */

static void login_answered(hub *h, pending *p, int rc) {
  web_call *c = p->arg;
  char body[FH_TOKEN_MAX + 64];
  int n;
  (void)h;

  p->arg = NULL;
  if (c->done == NULL) {
  } else if (rc != 0 || c->failed) {
    web_answer_error(c->done, c->arg, 503, "unavailable", "",
                     "the sign-in could not be recorded");
  } else if (c->token == NULL) {
    web_answer_error(c->done, c->arg, 401, "unauthorized", "",
                     "sign-in refused");
  } else {
    n = snprintf(body, sizeof body, "{\"token\":\"%s\",\"expires_at\":%lld}",
                 c->token, (long long)c->exp_ms);
    c->done(c->arg, 200, body, (size_t)n);
    sodium_memzero(body, sizeof body);
  }
  call_free(c);
}

/* Queues the audit record and the answer after its commit. */
static void queue_answer(hub *h, login_job *j, web_call *c, const char *who) {
  pending *p;
  int rc;

  fh_buf_reset(&h->enc);
  rc = fh_enc_map(&h->enc, 1) | fh_enc_str(&h->enc, "user");
  rc |= j->user[0] ? fh_enc_str(&h->enc, j->user) : fh_enc_nil(&h->enc);
  if (rc == 0)
    rc = fh_batch_event(h->batch, hub_now_ms(h), c->token ? who : j->source,
                        c->token ? "login" : "login.failed",
                        fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
  if (rc != 0 || (p = commit_pending_new(h)) == NULL) {
    if (c->done) web_answer_error(c->done, c->arg, 500, "internal", "", "out of memory");
    call_free(c);
    return;
  }
  p->op = FH_MSG_LOGIN;
  p->kind = PENDING_CALL;
  p->done = login_answered;
  p->arg = c;
}

static void web_finish(hub *h, login_job *j, int status) {
  web_call *c = j->arg;
  user_rec *u = malloc(sizeof *u);

  h->web_logins--;
  if (u != NULL && login_judge(h, j, status, u)) {
    if (tokens_mint(h, u, &c->token, &c->exp_ms) != 0) c->failed = 1;
    else log_info("%s: %s signed in to the dashboard", j->source, u->id);
  }
  queue_answer(h, j, c, u ? u->id : "");
  if (u != NULL) sodium_memzero(u, sizeof *u);
  free(u);
}

static const char *password_of(const user_rec *u) { return u->password_hash; }

/* 1 when the address or the user is refused (answered). */
static int web_refused(hub *h, login_job *j, web_done_fn done, void *arg) {
  uint64_t wait_s = guard_source_refused(h, j->source, hub_mono_ms(h));
  if (wait_s > 0) {
    web_answer_error(done, arg, 429, "rate_limited", "", "too many failed "
                     "sign-ins from this address: try again in %llu s",
                     (unsigned long long)wait_s);
    return 1;
  }
  if (h->web_logins >= WEB_LOGINS_MAX) {
    web_answer_error(done, arg, 429, "rate_limited", "", "too many sign-ins "
                     "are being checked: try again in a moment");
    return 1;
  }
  return 0;
}

web_call *web_login(hub *h, const char *peer, const char *user,
                    const char *pw, size_t pwlen, web_done_fn done, void *arg) {
  login_job *j = calloc(1, sizeof *j);
  web_call *c = calloc(1, sizeof *c);

  if (j == NULL || c == NULL || pwlen > LOGIN_SECRET_MAX) {
    web_answer_error(done, arg, 500, "internal", "", "out of memory");
    goto fail;
  }
  snprintf(j->source, sizeof j->source, "address %s", peer);
  if (web_refused(h, j, done, arg)) goto fail;
  if (login_pick_hash(h, j, user, password_of)) {
    web_answer_error(done, arg, 429, "rate_limited", "user", "this user is "
                     "locked after too many failed sign-ins; an admin unlocks it");
    goto fail;
  }
  memcpy(j->secret, pw, pwlen);
  j->n = pwlen;
  j->finish = web_finish;
  j->arg = c;
  c->done = done;
  c->arg = arg;
  h->web_logins++;
  login_queue(h, j);
  return c;
fail:
  if (j != NULL) sodium_memzero(j, sizeof *j);
  free(j);
  free(c);
  return NULL;
}

/* ------------------------------------------------------------ sign-out */

static void logout_answered(hub *h, pending *p, int rc) {
  web_call *c = p->arg;
  static const char ok[] = "{\"ok\":true}";

  p->arg = NULL;
  if (rc == 0) tokens_close_sessions(h, c->jti);
  if (c->done == NULL) {
  } else if (rc != 0) {
    web_answer_error(c->done, c->arg, 503, "unavailable", "",
                     "the sign-out could not be stored");
  } else {
    c->done(c->arg, 200, ok, sizeof ok - 1);
  }
  call_free(c);
}

/* Queues the revocation, its audit record and the answer after commit. */
static int queue_logout(hub *h, const fh_identity *who, web_call *c) {
  pending *p;
  int rc = tokens_revoke(h, who);

  fh_buf_reset(&h->enc);
  if (rc == 0) rc = fh_enc_map(&h->enc, 1) | fh_enc_str(&h->enc, "jti") |
                    fh_enc_str(&h->enc, who->jti);
  if (rc == 0)
    rc = fh_batch_event(h->batch, hub_now_ms(h), who->sub, "logout",
                        fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
  if (rc != 0 || (p = commit_pending_new(h)) == NULL) return -ENOMEM;
  snprintf(c->jti, sizeof c->jti, "%s", who->jti);
  p->op = FH_MSG_LOGOUT;
  p->kind = PENDING_CALL;
  p->done = logout_answered;
  p->arg = c;
  return 0;
}

web_call *web_logout(hub *h, const char *tok, size_t len, web_done_fn done,
                     void *arg) {
  fh_identity *who = malloc(sizeof *who);
  web_call *c = calloc(1, sizeof *c);
  auth_fail f;

  if (who == NULL || c == NULL) {
    web_answer_error(done, arg, 500, "internal", "", "out of memory");
    goto fail;
  }
  if ((f = tokens_verify_signed(h, tok, len, who)) != AUTH_OK) {
    h->m.auth_failures[f]++;
    web_answer_error(done, arg, 401, "unauthorized", "token",
                     "token rejected: %s", auth_fail_name(f));
    goto fail;
  }
  if (who->jti[0] == '\0') {
    web_answer_error(done, arg, 400, "bad_request", "token",
                     "this token has no jti: it cannot be revoked");
    goto fail;
  }
  c->done = done;
  c->arg = arg;
  if (queue_logout(h, who, c) != 0) {
    web_answer_error(done, arg, 500, "internal", "", "out of memory");
    goto fail;
  }
  log_info("%s signed out (token revoked until it expires)", who->sub);
  free(who);
  return c;
fail:
  free(who);
  free(c);
  return NULL;
}
