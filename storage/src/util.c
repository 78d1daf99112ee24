/* util.c -- small helpers of fh_storage: error codes, big-endian numbers,
 * the store's own counters in "meta", read transactions and the clock.
 *
 * Error codes: LMDB's own codes never leave the library.  fh__store_errno()
 * maps them to negative errno values (MDB_NOTFOUND -> -ENOENT, MDB_MAP_FULL
 * -> -ENOSPC, corruption -> -EIO, ...), and fh_store_strerror() describes
 * the codes this API documents in the store's own words.
 */
#include <errno.h>
#include <string.h>

#include "store_int.h"

int fh__store_errno(int mdb_rc) {
  switch (mdb_rc) {
  case MDB_SUCCESS:
    return 0;
  case MDB_NOTFOUND:
    return -ENOENT;
  case MDB_KEYEXIST:
    return -EEXIST;
  case MDB_MAP_FULL:
    return -ENOSPC;
  case MDB_MAP_RESIZED:
  case MDB_READERS_FULL:
  case MDB_TXN_FULL:
  case MDB_CURSOR_FULL:
  case MDB_PAGE_FULL:
    return -EAGAIN;
  case MDB_BAD_VALSIZE:
  case MDB_BAD_DBI:
  case MDB_INCOMPATIBLE:
    return -EINVAL;
  case MDB_VERSION_MISMATCH:
  case MDB_INVALID:
    return -EPROTO;
  case MDB_PAGE_NOTFOUND:
  case MDB_CORRUPTED:
  case MDB_PANIC:
  case MDB_TLS_FULL:
  case MDB_DBS_FULL:
  case MDB_BAD_RSLOT:
  case MDB_BAD_TXN:
    return -EIO;
  default:
    return mdb_rc < 0 ? mdb_rc : -mdb_rc;
  }
}

const char *fh_store_strerror(int rc) {
  switch (rc) {
  case 0:
    return "success";
  case -ENOENT:
    return "not found";
  case -ENOSPC:
    return "store full: the map size cap is reached";
  case -EROFS:
    return "store is open read-only";
  case -EPROTO:
    return "store written by a newer schema or unreadable format";
  case -EINVAL:
    return "invalid argument";
  case -ENOMEM:
    return "out of memory";
  case -EBADMSG:
    return "malformed record in the store";
  case -ENOTDIR:
    return "data path is not a directory";
  case -ENOTEMPTY:
    return "target directory is not empty";
  case -EAGAIN:
    return "store resources exhausted, try again";
  default:
    return rc < 0 ? strerror(-rc) : "unknown result";
  }
}

void fh__store_put_be64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

uint64_t fh__store_get_be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

int fh__store_meta_get_u64(fh_store *s, MDB_txn *txn, const char *key,
                       uint64_t *v) {
  MDB_val k = {strlen(key), (void *)key}, d;
  int rc = mdb_get(txn, s->dbi[DB_META], &k, &d);
  *v = 0;
  if (rc == MDB_NOTFOUND) return 0;
  if (rc != 0) return fh__store_errno(rc);
  if (d.mv_size != 8) return -EBADMSG;
  *v = fh__store_get_be64(d.mv_data);
  return 0;
}

int fh__store_meta_put_u64(fh_store *s, MDB_txn *txn, const char *key,
                       uint64_t v) {
  uint8_t buf[8];
  fh__store_put_be64(buf, v);
  MDB_val k = {strlen(key), (void *)key}, d = {sizeof buf, buf};
  return mdb_put(txn, s->dbi[DB_META], &k, &d, 0);
}

/* Another process may have grown the map since we last looked: LMDB then
 * refuses new transactions with MDB_MAP_RESIZED until we adopt the new size
 * (legal here: the caller holds no transaction). */
int fh__store_read_begin(fh_store *s, MDB_txn **txn) {
  int rc = 0;
  for (int tries = 0; tries < 8; tries++) {
    pthread_rwlock_rdlock(&s->lock);
    rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
    if (rc == 0) return 0; /* the lock stays held until fh__store_read_end */
    pthread_rwlock_unlock(&s->lock);
    if (rc != MDB_MAP_RESIZED) break;
    rc = fh__store_set_mapsize(s, 0);
    if (rc != 0) break;
    rc = MDB_MAP_RESIZED;
  }
  *txn = NULL;
  return fh__store_errno(rc);
}

void fh__store_read_end(fh_store *s, MDB_txn *txn) {
  mdb_txn_abort(txn);
  pthread_rwlock_unlock(&s->lock);
}

int fh__store_set_mapsize(fh_store *s, size_t size) {
  pthread_rwlock_wrlock(&s->lock);
  int rc = mdb_env_set_mapsize(s->env, size);
  pthread_rwlock_unlock(&s->lock);
  return rc;
}
