/* test_core.c -- the hub's core in one process: requests fed to dispatch
 * through sessions without sockets (tests/core/harness.h), replies read
 * from the sessions' send queues, the model checked after each commit.
 *
 * Covers the andon workflow (raise, a refused ack, ack, resolve, the
 * subscriber's updates), idempotent replay (the same key twice answers the
 * first result, replay: true, one andon) and a failed commit (a store whose
 * map cannot grow: the writes it refuses are answered `unavailable` and
 * undone in the model, and the andon ids they took are given back), the
 * no-signal timeout and the time window of dt.classify, both on the
 * harness's clock, and the outbox: a notification is stored in the commit
 * of its andon event and reported after it, never for a write whose commit
 * failed; the per-minute OEE samples (one per line and minute, what the
 * line's OEE was then, paged by oee.samples); the hub's session tokens:
 * minted with --session-ttl, verified, revoked (an open session holding
 * one closed 4001), refused afterwards, and the revocation list trimmed
 * once the token expired; one of a user disabled since refused, its
 * sessions closed.  And the re-accounting of a closed shift whose stops
 * are explained after its close (hand-computed times, the shift ended by
 * the harness's clock).
 */
#include <errno.h>
#include <string.h>

#include "fh_test.h"
#include "harness.h"
#include "log.h"
#include "eq_writes.h"
#include "model.h"
#include "stops.h"
#include "notify_rules.h"
#include "outbox.h"
#include "tokens.h"
#include "fh_history.h"
#include "oee_samples.h"
#include "shiftclock.h"
#include "commit.h"

#ifndef FH_SAMPLE_PLANT
#error "FH_SAMPLE_PLANT must name the sample plant file"
#endif

/* A session of the test and how many of its queued messages were read. */
typedef struct peer {
  session s;       /* the session (no connection) */
  uint32_t seen;   /* queued messages already read by next_event */
} peer;

static core_harness t;

#define EQ_L1 "L1-PRESS1" /* an equipment of line L1 in the sample plant */

static fh_strv sv(const char *s) { return (fh_strv){s, s ? strlen(s) : 0}; }

static void open_peer(peer *p, fh_role role, const char *sub) {
  fh_identity who;
  core_harness_identity(&t, &who, role, sub, NULL);
  memset(p, 0, sizeof *p);
  core_harness_session(&t, &p->s, &who);
}

/* Encodes req and hands it to the session as one WebSocket message, then
 * commits and runs due timers. */
static void send_req(peer *p, fh_request *req, uint64_t id) {
  fh_buf b;
  req->has_id = 1;
  req->id = id;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_request_encode(&b, req), 0);
  session_handle_message(&p->s, fh_buf_payload(&b), fh_buf_payload_len(&b));
  fh_buf_free(&b);
  core_harness_settle(&t);
}

/* The next message queued for p (decoded into ev, views valid until the
 * session is closed); fails the test when there is none. */
static void next_event(peer *p, fh_event *ev) {
  const uint8_t *map;
  size_t off = 0, map_len;
  fh_decode_err err;
  session *s = &p->s;
  msg *m;

  ASSERT_LT(p->seen, s->qcount);
  m = s->q[(s->qhead + p->seen++) % s->qcap].m;
  ASSERT_EQ(fh_frame_next(msg_payload(m), m->len, &off, &map, &map_len, &err), 1);
  ASSERT_EQ(fh_event_decode(map, map_len, ev), 0);
}

/* Skips to the reply with that request id and decodes its andon body. */
static fh_event reply_to(peer *p, uint64_t id, fh_andon *a) {
  fh_event ev;
  do next_event(p, &ev);
  while (!(ev.has_id && ev.id == id && (ev.type == FH_MSG_OK || ev.type == FH_MSG_ERR)));
  if (ev.type == FH_MSG_OK && a != NULL) {
    ASSERT(ev.body_key.n == 5 && memcmp(ev.body_key.p, "andon", 5) == 0);
    ASSERT_EQ(fh_dec_andon(&ev.body, a), 0);
  }
  return ev;
}

/* The andon of an upd of the andon topic: data is {andon: {...}}. */
static void upd_andon(fh_event *ev, fh_andon *a) {
  uint32_t n;
  fh_strv key;
  ASSERT_EQ(ev->type, FH_MSG_UPD);
  ASSERT_EQ(fh_mp_read_map(&ev->body, &n), 0);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(fh_mp_read_str(&ev->body, &key), 0);
  ASSERT(key.n == 5 && memcmp(key.p, "andon", 5) == 0);
  ASSERT_EQ(fh_dec_andon(&ev->body, a), 0);
}

static fh_request raise_req(const char *key, const char *note) {
  fh_request r = {.type = FH_MSG_ANDON_RAISE, .key = sv(key)};
  r.u.raise.line = sv("L1");
  r.u.raise.equipment = sv("L1-PRESS2");
  r.u.raise.kind = sv("maintenance");
  r.u.raise.severity = 3;
  r.u.raise.note = sv(note);
  return r;
}

static fh_request andon_op(fh_msg_type type, const char *key, uint64_t andon,
                           const char *reason) {
  fh_request r = {.type = type, .key = sv(key)};
  r.u.andon_op.andon = andon;
  r.u.andon_op.reason = sv(reason);
  return r;
}

static void setup(uint64_t map_size) {
  log_set_level(LOG_LVL_WARN);
  core_harness_init(&t, FH_SAMPLE_PLANT);
  t.cfg.rate_per_s = t.cfg.rate_burst = 1000000u;
  if (map_size != 0) t.cfg.map_size = t.cfg.map_size_max = map_size;
  core_harness_up(&t);
}

