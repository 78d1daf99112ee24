/* stop_writes.c -- dt.classify and dt.split: operators explain stops.
 *
 * Order of checks, each answering `err` and changing nothing when it fails
 * (the idempotency key was looked at by writes_handle): the stop exists
 * (not_found naming `event`), the role table and the token's lines
 * (forbidden), the time window -- operator, maintenance, quality and
 * engineer only while the stop ends in the current or the previous shift
 * (forbidden naming `event`) --, the reason is a leaf of the tree and not a
 * quality reason (bad_request naming `reason`), `at` lies strictly inside
 * the stop (bad_request naming `at`).  Then the stop changes in memory, the
 * equipment's accumulator moves the stop's time to its new category (for
 * the part inside the current shift), and the stop records, the
 * accumulator, the audit record and the idempotency record go into the
 * batch: one transaction.  So do the closed shifts the stop overlaps: their
 * stored records are re-accounted (reaccount.h) in the same batch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "log.h"
#include "model.h"
#include "reaccount.h"
#include "stop_writes.h"
#include "stop_scan.h"
#include "stops.h"
#include "writes.h"

typedef struct stored_stop {
  dt_event ev;   /* the stop read from the store */
  int found;     /* it was there */
} stored_stop;

static int stored_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  stored_stop *st = arg;
  (void)key;
  (void)klen;
  st->found = dt_decode(&st->ev, val, vlen) == 0;
  return 1;
}

/* The stop with that id: in memory, or else read into *tmp.  NULL (and the
 * err sent) when there is none. */
static dt_event *find_stop(hub *h, session *s, const fh_request *req,
                           stored_stop *tmp) {
  uint8_t key[8];
  dt_event *ev = stops_find(h, req->u.dt.event);
  if (ev != NULL) return ev;
  stops_key(req->u.dt.event, key);
  tmp->found = 0;
  fh_store_get(h->store, FH_T_DOWNTIME, key, sizeof key, stored_cb, tmp);
  if (tmp->found) return &tmp->ev;
  session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "event",
                   "no stop %llu", (unsigned long long)req->u.dt.event);
  return NULL;
}

/* The role table, the lines and the time window.  0, or -1 with the err
 * sent. */
static int may_change(hub *h, session *s, const fh_request *req,
                      const dt_event *ev) {
  int64_t now = hub_now_ms(h);
  if (writes_forbidden(s, req, NULL, ev->d.line)) return -1;
  if (fh_role_dt_anytime(s->role)) return 0;
  if (ev->d.end == 0 || ev->d.end >= stops_recent_since(h, now)) return 0;
  session_send_err(s, req->has_id, req->id, FH_E_FORBIDDEN, "event",
                   "stop %llu ended before the previous shift: a shift "
                   "manager may still classify it",
                   (unsigned long long)ev->d.id);
  return -1;
}

/* The reason of the request as a stop reason: a leaf, not `quality`.
 * NULL with *cat untouched when absent and optional; -1 on error (sent). */
static int stop_reason(hub *h, session *s, const fh_request *req,
                       const plant_reason **out) {
  fh_strv r = req->u.dt.reason;
  const plant_reason *leaf;
  *out = NULL;
  if (r.n == 0) return 0;
  leaf = plant_reason_leaf(h->plant, r.p, r.n);
  if (leaf == NULL || leaf->category == FH_LOSS_QUALITY) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "reason",
                     leaf == NULL ? "'%.*s' is not a reason of the plant's tree (a leaf)"
                                  : "'%.*s' is a quality reason: it is for rejects",
                     (int)r.n, r.p);
    return -1;
  }
  *out = leaf;
  return 0;
}

/* The accumulator follows a stop whose [start, end) moved from category
 * `from` to the stop's own (closed), or whose category is now `to` (open). */
static void acc_follow(hub *h, oee_acc *acc, const dt_event *ev, fh_loss from,
                       fh_loss to) {
  if (!h->model->in_shift) return;
  if (ev->d.end != 0) oee_acc_stop_move(acc, ev->d.start, ev->d.end, from, to);
  else oee_acc_stop_open(acc, ev->d.start, to);
}

static void apply_classify(hub *h, session *s, const fh_request *req,
                           const plant_reason *leaf, dt_event *ev, oee_acc *acc,
                           const dt_limits *lim) {
  char note[FH_NOTE_MAX + 1];
  fh_loss from = dt_loss(ev, lim);
  writes_copy_view(note, sizeof note, req->u.dt.note);
  dt_classify(ev, leaf->code, leaf->category, note, s->user, hub_now_ms(h));
  dt_refresh(ev, hub_now_ms(h), lim); /* needs_reason is off now */
  acc_follow(h, acc, ev, from, dt_loss(ev, lim));
}

/* `at` of a dt.split lies strictly inside the stop and the stop can be
 * cut.  0, or -1 with the err sent. */
static int split_valid(hub *h, session *s, const fh_request *req,
                       const dt_event *ev) {
  int64_t end = ev->d.end ? ev->d.end : hub_now_ms(h), at = req->u.dt.at;
  if (at <= ev->d.start || at >= end) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "at",
                     "at must lie strictly inside the stop (%lld..%lld)",
                     (long long)ev->d.start, (long long)end);
    return -1;
  }
  if (ev->seg_overflow) {
    session_send_err(s, req->has_id, req->id, FH_E_CONFLICT, "at",
                     "stop %llu changed state too often to be split",
                     (unsigned long long)ev->d.id);
    return -1;
  }
  return 0;
}

