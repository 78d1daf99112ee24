/* sim_drive.c -- the loop around the simulation (see sim_drive.h).
 *
 * A tick every TICK_MS: advance the simulation to the wall clock (x speed),
 * refill the rate bucket, and, while online, send what is pending
 * (sim_send.c).  When the duration has passed or a signal came, the
 * simulation stops advancing; the tick goes on flushing until nothing is
 * pending and every request was answered, or STOP_GRACE_MS passed, and
 * then the client and the handles are closed and the loop runs dry.  The
 * operator's connection (sim_explain.h), when there is one, is flushed and
 * waited for alongside.
 */
#include "sim_drive.h"
#include "sim_explain.h"
#include "sim_send.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TICK_MS 50
#define STOP_GRACE_MS 5000

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void finish(drive *d) {
  if (d->closed) return;
  d->closed = 1;
  uv_timer_stop(&d->tick);
  uv_close((uv_handle_t *)&d->tick, NULL);
  uv_close((uv_handle_t *)&d->sigint, NULL);
  uv_close((uv_handle_t *)&d->sigterm, NULL);
  fh_client_close(d->client);
  explain_close(d);
}

static void begin_stop(drive *d, const char *why) {
  if (d->stopping) return;
  d->stopping = 1;
  d->stop_deadline = uv_now(&d->loop) + STOP_GRACE_MS;
  fprintf(stderr, "floorsim: stopping (%s)\n", why);
}

static void on_tick(uv_timer_t *t) {
  drive *d = t->data;
  uint64_t now = uv_now(&d->loop);
  double elapsed_ms = (double)(now - d->wall_start);

  if (!d->stopping) {
    sim_advance(&d->sim, d->sim_start + (int64_t)(elapsed_ms * d->o->speed));
    if (d->o->duration_s > 0 && elapsed_ms >= d->o->duration_s * 1000.0)
      begin_stop(d, "duration reached");
  }
  send_refill(d, now);
  if (fh_client_online(d->client)) send_flush(d, now);
  explain_flush(d, now);
  if (d->stopping && ((send_idle(d) && fh_client_pending(d->client) == 0 &&
                       explain_pending(d) == 0) ||
                      now >= d->stop_deadline)) {
    d->unanswered = fh_client_pending(d->client) + explain_pending(d);
    finish(d);
  }
}

static void on_signal(uv_signal_t *h, int signum) {
  drive *d = h->data;
  begin_stop(d, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_state(fh_client *c, const fh_client_state *st, void *arg) {
  drive *d = arg;
  (void)c;
  if (st->online) {
    snprintf(d->user, sizeof d->user, "%.*s", (int)st->welcome->user.n,
             st->welcome->user.p);
    fprintf(stderr, "floorsim: online as %s (%.*s)\n", d->user,
            (int)st->welcome->role.n, st->welcome->role.p);
  } else {
    fprintf(stderr, "floorsim: offline: %s\n", st->reason);
  }
}

static void on_log(fh_client *c, const char *line, void *arg) {
  drive *d = arg;
  (void)c;
  if (d->o->verbose) fprintf(stderr, "floorsim: client: %s\n", line);
}

static int setup(drive *d, const drive_opts *o) {
  static const char *const topics[] = {"andon"};
  fh_client_opts co = {.url = o->url, .token = o->token, .name = "floorsim",
                       .ca_file = o->ca_file, .insecure = o->insecure,
                       .cert_file = o->cert_file, .key_file = o->key_file,
                       .arg = d};
  int loop_ready = 0, rc = -ENOMEM;

  co.cb.on_state = on_state;
  co.cb.on_event = send_on_event;
  co.cb.on_reply = send_on_reply;
  co.cb.on_log = on_log;
  memset(d, 0, sizeof *d);
  d->o = o;
  d->pend = calloc(o->p->nequipment, sizeof *d->pend);
  d->runs = calloc(o->p->nlines ? o->p->nlines : 1, sizeof *d->runs);
  if (d->pend == NULL || d->runs == NULL) goto fail;
  if ((rc = uv_loop_init(&d->loop)) != 0) goto fail;
  loop_ready = 1;
  if ((rc = fh_client_new(&d->client, &d->loop, &co)) != 0) goto fail;
  if ((rc = fh_client_subscribe(d->client, topics, 1)) != 0) goto fail;
  if ((rc = explain_setup(d)) != 0) goto fail;
  d->sim_start = wall_ms();
  rc = sim_init(&d->sim, o->p, o->seed, d->sim_start, send_on_sim_event, d);
  if (rc != 0) goto fail;
  return 0;

fail:
  if (d->client != NULL) fh_client_close(d->client);
  if (loop_ready) {
    uv_run(&d->loop, UV_RUN_DEFAULT);
    uv_loop_close(&d->loop);
  }
  free(d->pend);
  free(d->runs);
  return rc;
}

int drive_run(const drive_opts *o) {
  drive *d = malloc(sizeof *d);
  int rc;

  if (d == NULL) return -ENOMEM;
  rc = setup(d, o);
  if (rc != 0) {
    free(d);
    return rc;
  }
  uv_timer_init(&d->loop, &d->tick);
  uv_signal_init(&d->loop, &d->sigint);
  uv_signal_init(&d->loop, &d->sigterm);
  d->tick.data = d->sigint.data = d->sigterm.data = d;
  uv_signal_start(&d->sigint, on_signal, SIGINT);
  uv_signal_start(&d->sigterm, on_signal, SIGTERM);
  d->wall_start = uv_now(&d->loop);
  uv_timer_start(&d->tick, on_tick, TICK_MS, TICK_MS);
  fprintf(stderr, "floorsim: %s, %zu equipment, speed %g, seed %llu, rate %g/s\n",
          o->url, o->p->nequipment, o->speed, (unsigned long long)o->seed,
          o->rate);
  fh_client_start(d->client);
  explain_start(d);
  uv_run(&d->loop, UV_RUN_DEFAULT);
  uv_loop_close(&d->loop);

  fprintf(stderr, "floorsim: %llu requests sent, %llu accepted (%llu replays), "
          "%llu refused, %zu unanswered, %llu stops explained\n",
          (unsigned long long)d->sent, (unsigned long long)d->accepted,
          (unsigned long long)d->replays, (unsigned long long)d->refused,
          d->unanswered, (unsigned long long)d->explained);
  rc = d->refused == 0 && d->unanswered == 0 ? 0 : 1;
  sim_free(&d->sim);
  free(d->pend);
  free(d->runs);
  free(d);
  return rc;
}
