/* login.h -- people signing in at kiosks (`login`, `logout`).
 *
 * login.c checks badges and PINs with Argon2id on the thread pool and
 * answers after the commit of the sign-in's audit record; person.c holds
 * what a signed-in session is; guard.c the brute-force limits.  The pool
 * queue (login_queue) is shared with the dashboard's password sign-in
 * (web_login.c): one queue, one cap on checks running at once.
 */
#ifndef FH_HUB_LOGIN_H
#define FH_HUB_LOGIN_H

#include "fh_protocol.h"
#include "hub.h"
#include "session.h"
#include "user.h"

/* The largest secret a check takes (a password; badges and PINs are
 * shorter). */
#define LOGIN_SECRET_MAX USER_PASSWORD_MAX

/* One sign-in check on the thread pool. */
typedef struct login_job {
  uv_work_t req;                 /* libuv's request */
  struct login_job *next;        /* h->login_jobs, oldest first */
  int running;                   /* handed to the pool */
  hub *h;                        /* the hub */
  session *s;                    /* kiosk: who asked; NULL once it closed
                                    (and for a dashboard sign-in) */
  int has_id;                    /* echo the request id */
  uint64_t id;
  int by_badge;                  /* badge (else user + pin / password) */
  char source[FH_ID_MAX + 16];   /* whose failures count: "kiosk <sub>",
                                    "address <ip>" (guard.h) */
  char kiosk[FH_ID_MAX + 1];     /* the kiosk token's sub, "" none */
  char user[FH_ID_MAX + 1];      /* the user found, "" none */
  char hash[USER_HASH_MAX];      /* the Argon2id string to check */
  char secret[LOGIN_SECRET_MAX + 1]; /* the badge, PIN or password; wiped */
  size_t n;                      /* its length */
  int rc;                        /* the check: 0 match */
  /* On the loop once the check ran (status: libuv's); the job is wiped
   * and freed after it. */
  void (*finish)(hub *h, struct login_job *j, int status);
  void *arg;                     /* finish's own data */
} login_job;

/* Hands j (its hash, secret, finish set) to the pool queue: checks start
 * in the order they came, at most a few at once. */
void login_queue(hub *h, login_job *j);
/* Looks up user id (NULL: none) for a check: fills j->user and j->hash
 * (secret_of picks the stored hash of the record; the dummy when there is
 * no such user or secret, or the user is disabled).  1 when the user is
 * locked (nothing to check), else 0. */
int login_pick_hash(hub *h, login_job *j, const char *id,
                    const char *(*secret_of)(const user_rec *u));
/* A refused check: counts against j->source and the user u (NULL: no
 * known user), logged without the secret. */
void login_count_failure(hub *h, login_job *j, const user_rec *u);
/* After a check: 1 when j succeeds for the user, read again into u (a
 * disable or lock meanwhile counts); clears the user's failures then, or
 * counts the failure. */
int login_judge(hub *h, login_job *j, int status, user_rec *u);

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
