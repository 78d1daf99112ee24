/* history_by.c -- oee.history {..., by}: each period broken down.
 *
 *   by "equipment"  (scope line) one row per period and equipment, from the
 *                   equipment's own shift records: the figures of a row
 *                   of oee.history plus `equipment`, in plant order;
 *   by "category"   one row per period and loss category with its stop
 *                   time, summed from the records' `losses` (so a single
 *                   shift's rows are its shift.report losses exactly);
 *   by "reason"     one row per period and reason, from the stops, as
 *                   dt.pareto makes them (pareto.h): the part of each stop
 *                   inside the period and inside [from, to), largest first;
 *                   the stops of each line in scope are read through the
 *                   stop index (stop_scan.h): those of the range only.
 *   by "product"    (scope line or plant) one row per period and product,
 *                   from the records' by_product (history_product.c).
 *
 * Pages hold whole periods: rows are added while fewer than
 * FH_HISTORY_PAGE_ROWS are on the page or the period goes on, so `cursor`
 * (the next row's start) always begins a period.
 */
#include "history_by.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "downtime.h"
#include "fh_history.h"
#include "history_product.h"
#include "model.h"
#include "oee_history.h"
#include "pareto.h"
#include "stop_scan.h"
#include "stops.h"

/* One period's breakdown while it is summed. */
typedef struct by_period {
  int64_t start, end;              /* the period */
  uint64_t losses[FH_LOSS__TIME];  /* by category: summed stop time */
  pareto pa;                       /* by reason: the stops' time */
} by_period;

typedef struct by_scan {
  hub *h;                 /* the hub */
  history_scope scope;    /* what is summed */
  hist_group group;       /* the periods */
  int64_t from, to, now;  /* the range; an open stop lasts until now */
  by_period *p;           /* by start, ascending */
  size_t n, cap;          /* entries used, allocated */
} by_scan;

/* The period [start, end) (inserted, zeroed, if new); NULL on ENOMEM. */
static by_period *period_at(by_scan *sc, int64_t start, int64_t end) {
  by_period *p = hist_slot(&sc->p, &sc->n, &sc->cap, sizeof *sc->p, start);
  if (p != NULL) p->end = end; /* a zeroed pareto is an empty one */
  return p;
}

/* ------------------------------------------------------------ category */

static int category_visit(void *arg, const fh_oee *rec, const uint8_t *raw,
                          size_t rawlen, int open) {
  by_scan *sc = arg;
  int64_t start, end;
  by_period *p;
  (void)raw;
  (void)rawlen;
  (void)open;
  if (hist_period(sc->group, rec->shift_start, rec->shift_end, &start, &end) != 0)
    return -EINVAL;
  if ((p = period_at(sc, start, end)) == NULL) return -ENOMEM;
  for (int c = 0; c < FH_LOSS__TIME; c++) p->losses[c] += rec->losses[c];
  return 0;
}

/* -------------------------------------------------------------- reason */

/* The period holding t, or (between shifts) the next shift: [*start, *end). */
static int period_of(const by_scan *sc, int64_t t, int64_t *start, int64_t *end) {
  const plant *pl = sc->h->plant;
  shift_window w;
  if (sc->group != HIST_SHIFT) return hist_period(sc->group, t, t, start, end);
  if (shift_window_at(pl->shifts, pl->nshifts, t, &w) != 0 &&
      shift_next(pl->shifts, pl->nshifts, t, &w) != 0)
    return -ENOENT;
  *start = w.start_ms;
  *end = w.end_ms;
  return 0;
}

/* Adds stop d to every period it overlaps inside [from, to). */
static int add_stop(by_scan *sc, const fh_downtime *d) {
  int64_t t = d->start > sc->from ? d->start : sc->from;
  int64_t stop_end = d->end != 0 ? d->end : sc->now;
  while (t < stop_end && t < sc->to) {
    int64_t ps, pe;
    by_period *p;
    if (period_of(sc, t, &ps, &pe) != 0) return 0;
    if (ps < sc->to && (p = period_at(sc, ps, pe)) == NULL) return -ENOMEM;
    if (ps < sc->to &&
        pareto_add(&p->pa, d, ps > sc->from ? ps : sc->from, pe < sc->to ? pe : sc->to,
                   sc->now) != 0)
      return -ENOMEM;
    t = pe > t ? pe : t + 1;
  }
  return 0;
}

