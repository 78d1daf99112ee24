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
 *
 * equipment.down_for works the same way: equipment down since `since` for
 * at least the rule's after_s is notified once per down period, remembered
 * per (period start, rule, equipment) while it stays down; and
 * downtime.unclassified_for once per stop that has no reason after_s after
 * it began (and is not a short stop), remembered per (stop, rule).  A
 * restart may send the latest again with the same event id.
 */
#include <stdlib.h>

#include "andon_rules.h"
#include "log.h"
#include "model.h"
#include "outbox.h"
#include "stops.h"

typedef struct repeat_seen {
  uint64_t andon;   /* andon id (downs: the down period's start) */
  uint32_t rule;    /* rule index */
  uint32_t level;   /* the level the reminders are about (downs: the
                       equipment index) */
  uint32_t n;       /* reminders queued (downs: 1 once notified) */
} repeat_seen;

typedef struct seen_list {
  repeat_seen *v;   /* entries */
  size_t n, cap;    /* used, allocated */
} seen_list;

struct outbox_repeats {
  seen_list andons; /* reminders */
  seen_list downs;  /* equipment.down_for */
  seen_list stops;  /* downtime.unclassified_for: (stop id, rule) */
};

static repeat_seen *seen_for(seen_list *r, uint64_t andon, uint32_t rule,
                             uint32_t level) {
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
  seen_list *r = &h->repeats->andons, *d = &h->repeats->downs;
  size_t keep = 0;
  for (size_t i = 0; i < r->n; i++) {
    const fh_andon *a = model_andon_find(h->model, r->v[i].andon);
    if (a != NULL && a->state == FH_ANDON_RAISED) r->v[keep++] = r->v[i];
  }
  r->n = keep;
  keep = 0;
  for (size_t i = 0; i < d->n; i++) {
    const fh_equipment *e = &h->model->eqs[d->v[i].level].e;
    if (e->state == FH_EQ_DOWN && (uint64_t)e->since == d->v[i].andon)
      d->v[keep++] = d->v[i];
  }
  d->n = keep;
  keep = 0;
  for (size_t i = 0; i < h->repeats->stops.n; i++) {
    const dt_event *ev = stops_find(h, h->repeats->stops.v[i].andon);
    if (ev != NULL && ev->d.reason[0] == '\0')
      h->repeats->stops.v[keep++] = h->repeats->stops.v[i];
  }
  h->repeats->stops.n = keep;
}

/* equipment.down_for rule ri: every equipment down at least after_s. */
static int tick_downs(hub *h, size_t ri, int64_t now) {
  const notify_rule *r = &h->notify->rules[ri];
  for (size_t ei = 0; ei < h->model->neqs; ei++) {
    const fh_equipment *e = &h->model->eqs[ei].e;
    notify_event ev = {r->on, NULL, -1, NULL, 0, e->line, e->id, r->after_s};
    repeat_seen *s;
    if (e->state != FH_EQ_DOWN || now - e->since < (int64_t)r->after_s * 1000 ||
        !notify_rule_matches(r, &ev))
      continue;
    s = seen_for(&h->repeats->downs, (uint64_t)e->since, (uint32_t)ri, (uint32_t)ei);
    if (s == NULL || s->n > 0) continue;
    if (outbox_equipment_down(h, ri, ei, now) != 0) return -1;
    s->n = 1;
  }
  return 0;
}

/* A stop that still needs an operator's reason, `after_ms` after it began. */
static int unclassified_for(const dt_event *ev, int64_t now, int64_t after_ms,
                            const dt_limits *lim) {
  if (ev->d.reason[0] != '\0' || now - ev->d.start < after_ms) return 0;
  return ev->d.end == 0 || (uint64_t)(ev->d.end - ev->d.start) >= lim->short_ms;
}

/* downtime.unclassified_for rule ri: every stop without a reason after_s
 * after it began, once per stop. */
static int tick_stops(hub *h, size_t ri, int64_t now) {
  const notify_rule *r = &h->notify->rules[ri];
  for (size_t li = 0; li < h->model->nlines; li++) {
    const model_stops *ms = &h->model->lines[li].stops;
    dt_limits lim = stops_limits(h, li);
    for (size_t i = 0; i < ms->n; i++) {
      const dt_event *ev = ms->evs[i];
      notify_event nev = {r->on, NULL, -1, NULL, 0, ev->d.line, ev->d.equipment,
                          r->after_s};
      repeat_seen *s;
      if (!unclassified_for(ev, now, (int64_t)r->after_s * 1000, &lim) ||
          !notify_rule_matches(r, &nev))
        continue;
      s = seen_for(&h->repeats->stops, ev->d.id, (uint32_t)ri, 0);
      if (s == NULL || s->n > 0) continue;
      if (outbox_stop_unclassified(h, ri, ev, now) != 0) return -1;
      s->n = 1;
    }
  }
  return 0;
}

/* The reminders rule ri is due for on a (0: none). */
static uint32_t due(hub *h, const notify_rule *r, const fh_andon *a, int64_t now) {
  notify_event ev = {r->on, a, -1, NULL, 1, NULL, NULL, 0};
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
    if (r->on == NOTIFY_ON_EQUIPMENT_DOWN && tick_downs(h, ri, now) != 0) {
      log_error("notify: equipment.down_for: out of memory");
      return;
    }
    if (r->on == NOTIFY_ON_DOWNTIME_UNCLASSIFIED && tick_stops(h, ri, now) != 0) {
      log_error("notify: downtime.unclassified_for: out of memory");
      return;
    }
    if (r->repeat_s == 0) continue;
    for (size_t i = 0; i < h->model->nandons; i++) {
      const fh_andon *a = h->model->andons[i];
      repeat_seen *s;
      uint32_t n;
      if (a->state != FH_ANDON_RAISED || (n = due(h, r, a, now)) == 0) continue;
      if ((s = seen_for(&h->repeats->andons, a->id, (uint32_t)ri, a->level)) == NULL ||
          s->n >= n)
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
  if (h->repeats != NULL) {
    free(h->repeats->andons.v);
    free(h->repeats->downs.v);
    free(h->repeats->stops.v);
  }
  free(h->repeats);
  h->repeats = NULL;
}
