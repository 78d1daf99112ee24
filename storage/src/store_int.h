/* store_int.h -- internals shared by the files of fh_storage.
 *
 * The store is one LMDB environment with the named databases listed in
 * enum store_db.  The first FH_T__COUNT of them are the caller's state
 * tables, in fh_table order, so a table number is also a database index.
 *
 * A batch (batch.c) is an array of operations whose bytes live in one
 * growing buffer; events and idempotency records are encoded into their
 * on-disk form when they are queued (events.c, idem.c), so a commit
 * (commit.c) only copies bytes into LMDB and can replay a batch as often as
 * the map has to grow.  Every write transaction goes through fh__store_write(),
 * which owns the MDB_MAP_FULL / MDB_MAP_RESIZED handling.
 */
#ifndef FH_STORE_INT_H
#define FH_STORE_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>

#include "fh_storage.h"

/* Databases; the state tables first, in fh_table order. */
enum store_db {
  DB_LINES = FH_T_LINES,
  DB_EQUIPMENT = FH_T_EQUIPMENT,
  DB_ANDONS = FH_T_ANDONS,
  DB_SHIFTS = FH_T_SHIFTS,
  DB_META = FH_T_META,
  DB_DOWNTIME = FH_T_DOWNTIME,
  DB_USERS = FH_T_USERS,
  DB_BADGES = FH_T_BADGES,
  DB_LOGINS = FH_T_LOGINS,
  DB_OUTBOX = FH_T_OUTBOX,
  DB_REVOKED = FH_T_REVOKED,
  DB_STOP_INDEX = FH_T_STOP_INDEX,
  DB_EVENTS = FH_T__COUNT, /* u64 BE LSN -> event record (events.c) */
  DB_IDEM,                 /* scope NUL key -> idem record (idem.c) */
  DB_IDEM_TTL,             /* u64 BE time, scope NUL key -> "" (idem.c) */
  DB__COUNT
};

/* Keys of the store's own counters in "meta" (values: u64 big-endian). */
#define META_SCHEMA FH_STORE_META_PREFIX "schema"
#define META_EPOCH FH_STORE_META_PREFIX "epoch"
#define META_LAST_LSN FH_STORE_META_PREFIX "last_lsn"

/* Longest idempotency scope and key accepted by fh_batch_idem. */
#define IDEM_SCOPE_MAX 128
#define IDEM_KEY_MAX 256
/* Longest event actor and type. */
#define EVENT_NAME_MAX 255

struct fh_store {
  MDB_env *env;           /* the LMDB environment */
  MDB_dbi dbi[DB__COUNT]; /* handles of the named databases */
  int read_only;          /* opened with MDB_RDONLY */
  uint32_t missing;       /* read_only: bit i set when database i does not
                             exist yet (an older schema); reads of it find
                             nothing */
  size_t map_size_max;    /* growth cap in bytes */
  int64_t idem_ttl_ms;    /* idempotency keys live at least this long */
  int64_t log_retention_ms; /* events older than this are trimmed; 0 keeps */
  uint64_t epoch;         /* this open's epoch */
  uint64_t last_lsn;      /* LSN of the last committed event */
  uint64_t commits;       /* successful commits since open */
  uint64_t grows;         /* map growths since open */
  uint64_t stale_readers; /* dead reader slots cleared at open */
  pthread_rwlock_t lock;  /* shared by read transactions; exclusive for a
                             map resize (mdb_env_set_mapsize needs no
                             transaction active in the process) and for
                             updating the counters above */
};

/* Operation kinds of a batch. */
enum batch_kind { OP_PUT, OP_DEL, OP_EVENT, OP_IDEM };

/* One queued operation; its bytes are key then value at b->bytes + off. */
struct batch_op {
  uint8_t kind;  /* enum batch_kind */
  uint8_t db;    /* enum store_db the operation writes to */
  size_t off;    /* offset of the key in the batch's byte buffer */
  size_t klen;   /* key length (0 for events: the LSN is the key) */
  size_t vlen;   /* value length (0 for deletes) */
};