FH_TEST(andon_workflow) {
  peer op, mt, viewer;
  fh_andon a;
  fh_event ev;
  fh_request r;

  setup(0);
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  open_peer(&mt, FH_ROLE_MAINTENANCE, "mt-ben");
  open_peer(&viewer, FH_ROLE_VIEWER, "board");
  r = (fh_request){.type = FH_MSG_SUB};
  r.u.sub.ntopics = 1;
  r.u.sub.topics[0] = sv("andon");
  send_req(&viewer, &r, 1);

  r = raise_req("raise-1", "die jammed");
  send_req(&op, &r, 10);
  ev = reply_to(&op, 10, &a);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT_UINT_EQ(a.id, 1);
  ASSERT_EQ(a.state, FH_ANDON_RAISED);
  ASSERT_STR_EQ(a.raised_by, "op-anna");
  ASSERT_UINT_EQ(t.h.model->nandons, 1);

  r = andon_op(FH_MSG_ANDON_ACK, "ack-op", 1, NULL); /* operators may not */
  send_req(&op, &r, 11);
  ev = reply_to(&op, 11, NULL);
  ASSERT_EQ(ev.type, FH_MSG_ERR);
  ASSERT_EQ(ev.code, FH_E_FORBIDDEN);
  ASSERT_EQ(model_andon_find(t.h.model, 1)->state, FH_ANDON_RAISED);

  t.clock_ms += 30000;
  r = andon_op(FH_MSG_ANDON_ACK, "ack-1", 1, NULL);
  send_req(&mt, &r, 20);
  ASSERT_EQ(reply_to(&mt, 20, &a).type, FH_MSG_OK);
  ASSERT_EQ(a.state, FH_ANDON_ACKNOWLEDGED);
  ASSERT_EQ(a.acked_at, a.raised_at + 30000);
  ASSERT_STR_EQ(a.acked_by, "mt-ben");

  r = andon_op(FH_MSG_ANDON_RESOLVE, "res-1", 1, "mechanical");
  send_req(&mt, &r, 21);
  ASSERT_EQ(reply_to(&mt, 21, &a).type, FH_MSG_OK);
  ASSERT_EQ(a.state, FH_ANDON_RESOLVED);
  ASSERT_STR_EQ(a.reason, "mechanical");

  /* The subscriber saw the snap, then raise, ack and resolve in order. */
  do next_event(&viewer, &ev);
  while (ev.type != FH_MSG_SNAP);
  for (fh_andon_state want = FH_ANDON_RAISED; want <= FH_ANDON_RESOLVED; want++) {
    next_event(&viewer, &ev);
    upd_andon(&ev, &a);
    ASSERT_UINT_EQ(a.id, 1);
    ASSERT_EQ(a.state, want);
  }
  session_closed(&op.s);
  session_closed(&mt.s);
  session_closed(&viewer.s);
  core_harness_fini(&t);
}

FH_TEST(idempotent_replay) {
  peer op;
  fh_andon first, again;
  fh_event ev;
  fh_request r;

  setup(0);
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  r = raise_req("same-key", "first");
  send_req(&op, &r, 1);
  ev = reply_to(&op, 1, &first);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT_EQ(ev.replay, 0);

  r = raise_req("same-key", "first"); /* a resend after a lost reply */
  send_req(&op, &r, 2);
  ev = reply_to(&op, 2, &again);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT_EQ(ev.replay, 1);
  ASSERT_UINT_EQ(again.id, first.id);
  ASSERT_UINT_EQ(t.h.model->nandons, 1);
  ASSERT_UINT_EQ(t.h.model->next_andon_id, first.id + 1);
  session_closed(&op.s);
  core_harness_fini(&t);
}

/* Raises andons with long notes until a commit fails (the store cannot
 * grow); the refusal is `unavailable`.  Returns the raises answered ok,
 * whose ids are 1..n. */
static uint64_t fill_store(peer *op) {
  char key[32], note[FH_NOTE_MAX + 1];
  uint64_t oks = 0, id = 0;
  fh_andon a;
  fh_event ev;
  fh_request r;

  memset(note, 'n', FH_NOTE_MAX);
  note[FH_NOTE_MAX] = '\0';
  for (;;) {
    ASSERT_LT(id, 100000);
    snprintf(key, sizeof key, "fill-%llu", (unsigned long long)++id);
    r = raise_req(key, note);
    send_req(op, &r, id);
    ev = reply_to(op, id, &a);
    if (ev.type == FH_MSG_ERR) break;
    ASSERT_UINT_EQ(a.id, ++oks);
    op->seen = op->s.qcount; /* replies read; keeps the walk short */
  }
  ASSERT_EQ(ev.code, FH_E_UNAVAILABLE);
  return oks;
}

FH_TEST(failed_commit_rolled_back) {
  uint64_t oks;
  peer op;

  setup(1u << 20); /* 1 MiB, never grown: it fills within a few thousand */
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  oks = fill_store(&op);
  ASSERT_GT(oks, 0);
  /* The refused raise is undone: only the stored andons are in the model,
   * and the next raise will reuse the id the failed one took. */
  ASSERT_UINT_EQ(t.h.model->nandons, oks);
  ASSERT(model_andon_find(t.h.model, oks + 1) == NULL);
  ASSERT_UINT_EQ(t.h.model->next_andon_id, oks + 1);
  ASSERT_EQ(t.h.store_full, 1);
  session_closed(&op.s);
  core_harness_fini(&t);
}

static fh_request state_req(const char *key, const char *eq, fh_eq_state st) {
  fh_request r = {.type = FH_MSG_EQ_STATE, .key = sv(key)};
  r.u.eq_state.equipment = sv(eq);
  r.u.eq_state.state = st;
  return r;
}

FH_TEST(no_signal_after_timeout) {
  peer gw;
  fh_request r;
  model_eq *me;
  int64_t last;

  setup(0);
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  r = state_req("s1", "L1-PRESS1", FH_EQ_RUNNING);
  send_req(&gw, &r, 1);
  ASSERT_EQ(reply_to(&gw, 1, NULL).type, FH_MSG_OK);
  me = &t.h.model->eqs[1]; /* L1-PRESS1 */
  ASSERT_STR_EQ(me->e.id, "L1-PRESS1");
  last = me->e.last_data_at;
  ASSERT_EQ(last, t.clock_ms);
  t.clock_ms += 299 * 1000; /* the sample plant's default: 300 s */
  eq_writes_tick(&t.h, t.clock_ms);
  core_harness_settle(&t);
  ASSERT_EQ(me->e.state, FH_EQ_RUNNING);
  t.clock_ms += 2000;
  eq_writes_tick(&t.h, t.clock_ms);
  core_harness_settle(&t);
  ASSERT_EQ(me->e.state, FH_EQ_UNKNOWN);
  ASSERT_STR_EQ(me->e.machine_reason, "no_signal");
  ASSERT_EQ(me->e.since, last + 300 * 1000); /* from the stored time */
  ASSERT(me->open_stop != 0);
  ASSERT_EQ(stops_find(&t.h, me->open_stop)->d.start, last + 300 * 1000);
  eq_writes_tick(&t.h, t.clock_ms + 5000); /* once only */
  ASSERT_UINT_EQ(t.h.npending, 0);
  session_closed(&gw.s);
  core_harness_fini(&t);
}

