/* test_target.c -- shift targets and hour buckets (hub/rules/target.c)
 * against hand-computed values.
 *
 * TZ=UTC unless a test says otherwise; shift "early" 2024-01-15
 * 06:00-14:00 with a break 10:00-10:30: 450 min scheduled.  T(h, m) is
 * that day's wall-clock time in ms.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fh_test.h"
#include "target.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define D0 (1705276800LL * 1000) /* 2024-01-15 00:00 UTC */
#define T(h, m) (D0 + (h) * HOUR + (m) * MIN)

static shift_def def;

static shift_window early(void) {
  shift_window w;
  setenv("TZ", "UTC", 1);
  tzset();
  memset(&def, 0, sizeof def);
  snprintf(def.name, sizeof def.name, "early");
  def.start_min = 6 * 60;
  def.end_min = 14 * 60;
  def.nbreaks = 1;
  def.breaks[0].start_min = 10 * 60;
  def.breaks[0].end_min = 10 * 60 + 30;
  ASSERT_EQ(shift_window_at(&def, 1, T(7, 0), &w), 0);
  return w;
}

/* Ideal pace: 27000 s scheduled / 30 s = 900; / 7 s = 3857 (rounded
 * down).  Target so far with a plan of 900: 06:00-10:15 is 240 min
 * scheduled (the break's first 15 min count not) -> 480, the same at
 * 10:30; 12:00 is 330 min -> 660; the end and after it: 900. */
FH_TEST(ideal_pace_and_expected_across_a_break) {
  shift_window w = early();

  ASSERT_UINT_EQ(target_sched_ms(&w, w.start_ms, w.end_ms), 450 * MIN);
  ASSERT_UINT_EQ(target_ideal(&w, 30000), 900);
  ASSERT_UINT_EQ(target_ideal(&w, 7000), 3857);
  ASSERT_UINT_EQ(target_ideal(&w, 0), 0);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(6, 0)), 0);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(10, 0)), 480);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(10, 15)), 480);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(10, 30)), 480);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(12, 0)), 660);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(14, 0)), 900);
  ASSERT_UINT_EQ(target_share(900, &w, w.start_ms, T(16, 0)), 900);
  ASSERT_UINT_EQ(target_share(1000000000, &w, w.start_ms, T(14, 0)),
                 1000000000);
}

/* Eight buckets 06..13; the 10:00 one has 30 min scheduled: 900 * 30 /
 * 450 = 60, the others 120 each; together the whole target. */
FH_TEST(hour_buckets_across_a_break) {
  shift_window w = early();
  int64_t starts[TARGET_HOURS_MAX];
  size_t n = target_hours(&w, starts, TARGET_HOURS_MAX);
  uint64_t sum = 0;

  ASSERT_EQ(n, 8);
  for (size_t i = 0; i < n; i++) {
    int64_t end = i + 1 < n ? starts[i + 1] : w.end_ms;
    uint64_t share = target_share(900, &w, starts[i], end);
    ASSERT_EQ(starts[i], T(6 + (int)i, 0));
    ASSERT_UINT_EQ(share, i == 4 ? 60 : 120);
    sum += share;
  }
  ASSERT_UINT_EQ(sum, 900);
  ASSERT_EQ(target_hour_of(starts, n, T(5, 0)), 0);
  ASSERT_EQ(target_hour_of(starts, n, T(6, 59)), 0);
  ASSERT_EQ(target_hour_of(starts, n, T(7, 0)), 1);
  ASSERT_EQ(target_hour_of(starts, n, T(13, 59)), 7);
  ASSERT_EQ(target_hour_of(starts, n, T(15, 0)), 7);
}

/* A shift 06:30-14:30 without breaks: the first bucket is 06:30-07:00,
 * the others on the hour, the last 14:00-14:30 (9 buckets). */
FH_TEST(first_bucket_at_the_shift_start) {
  shift_window w;
  int64_t starts[TARGET_HOURS_MAX];
  size_t n;

  early();
  memset(&w, 0, sizeof w);
  w.start_ms = T(6, 30);
  w.end_ms = T(14, 30);
  n = target_hours(&w, starts, TARGET_HOURS_MAX);
  ASSERT_EQ(n, 9);
  ASSERT_EQ(starts[0], T(6, 30));
  ASSERT_EQ(starts[1], T(7, 0));
  ASSERT_EQ(starts[8], T(14, 0));
  ASSERT_UINT_EQ(target_share(480, &w, starts[0], starts[1]), 30);
}

/* Europe/Berlin on 2024-03-31: 02:00 CET becomes 03:00 CEST.  A night shift
 * 22:00-06:00 local is 7 hours long and has 7 buckets on the local hours. */
FH_TEST(hour_buckets_on_a_dst_night) {
  shift_def night;
  shift_window w;
  int64_t starts[TARGET_HOURS_MAX];

  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  memset(&night, 0, sizeof night);
  snprintf(night.name, sizeof night.name, "night");
  night.start_min = 22 * 60;
  night.end_min = 6 * 60;
  /* 2024-03-31 01:00 UTC = 03:00 CEST, inside the night of the 30th */
  ASSERT_EQ(shift_window_at(&night, 1, 1711846800000LL, &w), 0);
  ASSERT_EQ(w.end_ms - w.start_ms, 7 * HOUR);
  ASSERT_EQ(target_hours(&w, starts, TARGET_HOURS_MAX), 7);
  ASSERT_EQ(starts[1] - starts[0], HOUR);
}

FH_TEST_MAIN(FH_TEST_ENTRY(ideal_pace_and_expected_across_a_break),
             FH_TEST_ENTRY(hour_buckets_across_a_break),
             FH_TEST_ENTRY(first_bucket_at_the_shift_start),
             FH_TEST_ENTRY(hour_buckets_on_a_dst_night))
