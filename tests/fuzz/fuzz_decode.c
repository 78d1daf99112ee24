/* fuzz_decode.c -- libFuzzer target for every decoder of fh_protocol.
 *
 * Design: the input is one WebSocket frame.  fh_frame_next() splits it; each
 * map goes through fh_request_decode() (as the hub would), fh_event_decode()
 * (as a client would) and every entity decoder, and the body cursor of an
 * event is walked into its nested values, which go through the entity
 * decoders too.  Beyond "no crash, no sanitizer report" the target checks
 * invariants and aborts when one breaks: maps lie inside the frame, string
 * views lie inside their map, error texts are terminated, and a request that
 * decodes re-encodes into one that decodes to the same type and id.  The
 * raw input is also skipped value by value with the cursor, which does not
 * assume validated bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fh_protocol.h"

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) abort();                                                    \
  } while (0)

static void check_view(fh_strv v, const uint8_t *map, size_t len) {
  if (v.n == 0) return;
  CHECK((const uint8_t *)v.p >= map);
  CHECK((const uint8_t *)v.p + v.n <= map + len);
}

/* Every entity decoder on the value at c (c itself is not moved). */
static void try_entities(fh_mp_cursor c) {
  static fh_andon a;
  static fh_equipment e;
  static fh_line l;
  static fh_oee o;
  fh_mp_cursor k = c;
  if (fh_dec_andon(&k, &a) == 0) CHECK(k.p <= c.end);
  k = c;
  if (fh_dec_equipment(&k, &e) == 0) CHECK(k.p <= c.end);
  k = c;
  if (fh_dec_line(&k, &l) == 0) CHECK(k.p <= c.end);
  k = c;
  if (fh_dec_oee(&k, &o) == 0) CHECK(k.p <= c.end);
}

/* Walks a body: entity decoders on it, on the values of a map and on the
 * elements of arrays, one level further down. */
static void walk_body(fh_mp_cursor c, int depth) {
  uint32_t n;
  try_entities(c);
  if (depth == 0) return;
  if (fh_mp_read_map(&c, &n) == 0) {
    for (uint32_t i = 0; i < n; i++) {
      if (fh_mp_skip(&c) < 0) return; /* the key */
      walk_body(c, depth - 1);
      if (fh_mp_skip(&c) < 0) return;
    }
  } else if (fh_mp_read_array(&c, &n) == 0) {
    for (uint32_t i = 0; i < n; i++) {
      walk_body(c, depth - 1);
      if (fh_mp_skip(&c) < 0) return;
    }
  }
}

static void check_request(const fh_request *r, const uint8_t *map,
                          size_t len) {
  static fh_buf out;
  static fh_request again;
  fh_decode_err err;
  check_view(r->key, map, len);
  if (r->type == FH_MSG_SUB || r->type == FH_MSG_UNSUB) {
    CHECK(r->u.sub.ntopics >= 1 && r->u.sub.ntopics <= FH_TOPICS_MAX);
    for (size_t i = 0; i < r->u.sub.ntopics; i++)
      check_view(r->u.sub.topics[i], map, len);
  }
  fh_buf_reset(&out);
  CHECK(fh_request_encode(&out, r) == 0);
  CHECK(fh_request_decode(fh_buf_payload(&out), fh_buf_payload_len(&out),
                          &again, &err) == 0);
  CHECK(again.type == r->type && again.has_id == r->has_id &&
        again.id == r->id);
}

static void decode_map(const uint8_t *map, size_t len) {
  static fh_request req;
  fh_decode_err err;
  fh_event ev;
  if (fh_request_decode(map, len, &req, &err) == 0) {
    check_request(&req, map, len);
  } else {
    CHECK(memchr(err.key, '\0', sizeof err.key) != NULL);
    CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL);
    CHECK(err.code == FH_E_BAD_REQUEST || err.code == FH_E_TOO_LARGE);
  }
  if (fh_event_decode(map, len, &ev) == 0) {
    check_view(ev.topic, map, len);
    check_view(ev.msg, map, len);
    walk_body(ev.body, 3);
    walk_body(ev.lines, 1);
  }
  fh_mp_cursor whole = {map, map + len};
  try_entities(whole);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fh_decode_err err;
  const uint8_t *map;
  size_t off = 0, len;
  int rc;
  while ((rc = fh_frame_next(data, size, &off, &map, &len, &err)) == 1) {
    CHECK(map >= data && len > 0 && map + len <= data + size);
    CHECK(off <= size);
    decode_map(map, len);
  }
  CHECK(rc == 0 ? off == size : err.code == FH_E_BAD_REQUEST);
  fh_mp_cursor raw = {data, data + size};
  while (fh_mp_skip(&raw) == 0) CHECK(raw.p <= raw.end);
  return 0;
}
