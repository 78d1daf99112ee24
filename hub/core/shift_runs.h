/* shift_runs.h -- the runs of a line's shift, for the closed shift's report.
 *
 * Design: each line keeps the runs of the current shift (model_shift_runs
 * in its model_line): the run active when the shift begins and every run
 * started in it, each with the line's counts inside the shift (good at the
 * output, rejects of every equipment, as the line's OEE counts them), their
 * ideal time (the product's ideal cycle at the constraint times the
 * pieces) and the constraint's run time while the run was active in the
 * shift.  The list is part of the line's run record ("runl/<line>", runs.h)
 * and so changes in the transaction of the write that changes it (run.*,
 * a count during a run, the shift's begin); a restart mid-shift continues
 * it.  At the close (shiftclock.c) the line record gets `runs` (each run
 * with its counts inside the shift, performance = ideal_ms / run_ms) and
 * `by_product` (those summed per product, and a row with product nil for
 * the pieces made without a run, at the constraint's own cycle), so the
 * rows of by_product add up to the shift's counts and run time.  Past
 * SHIFT_RUNS_MAX runs in one shift, further runs are not listed and their
 * pieces count in the nil row.
 */
#ifndef FH_HUB_SHIFT_RUNS_H
#define FH_HUB_SHIFT_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"
#include "model.h"

#define SHIFT_RUNS_REPORT_KEYS 2 /* keys shift_runs_report() appends */

/* A shift begins (or none runs): line li's list is its active run, if
 * any and in a shift. */
void shift_runs_begin(hub *h, size_t li, int64_t now);
/* Line li's active run (just started) begins in the shift. */
void shift_runs_open(hub *h, size_t li, int64_t now);
/* Line li's active run ends at now as *ended. */
void shift_runs_close(hub *h, size_t li, int64_t now, const fh_run *ended);
/* Pieces of line li's active run inside the shift, at ideal_ms each. */
void shift_runs_count(hub *h, size_t li, uint64_t good, uint64_t reject,
                      uint32_t ideal_ms);

/* The list as one msgpack array (in the run record), and back: 0, -ENOMEM /
 * -EINVAL. */
int shift_runs_encode(const model_shift_runs *sr, fh_buf *b);
int shift_runs_decode(fh_mp_cursor *c, model_shift_runs *sr);

/* Appends `runs` and `by_product` of line li's shift ending at end_ms
 * (keys and values).  0 or -ENOMEM. */
int shift_runs_report(hub *h, size_t li, int64_t end_ms, fh_buf *b);

/* The report keys (scoreboard, runs, by_product) of the stored line record
 * map at raw (len bytes), copied as they are into a malloc'ed *keys
 * (*klen bytes, *nkeys pairs; NULL, 0, 0 for a record without them), so a
 * rewrite of the record (reaccount.h) keeps them.  0, -EINVAL, -ENOMEM. */
int shift_runs_record_keys(const uint8_t *raw, size_t len, uint8_t **keys,
                           size_t *klen, uint32_t *nkeys);

#endif
