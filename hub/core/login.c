/* login.c -- people signing in at kiosks: `login` and `logout`.
 *
 * Only a session whose token has role kiosk may sign people in (forbidden
 * otherwise).  `login {badge}` finds the user through the badge index,
 * `login {user, pin}` by id; then the Argon2id check runs on libuv's
 * thread pool (uv_queue_work: about 50 ms of CPU and 24 MiB, never on the
 * loop), one check per session at a time and at most LOGIN_CHECKS_MAX on
 * the pool at once (the others wait their turn in h->login_jobs), so that
 * 50 kiosks signing in at shift start leave pool threads free for the
 * group commit, which runs on the same pool.  When there is no such user,
 * no such secret or the user is disabled, the check still runs, against
 * h->login_dummy, so that every refusal costs the same time and says the
 * same thing: `unauthorized`, "sign-in refused".
 *
 * After the check, on the loop, the user record is read again (a disable
 * during the check counts).  Success queues an audit record "login" (the
 * person, via the kiosk) and clears the user's failures; a refusal counts
 * against the kiosk (guard.c: 5 a minute, then 60 s of rate_limited) and,
 * for a known user, against the user (10 an hour lock them until `floorctl
 * user unlock`) and queues "login.failed" (actor: the kiosk).  Either way
 * the answer waits for the commit (a PENDING_CALL), so a failure count is
 * durable before the kiosk hears of it, and the session acts as the
 * person only once the record of it is stored.
 *
 * The queue is shared: the dashboard's password sign-in (web_login.c)
 * hands its checks to login_queue too, with a finish callback of its own,
 * and uses login_pick_hash, login_judge and login_count_failure, so both
 * count failures the same way (the source is "kiosk <sub>" or "address
 * <ip>") and share one cap on checks running at once.
 *
 * Secrets are copied once, into the job, and wiped (sodium_memzero) when
 * the job ends; no log line or reply carries one.
 */
#include "login.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "commit.h"
#include "guard.h"
#include "log.h"
#include "person.h"

/* Checks on the pool at once (libuv's pool has 4 threads by default). */
#define LOGIN_CHECKS_MAX 2

/* What the commit's callback needs. */
typedef struct login_answer {
  int ok;                        /* sign in (else: refuse) */
  int by_badge;                  /* the key the refusal names */
  user_rec u;                    /* ok: who signs in */
} login_answer;

int login_init(hub *h) {
  unsigned char noise[32];
  if (user_crypto_init() != 0) return -EIO;
  if ((h->login_dummy = malloc(USER_HASH_MAX)) == NULL) return -ENOMEM;
  randombytes_buf(noise, sizeof noise);
  return user_hash_secret((const char *)noise, sizeof noise, h->login_dummy);
}

void login_free(hub *h) {
  free(h->login_dummy);
  h->login_dummy = NULL;
  guard_free(h);
}

int login_idle(const hub *h) { return h->login_jobs == NULL; }

void login_forget_session(hub *h, session *s) {
  for (login_job *j = h->login_jobs; j != NULL; j = j->next)
    if (j->s == s) j->s = NULL;
}

/* The user id the badge names in the index, or "" in id. */
static void find_badge(hub *h, const fh_strv badge, char *id);

static int copy_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  fh_strv *out = arg; /* p: destination, n: its exact size or capacity */
  (void)key;
  (void)klen;
  if (vlen == 0 || vlen > out->n) return -EBADMSG;
  memcpy((char *)out->p, val, vlen);
  out->n = vlen;
  return 0;
}

static void find_badge(hub *h, const fh_strv badge, char *id) {
  uint8_t key[USER_BADGE_KEY_BYTES], idx[USER_BADGE_INDEX_BYTES];
  fh_strv k = {(const char *)key, sizeof key}, v = {id, FH_ID_MAX};
  id[0] = '\0';
  if (fh_store_get(h->store, FH_T_META, USER_BADGE_KEY_META,
                   strlen(USER_BADGE_KEY_META), copy_cb, &k) != 0 ||
      k.n != sizeof key)
    return;
  user_badge_index(key, badge.p, badge.n, idx);
  if (fh_store_get(h->store, FH_T_BADGES, idx, sizeof idx, copy_cb, &v) == 0)
    id[v.n] = '\0';
  sodium_memzero(key, sizeof key);
}

