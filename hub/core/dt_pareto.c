/* dt_pareto.c -- dt.pareto {scope, line?, equipment?, from, to, top?}: the
 * stop time of a line, an equipment or the plant over a period, by reason,
 * largest first (the rules: hub/rules/pareto.h).
 *
 * A read, open to every role, limited to the token's `lines` claim like
 * oee.history (history_scope.h).  The stops come from the store (every
 * committed stop, the open ones as last written, lasting until now), read
 * on the loop through the stop index (stop_scan.h), one read transaction
 * per line in scope, from the index entries alone (their end, reason and
 * category are all a row needs): the cost is the stops of the period, not
 * every stop kept; the callback still filters on equipment and overlap.
 * The answer is one page: a reason tree has far fewer leaves than fit in
 * 64 KiB, and `top` folds the tail.
 */
#include "dt_pareto.h"

#include <stdio.h>
#include <string.h>

#include "history_scope.h"
#include "model.h"
#include "pareto.h"
#include "stop_scan.h"
#include "stops.h"

typedef struct pareto_scan {
  hub *h;                 /* the hub (plant, limits) */
  history_scope scope;    /* which lines or equipment */
  int64_t from, to, now;  /* the range; an open stop lasts until now */
  pareto pa;              /* the rows */
  dt_limits lim;          /* the thresholds of the line being read */
  int rc;                 /* -ENOMEM: stop */
} pareto_scan;

/* One stop, from its index entry: its part in the range goes to its row,
 * classified as dt_refresh and dt_loss would (short below the line's
 * threshold, unclassified without a reason). */
static int entry_cb(void *arg, const dt_index_entry *e) {
  pareto_scan *sc = arg;
  fh_downtime d;
  if (sc->scope.equipment >= 0 &&
      strcmp(e->equipment, sc->h->plant->equipment[sc->scope.equipment].id) != 0)
    return 0;
  d.start = e->start;
  d.end = e->end;
  d.short_stop = e->end != 0 && (uint64_t)(e->end - e->start) < sc->lim.short_ms;
  snprintf(d.reason, sizeof d.reason, "%s", e->reason);
  snprintf(d.category, sizeof d.category, "%s", e->category);
  return sc->rc = pareto_add(&sc->pa, &d, sc->from, sc->to, sc->now);
}

void dt_pareto_handle(hub *h, session *s, const fh_request *req) {
  pareto_scan sc;
  int rc;

  memset(&sc, 0, sizeof sc);
  if (history_scope_parse(h, s, req, &sc.scope) != 0) return;
  if (req->u.history.top < 0 || req->u.history.top > PARETO_TOP_MAX) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "top",
                     "top must be 0..%d (0: every row)", PARETO_TOP_MAX);
    return;
  }
  sc.h = h;
  sc.from = req->u.history.from;
  sc.to = req->u.history.to;
  sc.now = hub_now_ms(h);
  pareto_init(&sc.pa);
  rc = 0;
  for (size_t li = 0; rc == 0 && sc.rc == 0 && li < h->plant->nlines; li++)
    if (history_scope_has_line(&sc.scope, li)) {
      sc.lim = stops_limits(h, li);
      rc = stop_scan_entries(h, li, sc.from, sc.to, entry_cb, &sc);
    }
  if (rc < 0 || sc.rc < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the stops: %s", fh_store_strerror(rc < 0 ? rc : sc.rc));
  } else {
    pareto_finish(&sc.pa, (size_t)req->u.history.top);
    fh_buf_reset(&h->enc);
    if (fh_enc_ok_pareto(&h->enc, req->has_id, req->id, sc.pa.rows, sc.pa.n) == 0)
      session_send(s, &h->enc, FH_MSG_OK);
  }
  pareto_free(&sc.pa);
}
