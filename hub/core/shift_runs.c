/* shift_runs.c -- the runs of a line's shift and their report (see
 * shift_runs.h).
 *
 * An entry is stored as [run map, good, reject, ideal_ms, run_from, run_ms,
 * open]; the run time of an open entry is computed when reported, from the
 * constraint's accumulator.
 */
#include "shift_runs.h"

#include <errno.h>
#include <string.h>

/* The constraint's run time in line li's shift up to at. */
static uint64_t constraint_run_ms(hub *h, size_t li, int64_t at) {
  const oee_acc *a = &h->model->eqs[h->plant->lines[li].constraint].acc;
  fh_oee o;
  if (a->win.start_ms == 0) return 0;
  oee_acc_compute(a, at, "", &o);
  return o.run_ms;
}

static shift_run *open_entry(model_shift_runs *sr) {
  return sr->n > 0 && sr->e[sr->n - 1].open ? &sr->e[sr->n - 1] : NULL;
}

void shift_runs_open(hub *h, size_t li, int64_t now) {
  model_line *ml = &h->model->lines[li];
  model_shift_runs *sr = &ml->sruns;
  shift_run *e;

  if (!h->model->in_shift || ml->run.r.id == 0 || sr->n == SHIFT_RUNS_MAX) return;
  e = &sr->e[sr->n++];
  memset(e, 0, sizeof *e);
  e->r = ml->run.r;
  e->run_from = constraint_run_ms(h, li, now);
  e->open = 1;
}

void shift_runs_begin(hub *h, size_t li, int64_t now) {
  h->model->lines[li].sruns.n = 0;
  shift_runs_open(h, li, now);
}

void shift_runs_close(hub *h, size_t li, int64_t now, const fh_run *ended) {
  shift_run *e = open_entry(&h->model->lines[li].sruns);
  if (e == NULL || e->r.id != ended->id) return;
  e->r = *ended;
  e->run_ms = constraint_run_ms(h, li, now) - e->run_from;
  e->open = 0;
}

void shift_runs_count(hub *h, size_t li, uint64_t good, uint64_t reject,
                      uint32_t ideal_ms) {
  shift_run *e = open_entry(&h->model->lines[li].sruns);
  if (e == NULL || !h->model->in_shift) return;
  e->good += good;
  e->reject += reject;
  e->ideal_ms += (uint64_t)ideal_ms * (good + reject);
}

/* ------------------------------------------------------------- records */

int shift_runs_encode(const model_shift_runs *sr, fh_buf *b) {
  int rc = fh_enc_array(b, (uint32_t)sr->n);
  for (size_t i = 0; rc == 0 && i < sr->n; i++) {
    const shift_run *e = &sr->e[i];
    rc = fh_enc_array(b, 7) || fh_enc_run(b, &e->r) || fh_enc_uint(b, e->good) ||
         fh_enc_uint(b, e->reject) || fh_enc_uint(b, e->ideal_ms) ||
         fh_enc_uint(b, e->run_from) || fh_enc_uint(b, e->run_ms) ||
         fh_enc_bool(b, e->open);
  }
  return rc ? -ENOMEM : 0;
}

static int decode_entry(fh_mp_cursor *c, shift_run *e) {
  uint32_t n;
  int open;
  if (fh_mp_read_array(c, &n) < 0 || n != 7 || fh_dec_run(c, &e->r) < 0 ||
      fh_mp_read_uint(c, &e->good) < 0 || fh_mp_read_uint(c, &e->reject) < 0 ||
      fh_mp_read_uint(c, &e->ideal_ms) < 0 || fh_mp_read_uint(c, &e->run_from) < 0 ||
      fh_mp_read_uint(c, &e->run_ms) < 0 || fh_mp_read_bool(c, &open) < 0)
    return -EINVAL;
  e->open = open != 0;
  return 0;
}

int shift_runs_decode(fh_mp_cursor *c, model_shift_runs *sr) {
  uint32_t n;
  memset(sr, 0, sizeof *sr);
  if (fh_mp_read_array(c, &n) < 0 || n > SHIFT_RUNS_MAX) return -EINVAL;
  for (uint32_t i = 0; i < n; i++)
    if (decode_entry(c, &sr->e[i]) != 0) return -EINVAL;
  sr->n = n;
  return 0;
}

/* -------------------------------------------------------------- report */

/* One product's sums (by_product). */
typedef struct product_sum {
  const char *product; /* its id, NULL for pieces made without a run */
  uint64_t good;       /* good pieces */
  uint64_t reject;     /* rejects */
  uint64_t ideal_ms;   /* their ideal time at the constraint */
  uint64_t run_ms;     /* the constraint's run time while it ran */
} product_sum;

static double ratio(uint64_t ideal, uint64_t run) {
  return run ? (double)ideal / (double)run : 0.0;
}

static uint64_t entry_run_ms(hub *h, size_t li, const shift_run *e, int64_t end) {
  return e->open ? constraint_run_ms(h, li, end) - e->run_from : e->run_ms;
}

