/* stop_list.c -- dt.list {line, from, to, unclassified?}: the stops of a
 * line that overlap [from, to), newest first, at most FH_DT_LIST_MAX
 * (`more: true` when the answer was cut).  A read, open to every role; a
 * token with a `lines` claim sees only its lines.  `unclassified: true`
 * keeps the stops that still need an operator: no reason and not short.
 *
 * The answer comes from the store (every committed stop), read on the
 * loop in one read transaction through the stop index (stop_scan.h): the
 * line's stops that may overlap the range, then filtered exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "stop_writes.h"
#include "stop_scan.h"
#include "stops.h"

typedef struct list_scan {
  const char *line;      /* the line asked for */
  int64_t from, to;      /* the range, ms */
  int64_t now;           /* an open stop lasts until now */
  int unclassified;      /* only stops that need a reason */
  dt_limits lim;         /* the line's thresholds */
  fh_downtime *evs;      /* what matched */
  size_t n, cap;         /* entries used, allocated */
  int rc;                /* -ENOMEM when out of memory */
} list_scan;

static int matches(const list_scan *sc, dt_event *ev) {
  int64_t end = ev->d.end ? ev->d.end : sc->now;
  if (strcmp(ev->d.line, sc->line) != 0) return 0;
  if (ev->d.start >= sc->to || end <= sc->from) return 0;
  dt_refresh(ev, sc->now, &sc->lim);
  return !sc->unclassified || (ev->d.reason[0] == '\0' && !ev->d.short_stop);
}

static int list_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  list_scan *sc = arg;
  dt_event ev;
  (void)key;
  (void)klen;
  if (dt_decode(&ev, val, vlen) != 0 || !matches(sc, &ev)) return 0;
  if (sc->n == sc->cap) {
    size_t cap = sc->cap ? 2 * sc->cap : 64;
    fh_downtime *evs = realloc(sc->evs, cap * sizeof *evs);
    if (evs == NULL) return sc->rc = -ENOMEM;
    sc->evs = evs;
    sc->cap = cap;
  }
  sc->evs[sc->n++] = ev.d;
  return 0;
}

static int newest_first(const void *a, const void *b) {
  const fh_downtime *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? 1 : -1;
  return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The request's line and range; 0, or -1 with the err sent. */
static int list_args(hub *h, session *s, const fh_request *req, char *line,
                     long *li) {
  int n = snprintf(line, FH_ID_MAX + 1, "%.*s", (int)req->u.dt_list.line.n,
                   req->u.dt_list.line.p);
  if (n < 0 || (*li = model_line_index(h, line)) < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "line", "no line '%s'", line);
    return -1;
  }
  if (!session_line_allowed(s, (size_t)*li)) {
    session_send_err(s, req->has_id, req->id, FH_E_FORBIDDEN, "line",
                     "line %s is not in this token's lines", line);
    return -1;
  }
  if (req->u.dt_list.to <= req->u.dt_list.from) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "to",
                     "to must be after from");
    return -1;
  }
  return 0;
}

void stop_list_handle(hub *h, session *s, const fh_request *req) {
  char line[FH_ID_MAX + 1];
  list_scan sc;
  size_t n;
  long li;
  int rc;

  if (list_args(h, s, req, line, &li) != 0) return;
  memset(&sc, 0, sizeof sc);
  sc.line = line;
  sc.from = req->u.dt_list.from;
  sc.to = req->u.dt_list.to;
  sc.now = hub_now_ms(h);
  sc.unclassified = req->u.dt_list.unclassified;
  sc.lim = stops_limits(h, (size_t)li);
  rc = stop_scan_line(h, (size_t)li, sc.from, sc.to, list_cb, &sc);
  if (rc < 0 || sc.rc < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the stops: %s", fh_store_strerror(rc < 0 ? rc : sc.rc));
    free(sc.evs);
    return;
  }
  if (sc.n > 1) qsort(sc.evs, sc.n, sizeof *sc.evs, newest_first);
  n = sc.n > FH_DT_LIST_MAX ? FH_DT_LIST_MAX : sc.n;
  fh_buf_reset(&h->enc);
  if (fh_enc_ok_downtimes(&h->enc, req->has_id, req->id, sc.evs, n, sc.n > n, 0) == 0)
    session_send(s, &h->enc, FH_MSG_OK);
  free(sc.evs);
}
