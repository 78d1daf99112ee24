/* sim_model.h -- the simulated plant behind floorsim: what each equipment
 * does, minute by minute.
 *
 * Design: a discrete simulation in fixed steps of SIM_STEP_MS of simulated
 * time, with no I/O and no clock of its own: the caller says how far to
 * advance (sim_advance) and receives what happened as events through a
 * sink.  Every random draw comes from one seeded generator in a fixed
 * order, so a seed and a sequence of sim_advance targets give the same
 * events on every machine, however the wall clock jitters.
 *
 * Each equipment runs for long stretches (exponential, mean
 * SIM_RUN_MEAN_MS) and then stops: a micro-stop (idle, seconds), a
 * breakdown (down with a mechanical/electrical/tooling reason, minutes), a
 * material shortage (starved), a full buffer downstream (blocked) or a
 * changeover (tens of minutes); then it runs again.  During the shift
 * calendar's breaks, and outside every shift, it is in planned_stop.
 * While running it makes pieces at its ideal cycle time slowed by a
 * per-run factor and a per-piece noise; each piece is a reject with the
 * equipment's scrap rate.  Counts are reported every SIM_COUNT_EVERY_MS.
 * Some breakdowns and shortages, and now and then a quality problem, raise
 * an andon.  Reasons and andon kinds are used only if the plant lists them.
 *
 * Operators explain stops as they would on a real line (SIM_EV_EXPLAIN,
 * when the equipment runs again): most breakdowns (with the machine's
 * reason, now and then another one), most changeovers (with a reason of
 * category `changeover`) and half of the material shortages; blocked
 * outfeeds and micro-stops never, so some long stops stay unexplained.
 * Each equipment scraps for one `quality` reason of the tree (its rejects
 * carry it), if the tree has one.
 *
 * Production runs, when the plant lists products: each line starts on a
 * product (SIM_EV_RUN at the start), makes it for a while (exponential,
 * mean SIM_PRODUCT_MEAN_MS) and then changes over: every equipment of the
 * line goes to `changeover` for 5 to 15 minutes, at the end of which the
 * line starts a run of the next product in the plant's list (SIM_EV_RUN,
 * before the equipment run again).  While running, an equipment makes
 * pieces at the ideal cycle of the product (plant_ideal_cycle).
 */
#ifndef FH_SIM_MODEL_H
#define FH_SIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "plant.h"
#include "shift.h"

#define SIM_STEP_MS 1000              /* one simulation step */
#define SIM_COUNT_EVERY_MS 5000       /* counts are reported this often */
#define SIM_RUN_MEAN_MS (25 * 60000)  /* mean uninterrupted run */
#define SIM_PRODUCT_MEAN_MS (90 * 60000) /* mean production run of a product */

typedef enum sim_event_type {
  SIM_EV_STATE, /* the equipment changed state */
  SIM_EV_COUNT, /* pieces made since the last count event */
  SIM_EV_ANDON, /* someone on the floor would pull the andon cord */
  SIM_EV_EXPLAIN, /* an operator gives the reason of the stop just ended */
  SIM_EV_RUN     /* the line starts a production run of a product */
} sim_event_type;

typedef struct sim_event {
  sim_event_type type;  /* which of the members below are set */
  int64_t t_ms;         /* simulated time of the event */
  size_t eq;            /* index of the equipment in plant->equipment */
  fh_eq_state state;    /* STATE: the new state */
  const char *reason;   /* STATE: a plant reason code, or NULL;
                           EXPLAIN: the leaf the operator picks */
  uint64_t good;        /* COUNT: good pieces */
  uint64_t reject;      /* COUNT: rejected pieces */
  const char *reject_reason; /* COUNT: the quality leaf of the rejects, or
                                NULL */
  const char *kind;     /* ANDON: a plant andon kind */
  uint8_t severity;     /* ANDON: 1..3 */
  const char *note;     /* ANDON: a static note */
  size_t line;          /* RUN: index of the line in plant->lines */
  const char *product;  /* RUN: the product's id */
} sim_event;

/* A line's production runs. */
typedef struct sim_line {
  size_t product;           /* index in plant->products of the run */
  int64_t change_at;        /* when its changeover to the next begins */
  int64_t co_until;         /* the changeover's end, 0 while producing */
} sim_line;

/* Receives every event, in time order; the pointers in ev are valid for
 * as long as the plant is. */
typedef void (*sim_sink)(void *arg, const sim_event *ev);

/* One equipment's simulated condition. */
typedef struct sim_eq {
  fh_eq_state state;        /* current state */
  int planned;              /* 1 in a break or outside every shift */
  int64_t until_ms;         /* when the current run or stop ends */
  double cycle_ms;          /* this run's mean cycle time per piece */
  double piece_left_ms;     /* time until the current piece is done */
  double scrap_rate;        /* chance that a piece is a reject */
  const char *scrap_reason; /* the quality leaf of its rejects, or NULL */
  const char *stop_reason;  /* the machine reason of the current stop */
  uint64_t good;            /* good pieces since the last count event */
  uint64_t reject;          /* rejects since the last count event */
} sim_eq;

typedef struct sim {
  const plant *p;           /* the layout; not owned */
  sim_eq *eq;               /* one per plant->equipment, same order */
  sim_line *lines;          /* one per plant->lines; NULL without products */
  uint64_t rng;             /* splitmix64 state */
  int64_t now_ms;           /* simulated time reached */
  int64_t next_count_ms;    /* when counts are reported next */
  int have_window;          /* `window` holds the shift around now_ms */
  shift_window window;      /* current shift, with its breaks */
  int64_t no_shift_until;   /* outside every shift until then */
  const char *reason_down[3]; /* breakdown reasons the plant knows, NULLs */
  size_t nreason_down;      /* entries used in reason_down */
  const char *reason_starved; /* "material_shortage" if known, else NULL */
  const char *reason_changeover; /* the first leaf of category changeover,
                                    else "changeover_overrun" if known */
  const char *scrap[4];     /* quality leaves of the tree, NULLs */
  size_t nscrap;            /* entries used in scrap */
  const char *kind_maint;   /* andon kinds the plant knows, or NULL */
  const char *kind_material;
  const char *kind_quality;
  sim_sink sink;            /* where events go */
  void *sink_arg;           /* passed to sink */
} sim;

/* Starts the simulation at start_ms (ms since the Unix epoch, read in the
 * process's TZ, which the caller sets to the plant's) with every equipment
 * running (or in planned_stop during a break) and emits that first state of
 * each through sink.  Returns 0 or -ENOMEM (then nothing was emitted and
 * there is nothing to free). */
int sim_init(sim *s, const plant *p, uint64_t seed, int64_t start_ms,
             sim_sink sink, void *sink_arg);

/* Advances to to_ms, step by step, emitting what happens on the way.  A
 * target at or before the time reached does nothing. */
void sim_advance(sim *s, int64_t to_ms);

void sim_free(sim *s);

#endif
