/* downtime_codec.c -- a downtime event as one msgpack map, for the store.
 *
 * The map: {d: <the wire entity, as fh_enc_downtime writes it>,
 *           done: [ms per state], cur: state number, since: ms,
 *           seg: [[at, state]...], ovf: bool}
 * Decoding validates the bytes as one well-formed map (record_map.h), then
 * reads every key, all required; *ev is replaced only when all of them were
 * read.
 */
#include "downtime.h"
#include "record_map.h"

#include <errno.h>
#include <string.h>

#define DT_MAP_KEYS 6

static int enc_done(fh_buf *out, const dt_event *ev) {
  int rc = fh_enc_str(out, "done");
  if (rc == 0) rc = fh_enc_array(out, FH_EQ__COUNT);
  for (int s = 0; rc == 0 && s < FH_EQ__COUNT; s++) rc = fh_enc_uint(out, ev->done_ms[s]);
  return rc;
}

static int enc_segments(fh_buf *out, const dt_event *ev) {
  int rc = fh_enc_str(out, "seg");
  if (rc == 0) rc = fh_enc_array(out, ev->nseg);
  for (uint32_t i = 0; rc == 0 && i < ev->nseg; i++)
    if ((rc = fh_enc_array(out, 2)) == 0 && (rc = fh_enc_int(out, ev->seg[i].at)) == 0)
      rc = fh_enc_uint(out, (uint64_t)ev->seg[i].state);
  return rc;
}

int dt_encode(const dt_event *ev, fh_buf *out) {
  int rc;
  if (ev->nseg == 0 || ev->nseg > DT_SEGMENTS_MAX) return -EINVAL;
  if ((rc = fh_enc_map(out, DT_MAP_KEYS)) < 0 || (rc = fh_enc_str(out, "d")) < 0 ||
      (rc = fh_enc_downtime(out, &ev->d)) < 0 || (rc = enc_done(out, ev)) < 0 ||
      (rc = fh_enc_str(out, "cur")) < 0 || (rc = fh_enc_uint(out, ev->cur)) < 0 ||
      (rc = fh_enc_str(out, "since")) < 0 || (rc = fh_enc_int(out, ev->cur_since)) < 0 ||
      (rc = enc_segments(out, ev)) < 0 || (rc = fh_enc_str(out, "ovf")) < 0 ||
      (rc = fh_enc_bool(out, ev->seg_overflow)) < 0)
    return rc;
  return 0;
}

static int key_is(const fh_strv *k, const char *name) {
  return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

static int read_state(fh_mp_cursor *c, fh_eq_state *s) {
  uint64_t v;
  if (fh_mp_read_uint(c, &v) < 0 || v >= FH_EQ__COUNT) return -1;
  *s = (fh_eq_state)v;
  return 0;
}

static int read_done(fh_mp_cursor *c, dt_event *ev) {
  uint32_t n;
  if (fh_mp_read_array(c, &n) < 0 || n != FH_EQ__COUNT) return -1;
  for (uint32_t i = 0; i < n; i++)
    if (fh_mp_read_uint(c, &ev->done_ms[i]) < 0) return -1;
  return 0;
}

static int read_segments(fh_mp_cursor *c, dt_event *ev) {
  uint32_t n, pair;
  if (fh_mp_read_array(c, &n) < 0 || n == 0 || n > DT_SEGMENTS_MAX) return -1;
  for (ev->nseg = 0; ev->nseg < n; ev->nseg++)
    if (fh_mp_read_array(c, &pair) < 0 || pair != 2 ||
        fh_mp_read_int(c, &ev->seg[ev->nseg].at) < 0 ||
        read_state(c, &ev->seg[ev->nseg].state) < 0)
      return -1;
  return 0;
}

/* Reads the value of key; returns its bit, or -1. */
static int read_key(fh_mp_cursor *c, const fh_strv *key, void *obj) {
  dt_event *ev = obj;
  int b;
  if (key_is(key, "d")) return fh_dec_downtime(c, &ev->d) < 0 ? -1 : 1 << 0;
  if (key_is(key, "done")) return read_done(c, ev) < 0 ? -1 : 1 << 1;
  if (key_is(key, "cur")) return read_state(c, &ev->cur) < 0 ? -1 : 1 << 2;
  if (key_is(key, "since")) return fh_mp_read_int(c, &ev->cur_since) < 0 ? -1 : 1 << 3;
  if (key_is(key, "seg")) return read_segments(c, ev) < 0 ? -1 : 1 << 4;
  if (key_is(key, "ovf")) {
    if (fh_mp_read_bool(c, &b) < 0) return -1;
    ev->seg_overflow = b != 0;
    return 1 << 5;
  }
  return fh_mp_skip(c) < 0 ? -1 : 0;
}

int dt_decode(dt_event *ev, const uint8_t *p, size_t len) {
  dt_event tmp;
  int seen;

  memset(&tmp, 0, sizeof tmp);
  if (record_map_read(p, len, read_key, &tmp, &seen) != 0) return -EINVAL;
  if (seen != (1 << DT_MAP_KEYS) - 1 || tmp.d.id == 0) return -EINVAL;
  *ev = tmp;
  return 0;
}
