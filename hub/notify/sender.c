/* sender.c -- the delivery queue (see sender.h).
 *
 * Records wait in one list; pump() walks it whenever something changed
 * (a record added, an attempt finished, the timer fired): it drops what is
 * too old or no longer routable, starts what is due on channels with a
 * free slot, and sets one timer for the earliest record that is not due
 * yet.  A walk is O(queued); the queue is bounded in practice by the
 * receivers' downtime, and a walk costs microseconds per thousand.
 * Counters are kept per channel label; people's own webhooks share the
 * label NOTIFY_PEOPLE_CHANNEL and the settings of `people_channel`.
 */
#include "sender.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "mqtt.h"
#include "notify_file.h"

typedef struct item {
  struct item *next;       /* queue order */
  struct item **prev;      /* the link pointing at this one */
  struct sender *s;        /* owner */
  notify_entry e;          /* the record */
  int in_flight;           /* an attempt runs */
  size_t stat;             /* index of its channel's counters */
} item;

typedef struct chan_stat {
  char id[FH_ID_MAX + 1];  /* the channel label */
  uint64_t sent, failed, retried, dropped; /* counters */
  uint32_t in_flight;      /* attempts running now */
} chan_stat;

struct sender {
  uv_loop_t *loop;         /* the loop */
  const notify_cfg *cfg;   /* settings (borrowed) */
  sender_ops ops;          /* the store */
  curlloop *curl;          /* webhooks and e-mail */
  mqtt_pool *mqtt;         /* MQTT connections */
  item *items;             /* queued records */
  size_t nitems;           /* their number */
  uv_timer_t timer;        /* the earliest not-yet-due record */
  chan_stat *stats;        /* counters per channel label */
  size_t nstats;           /* used */
  void (*on_result)(void *arg, const sender_result *r); /* owner's hook */
  void *result_arg;        /* its argument */
};

static const notify_channel people_channel = {
    .id = NOTIFY_PEOPLE_CHANNEL, .type = NOTIFY_WEBHOOK, .format = NOTIFY_FMT_JSON,
    .timeout_s = 10, .max_in_flight = NOTIFY_IN_FLIGHT};

static void pump(sender *s);

