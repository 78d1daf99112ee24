/* trim.c -- bounded housekeeping: expired idempotency keys, old events,
 * and key ranges the caller's retention rules name (fh_store_delete_ranges).
 *
 * One call is one write transaction that deletes at most max_deletes
 * records: first expired idempotency keys (older than now - idem_ttl_ms,
 * found through the time index "idem_ttl", idem.c), then, with what is left
 * of the budget, events older than now - log_retention_ms.  Both walks start
 * at the oldest entry and stop at the first one that must be kept, so the
 * work per call is proportional to what it deletes (plus one lookup each),
 * never to the size of a table.  The log is trimmed in LSN order: an event
 * with an older time behind a younger one waits until the younger one
 * expires.  LSNs are never reused (the counter lives in meta).
 */
#include <errno.h>

#include "store_int.h"

/* The arguments and result of one trim transaction. */
struct trim_ctx {
  int64_t now_ms; /* the caller's clock */
  size_t max;     /* deletion budget */
  size_t deleted; /* records deleted by the last run of the body */
};

static int trim_events(fh_store *s, MDB_txn *txn, int64_t cutoff, size_t max,
                       size_t *deleted) {
  MDB_cursor *cur;
  MDB_val k, v;
  int64_t ts;
  int rc = mdb_cursor_open(txn, s->dbi[DB_EVENTS], &cur);
  if (rc != 0) return rc;
  for (size_t n = 0; n < max; n++) {
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    if (rc == 0) rc = fh__event_record_time(v.mv_data, v.mv_size, &ts);
    if (rc != 0 || ts >= cutoff) break;
    rc = mdb_cursor_del(cur, 0);
    if (rc != 0) break;
    (*deleted)++;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int trim_txn(fh_store *s, MDB_txn *txn, void *arg) {
  struct trim_ctx *t = arg;
  t->deleted = 0;
  int rc = fh__idem_trim(s, txn, t->now_ms - s->idem_ttl_ms, t->max, &t->deleted);
  if (rc != 0 || s->log_retention_ms == 0 || t->deleted >= t->max) return rc;
  return trim_events(s, txn, t->now_ms - s->log_retention_ms,
                     t->max - t->deleted, &t->deleted);
}

int fh_store_trim(fh_store *s, int64_t now_ms, size_t max_deletes) {
  struct trim_ctx t = {now_ms, max_deletes, 0};
  if (s->read_only) return -EROFS;
  if (max_deletes == 0) return 0;
  int rc = fh__store_write(s, trim_txn, &t);
  if (rc != 0) return rc;
  return t.deleted > INT32_MAX ? INT32_MAX : (int)t.deleted;
}

/* The arguments and result of one range deletion transaction. */
struct ranges_ctx {
  const fh_key_range *r; /* the ranges */
  size_t n;              /* how many */
  size_t max;            /* deletion budget */
  size_t deleted;        /* records deleted by the last run of the body */
};

/* Deletes the keys of one range, oldest first, within the budget left. */
static int delete_range(fh_store *s, MDB_txn *txn, const fh_key_range *r, size_t max,
                        size_t *deleted) {
  MDB_cursor *cur;
  MDB_val k, v, to = {r->tlen, (void *)r->to};
  int rc = mdb_cursor_open(txn, s->dbi[r->table], &cur);
  if (rc != 0) return rc;
  for (;;) { /* each delete seeks from `from` again, as trim_events does */
    k = (MDB_val){r->flen, (void *)r->from};
    rc = mdb_cursor_get(cur, &k, &v, r->flen ? MDB_SET_RANGE : MDB_FIRST);
    if (rc != 0 || *deleted >= max || mdb_cmp(txn, s->dbi[r->table], &k, &to) >= 0) break;
    if ((rc = mdb_cursor_del(cur, 0)) != 0) break;
    (*deleted)++;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int ranges_txn(fh_store *s, MDB_txn *txn, void *arg) {
  struct ranges_ctx *c = arg;
  int rc = 0;
  c->deleted = 0;
  for (size_t i = 0; rc == 0 && i < c->n && c->deleted < c->max; i++)
    rc = delete_range(s, txn, &c->r[i], c->max, &c->deleted);
  return rc;
}

int fh_store_delete_ranges(fh_store *s, const fh_key_range *ranges, size_t n,
                           size_t max_deletes) {
  struct ranges_ctx c = {ranges, n, max_deletes, 0};
  if (s->read_only) return -EROFS;
  for (size_t i = 0; i < n; i++)
    if ((unsigned)ranges[i].table >= FH_T__COUNT || ranges[i].tlen == 0 ||
        ranges[i].tlen > 511 || ranges[i].flen > 511 || ranges[i].to == NULL ||
        (ranges[i].from == NULL && ranges[i].flen > 0))
      return -EINVAL;
  if (max_deletes == 0 || n == 0) return 0;
  int rc = fh__store_write(s, ranges_txn, &c);
  if (rc != 0) return rc;
  return c.deleted > INT32_MAX ? INT32_MAX : (int)c.deleted;
}
