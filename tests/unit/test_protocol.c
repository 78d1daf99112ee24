/* test_protocol.c -- unit tests of fh_protocol.
 *
 * Design: round trips go through the public API only (encode, then
 * fh_frame_next, then the decoder) and compare every field; the byte-exact
 * tests compare against hex written independently of our encoder (by hand
 * or with Python's msgpack) and shown in PROTOCOL.md; the malformed-input
 * tests build bad maps from a small table of each message's required keys,
 * so every message type gets its missing-key and wrong-type case.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fh_history.h"
#include "fh_protocol.h"
#include "fh_test.h"
#include "samples.h"

/* ------------------------------------------------------------- helpers */

static fh_strv sv(const char *s) {
  fh_strv v = {s, s ? strlen(s) : 0};
  return v;
}

#define ASSERT_SV_EQ(a, b)                                                   \
  do {                                                                       \
    fh_strv fh_x_ = (a), fh_y_ = (b);                                        \
    if (fh_x_.n != fh_y_.n ||                                                \
        (fh_x_.n && memcmp(fh_x_.p, fh_y_.p, fh_x_.n) != 0))                 \
      FH_FAIL_("%s == %s: \"%.*s\" != \"%.*s\"", #a, #b, (int)fh_x_.n,      \
               fh_x_.p ? fh_x_.p : "", (int)fh_y_.n,                         \
               fh_y_.p ? fh_y_.p : "");                                      \
  } while (0)

#define ASSERT_SV_STR(a, s) ASSERT_SV_EQ(a, sv(s))

/* Parses "82 a1 74 ..." into out; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = 0;
  unsigned v;
  int used;
  while (sscanf(hex, " %2x%n", &v, &used) == 1) {
    ASSERT(n < cap);
    out[n++] = (uint8_t)v;
    hex += used;
  }
  return n;
}

/* The only map of a frame; asserts that the frame holds exactly one. */
static void one_map(const uint8_t *frame, size_t len, const uint8_t **map,
                    size_t *map_len) {
  fh_decode_err err;
  size_t off = 0;
  ASSERT_EQ(fh_frame_next(frame, len, &off, map, map_len, &err), 1);
  ASSERT_UINT_EQ(*map_len, len);
  ASSERT_EQ(fh_frame_next(frame, len, &off, map, map_len, &err), 0);
}

/* Frames and decodes a request from bytes; returns the decoder's result. */
static int decode_bytes(const uint8_t *p, size_t n, fh_request *req,
                        fh_decode_err *err) {
  const uint8_t *map;
  size_t map_len, off = 0;
  int rc = fh_frame_next(p, n, &off, &map, &map_len, err);
  if (rc != 1) return -2;
  return fh_request_decode(map, map_len, req, err);
}

static int decode_buf(const fh_buf *b, fh_request *req, fh_decode_err *err) {
  return decode_bytes(fh_buf_payload(b), fh_buf_payload_len(b), req, err);
}

/* Decodes a frame that must hold one hub message. */
static void decode_event(const fh_buf *b, fh_event *ev) {
  const uint8_t *map;
  size_t map_len;
  one_map(fh_buf_payload(b), fh_buf_payload_len(b), &map, &map_len);
  ASSERT_EQ(fh_event_decode(map, map_len, ev), 0);
}

static void assert_bad(int rc, const fh_decode_err *err, fh_err_code code,
                       const char *key, const char *msg) {
  ASSERT_EQ(rc, -1);
  ASSERT_EQ(err->code, code);
  ASSERT_STR_EQ(err->key, key);
  if (msg) ASSERT_STR_EQ(err->msg, msg);
}

/* ----------------------------------------------------------- fixtures */

static void assert_andon_eq(const fh_andon *a, const fh_andon *b) {
  ASSERT_UINT_EQ(a->id, b->id);
  ASSERT_STR_EQ(a->line, b->line);
  ASSERT_STR_EQ(a->equipment, b->equipment);
  ASSERT_STR_EQ(a->kind, b->kind);
  ASSERT_EQ(a->severity, b->severity);
  ASSERT_EQ(a->state, b->state);
  ASSERT_UINT_EQ(a->level, b->level);
  ASSERT_EQ(a->raised_at, b->raised_at);
  ASSERT_STR_EQ(a->raised_by, b->raised_by);
  ASSERT_EQ(a->acked_at, b->acked_at);
  ASSERT_STR_EQ(a->acked_by, b->acked_by);
  ASSERT_EQ(a->resolved_at, b->resolved_at);
  ASSERT_STR_EQ(a->resolved_by, b->resolved_by);
  ASSERT_STR_EQ(a->reason, b->reason);
  ASSERT_STR_EQ(a->note, b->note);
}

static void assert_equipment_eq(const fh_equipment *a, const fh_equipment *b) {
  ASSERT_STR_EQ(a->id, b->id);
  ASSERT_STR_EQ(a->line, b->line);
  ASSERT_STR_EQ(a->name, b->name);
  ASSERT_EQ(a->state, b->state);
  ASSERT_EQ(a->since, b->since);
  ASSERT_STR_EQ(a->reason, b->reason);
  ASSERT_UINT_EQ(a->good, b->good);
  ASSERT_UINT_EQ(a->reject, b->reject);
  ASSERT_UINT_EQ(a->ideal_cycle_ms, b->ideal_cycle_ms);
}

static void assert_line_eq(const fh_line *a, const fh_line *b) {
  ASSERT_STR_EQ(a->id, b->id);
  ASSERT_STR_EQ(a->name, b->name);
  ASSERT_STR_EQ(a->area, b->area);
  ASSERT_EQ(a->state, b->state);
  ASSERT_UINT_EQ(a->open_andons, b->open_andons);
  ASSERT_UINT_EQ(a->max_level, b->max_level);
  ASSERT_EQ(a->oldest_andon_at, b->oldest_andon_at);
  ASSERT(a->oee == b->oee);
}

static void assert_oee_eq(const fh_oee *a, const fh_oee *b) {
  ASSERT_STR_EQ(a->line, b->line);
  ASSERT_STR_EQ(a->shift, b->shift);
  ASSERT_EQ(a->shift_start, b->shift_start);
  ASSERT_EQ(a->shift_end, b->shift_end);
  ASSERT_UINT_EQ(a->planned_ms, b->planned_ms);
  ASSERT_UINT_EQ(a->run_ms, b->run_ms);
  ASSERT_UINT_EQ(a->good, b->good);
  ASSERT_UINT_EQ(a->reject, b->reject);
  ASSERT(a->availability == b->availability);
  ASSERT(a->performance == b->performance);
  ASSERT(a->quality == b->quality);
  ASSERT(a->oee == b->oee);
  for (int s = 0; s < FH_EQ__COUNT; s++)
    ASSERT_UINT_EQ(a->state_ms[s], b->state_ms[s]);
  ASSERT_UINT_EQ(a->nreasons, b->nreasons);
  for (size_t i = 0; i < a->nreasons; i++) {
    ASSERT_STR_EQ(a->reasons[i].reason, b->reasons[i].reason);
    ASSERT_UINT_EQ(a->reasons[i].ms, b->reasons[i].ms);
  }
  ASSERT_UINT_EQ(a->down_events, b->down_events);
  ASSERT(a->mttr_s == b->mttr_s);
  ASSERT(a->mtbf_s == b->mtbf_s);
  ASSERT_UINT_EQ(a->revision, b->revision);
  ASSERT_EQ(a->changed_at, b->changed_at);
  ASSERT_UINT_EQ(a->nrejects, b->nrejects);
  for (size_t i = 0; i < a->nrejects; i++) {
    ASSERT_STR_EQ(a->rejects[i].reason, b->rejects[i].reason);
    ASSERT_UINT_EQ(a->rejects[i].count, b->rejects[i].count);
  }
}

/* ------------------------------------------------ requests round trip */

static void assert_request_eq(const fh_request *a, const fh_request *b) {
  ASSERT_EQ(a->type, b->type);
  ASSERT_EQ(a->has_id, b->has_id);
  ASSERT_UINT_EQ(a->id, b->id);
  ASSERT_SV_EQ(a->key, b->key);
  switch (a->type) {
  case FH_MSG_HELLO:
    ASSERT_SV_EQ(a->u.hello.token, b->u.hello.token);
    ASSERT_SV_EQ(a->u.hello.client, b->u.hello.client);
    ASSERT_SV_EQ(a->u.hello.resume, b->u.hello.resume);
    break;
  case FH_MSG_SUB:
  case FH_MSG_UNSUB:
    ASSERT_UINT_EQ(a->u.sub.ntopics, b->u.sub.ntopics);
    for (size_t i = 0; i < a->u.sub.ntopics; i++)
      ASSERT_SV_EQ(a->u.sub.topics[i], b->u.sub.topics[i]);
    ASSERT_UINT_EQ(a->u.sub.nsince, b->u.sub.nsince);
    for (size_t i = 0; i < a->u.sub.nsince; i++) {
      ASSERT_SV_EQ(a->u.sub.since[i].topic, b->u.sub.since[i].topic);
      ASSERT_UINT_EQ(a->u.sub.since[i].seq, b->u.sub.since[i].seq);
    }
    ASSERT_EQ(a->u.sub.has_epoch, b->u.sub.has_epoch);
    ASSERT_UINT_EQ(a->u.sub.epoch, b->u.sub.epoch);
    break;
  case FH_MSG_ANDON_RAISE:
    ASSERT_SV_EQ(a->u.raise.line, b->u.raise.line);
    ASSERT_SV_EQ(a->u.raise.equipment, b->u.raise.equipment);
    ASSERT_SV_EQ(a->u.raise.kind, b->u.raise.kind);
    ASSERT_EQ(a->u.raise.severity, b->u.raise.severity);
    ASSERT_SV_EQ(a->u.raise.note, b->u.raise.note);
    break;
  case FH_MSG_ANDON_ACK:
  case FH_MSG_ANDON_RESOLVE:
  case FH_MSG_ANDON_CANCEL:
    ASSERT_UINT_EQ(a->u.andon_op.andon, b->u.andon_op.andon);
    ASSERT_SV_EQ(a->u.andon_op.reason, b->u.andon_op.reason);
    ASSERT_SV_EQ(a->u.andon_op.note, b->u.andon_op.note);
    break;
  case FH_MSG_EQ_STATE:
    ASSERT_SV_EQ(a->u.eq_state.equipment, b->u.eq_state.equipment);
    ASSERT_EQ(a->u.eq_state.state, b->u.eq_state.state);
    ASSERT_SV_EQ(a->u.eq_state.reason, b->u.eq_state.reason);
    ASSERT_EQ(a->u.eq_state.ts, b->u.eq_state.ts);
    break;
  case FH_MSG_EQ_COUNT:
    ASSERT_SV_EQ(a->u.eq_count.equipment, b->u.eq_count.equipment);
    ASSERT_UINT_EQ(a->u.eq_count.good, b->u.eq_count.good);
    ASSERT_UINT_EQ(a->u.eq_count.reject, b->u.eq_count.reject);
    break;
  case FH_MSG_SHIFT_REPORT:
    ASSERT_SV_EQ(a->u.shift_report.line, b->u.shift_report.line);
    ASSERT_EQ(a->u.shift_report.shift_start, b->u.shift_report.shift_start);
    break;
  default: break;
  }
}