/* ------------------------------------------------------------ the answer */

static void answer_done(hub *h, pending *p, int rc) {
  login_answer *a = p->arg;
  session *s = p->s;
  fh_identity *who = NULL;
  const char *lines[FH_LINES_MAX];
  int64_t idle_end = hub_now_ms(h) + 1000LL * h->cfg->kiosk_idle_logout_s;

  if (s == NULL) goto out;
  if (rc != 0) {
    session_send_err(s, p->has_id, p->id, FH_E_UNAVAILABLE, "",
                     "storage error: the sign-in was not recorded");
  } else if (!a->ok) {
    session_send_err(s, p->has_id, p->id, FH_E_UNAUTHORIZED,
                     a->by_badge ? "badge" : "pin", "sign-in refused");
  } else if ((who = malloc(sizeof *who)) == NULL ||
             person_sign_in(h, s, &a->u) != 0) {
    session_send_err(s, p->has_id, p->id, FH_E_INTERNAL, "", "out of memory");
  } else {
    fh_login_ok ok = {.id = p->id, .has_id = p->has_id, .user = s->user,
                      .name = a->u.name[0] ? a->u.name : a->u.id,
                      .role = fh_role_name(s->role), .lines = lines,
                      .expires_at = idle_end < s->exp_ms ? idle_end : s->exp_ms};
    session_identity(s, who);
    for (size_t i = 0; i < who->nlines; i++) lines[i] = who->lines[i];
    ok.nlines = who->nlines;
    s->last_req_ms = hub_mono_ms(h);
    fh_buf_reset(&h->enc);
    if (fh_enc_ok_login(&h->enc, &ok) == 0) session_send(s, &h->enc, FH_MSG_OK);
  }
out:
  free(who);
  sodium_memzero(a, sizeof *a);
  free(a);
  p->arg = NULL;
}

