/* sim_send.c -- what floorsim sends and what it hears back (sim_send.h).
 *
 * Simulation events are merged into pending_eq per equipment; a flush
 * walks the equipment round-robin from where the last one stopped, so a
 * tight --rate serves every equipment in turn.  States go out as soon as
 * the bucket allows; counts at most every DRIVE_COUNT_EVERY_MS, each
 * increment capped at the hub's limit (the rest stays pending).  Nothing
 * is handed to fh_client while it is offline or holds DRIVE_INFLIGHT_MAX
 * requests, so its outbox stays small; what it holds it resends itself,
 * with the same key, after a reconnect.
 *
 * Rejects carry the equipment's scrap reason; the operator's
 * classifications go out through sim_explain.c.
 *
 * The andon topic tells which of this gateway's andons are open; a raise
 * waits for the first snapshot of it and is dropped while
 * DRIVE_OWN_ANDONS_MAX are open (someone has to work them off first).
 */
#include "sim_send.h"
#include "sim_explain.h"

#include <stdio.h>
#include <string.h>

#define COUNT_MAX 1000000 /* the hub's cap on one eq.count increment */

static fh_strv strv(const char *s) {
  fh_strv v = {s, s ? strlen(s) : 0};
  return v;
}

void send_on_sim_event(void *arg, const sim_event *ev) {
  drive *d = arg;
  pending_eq *p = &d->pend[ev->eq];

  switch (ev->type) {
    case SIM_EV_STATE:
      p->has_state = 1;
      p->state = ev->state;
      p->reason = ev->reason;
      p->t_ms = ev->t_ms;
      if (d->o->verbose)
        fprintf(stderr, "floorsim: %s -> %s%s%s\n", d->o->p->equipment[ev->eq].id,
                fh_eq_state_name(ev->state), ev->reason ? " " : "",
                ev->reason ? ev->reason : "");
      break;
    case SIM_EV_COUNT:
      p->good += ev->good;
      p->reject += ev->reject;
      if (ev->reject_reason != NULL) p->reject_reason = ev->reject_reason;
      break;
    case SIM_EV_EXPLAIN:
      explain_on_sim(d, ev, uv_now(&d->loop));
      break;
    case SIM_EV_RUN:
      d->runs[ev->line] = ev->product;
      if (d->o->verbose)
        fprintf(stderr, "floorsim: %s runs %s\n", d->o->p->lines[ev->line].id, ev->product);
      break;
    case SIM_EV_ANDON:
      if (d->nandons < DRIVE_ANDON_QUEUE)
        d->andons[d->nandons++] = (pending_andon){ev->eq, ev->kind, ev->severity,
                                                  ev->note};
      break;
  }
}

void send_refill(drive *d, uint64_t now) {
  double burst = d->o->rate < 1.0 ? 1.0 : d->o->rate;
  if (d->last_refill == 0) d->last_refill = now;
  d->tokens += d->o->rate * (double)(now - d->last_refill) / 1000.0;
  if (d->tokens > burst) d->tokens = burst;
  d->last_refill = now;
}

static int can_send(const drive *d) {
  return d->tokens >= 1.0 && fh_client_pending(d->client) < DRIVE_INFLIGHT_MAX;
}

/* Hands one request to the client; 0 or its error (then nothing queued). */
static int submit(drive *d, const fh_request *r) {
  int rc = fh_client_send(d->client, r, NULL, NULL);
  if (rc != 0) {
    fprintf(stderr, "floorsim: cannot queue %s: %s\n", fh_msg_type_name(r->type),
            strerror(-rc));
    return rc;
  }
  d->sent++;
  d->tokens -= 1.0;
  return 0;
}

static void send_state(drive *d, size_t i) {
  pending_eq *p = &d->pend[i];
  fh_request r = {.type = FH_MSG_EQ_STATE};

  r.u.eq_state.equipment = strv(d->o->p->equipment[i].id);
  r.u.eq_state.state = p->state;
  r.u.eq_state.reason = strv(p->reason);
  /* In real time the simulated moment is the true moment of the change. */
  if (d->o->speed == 1.0) r.u.eq_state.ts = p->t_ms;
  if (submit(d, &r) == 0) p->has_state = 0;
}

static void send_count(drive *d, size_t i) {
  pending_eq *p = &d->pend[i];
  fh_request r = {.type = FH_MSG_EQ_COUNT};

  r.u.eq_count.equipment = strv(d->o->p->equipment[i].id);
  r.u.eq_count.good = p->good < COUNT_MAX ? p->good : COUNT_MAX;
  r.u.eq_count.reject = p->reject < COUNT_MAX ? p->reject : COUNT_MAX;
  if (r.u.eq_count.reject > 0) r.u.eq_count.reject_reason = strv(p->reject_reason);
  if (submit(d, &r) == 0) {
    p->good -= r.u.eq_count.good;
    p->reject -= r.u.eq_count.reject;
  }
}