/* Every request type twice: all optional keys present, then all absent. */
static size_t sample_requests(fh_request *r, size_t cap) {
  size_t n = 0;
  ASSERT(cap >= 22);
  memset(r, 0, cap * sizeof *r);
  for (int full = 1; full >= 0; full--) {
    fh_request *q = &r[n++];
    q->type = FH_MSG_HELLO;
    q->has_id = full;
    q->id = 1;
    if (full) {
      q->u.hello.token = sv("aaa.bbb.ccc");
      q->u.hello.client = sv("floorterm/0.1");
      q->u.hello.resume = sv("9f86d081884c7d65");
    }
    q = &r[n++];
    q->type = FH_MSG_PING;
    q->has_id = full;
    q->id = UINT64_MAX;
    q = &r[n++];
    q->type = FH_MSG_SUB;
    q->has_id = full;
    q->id = 3;
    q->u.sub.ntopics = 3;
    q->u.sub.topics[0] = sv("plant");
    q->u.sub.topics[1] = sv("line/L1");
    q->u.sub.topics[2] = sv("andon");
    if (full) {
      q->u.sub.nsince = 2;
      q->u.sub.since[0].topic = sv("line/L1");
      q->u.sub.since[0].seq = 41;
      q->u.sub.since[1].topic = sv("andon");
      q->u.sub.since[1].seq = 0;
      q->u.sub.has_epoch = 1;
      q->u.sub.epoch = 7;
    }
    q = &r[n++];
    q->type = FH_MSG_UNSUB;
    q->has_id = full;
    q->id = 4;
    q->u.sub.ntopics = 1;
    q->u.sub.topics[0] = sv("oee/L1");
    q = &r[n++];
    q->type = FH_MSG_ANDON_RAISE;
    q->has_id = full;
    q->id = 5;
    q->key = sv("k-5");
    q->u.raise.line = sv("L1");
    q->u.raise.kind = sv("material");
    q->u.raise.severity = full ? 3 : 2;
    if (full) {
      q->u.raise.equipment = sv("press1");
      q->u.raise.note = sv("bin empty");
    }
    for (fh_msg_type t = FH_MSG_ANDON_ACK; t <= FH_MSG_ANDON_CANCEL; t++) {
      q = &r[n++];
      q->type = t;
      q->has_id = full;
      q->id = 6;
      q->key = sv("k-6");
      q->u.andon_op.andon = 12;
      if (t == FH_MSG_ANDON_RESOLVE) q->u.andon_op.reason = sv("refilled");
      if (full) q->u.andon_op.note = sv("done");
    }
    q = &r[n++];
    q->type = FH_MSG_EQ_STATE;
    q->has_id = full;
    q->id = 7;
    q->key = sv("k-7");
    q->u.eq_state.equipment = sv("press1");
    q->u.eq_state.state = FH_EQ_PLANNED_STOP;
    if (full) {
      q->u.eq_state.reason = sv("break");
      q->u.eq_state.ts = -5;
    }
    q = &r[n++];
    q->type = FH_MSG_EQ_COUNT;
    q->has_id = full;
    q->id = 8;
    q->key = sv("k-8");
    q->u.eq_count.equipment = sv("press1");
    q->u.eq_count.good = full ? 100000 : 0;
    q->u.eq_count.reject = 2;
    q = &r[n++];
    q->type = FH_MSG_SHIFT_REPORT;
    q->has_id = full;
    q->id = 9;
    q->u.shift_report.line = sv("L1");
    if (full) q->u.shift_report.shift_start = 1699999200000;
  }
  for (size_t i = 0; i < n; i++)
    if (!r[i].has_id) r[i].id = 0; /* what the decoder gives for no id */
  return n;
}

FH_TEST(request_round_trip) {
  fh_request reqs[32], got;
  fh_decode_err err;
  fh_buf b;
  size_t n = sample_requests(reqs, 32);
  fh_buf_init(&b, 16);
  ASSERT_EQ(n, 22);
  for (size_t i = 0; i < n; i++) {
    fh_buf_reset(&b);
    ASSERT_EQ(fh_request_encode(&b, &reqs[i]), 0);
    ASSERT_EQ(decode_buf(&b, &got, &err), 0);
    assert_request_eq(&got, &reqs[i]);
  }
  fh_buf_free(&b);
}

FH_TEST(request_encode_rejects_bad_input) {
  fh_request r;
  fh_buf b;
  fh_buf_init(&b, 4);
  memset(&r, 0, sizeof r);
  r.type = FH_MSG_WELCOME;
  ASSERT_EQ(fh_request_encode(&b, &r), -EINVAL);
  r.type = FH_MSG_SUB;
  r.u.sub.ntopics = FH_TOPICS_MAX + 1;
  ASSERT_EQ(fh_request_encode(&b, &r), -EINVAL);
  ASSERT_UINT_EQ(b.len, 4); /* nothing appended */
  fh_buf_free(&b);
}

/* -------------------------------------------------- hub messages round trip */

FH_TEST(welcome_round_trip) {
  static const char *const lines[] = {"L1", "L2"};
  fh_welcome w = {.id = 1, .has_id = 1, .user = "op7", .role = "operator",
                  .nlines = 2, .lines = lines, .server_time = 1700000000123,
                  .hub = "floorhub/0.1.0", .session = "9f86d081884c7d65",
                  .epoch = 4};
  fh_event ev;
  fh_buf b;
  fh_buf_init(&b, 16);
  for (int all = 0; all <= 1; all++) {
    fh_strv s;
    uint32_t n;
    w.nlines = all ? 0 : 2;
    w.has_id = !all;
    fh_buf_reset(&b);
    ASSERT_EQ(fh_enc_welcome(&b, &w), 0);
    decode_event(&b, &ev);
    ASSERT_EQ(ev.type, FH_MSG_WELCOME);
    ASSERT_EQ(ev.has_id, w.has_id);
    ASSERT_UINT_EQ(ev.id, w.has_id ? 1 : 0);
    ASSERT_SV_STR(ev.user, "op7");
    ASSERT_SV_STR(ev.role, "operator");
    ASSERT_EQ(ev.server_time, 1700000000123);
    ASSERT_SV_STR(ev.hub, "floorhub/0.1.0");
    ASSERT_SV_STR(ev.session, "9f86d081884c7d65");
    ASSERT_UINT_EQ(ev.epoch, 4);
    if (all) {
      ASSERT_EQ(fh_mp_read_nil(&ev.lines), 0);
    } else {
      ASSERT_EQ(fh_mp_read_array(&ev.lines, &n), 0);
      ASSERT_EQ(n, 2);
      ASSERT_EQ(fh_mp_read_str(&ev.lines, &s), 0);
      ASSERT_SV_STR(s, "L1");
      ASSERT_EQ(fh_mp_read_str(&ev.lines, &s), 0);
      ASSERT_SV_STR(s, "L2");
    }
    ASSERT(ev.lines.p == ev.lines.end);
  }
  fh_buf_free(&b);
}

/* The answer to a kiosk's login: who, their name, their lines, when the
 * idle sign-out falls (PROTOCOL.md 2.3). */
FH_TEST(login_ok_round_trip) {
  static const char *const lines[] = {"L1"};
  fh_login_ok l = {.id = 9, .has_id = 1, .user = "ana", .name = "Ana Kovac",
                   .role = "operator", .nlines = 1, .lines = lines,
                   .expires_at = 1700000120123};
  fh_event ev;
  fh_buf b;
  fh_strv s;
  uint32_t n;
  fh_buf_init(&b, 16);
  ASSERT_EQ(fh_enc_ok_login(&b, &l), 0);
  decode_event(&b, &ev);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT_UINT_EQ(ev.id, 9);
  ASSERT_SV_STR(ev.user, "ana");
  ASSERT_SV_STR(ev.name, "Ana Kovac");
  ASSERT_SV_STR(ev.role, "operator");
  ASSERT_EQ(ev.expires_at, 1700000120123);
  ASSERT_EQ(fh_mp_read_array(&ev.lines, &n), 0);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(fh_mp_read_str(&ev.lines, &s), 0);
  ASSERT_SV_STR(s, "L1");
  ASSERT_EQ(ev.body_key.n, 0);
  fh_buf_free(&b);
}

FH_TEST(pong_err_ok_round_trip) {
  fh_event ev;
  fh_buf b;
  fh_buf_init(&b, 16);
  ASSERT_EQ(fh_enc_pong(&b, 1, 77, -3), 0);
  decode_event(&b, &ev);
  ASSERT_EQ(ev.type, FH_MSG_PONG);
  ASSERT_EQ(ev.has_id, 1);
  ASSERT_UINT_EQ(ev.id, 77);
  ASSERT_EQ(ev.server_time, -3);

  for (fh_err_code code = FH_E_BAD_REQUEST; code <= FH_E_INTERNAL; code++) {
    fh_buf_reset(&b);
    int with_key = code % 2;
    ASSERT_EQ(fh_enc_err(&b, !with_key, 5, code, with_key ? "line" : NULL,
                         "missing key 'line'"),
              0);
    decode_event(&b, &ev);
    ASSERT_EQ(ev.type, FH_MSG_ERR);
    ASSERT_EQ(ev.has_id, !with_key);
    ASSERT_EQ(ev.code, code);
    ASSERT_SV_STR(ev.msg, "missing key 'line'");
    ASSERT_SV_STR(ev.err_key, with_key ? "line" : "");
  }

  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok(&b, 1, 9), 0);
  decode_event(&b, &ev);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT_UINT_EQ(ev.id, 9);
  ASSERT_EQ(ev.body_key.n, 0);
  ASSERT(ev.body.p == ev.body.end);
  ASSERT_EQ(ev.replay, 0);
  fh_buf_free(&b);
}

