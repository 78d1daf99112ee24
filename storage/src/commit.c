/* commit.c -- write transactions: map growth and applying a batch.
 *
 * fh__store_write() is the only place that begins a write transaction.  It runs
 * a body, commits (mdb_txn_commit fsyncs: the environment never uses
 * MDB_NOSYNC, MDB_MAPASYNC or MDB_WRITEMAP), and handles two LMDB
 * conditions by starting over with a fresh transaction:
 *
 *   MDB_MAP_FULL     from a put or from the commit: the transaction is gone
 *                    (aborted, or freed by the failed commit), so no
 *                    transaction is active and the map may be resized; it
 *                    doubles, capped at map_size_max.  At the cap: -ENOSPC.
 *   MDB_MAP_RESIZED  another process grew the map: adopt its size
 *                    (mdb_env_set_mapsize(env, 0)) and retry.
 *
 * At the cap, one more attempt is worth making: LMDB reuses a page freed by
 * transaction N only from transaction N + 2 on (the snapshot before N may
 * still be in use), so right after a trim or a batch of deletes the
 * freed pages are not yet usable.  A tiny commit that rewrites one meta
 * value unchanged moves the transaction id on; then the body runs once
 * more, and only if that fails too is the answer -ENOSPC.
 *
 * Because the batch lives in memory, "start over" simply applies it again.
 * The store's in-memory counters (last LSN, commits) change only after a
 * commit returned 0.
 */
#include <errno.h>
#include <string.h>

#include "store_int.h"

/* How often another process may resize the map under one write. */
#define RESIZED_RETRIES 8

/* Doubles the map, capped; -ENOSPC when it is already at the cap. */
static int grow_map(fh_store *s) {
  MDB_envinfo info;
  int rc = mdb_env_info(s->env, &info);
  if (rc != 0) return fh__store_errno(rc);
  size_t cur = info.me_mapsize;
  if (cur >= s->map_size_max) return -ENOSPC;
  size_t next = cur > s->map_size_max / 2 ? s->map_size_max : cur * 2;
  rc = fh__store_set_mapsize(s, next);
  if (rc != 0) return fh__store_errno(rc);
  pthread_rwlock_wrlock(&s->lock);
  s->grows++;
  pthread_rwlock_unlock(&s->lock);
  return 0;
}

/* One attempt: begin, run fn, commit.  Returns the LMDB code or -errno. */
static int write_once(fh_store *s, store_txn_fn fn, void *arg) {
  MDB_txn *txn;
  int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
  if (rc != 0) return rc;
  rc = fn(s, txn, arg);
  if (rc != 0) {
    mdb_txn_abort(txn);
    return rc;
  }
  return mdb_txn_commit(txn);
}

/* A body that rewrites the schema version unchanged: dirties a page, so
 * the commit writes a new transaction and changes nothing. */
static int rewrite_schema(fh_store *s, MDB_txn *txn, void *arg) {
  uint64_t v;
  (void)arg;
  int rc = fh__store_meta_get_u64(s, txn, META_SCHEMA, &v);
  return rc != 0 ? rc : fh__store_meta_put_u64(s, txn, META_SCHEMA, v);
}

/* At the cap: make the pages freed by the last transaction reusable.
 * Returns 0 if the caller should try again, else a negative code. */
static int release_freed_pages(fh_store *s) {
  int rc = write_once(s, rewrite_schema, NULL);
  return rc == MDB_MAP_FULL ? -ENOSPC : fh__store_errno(rc);
}

int fh__store_write(fh_store *s, store_txn_fn fn, void *arg) {
  int resized = 0, released = 0;
  for (;;) {
    int rc = write_once(s, fn, arg);
    if (rc == MDB_MAP_FULL) {
      rc = grow_map(s);
      if (rc == -ENOSPC && !released++) rc = release_freed_pages(s);
    } else if (rc == MDB_MAP_RESIZED && resized++ < RESIZED_RETRIES)
      rc = fh__store_set_mapsize(s, 0);
    else
      return fh__store_errno(rc);
    if (rc != 0) return fh__store_errno(rc);
  }
}

/* Applies one operation; events take the next LSN from *lsn. */
static int apply_op(fh_store *s, MDB_txn *txn, const fh_batch *b,
                    const struct batch_op *op, uint64_t *lsn) {
  uint8_t lsn_key[8];
  MDB_val k = {op->klen, b->bytes + op->off};
  MDB_val v = {op->vlen, b->bytes + op->off + op->klen};
  int rc;
  switch (op->kind) {
  case OP_PUT:
    return mdb_put(txn, s->dbi[op->db], &k, &v, 0);
  case OP_DEL:
    rc = mdb_del(txn, s->dbi[op->db], &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
  case OP_EVENT:
    fh__store_put_be64(lsn_key, ++*lsn);
    k = (MDB_val){sizeof lsn_key, lsn_key};
    return mdb_put(txn, s->dbi[DB_EVENTS], &k, &v, MDB_APPEND);
  case OP_IDEM:
    return fh__idem_apply(s, txn, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
  default:
    return -EINVAL;
  }
}

/* A batch and the LSN its first event follows (read in the transaction:
 * another process may have logged events since our last commit). */
struct apply_ctx {
  const fh_batch *b; /* what to apply */
  uint64_t base;     /* LSN of the last event before this batch */
};

static int apply_batch(fh_store *s, MDB_txn *txn, void *arg) {
  struct apply_ctx *ctx = arg;
  const fh_batch *b = ctx->b;
  uint64_t lsn;
  int rc = 0;
  if (b->nevents > 0)
    rc = fh__store_meta_get_u64(s, txn, META_LAST_LSN, &ctx->base);
  if (rc != 0) return rc;
  if (ctx->base < s->last_lsn) ctx->base = s->last_lsn;
  lsn = ctx->base;
  for (size_t i = 0; i < b->nops; i++) {
    rc = apply_op(s, txn, b, &b->ops[i], &lsn);
    if (rc != 0) return rc;
  }
  if (lsn == ctx->base) return 0;
  return fh__store_meta_put_u64(s, txn, META_LAST_LSN, lsn);
}

int fh_store_commit(fh_store *s, fh_batch *b, uint64_t *first_lsn) {
  struct apply_ctx ctx = {b, 0};
  if (first_lsn != NULL) *first_lsn = 0;
  if (s == NULL || b == NULL) return -EINVAL;
  if (s->read_only) return -EROFS;
  if (b->nops == 0) return 0;
  int rc = fh__store_write(s, apply_batch, &ctx);
  if (rc != 0) return rc;
  pthread_rwlock_wrlock(&s->lock);
  if (first_lsn != NULL && b->nevents > 0) *first_lsn = ctx.base + 1;
  if (b->nevents > 0) s->last_lsn = ctx.base + b->nevents;
  s->commits++;
  pthread_rwlock_unlock(&s->lock);
  return 0;
}
