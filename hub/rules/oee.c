/* oee.c -- the OEE engine (see oee.h for the definitions).
 *
 * Accounting: each state change closes the open interval [since, ts) and
 * adds its counted length (clipped to the shift, minus the breaks it spans)
 * to the state's and the reason's totals.  Computing never changes the
 * accumulator: the open interval up to `now` is added to a `totals` copy.
 * One equipment and a whole line go through the same path: totals_add()
 * sums any number of accumulators and totals_finish() turns the sums into
 * ratios, so a line's OEE is computed from summed times and counts, never
 * averaged.
 *
 * Storing an accumulator (oee_acc_encode/decode) lives in oee_codec.c.
 */
#include "oee.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_REASONS_MAX 64   /* merged reasons of a line */

/* Sums over accumulators at one moment, open intervals included. */
typedef struct totals {
  uint64_t state_ms[FH_EQ__COUNT];     /* time per state */
  uint64_t planned_ms;                 /* sum of planned times */
  uint64_t good;                       /* summed good counts */
  uint64_t reject;                     /* summed reject counts */
  double ideal_ms;                     /* sum of ideal_cycle * (good+reject) */
  uint32_t down_events;                /* summed down periods */
  uint64_t not_monitored_ms;           /* summed not-monitored time */
  uint64_t loss_ms[FH_LOSS__TIME];     /* summed stop time per category */
  size_t nreasons;                     /* entries used in reasons[] */
  oee_reason reasons[LINE_REASONS_MAX]; /* merged time per reason */
  size_t nrejects;                     /* entries used in rejects[] */
  oee_reason rejects[LINE_REASONS_MAX]; /* merged rejects per reason */
} totals;

/* ----------------------------------------------------------- accounting */

/* Counted ms of [from, to): clipped to the shift, break time excluded. */
static uint64_t counted_ms(const shift_window *w, int64_t from, int64_t to) {
  if (from < w->start_ms) from = w->start_ms;
  if (to > w->end_ms) to = w->end_ms;
  if (to <= from) return 0;
  return (uint64_t)(to - from - shift_break_ms(w, from, to));
}

static size_t reason_find(const oee_reason *tab, size_t n, const char *reason) {
  size_t i = 0;
  while (i < n && strcmp(tab[i].reason, reason) != 0) i++;
  return i;
}

/* Adds ms to `reason` in a table of cap entries.  The last entry is kept for
 * "other", which takes the time of new reasons once the others are used. */
static void reason_add(oee_reason *tab, size_t *n, size_t cap,
                       const char *reason, uint64_t ms) {
  size_t i;

  if (reason[0] == '\0' || ms == 0) return;
  i = reason_find(tab, *n, reason);
  if (i == *n && *n + 1 >= cap) {
    reason = "other";
    i = reason_find(tab, *n, reason);
  }
  if (i >= cap) i = cap - 1; /* a full table without "other" (decoded) */
  if (i == *n) {
    snprintf(tab[i].reason, sizeof tab[i].reason, "%s", reason);
    tab[i].ms = 0;
    (*n)++;
  }
  tab[i].ms += ms;
}

void oee_acc_begin(oee_acc *a, const shift_window *w, uint32_t ideal_cycle_ms,
                   fh_eq_state state, const char *reason, int64_t now_ms) {
  memset(a, 0, sizeof *a);
  a->win = *w;
  snprintf(a->shift, sizeof a->shift, "%s", w->def ? w->def->name : "");
  a->ideal_cycle_ms = ideal_cycle_ms;
  a->state = FH_EQ_UNKNOWN;
  a->since = w->start_ms;
  oee_acc_state(a, state, reason, now_ms); /* [start, now): not monitored */
}

void oee_acc_state(oee_acc *a, fh_eq_state s, const char *reason,
                   int64_t ts_ms) {
  uint64_t ms;

  if ((unsigned)s >= FH_EQ__COUNT) s = FH_EQ_UNKNOWN;
  if (ts_ms < a->since) ts_ms = a->since;
  ms = counted_ms(&a->win, a->since, ts_ms);
  if (a->monitored) {
    a->state_ms[a->state] += ms;
    reason_add(a->reasons, &a->nreasons, OEE_ACC_REASONS_MAX, a->reason, ms);
  } else {
    a->not_monitored_ms += ms;
  }
  if (s != FH_EQ_UNKNOWN) a->monitored = 1;
  if (s == FH_EQ_DOWN && a->state != FH_EQ_DOWN && ts_ms < a->win.end_ms)
    a->down_events++;
  a->state = s;
  snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
  a->since = ts_ms;
}

static int loss_valid(fh_loss l) { return (unsigned)l < FH_LOSS__TIME; }

