/* test_totals.c -- absolute machine counters (hub/rules/totals.h). */
#include "fh_test.h"
#include "totals.h"

FH_TEST(base_up_same_reset) {
  uint64_t inc;
  /* the sequence: 100 (base) -> 105 -> 105 -> 3 */
  ASSERT_EQ(counter_advance(0, 0, 100, 0, &inc), COUNTER_BASE);
  ASSERT_UINT_EQ(inc, 0);
  ASSERT_EQ(counter_advance(100, 1, 105, 0, &inc), COUNTER_UP);
  ASSERT_UINT_EQ(inc, 5);
  ASSERT_EQ(counter_advance(105, 1, 105, 0, &inc), COUNTER_UP);
  ASSERT_UINT_EQ(inc, 0);
  ASSERT_EQ(counter_advance(105, 1, 3, 0, &inc), COUNTER_RESET);
  ASSERT_UINT_EQ(inc, 3);
}

FH_TEST(rollover) {
  const uint64_t R = 2147483647; /* PackML */
  uint64_t inc;
  /* 2147483640 -> 5 wraps: R - old + 1 + new = 7 + 1 + 5 = 13 */
  ASSERT_EQ(counter_advance(2147483640, 1, 5, R, &inc), COUNTER_WRAP);
  ASSERT_UINT_EQ(inc, 13);
  /* below R/2 a lower value is a reset, not a wrap */
  ASSERT_EQ(counter_advance(1000, 1, 5, R, &inc), COUNTER_RESET);
  ASSERT_UINT_EQ(inc, 5);
  /* a last value above R cannot have wrapped at R */
  ASSERT_EQ(counter_advance(R + 10, 1, 5, R, &inc), COUNTER_RESET);
  ASSERT_UINT_EQ(inc, 5);
  /* exactly at R, then 0 */
  ASSERT_EQ(counter_advance(R, 1, 0, R, &inc), COUNTER_WRAP);
  ASSERT_UINT_EQ(inc, 1);
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(base_up_same_reset),
    FH_TEST_ENTRY(rollover),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
