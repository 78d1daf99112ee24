/* shift.c -- the shift calendar (see shift.h).
 *
 * A definition is a pair of wall-clock minutes; an occurrence is that pair
 * placed on one local calendar day.  To find the shift covering a moment we
 * take the moment's local day and the day before (a shift crossing midnight
 * started yesterday), build every definition's occurrence on both days with
 * mktime(tm_isdst = -1), and keep the one containing the moment.  Because the
 * absolute end is computed from the wall-clock end on its own day, a night
 * shift 22:00-06:00 lasts 7 h or 9 h on the nights DST starts or ends.
 *
 * Validation works in minutes on a 1440-minute circle: two intervals
 * [s, s+len) overlap when either one starts inside the other.
 */
#include "shift.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define DAY_MIN 1440

/* The local calendar day (and time) of t_ms in the process's TZ. */
static void local_day(int64_t t_ms, struct tm *day) {
  time_t secs = (time_t)(t_ms / 1000 - (t_ms % 1000 < 0));
  localtime_r(&secs, day);
}

/* Absolute ms of wall-clock `minute` on local day `day` + `offset` days. */
static int64_t local_ms(const struct tm *day, int offset, unsigned minute) {
  struct tm tm = {0};
  tm.tm_year = day->tm_year;
  tm.tm_mon = day->tm_mon;
  tm.tm_mday = day->tm_mday + offset;
  tm.tm_hour = (int)(minute / 60);
  tm.tm_min = (int)(minute % 60);
  tm.tm_isdst = -1;
  return (int64_t)mktime(&tm) * 1000;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* The occurrence of `def` that starts on local day `day` + `offset`.  A
 * break that starts before the shift's start minute lies on the next day; a
 * break is clamped into its shift. */
static void occurrence(const shift_def *def, const struct tm *day, int offset,
                       shift_window *w) {
  w->def = def;
  w->start_ms = local_ms(day, offset, def->start_min);
  w->end_ms = local_ms(day, offset + (def->end_min <= def->start_min),
                       def->end_min);
  w->nbreaks = 0;
  for (size_t i = 0; i < def->nbreaks && i < SHIFT_BREAKS_MAX; i++) {
    const shift_break *b = &def->breaks[i];
    int bday = offset + (b->start_min < def->start_min);
    int64_t bs = local_ms(day, bday, b->start_min);
    int64_t be = local_ms(day, bday + (b->end_min <= b->start_min), b->end_min);
    w->break_start_ms[w->nbreaks] = clamp(bs, w->start_ms, w->end_ms);
    w->break_end_ms[w->nbreaks] = clamp(be, w->start_ms, w->end_ms);
    w->nbreaks++;
  }
}

int shift_window_at(const shift_def *defs, size_t n, int64_t t_ms,
                    shift_window *out) {
  struct tm day;
  shift_window w = {0}; /* unused break slots stay defined */

  local_day(t_ms, &day);
  for (size_t i = 0; i < n; i++) {
    for (int offset = -1; offset <= 0; offset++) {
      occurrence(&defs[i], &day, offset, &w);
      if (w.start_ms <= t_ms && t_ms < w.end_ms) {
        *out = w;
        return 0;
      }
    }
  }
  return -ENOENT;
}

int shift_next(const shift_def *defs, size_t n, int64_t t_ms,
               shift_window *out) {
  struct tm day;
  shift_window w = {0}, best = {0};
  int found = 0;

  local_day(t_ms, &day);
  for (size_t i = 0; i < n; i++) {
    for (int offset = 0; offset <= 1; offset++) {
      occurrence(&defs[i], &day, offset, &w);
      if (w.start_ms > t_ms && (!found || w.start_ms < best.start_ms)) {
        best = w;
        found = 1;
      }
    }
  }
  if (!found) return -ENOENT;
  *out = best;
  return 0;
}

int64_t shift_break_ms(const shift_window *w, int64_t from_ms, int64_t to_ms) {
  int64_t total = 0;

  for (size_t i = 0; i < w->nbreaks; i++) {
    int64_t lo = from_ms > w->break_start_ms[i] ? from_ms : w->break_start_ms[i];
    int64_t hi = to_ms < w->break_end_ms[i] ? to_ms : w->break_end_ms[i];
    if (hi > lo) total += hi - lo;
  }
  return total;
}

/* ------------------------------------------------------------ validation */

/* Minutes going forward on the clock from `from` to `to`, 0..1439. */
static unsigned span(unsigned from, unsigned to) {
  return (to + DAY_MIN - from) % DAY_MIN;
}

/* Length of a shift in minutes; end == start is a 24 h shift. */
static unsigned shift_len(const shift_def *d) {
  unsigned len = span(d->start_min, d->end_min);
  return len ? len : DAY_MIN;
}

/* 1 if [s1, s1+len1) and [s2, s2+len2) overlap on the clock circle. */
static int overlaps(unsigned s1, unsigned len1, unsigned s2, unsigned len2) {
  return span(s1, s2) < len1 || span(s2, s1) < len2;
}

__attribute__((format(printf, 3, 4)))
static int invalid(char *why, size_t len, const char *fmt, ...) {
  va_list ap;

  if (why && len) {
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
  }
  return -EINVAL;
}

/* Checks break k of shift d against the shift and the breaks before it. */
static int break_check(const shift_def *d, size_t k, char *why, size_t len) {
  const shift_break *b = &d->breaks[k];
  unsigned blen;

  if (b->start_min >= DAY_MIN || b->end_min >= DAY_MIN)
    return invalid(why, len, "shift %.128s: break %zu: minutes must be below %d",
                   d->name, k + 1, DAY_MIN);
  blen = span(b->start_min, b->end_min);
  if (blen == 0)
    return invalid(why, len, "shift %.128s: break %zu is empty", d->name, k + 1);
  if (span(d->start_min, b->start_min) + blen > shift_len(d))
    return invalid(why, len, "shift %.128s: break %zu is outside the shift",
                   d->name, k + 1);
  for (size_t j = 0; j < k; j++) {
    const shift_break *o = &d->breaks[j];
    if (overlaps(b->start_min, blen, o->start_min,
                 span(o->start_min, o->end_min)))
      return invalid(why, len, "shift %.128s: breaks %zu and %zu overlap",
                     d->name, j + 1, k + 1);
  }
  return 0;
}

/* Checks one definition on its own. */
static int def_check(const shift_def *d, char *why, size_t len) {
  int rc;

  if (d->name[0] == '\0') return invalid(why, len, "a shift has no name");
  if (d->start_min >= DAY_MIN || d->end_min >= DAY_MIN)
    return invalid(why, len, "shift %.128s: minutes must be below %d", d->name,
                   DAY_MIN);
  if (d->nbreaks > SHIFT_BREAKS_MAX)
    return invalid(why, len, "shift %.128s: %zu breaks, at most %d", d->name,
                   d->nbreaks, SHIFT_BREAKS_MAX);
  for (size_t k = 0; k < d->nbreaks; k++)
    if ((rc = break_check(d, k, why, len)) < 0) return rc;
  return 0;
}

int shift_defs_check(const shift_def *defs, size_t n, char *why, size_t len) {
  int rc;

  if (n > SHIFTS_MAX)
    return invalid(why, len, "%zu shifts, at most %d", n, SHIFTS_MAX);
  for (size_t i = 0; i < n; i++) {
    if ((rc = def_check(&defs[i], why, len)) < 0) return rc;
    for (size_t j = 0; j < i; j++)
      if (overlaps(defs[i].start_min, shift_len(&defs[i]), defs[j].start_min,
                   shift_len(&defs[j])))
        return invalid(why, len, "shift %.128s overlaps shift %.128s",
                       defs[i].name, defs[j].name);
  }
  return 0;
}
