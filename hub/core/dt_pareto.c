/* dt_pareto.c -- dt.pareto {scope, line?, equipment?, from, to, top?}: the
 * stop time of a line, an equipment or the plant over a period, by reason,
 * largest first (the rules: hub/rules/pareto.h).
 *
 * A read, open to every role, limited to the token's `lines` claim like
 * oee.history (history_scope.h).  The stops come from the store (every
 * committed stop, the open ones as last written, lasting until now), read
 * on the loop in one read transaction like dt.list: stops are keyed by id,
 * so the scan visits every stop kept and filters on line, equipment and
 * range.  The answer is one page: a reason tree has far fewer leaves than
 * fit in 64 KiB, and `top` folds the tail.
 */
#include "dt_pareto.h"

#include <string.h>

#include "history_scope.h"
#include "model.h"
#include "pareto.h"
#include "stops.h"

typedef struct pareto_scan {
  hub *h;                 /* the hub (plant, limits) */
  history_scope scope;    /* which lines or equipment */
  int64_t from, to, now;  /* the range; an open stop lasts until now */
  pareto pa;              /* the rows */
  int rc;                 /* -ENOMEM: stop */
} pareto_scan;

static int stop_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  pareto_scan *sc = arg;
  dt_event ev;
  (void)key;
  (void)klen;
  if (!history_scope_stop(sc->h, &sc->scope, val, vlen, sc->from, sc->to, sc->now, &ev))
    return 0;
  return sc->rc = pareto_add(&sc->pa, &ev.d, sc->from, sc->to, sc->now);
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
  rc = fh_store_scan(h->store, FH_T_DOWNTIME, NULL, 0, stop_cb, &sc);
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
