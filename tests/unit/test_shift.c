/* test_shift.c -- the shift calendar: windows, gaps, breaks, DST, checks.
 *
 * Times are built from hand-checked epoch values: D0 = 2024-01-15 00:00 UTC
 * = 1705276800 s.  The DST cases use Europe/Berlin, where 2024-03-31 02:00
 * CET jumps to 03:00 CEST and 2024-10-27 03:00 CEST falls back to 02:00 CET.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fh_test.h"
#include "shift.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define D0 (1705276800LL * 1000) /* 2024-01-15 00:00 UTC */

static void use_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

static shift_def shift(const char *name, int start_h, int start_m, int end_h,
                       int end_m) {
  shift_def d;
  memset(&d, 0, sizeof d);
  snprintf(d.name, sizeof d.name, "%s", name);
  d.start_min = (uint16_t)(start_h * 60 + start_m);
  d.end_min = (uint16_t)(end_h * 60 + end_m);
  return d;
}

static void add_break(shift_def *d, int start_h, int start_m, int end_h,
                      int end_m) {
  d->breaks[d->nbreaks].start_min = (uint16_t)(start_h * 60 + start_m);
  d->breaks[d->nbreaks].end_min = (uint16_t)(end_h * 60 + end_m);
  d->nbreaks++;
}

/* early 06-14 (break 10:00-10:30), late 14-22 (18:00-18:30),
 * night 22-06 (02:00-02:30). */
static void three_shifts(shift_def d[3]) {
  d[0] = shift("early", 6, 0, 14, 0);
  add_break(&d[0], 10, 0, 10, 30);
  d[1] = shift("late", 14, 0, 22, 0);
  add_break(&d[1], 18, 0, 18, 30);
  d[2] = shift("night", 22, 0, 6, 0);
  add_break(&d[2], 2, 0, 2, 30);
}

FH_TEST(window_day_shift) {
  shift_def d[3];
  shift_window w;
  use_tz("UTC");
  three_shifts(d);
  ASSERT_EQ(shift_window_at(d, 3, D0 + 12 * HOUR, &w), 0);
  ASSERT(w.def == &d[0]);
  ASSERT_EQ(w.start_ms, D0 + 6 * HOUR);
  ASSERT_EQ(w.end_ms, D0 + 14 * HOUR);
  ASSERT_EQ(w.nbreaks, 1);
  ASSERT_EQ(w.break_start_ms[0], D0 + 10 * HOUR);
  ASSERT_EQ(w.break_end_ms[0], D0 + 10 * HOUR + 30 * MIN);
}

FH_TEST(window_boundary_belongs_to_new_shift) {
  shift_def d[3];
  shift_window w;
  use_tz("UTC");
  three_shifts(d);
  ASSERT_EQ(shift_window_at(d, 3, D0 + 14 * HOUR, &w), 0);
  ASSERT(w.def == &d[1]);
  ASSERT_EQ(w.start_ms, D0 + 14 * HOUR);
  ASSERT_EQ(shift_window_at(d, 3, D0 + 14 * HOUR - 1, &w), 0);
  ASSERT(w.def == &d[0]);
  ASSERT_EQ(w.end_ms, D0 + 14 * HOUR);
}

FH_TEST(window_night_crosses_midnight) {
  shift_def d[3];
  shift_window w;
  use_tz("UTC");
  three_shifts(d);
  /* 2024-01-16 03:00 is in the night shift that began 01-15 22:00 */
  ASSERT_EQ(shift_window_at(d, 3, D0 + 27 * HOUR, &w), 0);
  ASSERT(w.def == &d[2]);
  ASSERT_EQ(w.start_ms, D0 + 22 * HOUR);
  ASSERT_EQ(w.end_ms, D0 + 30 * HOUR);
  ASSERT_EQ(w.break_start_ms[0], D0 + 26 * HOUR); /* 01-16 02:00 */
  ASSERT_EQ(w.break_end_ms[0], D0 + 26 * HOUR + 30 * MIN);
  /* 01-15 23:00: the same occurrence */
  ASSERT_EQ(shift_window_at(d, 3, D0 + 23 * HOUR, &w), 0);
  ASSERT_EQ(w.start_ms, D0 + 22 * HOUR);
  ASSERT_EQ(w.end_ms, D0 + 30 * HOUR);
}

FH_TEST(window_ends_at_midnight) {
  shift_def d = shift("late", 16, 0, 0, 0);
  shift_window w;
  use_tz("UTC");
  ASSERT_EQ(shift_window_at(&d, 1, D0 + 24 * HOUR - 1, &w), 0);
  ASSERT_EQ(w.start_ms, D0 + 16 * HOUR);
  ASSERT_EQ(w.end_ms, D0 + 24 * HOUR);
  /* midnight itself is outside; *out stays as it was */
  memset(&w, 0x5a, sizeof w);
  ASSERT_EQ(shift_window_at(&d, 1, D0 + 24 * HOUR, &w), -ENOENT);
  ASSERT_EQ(w.start_ms, 0x5a5a5a5a5a5a5a5aLL);
}

