/* runs.c -- the run.start and run.end requests (see runs.h).
 *
 * Order of checks, as for every write (writes.c), each answering `err` and
 * changing nothing when it fails: the line exists, then the product
 * (not_found), the role table and the token's lines (forbidden), the
 * values (bad_request: order, target_qty), an active run to end
 * (conflict).  Then the line's run changes, the run records, the next run
 * id, the audit events (run.end for a run that a run.start ends, then
 * run.start) and the idempotency record ('R' and the run) go into the
 * batch, and the pending write waits for the commit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "runs.h"
#include "shift_runs.h"
#include "writes.h"

static int audit(hub *h, const session *s, const char *type, const fh_run *r) {
  fh_buf_reset(&h->enc);
  if (fh_enc_run(&h->enc, r) != 0) return -ENOMEM;
  return fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via, type,
                            fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
}

/* Ends line li's active run at now: stored as ended, audited. */
static int end_active(hub *h, const session *s, size_t li, int64_t now,
                      fh_run *ended) {
  model_run *mr = &h->model->lines[li].run;
  int rc;

  run_refresh(h, li, now);
  mr->r.ended_at = now;
  snprintf(mr->r.ended_by, sizeof mr->r.ended_by, "%s", s->user);
  *ended = mr->r;
  shift_runs_close(h, li, now, ended);
  if ((rc = run_put_ended(h, ended)) != 0 ||
      (rc = audit(h, s, "run.end", ended)) != 0)
    return rc;
  log_info("run %llu (%s) ended on %s by %s: %llu good, %llu reject",
           (unsigned long long)ended->id, ended->product, ended->line, s->user,
           (unsigned long long)ended->good, (unsigned long long)ended->reject);
  memset(mr, 0, sizeof *mr);
  mr->last_end = now;
  return 0;
}

/* The line of the request, or -1 with not_found sent. */
static long run_line(hub *h, session *s, const fh_request *req, char *line) {
  long li;
  writes_copy_view(line, FH_ID_MAX + 1, req->u.run.line);
  if ((li = model_line_index(h, line)) < 0)
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "line",
                     "no line '%s'", line);
  return li;
}

/* order and target_qty.  0, or -1 with bad_request sent. */
static int start_values(session *s, const fh_request *req) {
  if (req->u.run.order.n > 0 &&
      !plant_text_valid(req->u.run.order.p, req->u.run.order.n, FH_ID_MAX)) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "order",
                     "order must be text without control characters");
    return -1;
  }
  if (req->u.run.target_qty < 0 ||
      req->u.run.target_qty > RUN_TARGET_QTY_MAX) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "target_qty",
                     "target_qty must be 0..%lld pieces", RUN_TARGET_QTY_MAX);
    return -1;
  }
  return 0;
}

/* The new run of product pr on line li at now. */
static void begin_run(hub *h, const session *s, const fh_request *req,
                      size_t li, const plant_product *pr, int64_t now) {
  model_run *mr = &h->model->lines[li].run;
  size_t c = h->plant->lines[li].constraint;

  mr->r.id = h->model->next_run_id++;
  snprintf(mr->r.line, sizeof mr->r.line, "%s", h->plant->lines[li].id);
  snprintf(mr->r.product, sizeof mr->r.product, "%s", pr->id);
  writes_copy_view(mr->r.order, sizeof mr->r.order, req->u.run.order);
  mr->r.target_qty = (uint64_t)req->u.run.target_qty;
  mr->r.started_at = now;
  snprintf(mr->r.started_by, sizeof mr->r.started_by, "%s", s->user);
  mr->r.changeover_target_s = pr->changeover_target_s;
  mr->product = pr;
  mr->co_from = mr->last_end != 0 ? mr->last_end : now;
  mr->co_to = h->model->eqs[c].e.state == FH_EQ_RUNNING ? now : 0;
  shift_runs_open(h, li, now);
}

/* The pending write of a run.* on line li, its run saved. */
static pending *run_pending(hub *h, session *s, const fh_request *req,
                            const char *key, size_t li) {
  pending *pw = writes_pending(h, s, req, key);
  if (pw == NULL) return NULL;
  pw->kind = PENDING_RUN;
  if (run_save(h, pw, li) != 0) return NULL;
  pw->run->ideal_changed = 1;
  return pw;
}

/* Run records, audit and idempotency record, after the model changed. */
static int queue_records(hub *h, const session *s, pending *pw, size_t li) {
  int rc = run_put_line(h, li);
  if (rc == 0 && pw->op == FH_MSG_RUN_START)
    rc = run_put_next_id(h) || audit(h, s, "run.start", &pw->run->reply)
             ? -ENOMEM : 0;
  if (rc == 0) rc = writes_record_idem(h, pw, 'R');
  h->model->lines[li].oee_dirty = 1;
  return rc;
}

static void run_start(hub *h, session *s, const fh_request *req,
                      const char *key) {
  char line[FH_ID_MAX + 1];
  const plant_product *pr;
  int64_t now = hub_now_ms(h);
  fh_run ended;
  pending *pw;
  long li;

  if ((li = run_line(h, s, req, line)) < 0) return;
  pr = plant_product_find(h->plant, req->u.run.product.p, req->u.run.product.n);
  if (pr == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "product",
                     "no product '%.*s'", (int)req->u.run.product.n,
                     req->u.run.product.p);
    return;
  }
  if (writes_forbidden(s, req, NULL, line) || start_values(s, req) != 0) return;
  if ((pw = run_pending(h, s, req, key, (size_t)li)) == NULL) goto nomem;
  if (h->model->lines[li].run.r.id != 0 &&
      end_active(h, s, (size_t)li, now, &ended) != 0)
    goto nomem;
  begin_run(h, s, req, (size_t)li, pr, now);
  run_apply_ideal(h, (size_t)li);
  pw->run->reply = h->model->lines[li].run.r;
  if (queue_records(h, s, pw, (size_t)li) != 0) goto nomem;
  log_info("run %llu (%s) started on %s by %s", (unsigned long long)pw->run->reply.id,
           pr->id, line, s->user);
  writes_after_queue(h);
  return;
nomem:
  writes_queue_failed(h, s, req);
}

static void run_end(hub *h, session *s, const fh_request *req,
                    const char *key) {
  char line[FH_ID_MAX + 1];
  pending *pw;
  long li;

  if ((li = run_line(h, s, req, line)) < 0) return;
  if (writes_forbidden(s, req, NULL, line)) return;
  if (h->model->lines[li].run.r.id == 0) {
    session_send_err(s, req->has_id, req->id, FH_E_CONFLICT, "line",
                     "no run is active on line %s", line);
    return;
  }
  if ((pw = run_pending(h, s, req, key, (size_t)li)) == NULL ||
      end_active(h, s, (size_t)li, hub_now_ms(h), &pw->run->reply) != 0)
    goto nomem;
  run_apply_ideal(h, (size_t)li);
  if (queue_records(h, s, pw, (size_t)li) != 0) goto nomem;
  writes_after_queue(h);
  return;
nomem:
  writes_queue_failed(h, s, req);
}

void runs_handle(hub *h, session *s, const fh_request *req, const char *key) {
  if (req->type == FH_MSG_RUN_START) run_start(h, s, req, key);
  else run_end(h, s, req, key);
}