/* Splits ev at `at` (split_valid said yes) into *cut, a new id, and ev. */
static void apply_split(hub *h, session *s, const fh_request *req,
                        const plant_reason *leaf, dt_event *ev, dt_event *cut,
                        oee_acc *acc, const dt_limits *lim) {
  int64_t now = hub_now_ms(h);
  fh_loss from = dt_loss(ev, lim);

  dt_split(ev, req->u.dt.at, h->model->next_stop_id++, now, cut);
  if (leaf != NULL) dt_classify(cut, leaf->code, leaf->category, NULL, s->user, now);
  dt_refresh(cut, now, lim);
  dt_refresh(ev, now, lim);
  if (!h->model->in_shift) return;
  if (ev->d.end != 0) { /* closed: both parts' time was in `from` */
    oee_acc_stop_move(acc, cut->d.start, cut->d.end, from, dt_loss(cut, lim));
    oee_acc_stop_move(acc, ev->d.start, ev->d.end, from, dt_loss(ev, lim));
  } else { /* open: the part before `at` is closed time now */
    oee_acc_stop_close(acc, cut->d.start, cut->d.end, dt_loss(cut, lim));
    oee_acc_stop_open(acc, ev->d.start, dt_loss(ev, lim));
  }
}

/* The audit record: {old: stop, new: stop} or {old: stop, new: [cut, stop]}. */
static int audit(hub *h, const session *s, const pending *p) {
  const pending_stop *ps = p->stop;
  fh_buf_reset(&h->enc);
  if (fh_enc_map(&h->enc, 2) || fh_enc_str(&h->enc, "old") ||
      fh_enc_downtime(&h->enc, &ps->before.d) || fh_enc_str(&h->enc, "new") ||
      (ps->has_cut && (fh_enc_array(&h->enc, 2) || fh_enc_downtime(&h->enc, &ps->cut.d))) ||
      fh_enc_downtime(&h->enc, &ps->after.d))
    return -ENOMEM;
  return fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via,
                            fh_msg_type_name(p->op), fh_buf_payload(&h->enc),
                            fh_buf_payload_len(&h->enc));
}

/* Everything the write changed, into the batch. */
static int record(hub *h, const session *s, pending *p, int in_memory) {
  pending_stop *ps = p->stop;
  if (ps->has_cut && in_memory && stops_insert(h, &ps->cut) == NULL) return -ENOMEM;
  if (stops_put(h, &ps->after) || (ps->has_cut && stops_put(h, &ps->cut)) ||
      (ps->has_cut && stop_scan_unindex(h, &ps->before)) ||
      model_put_equipment(h, p->eq) || audit(h, s, p))
    return -ENOMEM;
  return writes_record_idem(h, p, ps->has_cut ? 'S' : 'D');
}

/* The checks of the design note.  The stop (in memory or in *tmp) and its
 * equipment, or NULL with the err sent. */
static dt_event *checked_stop(hub *h, session *s, const fh_request *req,
                              stored_stop *tmp, const plant_reason **leaf,
                              const plant_equipment **pe) {
  dt_event *ev = find_stop(h, s, req, tmp);
  if (ev == NULL || may_change(h, s, req, ev) || stop_reason(h, s, req, leaf) != 0)
    return NULL;
  if (req->type == FH_MSG_DT_CLASSIFY && *leaf == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "reason",
                     "reason required");
    return NULL;
  }
  if (req->type == FH_MSG_DT_SPLIT && split_valid(h, s, req, ev) != 0) return NULL;
  *pe = plant_equipment_find(h->plant, ev->d.equipment, strlen(ev->d.equipment));
  if (*pe != NULL) return ev;
  session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "event",
                   "stop %llu is of an equipment no longer in the plant",
                   (unsigned long long)ev->d.id);
  return NULL;
}

void stop_writes_handle(hub *h, session *s, const fh_request *req, const char *key) {
  stored_stop *tmp = malloc(sizeof *tmp);
  const plant_equipment *pe = NULL;
  const plant_reason *leaf = NULL;
  pending_stop *ps;
  dt_event *ev;
  dt_limits lim;
  model_eq *me;
  pending *pw;

  if (tmp == NULL || (ps = calloc(1, sizeof *ps)) == NULL) {
    free(tmp);
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
    return;
  }
  if ((ev = checked_stop(h, s, req, tmp, &leaf, &pe)) == NULL) goto out;
  if ((pw = writes_pending(h, s, req, key)) == NULL) goto nomem;
  me = &h->model->eqs[pe - h->plant->equipment];
  lim = stops_limits(h, pe->line);
  pw->kind = PENDING_STOP;
  pw->eq = ps->eq = (size_t)(pe - h->plant->equipment);
  pw->eq_old = pw->eq_new = me->e;
  pw->acc_old = me->acc;
  pw->stop = ps;
  ps->before = *ev;
  ps->open_before = me->open_stop;
  ps->has_cut = req->type == FH_MSG_DT_SPLIT;
  if (ps->has_cut) apply_split(h, s, req, leaf, ev, &ps->cut, &me->acc, &lim);
  else apply_classify(h, s, req, leaf, ev, &me->acc, &lim);
  ps->after = *ev;
  ps = NULL; /* the pending write owns it */
  h->model->lines[pe->line].oee_dirty = 1;
  if (record(h, s, pw, ev != &tmp->ev) != 0) goto nomem;
  if (reaccount_stop(h, pw->eq, &pw->stop->before, &pw->stop->after,
                     pw->stop->has_cut ? &pw->stop->cut : NULL,
                     &pw->stop->reacc) != 0)
    goto nomem;
  writes_after_queue(h);
  goto out;
nomem:
  writes_queue_failed(h, s, req);
out:
  free(ps);
  free(tmp);
}
