/* hub.h -- the floorhub daemon's shared state and its lifecycle.
 *
 * Design: one thread, one libuv loop.  libwebsockets runs on that loop as a
 * foreign loop; every timer is a uv timer.  A connection is a `session`
 * (session.h); what it may receive is organised in `topic`s (topic.h) whose
 * updates are encoded once and shared by reference among subscribers
 * (msg.h).  The live state of the plant is the `model` (model.h), loaded
 * from the store at start.  Writes change the model at once, remember how
 * to undo that, and queue their records in the hub's batch; a uv_check
 * handle hands the batch of each loop iteration to one commit job on the
 * thread pool (group commit; the next batch fills meanwhile), and only when
 * it is durable are the writes answered and their updates published
 * (commit.c).  If the commit fails, the changes are undone and every writer
 * gets `err unavailable`.
 *
 * Each module declares what it exports in its own header (session.h,
 * commit.h, dispatch.h, ...); this one holds `struct hub`, its clock and
 * its lifecycle only.  The net layer (../net) sits above this folder and
 * calls into it; nothing here calls the net layer.
 */
#ifndef FH_HUB_HUB_H
#define FH_HUB_HUB_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>
#include <uv.h>

#include "auth.h"
#include "config.h"
#include "fh_protocol.h"
#include "fh_storage.h"
#include "metrics.h"
#include "notify_rules.h"
#include "plant.h"

struct session;
struct topic;
struct model;
struct pending;
struct notify_log;
struct outbox_repeats;

/* The hub's clock.  NULL members use the system's clocks; a test or a
 * fuzzer sets its own functions to drive time by hand. */
typedef struct hub_clock {
  int64_t (*now_ms)(void *arg);    /* ms since the Unix epoch */
  uint64_t (*mono_ms)(void *arg);  /* monotonic ms */
  void *arg;                       /* passed to both */
} hub_clock;

typedef enum store_job_kind { JOB_COMMIT = 0, JOB_TRIM } store_job_kind;

/* The one store job that may run on the thread pool (commit.c). */
typedef struct store_job {
  uv_work_t req;                   /* libuv's request */
  struct hub *h;                   /* the hub */
  store_job_kind kind;             /* commit a batch, or trim */
  int busy;                        /* queued or running */
  fh_store *store;                 /* the store (one writer: this job) */
  fh_batch *batch;                 /* JOB_COMMIT: the batch, owned */
  struct pending *list;            /* JOB_COMMIT: its pending writes */
  size_t n;                        /* their number */
  int64_t now_ms;                  /* JOB_TRIM: the time to trim at */
  struct retention_plan *plan;     /* JOB_TRIM: what history may go, or
                                      NULL (retention.h); owned */
  fh_buf outbox_ids;               /* JOB_COMMIT: ids of the outbox records
                                      the batch creates (outbox.h) */
  int rc;                          /* the store's answer */
  uint64_t t0_ns, t1_ns;           /* uv_hrtime() at its start and end */
} store_job;

