/* history.c -- periods of the local calendar and the sums of a history row
 * (see history.h).
 *
 * Period bounds come from mktime() on the local broken-down time with
 * tm_isdst = -1, so midnight is found again after a DST change and a day
 * has the 23 or 25 hours it really had.  Weeks are counted back from the
 * shift's local weekday to Monday (tm_wday 1).
 */
#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int hist_group_parse(const char *s, size_t n) {
  static const char *const names[HIST__COUNT] = {"shift", "day", "week", "month"};
  for (int g = 0; g < HIST__COUNT; g++)
    if (strlen(names[g]) == n && memcmp(names[g], s, n) == 0) return g;
  return -1;
}

/* Local midnight of the day holding t, moved by days and months. */
static int local_midnight(int64_t t_ms, int add_days, int add_months, int to_first,
                          int64_t *out) {
  time_t t = (time_t)(t_ms >= 0 ? t_ms / 1000 : (t_ms - 999) / 1000);
  struct tm tm;
  if (localtime_r(&t, &tm) == NULL) return -EINVAL;
  if (to_first) tm.tm_mday = 1;
  tm.tm_mday += add_days;
  tm.tm_mon += add_months;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  time_t m = mktime(&tm);
  if (m == (time_t)-1) return -EINVAL;
  *out = (int64_t)m * 1000;
  return 0;
}

/* Local weekday of t: 0 Monday .. 6 Sunday. */
static int iso_weekday(int64_t t_ms) {
  time_t t = (time_t)(t_ms / 1000);
  struct tm tm;
  if (localtime_r(&t, &tm) == NULL) return 0;
  return (tm.tm_wday + 6) % 7;
}

int hist_period(hist_group g, int64_t shift_start, int64_t shift_end,
                int64_t *start, int64_t *end) {
  int back;
  switch (g) {
    case HIST_SHIFT:
      *start = shift_start;
      *end = shift_end;
      return 0;
    case HIST_DAY:
      if (local_midnight(shift_start, 0, 0, 0, start)) return -EINVAL;
      return local_midnight(shift_start, 1, 0, 0, end);
    case HIST_WEEK:
      back = iso_weekday(shift_start);
      if (local_midnight(shift_start, -back, 0, 0, start)) return -EINVAL;
      return local_midnight(shift_start, 7 - back, 0, 0, end);
    case HIST_MONTH:
      if (local_midnight(shift_start, 0, 0, 1, start)) return -EINVAL;
      return local_midnight(shift_start, 0, 1, 1, end);
    default:
      return -EINVAL;
  }
}

static int64_t start_of(const void *rows, size_t size, size_t i) {
  int64_t v;
  memcpy(&v, (const uint8_t *)rows + i * size, sizeof v);
  return v;
}

void *hist_slot(void *rowsp, size_t *n, size_t *cap, size_t size, int64_t start) {
  size_t lo = 0, hi = *n;
  uint8_t *at;
  void *rows;
  memcpy(&rows, rowsp, sizeof rows); /* the caller's typed pointer */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (start_of(rows, size, mid) < start) lo = mid + 1;
    else hi = mid;
  }
  if (lo < *n && start_of(rows, size, lo) == start) return (uint8_t *)rows + lo * size;
  if (*n == *cap) {
    size_t ncap = *cap ? 2 * *cap : 32;
    void *grown = realloc(rows, ncap * size);
    if (grown == NULL) return NULL;
    rows = grown;
    memcpy(rowsp, &rows, sizeof rows);
    *cap = ncap;
  }
  at = (uint8_t *)rows + lo * size;
  memmove(at + size, at, (*n - lo) * size);
  (*n)++;
  memset(at, 0, size);
  memcpy(at, &start, sizeof start);
  return at;
}

void hist_add(hist_acc *a, const fh_oee *rec, int open) {
  a->planned_ms += rec->planned_ms;
  a->run_ms += rec->run_ms;
  a->not_monitored_ms += rec->not_monitored_ms;
  a->good += rec->good;
  a->reject += rec->reject;
  a->ideal_ms += rec->performance * (double)rec->run_ms;
  a->shifts++;
  if (open) a->open = 1;
}

static double ratio(double num, double den) { return den > 0 ? num / den : 0; }

void hist_figures(const hist_acc *a, double *availability, double *performance,
                  double *quality, double *oee) {
  double p = ratio(a->ideal_ms, (double)a->run_ms);
  *availability = ratio((double)a->run_ms, (double)a->planned_ms);
  *performance = p;
  *quality = ratio((double)a->good, (double)a->good + (double)a->reject);
  *oee = *availability * (p < 1 ? p : 1) * *quality;
}

/* ------------------------------------------------------- record keys */

size_t hist_record_prefix(hist_owner owner, const char *id, uint8_t *prefix) {
  static const char *const kinds[] = {"rec", "eqr", "smp", "acc", "hov"};
  int n = snprintf((char *)prefix, HIST_KEY_MAX, "%s/%s/", kinds[owner], id);
  return n < 0 || (size_t)n + 8 > HIST_KEY_MAX ? 0 : (size_t)n;
}

size_t hist_record_key(hist_owner owner, const char *id, int64_t start, uint8_t *key) {
  size_t n = hist_record_prefix(owner, id, key);
  if (n == 0) return 0;
  for (int i = 0; i < 8; i++) key[n + (size_t)i] = (uint8_t)((uint64_t)start >> (56 - 8 * i));
  return n + 8;
}

int64_t hist_key_start(const uint8_t *key, size_t klen) {
  uint64_t v = 0;
  if (klen < 8) return 0;
  for (size_t i = klen - 8; i < klen; i++) v = v << 8 | key[i];
  return (int64_t)v;
}