static int64_t now_ms(const sender *s) {
  struct timespec ts;
  if (s->ops.now_ms != NULL) return s->ops.now_ms(s->ops.arg);
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The counters of label id, created when new; SIZE_MAX on -ENOMEM. */
static size_t stat_for(sender *s, const char *id) {
  chan_stat *grown;
  for (size_t i = 0; i < s->nstats; i++)
    if (!strcmp(s->stats[i].id, id)) return i;
  grown = realloc(s->stats, (s->nstats + 1) * sizeof *grown);
  if (grown == NULL) return SIZE_MAX;
  s->stats = grown;
  memset(&grown[s->nstats], 0, sizeof *grown);
  snprintf(grown[s->nstats].id, sizeof grown->id, "%s", id);
  return s->nstats++;
}

static void report(sender *s, const notify_entry *e, int delivered,
                   const char *why) {
  sender_result r = {e, delivered, why};
  if (s->on_result != NULL) s->on_result(s->result_arg, &r);
}

static void unlink_item(sender *s, item *it) {
  *it->prev = it->next;
  if (it->next != NULL) it->next->prev = it->prev;
  s->nitems--;
  notify_entry_clear(&it->e);
  free(it);
}

/* Gives up on a record: counted, removed from the store and the queue. */
static void drop(sender *s, item *it, const char *why) {
  size_t st = stat_for(s, it->e.channel);
  if (st != SIZE_MAX) s->stats[st].dropped++;
  report(s, &it->e, -1, why);
  if (s->ops.remove != NULL) s->ops.remove(s->ops.arg, it->e.id);
  unlink_item(s, it);
}

static void failed(sender *s, item *it, const char *why) {
  it->e.attempts++;
  it->e.next_ms = now_ms(s) + (int64_t)notify_backoff_ms(
                                  it->e.attempts, (double)rand() / ((double)RAND_MAX + 1));
  s->stats[it->stat].failed++;
  if (s->ops.update != NULL) s->ops.update(s->ops.arg, &it->e);
  report(s, &it->e, 0, why);
}

static void on_done(void *arg, int ok, const char *why) {
  item *it = arg;
  sender *s = it->s;
  it->in_flight = 0;
  s->stats[it->stat].in_flight--;
  if (ok) {
    s->stats[it->stat].sent++;
    report(s, &it->e, 1, "");
    if (s->ops.remove != NULL) s->ops.remove(s->ops.arg, it->e.id);
    unlink_item(s, it);
  } else {
    failed(s, it, why);
  }
  pump(s);
}

static const notify_channel *channel_of(const sender *s, const notify_entry *e) {
  int c;
  if (!strcmp(e->channel, NOTIFY_PEOPLE_CHANNEL)) return &people_channel;
  c = notify_cfg_channel(s->cfg, e->channel);
  return c >= 0 ? &s->cfg->channels[c] : NULL;
}

/* notify_late_note against the andon as the store has it now. */
static int current_note(sender *s, const notify_entry *e, char *note, size_t cap) {
  fh_andon now;
  int known = e->has_andon && s->ops.andon_now != NULL &&
              s->ops.andon_now(s->ops.arg, e->andon.id, &now) == 0;
  return notify_late_note(e, known ? &now : NULL, note, cap);
}

static void start(sender *s, item *it, const notify_channel *ch) {
  char note[160];
  int rc;
  if (current_note(s, &it->e, note, sizeof note) != 0) {
    drop(s, it, "no longer true (acknowledged or closed)");
    return;
  }
  if (it->e.attempts > 0) s->stats[it->stat].retried++;
  if (ch->type == NOTIFY_WEBHOOK)
    rc = webhook_start(s->curl, ch, ch == &people_channel ? it->e.to : ch->url,
                       &it->e, note, on_done, it);
  else if (ch->type == NOTIFY_EMAIL)
    rc = mail_start(s->curl, ch, &it->e, note, on_done, it);
  else
    rc = mqtt_start(s->mqtt, ch, &it->e, note, on_done, it);
  if (rc != 0) {
    failed(s, it, "cannot start the attempt");
    return;
  }
  it->in_flight = 1;
  s->stats[it->stat].in_flight++;
}

static void on_timer(uv_timer_t *t) { pump(t->data); }

static void pump(sender *s) {
  int64_t now = now_ms(s), next = INT64_MAX,
          max_age = (int64_t)s->cfg->max_age_s * 1000;
  item *it = s->items, *nx;

  for (; it != NULL; it = nx) {
    const notify_channel *ch;
    nx = it->next;
    if (it->in_flight) continue;
    if (now - it->e.created_ms > max_age) {
      drop(s, it, "older than max_age_s");
      continue;
    }
    if (it->e.next_ms > now) {
      if (it->e.next_ms < next) next = it->e.next_ms;
      continue;
    }
    if ((ch = channel_of(s, &it->e)) == NULL) {
      drop(s, it, "its channel is no longer configured");
      continue;
    }
    if ((it->stat = stat_for(s, ch->id)) == SIZE_MAX) break;
    if (s->stats[it->stat].in_flight < ch->max_in_flight) start(s, it, ch);
  }
  uv_timer_stop(&s->timer);
  if (next != INT64_MAX) uv_timer_start(&s->timer, on_timer, (uint64_t)(next - now), 0);
}

int sender_new(sender **out, uv_loop_t *loop, const notify_cfg *cfg,
               const sender_ops *ops) {
  sender *s = calloc(1, sizeof *s);
  int rc = s == NULL ? -ENOMEM : curlloop_new(&s->curl, loop);
  *out = NULL;
  if (rc == 0) rc = mqtt_pool_new(&s->mqtt, loop);
  if (rc != 0) {
    if (s != NULL) curlloop_close(s->curl);
    free(s);
    return rc;
  }
  s->loop = loop;
  s->ops = *ops;
  uv_timer_init(loop, &s->timer);
  s->timer.data = s;
  srand((unsigned)time(NULL) ^ (unsigned)(uintptr_t)s);
  sender_set_cfg(s, cfg);
  *out = s;
  return 0;
}

void sender_set_cfg(sender *s, const notify_cfg *cfg) {
  s->cfg = cfg;
  for (size_t i = 0; i < cfg->nchannels; i++) stat_for(s, cfg->channels[i].id);
  mqtt_pool_set_cfg(s->mqtt, cfg);
  pump(s);
}

void sender_on_result(sender *s, void (*cb)(void *arg, const sender_result *r),
                      void *arg) {
  s->on_result = cb;
  s->result_arg = arg;
}

int sender_add(sender *s, notify_entry *e) {
  item *it;
  for (it = s->items; it != NULL; it = it->next)
    if (!strcmp(it->e.id, e->id)) {
      notify_entry_clear(e);
      return 0;
    }
  if ((it = calloc(1, sizeof *it)) == NULL) return -ENOMEM;
  it->s = s;
  it->e = *e;
  e->report = e->report_html = NULL;
  it->next = s->items;
  it->prev = &s->items;
  if (s->items != NULL) s->items->prev = &it->next;
  s->items = it;
  s->nitems++;
  pump(s);
  return 0;
}

size_t sender_depth(const sender *s) { return s->nitems; }

static int counter(fh_buf *out, const sender *s, const char *name,
                   const char *help, size_t field) {
  char line[256];
  int rc = 0, n = snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s counter\n",
                           name, help, name);
  rc = fh_buf_append(out, line, (size_t)n);
  for (size_t i = 0; rc == 0 && i < s->nstats; i++) {
    const uint64_t *v = (const uint64_t *)((const char *)&s->stats[i] + field);
    n = snprintf(line, sizeof line, "%s{channel=\"%s\"} %llu\n", name,
                 s->stats[i].id, (unsigned long long)*v);
    rc = fh_buf_append(out, line, (size_t)n);
  }
  return rc;
}

