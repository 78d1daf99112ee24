/* fh_storage.h -- the floorhub store: LMDB behind an opaque handle.
 *
 * Design: one LMDB environment in a private directory (created 0700) with
 * named databases: "lines", "equipment", "andons", "shifts", "meta",
 * "downtime", "users", "badges", "logins", "outbox" (notifications not
 * yet delivered) and "revoked" (signed-out tokens until they expire) hold current state as opaque values (the hub stores
 * msgpack entities there);
 * "events" is the append-only audit log keyed by a 64-bit big-endian LSN;
 * "idem" maps (scope, idempotency key) to the stored result of a write.
 *
 * Writes are never made one by one.  The caller collects every change of one
 * loop iteration in an fh_batch (an in-memory list of operations) and calls
 * fh_store_commit() once: the whole batch goes into one write transaction and
 * is durable (fsync'ed; MDB_NOSYNC, MDB_MAPASYNC and MDB_WRITEMAP are never
 * used) when the call returns 0.  Because the batch is kept in memory it can
 * be replayed: on MDB_MAP_FULL the transaction is aborted, the map is grown
 * with no transaction open, and the batch is applied again, up to the
 * configured cap.  At the cap the commit fails with -ENOSPC, nothing of the
 * batch is stored and the store stays usable.
 *
 * There is one writer in the hub (its commit job).  Another process
 * (floorctl user ...) may write the same store meanwhile: it opens it with
 * `attach`, LMDB serialises the write transactions of both, and every
 * commit takes the next LSN from the transaction itself, never from a
 * counter cached in the process.  Reads use short read-only
 * transactions; LMDB values are valid only inside their transaction, so
 * every read hands the bytes to a callback and never returns a pointer.
 *
 * Threads: one thread at a time writes (fh_store_commit, fh_store_trim);
 * reads (fh_store_get, _scan, _idem_get, _events, _stats_get) may run on
 * another thread meanwhile -- the hub commits on a worker thread while its
 * loop reads.  A map resize waits for the reads in progress (an internal
 * read-write lock), because LMDB allows it only with no transaction open.
 * A handle must not be used after fork().
 *
 * Every function returns 0 or a negative errno-style code.
 */
#ifndef FH_STORAGE_H
#define FH_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1: the first store; 2: adds the downtime, users, badges, logins and
 * outbox tables (an older hub refuses a store of version 2; a writable open
 * of a version 1 store creates them, a read_only one reads them as empty);
 * 3: adds the stop_index table (an index its writer keeps with the stops:
 * an older hub, which would write stops without it, refuses the store). */
#define FH_STORE_SCHEMA_VERSION 3

/* Keys of FH_T_META that start with this prefix belong to the store itself
 * ("_fh.schema", "_fh.epoch", "_fh.last_lsn", each a u64 big-endian): reads
 * and scans show them, fh_batch_put/del refuse them with -EINVAL. */
#define FH_STORE_META_PREFIX "_fh."

typedef struct fh_store fh_store;
typedef struct fh_batch fh_batch;

/* The state tables.  Keys and values are opaque bytes (keys <= 256 bytes). */
typedef enum fh_table {
  FH_T_LINES = 0,  /* line id -> line record */
  FH_T_EQUIPMENT,  /* equipment id -> equipment record */
  FH_T_ANDONS,     /* u64 big-endian andon id -> andon record */
  FH_T_SHIFTS,     /* caller-defined key -> shift/OEE record */
  FH_T_META,       /* small settings (counters, plant digest) */
  FH_T_DOWNTIME,   /* u64 big-endian stop id -> stop record */
  FH_T_USERS,      /* user id -> user record (written by floorctl user) */
  FH_T_BADGES,     /* keyed hash of a badge -> user id (the badge index) */
  FH_T_LOGINS,     /* user id -> sign-in failures and lock (by the hub) */
  FH_T_OUTBOX,     /* delivery id -> notification waiting to be sent */
  FH_T_REVOKED,    /* token jti -> its exp, u64 BE ms (signed-out tokens) */
  FH_T_STOP_INDEX, /* line, start, id -> the stop's FH_T_DOWNTIME key and
                      a summary (hub/rules/stop_index.h) */
  FH_T__COUNT
} fh_table;