FH_TEST(ok_entities_round_trip) {
  fh_event ev;
  fh_buf b;
  fh_buf_init(&b, 16);
  for (fh_andon_state s = FH_ANDON_RAISED; s <= FH_ANDON_CANCELLED; s++) {
    fh_andon a = sample_andon(s), got;
    if (s == FH_ANDON_RAISED) a.equipment[0] = a.note[0] = '\0';
    for (int replay = 0; replay <= 1; replay++) {
      fh_buf_reset(&b);
      ASSERT_EQ(fh_enc_ok_andon(&b, 1, 40 + s, &a, replay), 0);
      decode_event(&b, &ev);
      ASSERT_EQ(ev.type, FH_MSG_OK);
      ASSERT_UINT_EQ(ev.id, 40 + s);
      ASSERT_EQ(ev.replay, replay);
      ASSERT_SV_STR(ev.body_key, "andon");
      ASSERT_EQ(fh_dec_andon(&ev.body, &got), 0);
      ASSERT(ev.body.p == ev.body.end);
      assert_andon_eq(&got, &a);
    }
  }

  fh_equipment e = sample_equipment(), eg;
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok_equipment(&b, 0, 0, &e, 1), 0);
  decode_event(&b, &ev);
  ASSERT_EQ(ev.has_id, 0);
  ASSERT_EQ(ev.replay, 1);
  ASSERT_SV_STR(ev.body_key, "equipment");
  ASSERT_EQ(fh_dec_equipment(&ev.body, &eg), 0);
  assert_equipment_eq(&eg, &e);

  fh_oee o = sample_oee(), og;
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok_report(&b, 1, 3, &o), 0);
  decode_event(&b, &ev);
  ASSERT_SV_STR(ev.body_key, "report");
  ASSERT_EQ(fh_dec_oee(&ev.body, &og), 0);
  assert_oee_eq(&og, &o);

  fh_strv topics[2] = {sv("plant"), sv("line/L1")};
  fh_strv s;
  uint32_t n;
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok_topics(&b, 1, 2, topics, 2), 0);
  decode_event(&b, &ev);
  ASSERT_SV_STR(ev.body_key, "topics");
  ASSERT_EQ(fh_mp_read_array(&ev.body, &n), 0);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(fh_mp_read_str(&ev.body, &s), 0);
  ASSERT_SV_STR(s, "plant");
  ASSERT_EQ(fh_mp_read_str(&ev.body, &s), 0);
  ASSERT_SV_STR(s, "line/L1");
  fh_buf_free(&b);
}

FH_TEST(snap_upd_round_trip) {
  fh_line l = sample_line(), lg;
  fh_equipment e = sample_equipment(), eg;
  fh_andon a = sample_andon(FH_ANDON_ACKNOWLEDGED), ag;
  fh_oee o = sample_oee(), og;
  fh_event ev;
  fh_strv key;
  uint32_t n;
  fh_buf b;
  fh_buf_init(&b, 16);
  /* snap of line/L1: {line, equipment:[...], andons:[...], oee} */
  ASSERT_EQ(fh_enc_snap_begin(&b, "line/L1", 17, 4), 0);
  ASSERT_EQ(fh_enc_map(&b, 4), 0);
  ASSERT_EQ(fh_enc_str(&b, "line"), 0);
  ASSERT_EQ(fh_enc_line(&b, &l), 0);
  ASSERT_EQ(fh_enc_str(&b, "equipment"), 0);
  ASSERT_EQ(fh_enc_array(&b, 1), 0);
  ASSERT_EQ(fh_enc_equipment(&b, &e), 0);
  ASSERT_EQ(fh_enc_str(&b, "andons"), 0);
  ASSERT_EQ(fh_enc_array(&b, 1), 0);
  ASSERT_EQ(fh_enc_andon(&b, &a), 0);
  ASSERT_EQ(fh_enc_str(&b, "oee"), 0);
  ASSERT_EQ(fh_enc_oee(&b, &o), 0);
  decode_event(&b, &ev);
  ASSERT_EQ(ev.type, FH_MSG_SNAP);
  ASSERT_SV_STR(ev.topic, "line/L1");
  ASSERT_UINT_EQ(ev.seq, 17);
  ASSERT_UINT_EQ(ev.epoch, 4);
  ASSERT_EQ(fh_mp_read_map(&ev.body, &n), 0);
  ASSERT_EQ(n, 4);
  ASSERT_EQ(fh_mp_read_str(&ev.body, &key), 0);
  ASSERT_SV_STR(key, "line");
  ASSERT_EQ(fh_dec_line(&ev.body, &lg), 0);
  assert_line_eq(&lg, &l);
  ASSERT_EQ(fh_mp_read_str(&ev.body, &key), 0);
  ASSERT_EQ(fh_mp_read_array(&ev.body, &n), 0);
  ASSERT_EQ(fh_dec_equipment(&ev.body, &eg), 0);
  assert_equipment_eq(&eg, &e);
  ASSERT_EQ(fh_mp_read_str(&ev.body, &key), 0);
  ASSERT_EQ(fh_mp_read_array(&ev.body, &n), 0);
  ASSERT_EQ(fh_dec_andon(&ev.body, &ag), 0);
  assert_andon_eq(&ag, &a);
  ASSERT_EQ(fh_mp_read_str(&ev.body, &key), 0);
  ASSERT_EQ(fh_dec_oee(&ev.body, &og), 0);
  assert_oee_eq(&og, &o);
  ASSERT(ev.body.p == ev.body.end);

  /* upd of oee/L1: {oee:{...}} */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_upd_begin(&b, "oee/L1", 18), 0);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "oee"), 0);
  ASSERT_EQ(fh_enc_oee(&b, &o), 0);
  decode_event(&b, &ev);
  ASSERT_EQ(ev.type, FH_MSG_UPD);
  ASSERT_SV_STR(ev.topic, "oee/L1");
  ASSERT_UINT_EQ(ev.seq, 18);
  ASSERT_EQ(fh_mp_read_map(&ev.body, &n), 0);
  ASSERT_EQ(fh_mp_read_str(&ev.body, &key), 0);
  ASSERT_SV_STR(key, "oee");
  ASSERT_EQ(fh_dec_oee(&ev.body, &og), 0);
  assert_oee_eq(&og, &o);
  fh_buf_free(&b);
}

/* Reads the andon map of b into a key -> cursor lookup for one key. */
static fh_mp_cursor andon_value(const fh_buf *b, const char *want,
                                uint32_t *nkeys) {
  fh_mp_cursor c = {fh_buf_payload(b), fh_buf_payload(b) +
                                           fh_buf_payload_len(b)};
  fh_mp_cursor found = {NULL, NULL};
  uint32_t n;
  ASSERT_EQ(fh_mp_read_map(&c, &n), 0);
  *nkeys = n;
  for (uint32_t i = 0; i < n; i++) {
    fh_strv k;
    ASSERT_EQ(fh_mp_read_str(&c, &k), 0);
    if (k.n == strlen(want) && memcmp(k.p, want, k.n) == 0) found = c;
    ASSERT_EQ(fh_mp_skip(&c), 0);
  }
  ASSERT(found.p != NULL);
  return found;
}

FH_TEST(andon_encoding_keys_and_derived_times) {
  static const char *const keys[] = {
      "id", "line", "equipment", "kind", "severity", "state",
      "level", "raised_at", "raised_by", "raised_via", "acked_at", "acked_by",
      "acked_via", "resolved_at", "resolved_by", "reason", "note", "ack_s",
      "repair_s"};
  fh_andon a = sample_andon(FH_ANDON_RESOLVED);
  fh_buf b;
  double d;
  uint32_t n;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_enc_andon(&b, &a), 0);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    andon_value(&b, keys[i], &n);
  ASSERT_EQ(n, 19);
  fh_mp_cursor c = andon_value(&b, "ack_s", &n);
  ASSERT_EQ(fh_mp_read_double(&c, &d), 0);
  ASSERT(d == 30.5);
  c = andon_value(&b, "repair_s", &n);
  ASSERT_EQ(fh_mp_read_double(&c, &d), 0);
  ASSERT(d == 59.5);

  /* raised: no ack yet, times 0 and empty optional strings are nil */
  a = sample_andon(FH_ANDON_RAISED);
  a.equipment[0] = '\0';
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_andon(&b, &a), 0);
  static const char *const nils[] = {"equipment", "raised_via", "acked_at",
                                     "acked_by", "acked_via",
                                     "resolved_at", "resolved_by", "reason",
                                     "ack_s", "repair_s"};
  for (size_t i = 0; i < sizeof nils / sizeof nils[0]; i++) {
    c = andon_value(&b, nils[i], &n);
    ASSERT_EQ(fh_mp_peek(&c), FH_MP_NIL);
  }
  /* acknowledged: ack_s set, repair_s still nil; cancelled: no repair_s */
  for (fh_andon_state s = FH_ANDON_ACKNOWLEDGED; s <= FH_ANDON_CANCELLED;
       s += 2) {
    a = sample_andon(s);
    fh_buf_reset(&b);
    ASSERT_EQ(fh_enc_andon(&b, &a), 0);
    c = andon_value(&b, "ack_s", &n);
    ASSERT_EQ(fh_mp_peek(&c), FH_MP_FLOAT);
    c = andon_value(&b, "repair_s", &n);
    ASSERT_EQ(fh_mp_peek(&c), FH_MP_NIL);
  }
  fh_buf_free(&b);
}

