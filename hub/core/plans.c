/* plans.c -- the plan.set request and the plans of the running shift (see
 * plans.h; the scoreboard is in scoreboard.c).
 *
 * Order of checks, as for every write (writes.c): the line exists
 * (not_found), the role table and the token's lines (forbidden), the
 * values (bad_request: target_qty over 10^9; a shift_start that is not the
 * start of a shift in the calendar, or of a shift already over; no
 * shift_start outside shift hours).  Then the plan, the audit event
 * `plan.set` and the idempotency record ('P' and the plan) go into the
 * batch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "plans.h"
#include "target.h"
#include "writes.h"

/* "plan/<line>/" and the shift start, big-endian. */
static size_t plan_key(const char *line, int64_t start, uint8_t *key,
                       size_t cap) {
  int n = snprintf((char *)key, cap, "plan/%s/", line);
  if (n < 0 || (size_t)n + 8 > cap) return 0;
  model_andon_key((uint64_t)start, key + n);
  return (size_t)n + 8;
}

static int load_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  (void)key;
  (void)klen;
  return fh_dec_plan(&c, arg) == 0 ? 1 : -EINVAL;
}

int plans_read(hub *h, size_t li, int64_t start, fh_plan *out) {
  uint8_t key[5 + FH_ID_MAX + 1 + 8];
  size_t klen = plan_key(h->plant->lines[li].id, start, key, sizeof key);

  memset(out, 0, sizeof *out);
  if (klen == 0) return -ENOENT;
  if (fh_store_get(h->store, FH_T_SHIFTS, key, klen, load_cb, out) < 0 ||
      out->shift_start != start) {
    if (out->line[0] != '\0')
      log_warn("line %s: unreadable plan record ignored", h->plant->lines[li].id);
    memset(out, 0, sizeof *out);
    return -ENOENT;
  }
  return 0;
}

void plans_shift_begin(hub *h) {
  model *m = h->model;
  m->nhours = m->in_shift ? target_hours(&m->shift, m->hour_starts,
                                         TARGET_HOURS_MAX)
                          : 0;
  for (size_t li = 0; li < m->nlines; li++) {
    fh_plan *pl = &m->lines[li].plan;
    memset(pl, 0, sizeof *pl);
    if (m->in_shift) plans_read(h, li, m->shift.start_ms, pl);
  }
}

void plans_undo(hub *h, pending *p) {
  if (p->kind != PENDING_PLAN) return;
  h->model->lines[p->plan_line].plan = p->plan_old;
  h->model->lines[p->plan_line].oee_dirty = 1;
}

/* The shift the plan is for into *start.  0, or -1 with bad_request sent. */
static int plan_shift(hub *h, session *s, const fh_request *req,
                      int64_t *start) {
  const model *m = h->model;
  int64_t now = hub_now_ms(h), from = m->in_shift ? m->shift.start_ms : now;
  shift_window w;

  *start = req->u.plan.shift_start;
  if (*start == 0 && m->in_shift) *start = m->shift.start_ms;
  else if (*start == 0) goto none;
  if (shift_window_at(h->plant->shifts, h->plant->nshifts, *start, &w) != 0 ||
      w.start_ms != *start) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "shift_start",
                     "%lld is not the start of a shift in the calendar",
                     (long long)*start);
    return -1;
  }
  if (*start >= from) return 0;
  session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "shift_start",
                   "that shift is over: a plan is for the current or a later "
                   "shift");
  return -1;
none:
  session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "shift_start",
                   "no shift is running: give the shift_start of a later one");
  return -1;
}

/* The plan's records: the plan, the audit event, the idempotency record. */
static int queue_records(hub *h, const session *s, pending *pw) {
  uint8_t key[5 + FH_ID_MAX + 1 + 8];
  size_t klen = plan_key(pw->plan_new.line, pw->plan_new.shift_start, key,
                         sizeof key);
  int rc;

  fh_buf_reset(&h->enc);
  if (klen == 0 || fh_enc_plan(&h->enc, &pw->plan_new) != 0) return -ENOMEM;
  if ((rc = fh_batch_put(h->batch, FH_T_SHIFTS, key, klen,
                         fh_buf_payload(&h->enc),
                         fh_buf_payload_len(&h->enc))) != 0 ||
      (rc = fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via,
                               "plan.set", fh_buf_payload(&h->enc),
                               fh_buf_payload_len(&h->enc))) != 0)
    return rc;
  return writes_record_idem(h, pw, 'P');
}

void plans_handle(hub *h, session *s, const fh_request *req, const char *key) {
  char line[FH_ID_MAX + 1];
  model_line *ml;
  int64_t start;
  pending *pw;
  long li;

  writes_copy_view(line, sizeof line, req->u.plan.line);
  if ((li = model_line_index(h, line)) < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "line",
                     "no line '%s'", line);
    return;
  }
  if (writes_forbidden(s, req, NULL, line)) return;
  if (req->u.plan.target_qty > TARGET_QTY_MAX) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "target_qty",
                     "target_qty must be 0..%llu pieces",
                     (unsigned long long)TARGET_QTY_MAX);
    return;
  }
  if (plan_shift(h, s, req, &start) != 0) return;
  if ((pw = writes_pending(h, s, req, key)) == NULL) goto nomem;
  ml = &h->model->lines[li];
  pw->kind = PENDING_PLAN;
  pw->plan_line = (size_t)li;
  pw->plan_old = ml->plan;
  pw->plan_new = (fh_plan){.shift_start = start,
                           .target_qty = req->u.plan.target_qty,
                           .set_at = hub_now_ms(h)};
  snprintf(pw->plan_new.line, sizeof pw->plan_new.line, "%s", line);
  snprintf(pw->plan_new.set_by, sizeof pw->plan_new.set_by, "%s", s->user);
  if (h->model->in_shift && start == h->model->shift.start_ms) {
    ml->plan = pw->plan_new;
    ml->oee_dirty = 1;
  }
  if (queue_records(h, s, pw) != 0) goto nomem;
  log_info("plan for %s, shift of %lld: %llu pieces, set by %s", line,
           (long long)start, (unsigned long long)pw->plan_new.target_qty, s->user);
  writes_after_queue(h);
  return;
nomem:
  writes_queue_failed(h, s, req);
}
