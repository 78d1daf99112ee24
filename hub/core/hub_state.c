/* hub_state.c -- the hub without its network: store, model, topics, clocks.
 *
 * main.c puts the listener and the process timers around this; the dispatch
 * fuzzer (tests/fuzz) and the in-process core test (tests/core) use it alone, feeding requests to sessions that have
 * no connection.  Order matters: the model needs the store, the topics need
 * the model's plant, the shift clock and the escalation timer need both,
 * and the records they queue are committed before anyone connects.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "commit.h"
#include "dispatch.h"
#include "escalate.h"
#include "hub.h"
#include "log.h"
#include "login.h"
#include "model.h"
#include "person.h"
#include "notify_log.h"
#include "outbox.h"
#include "shiftclock.h"
#include "tokens.h"
#include "topic.h"

int64_t hub_clock_real_ms(void *arg) {
  struct timespec ts;
  (void)arg;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t hub_clock_mono_ms(void *arg) {
  (void)arg;
  return uv_hrtime() / 1000000;
}

int64_t hub_now_ms(const hub *h) {
  return h->clock.now_ms != NULL ? h->clock.now_ms(h->clock.arg)
                                 : hub_clock_real_ms(NULL);
}

uint64_t hub_mono_ms(const hub *h) {
  return h->clock.mono_ms != NULL ? h->clock.mono_ms(h->clock.arg)
                                  : hub_clock_mono_ms(NULL);
}

static void link_topics(hub *h) {
  model *m = h->model;
  m->t_plant = h->topics[0];
  m->t_andon = h->topics[1];
  for (size_t l = 0; l < m->nlines; l++) {
    m->lines[l].t_line = h->topics[2 + TOPICS_PER_LINE * l];
    m->lines[l].t_oee = h->topics[3 + TOPICS_PER_LINE * l];
    m->lines[l].t_downtime = h->topics[4 + TOPICS_PER_LINE * l];
  }
}

/* A session goes away: nothing pending answers it any more, and a person
 * signed in on it is signed out (audited, reason "closed"). */
static void session_gone(hub *h, session *s) {
  commit_forget_session(h, s);
  login_forget_session(h, s);
  person_sign_out(h, s, "closed", 0);
}

int hub_state_open(hub *h, char *err, size_t errlen) {
  fh_store_opts so;
  int rc;

  h->on_map = dispatch_map;
  h->on_session_close = session_gone;
  fh_buf_init(&h->enc, LWS_PRE);
  fh_buf_init(&h->out, LWS_PRE);
  fh_store_opts_init(&so);
  so.dir = h->cfg->data_dir;
  so.map_size = h->cfg->map_size;
  so.map_size_max = h->cfg->map_size_max;
  rc = fh_store_open(&h->store, &so, err, errlen);
  if (rc != 0) return rc == -EPROTO ? 2 : 1;
  h->epoch = fh_store_epoch(h->store);
  if (login_init(h) != 0) {
    snprintf(err, errlen, "cannot start libsodium (sign-ins)");
    return 1;
  }
  if (commit_start(h) != 0 || model_load(h, err, errlen) != 0) return 1;
  if (tokens_init(h) != 0) {
    snprintf(err, errlen, "cannot load or make the session token key");
    return 1;
  }
  if (topic_create_all(h) != 0) {
    snprintf(err, errlen, "out of memory");
    return 1;
  }
  link_topics(h);
  shiftclock_init(h);
  escalate_init(h);
  commit_flush(h);
  if (h->store_full) log_error("store: the start-up records could not be written");
  return 0;
}

void hub_state_close_handles(hub *h) {
  uv_handle_t *handles[] = {(uv_handle_t *)&h->escalate,
                            (uv_handle_t *)&h->shift_timer};
  for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++)
    if (handles[i]->loop != NULL && !uv_is_closing(handles[i]))
      uv_close(handles[i], NULL);
  commit_stop(h);
}

void hub_state_free(hub *h) {
  login_free(h);
  tokens_free(h);
  model_free(h);
  topic_destroy_all(h);
  fh_batch_free(h->batch);
  fh_batch_free(h->spare_batch);
  h->batch = h->spare_batch = NULL;
  if (h->store) fh_store_close(h->store);
  h->store = NULL;
  fh_buf_free(&h->enc);
  fh_buf_free(&h->out);
  fh_buf_free(&h->outbox_new);
  notify_log_free(h);
  outbox_repeats_free(h);
  fh_buf_free(&h->job.outbox_ids);
}
