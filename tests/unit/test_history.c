/* test_history.c -- history periods in the local calendar and rows from
 * summed times and counts (hub/rules/history.c, PROTOCOL.md "History").
 *
 * Epoch values checked by hand (and with Python's zoneinfo):
 *   Europe/Berlin 2024-03-31 00:00 CET  = 1711839600 s, 2024-04-01 00:00 CEST
 *   = 1711922400 s (a 23-hour day); 2024-10-27 00:00 CEST = 1729980000 s,
 *   2024-10-28 00:00 CET = 1730070000 s (a 25-hour day).
 *   UTC: 2024-01-15 = 1705276800, 2024-02-01 = 1706745600, 2024-03-01 =
 *   1709251200, 2024-12-30 (Monday of ISO week 2025-W01) = 1735516800,
 *   2025-01-01 (Wednesday) = 1735689600, 2025-01-06 = 1736121600.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fh_test.h"
#include "history.h"

#define S 1000LL
#define HOUR (3600 * S)

static void use_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

static fh_oee rec(uint64_t planned, uint64_t run, uint64_t good, uint64_t reject,
                  double perf) {
  fh_oee o;
  memset(&o, 0, sizeof o);
  o.planned_ms = planned;
  o.run_ms = run;
  o.good = good;
  o.reject = reject;
  o.performance = perf;
  o.availability = planned ? (double)run / (double)planned : 0;
  o.quality = good + reject ? (double)good / (double)(good + reject) : 0;
  o.oee = o.availability * (perf < 1 ? perf : 1) * o.quality;
  return o;
}

FH_TEST(group_names) {
  ASSERT_EQ(hist_group_parse("shift", 5), HIST_SHIFT);
  ASSERT_EQ(hist_group_parse("week", 4), HIST_WEEK);
  ASSERT_EQ(hist_group_parse("month", 5), HIST_MONTH);
  ASSERT_EQ(hist_group_parse("days", 4), -1);
  ASSERT_EQ(hist_group_parse("da", 2), -1);
}

FH_TEST(day_across_dst) {
  int64_t a, b;
  use_tz("Europe/Berlin");
  /* the early shift of the spring-forward day: a 23-hour day */
  ASSERT_EQ(hist_period(HIST_DAY, 1711839600 * S + 6 * HOUR, 0, &a, &b), 0);
  ASSERT_EQ(a, 1711839600 * S);
  ASSERT_EQ(b, 1711922400 * S);
  ASSERT_EQ(b - a, 23 * HOUR);
  /* fall back: 25 hours */
  ASSERT_EQ(hist_period(HIST_DAY, 1729980000 * S + 23 * HOUR, 0, &a, &b), 0);
  ASSERT_EQ(a, 1729980000 * S);
  ASSERT_EQ(b - a, 25 * HOUR);
}

FH_TEST(night_shift_belongs_to_its_start_day) {
  int64_t a, b, start = 1705276800 * S + 22 * HOUR; /* 2024-01-15 22:00 UTC */
  use_tz("UTC");
  ASSERT_EQ(hist_period(HIST_DAY, start, start + 8 * HOUR, &a, &b), 0);
  ASSERT_EQ(a, 1705276800 * S);
  ASSERT_EQ(b, 1705276800 * S + 24 * HOUR);
  ASSERT_EQ(hist_period(HIST_SHIFT, start, start + 8 * HOUR, &a, &b), 0);
  ASSERT_EQ(a, start);
  ASSERT_EQ(b, start + 8 * HOUR);
}

FH_TEST(iso_week_across_year_boundary) {
  int64_t a, b;
  use_tz("UTC");
  ASSERT_EQ(hist_period(HIST_WEEK, 1735689600 * S + 14 * HOUR, 0, &a, &b), 0);
  ASSERT_EQ(a, 1735516800 * S); /* Monday 2024-12-30 */
  ASSERT_EQ(b, 1736121600 * S); /* Monday 2025-01-06 */
  /* a Sunday belongs to the week before the next Monday */
  ASSERT_EQ(hist_period(HIST_WEEK, 1736121600 * S - HOUR, 0, &a, &b), 0);
  ASSERT_EQ(a, 1735516800 * S);
  /* a Monday starts its own */
  ASSERT_EQ(hist_period(HIST_WEEK, 1736121600 * S + 6 * HOUR, 0, &a, &b), 0);
  ASSERT_EQ(a, 1736121600 * S);
}

