/* shift.h -- the shift calendar: which shift a moment belongs to.
 *
 * Shifts are defined in local wall-clock minutes of the plant's time zone
 * (the hub sets TZ from the plant file and calls tzset() at start).  A shift
 * whose end is not after its start crosses midnight.  Breaks are wall-clock
 * intervals inside their shift.  shift_window_at() turns the definitions into
 * absolute times (ms since the epoch) for the shift that covers a moment,
 * using mktime() so DST changes are honoured.
 */
#ifndef FH_HUB_SHIFT_H
#define FH_HUB_SHIFT_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

#define SHIFT_BREAKS_MAX 8
#define SHIFTS_MAX 8

typedef struct shift_break {
  uint16_t start_min; /* minutes after local midnight, 0..1439 */
  uint16_t end_min;   /* minutes after local midnight, 0..1439 */
} shift_break;

typedef struct shift_def {
  char name[FH_NAME_MAX + 1];             /* "early", "late", "night" */
  uint16_t start_min;                     /* minutes after local midnight */
  uint16_t end_min;                       /* <= start_min: crosses midnight */
  size_t nbreaks;                         /* entries used in breaks[] */
  shift_break breaks[SHIFT_BREAKS_MAX];   /* planned breaks */
} shift_def;

/* One concrete occurrence of a shift, in absolute time. */
typedef struct shift_window {
  const shift_def *def;                   /* the definition it came from */
  int64_t start_ms;                       /* shift start */
  int64_t end_ms;                         /* shift end (exclusive) */
  size_t nbreaks;                         /* entries used below */
  int64_t break_start_ms[SHIFT_BREAKS_MAX];
  int64_t break_end_ms[SHIFT_BREAKS_MAX];
} shift_window;

/* The occurrence of the shift that covers t_ms (start <= t < end), with its
 * breaks in absolute time.  A moment exactly on a boundary belongs to the
 * shift that starts there.  Returns 0, or -ENOENT when no shift covers t
 * (*out is then unchanged).  Overlapping definitions (which
 * shift_defs_check() rejects) give the first match in defs[]. */
int shift_window_at(const shift_def *defs, size_t n, int64_t t_ms,
                    shift_window *out);

/* The first occurrence of any shift that starts strictly after t_ms: the
 * moment the hub's end-of-shift timer waits for while in a gap.  Returns 0,
 * or -ENOENT when n is 0. */
int shift_next(const shift_def *defs, size_t n, int64_t t_ms,
               shift_window *out);

/* Milliseconds of [from_ms, to_ms) that fall into the window's breaks; 0 when
 * to_ms <= from_ms. */
int64_t shift_break_ms(const shift_window *w, int64_t from_ms, int64_t to_ms);

/* Checks definitions for the plant loader: minutes below 1440, a non-empty
 * name, at most SHIFTS_MAX shifts and SHIFT_BREAKS_MAX breaks, no two shifts
 * overlapping, every break non-empty, inside its shift and not overlapping
 * another break of it.  Returns 0, or -EINVAL with the first problem written
 * to why (len bytes, may be NULL/0), e.g. "shift late overlaps shift early". */
int shift_defs_check(const shift_def *defs, size_t n, char *why, size_t len);

#endif
