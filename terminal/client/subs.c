/* subs.c -- the subscription set: topics, their last seq, the epoch.
 *
 * This is where continuity is checked.  A snap sets a topic's seq; an upd
 * is delivered only when it is exactly the previous seq + 1.  Anything else
 * means updates were lost: the topic goes into resync, its upds are dropped
 * until a fresh snap arrives, and the caller subscribes it again without
 * since.  An epoch that differs from the held one (in a welcome or a snap)
 * invalidates every seq, because seqs of different epochs do not compare.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_int.h"

sub_topic *fh__subs_find(subs *s, const char *p, size_t n) {
  for (size_t i = 0; i < s->n; i++)
    if (strlen(s->v[i].name) == n && memcmp(s->v[i].name, p, n) == 0)
      return &s->v[i];
  return NULL;
}

int fh__subs_add(subs *s, const char *topic) {
  size_t n = topic ? strlen(topic) : 0;
  sub_topic *t;

  if (n == 0 || n > FH_TOPIC_MAX) return -EINVAL;
  if (fh__subs_find(s, topic, n) != NULL) return 0;
  if (s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 8;
    sub_topic *nv = realloc(s->v, ncap * sizeof *nv);
    if (nv == NULL) return -ENOMEM;
    s->v = nv;
    s->cap = ncap;
  }
  t = &s->v[s->n++];
  memset(t, 0, sizeof *t);
  memcpy(t->name, topic, n + 1);
  t->resync = 1; /* nothing is delivered before its first snap */
  return 1;
}

int fh__subs_remove(subs *s, const char *topic) {
  sub_topic *t = fh__subs_find(s, topic, strlen(topic));
  size_t i;

  if (t == NULL) return 0;
  i = (size_t)(t - s->v);
  memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *t);
  s->n--;
  return 1;
}

void fh__subs_free(subs *s) {
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* Every topic but `keep` forgets its seq and waits for a snap. */
static void drop_seqs(subs *s, const sub_topic *keep) {
  for (size_t i = 0; i < s->n; i++) {
    if (&s->v[i] == keep) continue;
    s->v[i].has_seq = 0;
    s->v[i].resync = 1;
  }
}

int fh__subs_on_welcome(subs *s, uint64_t epoch) {
  int changed = s->has_epoch && s->epoch != epoch;

  if (changed) drop_seqs(s, NULL);
  s->epoch = epoch;
  s->has_epoch = 1;
  return changed;
}

int fh__subs_on_snap(subs *s, const fh_event *ev, int *others) {
  sub_topic *t = fh__subs_find(s, ev->topic.p, ev->topic.n);

  *others = 0;
  if (t == NULL) return 0;
  if (s->has_epoch && s->epoch != ev->epoch) {
    drop_seqs(s, t);
    *others = s->n > 1;
  }
  s->epoch = ev->epoch;
  s->has_epoch = 1;
  t->seq = ev->seq;
  t->has_seq = 1;
  t->resync = 0;
  return 1;
}

int fh__subs_on_upd(subs *s, const fh_event *ev, int *gap) {
  sub_topic *t = fh__subs_find(s, ev->topic.p, ev->topic.n);

  *gap = 0;
  if (t == NULL || t->resync) return 0;
  if (!t->has_seq || ev->seq != t->seq + 1) {
    t->has_seq = 0;
    t->resync = 1;
    *gap = 1;
    return 0;
  }
  t->seq = ev->seq;
  return 1;
}