struct fh_batch {
  struct batch_op *ops; /* the operations, in queue order */
  size_t nops;          /* operations queued */
  size_t ops_cap;       /* capacity of ops */
  uint8_t *bytes;       /* keys and values of all operations */
  size_t used;          /* bytes used in `bytes` */
  size_t bytes_cap;     /* capacity of `bytes` */
  size_t nevents;       /* OP_EVENT operations queued */
};

/* A write-transaction body: applies its changes to txn and returns 0, an
 * LMDB code or a negative errno.  It may run several times (after a map
 * growth), each time in a fresh transaction, so it must not change anything
 * outside txn. */
typedef int (*store_txn_fn)(fh_store *s, MDB_txn *txn, void *arg);

/* Runs fn in a write transaction and commits it, growing the map and
 * running fn again on MDB_MAP_FULL.  Returns 0 once committed (durable),
 * -ENOSPC at the map cap, or another negative code; on error nothing of fn
 * is stored. */
int fh__store_write(fh_store *s, store_txn_fn fn, void *arg);

/* Begins a read-only transaction, adopting a map grown by another process. */
int fh__store_read_begin(fh_store *s, MDB_txn **txn);
/* Ends a read transaction from fh__store_read_begin (aborts it, drops the
 * shared lock). */
void fh__store_read_end(fh_store *s, MDB_txn *txn);
/* Resizes the map with the lock held exclusive; size 0 adopts the size
 * another process set. */
int fh__store_set_mapsize(fh_store *s, size_t size);

/* Maps an LMDB return code (or a negative errno, passed through) to a
 * negative errno. */
int fh__store_errno(int mdb_rc);

/* Big-endian u64 helpers (keys sort like the numbers). */
void fh__store_put_be64(uint8_t *p, uint64_t v);
uint64_t fh__store_get_be64(const uint8_t *p);

/* Reads the u64 counter `key` of meta into *v (0 when absent). */
int fh__store_meta_get_u64(fh_store *s, MDB_txn *txn, const char *key,
                       uint64_t *v);
/* Writes the u64 counter `key` of meta; returns the LMDB code (so a body
 * of fh__store_write() passes MDB_MAP_FULL on). */
int fh__store_meta_put_u64(fh_store *s, MDB_txn *txn, const char *key,
                       uint64_t v);

/* Queues room for one operation of klen + vlen bytes; returns the
 * operation (its bytes at b->bytes + op->off) or NULL on -ENOMEM, with
 * nothing queued.  batch.c */
struct batch_op *fh__batch_push(fh_batch *b, enum batch_kind kind, int db,
                            size_t klen, size_t vlen);

/* One event to be written (lengths without the NUL). */
typedef struct fh__event_in {
  int64_t ts_ms;      /* time of the event */
  const char *actor;  /* who */
  size_t actor_len;
  const char *via;    /* through what ("" none) */
  size_t via_len;
  const char *type;   /* what */
  size_t type_len;
  const void *data;   /* the caller's bytes */
  size_t len;
} fh__event_in;

/* Event records (events.c). */
size_t fh__event_record_size(size_t actor_len, size_t via_len, size_t type_len,
                             size_t len);
void fh__event_record_write(uint8_t *out, const fh__event_in *in);
/* Reads the time of an event record; -EBADMSG if it is malformed. */
int fh__event_record_time(const void *val, size_t vlen, int64_t *ts_ms);

/* Idempotency records (idem.c). */
size_t fh__idem_key_size(size_t scope_len, size_t klen);
void fh__idem_key_write(uint8_t *out, const char *scope, size_t scope_len,
                    const char *key, size_t klen);
size_t fh__idem_record_size(size_t rlen);
void fh__idem_record_write(uint8_t *out, int64_t ts_ms, const void *result,
                       size_t rlen);
/* Stores one queued idem operation and its time index entry in txn. */
int fh__idem_apply(fh_store *s, MDB_txn *txn, const uint8_t *key, size_t klen,
               const uint8_t *rec, size_t rlen);
/* Deletes up to max expired idempotency keys (time < cutoff); adds the
 * number deleted to *deleted. */
int fh__idem_trim(fh_store *s, MDB_txn *txn, int64_t cutoff, size_t max,
              size_t *deleted);

#endif /* FH_STORE_INT_H */