/* ---------------------------------------------------------------- outbox */

static notify_channel bus = {.id = "bus", .type = NOTIFY_MQTT};
static notify_rule rules[2];
static notify_cfg ncfg;
static size_t outbox_reported;     /* ids handed to on_outbox */
static char outbox_last[NOTIFY_EID_MAX + 1];

static void on_outbox(void *arg, const char *ids, size_t len) {
  (void)arg;
  for (const char *p = ids; p < ids + len; p += strlen(p) + 1) {
    outbox_reported++;
    snprintf(outbox_last, sizeof outbox_last, "%s", p);
  }
}

/* andon.raised and andon.acknowledged to channel:bus. */
static void notify_on_bus(void) {
  memset(rules, 0, sizeof rules);
  rules[0].on = NOTIFY_ON_RAISED;
  rules[1].on = NOTIFY_ON_ACKNOWLEDGED;
  for (int i = 0; i < 2; i++) {
    rules[i].to[0] = (notify_to){NOTIFY_TO_CHANNEL, 0};
    rules[i].nto = 1;
    rules[i].drop_if_acknowledged = 1;
  }
  ncfg = (notify_cfg){.max_age_s = NOTIFY_MAX_AGE_S, .channels = &bus,
                      .nchannels = 1, .rules = rules, .nrules = 2};
  strcpy(ncfg.public_url, "https://hub.example/");
  t.h.notify = &ncfg;
  t.h.on_outbox = on_outbox;
  outbox_reported = 0;
}

static int count_cb(void *arg, notify_entry *e) {
  ++*(size_t *)arg;
  notify_entry_clear(e);
  return 0;
}

FH_TEST(outbox_in_the_event_commit) {
  notify_entry e;
  peer op, mt;
  fh_andon a;
  fh_request r;

  setup(0);
  notify_on_bus();
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  open_peer(&mt, FH_ROLE_MAINTENANCE, "mt2");
  r = raise_req("raise-1", "die jammed");
  send_req(&op, &r, 1);
  ASSERT_EQ(reply_to(&op, 1, &a).type, FH_MSG_OK);
  ASSERT_UINT_EQ(outbox_reported, 1);
  ASSERT_STR_EQ(outbox_last, "andon-1-raised.bus");
  ASSERT_EQ(outbox_get(&t.h, "andon-1-raised.bus", &e), 0);
  ASSERT_EQ(e.on, NOTIFY_ON_RAISED);
  ASSERT_STR_EQ(e.channel, "bus");
  ASSERT_UINT_EQ(e.andon.id, 1);
  ASSERT_STR_EQ(e.andon.raised_by, "op-anna");
  ASSERT_STR_EQ(e.link, "https://hub.example/#/andons");
  ASSERT(strncmp(e.text, "RAISED L1 ", 10) == 0);
  ASSERT_EQ(e.attempts, 0);
  notify_entry_clear(&e);

  r = andon_op(FH_MSG_ANDON_ACK, "ack-1", 1, NULL);
  send_req(&mt, &r, 2);
  ASSERT_EQ(reply_to(&mt, 2, &a).type, FH_MSG_OK);
  ASSERT_UINT_EQ(outbox_reported, 2);
  ASSERT_STR_EQ(outbox_last, "andon-1-ack.bus");
  ASSERT_EQ(outbox_andon_now(&t.h, 1, &a), 0);
  ASSERT_EQ(a.state, FH_ANDON_ACKNOWLEDGED);

  /* updates and deletes are committed like writes, reported as nothing */
  ASSERT_EQ(outbox_get(&t.h, "andon-1-ack.bus", &e), 0);
  e.attempts = 3;
  ASSERT_EQ(outbox_update(&t.h, &e), 0);
  ASSERT_EQ(outbox_delete(&t.h, "andon-1-raised.bus"), 0);
  notify_entry_clear(&e);
  core_harness_settle(&t);
  ASSERT_UINT_EQ(outbox_reported, 2);
  ASSERT_EQ(outbox_get(&t.h, "andon-1-raised.bus", &e), -ENOENT);
  ASSERT_EQ(outbox_get(&t.h, "andon-1-ack.bus", &e), 0);
  ASSERT_EQ(e.attempts, 3);
  notify_entry_clear(&e);
  session_closed(&op.s);
  session_closed(&mt.s);
  core_harness_fini(&t);
}

/* Moves the clock on by ms, runs the notify tick and commits; returns the
 * ids reported so far. */
static size_t tick_after(int64_t ms) {
  t.clock_ms += ms;
  outbox_tick(&t.h, t.clock_ms);
  core_harness_settle(&t);
  return outbox_reported;
}

/* repeat_s: reminder n once when due, while the andon is unacknowledged. */
FH_TEST(outbox_reminders) {
  notify_entry e;
  peer op, mt;
  fh_andon a;
  fh_request r;

  setup(0);
  notify_on_bus();
  rules[0].repeat_s = 60;
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  open_peer(&mt, FH_ROLE_SHIFT_MANAGER, "sm1");
  r = raise_req("raise-1", NULL);
  send_req(&op, &r, 1);
  ASSERT_EQ(reply_to(&op, 1, &a).type, FH_MSG_OK);
  ASSERT_UINT_EQ(outbox_reported, 1);
  ASSERT_UINT_EQ(tick_after(59000), 1);
  ASSERT_UINT_EQ(tick_after(1000), 2);
  ASSERT_UINT_EQ(tick_after(0), 2); /* once */
  ASSERT_STR_EQ(outbox_last, "andon-1-raised-r1.bus");
  ASSERT_EQ(outbox_get(&t.h, outbox_last, &e), 0);
  ASSERT(strstr(e.text, "(reminder 1)") != NULL);
  notify_entry_clear(&e);
  ASSERT_UINT_EQ(tick_after(150000), 3); /* 210 s: the third, not the second */
  ASSERT_STR_EQ(outbox_last, "andon-1-raised-r3.bus");
  r = andon_op(FH_MSG_ANDON_ACK, "ack-1", 1, NULL);
  send_req(&mt, &r, 2);
  ASSERT_EQ(reply_to(&mt, 2, &a).type, FH_MSG_OK);
  ASSERT_UINT_EQ(outbox_reported, 4); /* the acknowledged rule */
  ASSERT_UINT_EQ(tick_after(600000), 4);
  session_closed(&op.s);
  session_closed(&mt.s);
  core_harness_fini(&t);
}

