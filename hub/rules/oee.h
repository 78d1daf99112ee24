/* oee.h -- the OEE engine: time and counts of one equipment in one shift.
 *
 * An oee_acc accumulates one equipment's shift: the closed intervals of each
 * state (and of each reason code) plus the open interval of the current
 * state since `since`, and the good/reject counts.  Every interval is
 * clipped to the shift window and break time is counted in no state, so
 * availability stays <= 1.  The functions are pure: the hub passes the time
 * (ms since the epoch) and calls them from its handlers and timers.
 *
 * Definitions (per equipment; a line is measured at its constraint, see
 * oee_line_constraint):
 *   not monitored = shift time before the hub knew the equipment's state
 *   planned = elapsed shift time - breaks - not monitored - time in
 *             planned_stop - stops classified `planned`
 *   run     = time in running + short stops (and stops classified
 *             `small_stop`): a short stop is a Performance loss
 *   A = run / planned,  P = sum(ideal_cycle * (good + reject)) / run (raw),
 *           each count with the ideal cycle in force when it arrived
 *           (oee_acc_count_run: the product being made),
 *   Q = good / (good + reject),  OEE = A * min(P, 1) * Q
 * Stops (downtime.h) are told to the accumulator by the hub: the open stop
 * (oee_acc_stop_open) counts in its category so far (unclassified until an
 * operator gives a reason), a closed one adds its counted time in this
 * shift to its category (oee_acc_stop_close), and a later classification or
 * split moves that time between categories (oee_acc_stop_move).
 * Rejects by reason: the rejects counted with a reject_reason, per reason
 * (rejects_by_reason, largest first); a line's are those of every
 * equipment, like its reject count.
 * A ratio whose denominator is 0 is 0.  MTTR is the mean duration of the
 * shift's down periods (completed and ongoing, break time excluded), MTBF the
 * run time per down period, both in seconds and 0 without down periods.  A
 * down period is counted when it starts inside the shift or is ongoing at the
 * shift start; a change from down to down (new reason) is the same period.
 *
 * Shift change: a moment on the boundary belongs to the new shift.  The hub
 * closes the old accumulator (its open interval stops at the shift end by
 * itself) and begins a new one with the current state (and the open stop,
 * whose time in the new shift counts there).
 *
 * Restart: oee_acc_encode()/oee_acc_decode() store and restore an
 * accumulator.  After a restart the open interval continues from `since`, so
 * the time the hub was down is counted in the stored state (documented
 * choice: the hub cannot know better).
 */
#ifndef FH_HUB_OEE_H
#define FH_HUB_OEE_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "shift.h"
#include "target.h"

/* Reasons tracked per accumulator; when the table is full, the time of any
 * further reason code is added to a last entry named "other". */
#define OEE_ACC_REASONS_MAX 16

typedef struct oee_reason {
  char reason[FH_KIND_MAX + 1];        /* reason code given with a state */
  uint64_t ms;                         /* closed time with that reason (in
                                          oee_acc.rejects: a count) */
} oee_reason;

typedef struct oee_acc {
  shift_window win;                    /* the shift; win.def is NULL after
                                          oee_acc_decode() */
  char shift[FH_NAME_MAX + 1];         /* shift name (survives decode) */
  uint32_t ideal_cycle_ms;             /* ideal cycle time per piece */
  fh_eq_state state;                   /* state of the open interval */
  char reason[FH_KIND_MAX + 1];        /* its reason code, "" if none */
  int64_t since;                       /* ms, start of the open interval */
  uint64_t state_ms[FH_EQ__COUNT];     /* closed time per state */
  size_t nreasons;                     /* entries used in reasons[] */
  oee_reason reasons[OEE_ACC_REASONS_MAX]; /* closed time per reason */
  uint64_t good;                       /* good count of the shift */
  uint64_t reject;                     /* reject count of the shift */
  uint64_t run_good;                   /* of good: counted during a run
                                          (oee_acc_count_run) */
  uint64_t run_reject;                 /* of reject: counted during a run */
  uint64_t run_ideal_ms;               /* sum of the run's ideal cycle here
                                          * those counts */
  uint64_t run_line_good_ms;           /* sum of the run's ideal cycle at the
                                          line's constraint * run_good */
  uint64_t run_line_reject_ms;         /* ... * run_reject */
  uint64_t hour_good[TARGET_HOURS_MAX];   /* good per hour bucket of the
                                             shift (target.h) */
  uint64_t hour_reject[TARGET_HOURS_MAX]; /* reject per hour bucket */
  uint32_t down_events;                /* down periods begun or ongoing */
  uint8_t monitored;                   /* the hub has known the state */
  uint64_t not_monitored_ms;           /* closed time before it knew */
  int64_t stop_start;                  /* the open stop's start, 0 none */
  fh_loss stop_loss;                   /* its category while open */
  uint64_t loss_ms[FH_LOSS__TIME];     /* closed stops' time in this shift */
  size_t nrejects;                     /* entries used in rejects[] */
  oee_reason rejects[OEE_ACC_REASONS_MAX]; /* rejects per reject_reason:
                                          .ms holds the count ("other" as
                                          for reasons) */
} oee_acc;

