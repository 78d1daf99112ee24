/* eq_writes.c -- the gateway's writes: eq.state, eq.count and eq.total.
 *
 * eq.state changes the equipment's state (and opens, extends or closes its
 * stop, stops.h); eq.count adds increments to the shift's counts; eq.total
 * takes the machine's absolute counters and adds what they grew by since
 * the last total (rules/totals.h), keeping those totals in the store in the
 * same transaction ("tot/<equipment>" in the shifts table), so a resent or
 * repeated total never counts twice.  Each is checked (existence, the role
 * table and lines, the values), changes the model, queues the equipment,
 * its accumulator, the audit record and the idempotency record, and waits
 * for the commit (commit.h).
 *
 * No signal: an equipment whose gateway sent nothing for its
 * signal_timeout_s goes `unknown` with machine reason `no_signal` at its
 * last data + the timeout (the 1 s tick: eq_writes_tick), which opens a stop
 * like any state change.  The time comes from the stored last_data_at, so
 * the timeout survives a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commit.h"
#include "eq_writes.h"
#include "log.h"
#include "model.h"
#include "runs.h"
#include "stops.h"
#include "writes.h"

#define COUNT_INCREMENT_MAX 1000000u /* pieces in one eq.count */

static fh_strv target_id(const fh_request *req) {
  switch (req->type) {
    case FH_MSG_EQ_STATE: return req->u.eq_state.equipment;
    case FH_MSG_EQ_COUNT: return req->u.eq_count.equipment;
    default: return req->u.eq_total.equipment;
  }
}

static long equipment_target(hub *h, session *s, const fh_request *req) {
  char eq[FH_ID_MAX + 1];
  const plant_equipment *pe;

  writes_copy_view(eq, sizeof eq, target_id(req));
  pe = plant_equipment_find(h->plant, eq, strlen(eq));
  if (pe == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "equipment",
                     "no equipment '%s'", eq);
    return -1;
  }
  if (writes_forbidden(s, req, NULL, h->plant->lines[pe->line].id)) return -1;
  return (long)(pe - h->plant->equipment);
}

/* The values of the request.  0, or -1 with the err sent. */
/* eq.count's reject_reason, when given, is a leaf of category `quality`.
 * 0, or -1 with the err sent. */
static int reject_reason_valid(hub *h, session *s, const fh_request *req) {
  fh_strv r = req->u.eq_count.reject_reason;
  const plant_reason *leaf;
  if (r.n == 0) return 0;
  leaf = plant_reason_leaf(h->plant, r.p, r.n);
  if (leaf != NULL && leaf->category == FH_LOSS_QUALITY) return 0;
  session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "reject_reason",
                   leaf == NULL ? "'%.*s' is not a reason of the plant's tree (a leaf)"
                                : "'%.*s' is not a quality reason: rejects take those",
                   (int)r.n, r.p);
  return -1;
}

static int values_valid(hub *h, session *s, const fh_request *req) {
  if (req->type == FH_MSG_EQ_COUNT &&
      (req->u.eq_count.good > COUNT_INCREMENT_MAX ||
       req->u.eq_count.reject > COUNT_INCREMENT_MAX)) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST,
                     req->u.eq_count.good > COUNT_INCREMENT_MAX ? "good" : "reject",
                     "an increment may be at most %u", COUNT_INCREMENT_MAX);
    return -1;
  }
  if (req->type == FH_MSG_EQ_COUNT && reject_reason_valid(h, s, req) != 0)
    return -1;
  if (req->type == FH_MSG_EQ_TOTAL && req->u.eq_total.rollover < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "rollover",
                     "rollover must be a positive counter value");
    return -1;
  }
  if (req->type == FH_MSG_EQ_STATE && req->u.eq_state.reason.n > 0 &&
      !plant_reason_valid(h->plant, req->u.eq_state.reason.p,
                          req->u.eq_state.reason.n)) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "reason",
                     "unknown reason code '%.*s'", (int)req->u.eq_state.reason.n,
                     req->u.eq_state.reason.p);
    return -1;
  }
  return 0;
}

/* eq.state: a gateway may report when the change happened; never before
 * the current state began and never in the future. */
static int set_state(hub *h, pending *pw, size_t ei, fh_eq_state state,
                     int64_t ts) {
  model_eq *me = &h->model->eqs[ei];
  fh_eq_state from = me->e.state;
  const char *mr = me->e.machine_reason[0] ? me->e.machine_reason : me->e.reason;

  if (ts < me->e.since) ts = me->e.since;
  if (me->e.state != state) me->e.since = ts;
  me->e.state = state;
  if (h->model->in_shift) oee_acc_state(&me->acc, me->e.state, me->e.reason, ts);
  return stops_on_state(h, pw, ei, from, me->e.state, ts, mr) ||
         runs_on_state(h, pw, ei, me->e.state, ts) ? -ENOMEM : 0;
}

static int apply_state(hub *h, pending *pw, size_t ei, const fh_request *req) {
  model_eq *me = &h->model->eqs[ei];
  int64_t now = hub_now_ms(h);
  int64_t ts = req->u.eq_state.ts ? req->u.eq_state.ts : now;

  if (ts > now) ts = now;
  writes_copy_view(me->e.reason, sizeof me->e.reason, req->u.eq_state.reason);
  writes_copy_view(me->e.machine_reason, sizeof me->e.machine_reason,
                   req->u.eq_state.machine_reason);
  return set_state(h, pw, ei, req->u.eq_state.state, ts);
}

/* Counts into the equipment, its accumulator and the line's run. */
static int add_counts(hub *h, pending *pw, size_t ei, uint64_t good,
                      uint64_t reject) {
  model_eq *me = &h->model->eqs[ei];
  me->e.good += good;
  me->e.reject += reject;
  return runs_count(h, pw, ei, good, reject);
}

