/* target.h -- the shift's target and the hourly scoreboard: pure rules.
 *
 * Design: a line's target for a shift is either planned (plan.set) or the
 * "ideal pace": the shift's scheduled time (its length minus its breaks)
 * divided by the ideal cycle of the constraint for the product running now
 * (the constraint's own cycle without a run), whole pieces.  What the line
 * should have made by now is the target's share of the scheduled time that
 * has elapsed (breaks excluded, so a break puts no one behind; planned
 * stops and time not monitored change nothing).  The scoreboard has one
 * bucket per clock hour of the shift: the first begins at the shift start,
 * the others on the local hour (localtime, so a DST change gives the hours
 * the clock shows), and each bucket's target is the target's share of the
 * bucket's scheduled time.  Shares are whole pieces, rounded down.
 */
#ifndef FH_HUB_TARGET_H
#define FH_HUB_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "shift.h"

#define TARGET_QTY_MAX 1000000000ULL /* pieces in one plan */
#define TARGET_HOURS_MAX 27          /* buckets of a 24 h shift (+ DST) */

/* Scheduled ms of [from, to) in the shift: clipped, breaks excluded. */
uint64_t target_sched_ms(const shift_window *w, int64_t from, int64_t to);

/* The ideal pace of the whole shift at cycle_ms per piece (0 when
 * cycle_ms is 0). */
uint64_t target_ideal(const shift_window *w, uint32_t cycle_ms);

/* target's share of the scheduled time of [from, to) (whole pieces). */
uint64_t target_share(uint64_t target, const shift_window *w, int64_t from,
                      int64_t to);

/* The starts of the shift's hour buckets into starts[] (at most cap), the
 * first the shift start; returns how many. */
size_t target_hours(const shift_window *w, int64_t *starts, size_t cap);

/* Index of the bucket holding t (0 before the second bucket; the last at
 * or after the last start). */
size_t target_hour_of(const int64_t *starts, size_t n, int64_t t);

#endif
