/* outbox_repeat.c -- reminders of rules with repeat_s (see outbox.h).
 *
 * A reminder is due, like an escalation, from stored times only: rule R
 * with repeat_s on andon A (still raised) has had
 * notify_repeat_count(repeat_s, since, now) reminders, `since` being the
 * raise (andon.raised) or the time A reached its current level
 * (andon.escalated).  The tick queues reminder n once; which n were queued
 * is remembered per (andon, rule, level) in memory.  After a restart that
 * memory is empty, so the latest due reminder is queued again with the
 * same event id ("andon-17-raised-r3"): a duplicate receivers can drop,
 * never a reminder lost.  Entries of andons no longer raised are pruned.
 */
#include <stdlib.h>

#include "andon_rules.h"
#include "log.h"
#include "model.h"
#include "outbox.h"

typedef struct repeat_seen {
  uint64_t andon;   /* andon id */
  uint32_t rule;    /* rule index */
  uint32_t level;   /* the level the reminders are about */
  uint32_t n;       /* reminders queued */
} repeat_seen;

struct outbox_repeats {
  repeat_seen *v;   /* entries */
  size_t n, cap;    /* used, allocated */
};

static repeat_seen *seen_for(hub *h, uint64_t andon, uint32_t rule,
                             uint32_t level) {
  struct outbox_repeats *r = h->repeats;
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].andon == andon && r->v[i].rule == rule && r->v[i].level == level)
      return &r->v[i];
  if (r->n == r->cap) {
    size_t cap = r->cap ? 2 * r->cap : 16;
    repeat_seen *v = realloc(r->v, cap * sizeof *v);
    if (v == NULL) return NULL;
    r->v = v;
    r->cap = cap;
  }
  r->v[r->n] = (repeat_seen){andon, rule, level, 0};
  return &r->v[r->n++];
}

static void prune(hub *h) {
  struct outbox_repeats *r = h->repeats;
  size_t keep = 0;
  for (size_t i = 0; i < r->n; i++) {
    const fh_andon *a = model_andon_find(h->model, r->v[i].andon);
    if (a != NULL && a->state == FH_ANDON_RAISED) r->v[keep++] = r->v[i];
  }
  r->n = keep;
}

/* The reminders rule ri is due for on a (0: none). */
static uint32_t due(hub *h, const notify_rule *r, const fh_andon *a, int64_t now) {
  notify_event ev = {r->on, a, -1, NULL, 1};
  int64_t since = a->raised_at;
  if (r->on == NOTIFY_ON_ESCALATED) {
    if (a->level == 0 || a->level > h->plant->nescalation) return 0;
    since += (int64_t)h->esc_after_s[a->level - 1] * 1000;
  }
  if (!notify_rule_matches(r, &ev)) return 0;
  return notify_repeat_count(r->repeat_s, since, now);
}

void outbox_tick(hub *h, int64_t now) {
  const notify_cfg *c = h->notify;
  if (c == NULL) return;
  if (h->repeats == NULL && (h->repeats = calloc(1, sizeof *h->repeats)) == NULL)
    return;
  for (size_t ri = 0; ri < c->nrules; ri++) {
    const notify_rule *r = &c->rules[ri];
    if (r->repeat_s == 0) continue;
    for (size_t i = 0; i < h->model->nandons; i++) {
      const fh_andon *a = h->model->andons[i];
      repeat_seen *s;
      uint32_t n;
      if (a->state != FH_ANDON_RAISED || (n = due(h, r, a, now)) == 0) continue;
      if ((s = seen_for(h, a->id, (uint32_t)ri, a->level)) == NULL || s->n >= n)
        continue;
      if (outbox_andon_repeat(h, ri, a, n) != 0) {
        log_error("notify: reminder of andon %llu: out of memory",
                  (unsigned long long)a->id);
        return;
      }
      s->n = n;
    }
  }
  prune(h);
}

void outbox_repeats_free(hub *h) {
  if (h->repeats != NULL) free(h->repeats->v);
  free(h->repeats);
  h->repeats = NULL;
}
