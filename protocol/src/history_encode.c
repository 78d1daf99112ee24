/* history_encode.c -- the answers of the history queries (fh_history.h). */
#include <errno.h>

#include "enc.h"
#include "fh_history.h"

/* {t:"ok", id?, rows:[put(row)...], cursor?}: n rows of size bytes each. */
static int ok_rows(fh_buf *out, int has_id, uint64_t id, const void *rows,
                   size_t size, size_t n, void (*put)(enc *, const void *),
                   int has_cursor, int64_t cursor) {
  enc e;
  if (n > UINT32_MAX) return -EINVAL;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 1 + (has_cursor != 0), has_id, id);
  fh__enc_str(&e, "rows");
  fh__enc_array(&e, (uint32_t)n);
  for (size_t i = 0; i < n; i++) put(&e, (const uint8_t *)rows + i * size);
  if (has_cursor) {
    fh__enc_str(&e, "cursor");
    fh__enc_int(&e, cursor);
  }
  return fh__enc_end(&e);
}

static void put_row(enc *e, const void *obj) {
  const fh_hist_row *r = obj;
  fh__enc_map(e, 11 + (r->open != 0) + (r->equipment[0] != '\0'));
  if (r->equipment[0] != '\0') {
    fh__enc_str(e, "equipment");
    fh__enc_str(e, r->equipment);
  }
  fh__enc_str(e, "start");
  fh__enc_int(e, r->start);
  fh__enc_str(e, "end");
  fh__enc_int(e, r->end);
  fh__enc_str(e, "planned_ms");
  fh__enc_uint(e, r->planned_ms);
  fh__enc_str(e, "run_ms");
  fh__enc_uint(e, r->run_ms);
  fh__enc_str(e, "not_monitored_ms");
  fh__enc_uint(e, r->not_monitored_ms);
  fh__enc_str(e, "good");
  fh__enc_uint(e, r->good);
  fh__enc_str(e, "reject");
  fh__enc_uint(e, r->reject);
  fh__enc_str(e, "availability");
  fh__enc_double(e, r->availability);
  fh__enc_str(e, "performance");
  fh__enc_double(e, r->performance);
  fh__enc_str(e, "quality");
  fh__enc_double(e, r->quality);
  fh__enc_str(e, "oee");
  fh__enc_double(e, r->oee);
  if (r->open) {
    fh__enc_str(e, "open");
    fh__enc_bool(e, 1);
  }
}

int fh_enc_ok_history(fh_buf *out, int has_id, uint64_t id,
                      const fh_hist_row *rows, size_t n, int has_cursor,
                      int64_t cursor) {
  return ok_rows(out, has_id, id, rows, sizeof(fh_hist_row), n, put_row, has_cursor,
                 cursor);
}

static void put_pareto_row(enc *e, const fh_pareto_row *r) {
  fh__enc_map(e, 6);
  fh__enc_str(e, "reason");
  fh__enc_str(e, r->reason[0] ? r->reason : NULL);
  fh__enc_str(e, "category");
  fh__enc_str(e, r->category[0] ? r->category : NULL);
  fh__enc_str(e, "ms");
  fh__enc_uint(e, r->ms);
  fh__enc_str(e, "count");
  fh__enc_uint(e, r->count);
  fh__enc_str(e, "share");
  fh__enc_double(e, r->share);
  fh__enc_str(e, "cum_share");
  fh__enc_double(e, r->cum_share);
}

int fh_enc_ok_pareto(fh_buf *out, int has_id, uint64_t id,
                     const fh_pareto_row *rows, size_t n) {
  enc e;
  if (n > UINT32_MAX) return -EINVAL;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 1, has_id, id);
  fh__enc_str(&e, "rows");
  fh__enc_array(&e, (uint32_t)n);
  for (size_t i = 0; i < n; i++) put_pareto_row(&e, &rows[i]);
  return fh__enc_end(&e);
}

int fh_enc_ok_samples(fh_buf *out, int has_id, uint64_t id, const fh_sample *s,
                      size_t n, int has_cursor, int64_t cursor) {
  enc e;
  if (n > UINT32_MAX) return -EINVAL;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 1 + (has_cursor != 0), has_id, id);
  fh__enc_str(&e, "samples");
  fh__enc_array(&e, (uint32_t)n);
  for (size_t i = 0; i < n; i++) fh__enc_sample(&e, &s[i]);
  if (has_cursor) {
    fh__enc_str(&e, "cursor");
    fh__enc_int(&e, cursor);
  }
  return fh__enc_end(&e);
}

static void put_part(enc *e, const void *obj) {
  const fh_hist_part *r = obj;
  fh__enc_map(e, 4 + 2 * (r->has_reason != 0));
  fh__enc_str(e, "start");
  fh__enc_int(e, r->start);
  fh__enc_str(e, "end");
  fh__enc_int(e, r->end);
  if (r->has_reason) {
    fh__enc_str(e, "reason");
    fh__enc_str(e, r->reason[0] ? r->reason : NULL);
  }
  fh__enc_str(e, "category");
  fh__enc_str(e, r->category);
  fh__enc_str(e, "ms");
  fh__enc_uint(e, r->ms);
  if (r->has_reason) {
    fh__enc_str(e, "count");
    fh__enc_uint(e, r->count);
  }
}

int fh_enc_ok_history_parts(fh_buf *out, int has_id, uint64_t id,
                            const fh_hist_part *rows, size_t n, int has_cursor,
                            int64_t cursor) {
  return ok_rows(out, has_id, id, rows, sizeof(fh_hist_part), n, put_part, has_cursor,
                 cursor);
}

static void put_product(enc *e, const void *obj) {
  const fh_hist_product *r = obj;
  fh__enc_map(e, 8);
  fh__enc_str(e, "start");
  fh__enc_int(e, r->start);
  fh__enc_str(e, "end");
  fh__enc_int(e, r->end);
  fh__enc_str(e, "product");
  fh__enc_str(e, r->product[0] ? r->product : NULL);
  fh__enc_str(e, "good");
  fh__enc_uint(e, r->good);
  fh__enc_str(e, "reject");
  fh__enc_uint(e, r->reject);
  fh__enc_str(e, "ideal_ms");
  fh__enc_uint(e, r->ideal_ms);
  fh__enc_str(e, "run_ms");
  fh__enc_uint(e, r->run_ms);
  fh__enc_str(e, "performance");
  fh__enc_double(e, r->run_ms ? (double)r->ideal_ms / (double)r->run_ms : 0.0);
}

int fh_enc_ok_history_products(fh_buf *out, int has_id, uint64_t id,
                               const fh_hist_product *rows, size_t n,
                               int has_cursor, int64_t cursor) {
  return ok_rows(out, has_id, id, rows, sizeof(fh_hist_product), n, put_product, has_cursor,
                 cursor);
}
