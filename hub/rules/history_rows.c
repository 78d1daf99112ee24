/* history_rows.c -- the rows of a history query being summed (history.h).
 *
 * Rows are kept sorted by their period's start in one array (hist_slot):
 * a record finds its row by binary search and a new period is inserted in
 * place, which is cheap because records arrive in time order per line (a
 * prefix scan) and the rows of a query are few (one per shift at most).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fh_protocol.h"
#include "history.h"

void hist_rows_init(hist_rows *r, hist_group group, int64_t from, int64_t to) {
  memset(r, 0, sizeof *r);
  r->group = group;
  r->from = from;
  r->to = to;
}

/* The row of the period [start, end) (inserted, zeroed, if new). */
static hist_acc *row_at(hist_rows *r, int64_t start, int64_t end) {
  hist_acc *row = hist_slot(&r->rows, &r->n, &r->cap, sizeof *r->rows, start);
  if (row != NULL) row->end = end;
  return row;
}

/* Record rec (raw: its stored bytes, NULL for the running shift). */
/* The `target` a closed record's map carries (the shift's target, stored
 * at the close); 0 when it has none. */
static int record_target(const uint8_t *raw, size_t n, uint64_t *target) {
  fh_mp_cursor c = {raw, raw + n};
  uint32_t keys;
  fh_strv key;
  if (fh_mp_read_map(&c, &keys) != 0) return 0;
  for (uint32_t i = 0; i < keys; i++) {
    if (fh_mp_read_str(&c, &key) != 0) return 0;
    if (key.n == 6 && memcmp(key.p, "target", 6) == 0)
      return fh_mp_read_uint(&c, target) == 0;
    if (fh_mp_skip(&c) != 0) return 0;
  }
  return 0;
}

static void add_raw(hist_rows *r, const fh_oee *rec, const uint8_t *raw, size_t n,
                    int open) {
  uint64_t target;
  int64_t start, end;
  hist_acc *row;
  if (r->rc != 0 || rec->shift_start < r->from || rec->shift_start >= r->to) return;
  if (r->visit != NULL) {
    r->rc = r->visit(r->arg, rec, raw, n, open);
    return;
  }
  if (hist_period(r->group, rec->shift_start, rec->shift_end, &start, &end) != 0) {
    r->rc = -EINVAL;
    return;
  }
  if ((row = row_at(r, start, end)) == NULL) {
    r->rc = -ENOMEM;
    return;
  }
  hist_add(row, rec, open);
  if (raw != NULL && record_target(raw, n, &target)) {
    row->target += target;
    row->has_target = 1;
  }
}

void hist_rows_add(hist_rows *r, const fh_oee *rec, int open) {
  add_raw(r, rec, NULL, 0, open);
}

int hist_rows_record(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  hist_rows *r = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  int64_t start = hist_key_start(key, klen);
  fh_oee *rec;
  if (klen < 8 || start < r->from || start >= r->to) return 0;
  if ((rec = calloc(1, sizeof *rec)) == NULL) return r->rc = -ENOMEM;
  if (fh_dec_oee(&c, rec) == 0) add_raw(r, rec, val, vlen, 0);
  free(rec);
  return r->rc;
}

void hist_rows_free(hist_rows *r) {
  free(r->rows);
  r->rows = NULL;
  r->n = r->cap = 0;
}
