/* target.c -- targets and hour buckets of a shift (see target.h). */
#include "target.h"

#include <time.h>

uint64_t target_sched_ms(const shift_window *w, int64_t from, int64_t to) {
  if (from < w->start_ms) from = w->start_ms;
  if (to > w->end_ms) to = w->end_ms;
  if (to <= from) return 0;
  return (uint64_t)(to - from - shift_break_ms(w, from, to));
}

uint64_t target_ideal(const shift_window *w, uint32_t cycle_ms) {
  if (cycle_ms == 0) return 0;
  return target_sched_ms(w, w->start_ms, w->end_ms) / cycle_ms;
}

uint64_t target_share(uint64_t target, const shift_window *w, int64_t from,
                      int64_t to) {
  uint64_t all = target_sched_ms(w, w->start_ms, w->end_ms);
  uint64_t part = target_sched_ms(w, from, to);
  if (all == 0) return 0;
  if (target > TARGET_QTY_MAX) target = TARGET_QTY_MAX;
  /* target <= 10^9 and part <= 86400000: the product fits 64 bits */
  return target * part / all;
}

/* The start of the local hour after t (ms). */
static int64_t next_hour(int64_t t_ms) {
  time_t t = (time_t)(t_ms / 1000);
  struct tm tm;
  int64_t into;
  if (localtime_r(&t, &tm) == NULL) return t_ms + 3600000;
  into = ((int64_t)tm.tm_min * 60 + tm.tm_sec) * 1000 + t_ms % 1000;
  return t_ms - into + 3600000;
}

size_t target_hours(const shift_window *w, int64_t *starts, size_t cap) {
  size_t n = 0;
  for (int64_t t = w->start_ms; t < w->end_ms && n < cap; t = next_hour(t))
    starts[n++] = t;
  return n;
}

size_t target_hour_of(const int64_t *starts, size_t n, int64_t t) {
  size_t i = 0;
  while (i + 1 < n && starts[i + 1] <= t) i++;
  return i;
}