typedef struct fh_store_opts {
  const char *dir;          /* data directory; created 0700 if missing */
  size_t map_size;          /* initial map size in bytes (default 64 MiB) */
  size_t map_size_max;      /* growth cap in bytes (default 8 GiB) */
  int64_t idem_ttl_ms;      /* keep idempotency keys at least this long
                               (default 24 h) */
  int64_t log_retention_ms; /* trim events older than this; 0 keeps all
                               (default 30 days) */
  int read_only;            /* open without writing (floorctl on a live
                               store): no epoch increment, commits fail
                               with -EROFS */
  int attach;               /* write beside the hub (floorctl user): no
                               epoch increment, the map size is the one
                               in the file (map_size only for a new one) */
} fh_store_opts;

/* Fills opts with the defaults above (dir stays NULL). */
void fh_store_opts_init(fh_store_opts *opts);

/* Opens (creating if needed) the store, clears stale readers
 * (mdb_reader_check) and checks the schema version: a store written by a
 * newer schema fails with -EPROTO and a message naming both versions.  Each
 * open that is not read_only increments the store's epoch.  On failure *out is NULL and errbuf
 * (may be NULL) says why. */
int fh_store_open(fh_store **out, const fh_store_opts *opts, char *errbuf,
                  size_t errlen);
void fh_store_close(fh_store *s);

/* The epoch counter (1 on the first open, +1 on each later one). */
uint64_t fh_store_epoch(const fh_store *s);
/* LSN of the last committed event, 0 if none. */
uint64_t fh_store_last_lsn(fh_store *s);

/* ----------------------------------------------------------------- batch */

/* A batch copies everything it is given; the caller's buffers may be reused
 * at once.  fh_batch_clear() keeps the memory for the next iteration. */
fh_batch *fh_batch_new(void);
void fh_batch_free(fh_batch *b);
void fh_batch_clear(fh_batch *b);
/* Number of operations queued. */
size_t fh_batch_count(const fh_batch *b);

/* Queue operations.  Each returns 0, -EINVAL (key too long / bad table) or
 * -ENOMEM; if it returns an error, nothing was queued.
 * Limits: table keys 1..256 bytes (not FH_STORE_META_PREFIX in meta);
 * event actor 0..255 bytes, type 1..255 bytes; idempotency scope 1..128
 * bytes, key 1..256 bytes.  Values and event data have no limit of their
 * own (the map cap bounds them). */
int fh_batch_put(fh_batch *b, fh_table t, const void *key, size_t klen,
                 const void *val, size_t vlen);
int fh_batch_del(fh_batch *b, fh_table t, const void *key, size_t klen);
/* Appends an event (the LSN is assigned at commit, in queue order). */
int fh_batch_event(fh_batch *b, int64_t ts_ms, const char *actor,
                   const char *type, const void *data, size_t len);
/* The same with `via`, 0..255 bytes: what the actor acted through (the
 * kiosk a person signed in at); NULL or "" for none. */
int fh_batch_event_via(fh_batch *b, int64_t ts_ms, const char *actor,
                       const char *via, const char *type, const void *data,
                       size_t len);
/* Records the result of a write under (scope, key); scope is the user. */
int fh_batch_idem(fh_batch *b, const char *scope, const char *key,
                  size_t klen, int64_t ts_ms, const void *result, size_t rlen);

/* Applies the whole batch in one write transaction and syncs it.  Returns 0
 * when it is durable; -ENOSPC when the map cap is reached (nothing stored);
 * another negative code on an I/O error (nothing stored).  The batch is left
 * as it was either way.  first_lsn (may be NULL) receives the LSN given to
 * the batch's first event, 0 if it had none. */
int fh_store_commit(fh_store *s, fh_batch *b, uint64_t *first_lsn);

/* ----------------------------------------------------------------- reads */

/* Called with bytes that are valid only during the call.  Return 0 to go
 * on, anything else to stop (that value is returned by the reader).
 * Callbacks run inside a read transaction: they must not call back into the
 * store (copy what you need and act after the reader returns). */
typedef int (*fh_store_cb)(void *arg, const void *key, size_t klen,
                           const void *val, size_t vlen);

/* -ENOENT when the key is absent. */
int fh_store_get(fh_store *s, fh_table t, const void *key, size_t klen,
                 fh_store_cb cb, void *arg);
/* Visits the keys starting with prefix (plen 0: all), in key order. */
int fh_store_scan(fh_store *s, fh_table t, const void *prefix, size_t plen,
                  fh_store_cb cb, void *arg);