FH_TEST(break_across_midnight) {
  shift_def d = shift("night", 22, 0, 6, 0);
  shift_window w;
  use_tz("UTC");
  add_break(&d, 23, 30, 0, 15);
  add_break(&d, 3, 0, 3, 15);
  ASSERT_EQ(shift_window_at(&d, 1, D0 + 28 * HOUR, &w), 0);
  ASSERT_EQ(w.nbreaks, 2);
  ASSERT_EQ(w.break_start_ms[0], D0 + 23 * HOUR + 30 * MIN);
  ASSERT_EQ(w.break_end_ms[0], D0 + 24 * HOUR + 15 * MIN);
  ASSERT_EQ(w.break_start_ms[1], D0 + 27 * HOUR);
  ASSERT_EQ(w.break_end_ms[1], D0 + 27 * HOUR + 15 * MIN);
  /* both breaks: 45 + 15 min */
  ASSERT_EQ(shift_break_ms(&w, w.start_ms, w.end_ms), 60 * MIN);
}

FH_TEST(gap_and_next_start) {
  shift_def d[3];
  shift_window w;
  use_tz("UTC");
  three_shifts(d);
  /* early only: 15:00 is in a gap, the next start is tomorrow 06:00 */
  ASSERT_EQ(shift_window_at(d, 1, D0 + 15 * HOUR, &w), -ENOENT);
  ASSERT_EQ(shift_next(d, 1, D0 + 15 * HOUR, &w), 0);
  ASSERT_EQ(w.start_ms, D0 + 30 * HOUR);
  ASSERT_EQ(w.end_ms, D0 + 38 * HOUR);
  ASSERT_EQ(shift_next(d, 1, D0 + 5 * HOUR, &w), 0);
  ASSERT_EQ(w.start_ms, D0 + 6 * HOUR);
  /* strictly after: at 06:00 the next start is tomorrow's */
  ASSERT_EQ(shift_next(d, 1, D0 + 6 * HOUR, &w), 0);
  ASSERT_EQ(w.start_ms, D0 + 30 * HOUR);
  /* all three: from 12:00 the next is late at 14:00 */
  ASSERT_EQ(shift_next(d, 3, D0 + 12 * HOUR, &w), 0);
  ASSERT(w.def == &d[1]);
  ASSERT_EQ(w.start_ms, D0 + 14 * HOUR);
  ASSERT_EQ(shift_next(d, 0, D0, &w), -ENOENT);
}

FH_TEST(break_ms_overlap) {
  shift_def d[3];
  shift_window w;
  use_tz("UTC");
  three_shifts(d);
  ASSERT_EQ(shift_window_at(d, 3, D0 + 7 * HOUR, &w), 0);
  /* break 10:00-10:30 */
  ASSERT_EQ(shift_break_ms(&w, D0 + 9 * HOUR, D0 + 11 * HOUR), 30 * MIN);
  ASSERT_EQ(shift_break_ms(&w, D0 + 10 * HOUR + 15 * MIN, D0 + 12 * HOUR),
            15 * MIN);
  ASSERT_EQ(shift_break_ms(&w, D0 + 10 * HOUR + 10 * MIN,
                           D0 + 10 * HOUR + 20 * MIN),
            10 * MIN);
  ASSERT_EQ(shift_break_ms(&w, D0 + 11 * HOUR, D0 + 12 * HOUR), 0);
  ASSERT_EQ(shift_break_ms(&w, D0 + 11 * HOUR, D0 + 9 * HOUR), 0);
  ASSERT_EQ(shift_break_ms(&w, D0 + 9 * HOUR, D0 + 10 * HOUR), 0);
}

FH_TEST(whole_day_shift) {
  shift_def d = shift("all", 6, 0, 6, 0);
  shift_window w;
  use_tz("UTC");
  ASSERT_EQ(shift_window_at(&d, 1, D0 + 5 * HOUR, &w), 0);
  ASSERT_EQ(w.start_ms, D0 - 18 * HOUR);
  ASSERT_EQ(w.end_ms, D0 + 6 * HOUR);
}

FH_TEST(dst_spring_night_is_7h) {
  shift_def d = shift("night", 22, 0, 6, 0);
  shift_window w;
  use_tz("Europe/Berlin");
  add_break(&d, 4, 0, 4, 30);
  /* 2024-03-31 01:00 CET = 1711843200 s */
  ASSERT_EQ(shift_window_at(&d, 1, 1711843200LL * 1000, &w), 0);
  ASSERT_EQ(w.start_ms, 1711832400LL * 1000); /* 03-30 22:00 CET = 21:00Z */
  ASSERT_EQ(w.end_ms, 1711857600LL * 1000);   /* 03-31 06:00 CEST = 04:00Z */
  ASSERT_EQ(w.end_ms - w.start_ms, 7 * HOUR);
  ASSERT_EQ(w.break_start_ms[0], 1711850400LL * 1000); /* 04:00 CEST */
  ASSERT_EQ(w.break_end_ms[0] - w.break_start_ms[0], 30 * MIN);
}

