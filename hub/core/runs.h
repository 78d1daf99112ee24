/* runs.h -- production runs: which product a line is making.
 *
 * Design: a line has at most one active run (model_run in its model_line).
 * run.start begins one (ending the active one first), run.end ends it; both
 * are keyed, audited writes answered `ok {run}` once committed.  The run
 * state of a line is one record ("runl/<line>": [run or nil, last_end,
 * co_from, co_to]) and every ended run one more ("runh/<line>/<id>"), both
 * queued in the same transaction as the write that changes them: run.*,
 * and the eq.count/eq.total whose pieces land in the run, or the eq.state
 * that begins its first running period.
 *
 * While a run is active, the ideal cycle in force on each equipment of its
 * line is the product's (plant_ideal_cycle), shown in the equipment entity,
 * and each count is weighed with it in Performance (oee_acc_count_run).
 * The run's good count is the line's (at its output), its reject count the
 * rejects of every equipment of the line, as the line's OEE counts them.
 * changeover_ms is the constraint's changeover time (machine state, or a
 * stop classified in category changeover) from the previous run's end (or
 * the run's start) to the constraint's first running period in the run,
 * recomputed from the stops in memory whenever the run is sent or stored.
 *
 * A write that changes a run carries a pending_run with the line's run as
 * it was, so that a failed commit restores it (runs_undo).
 */
#ifndef FH_HUB_RUNS_H
#define FH_HUB_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"
#include "hub.h"
#include "model.h"

#define RUN_TARGET_QTY_MAX 1000000000LL /* pieces in one run's target */

/* What one write did to a line's run. */
typedef struct pending_run {
  size_t line;            /* the line index */
  model_run before;       /* its run state before the write */
  model_shift_runs sruns_before; /* its shift's runs before the write */
  uint64_t next_id_before; /* model.next_run_id before */
  fh_run reply;           /* run.*: the run answered (started or ended) */
  int ideal_changed;      /* run.*: the line's ideal cycles changed */
} pending_run;

/* Reads every line's run state and the next run id (model_load), and sets
 * the ideal cycles in force.  0 or a negative code. */
int runs_load(hub *h);
/* run.start, run.end of session s (after the idempotency check). */
void runs_handle(hub *h, session *s, const fh_request *req, const char *key);

/* Counts arriving at equipment ei: into its accumulator (when in a shift)
 * with the ideal cycle in force, and into the line's run (saved in p).
 * 0 or -ENOMEM. */
int runs_count(hub *h, pending *p, size_t ei, uint64_t good, uint64_t reject);
/* Equipment ei entered `state` at ts: the constraint's first running
 * period of a run ends its changeover.  0 or -ENOMEM. */
int runs_on_state(hub *h, pending *p, size_t ei, fh_eq_state state,
                  int64_t ts);

/* Shared by runs.c and run_state.c.  Each returns 0 or -ENOMEM. */
/* Keeps line li's run as it is now in p->run (once per write). */
int run_save(hub *h, pending *p, size_t li);
/* Queue line li's run record, an ended run, the next run id. */
int run_put_line(hub *h, size_t li);
int run_put_ended(hub *h, const fh_run *r);
int run_put_next_id(hub *h);
/* Recomputes the changeover_ms of line li's active run at now. */
void run_refresh(hub *h, size_t li, int64_t now);
/* Sets the ideal cycle in force on every equipment of line li. */
void run_apply_ideal(hub *h, size_t li);

/* The commit's side (commit.c): restore the run of a failed write, and
 * publish what a committed (or failed) write did to a run. */
void runs_undo(hub *h, pending *p);
void runs_publish(hub *h, const pending *p);
/* The line's active run (changeover refreshed) or nil, appended to b. */
int runs_encode(hub *h, size_t li, fh_buf *b);

#endif
