/* target_fh.c -- floorbench speaking the floorhub protocol (PROTOCOL.md).
 *
 * Every connection authenticates on the upgrade (Authorization: Bearer),
 * so the hub sends `welcome` unprompted and a subscriber can send its
 * `sub` right behind the upgrade.  A subscriber is ready once it holds a
 * `snap` of each of its topics.
 *
 * Publishing is a durable write with a unique idempotency key: `eq.count`
 * of one equipment of the line.  The send time travels in the increments
 * themselves, the only free-form numbers of a write that come back in the
 * `upd` (reason codes must be the plant's, notes would pile up andons):
 *   good   += send time in us mod 10^6      (each increment <= 10^6)
 *   reject += send time in us / 10^6 mod 10^6
 * A subscriber keeps the last good/reject of every equipment of its lines
 * (from the snap, then from each upd); the difference is the stamp, modulo
 * 10^12 us (11.5 days), and the upd's arrival time minus it is the
 * latency.  An upd is read in one pass with the protocol's cursor readers
 * (which still check every header and string): its type, then only the
 * data keys needed; every other message is decoded in full by
 * fh_event_decode.  Upds without equipment (line summaries, OEE) are not
 * deliveries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "wsc.h"

#define ERRORS_SHOWN 5 /* err replies printed to stderr per run */

static const char *fh_bearer(bench *b, const conn *c) {
  if (c->role == ROLE_SUB) return b->token_sub;
  if (c->role == ROLE_PUB) return b->token_pub;
  return b->token_writer[c->idx];
}

int target_fh_send(bench *b, conn *c, fh_request *req) {
  req->has_id = 1;
  req->id = ++c->next_id;
  fh_buf_reset(&b->scratch);
  if (fh_request_encode(&b->scratch, req) != 0) return -1;
  return bench_send(b, c, WS_BINARY, fh_buf_payload(&b->scratch),
                    fh_buf_payload_len(&b->scratch));
}

static fh_strv view(const char *s) { return (fh_strv){s, strlen(s)}; }

static int fh_on_open(bench *b, conn *c) {
  static fh_request req; /* large (64 topics): not on the stack */
  char names[FB_TOPICS_MAX][32];

  if (c->role != ROLE_SUB) return 0; /* ready at welcome */
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_SUB;
  req.u.sub.ntopics = c->ntopics;
  for (size_t i = 0; i < c->ntopics; i++) {
    topic_name(c->topics[i], names[i], sizeof names[i]);
    req.u.sub.topics[i] = view(names[i]);
  }
  return target_fh_send(b, c, &req);
}

/* ----------------------------------------------------- the counts */

/* The slot of (line, item) in c->counts, or NULL when c does not
 * subscribe that line.  counts holds good, reject per equipment of each
 * subscribed topic, allocated at the first snap. */
static uint64_t *counts_of(bench *b, conn *c, uint32_t line, uint32_t item) {
  size_t per = (size_t)b->o->equipment;
  if (item >= per) return NULL;
  if (c->counts == NULL && (c->counts = calloc(c->ntopics * per * 2, 8)) == NULL)
    return NULL;
  for (size_t i = 0; i < c->ntopics; i++)
    if (c->topics[i] == line) return &c->counts[(i * per + item) * 2];
  return NULL;
}

/* Reads an equipment map at cur: its line and item (from the id) and
 * counts.  0 or -1. */
static int read_equipment(fh_mp_cursor *cur, uint32_t *line, uint32_t *item,
                          uint64_t *good, uint64_t *reject) {
  uint32_t n, have = 0;
  fh_strv key, id;
  if (fh_mp_read_map(cur, &n) != 0) return -1;
  while (n-- > 0) {
    if (fh_mp_read_str(cur, &key) != 0) return -1;
    if (key.n == 2 && memcmp(key.p, "id", 2) == 0) {
      if (fh_mp_read_str(cur, &id) != 0 ||
          parse_equipment(id.p, id.n, line, item) != 0)
        return -1;
      have |= 1;
    } else if (key.n == 4 && memcmp(key.p, "good", 4) == 0) {
      if (fh_mp_read_uint(cur, good) != 0) return -1;
      have |= 2;
    } else if (key.n == 6 && memcmp(key.p, "reject", 6) == 0) {
      if (fh_mp_read_uint(cur, reject) != 0) return -1;
      have |= 4;
    } else if (fh_mp_skip(cur) != 0) {
      return -1;
    }
  }
  return have == 7 ? 0 : -1;
}

/* Key `name` (of len bytes) of the map at cur: leaves cur at its value;
 * 0 or -1. */
static int find_key(fh_mp_cursor *cur, const char *name, size_t len) {
  uint32_t n;
  fh_strv key;
  if (fh_mp_read_map(cur, &n) != 0) return -1;
  while (n-- > 0) {
    if (fh_mp_read_str(cur, &key) != 0) return -1;
    if (key.n == len && memcmp(key.p, name, len) == 0) return 0;
    if (fh_mp_skip(cur) != 0) return -1;
  }
  return -1;
}
#define FIND_KEY(cur, lit) find_key(cur, lit, sizeof lit - 1)