FH_TEST(entity_decoders_refuse_bad_values) {
  fh_buf b;
  fh_andon a;
  fh_equipment e;
  fh_buf_init(&b, 0);
  /* unknown state name: -1, cursor unchanged */
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "state"), 0);
  ASSERT_EQ(fh_enc_str(&b, "exploded"), 0);
  fh_mp_cursor c = {fh_buf_payload(&b), b.data + b.len};
  const uint8_t *start = c.p;
  ASSERT_EQ(fh_dec_andon(&c, &a), -1);
  ASSERT(c.p == start);
  ASSERT_EQ(fh_dec_equipment(&c, &e), -1);
  /* a string longer than its array */
  char longid[FH_ID_MAX + 2];
  memset(longid, 'x', sizeof longid - 1);
  longid[sizeof longid - 1] = '\0';
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "line"), 0);
  ASSERT_EQ(fh_enc_str(&b, longid), 0);
  c.p = fh_buf_payload(&b);
  c.end = b.data + b.len;
  ASSERT_EQ(fh_dec_andon(&c, &a), -1);
  longid[FH_ID_MAX] = '\0'; /* exactly FH_ID_MAX fits */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 2), 0);
  ASSERT_EQ(fh_enc_str(&b, "line"), 0);
  ASSERT_EQ(fh_enc_str(&b, longid), 0);
  ASSERT_EQ(fh_enc_str(&b, "unknown_key"), 0);
  ASSERT_EQ(fh_enc_array(&b, 1), 0);
  ASSERT_EQ(fh_enc_uint(&b, 1), 0);
  c.p = fh_buf_payload(&b);
  c.end = b.data + b.len;
  ASSERT_EQ(fh_dec_andon(&c, &a), 0);
  ASSERT_STR_EQ(a.line, longid);
  ASSERT_UINT_EQ(a.id, 0); /* missing keys keep the zero value */
  /* severity above 255 */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "severity"), 0);
  ASSERT_EQ(fh_enc_uint(&b, 256), 0);
  c.p = fh_buf_payload(&b);
  c.end = b.data + b.len;
  ASSERT_EQ(fh_dec_andon(&c, &a), -1);
  fh_buf_free(&b);
}

FH_TEST(event_decode_refuses_non_hub_maps) {
  fh_request r;
  fh_event ev;
  fh_buf b;
  fh_buf_init(&b, 0);
  memset(&r, 0, sizeof r);
  r.type = FH_MSG_PING; /* a client message is not an event */
  ASSERT_EQ(fh_request_encode(&b, &r), 0);
  ASSERT_EQ(fh_event_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &ev),
            -1);
  /* snap without data */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 4), 0);
  const char *kv[] = {"t", "snap", "topic", "plant"};
  for (int i = 0; i < 4; i++) ASSERT_EQ(fh_enc_str(&b, kv[i]), 0);
  ASSERT_EQ(fh_enc_str(&b, "seq"), 0);
  ASSERT_EQ(fh_enc_uint(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "epoch"), 0);
  ASSERT_EQ(fh_enc_uint(&b, 1), 0);
  ASSERT_EQ(fh_event_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &ev),
            -1);
  fh_buf_free(&b);
}

/* oee.history and dt.pareto answers as a client reads them: the body key
 * "rows", the cursor, and each row back as the hub sent it (nil reason:
 * ""). */
FH_TEST(history_answers_decode) {
  fh_hist_row rows[2] = {
      {.start = 1000, .end = 2000, .planned_ms = 28800000, .run_ms = 25200000, .good = 900,
       .reject = 100, .availability = 0.875, .performance = 0.8, .quality = 0.9,
       .oee = 0.63},
      {.start = 2000, .end = 3000, .planned_ms = 60000, .run_ms = 30000,
       .not_monitored_ms = 5, .good = 7, .availability = 0.5, .performance = 1.25,
       .quality = 1, .oee = 0.5, .open = 1, .equipment = "L1-PRESS1"}};
  fh_pareto_row pr = {"", "unclassified", 150000, 3, 0.25, 0.75};
  fh_mp_cursor c;
  uint32_t n;
  fh_hist_row got;
  fh_pareto_row gp;
  fh_event ev;
  fh_buf b;
  fh_buf_init(&b, 0);
  ASSERT_EQ(fh_enc_ok_history(&b, 1, 9, rows, 2, 1, 3000), 0);
  ASSERT_EQ(fh_event_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &ev), 0);
  ASSERT_EQ(ev.type, FH_MSG_OK);
  ASSERT_EQ(ev.id, 9);
  ASSERT_EQ(ev.cursor, 3000);
  ASSERT_EQ(ev.body_key.n, 4);
  ASSERT_EQ(memcmp(ev.body_key.p, "rows", 4), 0);
  c = ev.body;
  ASSERT_EQ(fh_mp_read_array(&c, &n), 0);
  ASSERT_EQ(n, 2);
  for (int i = 0; i < 2; i++) {
    const fh_hist_row *w = &rows[i];
    ASSERT_EQ(fh_dec_hist_row(&c, &got), 0);
    ASSERT_EQ(got.start, w->start);
    ASSERT_EQ(got.end, w->end);
    ASSERT_EQ(got.planned_ms, w->planned_ms);
    ASSERT_EQ(got.run_ms, w->run_ms);
    ASSERT_EQ(got.not_monitored_ms, w->not_monitored_ms);
    ASSERT_EQ(got.good, w->good);
    ASSERT_EQ(got.reject, w->reject);
    ASSERT(got.availability == w->availability && got.performance == w->performance);
    ASSERT(got.quality == w->quality && got.oee == w->oee);
    ASSERT_EQ(got.open, w->open);
    ASSERT_STR_EQ(got.equipment, w->equipment);
  }
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok_pareto(&b, 1, 10, &pr, 1), 0);
  ASSERT_EQ(fh_event_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &ev), 0);
  ASSERT_EQ(ev.cursor, 0);
  c = ev.body;
  ASSERT_EQ(fh_mp_read_array(&c, &n), 0);
  ASSERT_EQ(fh_dec_pareto_row(&c, &gp), 0);
  ASSERT_STR_EQ(gp.reason, "");
  ASSERT_STR_EQ(gp.category, "unclassified");
  ASSERT_EQ(gp.ms, 150000);
  ASSERT_EQ(gp.count, 3);
  ASSERT(gp.share == 0.25 && gp.cum_share == 0.75);
  fh_buf_free(&b);
}

/* ------------------------------------------------------- byte-exact */

/* The examples of PROTOCOL.md; the hex was written with Python's msgpack,
 * independently of our encoder (ping by hand). */
static const char hex_ping[] = "82 a1 74 a4 70 69 6e 67 a2 69 64 07";
static const char hex_hello[] =
    "84 a1 74 a5 68 65 6c 6c 6f a2 69 64 01 a5 74 6f 6b 65 6e ab 61 61 61 2e"
    " 62 62 62 2e 63 63 63 a6 63 6c 69 65 6e 74 a9 66 6c 6f 6f 72 74 65 72 6d";
static const char hex_ok[] =
    "83 a1 74 a2 6f 6b a2 69 64 02 a6 74 6f 70 69 63 73 92 a5 70 6c 61 6e 74"
    " a7 6c 69 6e 65 2f 4c 31";
static const char hex_upd[] =
    "84 a1 74 a3 75 70 64 a5 74 6f 70 69 63 a7 6c 69 6e 65 2f 4c 31 a3 73 65"
    " 71 2a a4 64 61 74 61 81 a9 65 71 75 69 70 6d 65 6e 74 8b a2 69 64 a6 70"
    " 72 65 73 73 31 a4 6c 69 6e 65 a2 4c 31 a4 6e 61 6d 65 a7 50 72 65 73 73"
    " 20 31 a5 73 74 61 74 65 a4 64 6f 77 6e a5 73 69 6e 63 65 cf 00 00 01 8b"
    " cf e5 68 00 a6 72 65 61 73 6f 6e a3 6a 61 6d a4 67 6f 6f 64 78 a6 72 65"
    " 6a 65 63 74 03 ae 69 64 65 61 6c 5f 63 79 63 6c 65 5f 6d 73 cd 05 dc ae"
    " 6d 61 63 68 69 6e 65 5f 72 65 61 73 6f 6e c0 ac 6c 61 73 74 5f 64 61 74"
    " 61 5f 61 74 c0";
static const char hex_err[] =
    "85 a1 74 a3 65 72 72 a2 69 64 03 a4 63 6f 64 65 ab 62 61 64 5f 72 65 71"
    " 75 65 73 74 a3 6d 73 67 b2 6d 69 73 73 69 6e 67 20 6b 65 79 20 27 6c 69"
    " 6e 65 27 a3 6b 65 79 a4 6c 69 6e 65";

static void assert_bytes(const fh_buf *b, const char *hex) {
  uint8_t want[512];
  size_t n = unhex(hex, want, sizeof want);
  ASSERT_UINT_EQ(fh_buf_payload_len(b), n);
  ASSERT_MEM_EQ(fh_buf_payload(b), want, n);
}

FH_TEST(byte_exact_encodings) {
  fh_request r;
  fh_buf b;
  fh_buf_init(&b, 10);
  memset(&r, 0, sizeof r);
  r.type = FH_MSG_PING;
  r.has_id = 1;
  r.id = 7;
  ASSERT_EQ(fh_request_encode(&b, &r), 0);
  assert_bytes(&b, hex_ping);

  memset(&r, 0, sizeof r);
  r.type = FH_MSG_HELLO;
  r.has_id = 1;
  r.id = 1;
  r.u.hello.token = sv("aaa.bbb.ccc");
  r.u.hello.client = sv("floorterm");
  fh_buf_reset(&b);
  ASSERT_EQ(fh_request_encode(&b, &r), 0);
  assert_bytes(&b, hex_hello);

  fh_strv topics[2] = {sv("plant"), sv("line/L1")};
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok_topics(&b, 1, 2, topics, 2), 0);
  assert_bytes(&b, hex_ok);

  fh_equipment e = sample_equipment();
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_upd_begin(&b, "line/L1", 42), 0);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "equipment"), 0);
  ASSERT_EQ(fh_enc_equipment(&b, &e), 0);
  assert_bytes(&b, hex_upd);

  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_err(&b, 1, 3, FH_E_BAD_REQUEST, "line",
                       "missing key 'line'"),
            0);
  assert_bytes(&b, hex_err);
  fh_buf_free(&b);
}