/* Queues the audit record and the answer; the answer owns `a`. */
static void queue_answer(hub *h, login_job *j, login_answer *a) {
  const char *actor = a->ok ? a->u.id : j->kiosk;
  pending *p;
  int rc;

  fh_buf_reset(&h->enc);
  rc = fh_enc_map(&h->enc, 1) | fh_enc_str(&h->enc, "user");
  rc |= a->ok || j->user[0] ? fh_enc_str(&h->enc, j->user) : fh_enc_nil(&h->enc);
  if (rc == 0)
    rc = fh_batch_event_via(h->batch, hub_now_ms(h), actor,
                            a->ok ? j->kiosk : NULL,
                            a->ok ? "login" : "login.failed",
                            fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
  if (rc != 0 || (p = commit_pending_new(h)) == NULL) {
    if (j->s) session_send_err(j->s, j->has_id, j->id, FH_E_INTERNAL, "", "out of memory");
    free(a);
    return;
  }
  p->s = j->s;
  p->has_id = j->has_id;
  p->id = j->id;
  p->op = FH_MSG_LOGIN;
  p->kind = PENDING_CALL;
  p->done = answer_done;
  p->arg = a;
}

void login_count_failure(hub *h, login_job *j, const user_rec *u) {
  user_fails *f;
  h->m.login_failures++;
  log_info("%s: sign-in refused (%s of %s)", j->source,
           j->by_badge ? "badge" : j->kiosk[0] ? "pin" : "password",
           u ? u->id : "no known user");
  guard_source_fail(h, j->source, hub_mono_ms(h));
  if (u == NULL || (f = guard_user(h, u->id)) == NULL) return;
  if (user_fails_add(f, u, hub_now_ms(h))) {
    h->m.login_user_locks++;
    log_warn("user %s: locked after %d failed sign-ins within an hour (floorctl "
             "user unlock)", u->id, USER_FAILS_MAX);
  }
  if (guard_user_put(h, u->id, f) != 0)
    log_error("user %s: cannot queue the failure count", u->id);
}

int login_judge(hub *h, login_job *j, int status, user_rec *u) {
  int found = j->user[0] && person_load(h, j->user, u) == 0;
  user_fails *f = found ? guard_user(h, j->user) : NULL;
  int ok = status == 0 && j->rc == 0 && found && !u->disabled && f != NULL &&
           !user_locked(f, u);
  if (!ok) {
    login_count_failure(h, j, found ? u : NULL);
    return 0;
  }
  h->m.logins++;
  if (f->n > 0) {
    f->n = 0;
    guard_user_put(h, u->id, f);
  }
  return 1;
}

static void check_work(uv_work_t *req);
static void start_checks(hub *h);

/* The kiosk's check is done: sign in or refuse, answered after commit. */
static void kiosk_finish(hub *h, login_job *j, int status) {
  login_answer *a = calloc(1, sizeof *a);

  if (a == NULL) {
    if (j->s) session_send_err(j->s, j->has_id, j->id, FH_E_INTERNAL, "", "out of memory");
    return;
  }
  a->by_badge = j->by_badge;
  a->ok = login_judge(h, j, status, &a->u);
  if (a->ok)
    log_info("session %llu: %s signed in at kiosk %s",
             j->s ? (unsigned long long)j->s->id : 0ull, a->u.id, j->kiosk);
  queue_answer(h, j, a);
}

static void check_done(uv_work_t *req, int status) {
  login_job *j = req->data, **jp;
  hub *h = j->h;

  for (jp = &h->login_jobs; *jp != j; jp = &(*jp)->next) {}
  *jp = j->next;
  if (j->s) j->s->login_busy = 0;
  j->finish(h, j, status);
  sodium_memzero(j, sizeof *j);
  free(j);
  start_checks(h);
}

/* Hands waiting checks to the pool, oldest first, up to the cap. */
static void start_checks(hub *h) {
  int running = 0;
  for (login_job *j = h->login_jobs; j != NULL; j = j->next)
    running += j->running;
  for (login_job **jp = &h->login_jobs; *jp != NULL && running < LOGIN_CHECKS_MAX;) {
    login_job *j = *jp;
    if (j->running) {
      jp = &j->next;
      continue;
    }
    j->req.data = j;
    if (uv_queue_work(h->loop, &j->req, check_work, check_done) == 0) {
      j->running = 1;
      running++;
      jp = &j->next;
      continue;
    }
    *jp = j->next; /* the pool refused: answer it as a failed check */
    if (j->s) j->s->login_busy = 0;
    j->finish(h, j, UV_EINVAL);
    sodium_memzero(j, sizeof *j);
    free(j);
  }
}

static void check_work(uv_work_t *req) {
  login_job *j = req->data;
  j->rc = user_verify_secret(j->hash, j->secret, j->n);
}

/* ------------------------------------------------------------ requests */

/* The token identity's role (the kiosk's, also while a person acts). */
static fh_role token_role(const session *s) {
  return s->via[0] ? s->tok_role : s->role;
}

static const char *token_sub(const session *s) {
  return s->via[0] ? s->via : s->user;
}

/* Refuses what is not a kiosk or not one sign-in shape; 1 when answered. */
static int refused(hub *h, session *s, const fh_request *req) {
  const fh_strv *b = &req->u.login.badge, *u = &req->u.login.user,
                *pin = &req->u.login.pin;
  char source[FH_ID_MAX + 16];
  uint64_t wait_s;
  if (token_role(s) != FH_ROLE_KIOSK) {
    session_send_err(s, req->has_id, req->id, FH_E_FORBIDDEN, "t",
                     "only a kiosk session signs people in (this token's "
                     "role is %s)", fh_role_name(token_role(s)));
    return 1;
  }
  if (req->type == FH_MSG_LOGOUT) return 0;
  if (b->n > 0 && (u->n > 0 || pin->n > 0)) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "badge",
                     "give either badge, or user and pin");
    return 1;
  }
  if (b->n == 0 && u->n == 0 && pin->n == 0) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "badge",
                     "missing key 'badge' (or 'user' and 'pin')");
    return 1;
  }
  if (b->n == 0 && (u->n == 0 || pin->n == 0)) {
    const char *key = u->n == 0 ? "user" : "pin";
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, key,
                     "missing key '%s'", key);
    return 1;
  }
  snprintf(source, sizeof source, "kiosk %s", token_sub(s));
  wait_s = guard_source_refused(h, source, hub_mono_ms(h));
  if (wait_s > 0) {
    session_send_err(s, req->has_id, req->id, FH_E_RATE_LIMITED, "t",
                     "too many failed sign-ins at this kiosk: try again in "
                     "%llu s", (unsigned long long)wait_s);
    return 1;
  }
  if (s->login_busy) {
    session_send_err(s, req->has_id, req->id, FH_E_RATE_LIMITED, "t",
                     "a sign-in is being checked");
    return 1;
  }
  return 0;
}

