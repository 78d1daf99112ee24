/* idem.c -- idempotency keys: (scope, key) -> time + stored result.
 *
 * Database "idem": key = scope bytes, a NUL, then the caller's key bytes
 * (a scope is a C string, so the first NUL separates the two); value =
 * idem record, format 1:
 *
 *   offset  size  field
 *   0       1     format, 1
 *   1       8     ts_ms, i64 big-endian (two's complement)
 *   9       rest  the stored result
 *
 * Database "idem_ttl" is the time-ordered index used by trimming: key =
 * ts_ms as u64 big-endian with the sign bit flipped (so negative times sort
 * first), then the idem key; value empty.  Every idem entry has exactly one
 * index entry: replacing a key moves its index entry.  Trimming walks the
 * index from its oldest end and stops at the first key still alive, so its
 * work is bounded by what it deletes, never by the size of the table.
 */
#include <errno.h>
#include <string.h>

#include "store_int.h"

#define IDEM_FORMAT 1
#define IDEM_HEAD 9
#define IDEM_KEY_BYTES (IDEM_SCOPE_MAX + 1 + IDEM_KEY_MAX)
#define TTL_KEY_BYTES (8 + IDEM_KEY_BYTES)

size_t fh__idem_key_size(size_t scope_len, size_t klen) {
  return scope_len + 1 + klen;
}

void fh__idem_key_write(uint8_t *out, const char *scope, size_t scope_len,
                    const char *key, size_t klen) {
  memcpy(out, scope, scope_len);
  out[scope_len] = '\0';
  memcpy(out + scope_len + 1, key, klen);
}

size_t fh__idem_record_size(size_t rlen) { return IDEM_HEAD + rlen; }

void fh__idem_record_write(uint8_t *out, int64_t ts_ms, const void *result,
                       size_t rlen) {
  out[0] = IDEM_FORMAT;
  fh__store_put_be64(out + 1, (uint64_t)ts_ms);
  if (rlen > 0) memcpy(out + IDEM_HEAD, result, rlen);
}

/* The time of a record, -EBADMSG if malformed. */
static int record_time(const MDB_val *v, int64_t *ts_ms) {
  const uint8_t *p = v->mv_data;
  if (v->mv_size < IDEM_HEAD || p[0] != IDEM_FORMAT) return -EBADMSG;
  *ts_ms = (int64_t)fh__store_get_be64(p + 1);
  return 0;
}

/* Builds the index key of (ts_ms, idem key) into out; returns its size. */
static size_t ttl_key(uint8_t *out, int64_t ts_ms, const void *key,
                      size_t klen) {
  fh__store_put_be64(out, (uint64_t)ts_ms ^ (UINT64_C(1) << 63));
  memcpy(out + 8, key, klen);
  return 8 + klen;
}

/* Puts (del = 0) or deletes (del = 1) the index entry of (ts_ms, key). */
static int index_entry(fh_store *s, MDB_txn *txn, int del, int64_t ts_ms,
                       const uint8_t *key, size_t klen) {
  uint8_t tk[TTL_KEY_BYTES];
  MDB_val k = {ttl_key(tk, ts_ms, key, klen), tk}, empty = {0, NULL};
  if (del) return mdb_del(txn, s->dbi[DB_IDEM_TTL], &k, NULL);
  return mdb_put(txn, s->dbi[DB_IDEM_TTL], &k, &empty, 0);
}

int fh__idem_apply(fh_store *s, MDB_txn *txn, const uint8_t *key, size_t klen,
               const uint8_t *rec, size_t rlen) {
  MDB_val k = {klen, (void *)key}, v = {rlen, (void *)rec}, old;
  int64_t ts, old_ts;
  if (klen > IDEM_KEY_BYTES || record_time(&v, &ts) != 0) return -EINVAL;
  /* A replaced key moves its index entry. */
  int rc = mdb_get(txn, s->dbi[DB_IDEM], &k, &old);
  if (rc == 0 && record_time(&old, &old_ts) == 0)
    rc = index_entry(s, txn, 1, old_ts, key, klen);
  if (rc != 0 && rc != MDB_NOTFOUND) return rc;
  rc = mdb_put(txn, s->dbi[DB_IDEM], &k, &v, 0);
  return rc != 0 ? rc : index_entry(s, txn, 0, ts, key, klen);
}

/* Deletes the idem entry an index entry points to, if the entry still has
 * that time (it always should; a mismatch leaves the entry alone). */
static int drop_entry(fh_store *s, MDB_txn *txn, const MDB_val *tk,
                      int64_t ts) {
  MDB_val k = {tk->mv_size - 8, (uint8_t *)tk->mv_data + 8}, v;
  int64_t stored;
  int rc = mdb_get(txn, s->dbi[DB_IDEM], &k, &v);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc != 0) return rc;
  if (record_time(&v, &stored) != 0 || stored != ts) return 0;
  return mdb_del(txn, s->dbi[DB_IDEM], &k, NULL);
}

int fh__idem_trim(fh_store *s, MDB_txn *txn, int64_t cutoff, size_t max,
              size_t *deleted) {
  uint8_t copy[TTL_KEY_BYTES];
  MDB_cursor *cur;
  MDB_val k, v;
  int rc = mdb_cursor_open(txn, s->dbi[DB_IDEM_TTL], &cur);
  if (rc != 0) return rc;
  for (size_t n = 0; n < max; n++) {
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    if (rc != 0) break;
    if (k.mv_size < 8 || k.mv_size > sizeof copy) {
      rc = -EBADMSG;
      break;
    }
    int64_t ts = (int64_t)(fh__store_get_be64(k.mv_data) ^ (UINT64_C(1) << 63));
    if (ts >= cutoff) break;
    /* A private copy: the key must outlive writes to the other table. */
    memcpy(copy, k.mv_data, k.mv_size);
    k.mv_data = copy;
    rc = drop_entry(s, txn, &k, ts);
    if (rc == 0) rc = mdb_cursor_del(cur, 0);
    if (rc != 0) break;
    (*deleted)++;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

int fh_store_idem_get(fh_store *s, int64_t now_ms, const char *scope,
                      const char *key, size_t klen, fh_store_cb cb, void *arg) {
  uint8_t kb[IDEM_KEY_BYTES];
  MDB_txn *txn;
  MDB_val k, v;
  int64_t ts;
  size_t slen = scope ? strlen(scope) : 0;
  if (slen == 0 || slen > IDEM_SCOPE_MAX || key == NULL || klen == 0 ||
      klen > IDEM_KEY_MAX)
    return -EINVAL;
  fh__idem_key_write(kb, scope, slen, key, klen);
  k = (MDB_val){fh__idem_key_size(slen, klen), kb};
  int rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  rc = fh__store_errno(mdb_get(txn, s->dbi[DB_IDEM], &k, &v));
  if (rc == 0) rc = record_time(&v, &ts);
  if (rc == 0 && ts < now_ms - s->idem_ttl_ms) rc = -ENOENT;
  if (rc == 0)
    rc = cb(arg, key, klen, (const uint8_t *)v.mv_data + IDEM_HEAD,
            v.mv_size - IDEM_HEAD);
  fh__store_read_end(s, txn);
  return rc;
}