/* equipment.down_for: once per down period, after after_s. */
FH_TEST(outbox_equipment_down_for) {
  char want[NOTIFY_EID_MAX + 1];
  peer gw;
  fh_request r = {.type = FH_MSG_EQ_STATE};
  int64_t since;

  setup(0);
  notify_on_bus();
  rules[0] = (notify_rule){.on = NOTIFY_ON_EQUIPMENT_DOWN, .after_s = 60, .nto = 1,
                           .to = {{NOTIFY_TO_CHANNEL, 0}}, .drop_if_acknowledged = 1};
  strcpy(rules[0].lines[0], "L1");
  rules[0].nlines = 1;
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  r.key = sv("down-1");
  r.u.eq_state.equipment = sv(EQ_L1);
  r.u.eq_state.state = FH_EQ_DOWN;
  send_req(&gw, &r, 1);
  ASSERT_EQ(reply_to(&gw, 1, NULL).type, FH_MSG_OK);
  since = t.clock_ms;
  ASSERT_UINT_EQ(tick_after(59000), 0);
  ASSERT_UINT_EQ(tick_after(1000), 1);
  ASSERT_UINT_EQ(tick_after(60000), 1); /* once per down period */
  snprintf(want, sizeof want, "eq-%s-down60-%lld.bus", EQ_L1, (long long)since);
  ASSERT_STR_EQ(outbox_last, want);
  session_closed(&gw.s);
  core_harness_fini(&t);
}

FH_TEST(classify_window_by_role) {
  peer gw, op, sm;
  fh_request r;
  fh_event ev;

  setup(0);
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  open_peer(&sm, FH_ROLE_SHIFT_MANAGER, "sm-eva");
  r = state_req("s1", "L1-PRESS1", FH_EQ_RUNNING);
  send_req(&gw, &r, 1);
  t.clock_ms += 60000;
  r = state_req("s2", "L1-PRESS1", FH_EQ_DOWN);
  send_req(&gw, &r, 2);
  t.clock_ms += 600000;
  r = state_req("s3", "L1-PRESS1", FH_EQ_RUNNING);
  send_req(&gw, &r, 3);
  ASSERT_EQ(reply_to(&gw, 3, NULL).type, FH_MSG_OK);
  /* two days later the stop ended before the previous shift began */
  t.clock_ms += 2 * 24 * 3600 * 1000LL;
  core_harness_settle(&t);
  r = (fh_request){.type = FH_MSG_DT_CLASSIFY, .key = sv("c1")};
  r.u.dt.event = 1;
  r.u.dt.reason = sv("mechanical");
  send_req(&op, &r, 10);
  ev = reply_to(&op, 10, NULL);
  ASSERT_EQ(ev.type, FH_MSG_ERR);
  ASSERT_EQ(ev.code, FH_E_FORBIDDEN);
  ASSERT(ev.err_key.n == 5 && memcmp(ev.err_key.p, "event", 5) == 0);
  r.key = sv("c2");
  send_req(&sm, &r, 11);
  ASSERT_EQ(reply_to(&sm, 11, NULL).type, FH_MSG_OK);
  session_closed(&gw.s);
  session_closed(&op.s);
  session_closed(&sm.s);
  core_harness_fini(&t);
}

/* A full store: each refused raise has no record and is not reported. */
FH_TEST(outbox_not_for_failed_commits) {
  uint64_t oks;
  size_t stored = 0;
  peer op;

  setup(1u << 20);
  notify_on_bus();
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  oks = fill_store(&op);
  ASSERT_GT(oks, 0);
  ASSERT_UINT_EQ(outbox_reported, oks);
  ASSERT_EQ(outbox_scan(&t.h, count_cb, &stored), 0);
  ASSERT_UINT_EQ(stored, oks);
  session_closed(&op.s);
  core_harness_fini(&t);
}

/* downtime.unclassified_for: once per stop still without a reason after
 * after_s, none once it has one. */
FH_TEST(outbox_stop_unclassified_for) {
  notify_entry e;
  peer gw, op;
  fh_request r;

  setup(0);
  notify_on_bus();
  rules[0] = (notify_rule){.on = NOTIFY_ON_DOWNTIME_UNCLASSIFIED, .after_s = 120,
                           .nto = 1, .to = {{NOTIFY_TO_CHANNEL, 0}}};
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  open_peer(&op, FH_ROLE_OPERATOR, "op-anna");
  r = state_req("s1", EQ_L1, FH_EQ_RUNNING);
  send_req(&gw, &r, 1);
  r = state_req("s2", EQ_L1, FH_EQ_DOWN);
  send_req(&gw, &r, 2);
  ASSERT_EQ(reply_to(&gw, 2, NULL).type, FH_MSG_OK);
  ASSERT_UINT_EQ(tick_after(119000), 0);
  ASSERT_UINT_EQ(tick_after(1000), 1); /* open, 120 s without a reason */
  ASSERT_UINT_EQ(tick_after(60000), 1); /* once per stop */
  ASSERT_STR_EQ(outbox_last, "stop-1-unclassified120.bus");
  ASSERT_EQ(outbox_get(&t.h, outbox_last, &e), 0);
  ASSERT(strstr(e.text, "UNCLASSIFIED L1") != NULL);
  ASSERT(strstr(e.link, "#/downtime/L1") != NULL);
  notify_entry_clear(&e);
  r = state_req("s3", EQ_L1, FH_EQ_RUNNING); /* a second stop, classified */
  send_req(&gw, &r, 3);
  r = state_req("s4", EQ_L1, FH_EQ_IDLE);
  send_req(&gw, &r, 4);
  r = (fh_request){.type = FH_MSG_DT_CLASSIFY, .key = sv("c1")};
  r.u.dt.event = 2;
  r.u.dt.reason = sv("tooling");
  send_req(&op, &r, 5);
  ASSERT_EQ(reply_to(&op, 5, NULL).type, FH_MSG_OK);
  ASSERT_UINT_EQ(tick_after(300000), 1);
  session_closed(&gw.s);
  session_closed(&op.s);
  core_harness_fini(&t);
}