/* A line snap: remember the counts of its equipment. */
static void on_snap(bench *b, conn *c, const fh_event *ev) {
  fh_mp_cursor cur = ev->body;
  uint32_t n, line, item;
  uint64_t good, reject, *slot;

  if (FIND_KEY(&cur, "equipment") != 0 || fh_mp_read_array(&cur, &n) != 0) return;
  while (n-- > 0) {
    if (read_equipment(&cur, &line, &item, &good, &reject) != 0) return;
    if ((slot = counts_of(b, c, line, item)) != NULL) {
      slot[0] = good;
      slot[1] = reject;
    }
  }
}

/* The data of an upd that arrived at now: if it is an equipment whose
 * counts moved, the move is a stamp. */
static void on_upd(bench *b, conn *c, fh_mp_cursor cur, uint64_t now) {
  uint32_t line, item;
  uint64_t good, reject, dg, dr, *slot;

  if (FIND_KEY(&cur, "equipment") != 0 ||
      read_equipment(&cur, &line, &item, &good, &reject) != 0 ||
      (slot = counts_of(b, c, line, item)) == NULL)
    return;
  dg = good - slot[0];
  dr = reject - slot[1];
  slot[0] = good;
  slot[1] = reject;
  if (dg < STAMP_MOD && dr < STAMP_MOD) /* else not one of ours */
    bench_delivery_at(b, stamp_from_counts(dg, dr, now / 1000) * 1000, now);
}

/* One pass over the map at cur (left after it): 1 and *data set when it
 * is an upd, 0 for any other message, -1 when it is not a map of string
 * keys. */
static int scan_upd(fh_mp_cursor *cur, fh_mp_cursor *data) {
  uint32_t n;
  fh_strv key, type = {NULL, 0};
  int have_data = 0;
  if (fh_mp_read_map(cur, &n) != 0) return -1;
  while (n-- > 0) {
    if (fh_mp_read_str(cur, &key) != 0) return -1;
    if (key.n == 1 && key.p[0] == 't') {
      if (fh_mp_read_str(cur, &type) != 0) return -1;
      continue;
    }
    if (key.n == 4 && memcmp(key.p, "data", 4) == 0) {
      *data = *cur;
      have_data = 1;
    }
    if (fh_mp_skip(cur) != 0) return -1;
  }
  return have_data && type.n == 3 && memcmp(type.p, "upd", 3) == 0;
}

/* --------------------------------------------------------- messages */

static void on_err(bench *b, const fh_event *ev) {
  static unsigned shown;
  b->errors++;
  if (shown++ < ERRORS_SHOWN)
    fprintf(stderr, "floorbench: hub err %s: %.*s\n", fh_err_code_name(ev->code),
            (int)ev->msg.n, ev->msg.p);
}

/* Any message but an upd, decoded in full. */
static void on_event(bench *b, conn *c, const uint8_t *map, size_t len) {
  fh_event ev;
  if (fh_event_decode(map, len, &ev) != 0) {
    b->errors++;
    return;
  }
  switch (ev.type) {
    case FH_MSG_WELCOME:
      if (c->role != ROLE_SUB) bench_conn_ready(b, c);
      break;
    case FH_MSG_SNAP:
      on_snap(b, c, &ev);
      if (++c->nsnaps == c->ntopics) bench_conn_ready(b, c);
      break;
    case FH_MSG_OK: b->acks++; break;
    case FH_MSG_ERR: on_err(b, &ev); break;
    default: break;
  }
  if ((ev.type == FH_MSG_OK || ev.type == FH_MSG_ERR) && b->on_reply != NULL)
    b->on_reply(b, c, &ev);
}

static int fh_on_message(bench *b, conn *c, const uint8_t *p, size_t n) {
  fh_mp_cursor cur = {p, p + n}, data = {NULL, NULL};
  uint64_t now = now_ns(); /* the frame's arrival, for each of its upds */

  while (cur.p < cur.end) {
    const uint8_t *map = cur.p;
    int rc = scan_upd(&cur, &data);
    if (rc < 0) {
      b->errors++;
      return 0; /* the rest of the frame cannot be framed */
    }
    if (rc > 0) {
      /* the end of this map is the start of the data cursor's next value */
      fh_mp_cursor body = {data.p, cur.p};
      on_upd(b, c, body, now);
    } else {
      on_event(b, c, map, (size_t)(cur.p - map));
    }
  }
  return 0;
}

static int fh_publish(bench *b, conn *c, uint32_t item, uint64_t ts) {
  static fh_request req;
  char key[FH_KEY_MAX + 1], eq[32];
  uint64_t us = ts / 1000; /* the window is us-aligned: stays inside it */

  snprintf(key, sizeof key, "%s-p%u-%llu", b->nonce, (unsigned)c->idx,
           (unsigned long long)c->pub_seq);
  equipment_name(c->line, item, eq, sizeof eq);
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_EQ_COUNT;
  req.key = view(key);
  req.u.eq_count.equipment = view(eq);
  stamp_to_counts(us, &req.u.eq_count.good, &req.u.eq_count.reject);
  return target_fh_send(b, c, &req);
}

const target_ops target_floorhub = {
    .name = "floorhub",
    .path = FH_PROTO_PATH,
    .subprotocol = FH_PROTO_SUBPROTOCOL,
    .bearer = fh_bearer,
    .on_open = fh_on_open,
    .on_message = fh_on_message,
    .publish = fh_publish,
};
