/* history_product.c -- oee.history {..., by: "product"}: one row per
 * period and product.
 *
 * The rows come from the line records' by_product (stored at each shift's
 * close, shift_runs.h), and for the running shift from the line's runs so
 * far: per period (shift, day, week, month), the rows of every shift of
 * the lines in scope that started in it are summed per product (the row
 * of pieces made without a run, product nil, too), products in the order
 * they first appear.  A single shift's rows are thus its report's
 * by_product.  Records closed before by_product was stored give no rows.
 * Pages hold whole periods, as for the other `by` (history_by.c).
 */
#include "history_product.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fh_history.h"
#include "history_by.h"
#include "model.h"
#include "oee_history.h"
#include "shift_runs.h"

typedef struct prod_scan {
  hub *h;                /* the hub */
  hist_group group;      /* the periods */
  fh_hist_product *rows; /* by start, then as first seen */
  size_t n, cap;         /* entries used, allocated */
} prod_scan;

/* The row of product in [start, end), appended after the period's rows
 * when new.  NULL on ENOMEM. */
static fh_hist_product *row_for(prod_scan *ps, int64_t start, int64_t end,
                                const char *product) {
  size_t at = 0;
  for (size_t i = 0; i < ps->n; i++) {
    if (ps->rows[i].start == start && strcmp(ps->rows[i].product, product) == 0)
      return &ps->rows[i];
    if (ps->rows[i].start <= start) at = i + 1;
  }
  if (ps->n == ps->cap) {
    size_t cap = ps->cap ? 2 * ps->cap : 16;
    fh_hist_product *rows = realloc(ps->rows, cap * sizeof *rows);
    if (rows == NULL) return NULL;
    ps->rows = rows;
    ps->cap = cap;
  }
  memmove(&ps->rows[at + 1], &ps->rows[at], (ps->n - at) * sizeof *ps->rows);
  ps->n++;
  memset(&ps->rows[at], 0, sizeof *ps->rows);
  ps->rows[at].start = start;
  ps->rows[at].end = end;
  snprintf(ps->rows[at].product, sizeof ps->rows[at].product, "%s", product);
  return &ps->rows[at];
}

static int read_key(fh_mp_cursor *c, const char *key, fh_strv k, uint64_t *v) {
  if (k.n != strlen(key) || memcmp(k.p, key, k.n) != 0) return 0;
  return fh_mp_read_uint(c, v) < 0 ? -1 : 1;
}

/* One {product, good, reject, ideal_ms, run_ms, ...} of a record. */
static int add_sum(prod_scan *ps, int64_t start, int64_t end, fh_mp_cursor *c) {
  fh_hist_product r;
  fh_hist_product *row;
  uint32_t n;

  memset(&r, 0, sizeof r);
  if (fh_mp_read_map(c, &n) < 0) return -EINVAL;
  for (uint32_t i = 0; i < n; i++) {
    fh_strv k;
    int rc;
    if (fh_mp_read_str(c, &k) < 0) return -EINVAL;
    if (k.n == 7 && memcmp(k.p, "product", 7) == 0)
      rc = fh_mp_peek(c) == FH_MP_NIL ? fh_mp_read_nil(c)
                                      : fh_mp_read_strcpy(c, r.product, sizeof r.product);
    else if ((rc = read_key(c, "good", k, &r.good)) == 0 &&
             (rc = read_key(c, "reject", k, &r.reject)) == 0 &&
             (rc = read_key(c, "ideal_ms", k, &r.ideal_ms)) == 0 &&
             (rc = read_key(c, "run_ms", k, &r.run_ms)) == 0)
      rc = fh_mp_skip(c);
    if (rc < 0) return -EINVAL;
  }
  if ((row = row_for(ps, start, end, r.product)) == NULL) return -ENOMEM;
  row->good += r.good;
  row->reject += r.reject;
  row->ideal_ms += r.ideal_ms;
  row->run_ms += r.run_ms;
  return 0;
}

/* The by_product rows of the record map at raw (none: nothing). */
static int add_record(prod_scan *ps, int64_t start, int64_t end,
                      const uint8_t *raw, size_t len) {
  fh_mp_cursor c = {raw, raw + len};
  uint32_t n, m;
  if (fh_mp_read_map(&c, &n) < 0) return -EINVAL;
  for (uint32_t i = 0; i < n; i++) {
    fh_strv k;
    if (fh_mp_read_str(&c, &k) < 0) return -EINVAL;
    if (k.n != 10 || memcmp(k.p, "by_product", 10) != 0) {
      if (fh_mp_skip(&c) < 0) return -EINVAL;
      continue;
    }
    if (fh_mp_read_array(&c, &m) < 0) return -EINVAL;
    for (uint32_t j = 0; j < m; j++) {
      int rc = add_sum(ps, start, end, &c);
      if (rc != 0) return rc;
    }
    return 0;
  }
  return 0;
}

/* The running shift of line rec->line: its runs so far, as a record. */
static int add_open(prod_scan *ps, const fh_oee *rec, int64_t start, int64_t end) {
  long li = model_line_index(ps->h, rec->line);
  fh_buf b;
  int rc;
  if (li < 0) return 0;
  fh_buf_init(&b, 0);
  rc = fh_enc_map(&b, SHIFT_RUNS_REPORT_KEYS) ||
               shift_runs_report(ps->h, (size_t)li, hub_now_ms(ps->h), &b)
           ? -ENOMEM
           : add_record(ps, start, end, fh_buf_payload(&b), fh_buf_payload_len(&b));
  fh_buf_free(&b);
  return rc;
}

static int product_visit(void *arg, const fh_oee *rec, const uint8_t *raw,
                         size_t rawlen, int open) {
  prod_scan *ps = arg;
  int64_t start, end;
  if (hist_period(ps->group, rec->shift_start, rec->shift_end, &start, &end) != 0)
    return -EINVAL;
  if (open) return add_open(ps, rec, start, end);
  return add_record(ps, start, end, raw, rawlen) == -ENOMEM ? -ENOMEM : 0;
}

void history_product_send(hub *h, session *s, const fh_request *req,
                          const history_scope *scope, hist_group group) {
  prod_scan ps = {h, group, NULL, 0, 0};
  int64_t *starts = NULL;
  size_t first, end;
  int rc = oee_history_visit(h, scope, req->u.history.from, req->u.history.to,
                             product_visit, &ps);

  if (rc == 0 && (starts = calloc(ps.n ? ps.n : 1, sizeof *starts)) == NULL)
    rc = -ENOMEM;
  if (rc < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the history: %s", fh_store_strerror(rc));
  } else {
    for (size_t i = 0; i < ps.n; i++) starts[i] = ps.rows[i].start;
    history_page_of(starts, ps.n, req->u.history.cursor, &first, &end);
    fh_buf_reset(&h->enc);
    if (fh_enc_ok_history_products(&h->enc, req->has_id, req->id, ps.rows + first,
                                   end - first, end < ps.n,
                                   end < ps.n ? ps.rows[end].start : 0) == 0)
      session_send(s, &h->enc, FH_MSG_OK);
  }
  free(starts);
  free(ps.rows);
}
