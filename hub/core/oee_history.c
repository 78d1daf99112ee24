/* oee_history.c -- oee.history: OEE of a line or the plant per shift, day,
 * week or month, from the stored shift records plus the running shift.
 *
 * A read, open to every role; a token with a `lines` claim sees only its
 * lines (scope line: forbidden outside them; scope plant: the plant of its
 * lines).  The store keeps a line's closed shifts under "rec/<line>/" and
 * an equipment's under "eqr/<equipment>/", + the shift start as u64
 * big-endian (history.h), so one prefix scan per line (or the equipment)
 * visits them in time order and the range is checked on the key before a
 * record is decoded.  Rows are summed by the rules (hist_rows, history.h),
 * kept sorted by start, and sent FH_HISTORY_PAGE_ROWS at a time: the
 * answer carries `cursor` (the next row's start) when more remain, and the
 * same request with that cursor gets the next page.  The scan runs on the
 * loop in one read transaction per line, like dt.list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fh_history.h"
#include "history.h"
#include "history_by.h"
#include "history_scope.h"
#include "model.h"
#include "oee_history.h"

/* Sums the closed shifts of owner id (one prefix scan) and, inside a
 * shift, the running one (open). */
static int scan_owner(hub *h, hist_rows *sc, hist_owner owner, const char *id,
                      const fh_oee *open) {
  uint8_t prefix[HIST_KEY_MAX];
  size_t n = hist_record_prefix(owner, id, prefix);
  int rc = n ? fh_store_scan(h->store, FH_T_SHIFTS, prefix, n, hist_rows_record, sc)
             : -EINVAL;
  if (rc < 0) return rc;
  if (sc->rc == 0 && h->model->in_shift) hist_rows_add(sc, open, 1);
  return sc->rc;
}

/* The rows of one equipment: its records and its running shift. */
static int scan_equipment(hub *h, hist_rows *sc, size_t ei) {
  const char *id = h->plant->equipment[ei].id;
  fh_oee *open = calloc(1, sizeof *open);
  int rc;
  if (open == NULL) return -ENOMEM;
  oee_acc_compute(&h->model->eqs[ei].acc, hub_now_ms(h), id, open);
  rc = scan_owner(h, sc, HIST_EQUIPMENT, id, open);
  free(open);
  return rc;
}

/* Validates the request; fills the scope and the group.  0, or -1 with
 * the err sent. */
static int history_args(hub *h, session *s, const fh_request *req,
                        history_scope *scope, hist_group *group) {
  int gi = hist_group_parse(req->u.history.group.p, req->u.history.group.n);
  if (history_scope_parse(h, s, req, scope) != 0) return -1;
  if (gi < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "group",
                     "group must be shift, day, week or month");
    return -1;
  }
  *group = (hist_group)gi;
  return 0;
}

void oee_history_row(const hist_acc *a, fh_hist_row *r) {
  memset(r, 0, sizeof *r);
  r->start = a->start;
  r->end = a->end;
  r->planned_ms = a->planned_ms;
  r->run_ms = a->run_ms;
  r->not_monitored_ms = a->not_monitored_ms;
  r->good = a->good;
  r->reject = a->reject;
  r->open = a->open;
  r->has_target = (uint8_t)a->has_target;
  r->target = a->target;
  hist_figures(a, &r->availability, &r->performance, &r->quality, &r->oee);
}

/* Sends the page of rows starting at the request's cursor. */
static void send_page(hub *h, session *s, const fh_request *req, const hist_acc *rows,
                      size_t nrows) {
  fh_hist_row page[FH_HISTORY_PAGE_ROWS];
  size_t first = 0, n = 0;
  while (first < nrows && rows[first].start < req->u.history.cursor) first++;
  for (; n < FH_HISTORY_PAGE_ROWS && first + n < nrows; n++) {
    oee_history_row(&rows[first + n], &page[n]);
  }
  fh_buf_reset(&h->enc);
  if (fh_enc_ok_history(&h->enc, req->has_id, req->id, page, n, first + n < nrows,
                        first + n < nrows ? rows[first + n].start : 0) == 0)
    session_send(s, &h->enc, FH_MSG_OK);
}

/* Runs the scan of the records in scope into sc. */
static int scan_scope(hub *h, const history_scope *scope, hist_rows *sc) {
  int rc = 0;
  if (scope->equipment >= 0) return scan_equipment(h, sc, (size_t)scope->equipment);
  for (size_t li = 0; rc == 0 && li < h->model->nlines; li++)
    if (history_scope_has_line(scope, li))
      rc = scan_owner(h, sc, HIST_LINE, h->plant->lines[li].id, &h->model->lines[li].oee);
  return rc;
}

int oee_history_visit(hub *h, const history_scope *scope, int64_t from, int64_t to,
                      oee_history_visit_fn visit, void *arg) {
  hist_rows sc;
  hist_rows_init(&sc, HIST_SHIFT, from, to);
  sc.visit = visit;
  sc.arg = arg;
  return scan_scope(h, scope, &sc);
}

int oee_history_rows(hub *h, const history_scope *scope, hist_group group,
                     int64_t from, int64_t to, hist_acc **rows, size_t *n) {
  hist_rows sc;
  int rc;
  hist_rows_init(&sc, group, from, to);
  rc = scan_scope(h, scope, &sc);
  if (rc < 0) {
    hist_rows_free(&sc);
    return rc;
  }
  *rows = sc.rows;
  *n = sc.n;
  return 0;
}

void oee_history_handle(hub *h, session *s, const fh_request *req) {
  history_scope scope;
  hist_acc *rows = NULL;
  hist_group group;
  size_t n = 0;
  int rc;

  if (history_args(h, s, req, &scope, &group) != 0) return;
  if (req->u.history.by.n > 0) {
    history_by_handle(h, s, req, &scope, group);
    return;
  }
  rc = oee_history_rows(h, &scope, group, req->u.history.from, req->u.history.to,
                        &rows, &n);
  if (rc < 0)
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "cannot read the shift records: %s", fh_store_strerror(rc));
  else
    send_page(h, s, req, rows, n);
  free(rows);
}
