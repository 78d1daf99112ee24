/* totals.h -- absolute machine counters (eq.total) into count increments.
 *
 * Design: PLCs count pieces in a register that only grows, restarts at 0
 * when the machine is reset, and (PackML) wraps after a fixed value.  The
 * hub keeps each equipment's last totals and turns every new total into
 * the increment since the last one, so a repeated or resent total adds
 * nothing and no piece is counted twice:
 *   - the first total ever seen sets the base and adds 0;
 *   - the same value adds 0; a higher value adds the difference;
 *   - a lower value is a wrap when a rollover R is given and the last value
 *     was above R/2 (adds R - last + 1 + new), else a counter reset (the
 *     counter restarted from 0: adds the new value; 105 -> 3 adds 3).
 */
#ifndef FH_HUB_TOTALS_H
#define FH_HUB_TOTALS_H

#include <stdint.h>

/* An equipment's last counter totals. */
typedef struct counter_totals {
  uint64_t good;       /* the last good_total */
  uint64_t reject;     /* the last reject_total */
  uint8_t known;       /* a total was seen: the values above are the base */
} counter_totals;

/* How one counter moved. */
typedef enum counter_step {
  COUNTER_BASE = 0,    /* the first value: the base, adds 0 */
  COUNTER_UP,          /* same or higher: adds the difference */
  COUNTER_WRAP,        /* rolled over at the rollover value */
  COUNTER_RESET        /* lower without a wrap: restarted from 0 */
} counter_step;

/* The increment from `last` (known: a base exists) to `now` with rollover
 * (0: none) into *inc; returns how the counter moved. */
counter_step counter_advance(uint64_t last, int known, uint64_t now,
                             uint64_t rollover, uint64_t *inc);

#endif
