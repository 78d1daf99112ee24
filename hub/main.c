/* main.c -- floorhub: start, run, stop.
 *
 * Start-up order: settings, plant, keys, notify file (exit 2 on any of
 * them), then the store, the model, the topics, the clocks, the listener
 * and the notification senders (main_notify.c); only then READY=1.  SIGHUP
 * reloads the TLS certificate, the JWK Set and the notify file without
 * touching open connections.  Stop (SIGTERM/SIGINT): refuse new upgrades and writes,
 * commit what is pending, close every session with 1001, give the close
 * frames a moment, stop the loop.  Teardown follows the lws foreign-loop
 * order: lws_context_destroy, close our own handles, run the loop until
 * the close callbacks ran, uv_loop_close.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commit.h"
#include "eq_writes.h"
#include "hub.h"
#include "log.h"
#include "main_notify.h"
#include "notify.h"
#include "outbox.h"
#include "server.h"
#include "guard.h"
#include "login.h"
#include "person.h"
#include "session.h"
#include "shiftclock.h"
#include "tls.h"
#include "tokens.h"

#define SHUTDOWN_GRACE_MS 1000 /* close frames get this long to go out */

static void on_tick(uv_timer_t *t) {
  hub *h = t->data;
  uint64_t mono = hub_mono_ms(h);
  int64_t now = hub_now_ms(h);
  session *s, *next;

  for (s = h->sessions; s != NULL; s = next) {
    next = s->next;
    session_tick(s, mono, now);
  }
  person_tick(h, mono);
  tokens_tick(h, mono);
  guard_sweep(h, mono, now);
  eq_writes_tick(h, now);
  shiftclock_tick(h, now);
  outbox_tick(h, now);
}

static void on_housekeeping(uv_timer_t *t) {
  hub *h = t->data;
  tokens_trim(h, hub_now_ms(h));
  commit_trim(h);
}

static void on_watchdog(uv_timer_t *t) {
  (void)t;
  notify_send("WATCHDOG=1");
}

/* Polls until every session has closed and the store job is done, or the
 * grace time is over. */
static void on_shutdown_timer(uv_timer_t *t) {
  hub *h = t->data;
  if ((h->nsessions == 0 && commit_idle(h) && login_idle(h)) ||
      hub_mono_ms(h) >= h->shutdown_deadline_ms)
    uv_stop(h->loop);
}

static void on_signal(uv_signal_t *sig, int signum) {
  hub *h = sig->data;
  if (h->stopping) return;
  h->stopping = 1;
  log_info("signal %d: stopping", signum);
  notify_send("STOPPING=1");
  commit_kick(h);
  for (session *s = h->sessions; s != NULL; s = s->next)
    session_close(s, FH_CLOSE_GOING_AWAY, "hub shutting down");
  uv_timer_stop(&h->escalate);
  h->shutdown_deadline_ms = hub_mono_ms(h) + SHUTDOWN_GRACE_MS;
  uv_timer_start(&h->shutdown_timer, on_shutdown_timer, 0, 20);
}

/* The bound port, and on a second line the --listen-plain port; written
 * to a temporary file and renamed, so a reader sees all of it or none. */
static int write_port_file(hub *h) {
  char tmp[sizeof h->cfg->port_file + 8];
  FILE *fp;
  int ok;

  if (h->cfg->port_file[0] == '\0') return 0;
  snprintf(tmp, sizeof tmp, "%s.tmp", h->cfg->port_file);
  fp = fopen(tmp, "w");
  if (fp == NULL) return -errno;
  fprintf(fp, "%d\n", server_port(h));
  if (h->vhost_plain != NULL) fprintf(fp, "%d\n", server_plain_port(h));
  ok = fclose(fp) == 0;
  if (!ok || rename(tmp, h->cfg->port_file) != 0) {
    unlink(tmp);
    return -EIO;
  }
  return 0;
}

/* SIGHUP: the TLS certificate and the JWK Set are read again; what fails
 * to load is logged and the old stays. */
static void on_sighup(uv_signal_t *sig, int signum) {
  hub *h = sig->data;
  char err[512];
  (void)signum;
  if (h->stopping) return;
  server_reload_tls(h);
  if (!h->auth.by_kid) return;
  if (auth_jwks_reload(&h->auth, err, sizeof err) != 0)
    log_error("SIGHUP: JWK Set not reloaded, the old keys stay: %s", err);
  else
    log_info("SIGHUP: JWK Set %s reloaded: %zu key(s)", h->cfg->jwt_jwks_file,
             h->auth.nkeys);
}

/* libuv makes its thread pool (and the threads' stacks) at the first
 * queued work: the first commit, sign-in or OEE sample.  Made at start
 * instead, so the hub's memory is flat from then on, whatever comes first. */
static uv_work_t pool_warm;
static void pool_noop(uv_work_t *w) { (void)w; }
static void pool_ready(uv_work_t *w, int status) {
  (void)w;
  (void)status;
}

static void start_timers(hub *h) {
  uint64_t wd = notify_watchdog_usec();
  uv_timer_t *timers[] = {&h->tick, &h->housekeeping, &h->watchdog,
                          &h->shutdown_timer};
  for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++) {
    uv_timer_init(h->loop, timers[i]);
    timers[i]->data = h;
  }
  uv_timer_start(&h->tick, on_tick, 1000, 1000);
  uv_timer_start(&h->housekeeping, on_housekeeping, h->cfg->housekeeping_s * 1000ull,
                 h->cfg->housekeeping_s * 1000ull);
  if (wd > 0) uv_timer_start(&h->watchdog, on_watchdog, 0, wd / 2000 ? wd / 2000 : 1);
  uv_signal_init(h->loop, &h->sigterm);
  uv_signal_init(h->loop, &h->sigint);
  uv_signal_init(h->loop, &h->sighup);
  h->sigterm.data = h->sigint.data = h->sighup.data = h;
  uv_signal_start(&h->sigterm, on_signal, SIGTERM);
  uv_signal_start(&h->sigint, on_signal, SIGINT);
  uv_signal_start(&h->sighup, on_sighup, SIGHUP);
  /* after the handlers: a signal a new thread takes must find them */
  uv_queue_work(h->loop, &pool_warm, pool_noop, pool_ready);
}