/* Splitting an open stop: the part before `at` is closed time of its own
 * category, the rest stays the open stop's. */
FH_TEST(split_open_stop_keeps_its_time) {
  peer gw, sm;
  fh_request r;
  fh_oee o;
  int64_t t0;

  setup(0);
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  open_peer(&sm, FH_ROLE_SHIFT_MANAGER, "sm-eva");
  r = state_req("s1", EQ_L1, FH_EQ_RUNNING);
  send_req(&gw, &r, 1);
  t.clock_ms += 60000;
  t0 = t.clock_ms;
  r = state_req("s2", EQ_L1, FH_EQ_DOWN);
  send_req(&gw, &r, 2);
  t.clock_ms += 10 * 60000;
  r = (fh_request){.type = FH_MSG_DT_SPLIT, .key = sv("x1")};
  r.u.dt.event = 1;
  r.u.dt.at = t0 + 4 * 60000;
  r.u.dt.reason = sv("tooling");
  send_req(&sm, &r, 3);
  ASSERT_EQ(reply_to(&sm, 3, NULL).type, FH_MSG_OK);
  oee_acc_compute(&t.h.model->eqs[1].acc, t.clock_ms, EQ_L1, &o);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNPLANNED], 4 * 60000);     /* the cut part */
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 6 * 60000);  /* still open */
  ASSERT_UINT_EQ(o.run_ms, 60000);
  session_closed(&gw.s);
  session_closed(&sm.s);
  core_harness_fini(&t);
}

/* The harness's day in Berlin (Mon 2025-01-06, the clock starts at 07:00);
 * the sample plant's early shift is 06:00-14:00 with breaks 09:00-09:15
 * and 11:30-12:00. */
#define MINUTE 60000LL
#define AT(hh, mm) (CORE_HARNESS_CLOCK_START_MS + ((hh) - 7) * 60 * MINUTE + (mm) * MINUTE)

/* L1-PRESS1 (L1's constraint) enters st at `at` on the harness's clock. */
static void state_at(peer *gw, const char *key, fh_eq_state st, int64_t at,
                     uint64_t id) {
  fh_request r = state_req(key, EQ_L1, st);
  t.clock_ms = at;
  send_req(gw, &r, id);
  ASSERT_EQ(reply_to(gw, id, NULL).type, FH_MSG_OK);
}

/* The stored record of L1's early shift, as shift.report answers it. */
static void early_report(peer *p, uint64_t id, fh_oee *o) {
  fh_request r = {.type = FH_MSG_SHIFT_REPORT};
  fh_event ev;
  r.u.shift_report.line = sv("L1");
  r.u.shift_report.shift_start = AT(6, 0);
  send_req(p, &r, id);
  ev = reply_to(p, id, NULL);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT(ev.body_key.n == 6 && memcmp(ev.body_key.p, "report", 6) == 0);
  ASSERT_EQ(fh_dec_oee(&ev.body, o), 0);
}

/* The `ok` reply to request id, read off the raw map (for answers
 * fh_event does not decode): the cursor after its map header, *keys its
 * keys. */
static fh_mp_cursor ok_map(peer *p, uint64_t id, uint32_t *keys) {
  const uint8_t *map;
  size_t off = 0, map_len;
  fh_decode_err err;
  fh_event ev;
  fh_mp_cursor c;
  msg *m;
  do {
    ASSERT_LT(p->seen, p->s.qcount);
    m = p->s.q[(p->s.qhead + p->seen++) % p->s.qcap].m;
    off = 0;
    ASSERT_EQ(fh_frame_next(msg_payload(m), m->len, &off, &map, &map_len, &err), 1);
    ASSERT_EQ(fh_event_decode(map, map_len, &ev), 0);
  } while (!(ev.has_id && ev.id == id));
  ASSERT_EQ(ev.type, FH_MSG_OK);
  c = (fh_mp_cursor){map, map + map_len};
  ASSERT_EQ(fh_mp_read_map(&c, keys), 0);
  return c;
}

/* oee.history {line L1, the early shift, by category}: the ms of category
 * cat in its one period. */
static uint64_t early_category_ms(peer *p, uint64_t id, const char *cat) {
  fh_request r = {.type = FH_MSG_OEE_HISTORY};
  uint32_t keys, rows, fields;
  uint64_t ms = 0, found = UINT64_MAX;
  fh_mp_cursor c;
  r.u.history.scope = sv("line");
  r.u.history.line = sv("L1");
  r.u.history.from = AT(6, 0);
  r.u.history.to = AT(14, 0);
  r.u.history.group = sv("shift");
  r.u.history.by = sv("category");
  send_req(p, &r, id);
  c = ok_map(p, id, &keys);
  for (uint32_t k = 0; k < keys; k++) {
    fh_strv key, v, name;
    ASSERT_EQ(fh_mp_read_str(&c, &key), 0);
    if (!(key.n == 4 && memcmp(key.p, "rows", 4) == 0)) {
      ASSERT_EQ(fh_mp_skip(&c), 0);
      continue;
    }
    ASSERT_EQ(fh_mp_read_array(&c, &rows), 0);
    ASSERT_EQ(rows, FH_LOSS__TIME); /* one period: every category once */
    for (uint32_t i = 0; i < rows; i++) {
      memset(&name, 0, sizeof name);
      ASSERT_EQ(fh_mp_read_map(&c, &fields), 0);
      for (uint32_t f = 0; f < fields; f++) {
        ASSERT_EQ(fh_mp_read_str(&c, &v), 0);
        if (v.n == 8 && memcmp(v.p, "category", 8) == 0) ASSERT_EQ(fh_mp_read_str(&c, &name), 0);
        else if (v.n == 2 && memcmp(v.p, "ms", 2) == 0) ASSERT_EQ(fh_mp_read_uint(&c, &ms), 0);
        else ASSERT_EQ(fh_mp_skip(&c), 0);
      }
      if (name.n == strlen(cat) && memcmp(name.p, cat, name.n) == 0) found = ms;
    }
  }
  ASSERT(found != UINT64_MAX);
  return found;
}