static int stop_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  by_scan *sc = arg;
  dt_event ev;
  (void)key;
  (void)klen;
  if (!history_scope_stop(sc->h, &sc->scope, val, vlen, sc->from, sc->to, sc->now, &ev))
    return 0;
  return add_stop(sc, &ev.d);
}

/* ------------------------------------------------------------ answers */

void history_page_of(const int64_t *starts, size_t n, int64_t cursor, size_t *first,
                    size_t *end) {
  size_t i = 0;
  while (i < n && starts[i] < cursor) i++;
  *first = i;
  while (i < n && (i - *first < FH_HISTORY_PAGE_ROWS || starts[i] == starts[i - 1])) i++;
  *end = i;
}

/* The category or reason rows of every period, in order. */
static int part_rows(by_scan *sc, int by_reason, fh_hist_part **out, size_t *n) {
  size_t cap = 0;
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < sc->n; i++) cap += by_reason ? sc->p[i].pa.n : FH_LOSS__TIME;
  if (cap > 0 && (*out = calloc(cap, sizeof **out)) == NULL) return -ENOMEM;
  for (size_t i = 0; i < sc->n; i++) {
    const by_period *p = &sc->p[i];
    size_t k = by_reason ? p->pa.n : FH_LOSS__TIME;
    for (size_t j = 0; j < k; j++) {
      fh_hist_part *r = &(*out)[(*n)++];
      r->start = p->start;
      r->end = p->end;
      r->has_reason = by_reason;
      snprintf(r->reason, sizeof r->reason, "%s", by_reason ? p->pa.rows[j].reason : "");
      snprintf(r->category, sizeof r->category, "%s",
               by_reason ? p->pa.rows[j].category : fh_loss_name((fh_loss)j));
      r->ms = by_reason ? p->pa.rows[j].ms : p->losses[j];
      r->count = by_reason ? p->pa.rows[j].count : 0;
    }
  }
  return 0;
}

static void send_parts(hub *h, session *s, const fh_request *req, by_scan *sc, int by_reason) {
  fh_hist_part *rows;
  int64_t *starts;
  size_t n, first, end;
  for (size_t i = 0; by_reason && i < sc->n; i++) pareto_finish(&sc->p[i].pa, 0);
  if (part_rows(sc, by_reason, &rows, &n) != 0) return;
  if ((starts = calloc(n ? n : 1, sizeof *starts)) != NULL) {
    for (size_t i = 0; i < n; i++) starts[i] = rows[i].start;
    history_page_of(starts, n, req->u.history.cursor, &first, &end);
    fh_buf_reset(&h->enc);
    if (fh_enc_ok_history_parts(&h->enc, req->has_id, req->id, rows + first, end - first,
                                end < n, end < n ? rows[end].start : 0) == 0)
      session_send(s, &h->enc, FH_MSG_OK);
  }
  free(starts);
  free(rows);
}

/* ----------------------------------------------------------- equipment */

/* A row of one equipment and its place in the plant (the sort's tie). */
typedef struct eq_row {
  fh_hist_row r;   /* the wire row, `equipment` set */
  size_t ei;       /* its index in plant.equipment */
} eq_row;

static int by_start_then_equipment(const void *a, const void *b) {
  const eq_row *x = a, *y = b;
  if (x->r.start != y->r.start) return x->r.start < y->r.start ? -1 : 1;
  return x->ei < y->ei ? -1 : x->ei > y->ei;
}

