/* test_pareto.c -- the loss Pareto of a period (hub/rules/pareto.c,
 * PROTOCOL.md "History", dt.pareto), with hand-computed figures.
 *
 * The period is [1,000,000, 2,000,000) ms, now = 2,100,000:
 *   jam       900,000-1,300,000 (clipped: 300,000) and 1,500,000-1,600,000
 *             (100,000): 400,000 ms, 2 stops
 *   material  1,200,000-1,230,000: 30,000 ms
 *   setup     1,400,000-1,450,000 (changeover): 50,000 ms
 *   no reason 1,700,000-1,800,000 and 1,950,000-open (clipped at to:
 *             50,000): 150,000 ms, 2 stops -> "unclassified"
 *   short     1,350,000-1,360,000 and 1,360,000-1,365,000: 15,000 ms, 2
 *             stops -> "small_stop"
 *   outside   2,000,000-2,100,000 and 800,000-1,000,000: not counted
 * Total 645,000 ms: jam 400/645 = 0.620155, cum 550/645 after unclassified,
 * 600/645 after setup, 630/645 after material, 1 after small_stop.
 */
#include <string.h>

#include "fh_test.h"
#include "pareto.h"

static fh_downtime stop(const char *reason, const char *cat, int64_t start, int64_t end,
                        int short_stop) {
  fh_downtime d;
  memset(&d, 0, sizeof d);
  strcpy(d.reason, reason);
  strcpy(d.category, cat);
  d.start = start;
  d.end = end;
  d.short_stop = (uint8_t)short_stop;
  return d;
}

static void fill(pareto *pa) {
  const fh_downtime stops[] = {
      stop("jam", "unplanned", 900000, 1300000, 0),
      stop("jam", "unplanned", 1500000, 1600000, 0),
      stop("material", "unplanned", 1200000, 1230000, 0),
      stop("setup", "changeover", 1400000, 1450000, 0),
      stop("", "", 1700000, 1800000, 0),
      stop("", "", 1950000, 0, 0),
      stop("", "", 1350000, 1360000, 1),
      stop("", "", 1360000, 1365000, 1),
      stop("jam", "unplanned", 2000000, 2100000, 0),
      stop("jam", "unplanned", 800000, 1000000, 0),
  };
  pareto_init(pa);
  for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
    ASSERT_EQ(pareto_add(pa, &stops[i], 1000000, 2000000, 2100000), 0);
}

static void check_row(const fh_pareto_row *r, const char *reason, const char *cat,
                      uint64_t ms, uint64_t count, double cum_ms) {
  ASSERT_STR_EQ(r->reason, reason);
  ASSERT_STR_EQ(r->category, cat);
  ASSERT_UINT_EQ(r->ms, ms);
  ASSERT_UINT_EQ(r->count, count);
  ASSERT_DBL_NEAR(r->share, (double)ms / 645000.0, 1e-12);
  ASSERT_DBL_NEAR(r->cum_share, cum_ms / 645000.0, 1e-12);
}

FH_TEST(rows_largest_first_with_shares) {
  pareto pa;
  fill(&pa);
  pareto_finish(&pa, 0);
  ASSERT_EQ(pa.n, 5);
  check_row(&pa.rows[0], "jam", "unplanned", 400000, 2, 400000);
  check_row(&pa.rows[1], "", "unclassified", 150000, 2, 550000);
  check_row(&pa.rows[2], "setup", "changeover", 50000, 1, 600000);
  check_row(&pa.rows[3], "material", "unplanned", 30000, 1, 630000);
  check_row(&pa.rows[4], "", "small_stop", 15000, 2, 645000);
  ASSERT_DBL_NEAR(pa.rows[0].share, 0.620155, 1e-6);
  pareto_free(&pa);
}

FH_TEST(top_folds_the_rest_into_other) {
  pareto pa;
  fill(&pa);
  pareto_finish(&pa, 2);
  ASSERT_EQ(pa.n, 3);
  check_row(&pa.rows[0], "jam", "unplanned", 400000, 2, 400000);
  check_row(&pa.rows[1], "", "unclassified", 150000, 2, 550000);
  check_row(&pa.rows[2], "other", "", 95000, 4, 645000);
  pareto_free(&pa);
}

FH_TEST(top_leaves_a_single_rest_row_as_it_is) {
  pareto pa;
  fill(&pa);
  pareto_finish(&pa, 4); /* one row left over: no "other" */
  ASSERT_EQ(pa.n, 5);
  ASSERT_STR_EQ(pa.rows[4].category, "small_stop");
  pareto_free(&pa);
  fill(&pa);
  pareto_finish(&pa, 3);
  ASSERT_EQ(pa.n, 4);
  check_row(&pa.rows[3], "other", "", 45000, 3, 645000);
  pareto_free(&pa);
}

FH_TEST(empty_period_has_no_rows) {
  pareto pa;
  fh_downtime d = stop("jam", "unplanned", 0, 10, 0);
  pareto_init(&pa);
  ASSERT_EQ(pareto_add(&pa, &d, 10, 20, 30), 0); /* ends where the period begins */
  pareto_finish(&pa, 0);
  ASSERT_EQ(pa.n, 0);
  pareto_free(&pa);
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(rows_largest_first_with_shares),
    FH_TEST_ENTRY(top_folds_the_rest_into_other),
    FH_TEST_ENTRY(top_leaves_a_single_rest_row_as_it_is),
    FH_TEST_ENTRY(empty_period_has_no_rows),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