FH_TEST(buf_head_and_reuse) {
  fh_buf b;
  fh_buf_init(&b, 16);
  ASSERT_UINT_EQ(b.len, 16);
  ASSERT_UINT_EQ(fh_buf_payload_len(&b), 0);
  ASSERT_EQ(fh_enc_pong(&b, 1, 1, 1), 0);
  ASSERT(fh_buf_payload(&b) == b.data + 16);
  ASSERT_EQ(fh_buf_payload(&b)[0] & 0xf0, 0x80); /* a fixmap at data+head */
  uint8_t *data = b.data;
  fh_andon a = sample_andon(FH_ANDON_RESOLVED);
  for (int i = 0; i < 1000; i++) {
    fh_buf_reset(&b);
    ASSERT_UINT_EQ(b.len, 16);
    ASSERT_EQ(fh_enc_ok_andon(&b, 1, (uint64_t)i, &a, 0), 0);
    if (i == 0) data = b.data; /* grown once to the working size */
    ASSERT(b.data == data);
  }
  fh_buf_free(&b);
  ASSERT(b.data == NULL);
  ASSERT_UINT_EQ(b.len, 16);
}

/* --------------------------------------------------- malformed input */

/* A value the table below can write: a string, an unsigned, or topics. */
typedef enum vkind { V_NONE = 0, V_STR, V_UINT, V_TOPICS } vkind;

typedef struct kv {
  const char *key; /* the wire key */
  vkind kind;      /* its type */
  const char *s;   /* V_STR value */
} kv;

typedef struct msgdef {
  const char *t;  /* message type */
  kv keys[5];     /* its required keys, V_NONE-terminated */
} msgdef;

static const msgdef required_keys[] = {
    {"sub", {{"topics", V_TOPICS, NULL}}},
    {"unsub", {{"topics", V_TOPICS, NULL}}},
    {"andon.raise",
     {{"key", V_STR, "k1"},
      {"line", V_STR, "L1"},
      {"kind", V_STR, "material"}}},
    {"andon.ack", {{"key", V_STR, "k1"}, {"andon", V_UINT, NULL}}},
    {"andon.resolve",
     {{"key", V_STR, "k1"}, {"andon", V_UINT, NULL}, {"reason", V_STR, "jam"}}},
    {"andon.cancel", {{"key", V_STR, "k1"}, {"andon", V_UINT, NULL}}},
    {"eq.state",
     {{"key", V_STR, "k1"}, {"equipment", V_STR, "press1"},
      {"state", V_STR, "down"}}},
    {"eq.count",
     {{"key", V_STR, "k1"}, {"equipment", V_STR, "press1"},
      {"good", V_UINT, NULL}, {"reject", V_UINT, NULL}}},
    {"shift.report", {{"line", V_STR, "L1"}}},
};

#define NDEFS (sizeof required_keys / sizeof required_keys[0])

static size_t nkeys(const msgdef *d) {
  size_t n = 0;
  while (d && n < 5 && d->keys[n].kind != V_NONE) n++;
  return n;
}

/* The entry of type t, NULL for hello and ping (no required keys). */
static const msgdef *find_def(const char *t) {
  for (size_t m = 0; m < NDEFS; m++)
    if (strcmp(required_keys[m].t, t) == 0) return &required_keys[m];
  return NULL;
}

FH_TEST(request_optional_keys_absent_on_wire) {
  fh_request reqs[32];
  fh_buf b;
  size_t n = sample_requests(reqs, 32);
  fh_buf_init(&b, 0);
  for (size_t i = n / 2; i < n; i++) { /* the "all optional absent" half */
    const msgdef *d = find_def(fh_msg_type_name(reqs[i].type));
    fh_mp_cursor c;
    uint32_t keys;
    fh_buf_reset(&b);
    ASSERT_EQ(fh_request_encode(&b, &reqs[i]), 0);
    c.p = b.data;
    c.end = b.data + b.len;
    ASSERT_EQ(fh_mp_read_map(&c, &keys), 0);
    ASSERT_UINT_EQ(keys, 1 + nkeys(d)); /* t and the required keys only */
  }
  fh_buf_free(&b);
}

/* Writes one value of kind k, or of the wrong type when `wrong`. */
static void put_value(fh_buf *b, const kv *k, int wrong) {
  if (wrong) {
    if (k->kind == V_STR) ASSERT_EQ(fh_enc_uint(b, 5), 0);
    else ASSERT_EQ(fh_enc_str(b, "5"), 0);
    return;
  }
  if (k->kind == V_STR) ASSERT_EQ(fh_enc_str(b, k->s), 0);
  if (k->kind == V_UINT) ASSERT_EQ(fh_enc_uint(b, 12), 0);
  if (k->kind == V_TOPICS) {
    ASSERT_EQ(fh_enc_array(b, 1), 0);
    ASSERT_EQ(fh_enc_str(b, "plant"), 0);
  }
}

/* {t, id:31, keys...} without key `omit` and with key `wrong` ill-typed
 * (-1: none).  The id comes last so that it is read after the bad key. */
static void build(fh_buf *b, const msgdef *d, int omit, int wrong) {
  size_t n = nkeys(d);
  fh_buf_reset(b);
  ASSERT_EQ(fh_enc_map(b, (uint32_t)(n + 2 - (omit >= 0))), 0);
  ASSERT_EQ(fh_enc_str(b, "t"), 0);
  ASSERT_EQ(fh_enc_str(b, d->t), 0);
  for (size_t i = 0; i < n; i++) {
    if ((int)i == omit) continue;
    ASSERT_EQ(fh_enc_str(b, d->keys[i].key), 0);
    put_value(b, &d->keys[i], (int)i == wrong);
  }
  ASSERT_EQ(fh_enc_str(b, "id"), 0);
  ASSERT_EQ(fh_enc_uint(b, 31), 0);
}

FH_TEST(missing_key_per_message_type) {
  fh_request r;
  fh_decode_err err;
  fh_buf b;
  char msg[64];
  fh_buf_init(&b, 0);
  for (size_t m = 0; m < NDEFS; m++) {
    const msgdef *d = &required_keys[m];
    build(&b, d, -1, -1);
    ASSERT_EQ(decode_buf(&b, &r, &err), 0); /* complete: accepted */
    ASSERT_STR_EQ(fh_msg_type_name(r.type), d->t);
    for (size_t i = 0; i < nkeys(d); i++) {
      build(&b, d, (int)i, -1);
      snprintf(msg, sizeof msg, "missing key '%s'", d->keys[i].key);
      assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST,
                 d->keys[i].key, msg);
      ASSERT_EQ(err.has_id, 1); /* the reply can still echo the id */
      ASSERT_UINT_EQ(err.id, 31);
    }
  }
  /* a map without t */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 0), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "t",
             "missing key 't'");
  ASSERT_EQ(err.has_id, 0);
  fh_buf_free(&b);
}

FH_TEST(wrong_type_per_required_key) {
  fh_request r;
  fh_decode_err err;
  fh_buf b;
  char prefix[64];
  fh_buf_init(&b, 0);
  for (size_t m = 0; m < NDEFS; m++) {
    const msgdef *d = &required_keys[m];
    for (size_t i = 0; i < nkeys(d); i++) {
      build(&b, d, -1, (int)i);
      assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST,
                 d->keys[i].key, NULL);
      int len = snprintf(prefix, sizeof prefix, "key '%s' must be",
                         d->keys[i].key);
      ASSERT_EQ(strncmp(err.msg, prefix, (size_t)len), 0);
      ASSERT_EQ(err.has_id, 1);
    }
  }
  /* t and id themselves */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "t"), 0);
  ASSERT_EQ(fh_enc_uint(&b, 1), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "t",
             "key 't' must be a string");
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 2), 0);
  ASSERT_EQ(fh_enc_str(&b, "t"), 0);
  ASSERT_EQ(fh_enc_str(&b, "ping"), 0);
  ASSERT_EQ(fh_enc_str(&b, "id"), 0);
  ASSERT_EQ(fh_enc_int(&b, -1), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "id",
             "key 'id' must be an unsigned integer");
  ASSERT_EQ(err.has_id, 0);
  fh_buf_free(&b);
}

/* Decodes {t:<t>, <key>:<str value>} (plus the required keys of t). */
static int decode_with(const char *t, const char *key, const char *value,
                       fh_request *r, fh_decode_err *err) {
  const msgdef *d = find_def(t);
  fh_buf b;
  fh_buf_init(&b, 0);
  size_t n = nkeys(d);
  int replaced = 0;
  for (size_t i = 0; i < n; i++) replaced |= !strcmp(d->keys[i].key, key);
  ASSERT_EQ(fh_enc_map(&b, (uint32_t)(n + 2 - replaced)), 0);
  ASSERT_EQ(fh_enc_str(&b, "t"), 0);
  ASSERT_EQ(fh_enc_str(&b, t), 0);
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(d->keys[i].key, key)) continue;
    ASSERT_EQ(fh_enc_str(&b, d->keys[i].key), 0);
    put_value(&b, &d->keys[i], 0);
  }
  ASSERT_EQ(fh_enc_str(&b, key), 0);
  if (strcmp(key, "topics") == 0) {
    ASSERT_EQ(fh_enc_array(&b, 1), 0);
  }
  ASSERT_EQ(fh_enc_str(&b, value), 0);
  int rc = decode_buf(&b, r, err);
  fh_buf_free(&b);
  return rc;
}