typedef struct hub {
  uv_loop_t *loop;                 /* the loop everything runs on */
  const hub_config *cfg;           /* settings (config.h) */
  plant *plant;                    /* the plant layout */
  auth_config auth;                /* JWT verification settings */
  auth_config session_auth;        /* the hub's own session tokens: its
                                      HS256 key (tokens.c) */
  fh_store *store;                 /* the LMDB store */
  uint64_t epoch;                  /* the store's epoch for this run */
  struct model *model;             /* live state */
  struct lws_context *lws;         /* libwebsockets on our loop */
  struct lws_vhost *vhost;         /* the --listen vhost (TLS with
                                      --tls-cert) */
  struct lws_vhost *vhost_plain;   /* the --listen-plain vhost, or NULL */
  void *tls_ctx;                   /* the TLS vhost's SSL_CTX (owned by lws;
                                      net/tls.c reloads into it), or NULL */
  auth_certmap certmap;            /* client certificate CN -> identity */
  lws_retry_bo_t idle_policy;      /* ping/hang-up of idle connections */

  struct session *sessions;        /* every WebSocket session (list) */
  size_t nsessions;                /* length of that list */
  uint64_t next_session_id;        /* ids for sessions, from 1 */
  struct session *write_wanted;    /* sessions waiting for their WRITEABLE
                                      request (session_request_writes) */
  uv_prepare_t write_prepare;      /* ... made before each poll phase */
  uv_check_t write_check;          /* ... and after it */

  struct topic **topics;           /* every topic, fixed after start */
  size_t ntopics;                  /* length of topics */

  fh_batch *batch;                 /* records queued since the last commit
                                      started */
  fh_batch *spare_batch;           /* a cleared batch kept for reuse */
  store_job job;                   /* the commit or trim in flight */
  int trim_wanted;                 /* housekeeping waits for the job */
  struct pending *pending;         /* writes waiting for the commit (head) */
  struct pending **pending_tail;   /* where the next one is linked */
  size_t npending;                 /* length of the pending list */
  int store_full;                  /* the last commit failed (map cap or
                                      I/O): /healthz answers 503 */
  uint32_t esc_after_s[PLANT_ESCALATION_MAX]; /* escalation steps, s */
  const notify_cfg *notify;        /* who is notified of what; NULL: no
                                      one (set by main, swapped on reload) */
  fh_buf outbox_new;               /* ids of outbox records in h->batch,
                                      each NUL-terminated (outbox.c) */
  struct notify_log *nlog;         /* the latest deliveries, for the
                                      `notify` topic (notify_log.c) */
  struct outbox_repeats *repeats;  /* reminders queued (outbox_repeat.c) */

  fh_buf enc;                      /* scratch for encoding, reused */
  fh_buf out;                      /* scratch for batching frames, reused */

  uv_check_t commit_check;         /* commits the batch each iteration */
  uv_timer_t tick;                 /* 1 s: timeouts, token expiry, OEE */
  uv_timer_t escalate;             /* next escalation deadline */
  uv_timer_t shift_timer;          /* next shift boundary */
  uv_timer_t housekeeping;         /* store trim */
  uv_timer_t watchdog;             /* WATCHDOG=1 to systemd */
  uv_timer_t shutdown_timer;       /* bounds the shutdown */
  uv_signal_t sigterm, sigint;     /* stop signals */
  uv_signal_t sighup;              /* reload: TLS certificate, JWK Set */
  int stopping;                    /* shutdown in progress */
  uint64_t shutdown_deadline_ms;   /* monotonic: stop the loop by then */
  int exit_code;                   /* what main() returns */

  metrics m;                       /* counters for /metrics */
  uint64_t rx_ns;                  /* uv_hrtime() at the arrival of the
                                      message being dispatched; 0 outside
                                      (session_handle_message) */
  metrics_span pub_span;           /* the instants of the write whose
                                      updates are being published (copied
                                      into each msg; zero otherwise) */

  struct guard *guard;             /* sign-in failure counts (guard.c) */
  struct login_job *login_jobs;    /* sign-in checks on the pool (login.c) */
  uint64_t tokens_checked_ms;       /* monotonic: last check of the
                                      session tokens' users (tokens.c) */
  size_t web_logins;               /* dashboard sign-ins being checked
                                      (web_login.c) */
  char *login_dummy;               /* an Argon2id string checked when there
                                      is no user, so that every refusal
                                      costs the same time (login.c) */

  hub_clock clock;                 /* where the time comes from */
  /* What a session hands upward, set by hub_state_open (the libuv way: the
   * owner sets a callback, so session.c calls nothing above it). */
  void (*on_map)(struct hub *h, struct session *s, const uint8_t *map,
                 size_t len);      /* one decoded map of a message:
                                      dispatch_map */
  void (*on_session_close)(struct hub *h,
                           struct session *s); /* a session goes away:
                                      commit_forget_session */
  /* What the outbox hands upward (set by main.c when senders run). */
  void (*on_outbox)(void *arg, const char *ids,
                    size_t len);   /* records committed: their ids */
  void *outbox_arg;                /* passed to on_outbox */
  int (*on_metrics)(void *arg, fh_buf *out); /* appends more /metrics
                                      text (the senders' counters): 0 or
                                      -ENOMEM */
  void *metrics_arg;               /* passed to on_metrics */
} hub;

/* Milliseconds since the Unix epoch, from the hub's clock (the real-time
 * clock unless h->clock.now_ms is set). */
int64_t hub_now_ms(const hub *h);
/* Monotonic milliseconds (for ages and rates), from the hub's clock. */
uint64_t hub_mono_ms(const hub *h);
/* The real-time clock, in ms since the Unix epoch (the default now_ms). */
int64_t hub_clock_real_ms(void *arg);
/* The monotonic clock in ms (the default mono_ms). */
uint64_t hub_clock_mono_ms(void *arg);

/* hub_state.c: the hub without its network.  hub_state_open returns 0 or
 * the exit code (1, or 2 for a store of a newer schema) with err filled;
 * the uv handles it made are closed by hub_state_close_handles (then run
 * the loop), the rest freed by hub_state_free.  The caller sets loop, cfg,
 * plant and auth before, and may set clock (tests, fuzzers). */
int hub_state_open(hub *h, char *err, size_t errlen);
void hub_state_close_handles(hub *h);
void hub_state_free(hub *h);

#endif