/* eq.count: its counts, the rejects also under their reject_reason. */
static int apply_count(hub *h, pending *pw, size_t ei, const fh_request *req) {
  char why[FH_KIND_MAX + 1];
  writes_copy_view(why, sizeof why, req->u.eq_count.reject_reason);
  if (h->model->in_shift)
    oee_acc_reject_reason(&h->model->eqs[ei].acc, why, req->u.eq_count.reject);
  return add_counts(h, pw, ei, req->u.eq_count.good, req->u.eq_count.reject);
}

/* One counter of eq.total: its increment, with a reset logged. */
static uint64_t total_step(const model_eq *me, const char *which, uint64_t last,
                           uint64_t now, uint64_t rollover) {
  uint64_t inc;
  counter_step st = counter_advance(last, me->tot.known, now, rollover, &inc);
  if (st == COUNTER_RESET)
    log_warn("equipment %s: %s counter reset (%llu after %llu): counting %llu",
             me->e.id, which, (unsigned long long)now, (unsigned long long)last,
             (unsigned long long)inc);
  return inc;
}

/* eq.total: the increments since the last totals; the totals are kept. */
static int apply_total(hub *h, pending *pw, size_t ei, const fh_request *req) {
  model_eq *me = &h->model->eqs[ei];
  uint64_t r = (uint64_t)req->u.eq_total.rollover;
  uint64_t good = total_step(me, "good", me->tot.good, req->u.eq_total.good_total, r);
  uint64_t reject = total_step(me, "reject", me->tot.reject,
                               req->u.eq_total.reject_total, r);
  me->tot = (counter_totals){req->u.eq_total.good_total,
                             req->u.eq_total.reject_total, 1};
  return add_counts(h, pw, ei, good, reject) || model_put_totals(h, ei)
             ? -ENOMEM : 0;
}

void eq_writes_handle(hub *h, session *s, const fh_request *req, const char *key) {
  long ei = equipment_target(h, s, req);
  model_eq *me;
  pending *pw;
  int rc = 0;

  if (ei < 0 || values_valid(h, s, req) != 0) return;
  me = &h->model->eqs[ei];
  if ((pw = writes_pending(h, s, req, key)) == NULL) goto nomem;
  pw->kind = PENDING_EQUIPMENT;
  pw->eq = (size_t)ei;
  pw->eq_old = me->e;
  pw->acc_old = me->acc;
  pw->tot_old = me->tot;
  me->e.last_data_at = hub_now_ms(h);
  if (req->type == FH_MSG_EQ_STATE) rc = apply_state(h, pw, (size_t)ei, req);
  else if (req->type == FH_MSG_EQ_COUNT)
    rc = apply_count(h, pw, (size_t)ei, req);
  else rc = apply_total(h, pw, (size_t)ei, req);
  pw->eq_new = me->e;
  h->model->lines[h->plant->equipment[ei].line].oee_dirty = 1;
  if (rc != 0 || model_put_equipment(h, (size_t)ei) ||
      (fh_buf_reset(&h->enc), fh_enc_equipment(&h->enc, &me->e)) ||
      fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via,
                         fh_msg_type_name(req->type), fh_buf_payload(&h->enc),
                         fh_buf_payload_len(&h->enc)) ||
      writes_record_idem(h, pw, 'E'))
    goto nomem;
  model_line_refresh(h, h->plant->equipment[ei].line);
  writes_after_queue(h);
  return;
nomem:
  writes_queue_failed(h, s, req);
}

/* The equipment's data stopped: unknown with machine reason no_signal at
 * `ts` (its last data + its timeout), written by the hub itself. */
static void no_signal(hub *h, size_t ei, int64_t ts) {
  model_eq *me = &h->model->eqs[ei];
  pending *p = commit_pending_new(h);

  if (p == NULL) goto nomem;
  p->kind = PENDING_EQUIPMENT;
  p->op = FH_MSG_EQ_STATE;
  p->eq = ei;
  p->eq_old = me->e;
  p->acc_old = me->acc;
  p->tot_old = me->tot;
  me->e.reason[0] = '\0';
  snprintf(me->e.machine_reason, sizeof me->e.machine_reason, "no_signal");
  if (set_state(h, p, ei, FH_EQ_UNKNOWN, ts) != 0) goto nomem;
  p->eq_new = me->e;
  h->model->lines[h->plant->equipment[ei].line].oee_dirty = 1;
  if (model_put_equipment(h, ei) ||
      (fh_buf_reset(&h->enc), fh_enc_equipment(&h->enc, &me->e)) ||
      fh_batch_event(h->batch, hub_now_ms(h), "floorhub", "eq.no_signal",
                     fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc)))
    goto nomem;
  log_info("equipment %s: no data for %u s: unknown (no_signal)", me->e.id,
           h->plant->equipment[ei].signal_timeout_s);
  model_line_refresh(h, h->plant->equipment[ei].line);
  return;
nomem:
  log_error("equipment %s: no_signal: out of memory", me->e.id);
}

void eq_writes_tick(hub *h, int64_t now) {
  for (size_t ei = 0; ei < h->model->neqs; ei++) {
    const fh_equipment *e = &h->model->eqs[ei].e;
    uint32_t t = h->plant->equipment[ei].signal_timeout_s;
    int64_t due = e->last_data_at + (int64_t)t * 1000;
    if (t == 0 || e->last_data_at == 0 || now < due) continue;
    if (e->state == FH_EQ_UNKNOWN && strcmp(e->machine_reason, "no_signal") == 0)
      continue;
    no_signal(h, ei, due);
  }
}