static void send_andons(drive *d) {
  while (d->nandons > 0 && can_send(d) && d->andons_known) {
    const pending_andon *a = &d->andons[0];
    const plant_equipment *pe = &d->o->p->equipment[a->eq];
    fh_request r = {.type = FH_MSG_ANDON_RAISE};

    if (d->nown_open + d->raises_inflight >= DRIVE_OWN_ANDONS_MAX) {
      d->nandons = 0; /* enough of ours are open: the floor is busy */
      return;
    }
    r.u.raise.line = strv(d->o->p->lines[pe->line].id);
    r.u.raise.equipment = strv(pe->id);
    r.u.raise.kind = strv(a->kind);
    r.u.raise.severity = a->severity;
    r.u.raise.note = strv(a->note);
    if (submit(d, &r) != 0) return;
    d->raises_inflight++;
    memmove(&d->andons[0], &d->andons[1], --d->nandons * sizeof d->andons[0]);
  }
}

/* The run.start of each line whose product changed (before its states:
 * the changeover's end, then the run, then running). */
static void send_runs(drive *d) {
  for (size_t li = 0; li < d->o->p->nlines && can_send(d); li++) {
    fh_request r = {.type = FH_MSG_RUN_START};
    if (d->runs[li] == NULL) continue;
    r.u.run.line = strv(d->o->p->lines[li].id);
    r.u.run.product = strv(d->runs[li]);
    if (submit(d, &r) == 0) d->runs[li] = NULL;
  }
}

void send_flush(drive *d, uint64_t now) {
  size_t n = d->o->p->nequipment;
  int counts_due = d->stopping || now - d->last_counts >= DRIVE_COUNT_EVERY_MS;

  send_andons(d);
  send_runs(d);
  for (size_t li = 0; li < d->o->p->nlines; li++)
    if (d->runs[li] != NULL) return; /* the states wait for the run */
  for (size_t k = 0; k < n; k++) {
    size_t i = (d->next_eq + k) % n;
    pending_eq *p = &d->pend[i];
    if (!can_send(d)) {
      d->next_eq = i;
      return;
    }
    if (p->has_state) send_state(d, i);
    if (counts_due && (p->good || p->reject) && can_send(d)) send_count(d, i);
  }
  if (counts_due) d->last_counts = now;
}

int send_idle(const drive *d) {
  if (d->nandons > 0 && d->andons_known) return 0;
  for (size_t li = 0; li < d->o->p->nlines; li++)
    if (d->runs[li] != NULL) return 0;
  for (size_t i = 0; i < d->o->p->nequipment; i++)
    if (d->pend[i].has_state || d->pend[i].good || d->pend[i].reject) return 0;
  return 1;
}

int send_map_find(fh_mp_cursor *c, const char *key) {
  uint32_t n;
  fh_strv k;
  if (fh_mp_read_map(c, &n) != 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    if (fh_mp_read_str(c, &k) != 0) return -1;
    if (k.n == strlen(key) && memcmp(k.p, key, k.n) == 0) return 0;
    if (fh_mp_skip(c) != 0) return -1;
  }
  return -1;
}

/* Keeps own_open in step with one andon seen from the hub. */
static void track(drive *d, const fh_andon *a) {
  int open = a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
  size_t i = 0;

  if (strcmp(a->raised_by, d->user) != 0) return;
  while (i < d->nown_open && d->own_open[i] != a->id) i++;
  if (open && i == d->nown_open &&
      d->nown_open < sizeof d->own_open / sizeof d->own_open[0])
    d->own_open[d->nown_open++] = a->id;
  else if (!open && i < d->nown_open)
    d->own_open[i] = d->own_open[--d->nown_open];
}

void send_on_event(fh_client *c, const fh_event *ev, void *arg) {
  drive *d = arg;
  fh_mp_cursor cur = ev->body;
  fh_andon a;
  uint32_t n;
  (void)c;

  if (ev->topic.n != 5 || memcmp(ev->topic.p, "andon", 5) != 0) return;
  if (ev->type == FH_MSG_SNAP) {
    d->nown_open = 0;
    d->andons_known = 1;
    if (send_map_find(&cur, "andons") != 0 || fh_mp_read_array(&cur, &n) != 0) return;
    for (uint32_t i = 0; i < n && fh_dec_andon(&cur, &a) == 0; i++) track(d, &a);
  } else if (send_map_find(&cur, "andon") == 0 && fh_dec_andon(&cur, &a) == 0) {
    track(d, &a);
  }
}

void send_on_reply(fh_client *c, const fh_client_req *req, const fh_event *ev,
                   void *arg) {
  drive *d = arg;
  fh_mp_cursor cur = ev->body;
  fh_andon a;
  (void)c;

  if (req->type == FH_MSG_ANDON_RAISE && d->raises_inflight > 0)
    d->raises_inflight--;
  if (ev->type == FH_MSG_ERR) {
    if (req->type != FH_MSG_SUB && req->type != FH_MSG_UNSUB) d->refused++;
    fprintf(stderr, "floorsim: %s refused: %s: %.*s\n", fh_msg_type_name(req->type),
            fh_err_code_name(ev->code), (int)ev->msg.n, ev->msg.p);
    return;
  }
  if (req->type == FH_MSG_SUB || req->type == FH_MSG_UNSUB) return;
  d->accepted++;
  d->replays += ev->replay != 0;
  if (req->type == FH_MSG_ANDON_RAISE && fh_dec_andon(&cur, &a) == 0) track(d, &a);
}