FH_TEST(dst_autumn_night_is_9h) {
  shift_def d = shift("night", 22, 0, 6, 0);
  shift_window w;
  use_tz("Europe/Berlin");
  /* 2024-10-27 04:00 CET = 1729998000 s */
  ASSERT_EQ(shift_window_at(&d, 1, 1729998000LL * 1000, &w), 0);
  ASSERT_EQ(w.start_ms, 1729972800LL * 1000); /* 10-26 22:00 CEST = 20:00Z */
  ASSERT_EQ(w.end_ms, 1730005200LL * 1000);   /* 10-27 06:00 CET = 05:00Z */
  ASSERT_EQ(w.end_ms - w.start_ms, 9 * HOUR);
  /* the night before is an ordinary 8 h */
  ASSERT_EQ(shift_window_at(&d, 1, (1729972800LL - 86400) * 1000 + HOUR, &w),
            0);
  ASSERT_EQ(w.end_ms - w.start_ms, 8 * HOUR);
}

FH_TEST(check_accepts_valid_plan) {
  shift_def d[3];
  char why[128] = "";
  three_shifts(d);
  add_break(&d[2], 23, 30, 0, 15); /* crosses midnight, inside the night */
  add_break(&d[2], 5, 45, 6, 0);   /* ends with the shift */
  ASSERT_EQ(shift_defs_check(d, 3, why, sizeof why), 0);
  ASSERT_STR_EQ(why, "");
}

FH_TEST(check_rejects_overlapping_shifts) {
  shift_def d[3];
  char why[128];
  three_shifts(d);
  d[1].start_min = 13 * 60; /* late from 13:00 overlaps early */
  ASSERT_EQ(shift_defs_check(d, 3, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift late overlaps shift early");
  three_shifts(d);
  d[0].start_min = 5 * 60; /* early from 05:00 overlaps the night's end */
  ASSERT_EQ(shift_defs_check(d, 3, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift night overlaps shift early");
  /* a 24 h shift overlaps any other */
  d[0] = shift("all", 6, 0, 6, 0);
  d[1] = shift("x", 1, 0, 2, 0);
  ASSERT_EQ(shift_defs_check(d, 2, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift x overlaps shift all");
  ASSERT_EQ(shift_defs_check(d, 1, why, sizeof why), 0);
}

FH_TEST(check_rejects_bad_breaks) {
  shift_def d = shift("early", 6, 0, 14, 0);
  char why[128];
  add_break(&d, 13, 45, 14, 15);
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift early: break 1 is outside the shift");
  d.nbreaks = 0;
  add_break(&d, 5, 0, 5, 30);
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift early: break 1 is outside the shift");
  d.nbreaks = 0;
  add_break(&d, 10, 0, 10, 30);
  add_break(&d, 10, 15, 10, 45);
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift early: breaks 1 and 2 overlap");
  d.nbreaks = 0;
  add_break(&d, 10, 0, 10, 0);
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift early: break 1 is empty");
  d.nbreaks = 0;
  add_break(&d, 10, 0, 10, 30);
  add_break(&d, 10, 30, 11, 0); /* touching is fine */
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), 0);
}

FH_TEST(check_rejects_bad_minutes_and_names) {
  shift_def d = shift("early", 6, 0, 14, 0);
  char why[128];
  d.end_min = 1440;
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "shift early: minutes must be below 1440");
  d = shift("", 6, 0, 14, 0);
  ASSERT_EQ(shift_defs_check(&d, 1, why, sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "a shift has no name");
  /* why may be NULL */
  ASSERT_EQ(shift_defs_check(&d, 1, NULL, 0), -EINVAL);
}

FH_TEST_MAIN(FH_TEST_ENTRY(window_day_shift),
             FH_TEST_ENTRY(window_boundary_belongs_to_new_shift),
             FH_TEST_ENTRY(window_night_crosses_midnight),
             FH_TEST_ENTRY(window_ends_at_midnight),
             FH_TEST_ENTRY(break_across_midnight),
             FH_TEST_ENTRY(gap_and_next_start),
             FH_TEST_ENTRY(break_ms_overlap),
             FH_TEST_ENTRY(whole_day_shift),
             FH_TEST_ENTRY(dst_spring_night_is_7h),
             FH_TEST_ENTRY(dst_autumn_night_is_9h),
             FH_TEST_ENTRY(check_accepts_valid_plan),
             FH_TEST_ENTRY(check_rejects_overlapping_shifts),
             FH_TEST_ENTRY(check_rejects_bad_breaks),
             FH_TEST_ENTRY(check_rejects_bad_minutes_and_names))