int sender_metrics(sender *s, fh_buf *out) {
  int64_t oldest = 0, now = now_ms(s);
  char line[512];
  int n, rc;
  for (const item *it = s->items; it != NULL; it = it->next)
    if (oldest == 0 || it->e.created_ms < oldest) oldest = it->e.created_ms;
  rc = counter(out, s, "floorhub_notify_sent_total", "notifications delivered",
               offsetof(chan_stat, sent));
  if (rc == 0)
    rc = counter(out, s, "floorhub_notify_failed_total", "attempts that failed",
                 offsetof(chan_stat, failed));
  if (rc == 0)
    rc = counter(out, s, "floorhub_notify_retried_total", "attempts after a failure",
                 offsetof(chan_stat, retried));
  if (rc == 0)
    rc = counter(out, s, "floorhub_notify_dropped_total",
                 "notifications given up (too old, acknowledged, no channel)",
                 offsetof(chan_stat, dropped));
  n = snprintf(line, sizeof line,
               "# HELP floorhub_notify_queue_depth notifications not yet delivered\n"
               "# TYPE floorhub_notify_queue_depth gauge\nfloorhub_notify_queue_depth %zu\n"
               "# HELP floorhub_notify_oldest_age_seconds age of the oldest queued\n"
               "# TYPE floorhub_notify_oldest_age_seconds gauge\n"
               "floorhub_notify_oldest_age_seconds %.3f\n",
               s->nitems, oldest ? (double)(now - oldest) / 1000.0 : 0.0);
  if (rc == 0) rc = fh_buf_append(out, line, (size_t)n);
  return rc;
}

static void timer_closed(uv_handle_t *h) { free(h->data); }

void sender_close(sender *s) {
  if (s == NULL) return;
  curlloop_close(s->curl);
  mqtt_pool_close(s->mqtt);
  while (s->items != NULL) unlink_item(s, s->items);
  free(s->stats);
  uv_timer_stop(&s->timer);
  uv_close((uv_handle_t *)&s->timer, timer_closed);
}