FH_TEST(oversize_strings_per_limit) {
  static const struct {
    const char *t, *key;
    size_t max;
    fh_err_code code;
  } limits[] = {
      {"andon.raise", "line", FH_ID_MAX, FH_E_BAD_REQUEST},
      {"andon.raise", "equipment", FH_ID_MAX, FH_E_BAD_REQUEST},
      {"andon.raise", "key", FH_KEY_MAX, FH_E_BAD_REQUEST},
      {"andon.raise", "kind", FH_KIND_MAX, FH_E_BAD_REQUEST},
      {"andon.raise", "note", FH_NOTE_MAX, FH_E_BAD_REQUEST},
      {"andon.resolve", "reason", FH_KIND_MAX, FH_E_BAD_REQUEST},
      {"andon.ack", "note", FH_NOTE_MAX, FH_E_BAD_REQUEST},
      {"eq.state", "equipment", FH_ID_MAX, FH_E_BAD_REQUEST},
      {"eq.state", "reason", FH_KIND_MAX, FH_E_BAD_REQUEST},
      {"eq.count", "equipment", FH_ID_MAX, FH_E_BAD_REQUEST},
      {"eq.count", "key", FH_KEY_MAX, FH_E_BAD_REQUEST},
      {"shift.report", "line", FH_ID_MAX, FH_E_BAD_REQUEST},
      {"sub", "topics", FH_TOPIC_MAX, FH_E_BAD_REQUEST},
      {"unsub", "topics", FH_TOPIC_MAX, FH_E_BAD_REQUEST},
      {"hello", "client", FH_NAME_MAX, FH_E_BAD_REQUEST},
      {"hello", "resume", FH_ID_MAX, FH_E_BAD_REQUEST},
      {"hello", "token", FH_TOKEN_MAX, FH_E_TOO_LARGE},
      {"login", "pin", FH_PIN_MAX, FH_E_BAD_REQUEST},
      {"login", "badge", FH_BADGE_MAX, FH_E_BAD_REQUEST},
      {"login", "user", FH_ID_MAX, FH_E_BAD_REQUEST},
  };
  static char big[FH_TOKEN_MAX + 2];
  fh_request r;
  fh_decode_err err;
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
    memset(big, 'a', limits[i].max);
    big[limits[i].max] = '\0';
    ASSERT_EQ(decode_with(limits[i].t, limits[i].key, big, &r, &err), 0);
    big[limits[i].max] = 'a';
    big[limits[i].max + 1] = '\0';
    assert_bad(decode_with(limits[i].t, limits[i].key, big, &r, &err), &err,
               limits[i].code, limits[i].key, NULL);
    ASSERT(strstr(err.msg, limits[i].key) != NULL);
  }
  /* the state of eq.state must be a state name */
  assert_bad(decode_with("eq.state", "state", "exploded", &r, &err), &err,
             FH_E_BAD_REQUEST, "state",
             "key 'state' must be an equipment state");
  /* required strings must not be empty */
  assert_bad(decode_with("andon.raise", "key", "", &r, &err), &err,
             FH_E_BAD_REQUEST, "key", "key 'key' must not be empty");
  assert_bad(decode_with("sub", "topics", "", &r, &err), &err,
             FH_E_BAD_REQUEST, "topics", NULL);
  /* an optional secret, when given, must not be empty either */
  assert_bad(decode_with("login", "pin", "", &r, &err), &err,
             FH_E_BAD_REQUEST, "pin", "key 'pin' must not be empty");
  assert_bad(decode_with("login", "badge", "", &r, &err), &err,
             FH_E_BAD_REQUEST, "badge", "key 'badge' must not be empty");
  ASSERT_EQ(decode_with("login", "user", "", &r, &err), 0);
}

FH_TEST(numeric_ranges_and_collections) {
  fh_request r;
  fh_decode_err err;
  fh_buf b;
  fh_buf_init(&b, 0);
  /* severity 0 and 4 refused, 1 accepted */
  for (uint64_t sev = 0; sev <= 4; sev++) {
    fh_buf_reset(&b);
    ASSERT_EQ(fh_enc_map(&b, 5), 0);
    const char *words[] = {"t", "andon.raise", "key", "k", "line", "L1",
                           "kind", "material"};
    for (int i = 0; i < 8; i++) ASSERT_EQ(fh_enc_str(&b, words[i]), 0);
    ASSERT_EQ(fh_enc_str(&b, "severity"), 0);
    ASSERT_EQ(fh_enc_uint(&b, sev), 0);
    int rc = decode_buf(&b, &r, &err);
    if (sev >= 1 && sev <= 3) {
      ASSERT_EQ(rc, 0);
      ASSERT_EQ(r.u.raise.severity, sev);
    } else {
      assert_bad(rc, &err, FH_E_BAD_REQUEST, "severity",
                 "key 'severity' must be 1, 2 or 3");
    }
  }
  /* topics: 0 and FH_TOPICS_MAX + 1 refused, FH_TOPICS_MAX accepted */
  uint32_t counts[] = {0, FH_TOPICS_MAX + 1, FH_TOPICS_MAX};
  for (int k = 0; k < 3; k++) {
    fh_buf_reset(&b);
    ASSERT_EQ(fh_enc_map(&b, 2), 0);
    ASSERT_EQ(fh_enc_str(&b, "t"), 0);
    ASSERT_EQ(fh_enc_str(&b, "sub"), 0);
    ASSERT_EQ(fh_enc_str(&b, "topics"), 0);
    ASSERT_EQ(fh_enc_array(&b, counts[k]), 0);
    for (uint32_t i = 0; i < counts[k]; i++)
      ASSERT_EQ(fh_enc_str(&b, "plant"), 0);
    int rc = decode_buf(&b, &r, &err);
    if (k < 2)
      assert_bad(rc, &err, FH_E_BAD_REQUEST, "topics", NULL);
    else
      ASSERT_EQ(r.u.sub.ntopics, FH_TOPICS_MAX);
  }
  /* since must map topics to unsigned integers */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 3), 0);
  const char *words[] = {"t", "sub", "topics"};
  for (int i = 0; i < 3; i++) ASSERT_EQ(fh_enc_str(&b, words[i]), 0);
  ASSERT_EQ(fh_enc_array(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "plant"), 0);
  ASSERT_EQ(fh_enc_str(&b, "since"), 0);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "plant"), 0);
  ASSERT_EQ(fh_enc_str(&b, "12"), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "since", NULL);
  fh_buf_free(&b);
}

FH_TEST(unknown_t_unknown_keys_duplicates_nil) {
  fh_request r;
  fh_decode_err err;
  fh_buf b;
  fh_buf_init(&b, 0);
  /* a hub message type sent to the hub is an unknown t */
  ASSERT_EQ(fh_enc_map(&b, 2), 0);
  ASSERT_EQ(fh_enc_str(&b, "t"), 0);
  ASSERT_EQ(fh_enc_str(&b, "welcome"), 0);
  ASSERT_EQ(fh_enc_str(&b, "id"), 0);
  ASSERT_EQ(fh_enc_uint(&b, 8), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "t",
             "key 't' names no request type");
  ASSERT_EQ(err.has_id, 1);
  ASSERT_UINT_EQ(err.id, 8);
  /* unknown keys (of any shape) are ignored; nil optional keys are absent */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 4), 0);
  ASSERT_EQ(fh_enc_str(&b, "future"), 0);
  ASSERT_EQ(fh_enc_map(&b, 1), 0);
  ASSERT_EQ(fh_enc_str(&b, "x"), 0);
  ASSERT_EQ(fh_enc_array(&b, 0), 0);
  ASSERT_EQ(fh_enc_str(&b, "t"), 0);
  ASSERT_EQ(fh_enc_str(&b, "hello"), 0);
  ASSERT_EQ(fh_enc_str(&b, "token"), 0);
  ASSERT_EQ(fh_enc_nil(&b), 0);
  ASSERT_EQ(fh_enc_str(&b, "client"), 0);
  ASSERT_EQ(fh_enc_str(&b, "floorsim"), 0);
  ASSERT_EQ(decode_buf(&b, &r, &err), 0);
  ASSERT_EQ(r.type, FH_MSG_HELLO);
  ASSERT_EQ(r.u.hello.token.n, 0);
  ASSERT_SV_STR(r.u.hello.client, "floorsim");
  /* a key given twice is refused */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 3), 0);
  const char *dup[] = {"t", "shift.report", "line", "L1", "line", "L2"};
  for (int i = 0; i < 6; i++) ASSERT_EQ(fh_enc_str(&b, dup[i]), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "line",
             "key 'line' given twice");
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_map(&b, 2), 0);
  const char *dupt[] = {"t", "ping", "t", "ping"};
  for (int i = 0; i < 4; i++) ASSERT_EQ(fh_enc_str(&b, dupt[i]), 0);
  assert_bad(decode_buf(&b, &r, &err), &err, FH_E_BAD_REQUEST, "t",
             "key 't' given twice");
  fh_buf_free(&b);
}

FH_TEST(truncated_every_prefix) {
  fh_request reqs[32];
  fh_decode_err err;
  fh_buf b;
  size_t n = sample_requests(reqs, 32);
  fh_andon a = sample_andon(FH_ANDON_RESOLVED);
  fh_oee o = sample_oee();
  fh_buf_init(&b, 0);
  for (size_t i = 0; i < n + 2; i++) { /* every request, then hub messages */
    fh_buf_reset(&b);
    if (i < n)
      ASSERT_EQ(fh_request_encode(&b, &reqs[i]), 0);
    else if (i == n)
      ASSERT_EQ(fh_enc_ok_andon(&b, 1, 2, &a, 1), 0);
    else
      ASSERT_EQ(fh_enc_ok_report(&b, 1, 3, &o), 0);
    size_t len = fh_buf_payload_len(&b);
    for (size_t k = 0; k < len; k++) {
      /* a heap copy of exactly k bytes, so ASan sees any over-read */
      uint8_t *p = malloc(k ? k : 1);
      const uint8_t *map;
      size_t map_len, off = 0;
      memcpy(p, fh_buf_payload(&b), k);
      int rc = fh_frame_next(p, k, &off, &map, &map_len, &err);
      ASSERT_EQ(rc, k == 0 ? 0 : -1);
      if (k > 0) ASSERT_EQ(err.code, FH_E_BAD_REQUEST);
      fh_request r;
      if (k > 0) ASSERT_EQ(fh_request_decode(p, k, &r, &err), -1);
      free(p);
    }
  }
  fh_buf_free(&b);
}

/* Frames `n` bytes (copied to the heap); returns fh_frame_next's result. */
static int frame_bytes(const uint8_t *bytes, size_t n, fh_decode_err *err) {
  uint8_t *p = malloc(n);
  const uint8_t *map;
  size_t map_len, off = 0;
  memcpy(p, bytes, n);
  int rc = fh_frame_next(p, n, &off, &map, &map_len, err);
  free(p);
  return rc;
}

