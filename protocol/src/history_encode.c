/* history_encode.c -- the answers of the history queries (fh_history.h). */
#include <errno.h>

#include "enc.h"
#include "fh_history.h"

static void put_row(enc *e, const void *item) {
  const fh_hist_row *r = item;
  fh__enc_map(e, 11 + (r->open != 0) + (r->equipment[0] != '\0') + (r->has_target != 0));
  if (r->has_target) {
    fh__enc_str(e, "target");
    fh__enc_uint(e, r->target);
  }
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

/* Puts one item of an answer's array. */
typedef void (*put_fn)(enc *e, const void *item);

/* {t:"ok", id?, <key>: [n items of size bytes], cursor?} */
static int ok_page(fh_buf *out, int has_id, uint64_t id, const char *key, const void *items,
                   size_t size, size_t n, put_fn put, int has_cursor, int64_t cursor) {
  enc e;
  if (n > UINT32_MAX) return -EINVAL;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 1 + (has_cursor != 0), has_id, id);
  fh__enc_str(&e, key);
  fh__enc_array(&e, (uint32_t)n);
  for (size_t i = 0; i < n; i++) put(&e, (const uint8_t *)items + i * size);
  if (has_cursor) {
    fh__enc_str(&e, "cursor");
    fh__enc_int(&e, cursor);
  }
  return fh__enc_end(&e);
}

static void put_sample(enc *e, const void *s) { fh__enc_sample(e, s); }
static void put_part(enc *e, const void *item);

int fh_enc_ok_history(fh_buf *out, int has_id, uint64_t id,
                      const fh_hist_row *rows, size_t n, int has_cursor,
                      int64_t cursor) {
  return ok_page(out, has_id, id, "rows", rows, sizeof *rows, n, put_row, has_cursor,
                 cursor);
}

static void put_pareto_row(enc *e, const void *item) {
  const fh_pareto_row *r = item;
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
  return ok_page(out, has_id, id, "rows", rows, sizeof *rows, n, put_pareto_row, 0, 0);
}

int fh_enc_ok_samples(fh_buf *out, int has_id, uint64_t id, const fh_sample *s,
                      size_t n, int has_cursor, int64_t cursor) {
  return ok_page(out, has_id, id, "samples", s, sizeof *s, n, put_sample, has_cursor,
                 cursor);
}

static void put_part(enc *e, const void *item) {
  const fh_hist_part *r = item;
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
  return ok_page(out, has_id, id, "rows", rows, sizeof *rows, n, put_part, has_cursor,
                 cursor);
}

static void put_product(enc *e, const void *item) {
  const fh_hist_product *r = item;
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
  return ok_page(out, has_id, id, "rows", rows, sizeof *rows, n, put_product,
                 has_cursor, cursor);
}