int login_pick_hash(hub *h, login_job *j, const char *id,
                    const char *(*secret_of)(const user_rec *u)) {
  user_rec *u = malloc(sizeof *u);
  user_fails *f;
  const char *hash = "";
  int locked = 0;

  snprintf(j->user, sizeof j->user, "%s", id ? id : "");
  if (u != NULL && j->user[0] && person_load(h, j->user, u) == 0) {
    if ((f = guard_user(h, u->id)) != NULL && user_locked(f, u)) locked = 1;
    else if (!u->disabled) hash = secret_of(u);
  } else {
    j->user[0] = '\0';
  }
  snprintf(j->hash, sizeof j->hash, "%s", hash[0] ? hash : h->login_dummy);
  if (u != NULL) sodium_memzero(u, sizeof *u);
  free(u);
  return locked;
}

static const char *badge_of(const user_rec *u) { return u->badge_hash; }
static const char *pin_of(const user_rec *u) { return u->pin_hash; }

/* Fills the job's user and hash; 1 when the user is locked (answered). */
static int choose_hash(hub *h, session *s, const fh_request *req, login_job *j) {
  char id[FH_ID_MAX + 1];
  if (j->by_badge) find_badge(h, req->u.login.badge, id);
  else snprintf(id, sizeof id, "%.*s", (int)req->u.login.user.n,
                req->u.login.user.p);
  if (!login_pick_hash(h, j, id, j->by_badge ? badge_of : pin_of)) return 0;
  session_send_err(s, req->has_id, req->id, FH_E_RATE_LIMITED,
                   j->by_badge ? "badge" : "user", "this user is locked "
                   "after too many failed sign-ins; an admin unlocks it");
  return 1;
}

void login_handle(hub *h, session *s, const fh_request *req) {
  const fh_strv *secret;
  login_job *j;

  if (refused(h, s, req)) return;
  if ((j = calloc(1, sizeof *j)) == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
    return;
  }
  j->by_badge = req->u.login.badge.n > 0;
  if (choose_hash(h, s, req, j)) {
    free(j);
    return;
  }
  secret = j->by_badge ? &req->u.login.badge : &req->u.login.pin;
  memcpy(j->secret, secret->p, secret->n); /* <= FH_BADGE_MAX: decoder */
  j->n = secret->n;
  j->s = s;
  j->has_id = req->has_id;
  j->id = req->id;
  snprintf(j->kiosk, sizeof j->kiosk, "%s", token_sub(s));
  snprintf(j->source, sizeof j->source, "kiosk %s", j->kiosk);
  j->finish = kiosk_finish;
  s->login_busy = 1;
  login_queue(h, j);
}

void login_queue(hub *h, login_job *j) {
  login_job **jp;
  j->h = h;
  for (jp = &h->login_jobs; *jp != NULL; jp = &(*jp)->next) {}
  *jp = j; /* at the tail: checks start in the order they came */
  start_checks(h);
}

static void logout_done(hub *h, pending *p, int rc) {
  (void)rc; /* signed out already; the record is best effort */
  if (p->s == NULL) return;
  fh_buf_reset(&h->enc);
  if (fh_enc_ok(&h->enc, p->has_id, p->id) == 0)
    session_send(p->s, &h->enc, FH_MSG_OK);
}

void login_logout(hub *h, session *s, const fh_request *req) {
  pending *p;
  if (refused(h, s, req)) return;
  person_sign_out(h, s, "logout", 0);
  if ((p = commit_pending_new(h)) == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
    return;
  }
  p->s = s;
  p->has_id = req->has_id;
  p->id = req->id;
  p->op = FH_MSG_LOGOUT;
  p->kind = PENDING_CALL;
  p->done = logout_done;
}