FH_TEST(huge_counts_rejected) {
  static const uint8_t heads[][5] = {
      {0xdd, 0x04, 0x00, 0x00, 0x00}, {0xdd, 0xff, 0xff, 0xff, 0xff},
      {0xdf, 0x04, 0x00, 0x00, 0x00}, {0xdf, 0xff, 0xff, 0xff, 0xff},
      {0xdb, 0x04, 0x00, 0x00, 0x00}, {0xdb, 0xff, 0xff, 0xff, 0xff},
      {0xc6, 0x04, 0x00, 0x00, 0x00}, {0xc6, 0xff, 0xff, 0xff, 0xff},
      {0xc9, 0x04, 0x00, 0x00, 0x00}, {0xc9, 0xff, 0xff, 0xff, 0xff},
  };
  fh_decode_err err;
  for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
    uint8_t buf[64];
    size_t n = 0;
    /* as the whole frame */
    ASSERT_EQ(frame_bytes(heads[i], 5, &err), -1);
    /* as a value in a map: {"a": <head> + 16 bytes} */
    buf[n++] = 0x81;
    buf[n++] = 0xa1;
    buf[n++] = 'a';
    memcpy(buf + n, heads[i], 5);
    n += 5;
    memset(buf + n, 0xc0, 16);
    n += 16;
    ASSERT_EQ(frame_bytes(buf, n, &err), -1);
    ASSERT_EQ(err.code, FH_E_BAD_REQUEST);
    /* the cursor readers refuse them as well */
    fh_mp_cursor c = {heads[i], heads[i] + 5};
    uint32_t cnt;
    fh_strv s;
    ASSERT_EQ(fh_mp_skip(&c), -1);
    ASSERT_EQ(fh_mp_read_array(&c, &cnt), -1);
    ASSERT_EQ(fh_mp_read_map(&c, &cnt), -1);
    ASSERT_EQ(fh_mp_read_str(&c, &s), -1);
    ASSERT_EQ(fh_mp_peek(&c), FH_MP_INVALID);
    ASSERT(c.p == heads[i]);
  }
  /* a map needs 2 bytes per pair: {a: [x, y]} with a fixmap of 3 pairs */
  static const uint8_t short_map[] = {0x83, 0xa1, 'a', 0x92, 0x01, 0x02};
  ASSERT_EQ(frame_bytes(short_map, sizeof short_map, &err), -1);
  /* an array16 of 3 with exactly 3 bytes left is fine */
  static const uint8_t arr[] = {0x81, 0xa1, 'a', 0xdc, 0x00, 0x03, 1, 2, 3};
  ASSERT_EQ(frame_bytes(arr, sizeof arr, &err), 1);
}

/* {"a": <depth - 1 nested arrays>}: `depth` containers in all. */
static size_t nested(uint8_t *buf, int depth) {
  size_t n = 0;
  buf[n++] = 0x81;
  buf[n++] = 0xa1;
  buf[n++] = 'a';
  for (int i = 1; i < depth; i++) buf[n++] = i + 1 < depth ? 0x91 : 0x90;
  return n;
}

FH_TEST(deep_nesting) {
  uint8_t buf[32];
  fh_decode_err err;
  ASSERT_EQ(frame_bytes(buf, nested(buf, FH_DEPTH_MAX), &err), 1);
  ASSERT_EQ(frame_bytes(buf, nested(buf, FH_DEPTH_MAX + 1), &err), -1);
  ASSERT_STR_EQ(err.msg, "containers nested deeper than 8");
  /* maps count too: 8 nested maps accepted, 9 refused */
  uint8_t maps[64];
  for (int depth = FH_DEPTH_MAX; depth <= FH_DEPTH_MAX + 1; depth++) {
    size_t n = 0;
    for (int i = 0; i < depth - 1; i++) {
      maps[n++] = 0x81;
      maps[n++] = 0xa1;
      maps[n++] = 'm';
    }
    maps[n++] = 0x80;
    ASSERT_EQ(frame_bytes(maps, n, &err), depth == FH_DEPTH_MAX ? 1 : -1);
  }
}

FH_TEST(invalid_utf8) {
  static const struct {
    const char *bytes;
    int valid;
  } cases[] = {
      {"\xc0\xaf", 0},         /* overlong '/' */
      {"\xe0\x80\xaf", 0},     /* overlong, 3 bytes */
      {"\xf0\x80\x80\xaf", 0}, /* overlong, 4 bytes */
      {"\xc1\xbf", 0},         /* overlong */
      {"\xed\xa0\x80", 0},     /* surrogate U+D800 */
      {"\xed\xbf\xbf", 0},     /* surrogate U+DFFF */
      {"\xe2\x82", 0},         /* truncated sequence */
      {"a\xf0\x9f\x98", 0},    /* truncated 4-byte sequence */
      {"\x80", 0},             /* lone continuation byte */
      {"\xf4\x90\x80\x80", 0}, /* U+110000 */
      {"\xf5\x80\x80\x80", 0}, /* beyond any code point */
      {"\xff", 0},
      {"\xe2\x82\xac", 1},     /* U+20AC */
      {"\xed\x9f\xbf", 1},     /* U+D7FF */
      {"\xee\x80\x80", 1},     /* U+E000 */
      {"\xf4\x8f\xbf\xbf", 1}, /* U+10FFFF */
      {"\xf0\x9f\x98\x80", 1}, /* U+1F600 */
      {"\xc2\x80", 1},         /* U+0080 */
  };
  fh_decode_err err;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *s = cases[i].bytes;
    size_t n = strlen(s);
    uint8_t buf[32];
    ASSERT_EQ(fh_utf8_valid(s, n), cases[i].valid);
    /* as a value: {"a": s} */
    buf[0] = 0x81;
    buf[1] = 0xa1;
    buf[2] = 'a';
    buf[3] = (uint8_t)(0xa0 | n);
    memcpy(buf + 4, s, n);
    ASSERT_EQ(frame_bytes(buf, 4 + n, &err), cases[i].valid ? 1 : -1);
    /* as a key: {s: 1} */
    buf[1] = (uint8_t)(0xa0 | n);
    memcpy(buf + 2, s, n);
    buf[2 + n] = 0x01;
    ASSERT_EQ(frame_bytes(buf, 3 + n, &err), cases[i].valid ? 1 : -1);
    if (!cases[i].valid)
      ASSERT_STR_EQ(err.msg, "invalid UTF-8 in a string");
  }
}

FH_TEST(framing_errors_keep_the_id) {
  /* {id: 9, t: "ping", x: <bad utf8>} */
  static const uint8_t bad[] = {0x83, 0xa2, 'i', 'd', 0x09, 0xa1, 't', 0xa4,
                                'p', 'i', 'n', 'g', 0xa1, 'x', 0xa1, 0xff};
  static const uint8_t nonstr_key[] = {0x82, 0xa2, 'i', 'd', 0xcd, 0x01, 0x00,
                                       0x01, 0x02};
  static const uint8_t not_map[] = {0x92, 0x01, 0x02};
  fh_decode_err err;
  ASSERT_EQ(frame_bytes(bad, sizeof bad, &err), -1);
  ASSERT_EQ(err.has_id, 1);
  ASSERT_UINT_EQ(err.id, 9);
  ASSERT_EQ(frame_bytes(nonstr_key, sizeof nonstr_key, &err), -1);
  ASSERT_STR_EQ(err.msg, "a map key is not a string");
  ASSERT_EQ(err.has_id, 1);
  ASSERT_UINT_EQ(err.id, 256);
  ASSERT_EQ(frame_bytes(not_map, sizeof not_map, &err), -1);
  ASSERT_EQ(err.has_id, 0);
  ASSERT_STR_EQ(err.key, "");
}

FH_TEST(several_maps_in_one_frame) {
  fh_request reqs[32], r;
  fh_decode_err err;
  fh_buf b;
  size_t n = sample_requests(reqs, 32);
  fh_buf_init(&b, 16);
  for (size_t i = 0; i < n; i++) ASSERT_EQ(fh_request_encode(&b, &reqs[i]), 0);
  const uint8_t *frame = fh_buf_payload(&b), *map;
  size_t len = fh_buf_payload_len(&b), off = 0, map_len, count = 0;
  while (fh_frame_next(frame, len, &off, &map, &map_len, &err) == 1) {
    ASSERT_EQ(fh_request_decode(map, map_len, &r, &err), 0);
    assert_request_eq(&r, &reqs[count]);
    count++;
  }
  ASSERT_UINT_EQ(count, n);
  ASSERT_UINT_EQ(off, len);

  /* a good map, then a broken one: the first decodes, the second fails */
  fh_buf_reset(&b);
  ASSERT_EQ(fh_request_encode(&b, &reqs[1]), 0);
  static const uint8_t broken[] = {0x82, 0xa1, 't', 0xa4, 'p', 'i'};
  ASSERT_EQ(fh_buf_append(&b, broken, sizeof broken), 0);
  frame = fh_buf_payload(&b);
  len = fh_buf_payload_len(&b);
  off = 0;
  ASSERT_EQ(fh_frame_next(frame, len, &off, &map, &map_len, &err), 1);
  ASSERT_EQ(fh_request_decode(map, map_len, &r, &err), 0);
  ASSERT_EQ(r.type, FH_MSG_PING);
  ASSERT_EQ(fh_frame_next(frame, len, &off, &map, &map_len, &err), -1);
  ASSERT_EQ(err.code, FH_E_BAD_REQUEST);
  fh_buf_free(&b);
}