/* Every row of every equipment of the scope's line, in order. */
static int equipment_rows(by_scan *sc, eq_row **out, size_t *n) {
  const plant_line *pl = &sc->h->plant->lines[sc->scope.line];
  size_t cap = 0;
  *out = NULL;
  *n = 0;
  for (size_t e = 0; e < pl->nequipment; e++) {
    history_scope es = {sc->scope.line, (long)(pl->first_equipment + e), sc->scope.mask};
    hist_acc *acc = NULL;
    size_t m = 0;
    eq_row *grown;
    int rc = oee_history_rows(sc->h, &es, sc->group, sc->from, sc->to, &acc, &m);
    if (rc == 0 && m > 0 && (grown = realloc(*out, (cap = *n + m) * sizeof **out)) == NULL)
      rc = -ENOMEM;
    for (size_t i = 0; rc == 0 && i < m; i++) {
      (*out = grown)[*n].ei = pl->first_equipment + e;
      oee_history_row(&acc[i], &(*out)[*n].r);
      snprintf((*out)[*n].r.equipment, sizeof (*out)[*n].r.equipment, "%s",
               sc->h->plant->equipment[pl->first_equipment + e].id);
      (*n)++;
    }
    free(acc);
    if (rc != 0) return rc;
  }
  if (*n > 1) qsort(*out, *n, sizeof **out, by_start_then_equipment);
  return 0;
}

static void send_equipment(hub *h, session *s, const fh_request *req, by_scan *sc) {
  fh_hist_row page[FH_HISTORY_PAGE_ROWS + PLANT_EQUIPMENT_PER_LINE_MAX];
  eq_row *rows = NULL;
  int64_t *starts = NULL;
  size_t n = 0, first, end;
  int rc = equipment_rows(sc, &rows, &n);
  if (rc == 0 && (starts = calloc(n ? n : 1, sizeof *starts)) == NULL) rc = -ENOMEM;
  if (rc != 0) {
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the shift records: %s", fh_store_strerror(rc));
  } else {
    for (size_t i = 0; i < n; i++) starts[i] = rows[i].r.start;
    history_page_of(starts, n, req->u.history.cursor, &first, &end);
    for (size_t i = first; i < end; i++) page[i - first] = rows[i].r;
    fh_buf_reset(&h->enc);
    if (fh_enc_ok_history(&h->enc, req->has_id, req->id, page, end - first, end < n,
                          end < n ? rows[end].r.start : 0) == 0)
      session_send(s, &h->enc, FH_MSG_OK);
  }
  free(starts);
  free(rows);
}

/* ------------------------------------------------------------- handler */

static int is(fh_strv v, const char *word) {
  return v.n == strlen(word) && memcmp(v.p, word, v.n) == 0;
}

void history_by_handle(hub *h, session *s, const fh_request *req,
                       const history_scope *scope, hist_group group) {
  fh_strv by = req->u.history.by;
  by_scan sc = {h, *scope, group, req->u.history.from, req->u.history.to, hub_now_ms(h),
                NULL, 0, 0};
  const char *why = NULL;
  int rc = 0;

  if (is(by, "product") && scope->equipment >= 0)
    why = "by product needs scope line or plant";
  else if (is(by, "equipment") && scope->line < 0) why = "by equipment needs scope line";
  else if (is(by, "equipment") && scope->equipment >= 0) why = "by equipment needs scope line";
  else if (!is(by, "equipment") && !is(by, "category") && !is(by, "reason") &&
           !is(by, "product"))
    why = "by must be equipment, category, reason or product";
  if (why != NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "by", "%s", why);
    return;
  }
  if (is(by, "equipment")) {
    send_equipment(h, s, req, &sc);
    return;
  }
  if (is(by, "product")) {
    history_product_send(h, s, req, scope, group);
    return;
  }
  if (is(by, "category"))
    rc = oee_history_visit(h, scope, sc.from, sc.to, category_visit, &sc);
  for (size_t li = 0; is(by, "reason") && rc >= 0 && li < h->plant->nlines; li++)
    if (history_scope_has_line(scope, li)) /* the line's stops of the period */
      rc = stop_scan_line(h, li, sc.from, sc.to, stop_cb, &sc);
  if (rc < 0)
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the history: %s", fh_store_strerror(rc));
  else
    send_parts(h, s, req, &sc, is(by, "reason"));
  for (size_t i = 0; i < sc.n; i++) pareto_free(&sc.p[i].pa);
  free(sc.p);
}
