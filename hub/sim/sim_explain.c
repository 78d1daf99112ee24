/* sim_explain.c -- floorsim's operator (see sim_explain.h).
 *
 * Each downtime/<line> event updates the equipment's newest stop; a wish
 * is granted by the flush once that stop is closed, long and still
 * without a reason, and never twice for the same stop (done_id).  The
 * operator's requests go out beside the gateway's, within the same rate
 * bucket; fh_client resends them with their key after a reconnect.
 */
#include "sim_explain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fh_downtime.h"

/* Takes one stop seen from the hub into its equipment's view. */
static void seen(drive *d, const fh_downtime *ev) {
  const plant_equipment *pe =
      plant_equipment_find(d->o->p, ev->equipment, strlen(ev->equipment));
  explain_eq *x;
  if (pe == NULL) return;
  x = &d->ex[pe - d->o->p->equipment];
  if (ev->id < x->stop_id) return; /* an older stop (a snapshot's) */
  x->stop_id = ev->id;
  x->stop_closed = ev->end != 0;
  x->stop_short = ev->short_stop;
  x->stop_classified = ev->reason[0] != '\0';
}

static void on_event(fh_client *c, const fh_event *ev, void *arg) {
  drive *d = arg;
  fh_mp_cursor cur = ev->body;
  fh_downtime dt;
  uint32_t n;
  (void)c;

  if (ev->topic.n < 9 || memcmp(ev->topic.p, "downtime/", 9) != 0) return;
  if (ev->type == FH_MSG_SNAP) {
    if (send_map_find(&cur, "events") != 0 || fh_mp_read_array(&cur, &n) != 0) return;
    for (uint32_t i = 0; i < n && fh_dec_downtime(&cur, &dt) == 0; i++) seen(d, &dt);
  } else if (send_map_find(&cur, "event") == 0 && fh_dec_downtime(&cur, &dt) == 0) {
    seen(d, &dt);
  }
}

static void on_reply(fh_client *c, const fh_client_req *req, const fh_event *ev,
                     void *arg) {
  drive *d = arg;
  (void)c;
  if (req->type == FH_MSG_SUB || req->type == FH_MSG_UNSUB) return;
  if (ev->type == FH_MSG_ERR) {
    d->refused++;
    fprintf(stderr, "floorsim: operator: %s refused: %s: %.*s\n",
            fh_msg_type_name(req->type), fh_err_code_name(ev->code),
            (int)ev->msg.n, ev->msg.p);
    return;
  }
  d->accepted++;
  d->explained++;
  d->replays += ev->replay != 0;
}

static void on_state(fh_client *c, const fh_client_state *st, void *arg) {
  (void)c;
  (void)arg;
  if (st->online)
    fprintf(stderr, "floorsim: operator online as %.*s (%.*s)\n",
            (int)st->welcome->user.n, st->welcome->user.p,
            (int)st->welcome->role.n, st->welcome->role.p);
  else
    fprintf(stderr, "floorsim: operator offline: %s\n", st->reason);
}

/* downtime/<line> of every line. */
static int subscribe_lines(drive *d) {
  const plant *p = d->o->p;
  char (*names)[FH_ID_MAX + 16] = calloc(p->nlines, sizeof *names);
  const char **topics = calloc(p->nlines, sizeof *topics);
  int rc = names && topics ? 0 : -ENOMEM;
  for (size_t i = 0; rc == 0 && i < p->nlines; i++) {
    snprintf(names[i], sizeof names[i], "downtime/%s", p->lines[i].id);
    topics[i] = names[i];
  }
  if (rc == 0) rc = fh_client_subscribe(d->op, topics, p->nlines);
  free(names);
  free(topics);
  return rc;
}

int explain_setup(drive *d) {
  const drive_opts *o = d->o;
  fh_client_opts co = {.url = o->url, .token = o->operator_token,
                       .name = "floorsim-op", .ca_file = o->ca_file,
                       .insecure = o->insecure, .arg = d};
  int rc;

  if (o->operator_token == NULL) return 0;
  co.cb.on_state = on_state;
  co.cb.on_event = on_event;
  co.cb.on_reply = on_reply;
  if ((d->ex = calloc(o->p->nequipment, sizeof *d->ex)) == NULL) return -ENOMEM;
  if ((rc = fh_client_new(&d->op, &d->loop, &co)) == 0 &&
      (rc = subscribe_lines(d)) == 0)
    return 0;
  explain_close(d);
  return rc;
}

void explain_start(drive *d) {
  if (d->op != NULL) fh_client_start(d->op);
}

void explain_on_sim(drive *d, const sim_event *ev, uint64_t now) {
  if (d->op == NULL) return;
  d->ex[ev->eq].want = ev->reason;
  d->ex[ev->eq].want_at = now;
}

/* The wish of equipment i as a dt.classify, if its stop is there. */
static void grant(drive *d, size_t i, uint64_t now) {
  explain_eq *x = &d->ex[i];
  fh_request r = {.type = FH_MSG_DT_CLASSIFY};

  if (now - x->want_at > EXPLAIN_WAIT_MS) {
    x->want = NULL; /* the hub never showed the stop closed */
    return;
  }
  if (!x->stop_closed || x->done_id == x->stop_id) return; /* not yet */
  if (x->stop_short || x->stop_classified) {
    x->want = NULL; /* the hub needs no reason for it */
    return;
  }
  r.u.dt.event = x->stop_id;
  r.u.dt.reason = (fh_strv){x->want, strlen(x->want)};
  if (fh_client_send(d->op, &r, NULL, NULL) != 0) return;
  if (d->o->verbose)
    fprintf(stderr, "floorsim: operator explains stop %llu of %s: %s\n",
            (unsigned long long)x->stop_id, d->o->p->equipment[i].id, x->want);
  d->sent++;
  d->tokens -= 1.0;
  x->done_id = x->stop_id;
  x->want = NULL;
}

void explain_flush(drive *d, uint64_t now) {
  if (d->op == NULL || !fh_client_online(d->op)) return;
  for (size_t i = 0; i < d->o->p->nequipment; i++)
    if (d->ex[i].want != NULL && d->tokens >= 1.0 &&
        fh_client_pending(d->op) < DRIVE_INFLIGHT_MAX)
      grant(d, i, now);
}

size_t explain_pending(const drive *d) {
  return d->op ? fh_client_pending(d->op) : 0;
}

void explain_close(drive *d) {
  if (d->op != NULL) fh_client_close(d->op);
  d->op = NULL;
  free(d->ex);
  d->ex = NULL;
}
