/* model.h -- the live state of the plant, in memory.
 *
 * Lines and equipment are arrays parallel to the plant's (index i of
 * model.lines is plant->lines[i]).  `andons` holds the open andons, sorted
 * by id (plus closed ones until their close is committed), so the work done
 * per write (line summaries, escalation deadlines) grows with the open
 * calls, not with history.  Once committed, a closed andon is retired into
 * `closed`, a ring of the last MODEL_ANDON_SNAP_MAX closed andons kept for
 * the `andon` topic's snapshot; every closed andon lives in the store.  The line summaries (state, open
 * andons, highest level, oldest open andon, OEE) are derived and refreshed
 * by model_line_refresh(), which says whether anything changed.
 *
 * Records in the store (fh_storage tables):
 *   lines      line id          -> fh_enc_line
 *   equipment  equipment id     -> fh_enc_equipment
 *   andons     u64 BE andon id  -> fh_enc_andon
 *   shifts     "acc/" eq id     -> oee_acc_encode (the open shift)
 *              "rec/" line id "/" u64 BE shift start -> fh_enc_oee (closed)
 *              "acc/" eq id "/" u64 BE shift start -> oee_acc_encode (its
 *                             closed shift, for re-accounting: reaccount.h)
 *              "tot/" eq id     -> [good_total, reject_total] (eq.total)
 *   meta       "next_andon_id"  -> u64 BE
 *   downtime   u64 BE stop id   -> dt_encode (downtime.h)
 *   shifts     "runl/" line id  -> the line's run state (runs.h)
 *              "runh/" line id "/" u64 BE run id -> an ended run
 *              (the "rec/" record of a line also holds its scoreboard,
 *              runs and by_product: shift_runs.h)
 *   meta       "next_run_id"    -> u64 BE
 *   shifts     "plan/" line id "/" u64 BE shift start -> fh_enc_plan
 *   shifts     "hon/" line id   -> the notes for the next handover
 *              "hov/" line id "/" u64 BE shift start -> a closed shift's
 *              handover (handover.h)
 */
#ifndef FH_HUB_MODEL_H
#define FH_HUB_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "handover.h"
#include "hub.h"
#include "oee.h"
#include "shift.h"
#include "totals.h"

#define MODEL_CLOSED_KEEP_MS (12LL * 3600 * 1000) /* closed andons kept */
#define MODEL_ANDON_SNAP_MAX 500                  /* andons in a snapshot */

struct topic;
struct reaccount_cache;

typedef struct model_eq {
  fh_equipment e;          /* as published; counts are the shift's */
  oee_acc acc;             /* the current shift's accounting */
  uint64_t open_stop;      /* id of its open stop (stops.h), 0 none */
  counter_totals tot;      /* its last eq.total (totals.h) */
} model_eq;

struct dt_event;

/* The stops of one line kept in memory: the open ones and those of the
 * current and the previous shift (stops.c); every stop lives in the store. */
typedef struct model_stops {
  struct dt_event **evs;   /* by id, ascending */
  size_t n;                /* entries used */
  size_t cap;              /* slots allocated */
} model_stops;

/* A line's production run (runs.h). */
typedef struct model_run {
  fh_run r;                /* the active run; r.id == 0: none */
  const plant_product *product; /* its product, NULL without a run */
  int64_t last_end;        /* ms when the line's previous run ended, 0 never */
  int64_t co_from;         /* its changeover is counted from here (the
                              previous run's end, or its own start) ... */
  int64_t co_to;           /* ... to the constraint's first running period
                              in the run, 0 while it has not run */
} model_run;

#define SHIFT_RUNS_MAX 32 /* runs of one line listed per shift (shift_runs.h) */

/* One run's part of the current shift (shift_runs.h). */
typedef struct shift_run {
  fh_run r;                /* the run as it started (or, ended, as it ended) */
  uint64_t good;           /* the line's good in the run, inside the shift */
  uint64_t reject;         /* the line's rejects in the run, inside the shift */
  uint64_t ideal_ms;       /* sum of the product's ideal cycle at the
                              constraint * (good + reject) */
  uint64_t run_from;       /* the constraint's run time in the shift when
                              the run began in it */
  uint64_t run_ms;         /* ended: the constraint's run time in the run */
  uint8_t open;            /* still the line's active run */
} shift_run;