static int enc_runs(hub *h, size_t li, int64_t end, fh_buf *b) {
  const model_shift_runs *sr = &h->model->lines[li].sruns;
  int rc = fh_enc_str(b, "runs") || fh_enc_array(b, (uint32_t)sr->n);
  for (size_t i = 0; rc == 0 && i < sr->n; i++) {
    fh_run r = sr->e[i].open ? h->model->lines[li].run.r : sr->e[i].r;
    uint64_t run_ms = entry_run_ms(h, li, &sr->e[i], end);
    r.good = sr->e[i].good;
    r.reject = sr->e[i].reject;
    rc = fh_enc_run_map(b, &r, 3) || fh_enc_str(b, "ideal_ms") ||
         fh_enc_uint(b, sr->e[i].ideal_ms) || fh_enc_str(b, "run_ms") ||
         fh_enc_uint(b, run_ms) || fh_enc_str(b, "performance") ||
         fh_enc_double(b, ratio(sr->e[i].ideal_ms, run_ms));
  }
  return rc;
}

/* The row of product p in sums (n used), added when new. */
static product_sum *sum_of(product_sum *sums, size_t *n, const char *p) {
  for (size_t i = 0; i < *n; i++)
    if (sums[i].product != NULL && strcmp(sums[i].product, p) == 0) return &sums[i];
  sums[*n] = (product_sum){p, 0, 0, 0, 0};
  return &sums[(*n)++];
}

/* The pieces and run time of line li's shift made without a listed run. */
static product_sum no_run(hub *h, size_t li, int64_t end, const product_sum *sums,
                          size_t n) {
  const plant_line *pl = &h->plant->lines[li];
  const oee_acc *ca = &h->model->eqs[pl->constraint].acc;
  product_sum o = {NULL, h->model->eqs[pl->output].acc.good, 0, 0,
                   constraint_run_ms(h, li, end)};
  for (size_t e = pl->first_equipment; e < pl->first_equipment + pl->nequipment; e++)
    o.reject += h->model->eqs[e].acc.reject;
  for (size_t i = 0; i < n; i++) {
    o.good -= o.good < sums[i].good ? o.good : sums[i].good;
    o.reject -= o.reject < sums[i].reject ? o.reject : sums[i].reject;
    o.run_ms -= o.run_ms < sums[i].run_ms ? o.run_ms : sums[i].run_ms;
  }
  o.ideal_ms = (uint64_t)ca->ideal_cycle_ms * (o.good + o.reject);
  return o;
}

static int enc_sum(fh_buf *b, const product_sum *s) {
  return fh_enc_map(b, 6) || fh_enc_str(b, "product") ||
         (s->product ? fh_enc_str(b, s->product) : fh_enc_nil(b)) ||
         fh_enc_str(b, "good") || fh_enc_uint(b, s->good) ||
         fh_enc_str(b, "reject") || fh_enc_uint(b, s->reject) ||
         fh_enc_str(b, "ideal_ms") || fh_enc_uint(b, s->ideal_ms) ||
         fh_enc_str(b, "run_ms") || fh_enc_uint(b, s->run_ms) ||
         fh_enc_str(b, "performance") || fh_enc_double(b, ratio(s->ideal_ms, s->run_ms));
}

static int enc_by_product(hub *h, size_t li, int64_t end, fh_buf *b) {
  const model_shift_runs *sr = &h->model->lines[li].sruns;
  product_sum sums[SHIFT_RUNS_MAX + 1], rest;
  size_t n = 0;
  int rc;

  for (size_t i = 0; i < sr->n; i++) {
    product_sum *s = sum_of(sums, &n, sr->e[i].r.product);
    s->good += sr->e[i].good;
    s->reject += sr->e[i].reject;
    s->ideal_ms += sr->e[i].ideal_ms;
    s->run_ms += entry_run_ms(h, li, &sr->e[i], end);
  }
  rest = no_run(h, li, end, sums, n);
  if (rest.good + rest.reject > 0 || rest.run_ms > 0) sums[n++] = rest;
  rc = fh_enc_str(b, "by_product") || fh_enc_array(b, (uint32_t)n);
  for (size_t i = 0; rc == 0 && i < n; i++) rc = enc_sum(b, &sums[i]);
  return rc;
}

int shift_runs_report(hub *h, size_t li, int64_t end_ms, fh_buf *b) {
  return enc_runs(h, li, end_ms, b) || enc_by_product(h, li, end_ms, b) ? -ENOMEM : 0;
}

/* 1 if the n bytes at k are a key of the report beyond the oee record. */
static int report_key(const fh_strv k) {
  static const char *const keys[] = {"target", "target_source", "expected_now",
                                     "variance", "hourly", "runs", "by_product"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (k.n == strlen(keys[i]) && memcmp(k.p, keys[i], k.n) == 0) return 1;
  return 0;
}

int shift_runs_record_keys(const uint8_t *raw, size_t len, uint8_t **keys,
                           size_t *klen, uint32_t *nkeys) {
  fh_mp_cursor c = {raw, raw + len};
  fh_buf b;
  uint32_t n;
  int rc = 0;

  *keys = NULL;
  *klen = 0;
  *nkeys = 0;
  if (fh_mp_read_map(&c, &n) < 0) return -EINVAL;
  fh_buf_init(&b, 0);
  for (uint32_t i = 0; rc == 0 && i < n; i++) {
    const uint8_t *at = c.p;
    fh_strv k;
    if (fh_mp_read_str(&c, &k) < 0 || fh_mp_skip(&c) < 0) rc = -EINVAL;
    else if (report_key(k) && fh_buf_append(&b, at, (size_t)(c.p - at)) != 0) rc = -ENOMEM;
    else if (report_key(k)) (*nkeys)++;
  }
  if (rc == 0 && b.len > 0) {
    *keys = b.data; /* head 0: the bytes start at data */
    *klen = b.len;
    return 0;
  }
  fh_buf_free(&b);
  if (rc != 0) *nkeys = 0;
  return rc;
}