/* Starts accounting shift `w` for equipment that is in `state` (with
 * `reason`, may be NULL) at now_ms.  When now_ms is after the shift start,
 * the time before it is not monitored (the hub did not know it); when it is
 * before, the state counts from the shift start.  The equipment counts as
 * monitored from then on unless `state` is FH_EQ_UNKNOWN. */
void oee_acc_begin(oee_acc *a, const shift_window *w, uint32_t ideal_cycle_ms,
                   fh_eq_state state, const char *reason, int64_t now_ms);

/* A state change at ts_ms: closes the open interval at ts_ms (clamped to
 * `since` if earlier, clipped to the shift, break time excluded) and opens
 * one in `s` with `reason` (may be NULL).  An invalid `s` is taken as
 * FH_EQ_UNKNOWN. */
void oee_acc_state(oee_acc *a, fh_eq_state s, const char *reason,
                   int64_t ts_ms);

/* A stop open since `start` (may be before the shift) in category loss. */
void oee_acc_stop_open(oee_acc *a, int64_t start, fh_loss loss);
/* The open stop [start, end) closed: its time in this shift goes to loss. */
void oee_acc_stop_close(oee_acc *a, int64_t start, int64_t end, fh_loss loss);
/* A closed stop [start, end) of this shift moves from category `from` to
 * `to` (classified, or cut by a split). */
void oee_acc_stop_move(oee_acc *a, int64_t start, int64_t end, fh_loss from,
                       fh_loss to);

/* Adds counts to the shift, made at the equipment's own ideal cycle
 * (a->ideal_cycle_ms, and the constraint's own for the line figure). */
void oee_acc_count(oee_acc *a, uint64_t good, uint64_t reject);
/* Adds counts to the shift's hour bucket `hour` (target_hour_of() of the
 * shift's target_hours(); the scoreboard: oee_acc_count* add them to the
 * shift).  An index out of range is ignored. */
void oee_acc_hour_count(oee_acc *a, size_t hour, uint64_t good,
                        uint64_t reject);
/* Adds counts made during a production run: at ideal_ms per piece on this
 * equipment and line_ideal_ms per piece at the line's constraint (both the
 * product's, plant_ideal_cycle). */
void oee_acc_count_run(oee_acc *a, uint64_t good, uint64_t reject,
                       uint32_t ideal_ms, uint32_t line_ideal_ms);
/* Counts `reject` of the counted rejects under `reject_reason` (NULL or
 * "": none, they count in `reject` only) in rejects_by_reason. */
void oee_acc_reject_reason(oee_acc *a, const char *reject_reason,
                           uint64_t reject);

/* The OEE record of one equipment at now_ms, the open interval included up
 * to now_ms (or the shift end).  `id` goes to out->line.  Every field of *out
 * is written. */
void oee_acc_compute(const oee_acc *a, int64_t now_ms, const char *id,
                     fh_oee *out);

/* The line record from the sums of n equipment accumulators of the same
 * shift (shift name and window from accs[0]); n == 0 gives a zero record.
 * Every field of *out is written. */
void oee_line_compute(const oee_acc *const *accs, size_t n, int64_t now_ms,
                      const char *line_id, fh_oee *out);

/* The line record measured at its constraint: planned time, run time,
 * states, losses, A and P are those of accs[constraint]; good is
 * accs[output]'s; reject is the sum of every equipment's (scrapped
 * anywhere); Q = good / (good + reject); P = ideal_cycle(constraint) *
 * (good + reject) / run(constraint), where a piece counted during a run
 * weighs the run product's ideal cycle at the constraint
 * (oee_acc_count_run) and any other the constraint's own.  A piece is
 * counted once. */
void oee_line_constraint(const oee_acc *const *accs, size_t n,
                         size_t constraint, size_t output, int64_t now_ms,
                         const char *line_id, fh_oee *out);

/* Appends the accumulator as one msgpack map to out (oee_codec.c).  Returns
 * 0, -ERANGE when a time is negative (nothing appended), or -ENOMEM (out may
 * then hold a partial map: reset it). */
int oee_acc_encode(const oee_acc *a, fh_buf *out);

/* Reads a map written by oee_acc_encode().  Returns 0, or -EINVAL when the
 * bytes are not one well-formed accumulator map; *a is then unchanged. */
int oee_acc_decode(oee_acc *a, const uint8_t *p, size_t len);

#endif