FH_TEST(cursor_readers) {
  /* d0 05: int8 5 is a uint; cf 80..: uint64 above INT64_MAX is no int */
  static const uint8_t int8_pos[] = {0xd0, 0x05};
  static const uint8_t big[] = {0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t neg[] = {0xff};
  static const uint8_t f32[] = {0xca, 0x3f, 0xc0, 0x00, 0x00};
  static const uint8_t never[] = {0xc1};
  uint64_t u;
  int64_t i;
  double d;
  fh_mp_cursor c = {int8_pos, int8_pos + 2};
  ASSERT_EQ(fh_mp_read_uint(&c, &u), 0);
  ASSERT_UINT_EQ(u, 5);
  c = (fh_mp_cursor){big, big + sizeof big};
  ASSERT_EQ(fh_mp_read_int(&c, &i), -1);
  ASSERT_EQ(fh_mp_read_uint(&c, &u), 0);
  ASSERT_UINT_EQ(u, 1ull << 63);
  c = (fh_mp_cursor){neg, neg + 1};
  ASSERT_EQ(fh_mp_read_uint(&c, &u), -1);
  ASSERT_EQ(fh_mp_read_int(&c, &i), 0);
  ASSERT_EQ(i, -1);
  c = (fh_mp_cursor){f32, f32 + sizeof f32};
  ASSERT_EQ(fh_mp_read_double(&c, &d), 0);
  ASSERT(d == 1.5);
  c = (fh_mp_cursor){never, never + 1};
  ASSERT_EQ(fh_mp_peek(&c), FH_MP_INVALID);
  ASSERT_EQ(fh_mp_skip(&c), -1);
  /* strcpy: fits exactly, one too long, nil */
  static const uint8_t abc[] = {0xa3, 'a', 'b', 'c', 0xc0};
  char out[4];
  c = (fh_mp_cursor){abc, abc + sizeof abc};
  fh_mp_cursor again = c;
  ASSERT_EQ(fh_mp_read_strcpy(&again, out, 3), -1);
  ASSERT(again.p == abc);
  ASSERT_EQ(fh_mp_read_strcpy(&c, out, sizeof out), 0);
  ASSERT_STR_EQ(out, "abc");
  ASSERT_EQ(fh_mp_read_strcpy(&c, out, sizeof out), 0);
  ASSERT_STR_EQ(out, "");
  ASSERT(c.p == c.end);
}

FH_TEST(names) {
  ASSERT_STR_EQ(fh_err_code_name(FH_E_RATE_LIMITED), "rate_limited");
  ASSERT_EQ(fh_err_code_from("unavailable", 11), FH_E_UNAVAILABLE);
  ASSERT_EQ(fh_err_code_from("unavailablex", 12), -1);
  ASSERT_EQ(fh_msg_type_from("andon.resolve", 13), FH_MSG_ANDON_RESOLVE);
  ASSERT_EQ(fh_msg_type_from("andon.resolv", 12), FH_MSG_UNKNOWN);
  ASSERT(fh_msg_type_name(FH_MSG_UNKNOWN) == NULL);
  ASSERT_EQ(fh_msg_is_write(FH_MSG_EQ_COUNT), 1);
  ASSERT_EQ(fh_msg_is_write(FH_MSG_SUB), 0);
  ASSERT_EQ(fh_eq_state_from("planned_stop", 12), FH_EQ_PLANNED_STOP);
  ASSERT_EQ(fh_andon_state_from("cancelled", 9), FH_ANDON_CANCELLED);
  ASSERT_EQ(fh_andon_state_from("open", 4), -1);
  for (int s = 0; s < FH_EQ__COUNT; s++) {
    const char *name = fh_eq_state_name((fh_eq_state)s);
    ASSERT_EQ(fh_eq_state_from(name, strlen(name)), s);
  }
}

/* ------------------------------------------------------- memory */

/* VmRSS and VmSize of this process, in kB. */
static void vm_kb(long *rss, long *size) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  ASSERT(f != NULL);
  *rss = *size = -1;
  while (fgets(line, sizeof line, f)) {
    sscanf(line, "VmRSS: %ld", rss);
    sscanf(line, "VmSize: %ld", size);
  }
  fclose(f);
  ASSERT(*rss > 0 && *size > 0);
}

/* Decodes every map of every frame, as the hub and a client would. */
static void decode_all(uint8_t *const *frames, const size_t *lens, size_t n,
                       size_t rounds) {
  static fh_request r;
  fh_decode_err err;
  fh_event ev;
  fh_andon a;
  for (size_t k = 0; k < rounds; k++) {
    size_t i = k % n, off = 0, map_len;
    const uint8_t *map;
    while (fh_frame_next(frames[i], lens[i], &off, &map, &map_len, &err) == 1) {
      fh_request_decode(map, map_len, &r, &err);
      if (fh_event_decode(map, map_len, &ev) == 0) fh_dec_andon(&ev.body, &a);
    }
  }
}

FH_TEST(memory_stays_flat) {
  enum { NFRAMES = 40 };
  uint8_t *frames[NFRAMES];
  size_t lens[NFRAMES], n = 0;
  fh_request reqs[32];
  size_t nreq = sample_requests(reqs, 32);
  fh_buf b;
  fh_buf_init(&b, 0);
  /* valid frames: every request, an ok with an andon */
  for (size_t i = 0; i < nreq; i++) {
    fh_buf_reset(&b);
    ASSERT_EQ(fh_request_encode(&b, &reqs[i]), 0);
    lens[n] = b.len;
    frames[n] = malloc(b.len);
    memcpy(frames[n++], b.data, b.len);
  }
  fh_andon a = sample_andon(FH_ANDON_RESOLVED);
  fh_buf_reset(&b);
  ASSERT_EQ(fh_enc_ok_andon(&b, 1, 1, &a, 1), 0);
  lens[n] = b.len;
  frames[n] = malloc(b.len);
  memcpy(frames[n++], b.data, b.len);
  /* malicious frames */
  static const uint8_t evil[][8] = {
      {0xdd, 0x04, 0x00, 0x00, 0x00}, {0xdf, 0xff, 0xff, 0xff, 0xff},
      {0x81, 0xa1, 'a', 0xdb, 0xff, 0xff, 0xff, 0xff},
      {0x81, 0xa1, 'a', 0xc6, 0x04, 0x00, 0x00, 0x00},
      {0x81, 0xa1, 'a', 0x91, 0x91, 0x91, 0x91, 0x91},
      {0x81, 0xa2, 0xed, 0xa0, 0x01, 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof evil / sizeof evil[0] && n < NFRAMES; i++) {
    lens[n] = 8;
    frames[n] = malloc(8);
    memcpy(frames[n++], evil[i], 8);
  }
  uint8_t deep[32];
  lens[n] = nested(deep, FH_DEPTH_MAX + 1);
  frames[n] = malloc(lens[n]);
  memcpy(frames[n], deep, lens[n]);
  n++;
  fh_buf_free(&b);

  long rss0, size0, rss1, size1;
  decode_all(frames, lens, n, 20000); /* warm-up */
  vm_kb(&rss0, &size0);
  decode_all(frames, lens, n, 200000);
  vm_kb(&rss1, &size1);
  printf("  VmRSS %ld -> %ld kB, VmSize %ld -> %ld kB\n", rss0, rss1, size0,
         size1);
  ASSERT_LT(rss1 - rss0, 1024);
  ASSERT_LT(size1 - size0, 1024);
  for (size_t i = 0; i < n; i++) free(frames[i]);
}

/* The run entity through ok {run}: optional fields as nil and back. */
FH_TEST(run_round_trip) {
  fh_event ev;
  fh_buf b;
  fh_run r, got;

  memset(&r, 0, sizeof r);
  r.id = 7;
  snprintf(r.line, sizeof r.line, "L1");
  snprintf(r.product, sizeof r.product, "BRK-100");
  snprintf(r.order, sizeof r.order, "WO-4711");
  r.target_qty = 500;
  r.started_at = 1705305600000LL;
  snprintf(r.started_by, sizeof r.started_by, "op1");
  r.good = 12;
  r.reject = 3;
  r.changeover_ms = 1000;
  r.changeover_target_s = 600;
  fh_buf_init(&b, 16);
  for (int pass = 0; pass < 2; pass++) {
    fh_buf_reset(&b);
    ASSERT_EQ(fh_enc_ok_run(&b, 1, 9, &r, pass), 0);
    decode_event(&b, &ev);
    ASSERT_EQ(ev.replay, pass);
    ASSERT_SV_STR(ev.body_key, "run");
    ASSERT_EQ(fh_dec_run(&ev.body, &got), 0);
    ASSERT(memcmp(&got, &r, sizeof r) == 0);
    /* then an ended run without order, target and changeover target */
    memset(r.order, 0, sizeof r.order);
    r.target_qty = 0;
    r.changeover_target_s = 0;
    r.ended_at = r.started_at + 3600000;
    snprintf(r.ended_by, sizeof r.ended_by, "sm1");
  }
  fh_buf_free(&b);
}

FH_TEST_MAIN(FH_TEST_ENTRY(request_round_trip),
             FH_TEST_ENTRY(run_round_trip),
             FH_TEST_ENTRY(request_optional_keys_absent_on_wire),
             FH_TEST_ENTRY(request_encode_rejects_bad_input),
             FH_TEST_ENTRY(welcome_round_trip),
             FH_TEST_ENTRY(login_ok_round_trip),
             FH_TEST_ENTRY(pong_err_ok_round_trip),
             FH_TEST_ENTRY(ok_entities_round_trip),
             FH_TEST_ENTRY(snap_upd_round_trip),
             FH_TEST_ENTRY(andon_encoding_keys_and_derived_times),
             FH_TEST_ENTRY(entity_decoders_refuse_bad_values),
             FH_TEST_ENTRY(event_decode_refuses_non_hub_maps),
             FH_TEST_ENTRY(history_answers_decode),
             FH_TEST_ENTRY(byte_exact_encodings),
             FH_TEST_ENTRY(buf_head_and_reuse),
             FH_TEST_ENTRY(missing_key_per_message_type),
             FH_TEST_ENTRY(wrong_type_per_required_key),
             FH_TEST_ENTRY(oversize_strings_per_limit),
             FH_TEST_ENTRY(numeric_ranges_and_collections),
             FH_TEST_ENTRY(unknown_t_unknown_keys_duplicates_nil),
             FH_TEST_ENTRY(truncated_every_prefix),
             FH_TEST_ENTRY(huge_counts_rejected),
             FH_TEST_ENTRY(deep_nesting),
             FH_TEST_ENTRY(invalid_utf8),
             FH_TEST_ENTRY(framing_errors_keep_the_id),
             FH_TEST_ENTRY(several_maps_in_one_frame),
             FH_TEST_ENTRY(cursor_readers),
             FH_TEST_ENTRY(names),
             FH_TEST_ENTRY(memory_stays_flat))
