/* sim_model.c -- the simulated plant (see sim_model.h).
 *
 * One step: find out whether the plant is in a break (the shift window is
 * cached until it ends), then per equipment either switch to or out of
 * planned_stop, or make pieces while running and end the current run or
 * stop when its time is up.  Counts are emitted every SIM_COUNT_EVERY_MS.
 * The random numbers come from splitmix64, drawn in equipment order, so
 * the event stream depends only on the seed, the start time and the
 * plant.
 */
#include "sim_model.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIN_MS 60000

/* splitmix64: small, fast, and good enough for a simulation. */
static uint64_t next_u64(sim *s) {
  uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(sim *s) {
  return (double)(next_u64(s) >> 11) * 0x1.0p-53;
}

/* Uniform whole milliseconds in [lo, hi). */
static int64_t between(sim *s, int64_t lo, int64_t hi) {
  return lo + (int64_t)(uniform(s) * (double)(hi - lo));
}

/* Exponential with the given mean, kept within [lo, hi]. */
static int64_t exponential(sim *s, double mean, int64_t lo, int64_t hi) {
  double v = -mean * log(1.0 - uniform(s));
  if (v < (double)lo) return lo;
  if (v > (double)hi) return hi;
  return (int64_t)v;
}

static const char *known(const char *code, int (*valid)(const plant *,
                                                        const char *, size_t),
                         const plant *p) {
  return valid(p, code, strlen(code)) ? code : NULL;
}

static void emit_state(sim *s, size_t i, fh_eq_state st, const char *reason) {
  sim_event ev = {.type = SIM_EV_STATE, .t_ms = s->now_ms, .eq = i,
                  .state = st, .reason = reason};
  s->eq[i].state = st;
  s->eq[i].stop_reason = reason;
  s->sink(s->sink_arg, &ev);
}

static void emit_andon(sim *s, size_t i, const char *kind, uint8_t severity,
                       const char *note) {
  sim_event ev = {.type = SIM_EV_ANDON, .t_ms = s->now_ms, .eq = i,
                  .kind = kind, .severity = severity, .note = note};
  if (kind != NULL) s->sink(s->sink_arg, &ev);
}

/* 1 when t is in a break or outside every shift. */
static int planned_at(sim *s, int64_t t) {
  const plant *p = s->p;
  if (!s->have_window || t < s->window.start_ms || t >= s->window.end_ms) {
    if (t < s->no_shift_until) return 1;
    s->have_window = shift_window_at(p->shifts, p->nshifts, t, &s->window) == 0;
    if (!s->have_window) {
      shift_window next;
      s->no_shift_until = shift_next(p->shifts, p->nshifts, t, &next) == 0
                              ? next.start_ms : t + MIN_MS;
      return 1;
    }
  }
  for (size_t b = 0; b < s->window.nbreaks; b++)
    if (t >= s->window.break_start_ms[b] && t < s->window.break_end_ms[b])
      return 1;
  return 0;
}

/* A stop leaf (not quality) with that code, or NULL. */
static const char *stop_leaf(const sim *s, const char *code) {
  const plant_reason *r = code ? plant_reason_leaf(s->p, code, strlen(code)) : NULL;
  return r != NULL && r->category != FH_LOSS_QUALITY ? r->code : NULL;
}

/* The reason an operator gives for the stop of equipment i that just
 * ended in `was`, or NULL when they leave it (see sim_model.h). */
static const char *explanation(sim *s, size_t i, fh_eq_state was) {
  double r = uniform(s);
  if (was == FH_EQ_DOWN && r < 0.7) {
    if (r < 0.6 || s->nreason_down == 0) return stop_leaf(s, s->eq[i].stop_reason);
    return stop_leaf(s, s->reason_down[(size_t)(uniform(s) * (double)s->nreason_down)]);
  }
  if (was == FH_EQ_CHANGEOVER && r < 0.85) return stop_leaf(s, s->reason_changeover);
  if (was == FH_EQ_STARVED && r < 0.5) return stop_leaf(s, s->reason_starved);
  return NULL;
}

/* The ideal cycle of equipment i for the product its line makes. */
static double ideal_of(const sim *s, size_t i) {
  const plant_product *pr = s->lines == NULL ? NULL
      : &s->p->products[s->lines[s->p->equipment[i].line].product];
  return (double)plant_ideal_cycle(s->p, pr, i);
}

static void start_run(sim *s, size_t i) {
  sim_eq *e = &s->eq[i];
  double ideal = ideal_of(s, i);
  const char *why = explanation(s, i, e->state); /* before it runs */

  e->until_ms = s->now_ms + exponential(s, SIM_RUN_MEAN_MS, 2 * MIN_MS,
                                        240 * MIN_MS);
  e->cycle_ms = ideal * (1.03 + 0.15 * uniform(s));
  if (e->piece_left_ms <= 0) e->piece_left_ms = e->cycle_ms * uniform(s);
  emit_state(s, i, FH_EQ_RUNNING, NULL);
  if (why != NULL) { /* after the state change that ends the stop */
    sim_event ev = {.type = SIM_EV_EXPLAIN, .t_ms = s->now_ms, .eq = i,
                    .reason = why};
    s->sink(s->sink_arg, &ev);
  }
  if (uniform(s) < 0.02)
    emit_andon(s, i, s->kind_quality, 1, "simulated: reject rate up");
}

/* Ends a run with one of the typical losses. */
static void stop(sim *s, size_t i) {
  sim_eq *e = &s->eq[i];
  double r = uniform(s);

  if (r < 0.50) {
    e->until_ms = s->now_ms + between(s, 10000, 90000);
    emit_state(s, i, FH_EQ_IDLE, NULL);
  } else if (r < 0.65) {
    const char *reason = s->nreason_down
        ? s->reason_down[(size_t)(uniform(s) * (double)s->nreason_down)] : NULL;
    e->until_ms = s->now_ms + exponential(s, 12.0 * MIN_MS, 2 * MIN_MS,
                                          90 * MIN_MS);
    emit_state(s, i, FH_EQ_DOWN, reason);
    if (uniform(s) < 0.4)
      emit_andon(s, i, s->kind_maint, uniform(s) < 0.5 ? 3 : 2,
                 "simulated breakdown");
  } else if (r < 0.80) {
    e->until_ms = s->now_ms + between(s, MIN_MS, 8 * MIN_MS);
    emit_state(s, i, FH_EQ_STARVED, s->reason_starved);
    if (uniform(s) < 0.25)
      emit_andon(s, i, s->kind_material, 2, "simulated material shortage");
  } else if (r < 0.92) {
    e->until_ms = s->now_ms + between(s, 30000, 5 * MIN_MS);
    emit_state(s, i, FH_EQ_BLOCKED, NULL);
  } else {
    e->until_ms = s->now_ms + between(s, 15 * MIN_MS, 35 * MIN_MS);
    emit_state(s, i, FH_EQ_CHANGEOVER, NULL);
  }
}

/* Makes the pieces of one step of running. */
static void produce(sim *s, sim_eq *e) {
  e->piece_left_ms -= SIM_STEP_MS;
  while (e->piece_left_ms <= 0) {
    if (uniform(s) < e->scrap_rate) e->reject++;
    else e->good++;
    e->piece_left_ms += e->cycle_ms * (0.95 + 0.10 * uniform(s));
  }
}

static void emit_counts(sim *s) {
  for (size_t i = 0; i < s->p->nequipment; i++) {
    sim_eq *e = &s->eq[i];
    sim_event ev = {.type = SIM_EV_COUNT, .t_ms = s->now_ms, .eq = i,
                    .good = e->good, .reject = e->reject,
                    .reject_reason = e->reject ? e->scrap_reason : NULL};
    if (e->good == 0 && e->reject == 0) continue;
    e->good = e->reject = 0;
    s->sink(s->sink_arg, &ev);
  }
}

static void emit_run(sim *s, size_t li) {
  sim_event ev = {.type = SIM_EV_RUN, .t_ms = s->now_ms, .line = li,
                  .product = s->p->products[s->lines[li].product].id};
  s->sink(s->sink_arg, &ev);
}

/* Line li begins a production run at now: the next change is due later. */
static void begin_product(sim *s, size_t li) {
  s->lines[li].co_until = 0;
  s->lines[li].change_at = s->now_ms + exponential(s, SIM_PRODUCT_MEAN_MS, 20 * MIN_MS,
                                                   240 * MIN_MS);
  emit_run(s, li);
}

/* Changeovers between products: every equipment of a line in changeover
 * until co_until, then the run of the next product (before they run). */
static void step_products(sim *s, int planned) {
  for (size_t li = 0; s->lines != NULL && li < s->p->nlines; li++) {
    sim_line *l = &s->lines[li];
    const plant_line *pl = &s->p->lines[li];
    if (l->co_until != 0 && s->now_ms >= l->co_until) {
      l->product = (l->product + 1) % s->p->nproducts;
      begin_product(s, li);
    } else if (l->co_until == 0 && !planned && s->now_ms >= l->change_at) {
      l->co_until = s->now_ms + between(s, 5 * MIN_MS, 15 * MIN_MS);
      for (size_t e = pl->first_equipment; e < pl->first_equipment + pl->nequipment; e++) {
        s->eq[e].until_ms = l->co_until;
        emit_state(s, e, FH_EQ_CHANGEOVER, NULL);
      }
    }
  }
}

/* After a break: back to the line's changeover if one goes on, else run. */
static void resume(sim *s, size_t i) {
  const sim_line *l = s->lines ? &s->lines[s->p->equipment[i].line] : NULL;
  if (l == NULL || l->co_until <= s->now_ms) {
    start_run(s, i);
    return;
  }
  s->eq[i].until_ms = l->co_until;
  emit_state(s, i, FH_EQ_CHANGEOVER, NULL);
}

static void step(sim *s) {
  int planned = planned_at(s, s->now_ms);

  step_products(s, planned);
  for (size_t i = 0; i < s->p->nequipment; i++) {
    sim_eq *e = &s->eq[i];
    if (planned != e->planned) {
      e->planned = planned;
      if (planned) emit_state(s, i, FH_EQ_PLANNED_STOP, NULL);
      else resume(s, i);
      continue;
    }
    if (planned) continue;
    if (e->state == FH_EQ_RUNNING) produce(s, e);
    if (s->now_ms < e->until_ms) continue;
    if (e->state == FH_EQ_RUNNING) stop(s, i);
    else start_run(s, i);
  }
  if (s->now_ms >= s->next_count_ms) {
    emit_counts(s);
    s->next_count_ms += SIM_COUNT_EVERY_MS;
  }
}

static void pick_codes(sim *s) {
  static const char *const down[] = {"mechanical", "electrical", "tooling"};
  const plant *p = s->p;

  for (size_t k = 0; k < sizeof down / sizeof down[0]; k++)
    if ((s->reason_down[s->nreason_down] = known(down[k], plant_reason_valid, p)))
      s->nreason_down++;
  s->reason_starved = known("material_shortage", plant_reason_valid, p);
  s->reason_changeover = known("changeover_overrun", plant_reason_valid, p);
  for (size_t k = p->nreason_nodes; k-- > 0;) { /* the first ones win */
    const plant_reason *r = &p->reason_nodes[k];
    if (r->leaf && r->category == FH_LOSS_CHANGEOVER) s->reason_changeover = r->code;
  }
  for (size_t k = 0; k < p->nreason_nodes && s->nscrap < 4; k++)
    if (p->reason_nodes[k].leaf && p->reason_nodes[k].category == FH_LOSS_QUALITY)
      s->scrap[s->nscrap++] = p->reason_nodes[k].code;
  s->kind_maint = known("maintenance", plant_kind_valid, p);
  s->kind_material = known("material", plant_kind_valid, p);
  s->kind_quality = known("quality", plant_kind_valid, p);
}

int sim_init(sim *s, const plant *p, uint64_t seed, int64_t start_ms,
             sim_sink sink, void *sink_arg) {
  int planned;

  memset(s, 0, sizeof *s);
  s->eq = calloc(p->nequipment, sizeof *s->eq);
  if (s->eq == NULL) return -ENOMEM;
  if (p->nproducts > 0 && (s->lines = calloc(p->nlines, sizeof *s->lines)) == NULL) {
    free(s->eq);
    return -ENOMEM;
  }
  s->p = p;
  s->rng = seed;
  s->now_ms = start_ms;
  s->next_count_ms = start_ms + SIM_COUNT_EVERY_MS;
  s->sink = sink;
  s->sink_arg = sink_arg;
  pick_codes(s);
  planned = planned_at(s, start_ms);
  for (size_t li = 0; s->lines != NULL && li < p->nlines; li++) {
    s->lines[li].product = li % p->nproducts;
    begin_product(s, li);
  }
  for (size_t i = 0; i < p->nequipment; i++) {
    s->eq[i].scrap_rate = 0.005 + 0.025 * uniform(s);
    s->eq[i].scrap_reason = s->nscrap ? s->scrap[i % s->nscrap] : NULL;
    s->eq[i].planned = planned;
    if (planned) emit_state(s, i, FH_EQ_PLANNED_STOP, NULL);
    else start_run(s, i);
  }
  return 0;
}

void sim_advance(sim *s, int64_t to_ms) {
  while (s->now_ms + SIM_STEP_MS <= to_ms) {
    s->now_ms += SIM_STEP_MS;
    step(s);
  }
}

void sim_free(sim *s) {
  free(s->eq);
  free(s->lines);
  s->eq = NULL;
  s->lines = NULL;
}