/* A dt.classify of stop `event` queued without committing. */
static void classify_queued(peer *p, const char *key, uint64_t event,
                            const char *reason, uint64_t id) {
  fh_request r = {.type = FH_MSG_DT_CLASSIFY, .key = sv(key)};
  fh_buf b;
  r.u.dt.event = event;
  r.u.dt.reason = sv(reason);
  r.has_id = 1;
  r.id = id;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_request_encode(&b, &r), 0);
  session_handle_message(&p->s, fh_buf_payload(&b), fh_buf_payload_len(&b));
  fh_buf_free(&b);
}

/* Stops of a closed shift explained after its close: stop 1 08:55-09:25
 * spans the 09:00 break (15 min counted), stop 2 13:50-14:10 spans the
 * shift end (10 min in each shift).  At the close: not monitored 06:00-07:00
 * = 60 min, planned 480 - 45 (breaks) - 60 = 375 min, run 115 + 265 - 30
 * (break) = 350 min, 25 min unclassified.  Both classified in one batch
 * (the second re-accounting reads the first's record before it is
 * committed): revision 3, 25 min unplanned, planned and run unchanged (a
 * flat reason list: every reason is `unplanned`). */
FH_TEST(reaccount_closed_shift) {
  peer gw, sm;
  fh_oee o;

  setup(0);
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  open_peer(&sm, FH_ROLE_SHIFT_MANAGER, "sm-eva");
  state_at(&gw, "s1", FH_EQ_RUNNING, AT(7, 0), 1);
  state_at(&gw, "s2", FH_EQ_DOWN, AT(8, 55), 2);
  state_at(&gw, "s3", FH_EQ_RUNNING, AT(9, 25), 3);
  state_at(&gw, "s4", FH_EQ_DOWN, AT(13, 50), 4);
  t.clock_ms = AT(14, 0);
  shiftclock_due(&t.h);
  core_harness_settle(&t);
  state_at(&gw, "s5", FH_EQ_RUNNING, AT(14, 10), 5);
  early_report(&sm, 6, &o);
  ASSERT_EQ(o.revision, 1);
  ASSERT_EQ(o.changed_at, 0);
  ASSERT_UINT_EQ(o.not_monitored_ms, 60 * MINUTE);
  ASSERT_UINT_EQ(o.planned_ms, 375 * MINUTE);
  ASSERT_UINT_EQ(o.run_ms, 350 * MINUTE);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 25 * MINUTE);
  t.clock_ms = AT(14, 20);
  classify_queued(&sm, "c1", 1, "mechanical", 7);
  classify_queued(&sm, "c2", 2, "tooling", 8);
  core_harness_settle(&t);
  ASSERT_EQ(reply_to(&sm, 7, NULL).type, FH_MSG_OK);
  ASSERT_EQ(reply_to(&sm, 8, NULL).type, FH_MSG_OK);
  early_report(&sm, 9, &o);
  ASSERT_EQ(o.revision, 3);
  ASSERT_EQ(o.changed_at, AT(14, 20));
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 0);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNPLANNED], 25 * MINUTE);
  ASSERT_UINT_EQ(o.planned_ms, 375 * MINUTE);
  ASSERT_UINT_EQ(o.run_ms, 350 * MINUTE);
  /* oee.history by category of that one shift: its record's losses, by
   * hand 25 min unplanned (8:55-9:25 less the 9:00-9:15 break, and
   * 13:50-14:00), nothing unclassified */
  ASSERT_UINT_EQ(early_category_ms(&sm, 10, "unplanned"), 25 * MINUTE);
  ASSERT_UINT_EQ(early_category_ms(&sm, 11, "unclassified"), 0);
  /* the late shift's part of stop 2 moved in the live accounting */
  oee_acc_compute(&t.h.model->eqs[1].acc, t.clock_ms, EQ_L1, &o);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNPLANNED], 10 * MINUTE);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 0);
  session_closed(&gw.s);
  session_closed(&sm.s);
  core_harness_fini(&t);
}

/* A stop from 13:59 that ends 14:00:30 is short (90 s < 120 s): its minute
 * in the closed early shift leaves `unclassified` for `small_stop` (run
 * time), and the closed record says so: revision 2, run + 1 min. */
FH_TEST(short_stop_across_the_close) {
  peer gw, sm;
  fh_oee o;
  uint64_t run;

  setup(0);
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  open_peer(&sm, FH_ROLE_SHIFT_MANAGER, "sm-eva");
  state_at(&gw, "s1", FH_EQ_RUNNING, AT(7, 0), 1);
  state_at(&gw, "s2", FH_EQ_IDLE, AT(13, 59), 2);
  t.clock_ms = AT(14, 0);
  shiftclock_due(&t.h);
  core_harness_settle(&t);
  early_report(&sm, 3, &o);
  ASSERT_EQ(o.revision, 1);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], MINUTE);
  run = o.run_ms;
  state_at(&gw, "s3", FH_EQ_RUNNING, AT(14, 0) + 30000, 4);
  early_report(&sm, 5, &o);
  ASSERT_EQ(o.revision, 2);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 0);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_SMALL_STOP], MINUTE);
  ASSERT_UINT_EQ(o.run_ms, run + MINUTE);
  ASSERT_UINT_EQ(run, (420 - 45 - 1) * MINUTE); /* 07:00-13:59 less the breaks */
  session_closed(&gw.s);
  session_closed(&sm.s);
  core_harness_fini(&t);
}

/* Revoked entries in the store. */
static uint64_t revoked_entries(void) {
  fh_store_stats st;
  ASSERT_EQ(fh_store_stats_get(t.h.store, &st), 0);
  return st.entries[FH_T_REVOKED];
}