/* Visits the keys from the first >= from (flen 0: all) to the end, in key
 * order: a scan resumed where a page stopped.  A callback that returns
 * non-zero stops the scan, and that value is returned. */
int fh_store_scan_from(fh_store *s, fh_table t, const void *from, size_t flen,
                       fh_store_cb cb, void *arg);

/* Gives cb the table's last record (in key order); -ENOENT when empty. */
int fh_store_last(fh_store *s, fh_table t, fh_store_cb cb, void *arg);

/* A join: visits the keys of `index` from the first >= from (flen 0: all)
 * to the end, in key order, and for each gives cb the index key as key and,
 * as val, the record of `target` whose key is the first tklen bytes of the
 * index entry's value (an entry whose record is missing, or whose value is
 * shorter, is skipped), all in one read transaction.  cb's non-zero return
 * stops the scan and is returned. */
int fh_store_scan_via(fh_store *s, fh_table index, const void *from, size_t flen,
                      fh_table target, size_t tklen, fh_store_cb cb, void *arg);

/* The stored result of (scope, key), -ENOENT if absent or expired (older
 * than idem_ttl_ms at now_ms, the caller's clock, ms since the epoch).  cb
 * gets the caller's key as key and the stored result as val. */
int fh_store_idem_get(fh_store *s, int64_t now_ms, const char *scope,
                      const char *key, size_t klen, fh_store_cb cb, void *arg);

/* One audit event as read back. Pointers valid only during the callback. */
typedef struct fh_event_rec {
  uint64_t lsn;       /* log sequence number, from 1 */
  int64_t ts_ms;      /* time of the event */
  const char *actor;  /* NUL-terminated */
  const char *via;    /* NUL-terminated, "" when the actor acted directly */
  const char *type;   /* NUL-terminated, e.g. "andon.ack" */
  const void *data;   /* the caller's bytes (msgpack in the hub) */
  size_t len;
} fh_event_rec;

typedef int (*fh_event_cb)(void *arg, const fh_event_rec *ev);

/* Visits events with lsn >= since in order (at most max, 0 = all). */
int fh_store_events(fh_store *s, uint64_t since, size_t max, fh_event_cb cb,
                    void *arg);

/* Housekeeping, bounded: deletes at most max_deletes expired idempotency
 * keys and events older than the retention, in one transaction.  Returns the
 * number deleted (>= 0) or a negative code. */
int fh_store_trim(fh_store *s, int64_t now_ms, size_t max_deletes);

/* The keys k of table with from <= k < to (from empty: from the first). */
typedef struct fh_key_range {
  fh_table table;       /* a state table */
  const void *from;     /* first key deleted (or the next after it) */
  size_t flen;          /* bytes of from; 0: the table's first key */
  const void *to;       /* first key kept */
  size_t tlen;          /* bytes of to, 1..511 */
} fh_key_range;

/* Retention, bounded: deletes at most max_deletes records of the ranges,
 * in their order, in one write transaction (the caller's rules decide
 * what is old: e.g. "smp/L1/" up to "smp/L1/" + the cutoff's key).
 * Returns the number deleted (>= 0), -EINVAL for a bad range, -EROFS, or
 * another negative code (then nothing was deleted). */
int fh_store_delete_ranges(fh_store *s, const fh_key_range *ranges, size_t n,
                           size_t max_deletes);

/* A hot, compacted copy of the store into the directory `path` (which must
 * exist and be empty), as mdb_env_copy2 with MDB_CP_COMPACT. */
int fh_store_backup(fh_store *s, const char *path);

typedef struct fh_store_stats {
  size_t map_size;      /* current map size in bytes */
  size_t map_size_max;  /* the cap */
  size_t used_bytes;    /* pages in use * page size (the high-water mark
                           of the data file: pages on LMDB's free list
                           count as used) */
  uint64_t entries[FH_T__COUNT]; /* records per state table */
  uint64_t events;      /* events in the log */
  uint64_t idem_keys;   /* idempotency keys stored */
  uint64_t commits;     /* successful commits since open */
  uint64_t grows;       /* map growths since open */
  uint64_t stale_readers; /* dead readers' slots cleared at open
                             (mdb_reader_check) */
} fh_store_stats;

int fh_store_stats_get(fh_store *s, fh_store_stats *st);

/* A readable description of a return code of this API. */
const char *fh_store_strerror(int rc);

#ifdef __cplusplus
}
#endif
#endif /* FH_STORAGE_H */
