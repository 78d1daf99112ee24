/* test_stop_index.c -- the stop index's keys and entries
 * (hub/rules/stop_index.h): a line's entries sort by start time, then id,
 * and never interleave with another line's; an entry reads back as written.
 */
#include <errno.h>
#include <string.h>

#include "fh_test.h"
#include "stop_index.h"

FH_TEST(keys_sort_by_line_then_start_then_id) {
  uint8_t a[DT_INDEX_KEY_MAX], b[DT_INDEX_KEY_MAX], c[DT_INDEX_KEY_MAX], p[DT_INDEX_KEY_MAX];
  size_t na = dt_index_key("L1", 1000, 9, a), nb = dt_index_key("L1", 2000, 3, b);
  size_t nc = dt_index_key("L10", 0, 1, c), np = dt_index_prefix("L1", p);
  ASSERT_EQ(na, 3 + 16);
  ASSERT_EQ(np, 3);
  ASSERT_MEM_EQ(a, "L1/", 3);
  ASSERT_LT(memcmp(a, b, na), 0);          /* earlier start first, whatever the id */
  ASSERT(memcmp(c, p, np) != 0);           /* "L10/" is not under "L1/" */
  ASSERT_EQ(dt_index_key_start(b, nb, np), 2000);
  ASSERT_EQ(dt_index_key_start(b, 5, np), 0);
  ASSERT_EQ(nc, 4 + 16);
  ASSERT_EQ(dt_index_key("", 0, 1, a), 0);
}

FH_TEST(entry_reads_back) {
  fh_downtime d;
  dt_index_entry e;
  uint8_t k[DT_INDEX_KEY_MAX], v[DT_INDEX_VAL_MAX];
  size_t nk, nv;
  memset(&d, 0, sizeof d);
  d.id = 77;
  strcpy(d.line, "L2");
  strcpy(d.equipment, "L2-PRESS1");
  d.start = 1764000000000;
  d.end = 1764000090000;
  strcpy(d.reason, "jam");
  strcpy(d.category, "unplanned");
  nk = dt_index_key(d.line, d.start, d.id, k);
  nv = dt_index_value(&d, v);
  ASSERT_EQ(nv, 16 + 10 + 4 + 10);
  ASSERT_EQ(dt_get_be64(v), 77);           /* the record's key comes first */
  ASSERT_EQ(dt_index_entry_read(k, nk, 3, v, nv, &e), 0);
  ASSERT_EQ(e.start, d.start);
  ASSERT_EQ(e.end, d.end);
  ASSERT_UINT_EQ(e.id, 77);
  ASSERT_STR_EQ(e.equipment, "L2-PRESS1");
  ASSERT_STR_EQ(e.reason, "jam");
  ASSERT_STR_EQ(e.category, "unplanned");
  ASSERT_EQ(dt_index_entry_read(k, nk, 3, v, nv - 1, &e), -EINVAL); /* cut */
  ASSERT_EQ(dt_index_entry_read(k, nk - 1, 3, v, nv, &e), -EINVAL);
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(keys_sort_by_line_then_start_then_id),
    FH_TEST_ENTRY(entry_reads_back),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
