/* store.c -- opening and closing the store.
 *
 * Opening creates the data directory (0700, mkdir -p), opens the LMDB
 * environment with MDB_NOTLS (the handle is used from one thread, and read
 * transactions are short and never nest in a write), clears reader slots of
 * dead processes (mdb_reader_check) and then, in one transaction, opens the
 * named databases and reads the store's counters from "meta":
 *
 *   "_fh.schema"    u64 BE  schema version; newer than ours -> -EPROTO
 *                           (2 added the downtime, users, badges, logins
 *                           and outbox tables, later the revoked table
 *                           (no version of its own: an older hub ignores
 *                           it); 3 added the stop_index table;
 *                           an older store gets them at its next
 *                           writable open)
 *   "_fh.epoch"     u64 BE  +1 at each open that is neither read_only nor
 *                           attach
 *   "_fh.last_lsn"  u64 BE  highest LSN ever given (survives trimming)
 *
 * A writable open does this in a write transaction (creating what is
 * missing); a read_only open uses MDB_RDONLY and a read transaction, and
 * fails with -ENOENT on a directory that holds no store.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_int.h"

static const char *const db_names[DB__COUNT] = {
    "lines", "equipment", "andons", "shifts", "meta",
    "downtime", "users", "badges", "logins", "outbox",
    "revoked",  "stop_index", "events", "idem",   "idem_ttl",
};

/* What the open transaction learnt (filled on each run of it). */
struct open_ctx {
  uint64_t schema; /* schema version found in the store, 0 if new */
  int attach;      /* opened beside another writer: keep its epoch */
};

void fh_store_opts_init(fh_store_opts *opts) {
  memset(opts, 0, sizeof *opts);
  opts->map_size = (size_t)64 << 20;
  opts->map_size_max = sizeof(size_t) >= 8 ? (size_t)8 << 30 : (size_t)1 << 30;
  opts->idem_ttl_ms = 24LL * 3600 * 1000;
  opts->log_retention_ms = 30LL * 24 * 3600 * 1000;
}

__attribute__((format(printf, 4, 5))) static int
report(char *errbuf, size_t errlen, int rc, const char *fmt, ...) {
  if (errbuf != NULL && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
  }
  return rc;
}

/* mkdir -p: creates each missing component with mode 0700.  Returns
 * -ENOTDIR when the path (or a parent) exists but is not a directory. */
static int make_dirs(const char *dir) {
  struct stat st;
  char *path = strdup(dir);
  int rc = 0;
  if (path == NULL) return -ENOMEM;
  for (char *p = path + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
      rc = -errno;
      goto fail;
    }
    *p = saved;
    if (saved == '\0') break;
  }
  if (stat(dir, &st) != 0) rc = -errno;
  else if (!S_ISDIR(st.st_mode)) rc = -ENOTDIR;
fail:
  free(path);
  return rc;
}

