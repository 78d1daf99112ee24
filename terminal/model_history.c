/* model_history.c -- the report line's history: the closed shifts the
 * report view steps through and the day table (model.h).
 *
 * Both come from oee.history answers (PROTOCOL.md section 10), decoded
 * with fh_dec_hist_row: group "shift" gives one row per stored shift, of
 * which the closed ones (not `open`) are the shifts shift.report can
 * answer; their starts are merged into one ascending list, so an older
 * window asked later extends it.  Group "day" gives one row per local day
 * of the plant; the first row of a range that does not start at the
 * plant's midnight holds only part of its day, so only rows whose start is
 * inside the range are kept.  A day's top loss is the first row of a
 * dt.pareto answer with top 1 (largest first).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

static int body_is_rows(const fh_event *ev) {
  return ev->type == FH_MSG_OK && ev->body_key.n == 4 && memcmp(ev->body_key.p, "rows", 4) == 0;
}

void ft_model_hist_reset(model *m, const char *line) {
  memset(&m->hist, 0, sizeof m->hist);
  snprintf(m->hist.line, sizeof m->hist.line, "%s", line);
}

/* Inserts start into the ascending list unless it is there or full. */
static void add_shift(model_history *h, int64_t start) {
  size_t i = 0;
  while (i < h->nshifts && h->shifts[i] < start) i++;
  if ((i < h->nshifts && h->shifts[i] == start) || h->nshifts == MODEL_SHIFTS_MAX) return;
  memmove(&h->shifts[i + 1], &h->shifts[i], (h->nshifts - i) * sizeof h->shifts[0]);
  h->shifts[i] = start;
  h->nshifts++;
}

int ft_model_hist_shifts(model *m, const fh_event *ev, int64_t from) {
  fh_mp_cursor c = ev->body;
  fh_hist_row r;
  uint32_t n;
  if (!body_is_rows(ev) || fh_mp_read_array(&c, &n) < 0) return -EINVAL;
  for (uint32_t i = 0; i < n; i++) {
    if (fh_dec_hist_row(&c, &r) != 0) return -EINVAL;
    if (!r.open) add_shift(&m->hist, r.start);
  }
  if (m->hist.shifts_from == 0 || from < m->hist.shifts_from) m->hist.shifts_from = from;
  return 0;
}

void ft_model_hist_days(model *m, const fh_event *ev, int64_t from) {
  model_history *h = &m->hist;
  fh_mp_cursor c = ev->body;
  fh_hist_row r;
  uint32_t n = 0;
  int ok = body_is_rows(ev) && fh_mp_read_array(&c, &n) == 0;
  h->ndays = 0;
  for (uint32_t i = 0; ok && i < n; i++) {
    if (fh_dec_hist_row(&c, &r) != 0) {
      ok = 0;
    } else if (r.start >= from) { /* a whole day: keep the last MODEL_DAYS */
      if (h->ndays == MODEL_DAYS)
        memmove(&h->days[0], &h->days[1], (--h->ndays) * sizeof h->days[0]);
      memset(&h->days[h->ndays], 0, sizeof h->days[0]);
      h->days[h->ndays++].row = r;
    }
  }
  h->days_state = ok ? REPORT_OK : REPORT_ERR;
  if (ev->type == FH_MSG_ERR)
    snprintf(h->err, sizeof h->err, "%s: %.*s", fh_err_code_name(ev->code), (int)ev->msg.n,
             ev->msg.p);
  else if (!ok)
    snprintf(h->err, sizeof h->err, "the hub's answer could not be read");
}

void ft_model_hist_top(model *m, size_t i, const fh_event *ev) {
  fh_mp_cursor c = ev->body;
  uint32_t n;
  model_day *d = i < m->hist.ndays ? &m->hist.days[i] : NULL;
  if (d == NULL || !body_is_rows(ev) || fh_mp_read_array(&c, &n) < 0 || n == 0) return;
  d->has_top = fh_dec_pareto_row(&c, &d->top) == 0;
}

int64_t ft_model_hist_step(const model *m, int64_t start, int delta) {
  const model_history *h = &m->hist;
  size_t i = 0;
  while (i < h->nshifts && h->shifts[i] != start) i++;
  if (i == h->nshifts) return 0;
  if (delta < 0) return (size_t)-delta <= i ? h->shifts[i - (size_t)-delta] : 0;
  return i + (size_t)delta < h->nshifts ? h->shifts[i + (size_t)delta] : 0;
}