/* The runs of a line in the current shift, in the order they began. */
typedef struct model_shift_runs {
  size_t n;                          /* entries used */
  shift_run e[SHIFT_RUNS_MAX];       /* the runs */
} model_shift_runs;

typedef struct model_line {
  fh_line l;               /* the summary as last refreshed */
  fh_oee oee;              /* the line OEE as last computed */
  struct topic *t_line;    /* "line/<id>" */
  struct topic *t_oee;     /* "oee/<id>" */
  struct topic *t_downtime; /* "downtime/<id>" */
  model_stops stops;       /* its recent stops */
  model_run run;           /* its production run */
  model_shift_runs sruns;  /* the runs of the current shift */
  fh_plan plan;            /* the current shift's plan (plans.h);
                              shift_start 0: none */
  handover_line ho;        /* its shift handover (handover.h) */
  int summary_dirty;       /* summary changed since last published */
  int oee_dirty;           /* counts or states changed since last OEE */
  double oee_published;    /* OEE value in the last published summary */
} model_line;

typedef struct model {
  model_line *lines;       /* parallel to plant->lines */
  size_t nlines;
  model_eq *eqs;           /* parallel to plant->equipment */
  size_t neqs;
  fh_andon **andons;       /* open (and closed, not yet retired), by id */
  size_t nandons;
  size_t cap;              /* slots allocated in andons */
  fh_andon *closed;        /* ring of retired andons, MODEL_ANDON_SNAP_MAX */
  size_t closed_next;      /* slot the next retired andon goes to */
  size_t nclosed;          /* slots used */
  uint64_t next_andon_id;  /* id for the next raise */
  uint64_t next_stop_id;   /* id for the next stop (or split part) */
  uint64_t stop_maxlen;    /* longest closed stop stored, ms (stop_index.h) */
  uint64_t next_run_id;    /* id for the next production run */
  int64_t stops_retired_ms; /* when old stops last left memory */
  shift_window shift;      /* the current shift (valid if in_shift) */
  int64_t hour_starts[TARGET_HOURS_MAX]; /* its hour buckets (target.h) */
  size_t nhours;           /* entries used, 0 outside a shift */
  int in_shift;            /* now is inside a shift of the calendar */
  int64_t oee_refreshed_ms; /* last time every line's OEE was published */
  int64_t sampled_ms;      /* when the last OEE samples were taken (oee_samples.h) */
  struct topic *t_plant;   /* "plant" */
  struct topic *t_andon;   /* "andon" */
  struct reaccount_cache *reacc; /* closed shifts changed while writes are
                                    in flight (reaccount.h), NULL none */
} model;

/* Builds the model from the plant and the store, queueing into h->batch
 * the records that the plant file adds or renames.  Returns 0 or a negative
 * code with err filled. */
int model_load(hub *h, char *err, size_t errlen);
void model_free(hub *h);

/* The andon in memory with that id, or NULL. */
fh_andon *model_andon_find(model *m, uint64_t id);
/* Inserts a copy (id must be larger than every id held).  0 or -ENOMEM. */
int model_andon_insert(model *m, const fh_andon *a);
/* Removes (and frees) the andon with that id if held. */
void model_andon_remove(model *m, uint64_t id);
/* Moves the andon with that id into the closed ring if it is closed. */
void model_andon_retire(model *m, uint64_t id);
/* The i-th most recently retired andon (0 = newest), or NULL. */
const fh_andon *model_closed_at(const model *m, size_t i);

/* Index of the plant line with that id, or -1. */
long model_line_index(hub *h, const char *id);

/* Recomputes line `li`'s summary; returns 1 (and marks it dirty) if it
 * changed. */
int model_line_refresh(hub *h, size_t li);

/* Queue store records into h->batch.  0 or -ENOMEM. */
int model_put_andon(hub *h, const fh_andon *a);
int model_put_equipment(hub *h, size_t ei);
int model_put_next_andon_id(hub *h);
/* The equipment's last eq.total, as "tot/<id>" in the shifts table. */
int model_put_totals(hub *h, size_t ei);

/* Store keys. */
void model_andon_key(uint64_t id, uint8_t key[8]);

#endif
