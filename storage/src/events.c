/* events.c -- the audit log: record format and reading it back.
 *
 * Database "events": key = LSN as u64 big-endian (so key order is LSN
 * order and appends use MDB_APPEND); value = one event record, format 2:
 *
 *   offset  size  field
 *   0       1     format, 2
 *   1       1     A = length of actor (0..255, without the NUL)
 *   2       1     T = length of type (1..255, without the NUL)
 *   3       8     ts_ms, i64 big-endian (two's complement)
 *   11      1     V = length of via (0..255, without the NUL)
 *   12      A+1   actor bytes, then a NUL
 *   13+A    V+1   via bytes, then a NUL
 *   14+A+V  T+1   type bytes, then a NUL
 *   15+A+V+T rest the caller's data
 *
 * Format 1 (written before `via` existed) has no V byte and no via; it is
 * read with via "" (the NUL of the empty actor string would do, but a
 * static "" is clearer).
 *
 * Storing the NULs lets a reader hand actor and type to the callback as C
 * strings pointing into the map, with no copy.  LSNs are given at commit
 * (commit.c); trimming (trim.c) deletes from the oldest end.
 */
#include <errno.h>
#include <string.h>

#include "store_int.h"

#define EVENT_FORMAT_V1 1 /* no via */
#define EVENT_FORMAT 2
#define EVENT_HEAD_V1 11
#define EVENT_HEAD 12

size_t fh__event_record_size(size_t actor_len, size_t via_len, size_t type_len,
                             size_t len) {
  return EVENT_HEAD + actor_len + 1 + via_len + 1 + type_len + 1 + len;
}

/* Copies n bytes of s and a NUL to out; returns the byte after the NUL. */
static uint8_t *put_cstr(uint8_t *out, const char *s, size_t n) {
  if (n > 0) memcpy(out, s, n);
  out[n] = '\0';
  return out + n + 1;
}

void fh__event_record_write(uint8_t *out, const fh__event_in *in) {
  out[0] = EVENT_FORMAT;
  out[1] = (uint8_t)in->actor_len;
  out[2] = (uint8_t)in->type_len;
  fh__store_put_be64(out + 3, (uint64_t)in->ts_ms);
  out[11] = (uint8_t)in->via_len;
  out = put_cstr(out + EVENT_HEAD, in->actor, in->actor_len);
  out = put_cstr(out, in->via, in->via_len);
  out = put_cstr(out, in->type, in->type_len);
  if (in->len > 0) memcpy(out, in->data, in->len);
}

/* Checks a record and points ev into it; -EBADMSG if malformed. */
static int event_record_read(const MDB_val *key, const MDB_val *val,
                             fh_event_rec *ev) {
  const uint8_t *p = val->mv_data;
  int v1 = val->mv_size > 0 && p[0] == EVENT_FORMAT_V1;
  size_t fixed = v1 ? EVENT_HEAD_V1 : EVENT_HEAD;
  if (key->mv_size != 8 || val->mv_size < fixed ||
      (p[0] != EVENT_FORMAT && !v1))
    return -EBADMSG;
  size_t alen = p[1], tlen = p[2], vlen = v1 ? 0 : p[11];
  size_t via_at = fixed + alen + 1, type_at = via_at + (v1 ? 0 : vlen + 1);
  size_t head = type_at + tlen + 1;
  if (val->mv_size < head || p[fixed + alen] != '\0' ||
      (!v1 && p[via_at + vlen] != '\0') || p[type_at + tlen] != '\0')
    return -EBADMSG;
  ev->lsn = fh__store_get_be64(key->mv_data);
  ev->ts_ms = (int64_t)fh__store_get_be64(p + 3);
  ev->actor = (const char *)p + fixed;
  ev->via = v1 ? "" : (const char *)p + via_at;
  ev->type = (const char *)p + type_at;
  ev->data = p + head;
  ev->len = val->mv_size - head;
  return 0;
}

int fh__event_record_time(const void *val, size_t vlen, int64_t *ts_ms) {
  const uint8_t *p = val;
  if (vlen < EVENT_HEAD_V1 || (p[0] != EVENT_FORMAT && p[0] != EVENT_FORMAT_V1))
    return -EBADMSG;
  *ts_ms = (int64_t)fh__store_get_be64(p + 3);
  return 0;
}

int fh_store_events(fh_store *s, uint64_t since, size_t max, fh_event_cb cb,
                    void *arg) {
  MDB_txn *txn = NULL;
  MDB_cursor *cur = NULL;
  uint8_t from[8];
  MDB_val k = {sizeof from, from}, v;
  fh_event_rec ev;
  size_t seen = 0;
  int rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  rc = fh__store_errno(mdb_cursor_open(txn, s->dbi[DB_EVENTS], &cur));
  if (rc != 0) goto fail;
  fh__store_put_be64(from, since);
  int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  while (mrc == 0 && (max == 0 || seen < max)) {
    rc = event_record_read(&k, &v, &ev);
    if (rc == 0) rc = cb(arg, &ev);
    if (rc != 0) goto fail;
    seen++;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  if (mrc != 0 && mrc != MDB_NOTFOUND) rc = fh__store_errno(mrc);
fail:
  if (cur != NULL) mdb_cursor_close(cur);
  fh__store_read_end(s, txn);
  return rc;
}