/* Stores u in the users table, as floorctl user does. */
static void put_user(const user_rec *u) {
  fh_buf b;
  fh_buf_init(&b, 0);
  ASSERT_EQ(user_encode(&b, u), 0);
  ASSERT_EQ(fh_batch_put(t.h.batch, FH_T_USERS, u->id, strlen(u->id),
                         fh_buf_payload(&b), fh_buf_payload_len(&b)), 0);
  fh_buf_free(&b);
  core_harness_settle(&t);
}

FH_TEST(session_token_revoke_and_trim) {
  user_rec u = {.id = "ana", .role = FH_ROLE_SHIFT_MANAGER, .nlines = 1,
                .lines = {"L1"}};
  fh_identity who, again;
  int64_t exp_ms;
  char *tok;
  peer p;

  setup(0);
  put_user(&u);
  t.cfg.session_ttl_s = 1800;
  ASSERT_EQ(tokens_mint(&t.h, &u, &tok, &exp_ms), 0);
  ASSERT_EQ(exp_ms, CORE_HARNESS_CLOCK_START_MS + 1800 * 1000);
  ASSERT_EQ(tokens_verify(&t.h, tok, strlen(tok), &who), AUTH_OK);
  ASSERT_STR_EQ(who.sub, "ana");
  ASSERT_EQ(who.role, FH_ROLE_SHIFT_MANAGER);
  ASSERT_UINT_EQ(who.nlines, 1);
  ASSERT_STR_EQ(who.lines[0], "L1");
  ASSERT_UINT_EQ(strlen(who.jti), 32);
  ASSERT_EQ(who.exp_ms, exp_ms);
  memset(&p, 0, sizeof p);
  core_harness_session(&t, &p.s, &who);
  ASSERT_STR_EQ(p.s.jti, who.jti);

  ASSERT_EQ(tokens_revoke(&t.h, &who), 0);
  ASSERT_EQ(p.s.close_code, 0); /* its sessions close once it is committed */
  core_harness_settle(&t);
  ASSERT_UINT_EQ(revoked_entries(), 1);
  tokens_close_sessions(&t.h, who.jti); /* what logout does after the commit */
  ASSERT_EQ(p.s.close_code, FH_CLOSE_UNAUTHENTICATED);
  ASSERT_STR_EQ(p.s.close_why, "token revoked");
  ASSERT_EQ(tokens_verify(&t.h, tok, strlen(tok), &again), AUTH_E_REVOKED);
  ASSERT_EQ(again.sub[0], '\0');
  ASSERT_EQ(tokens_verify_signed(&t.h, tok, strlen(tok), &again), AUTH_OK);

  /* Kept while the token (plus the leeway) is valid, dropped after. */
  t.clock_ms = exp_ms + 60 * 1000;
  tokens_trim(&t.h, hub_now_ms(&t.h));
  core_harness_settle(&t);
  ASSERT_UINT_EQ(revoked_entries(), 1);
  t.clock_ms = exp_ms + 60 * 1000 + 1;
  tokens_trim(&t.h, hub_now_ms(&t.h));
  core_harness_settle(&t);
  ASSERT_UINT_EQ(revoked_entries(), 0);
  free(tok);
  session_closed(&p.s);
  core_harness_fini(&t);
}

/* A session token of a user disabled (or removed) since: refused, and the
 * session holding it closed at its next write and by the tick. */
FH_TEST(session_token_user_disabled) {
  user_rec u = {.id = "bo", .role = FH_ROLE_ADMIN};
  fh_identity who;
  fh_request r = raise_req("k-bo-1", "");
  fh_event ev;
  int64_t exp_ms;
  char *tok;
  peer a, b;

  setup(0);
  put_user(&u);
  ASSERT_EQ(tokens_mint(&t.h, &u, &tok, &exp_ms), 0);
  ASSERT_EQ(tokens_verify(&t.h, tok, strlen(tok), &who), AUTH_OK);
  ASSERT_EQ(who.hub_signed, 1);
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  core_harness_session(&t, &a.s, &who);
  core_harness_session(&t, &b.s, &who);
  ASSERT_EQ(a.s.hub_token, 1);
  u.disabled = 1;
  put_user(&u);
  ASSERT_EQ(tokens_verify(&t.h, tok, strlen(tok), &who), AUTH_E_DISABLED);
  send_req(&a, &r, 7); /* the write is refused, the session closed */
  do next_event(&a, &ev);
  while (!(ev.has_id && ev.id == 7));
  ASSERT_EQ(ev.type, FH_MSG_ERR);
  ASSERT_EQ(a.s.close_code, FH_CLOSE_UNAUTHENTICATED);
  ASSERT_STR_EQ(a.s.close_why, "user disabled");
  ASSERT_UINT_EQ(t.h.model->nandons, 0);
  ASSERT_EQ(b.s.close_code, 0); /* the other: at the tick */
  tokens_tick(&t.h, hub_mono_ms(&t.h) + TOKENS_USER_CHECK_MS);
  ASSERT_EQ(b.s.close_code, FH_CLOSE_UNAUTHENTICATED);
  free(tok);
  session_closed(&a.s);
  session_closed(&b.s);
  core_harness_fini(&t);
}

/* ------------------------------------------------------------ samples */

/* The samples and cursor of the reply to request id (read off the raw map:
 * {t, id, samples: [...], cursor?}); returns how many. */
static size_t samples_reply(peer *p, uint64_t id, fh_sample *out, size_t cap,
                            int64_t *cursor) {
  size_t n = 0;
  uint32_t keys, len;
  fh_mp_cursor c = ok_map(p, id, &keys);
  *cursor = 0;
  for (uint32_t k = 0; k < keys; k++) {
    fh_strv key;
    ASSERT_EQ(fh_mp_read_str(&c, &key), 0);
    if (key.n == 7 && memcmp(key.p, "samples", 7) == 0) {
      ASSERT_EQ(fh_mp_read_array(&c, &len), 0);
      for (; n < len; n++) {
        ASSERT_LT(n, cap);
        ASSERT_EQ(fh_dec_sample(&c, &out[n]), 0);
      }
    } else if (key.n == 6 && memcmp(key.p, "cursor", 6) == 0) {
      ASSERT_EQ(fh_mp_read_int(&c, cursor), 0);
    } else {
      ASSERT_EQ(fh_mp_skip(&c), 0);
    }
  }
  return n;
}

