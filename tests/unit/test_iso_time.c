/* test_iso_time.c -- dates and times of the exports (hub/rules/iso_time.c)
 * in Europe/Berlin, values checked by hand (and with Python's zoneinfo):
 *   2026-11-01 00:00 CET (UTC+1)  = 1793487600 s
 *   2026-07-01 06:00 CEST (UTC+2) = 1782878400 s
 *   2026-03-29 00:00 CET: 1774738800 s; the day is 23 h long, 2026-03-30
 *   00:00 CEST = 1774821600 s
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "fh_test.h"
#include "iso_time.h"

static void berlin(void) {
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
}

static int64_t parse(const char *s) {
  int64_t ms = -1;
  ASSERT_EQ(iso_time_parse(s, &ms), 0);
  return ms;
}

FH_TEST(dates_are_local_midnight) {
  berlin();
  ASSERT_EQ(parse("2026-11-01"), 1793487600000LL);
  ASSERT_EQ(parse("2026-03-30") - parse("2026-03-29"), 23 * 3600000LL);
  ASSERT_EQ(parse("2026-03-29"), 1774738800000LL);
}

FH_TEST(times_local_or_with_offset) {
  berlin();
  ASSERT_EQ(parse("2026-07-01T06:00"), 1782878400000LL);
  ASSERT_EQ(parse("2026-07-01T06:00:00"), 1782878400000LL);
  ASSERT_EQ(parse("2026-07-01T04:00:00Z"), 1782878400000LL);
  ASSERT_EQ(parse("2026-07-01T06:00:00+02:00"), 1782878400000LL);
  ASSERT_EQ(parse("2026-07-01T00:00-0400"), 1782878400000LL);
}

FH_TEST(bad_dates_are_refused) {
  static const char *bad[] = {"", "2026", "2026-13-01", "2026-04-31", "2026-02-29",
                              "2026-11-01x", "2026-11-01T25:00", "2026-11-01T06",
                              "2026-11-01T06:00+1", "2026-11-01Z", "26-11-01",
                              "2026-11-01T06:00:00+24:00", "2026/11/01"};
  int64_t ms;
  berlin();
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ASSERT_EQ(iso_time_parse(bad[i], &ms), -EINVAL);
  ASSERT_EQ(iso_time_parse("2024-02-29", &ms), 0); /* a leap day */
}

FH_TEST(format_has_the_local_offset) {
  char buf[ISO_TIME_LEN];
  berlin();
  iso_time_format(1793487600000LL, buf);
  ASSERT_STR_EQ(buf, "2026-11-01T00:00:00+01:00");
  iso_time_format(1782878400250LL, buf);
  ASSERT_STR_EQ(buf, "2026-07-01T06:00:00.250+02:00");
  setenv("TZ", "America/New_York", 1);
  tzset();
  iso_time_format(1793487600000LL, buf); /* 2026-10-31 19:00 EDT */
  ASSERT_STR_EQ(buf, "2026-10-31T19:00:00-04:00");
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(dates_are_local_midnight),
    FH_TEST_ENTRY(times_local_or_with_offset),
    FH_TEST_ENTRY(bad_dates_are_refused),
    FH_TEST_ENTRY(format_has_the_local_offset),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
