/* route.c -- what the hub sends, map by map.
 *
 * welcome: the connection is usable; the subscription set is sent again
 * (with since/epoch where seqs are held) and the outbox follows.  A welcome
 * without id on a connection already online is the hub changing who the
 * session acts as (a kiosk's person signed out): on_identity.  ok/err/
 * pong with an id: the reply to a request of the control list (hello, sub,
 * unsub) or of the outbox, which is removed before the application hears
 * of it.  snap/upd: checked by subs.c for continuity; a gap or an epoch
 * change queues the subs that fetch fresh snaps.
 */
#include <stdio.h>
#include <string.h>

#include "client_int.h"

int fh__client_queue_sub(fh_client *c, size_t from, size_t to,
                     const sub_topic *skip) {
  fh_request req;
  size_t i = from;

  while (i < to) {
    memset(&req, 0, sizeof req);
    req.type = FH_MSG_SUB;
    for (; i < to && req.u.sub.ntopics < FH_TOPICS_MAX; i++) {
      const sub_topic *t = &c->subs.v[i];
      fh_strv name = {t->name, strlen(t->name)};
      if (t == skip) continue;
      req.u.sub.topics[req.u.sub.ntopics++] = name;
      if (t->has_seq && c->subs.has_epoch)
        req.u.sub.since[req.u.sub.nsince++] = (fh_since){name, t->seq};
    }
    if (req.u.sub.ntopics == 0) break;
    req.u.sub.has_epoch = req.u.sub.nsince > 0;
    req.u.sub.epoch = c->subs.epoch;
    int rc = fh__client_queue_ctl(c, &req);
    if (rc != 0) return rc;
  }
  return 0;
}

static void on_welcome(fh_client *c, const fh_event *ev) {
  out_req *hello = fh__outq_find(&c->ctl, c->hello_id);

  if (c->phase == PHASE_ONLINE && !ev->has_id) { /* a kiosk's person left */
    if (c->cb.on_identity && !c->closing) c->cb.on_identity(c, ev, c->arg);
    return;
  }
  if (c->phase != PHASE_HELLO || !ev->has_id || ev->id != c->hello_id) {
    fh__client_log(c, "ignored a welcome that answers no hello");
    return;
  }
  if (hello != NULL) fh__outq_remove(&c->ctl, hello);
  c->phase = PHASE_ONLINE;
  c->backoff_ms = c->backoff_min_ms;
  if (fh__subs_on_welcome(&c->subs, ev->epoch))
    fh__client_log(c, "the hub's epoch changed: fresh snaps for every topic");
  if (fh__client_queue_sub(c, 0, c->subs.n, NULL) != 0) {
    fh__conn_drop(c, 1011, "out of memory");
    return;
  }
  fh__conn_want_write(c);
  fh__client_report(c, 1, ev);
}

/* An ok/err/pong with an id. */
static void on_reply(fh_client *c, const fh_event *ev) {
  out_list *l = &c->ctl;
  out_req *r = fh__outq_find(l, ev->id);
  fh_client_req pub;

  if (r != NULL && r->pub.type == FH_MSG_HELLO) {
    snprintf(c->reason, sizeof c->reason, "hello refused: %.*s",
             (int)ev->msg.n, ev->msg.p);
    fh__client_log(c, "%s", c->reason);
    fh__outq_remove(l, r);
    return;
  }
  if (r == NULL) {
    l = &c->outbox;
    r = fh__outq_find(l, ev->id);
  }
  if (r == NULL) {
    fh__client_log(c, "a reply to unknown request %llu", (unsigned long long)ev->id);
    return;
  }
  pub = r->pub;
  fh__outq_remove(l, r);
  if (c->cb.on_reply && !c->closing) c->cb.on_reply(c, &pub, ev, c->arg);
}

static void on_snap(fh_client *c, const fh_event *ev) {
  int others;

  if (!fh__subs_on_snap(&c->subs, ev, &others)) return;
  if (others) {
    sub_topic *t = fh__subs_find(&c->subs, ev->topic.p, ev->topic.n);
    fh__client_log(c, "epoch changed to %llu: fresh snaps for every topic",
               (unsigned long long)ev->epoch);
    if (fh__client_queue_sub(c, 0, c->subs.n, t) != 0) fh__conn_drop(c, 1011, "out of memory");
  }
  if (c->cb.on_event && !c->closing) c->cb.on_event(c, ev, c->arg);
}

static void on_upd(fh_client *c, const fh_event *ev) {
  int gap;

  if (fh__subs_on_upd(&c->subs, ev, &gap)) {
    if (c->cb.on_event && !c->closing) c->cb.on_event(c, ev, c->arg);
    return;
  }
  if (gap) {
    sub_topic *t = fh__subs_find(&c->subs, ev->topic.p, ev->topic.n);
    size_t i = (size_t)(t - c->subs.v);
    fh__client_log(c, "seq gap on %s: subscribing again", t->name);
    if (fh__client_queue_sub(c, i, i + 1, NULL) != 0) fh__conn_drop(c, 1011, "out of memory");
  }
}

void fh__client_route(fh_client *c, const fh_event *ev) {
  switch (ev->type) {
    case FH_MSG_WELCOME:
      on_welcome(c, ev);
      return;
    case FH_MSG_OK:
    case FH_MSG_ERR:
    case FH_MSG_PONG:
      if (ev->has_id) on_reply(c, ev);
      else if (ev->type == FH_MSG_ERR)
        fh__client_log(c, "hub error %s: %.*s", fh_err_code_name(ev->code),
                   (int)ev->msg.n, ev->msg.p);
      return;
    case FH_MSG_SNAP:
      on_snap(c, ev);
      return;
    case FH_MSG_UPD:
      on_upd(c, ev);
      return;
    default:
      return;
  }
}