static fh_request samples_req(int64_t from, int64_t to, int64_t cursor) {
  fh_request r = {.type = FH_MSG_OEE_SAMPLES};
  r.u.history.line = sv("L1");
  r.u.history.from = from;
  r.u.history.to = to;
  r.u.history.cursor = cursor;
  return r;
}

/* Each minute of the shift leaves one sample per line with the figures the
 * line had then; 501 minutes page as 500 + 1; other lines' samples and the
 * range bounds stay out. */
FH_TEST(samples_per_minute_paged) {
  static fh_sample got[FH_SAMPLES_PAGE];
  peer gw, v;
  fh_request r;
  int64_t start, cursor;
  uint64_t good[3];

  setup(0);
  open_peer(&gw, FH_ROLE_GATEWAY, "gw1");
  open_peer(&v, FH_ROLE_VIEWER, "v1");
  r = state_req("s1", "L1-EOL", FH_EQ_RUNNING);
  send_req(&gw, &r, 1);
  start = t.clock_ms / SAMPLE_EVERY_MS * SAMPLE_EVERY_MS;
  for (int i = 0; i <= 500; i++) {
    fh_request cnt = {.type = FH_MSG_EQ_COUNT, .key = sv(NULL)};
    char key[16];
    snprintf(key, sizeof key, "c%d", i);
    cnt.key = sv(key);
    cnt.u.eq_count.equipment = sv("L1-EOL");
    cnt.u.eq_count.good = 2;
    t.clock_ms = start + (int64_t)i * SAMPLE_EVERY_MS + 500;
    send_req(&gw, &cnt, 100 + (uint64_t)i);
    shiftclock_tick(&t.h, t.clock_ms);
    if (i < 3) good[i] = t.h.model->lines[0].oee.good;
    core_harness_settle(&t);
  }
  r = samples_req(start, start + 600 * SAMPLE_EVERY_MS, 0);
  send_req(&v, &r, 2);
  ASSERT_EQ(samples_reply(&v, 2, got, FH_SAMPLES_PAGE, &cursor), FH_SAMPLES_PAGE);
  ASSERT_EQ(cursor, start + 500 * SAMPLE_EVERY_MS);
  for (int i = 0; i < 3; i++) {
    ASSERT_EQ(got[i].t, start + i * SAMPLE_EVERY_MS);
    ASSERT_UINT_EQ(got[i].good, good[i]);
  }
  ASSERT(good[1] > good[0]);
  ASSERT_EQ(got[499].t, start + 499 * SAMPLE_EVERY_MS);
  r = samples_req(start, start + 600 * SAMPLE_EVERY_MS, cursor);
  send_req(&v, &r, 3);
  ASSERT_EQ(samples_reply(&v, 3, got, FH_SAMPLES_PAGE, &cursor), 1);
  ASSERT_EQ(cursor, 0);
  ASSERT_EQ(got[0].t, start + 500 * SAMPLE_EVERY_MS);
  r = samples_req(start + SAMPLE_EVERY_MS, start + 3 * SAMPLE_EVERY_MS, 0);
  send_req(&v, &r, 4); /* [from, to): the minutes 1 and 2 */
  ASSERT_EQ(samples_reply(&v, 4, got, FH_SAMPLES_PAGE, &cursor), 2);
  ASSERT_EQ(got[1].t, start + 2 * SAMPLE_EVERY_MS);
  session_closed(&gw.s);
  session_closed(&v.s);
  core_harness_fini(&t);
}

/* Samples older than the plant's samples_days (31 in the sample plant: the
 * default) go at the housekeeping; younger ones stay. */
FH_TEST(samples_kept_samples_days) {
  static fh_sample got[8];
  peer v;
  fh_request r;
  int64_t start, cursor;

  log_set_level(LOG_LVL_WARN);
  core_harness_init(&t, FH_SAMPLE_PLANT);
  t.cfg.commit_per_op = 1; /* the trim runs inline, not on the thread pool */
  core_harness_up(&t);
  ASSERT_EQ(t.h.plant->samples_days, 31);
  open_peer(&v, FH_ROLE_VIEWER, "v1");
  start = t.clock_ms / SAMPLE_EVERY_MS * SAMPLE_EVERY_MS;
  for (int i = 0; i < 3; i++) {
    t.clock_ms = start + i * SAMPLE_EVERY_MS + 500;
    shiftclock_tick(&t.h, t.clock_ms);
    core_harness_settle(&t);
  }
  t.clock_ms = start + 31 * 86400000LL + 90000; /* minutes 0 and 1 are older */
  commit_trim(&t.h);
  r = samples_req(start, start + 10 * SAMPLE_EVERY_MS, 0);
  send_req(&v, &r, 1);
  ASSERT_EQ(samples_reply(&v, 1, got, 8, &cursor), 1);
  ASSERT_EQ(got[0].t, start + 2 * SAMPLE_EVERY_MS);
  session_closed(&v.s);
  core_harness_fini(&t);
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(reaccount_closed_shift),
    FH_TEST_ENTRY(short_stop_across_the_close),
    FH_TEST_ENTRY(session_token_user_disabled),
    FH_TEST_ENTRY(session_token_revoke_and_trim),
    FH_TEST_ENTRY(samples_per_minute_paged),
    FH_TEST_ENTRY(samples_kept_samples_days),
    FH_TEST_ENTRY(split_open_stop_keeps_its_time),
    FH_TEST_ENTRY(no_signal_after_timeout),
    FH_TEST_ENTRY(classify_window_by_role),
    FH_TEST_ENTRY(andon_workflow),
    FH_TEST_ENTRY(idempotent_replay),
    FH_TEST_ENTRY(failed_commit_rolled_back),
    FH_TEST_ENTRY(outbox_in_the_event_commit),
    FH_TEST_ENTRY(outbox_not_for_failed_commits),
    FH_TEST_ENTRY(outbox_reminders),
    FH_TEST_ENTRY(outbox_equipment_down_for),
    FH_TEST_ENTRY(outbox_stop_unclassified_for),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
