/* oee_samples.c -- per-minute OEE samples of the running shift (see oee_samples.h).
 *
 * The tick takes a sample of every line when the minute changes while a
 * shift runs: the figures oee/<line> publishes then (A, P, Q, OEE, good,
 * reject) and the line's state, stored under "smp/<line>/" + the minute as
 * u64 big-endian (history.h) in the next group commit.  So the chart of a
 * shift comes from the hub, not from how long a page was open; a minute
 * when the hub was down has no sample (the chart shows the gap).  Samples
 * are kept samples_days (plant file), then retention.c deletes them.
 *
 * oee.samples {line, from, to, cursor?} reads them back with one prefix
 * scan from max(from, cursor), in time order, FH_SAMPLES_PAGE at a time:
 * the answer has `cursor` (the next sample's t) when more remain.
 */
#include "oee_samples.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fh_history.h"
#include "history.h"
#include "history_scope.h"
#include "log.h"
#include "model.h"

int samples_due(const hub *h, int64_t now) {
  return h->model->in_shift &&
         now / SAMPLE_EVERY_MS != h->model->sampled_ms / SAMPLE_EVERY_MS;
}

void samples_take(hub *h, int64_t now) {
  int64_t minute = now / SAMPLE_EVERY_MS * SAMPLE_EVERY_MS;
  uint8_t key[HIST_KEY_MAX];
  h->model->sampled_ms = now;
  for (size_t li = 0; li < h->model->nlines; li++) {
    const model_line *ml = &h->model->lines[li];
    fh_sample smp = {minute, ml->oee.availability, ml->oee.performance, ml->oee.quality,
                     ml->oee.oee, ml->oee.good, ml->oee.reject, ml->l.state};
    size_t klen = hist_record_key(HIST_SAMPLES, h->plant->lines[li].id, minute, key);
    fh_buf_reset(&h->enc);
    if (klen == 0 || fh_enc_sample(&h->enc, &smp) != 0 ||
        fh_batch_put(h->batch, FH_T_SHIFTS, key, klen, fh_buf_payload(&h->enc),
                     fh_buf_payload_len(&h->enc)) != 0)
      log_error("OEE sample of %s: out of memory", h->plant->lines[li].id);
  }
}

typedef struct sample_scan {
  uint8_t prefix[HIST_KEY_MAX];       /* "smp/<line>/" */
  size_t plen;                        /* its length */
  int64_t to;                         /* samples before this */
  fh_sample page[FH_SAMPLES_PAGE];    /* what is sent */
  size_t n;                           /* entries used */
  int64_t next;                       /* t of the first not sent, 0: none */
} sample_scan;

static int sample_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  sample_scan *sc = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  int64_t t = hist_key_start(key, klen);
  if (klen != sc->plen + 8 || memcmp(key, sc->prefix, sc->plen) != 0 || t >= sc->to)
    return 1; /* past the line's samples, or past the range */
  if (sc->n == FH_SAMPLES_PAGE) {
    sc->next = t;
    return 1;
  }
  if (fh_dec_sample(&c, &sc->page[sc->n]) == 0) sc->n++;
  return 0;
}

/* Scans line li's samples from `from` on into sc. */
static int scan(hub *h, size_t li, int64_t from, sample_scan *sc) {
  uint8_t start[HIST_KEY_MAX];
  size_t klen = hist_record_key(HIST_SAMPLES, h->plant->lines[li].id, from < 0 ? 0 : from,
                                start);
  int rc;
  sc->plen = hist_record_prefix(HIST_SAMPLES, h->plant->lines[li].id, sc->prefix);
  if (sc->plen == 0 || klen == 0) return -EINVAL;
  rc = fh_store_scan_from(h->store, FH_T_SHIFTS, start, klen, sample_cb, sc);
  return rc < 0 ? rc : 0;
}

void oee_samples_handle(hub *h, session *s, const fh_request *req) {
  static const fh_strv line_scope = {"line", 4};
  fh_request q = *req;
  history_scope scope;
  sample_scan *sc;
  int64_t from = req->u.history.cursor > req->u.history.from ? req->u.history.cursor
                                                             : req->u.history.from;
  int rc;

  q.u.history.scope = line_scope;
  if (history_scope_parse(h, s, &q, &scope) != 0) return;
  if ((sc = calloc(1, sizeof *sc)) == NULL) return;
  sc->to = req->u.history.to;
  rc = scan(h, (size_t)scope.line, from, sc);
  fh_buf_reset(&h->enc);
  if (rc < 0)
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the samples: %s", fh_store_strerror(rc));
  else if (fh_enc_ok_samples(&h->enc, req->has_id, req->id, sc->page, sc->n, sc->next != 0,
                             sc->next) == 0)
    session_send(s, &h->enc, FH_MSG_OK);
  free(sc);
}
