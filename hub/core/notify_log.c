/* notify_log.c -- the ring behind the `notify` topic (see notify_log.h). */
#include "notify_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topic.h"

typedef struct notify_delivery {
  char id[NOTIFY_EID_MAX + 1];      /* delivery id */
  notify_on on;                     /* the event */
  char channel[FH_ID_MAX + 1];      /* channel label */
  char person[FH_ID_MAX + 1];       /* person, "" for a channel */
  int state;                        /* 1 delivered, 0 failed, -1 dropped */
  char why[128];                    /* failure or drop reason */
  uint32_t attempts;                /* attempts so far */
  int64_t at;                       /* when, ms */
} notify_delivery;

struct notify_log {
  notify_delivery ring[NOTIFY_LOG_MAX]; /* by count modulo the size */
  uint64_t count;                   /* results ever logged */
};

static int enc_delivery(fh_buf *b, const notify_delivery *d) {
  static const char *const states[] = {"dropped", "failed", "delivered"};
  return fh_enc_map(b, 8) || fh_enc_str(b, "id") || fh_enc_str(b, d->id) ||
         fh_enc_str(b, "event") || fh_enc_str(b, notify_on_name(d->on)) ||
         fh_enc_str(b, "channel") || fh_enc_str(b, d->channel) ||
         fh_enc_str(b, "person") || fh_enc_str(b, d->person) ||
         fh_enc_str(b, "state") || fh_enc_str(b, states[d->state + 1]) ||
         fh_enc_str(b, "why") || fh_enc_str(b, d->why) ||
         fh_enc_str(b, "attempts") || fh_enc_uint(b, d->attempts) ||
         fh_enc_str(b, "at") || fh_enc_int(b, d->at);
}

void notify_log_result(hub *h, const notify_entry *e, int delivered,
                       const char *why) {
  topic *t = h->ntopics ? h->topics[h->ntopics - 1] : NULL;
  notify_delivery *d;

  if (h->nlog == NULL && (h->nlog = calloc(1, sizeof *h->nlog)) == NULL) return;
  d = &h->nlog->ring[h->nlog->count++ % NOTIFY_LOG_MAX];
  memset(d, 0, sizeof *d);
  snprintf(d->id, sizeof d->id, "%s", e->id);
  d->on = e->on;
  snprintf(d->channel, sizeof d->channel, "%s", e->channel);
  snprintf(d->person, sizeof d->person, "%s", e->person);
  d->state = delivered > 0 ? 1 : delivered < 0 ? -1 : 0;
  snprintf(d->why, sizeof d->why, "%s", why);
  d->attempts = e->attempts;
  d->at = hub_now_ms(h);
  if (t == NULL || t->kind != TOPIC_NOTIFY) return;
  fh_buf_reset(&h->enc);
  if (fh_enc_upd_begin(&h->enc, t->name, topic_next_seq(t)) == 0 &&
      fh_enc_map(&h->enc, 1) == 0 && fh_enc_str(&h->enc, "delivery") == 0 &&
      enc_delivery(&h->enc, d) == 0)
    topic_publish_enc(h, t);
}

int notify_log_snapshot(hub *h, fh_buf *b) {
  const struct notify_log *l = h->nlog;
  uint64_t n = l == NULL ? 0 : l->count < NOTIFY_LOG_MAX ? l->count : NOTIFY_LOG_MAX;
  int rc = fh_enc_map(b, 1) || fh_enc_str(b, "deliveries") ||
           fh_enc_array(b, (uint32_t)n);
  for (uint64_t i = 0; i < n && rc == 0; i++)
    rc = enc_delivery(b, &l->ring[(l->count - 1 - i) % NOTIFY_LOG_MAX]);
  return rc ? -ENOMEM : 0;
}

void notify_log_free(hub *h) {
  free(h->nlog);
  h->nlog = NULL;
}
