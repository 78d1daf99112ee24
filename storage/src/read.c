/* read.c -- point reads and prefix scans of the state tables.
 *
 * Each read is one short read-only transaction.  LMDB hands out pointers
 * into the map that stay valid only until the transaction ends, so the
 * bytes go to the caller's callback inside the transaction and no pointer
 * ever leaves this file.  A callback's non-zero return stops the read and
 * becomes its result.
 */
#include <errno.h>
#include <string.h>

#include "store_int.h"

static int table_ok(fh_table t) { return (unsigned)t < FH_T__COUNT; }

int fh_store_get(fh_store *s, fh_table t, const void *key, size_t klen,
                 fh_store_cb cb, void *arg) {
  MDB_txn *txn;
  MDB_val k = {klen, (void *)key}, v;
  if (!table_ok(t) || key == NULL || klen == 0 || klen > 511) return -EINVAL;
  if (s->missing & (1u << t)) return -ENOENT;
  int rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  rc = fh__store_errno(mdb_get(txn, s->dbi[t], &k, &v));
  if (rc == 0) rc = cb(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
  fh__store_read_end(s, txn);
  return rc;
}

static int has_prefix(const MDB_val *k, const void *prefix, size_t plen) {
  return plen == 0 ||
         (k->mv_size >= plen && memcmp(k->mv_data, prefix, plen) == 0);
}

/* Visits the keys from k (MDB_SET_RANGE; all when k is empty) while they
 * start with prefix. */
static int scan(fh_store *s, fh_table t, MDB_val k, const void *prefix, size_t plen,
                fh_store_cb cb, void *arg) {
  MDB_txn *txn = NULL;
  MDB_cursor *cur = NULL;
  MDB_val v;
  if (s->missing & (1u << t)) return 0;
  int rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  rc = fh__store_errno(mdb_cursor_open(txn, s->dbi[t], &cur));
  if (rc != 0) goto fail;
  int mrc = mdb_cursor_get(cur, &k, &v, k.mv_size ? MDB_SET_RANGE : MDB_FIRST);
  while (mrc == 0 && has_prefix(&k, prefix, plen)) {
    rc = cb(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
    if (rc != 0) goto fail;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  if (mrc != 0 && mrc != MDB_NOTFOUND) rc = fh__store_errno(mrc);
fail:
  if (cur != NULL) mdb_cursor_close(cur);
  fh__store_read_end(s, txn);
  return rc;
}

int fh_store_scan(fh_store *s, fh_table t, const void *prefix, size_t plen,
                  fh_store_cb cb, void *arg) {
  MDB_val k = {plen, (void *)prefix};
  if (!table_ok(t) || (prefix == NULL && plen > 0) || plen > 511)
    return -EINVAL;
  return scan(s, t, k, prefix, plen, cb, arg);
}

int fh_store_scan_from(fh_store *s, fh_table t, const void *from, size_t flen,
                       fh_store_cb cb, void *arg) {
  MDB_val k = {flen, (void *)from};
  if (!table_ok(t) || (from == NULL && flen > 0) || flen > 511)
    return -EINVAL;
  return scan(s, t, k, NULL, 0, cb, arg);
}

int fh_store_last(fh_store *s, fh_table t, fh_store_cb cb, void *arg) {
  MDB_txn *txn = NULL;
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc;
  if (!table_ok(t)) return -EINVAL;
  if (s->missing & (1u << t)) return -ENOENT;
  if ((rc = fh__store_read_begin(s, &txn)) != 0) return rc;
  rc = fh__store_errno(mdb_cursor_open(txn, s->dbi[t], &cur));
  if (rc == 0) rc = fh__store_errno(mdb_cursor_get(cur, &k, &v, MDB_LAST));
  if (rc == 0) rc = cb(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
  if (cur != NULL) mdb_cursor_close(cur);
  fh__store_read_end(s, txn);
  return rc;
}

/* The index walk of fh_store_scan_via, inside the read transaction txn. */
static int walk_via(fh_store *s, MDB_txn *txn, fh_table index, MDB_val k,
                    fh_table target, size_t tklen, fh_store_cb cb, void *arg) {
  MDB_cursor *cur = NULL;
  MDB_val v, tk, rec;
  int rc = fh__store_errno(mdb_cursor_open(txn, s->dbi[index], &cur));
  if (rc != 0) return rc;
  int mrc = mdb_cursor_get(cur, &k, &v, k.mv_size ? MDB_SET_RANGE : MDB_FIRST);
  while (mrc == 0) {
    int grc = MDB_NOTFOUND;
    tk = (MDB_val){tklen, v.mv_data};
    if (v.mv_size >= tklen) grc = mdb_get(txn, s->dbi[target], &tk, &rec);
    if (grc == 0) rc = cb(arg, k.mv_data, k.mv_size, rec.mv_data, rec.mv_size);
    else if (grc != MDB_NOTFOUND) rc = fh__store_errno(grc);
    if (rc != 0) break;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND) rc = fh__store_errno(mrc);
  mdb_cursor_close(cur);
  return rc;
}

int fh_store_scan_via(fh_store *s, fh_table index, const void *from, size_t flen,
                      fh_table target, size_t tklen, fh_store_cb cb, void *arg) {
  MDB_txn *txn = NULL;
  MDB_val k = {flen, (void *)from};
  int rc;
  if (!table_ok(index) || !table_ok(target) || (from == NULL && flen > 0) ||
      flen > 511 || tklen == 0 || tklen > 511)
    return -EINVAL;
  if (s->missing & ((1u << index) | (1u << target))) return 0;
  if ((rc = fh__store_read_begin(s, &txn)) != 0) return rc;
  rc = walk_via(s, txn, index, k, target, tklen, cb, arg);
  fh__store_read_end(s, txn);
  return rc;
}