FH_TEST(month_of_a_leap_february) {
  int64_t a, b;
  use_tz("UTC");
  ASSERT_EQ(hist_period(HIST_MONTH, 1706745600 * S + 28 * 24 * HOUR, 0, &a, &b), 0);
  ASSERT_EQ(a, 1706745600 * S);
  ASSERT_EQ(b, 1709251200 * S); /* 29 days later */
}

/* Two 8-hour shifts: run 7 h and 6 h, P 0.8 and 0.9, 900 + 100 and 700 + 0.
 * Sums: planned 57.6e6 ms, run 46.8e6, ideal 0.8*25.2e6 + 0.9*21.6e6 =
 * 39.6e6, good 1600, reject 100.  A = 46.8/57.6 = 0.8125, P = 39.6/46.8,
 * Q = 16/17, OEE = (39.6/57.6) * 16/17 = 0.6875 * 16/17 = 11/17.  The mean
 * of the two shift OEEs (0.63 and 0.675) would be 0.6525: not what a row
 * says. */
FH_TEST(row_from_sums_not_mean_of_ratios) {
  hist_acc a;
  fh_oee r1 = rec(8 * HOUR, 7 * HOUR, 900, 100, 0.8);
  fh_oee r2 = rec(8 * HOUR, 6 * HOUR, 700, 0, 0.9);
  double av, pf, q, oee;
  memset(&a, 0, sizeof a);
  hist_add(&a, &r1, 0);
  hist_add(&a, &r2, 1);
  ASSERT_UINT_EQ(a.planned_ms, 57600000u);
  ASSERT_UINT_EQ(a.run_ms, 46800000u);
  ASSERT_UINT_EQ(a.good, 1600u);
  ASSERT_UINT_EQ(a.reject, 100u);
  ASSERT_EQ(a.shifts, 2);
  ASSERT_EQ(a.open, 1);
  hist_figures(&a, &av, &pf, &q, &oee);
  ASSERT_DBL_NEAR(av, 0.8125, 1e-12);
  ASSERT_DBL_NEAR(pf, 39.6 / 46.8, 1e-12);
  ASSERT_DBL_NEAR(q, 16.0 / 17.0, 1e-12);
  ASSERT_DBL_NEAR(oee, 11.0 / 17.0, 1e-12);
  ASSERT(oee < 0.6525 - 1e-3);
}

FH_TEST(one_shift_row_is_its_record) {
  hist_acc a;
  fh_oee r = rec(27000000, 19440000, 2950, 50, 1.07); /* P above 1 is capped */
  double av, pf, q, oee;
  memset(&a, 0, sizeof a);
  hist_add(&a, &r, 0);
  hist_figures(&a, &av, &pf, &q, &oee);
  ASSERT_DBL_NEAR(av, r.availability, 1e-12);
  ASSERT_DBL_NEAR(pf, r.performance, 1e-12);
  ASSERT_DBL_NEAR(q, r.quality, 1e-12);
  ASSERT_DBL_NEAR(oee, r.oee, 1e-12);
  ASSERT_DBL_NEAR(oee, 0.72 * (2950.0 / 3000.0), 1e-12);
}

FH_TEST(empty_row_is_zero) {
  hist_acc a;
  double av, pf, q, oee;
  memset(&a, 0, sizeof a);
  hist_figures(&a, &av, &pf, &q, &oee);
  ASSERT(av == 0 && pf == 0 && q == 0 && oee == 0);
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(group_names),
    FH_TEST_ENTRY(day_across_dst),
    FH_TEST_ENTRY(night_shift_belongs_to_its_start_day),
    FH_TEST_ENTRY(iso_week_across_year_boundary),
    FH_TEST_ENTRY(month_of_a_leap_february),
    FH_TEST_ENTRY(row_from_sums_not_mean_of_ratios),
    FH_TEST_ENTRY(one_shift_row_is_its_record),
    FH_TEST_ENTRY(empty_row_is_zero),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