static int check_dir(const char *dir) {
  struct stat st;
  if (stat(dir, &st) != 0) return -errno;
  return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Opens every database, creating it when `flags` has MDB_CREATE.  Without
 * it a table added by a later schema (the outbox, the revocation list) may
 * be missing. */
static int open_dbs(fh_store *s, MDB_txn *txn, unsigned flags) {
  for (int i = 0; i < DB__COUNT; i++) {
    int rc = mdb_dbi_open(txn, db_names[i], flags, &s->dbi[i]);
    if (rc == MDB_NOTFOUND && (i == DB_OUTBOX || i == DB_REVOKED ||
                                i == DB_STOP_INDEX) &&
        !(flags & MDB_CREATE)) {
      s->missing |= 1u << i;
      continue;
    }
    if (rc != 0) return rc;
  }
  return 0;
}

/* Reads epoch and last LSN; the LSN is the larger of the meta counter and
 * the last key of the log (one cursor step, never a scan). */
static int read_counters(fh_store *s, MDB_txn *txn) {
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  uint64_t lsn = 0;
  int rc = fh__store_meta_get_u64(s, txn, META_EPOCH, &s->epoch);
  if (rc == 0) rc = fh__store_meta_get_u64(s, txn, META_LAST_LSN, &s->last_lsn);
  if (rc == 0) rc = fh__store_errno(mdb_cursor_open(txn, s->dbi[DB_EVENTS], &cur));
  if (rc != 0) return rc;
  rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  if (rc == 0 && k.mv_size == 8) lsn = fh__store_get_be64(k.mv_data);
  mdb_cursor_close(cur);
  if (rc != 0 && rc != MDB_NOTFOUND) return fh__store_errno(rc);
  if (lsn > s->last_lsn) s->last_lsn = lsn;
  return 0;
}

static int open_write_txn(fh_store *s, MDB_txn *txn, void *arg) {
  struct open_ctx *ctx = arg;
  uint64_t epoch;
  int rc = mdb_dbi_open(txn, db_names[DB_META], MDB_CREATE, &s->dbi[DB_META]);
  if (rc != 0) return rc;
  rc = fh__store_meta_get_u64(s, txn, META_SCHEMA, &ctx->schema);
  if (rc != 0) return rc;
  if (ctx->schema > FH_STORE_SCHEMA_VERSION) return -EPROTO;
  rc = open_dbs(s, txn, MDB_CREATE);
  if (rc == 0) rc = read_counters(s, txn);
  if (rc != 0) return rc;
  /* attach: the epoch is the hub's, leave it */
  epoch = ctx->attach ? s->epoch : s->epoch + 1;
  if (!ctx->attach) rc = fh__store_meta_put_u64(s, txn, META_EPOCH, epoch);
  if (rc == 0 && ctx->schema != FH_STORE_SCHEMA_VERSION)
    rc = fh__store_meta_put_u64(s, txn, META_SCHEMA, FH_STORE_SCHEMA_VERSION);
  if (rc == 0) s->epoch = epoch; /* the body may run again: count once */
  return rc;
}

static int open_read_txn(fh_store *s, struct open_ctx *ctx) {
  MDB_txn *txn;
  int rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  rc = fh__store_errno(open_dbs(s, txn, 0));
  if (rc == 0) rc = fh__store_meta_get_u64(s, txn, META_SCHEMA, &ctx->schema);
  if (rc == 0 && ctx->schema == 0) rc = -ENOENT;
  if (rc == 0 && ctx->schema > FH_STORE_SCHEMA_VERSION) rc = -EPROTO;
  if (rc == 0) rc = read_counters(s, txn);
  if (rc != 0) {
    fh__store_read_end(s, txn);
    return rc;
  }
  /* Committing (not aborting) keeps the database handles open. */
  rc = fh__store_errno(mdb_txn_commit(txn));
  pthread_rwlock_unlock(&s->lock);
  return rc;
}

static int check_opts(const fh_store_opts *o) {
  if (o == NULL || o->dir == NULL || o->dir[0] == '\0') return -EINVAL;
  if (o->map_size == 0 || o->map_size_max < o->map_size) return -EINVAL;
  if (o->idem_ttl_ms < 0 || o->log_retention_ms < 0) return -EINVAL;
  return 0;
}

/* 1 when dir already holds an LMDB data file (attach adopts its size). */
static int has_data_file(const char *dir) {
  char path[4096];
  struct stat st;
  int n = snprintf(path, sizeof path, "%s/data.mdb", dir);
  return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0;
}

/* Creates the environment and opens it; the directory exists. */
static int open_env(fh_store *s, const fh_store_opts *o) {
  int dead = 0;
  unsigned flags = MDB_NOTLS | (o->read_only ? MDB_RDONLY : 0);
  int rc = mdb_env_create(&s->env);
  if (rc != 0) return fh__store_errno(rc);
  rc = mdb_env_set_maxdbs(s->env, DB__COUNT);
  if (rc == 0 && !o->read_only && !(o->attach && has_data_file(o->dir)))
    rc = mdb_env_set_mapsize(s->env, o->map_size);
  if (rc == 0) rc = mdb_env_open(s->env, o->dir, flags, 0600);
  if (rc == 0) rc = mdb_reader_check(s->env, &dead);
  s->stale_readers = dead > 0 ? (uint64_t)dead : 0;
  return fh__store_errno(rc);
}

/* Opens the databases and reads (or, writable, creates and bumps) the
 * counters; says why in errbuf on failure. */
static int init_store(fh_store *s, const char *dir, int attach, char *errbuf,
                      size_t errlen) {
  struct open_ctx ctx = {0, attach};
  int rc = s->read_only ? open_read_txn(s, &ctx)
                        : fh__store_write(s, open_write_txn, &ctx);
  if (rc == -EPROTO && ctx.schema > FH_STORE_SCHEMA_VERSION)
    return report(errbuf, errlen, rc,
                  "store in %s has schema version %llu, newer than this "
                  "build's version %d", dir, (unsigned long long)ctx.schema,
                  FH_STORE_SCHEMA_VERSION);
  if (rc == -ENOENT)
    return report(errbuf, errlen, rc, "no floorhub store in %s", dir);
  if (rc != 0)
    return report(errbuf, errlen, rc, "cannot initialise store in %s: %s",
                  dir, fh_store_strerror(rc));
  return 0;
}

int fh_store_open(fh_store **out, const fh_store_opts *opts, char *errbuf,
                  size_t errlen) {
  fh_store *s = NULL;
  int rc = check_opts(opts);
  *out = NULL;
  if (rc != 0) return report(errbuf, errlen, rc, "invalid store options");
  rc = opts->read_only ? check_dir(opts->dir) : make_dirs(opts->dir);
  if (rc != 0) {
    report(errbuf, errlen, rc, "data directory %s: %s", opts->dir,
           rc == -ENOTDIR ? "not a directory" : fh_store_strerror(rc));
    goto fail;
  }
  s = calloc(1, sizeof *s);
  if (s == NULL) return report(errbuf, errlen, -ENOMEM, "out of memory");
  pthread_rwlock_init(&s->lock, NULL);
  s->read_only = opts->read_only != 0;
  s->map_size_max = opts->map_size_max;
  s->idem_ttl_ms = opts->idem_ttl_ms;
  s->log_retention_ms = opts->log_retention_ms;
  rc = open_env(s, opts);
  if (rc != 0) {
    report(errbuf, errlen, rc, "cannot open LMDB environment in %s: %s",
           opts->dir, fh_store_strerror(rc));
    goto fail;
  }
  rc = init_store(s, opts->dir, opts->attach != 0, errbuf, errlen);
  if (rc != 0) goto fail;
  *out = s;
  return 0;
fail:
  fh_store_close(s);
  return rc;
}

void fh_store_close(fh_store *s) {
  if (s == NULL) return;
  if (s->env != NULL) mdb_env_close(s->env);
  pthread_rwlock_destroy(&s->lock);
  free(s);
}

uint64_t fh_store_epoch(const fh_store *s) { return s->epoch; }

uint64_t fh_store_last_lsn(fh_store *s) {
  pthread_rwlock_rdlock(&s->lock);
  uint64_t lsn = s->last_lsn;
  pthread_rwlock_unlock(&s->lock);
  return lsn;
}