void oee_acc_stop_open(oee_acc *a, int64_t start, fh_loss loss) {
  a->stop_start = start;
  a->stop_loss = loss_valid(loss) ? loss : FH_LOSS_UNCLASSIFIED;
}

void oee_acc_stop_close(oee_acc *a, int64_t start, int64_t end, fh_loss loss) {
  if (loss_valid(loss)) a->loss_ms[loss] += counted_ms(&a->win, start, end);
  a->stop_start = 0;
}

void oee_acc_stop_move(oee_acc *a, int64_t start, int64_t end, fh_loss from,
                       fh_loss to) {
  uint64_t ms = counted_ms(&a->win, start, end);
  if (!loss_valid(from) || !loss_valid(to)) return;
  if (ms > a->loss_ms[from]) ms = a->loss_ms[from]; /* never below zero */
  a->loss_ms[from] -= ms;
  a->loss_ms[to] += ms;
}

void oee_acc_count(oee_acc *a, uint64_t good, uint64_t reject) {
  a->good += good;
  a->reject += reject;
}

void oee_acc_reject_reason(oee_acc *a, const char *reject_reason,
                           uint64_t reject) {
  if (reject_reason != NULL)
    reason_add(a->rejects, &a->nrejects, OEE_ACC_REASONS_MAX, reject_reason, reject);
}

void oee_acc_count_run(oee_acc *a, uint64_t good, uint64_t reject,
                       uint32_t ideal_ms, uint32_t line_ideal_ms) {
  oee_acc_count(a, good, reject);
  a->run_good += good;
  a->run_reject += reject;
  a->run_ideal_ms += (uint64_t)ideal_ms * (good + reject);
  a->run_line_good_ms += (uint64_t)line_ideal_ms * good;
  a->run_line_reject_ms += (uint64_t)line_ideal_ms * reject;
}

void oee_acc_hour_count(oee_acc *a, size_t hour, uint64_t good,
                        uint64_t reject) {
  if (hour >= TARGET_HOURS_MAX) return;
  a->hour_good[hour] += good;
  a->hour_reject[hour] += reject;
}

/* Ideal time of the counts: those of runs at their product's cycle, the
 * others at the equipment's own. */
static double acc_ideal_ms(const oee_acc *a) {
  uint64_t other = (a->good - a->run_good) + (a->reject - a->run_reject);
  return (double)a->ideal_cycle_ms * (double)other + (double)a->run_ideal_ms;
}

/* ------------------------------------------------------------ computing */

static double ratio(double num, double den) { return den > 0 ? num / den : 0; }

/* Adds the accumulator's rejects by reason. */
static void totals_add_rejects(totals *t, const oee_acc *a) {
  for (size_t i = 0; i < a->nrejects; i++)
    reason_add(t->rejects, &t->nrejects, LINE_REASONS_MAX, a->rejects[i].reason,
               a->rejects[i].ms);
}

/* Adds one accumulator, its open interval counted up to now_ms. */
static void totals_add(totals *t, const oee_acc *a, int64_t now_ms) {
  uint64_t open = counted_ms(&a->win, a->since, now_ms);
  uint64_t worked = counted_ms(&a->win, a->win.start_ms, now_ms);
  uint64_t stopped = a->state_ms[FH_EQ_PLANNED_STOP] +
                     (a->state == FH_EQ_PLANNED_STOP ? open : 0);

  uint64_t not_mon = a->not_monitored_ms + (a->monitored ? 0 : open);
  uint64_t loss[FH_LOSS__TIME];

  memcpy(loss, a->loss_ms, sizeof loss);
  if (a->stop_start != 0 && loss_valid(a->stop_loss))
    loss[a->stop_loss] += counted_ms(&a->win, a->stop_start, now_ms);
  stopped += not_mon + loss[FH_LOSS_PLANNED];
  t->planned_ms += worked > stopped ? worked - stopped : 0;
  for (int s = 0; s < FH_EQ__COUNT; s++) t->state_ms[s] += a->state_ms[s];
  if (a->monitored) t->state_ms[a->state] += open;
  for (int l = 0; l < FH_LOSS__TIME; l++) t->loss_ms[l] += loss[l];
  t->not_monitored_ms += not_mon;
  for (size_t i = 0; i < a->nreasons; i++)
    reason_add(t->reasons, &t->nreasons, LINE_REASONS_MAX,
               a->reasons[i].reason, a->reasons[i].ms);
  if (a->monitored)
    reason_add(t->reasons, &t->nreasons, LINE_REASONS_MAX, a->reason, open);
  totals_add_rejects(t, a);
  t->good += a->good;
  t->reject += a->reject;
  t->ideal_ms += acc_ideal_ms(a);
  t->down_events += a->down_events;
}