static void close_handles(hub *h) {
  uv_handle_t *handles[] = {
      (uv_handle_t *)&h->tick,         (uv_handle_t *)&h->housekeeping,
      (uv_handle_t *)&h->watchdog,     (uv_handle_t *)&h->shutdown_timer,
      (uv_handle_t *)&h->sigterm,      (uv_handle_t *)&h->sigint,
      (uv_handle_t *)&h->sighup};
  for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++)
    if (handles[i]->loop != NULL && !uv_is_closing(handles[i]))
      uv_close(handles[i], NULL);
  hub_state_close_handles(h);
}

static void teardown(hub *h) {
  server_stop(h);
  main_notify_stop(h);
  close_handles(h);
  uv_run(h->loop, UV_RUN_DEFAULT);
  if (uv_loop_close(h->loop) != 0) log_warn("loop closed with handles open");
  hub_state_free(h);
  main_notify_free(h);
  auth_config_free(&h->auth);
  auth_certmap_free(&h->certmap);
  plant_free(h->plant);
}

/* The JWT keys (a key file or a JWK Set) and the claim mapping. */
static int keys_load(hub *h, char *err, size_t errlen) {
  const hub_config *c = h->cfg;
  int rc = c->jwt_jwks_file[0]
               ? auth_jwks_load(&h->auth, c->jwt_jwks_file, c->jwt_issuer,
                                c->jwt_audience, err, errlen)
               : auth_config_load(&h->auth, c->jwt_alg[0] ? c->jwt_alg : "HS256",
                                  c->jwt_key_file, c->jwt_issuer,
                                  c->jwt_audience, err, errlen);
  if (rc == 0)
    rc = auth_config_claims(&h->auth, c->jwt_role_claim, c->jwt_lines_claim,
                            c->jwt_user_claim, err, errlen);
  if (rc == 0 && c->jwt_role_map[0])
    rc = auth_config_role_map(&h->auth, c->jwt_role_map, err, errlen);
  if (rc == 0 && h->auth.by_kid)
    log_info("JWK Set %s: %zu key(s)", c->jwt_jwks_file, h->auth.nkeys);
  if (rc == 0 && c->tls_client_map[0] &&
      (rc = auth_certmap_load(c->tls_client_map, &h->certmap, err, errlen)) != 0) {
    char why[512];
    snprintf(why, sizeof why, "--tls-client-map: %s", err);
    snprintf(err, errlen, "%s", why);
  }
  return rc;
}

int main(int argc, char **argv) {
  static hub_config cfg;
  static hub h;
  uv_loop_t loop;
  char err[512] = "";
  int rc;

  config_defaults(&cfg);
  rc = config_parse(&cfg, argc, argv, err, sizeof err);
  if (rc != 0) {
    if (rc < 0) fprintf(stderr, "floorhub: %s (see --help)\n", err);
    return rc < 0 ? 2 : 0;
  }
  log_set_level((log_level)log_level_from(cfg.log_level));
  signal(SIGPIPE, SIG_IGN);
  h.cfg = &cfg;
  if (plant_load(cfg.plant_file, &h.plant, err, sizeof err) != 0 ||
      keys_load(&h, err, sizeof err) != 0 ||
      (cfg.tls_cert[0] &&
       tls_files_check(cfg.tls_cert, cfg.tls_key, err, sizeof err) != 0) ||
      main_notify_load(&h, err, sizeof err) != 0) {
    fprintf(stderr, "floorhub: %s\n", err);
    auth_config_free(&h.auth);
    auth_certmap_free(&h.certmap);
    plant_free(h.plant);
    return 2;
  }
  setenv("TZ", h.plant->timezone, 1);
  tzset();
  uv_loop_init(&loop);
  h.loop = &loop;
  h.exit_code = 0;
  rc = hub_state_open(&h, err, sizeof err);
  if (rc == 0 && server_start(&h) != 0) {
    snprintf(err, sizeof err, "cannot listen on %s:%d", cfg.listen.addr,
             cfg.listen.port);
    rc = 1;
  }
  if (rc == 0 && main_notify_start(&h, err, sizeof err) != 0) rc = 1;
  if (rc == 0 && write_port_file(&h) != 0) {
    snprintf(err, sizeof err, "--port-file: cannot write %.400s", cfg.port_file);
    rc = 1;
  }
  if (rc != 0) {
    log_error("%s", err);
    teardown(&h);
    return rc;
  }
  start_timers(&h);
  log_info("floorhub %s listening on %s:%d%s (plant '%s', epoch %llu)",
           FH_VERSION, cfg.listen.addr, server_port(&h),
           cfg.tls_cert[0] ? " with TLS" : "", h.plant->name,
           (unsigned long long)h.epoch);
  if (h.vhost_plain != NULL)
    log_info("plain listener on %s:%d", cfg.listen_plain.addr,
             server_plain_port(&h));
  notify_send("READY=1\nSTATUS=serving");
  uv_run(&loop, UV_RUN_DEFAULT);
  commit_drain(&h); /* before the sessions it answers go away */
  teardown(&h);
  log_info("stopped");
  return h.exit_code;
}