/* Largest first; equal times by name so the order is stable. */
static int reason_cmp(const void *x, const void *y) {
  const oee_reason *a = x, *b = y;
  if (a->ms != b->ms) return a->ms > b->ms ? -1 : 1;
  return strcmp(a->reason, b->reason);
}

/* Sorts a table largest first; how many of it a record keeps. */
static size_t ranked(oee_reason *tab, size_t n) {
  qsort(tab, n, sizeof tab[0], reason_cmp);
  return n < FH_OEE_REASONS_MAX ? n : FH_OEE_REASONS_MAX;
}

/* Fills the time, count and ratio fields of out from the sums. */
static void totals_finish(totals *t, fh_oee *out) {
  uint64_t run = t->state_ms[FH_EQ_RUNNING] + t->loss_ms[FH_LOSS_SMALL_STOP];
  double perf;

  out->planned_ms = t->planned_ms;
  out->run_ms = run;
  out->good = t->good;
  out->reject = t->reject;
  out->availability = ratio((double)run, (double)t->planned_ms);
  out->performance = perf = ratio(t->ideal_ms, (double)run);
  out->quality = ratio((double)t->good, (double)t->good + (double)t->reject);
  out->oee = out->availability * (perf < 1 ? perf : 1) * out->quality;
  memcpy(out->state_ms, t->state_ms, sizeof out->state_ms);
  out->nreasons = ranked(t->reasons, t->nreasons);
  for (size_t i = 0; i < out->nreasons; i++) {
    memcpy(out->reasons[i].reason, t->reasons[i].reason, sizeof t->reasons[i].reason);
    out->reasons[i].ms = t->reasons[i].ms;
  }
  out->nrejects = ranked(t->rejects, t->nrejects);
  for (size_t i = 0; i < out->nrejects; i++) {
    memcpy(out->rejects[i].reason, t->rejects[i].reason, sizeof t->rejects[i].reason);
    out->rejects[i].count = t->rejects[i].ms;
  }
  out->down_events = t->down_events;
  out->mttr_s = ratio((double)t->state_ms[FH_EQ_DOWN], t->down_events) / 1000;
  out->mtbf_s = ratio((double)run, t->down_events) / 1000;
  out->not_monitored_ms = t->not_monitored_ms;
  out->small_stop_ms = t->loss_ms[FH_LOSS_SMALL_STOP];
  memcpy(out->losses, t->loss_ms, sizeof out->losses);
}

void oee_line_compute(const oee_acc *const *accs, size_t n, int64_t now_ms,
                      const char *line_id, fh_oee *out) {
  totals t;

  memset(&t, 0, sizeof t);
  memset(out, 0, sizeof *out);
  snprintf(out->line, sizeof out->line, "%s", line_id ? line_id : "");
  if (n > 0) {
    memcpy(out->shift, accs[0]->shift, sizeof out->shift);
    out->shift_start = accs[0]->win.start_ms;
    out->shift_end = accs[0]->win.end_ms;
  }
  for (size_t i = 0; i < n; i++) totals_add(&t, accs[i], now_ms);
  totals_finish(&t, out);
}

void oee_acc_compute(const oee_acc *a, int64_t now_ms, const char *id,
                     fh_oee *out) {
  oee_line_compute(&a, 1, now_ms, id, out);
}

void oee_line_constraint(const oee_acc *const *accs, size_t n,
                         size_t constraint, size_t output, int64_t now_ms,
                         const char *line_id, fh_oee *out) {
  const oee_acc *c;
  uint64_t reject = 0, other;
  double run_ideal;
  totals t;

  if (constraint >= n || output >= n) {
    oee_line_compute(accs, 0, now_ms, line_id, out);
    return;
  }
  c = accs[constraint];
  other = accs[output]->good - accs[output]->run_good;
  run_ideal = (double)accs[output]->run_line_good_ms;
  for (size_t i = 0; i < n; i++) {
    reject += accs[i]->reject;
    other += accs[i]->reject - accs[i]->run_reject;
    run_ideal += (double)accs[i]->run_line_reject_ms;
  }
  memset(&t, 0, sizeof t);
  memset(out, 0, sizeof *out);
  snprintf(out->line, sizeof out->line, "%s", line_id ? line_id : "");
  memcpy(out->shift, c->shift, sizeof out->shift);
  out->shift_start = c->win.start_ms;
  out->shift_end = c->win.end_ms;
  totals_add(&t, c, now_ms);
  for (size_t i = 0; i < n; i++) /* the constraint's came with totals_add */
    if (i != constraint) totals_add_rejects(&t, accs[i]);
  t.good = accs[output]->good;
  t.reject = reject;
  t.ideal_ms = (double)c->ideal_cycle_ms * (double)other + run_ideal;
  totals_finish(&t, out);
}
