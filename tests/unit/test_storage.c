/* test_storage.c -- unit tests of fh_storage.
 *
 * Each test works in a fresh directory made with mkdtemp under /tmp and
 * removes it when it passes (a failing test leaves it for inspection).
 * Tests that need another process (stale readers, a map grown elsewhere)
 * fork before this process opens the store, and the children use their own
 * environment, so no LMDB handle is ever used across fork().
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <time.h>

#include "fh_storage.h"
#include "fh_test.h"

#define KIB 1024
#define HOUR_MS (3600LL * 1000)

/* ------------------------------------------------------------- helpers */

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

static void rm_rf(const char *dir) {
  nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory; the store goes into <tmp>/store. */
typedef struct tdir {
  char root[64];   /* the mkdtemp directory */
  char store[96];  /* root/store */
} tdir;

static void tdir_make(tdir *t) {
  strcpy(t->root, "/tmp/fh_storage_XXXXXX");
  ASSERT(mkdtemp(t->root) != NULL);
  snprintf(t->store, sizeof t->store, "%s/store", t->root);
}

static fh_store *open_dir(const char *dir, int read_only) {
  fh_store_opts o;
  fh_store *s = NULL;
  char err[256] = "";
  fh_store_opts_init(&o);
  o.dir = dir;
  o.read_only = read_only;
  int rc = fh_store_open(&s, &o, err, sizeof err);
  if (rc != 0) FH_FAIL_("open %s: %d %s", dir, rc, err);
  return s;
}

/* A copy of the bytes a reader handed out. */
typedef struct got {
  int calls;          /* callback invocations */
  char key[512];      /* last key, NUL-terminated */
  char val[64 * KIB]; /* last value, NUL-terminated */
  size_t vlen;        /* its length */
  char keys[2048];    /* every key visited, each followed by ',' */
} got;

static int collect(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  got *g = arg;
  g->calls++;
  ASSERT(klen < sizeof g->key && vlen < sizeof g->val);
  memcpy(g->key, key, klen);
  g->key[klen] = '\0';
  memcpy(g->val, val, vlen);
  g->val[vlen] = '\0';
  g->vlen = vlen;
  size_t used = strlen(g->keys);
  snprintf(g->keys + used, sizeof g->keys - used, "%s,", g->key);
  return 0;
}

static int stop_with_7(void *arg, const void *key, size_t klen,
                       const void *val, size_t vlen) {
  (void)key, (void)klen, (void)val, (void)vlen;
  ++*(int *)arg;
  return 7;
}

static int event_stop_with_7(void *arg, const fh_event_rec *ev) {
  (void)ev;
  ++*(int *)arg;
  return 7;
}

/* Puts one string pair and commits. */
static void put_str(fh_store *s, fh_table t, const char *k, const char *v) {
  fh_batch *b = fh_batch_new();
  ASSERT_EQ(fh_batch_put(b, t, k, strlen(k), v, strlen(v)), 0);
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  fh_batch_free(b);
}

/* Asserts that t[k] holds v (v NULL: absent). */
static void expect(fh_store *s, fh_table t, const char *k, const char *v) {
  static got g;
  memset(&g, 0, sizeof g);
  int rc = fh_store_get(s, t, k, strlen(k), collect, &g);
  if (v == NULL) {
    ASSERT_EQ(rc, -ENOENT);
    ASSERT_EQ(g.calls, 0);
    return;
  }
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(g.calls, 1);
  ASSERT_STR_EQ(g.key, k);
  ASSERT_STR_EQ(g.val, v);
}

/* Commits `n` events with times ts0, ts0 + step, ...; returns first LSN. */
static uint64_t add_events(fh_store *s, int n, int64_t ts0, int64_t step) {
  fh_batch *b = fh_batch_new();
  uint64_t first = 0;
  char data[32];
  for (int i = 0; i < n; i++) {
    snprintf(data, sizeof data, "ev%lld", (long long)(ts0 + i * step));
    ASSERT_EQ(fh_batch_event(b, ts0 + i * step, "alice", "andon.ack", data,
                             strlen(data)),
              0);
  }
  ASSERT_EQ(fh_store_commit(s, b, &first), 0);
  fh_batch_free(b);
  return first;
}

/* The events a reader visited. */
typedef struct evlog {
  int n;              /* events seen */
  uint64_t lsn[64];   /* their LSNs */
  int64_t ts[64];     /* their times */
  char data[64][32];  /* their data, NUL-terminated */
  char actor[32];     /* actor of the last one */
  char type[32];      /* type of the last one */
  char via[64][32];   /* their via ("" none) */
} evlog;

static int collect_event(void *arg, const fh_event_rec *ev) {
  evlog *l = arg;
  ASSERT_LT(l->n, 64);
  ASSERT_LT(ev->len, sizeof l->data[0]);
  l->lsn[l->n] = ev->lsn;
  l->ts[l->n] = ev->ts_ms;
  snprintf(l->via[l->n], sizeof l->via[0], "%s", ev->via);
  memcpy(l->data[l->n], ev->data, ev->len);
  l->data[l->n][ev->len] = '\0';
  snprintf(l->actor, sizeof l->actor, "%s", ev->actor);
  snprintf(l->type, sizeof l->type, "%s", ev->type);
  l->n++;
  return 0;
}

static evlog read_events(fh_store *s, uint64_t since, size_t max) {
  evlog l;
  memset(&l, 0, sizeof l);
  ASSERT_EQ(fh_store_events(s, since, max, collect_event, &l), 0);
  return l;
}

static void put_idem(fh_store *s, const char *scope, const char *key,
                     int64_t ts, const char *result) {
  fh_batch *b = fh_batch_new();
  ASSERT_EQ(fh_batch_idem(b, scope, key, strlen(key), ts, result,
                          strlen(result)),
            0);
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  fh_batch_free(b);
}

/* Asserts the idempotency result of (scope, key) (NULL: absent). */
static void expect_idem(fh_store *s, const char *scope, const char *key,
                        const char *result) {
  static got g;
  memset(&g, 0, sizeof g);
  int rc = fh_store_idem_get(s, (int64_t)time(NULL) * 1000, scope, key, strlen(key), collect, &g);
  if (result == NULL) {
    ASSERT_EQ(rc, -ENOENT);
    ASSERT_EQ(g.calls, 0);
    return;
  }
  ASSERT_EQ(rc, 0);
  ASSERT_STR_EQ(g.key, key);
  ASSERT_STR_EQ(g.val, result);
}

static fh_store_stats stats(fh_store *s) {
  fh_store_stats st;
  ASSERT_EQ(fh_store_stats_get(s, &st), 0);
  return st;
}

/* Writes meta "_fh.schema" = version with raw LMDB (no store open). */
static void raw_set_schema(const char *dir, uint64_t version) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  uint8_t be[8];
  for (int i = 7; i >= 0; i--, version >>= 8) be[i] = (uint8_t)version;
  MDB_val k = {strlen(FH_STORE_META_PREFIX "schema"),
               FH_STORE_META_PREFIX "schema"};
  MDB_val v = {8, be};
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 16), 0);
  ASSERT_EQ(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
  ASSERT_EQ(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

/* Makes the store at dir look like schema 1: no "outbox" database. */
static void raw_drop_outbox(const char *dir) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 16), 0);
  ASSERT_EQ(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
  ASSERT_EQ(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "outbox", 0, &dbi), 0);
  ASSERT_EQ(mdb_drop(txn, dbi, 1), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  raw_set_schema(dir, 1);
}

/* --------------------------------------------------------- open, epoch */

FH_TEST(opts_defaults) {
  fh_store_opts o;
  memset(&o, 0xff, sizeof o);
  fh_store_opts_init(&o);
  ASSERT(o.dir == NULL);
  ASSERT_UINT_EQ(o.map_size, 64 << 20);
  ASSERT_UINT_EQ(o.map_size_max, (size_t)8 << 30);
  ASSERT_EQ(o.idem_ttl_ms, 24 * HOUR_MS);
  ASSERT_EQ(o.log_retention_ms, 30 * 24 * HOUR_MS);
  ASSERT_EQ(o.read_only, 0);
}

FH_TEST(open_creates_dir_0700) {
  tdir t;
  struct stat st;
  char dir[128], file[256], err[256] = "";
  fh_store *s = NULL;
  fh_store_opts o;
  tdir_make(&t);
  snprintf(dir, sizeof dir, "%s/a/b/data", t.root);
  fh_store_close(open_dir(dir, 0));
  ASSERT_EQ(stat(dir, &st), 0);
  ASSERT(S_ISDIR(st.st_mode));
  ASSERT_EQ(st.st_mode & 0777, 0700);
  snprintf(file, sizeof file, "%s/data.mdb", dir);
  ASSERT_EQ(stat(file, &st), 0);

  /* A path that is a file fails clearly and returns no handle. */
  snprintf(file, sizeof file, "%s/plain", t.root);
  int fd = open(file, O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  close(fd);
  fh_store_opts_init(&o);
  o.dir = file;
  s = (fh_store *)&o; /* any non-NULL value: open must reset it */
  ASSERT_EQ(fh_store_open(&s, &o, err, sizeof err), -ENOTDIR);
  ASSERT(s == NULL);
  ASSERT(strstr(err, "not a directory") != NULL);
  o.dir = NULL;
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), -EINVAL);
  rm_rf(t.root);
}

FH_TEST(reopen_keeps_data) {
  tdir t;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  put_str(s, FH_T_LINES, "L1", "line one");
  put_str(s, FH_T_EQUIPMENT, "E1", "press");
  put_str(s, FH_T_SHIFTS, "S1", "early");
  put_str(s, FH_T_META, "plant", "digest");
  fh_store_close(s);
  s = open_dir(t.store, 0);
  expect(s, FH_T_LINES, "L1", "line one");
  expect(s, FH_T_EQUIPMENT, "E1", "press");
  expect(s, FH_T_SHIFTS, "S1", "early");
  expect(s, FH_T_META, "plant", "digest");
  expect(s, FH_T_ANDONS, "L1", NULL);
  fh_store_close(s);
  rm_rf(t.root);
}

/* A schema 1 store (before the outbox): read_only sees an empty outbox,
 * a writable open creates it and records schema 2. */
FH_TEST(schema_1_gets_the_outbox) {
  tdir t;
  fh_store_stats st;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  put_str(s, FH_T_LINES, "L1", "line one");
  fh_store_close(s);
  raw_drop_outbox(t.store);
  s = open_dir(t.store, 1);
  expect(s, FH_T_LINES, "L1", "line one");
  expect(s, FH_T_OUTBOX, "x", NULL);
  static got g;
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan(s, FH_T_OUTBOX, NULL, 0, collect, &g), 0);
  ASSERT_EQ(g.calls, 0);
  ASSERT_EQ(fh_store_stats_get(s, &st), 0);
  ASSERT_UINT_EQ(st.entries[FH_T_OUTBOX], 0);
  fh_store_close(s);
  s = open_dir(t.store, 0);
  put_str(s, FH_T_OUTBOX, "andon-1-raised.chat", "rec");
  fh_store_close(s);
  s = open_dir(t.store, 1);
  expect(s, FH_T_OUTBOX, "andon-1-raised.chat", "rec");
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(schema_newer_fails_eproto) {
  tdir t;
  char err[256] = "";
  fh_store_opts o;
  fh_store *s = NULL;
  tdir_make(&t);
  fh_store_close(open_dir(t.store, 0));
  raw_set_schema(t.store, FH_STORE_SCHEMA_VERSION + 1);
  fh_store_opts_init(&o);
  o.dir = t.store;
  ASSERT_EQ(fh_store_open(&s, &o, err, sizeof err), -EPROTO);
  ASSERT(s == NULL);
  {
    char newer[40], ours[40];
    snprintf(newer, sizeof newer, "schema version %d", FH_STORE_SCHEMA_VERSION + 1);
    snprintf(ours, sizeof ours, "version %d", FH_STORE_SCHEMA_VERSION);
    ASSERT(strstr(err, newer) != NULL);
    ASSERT(strstr(err, ours) != NULL);
  }
  o.read_only = 1;
  ASSERT_EQ(fh_store_open(&s, &o, err, sizeof err), -EPROTO);
  /* The failed opens changed nothing: back at our version, epoch is 2. */
  raw_set_schema(t.store, FH_STORE_SCHEMA_VERSION);
  s = open_dir(t.store, 0);
  ASSERT_UINT_EQ(fh_store_epoch(s), 2);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(epoch_increments) {
  tdir t;
  tdir_make(&t);
  for (uint64_t want = 1; want <= 3; want++) {
    fh_store *s = open_dir(t.store, 0);
    ASSERT_UINT_EQ(fh_store_epoch(s), want);
    fh_store_close(s);
  }
  rm_rf(t.root);
}

FH_TEST(read_only_open) {
  tdir t;
  char missing[160], err[256] = "";
  struct stat st;
  fh_store_opts o;
  fh_store *s = NULL;
  tdir_make(&t);
  s = open_dir(t.store, 0);
  put_str(s, FH_T_LINES, "L1", "one");
  add_events(s, 2, 1000, 1);
  fh_store_close(s);

  s = open_dir(t.store, 1);
  ASSERT_UINT_EQ(fh_store_epoch(s), 1);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 2);
  expect(s, FH_T_LINES, "L1", "one");
  fh_batch *b = fh_batch_new();
  ASSERT_EQ(fh_batch_put(b, FH_T_LINES, "L2", 2, "two", 3), 0);
  ASSERT_EQ(fh_store_commit(s, b, NULL), -EROFS);
  ASSERT_EQ(fh_store_trim(s, 0, 10), -EROFS);
  fh_batch_free(b);
  fh_store_close(s);
  s = open_dir(t.store, 0);
  ASSERT_UINT_EQ(fh_store_epoch(s), 2);
  expect(s, FH_T_LINES, "L2", NULL);
  fh_store_close(s);

  /* read_only never creates anything. */
  snprintf(missing, sizeof missing, "%s/missing", t.root);
  fh_store_opts_init(&o);
  o.dir = missing;
  o.read_only = 1;
  ASSERT_EQ(fh_store_open(&s, &o, err, sizeof err), -ENOENT);
  ASSERT(s == NULL);
  ASSERT_NE(stat(missing, &st), 0);
  rm_rf(t.root);
}

/* --------------------------------------------------------- tables */

FH_TEST(put_get_del_scan_prefix) {
  tdir t;
  got g;
  int calls = 0;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  fh_batch *b = fh_batch_new();
  const char *keys[] = {"M1", "L2", "L10", "L1"};
  for (int i = 0; i < 4; i++)
    ASSERT_EQ(fh_batch_put(b, FH_T_LINES, keys[i], strlen(keys[i]), "v", 1),
              0);
  ASSERT_EQ(fh_batch_count(b), 4);
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  ASSERT_EQ(fh_batch_count(b), 4); /* left as it was */

  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan(s, FH_T_LINES, "L1", 2, collect, &g), 0);
  ASSERT_STR_EQ(g.keys, "L1,L10,");
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan(s, FH_T_LINES, NULL, 0, collect, &g), 0);
  ASSERT_STR_EQ(g.keys, "L1,L10,L2,M1,");
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan(s, FH_T_LINES, "Z", 1, collect, &g), 0);
  ASSERT_EQ(g.calls, 0);
  ASSERT_EQ(fh_store_scan(s, FH_T_LINES, "L", 1, stop_with_7, &calls), 7);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(fh_store_get(s, FH_T_LINES, "M1", 2, stop_with_7, &calls), 7);
  /* delete_ranges: [from, to) of each range, within the budget, in order */
  {
    fh_key_range r[2] = {{FH_T_LINES, "L1", 2, "L2", 2}, {FH_T_LINES, NULL, 0, "M", 1}};
    ASSERT_EQ(fh_store_delete_ranges(s, r, 1, 1), 1); /* budget 1: L1 only */
    memset(&g, 0, sizeof g);
    ASSERT_EQ(fh_store_scan(s, FH_T_LINES, NULL, 0, collect, &g), 0);
    ASSERT_STR_EQ(g.keys, "L10,L2,M1,");
    ASSERT_EQ(fh_store_delete_ranges(s, r, 2, 100), 2); /* L10, then L2 (< "M") */
    memset(&g, 0, sizeof g);
    ASSERT_EQ(fh_store_scan(s, FH_T_LINES, NULL, 0, collect, &g), 0);
    ASSERT_STR_EQ(g.keys, "M1,");
    ASSERT_EQ(fh_store_delete_ranges(s, r, 2, 100), 0); /* nothing left below */
    r[0].tlen = 0;
    ASSERT_EQ(fh_store_delete_ranges(s, r, 1, 100), -EINVAL);
    fh_batch_clear(b);
    for (int i = 0; i < 4; i++)
      ASSERT_EQ(fh_batch_put(b, FH_T_LINES, keys[i], strlen(keys[i]), "v", 1), 0);
    ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  }
  /* scan_from: from the first key >= from to the end, whatever its prefix */
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan_from(s, FH_T_LINES, "L10", 3, collect, &g), 0);
  ASSERT_STR_EQ(g.keys, "L10,L2,M1,");
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan_from(s, FH_T_LINES, "L11", 3, collect, &g), 0);
  ASSERT_STR_EQ(g.keys, "L2,M1,");
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_scan_from(s, FH_T_LINES, NULL, 0, collect, &g), 0);
  ASSERT_STR_EQ(g.keys, "L1,L10,L2,M1,");

  /* Replace, delete, delete of an absent key, in one batch. */
  fh_batch_clear(b);
  ASSERT_EQ(fh_batch_count(b), 0);
  ASSERT_EQ(fh_batch_put(b, FH_T_LINES, "L1", 2, "new", 3), 0);
  ASSERT_EQ(fh_batch_del(b, FH_T_LINES, "L2", 2), 0);
  ASSERT_EQ(fh_batch_del(b, FH_T_LINES, "nope", 4), 0);
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  expect(s, FH_T_LINES, "L1", "new");
  expect(s, FH_T_LINES, "L2", NULL);
  expect(s, FH_T_LINES, "L10", "v");

  /* Bad arguments queue nothing. */
  char long_key[257];
  memset(long_key, 'k', sizeof long_key);
  fh_batch_clear(b);
  ASSERT_EQ(fh_batch_put(b, FH_T__COUNT, "k", 1, "v", 1), -EINVAL);
  ASSERT_EQ(fh_batch_put(b, FH_T_LINES, long_key, 257, "v", 1), -EINVAL);
  ASSERT_EQ(fh_batch_put(b, FH_T_LINES, long_key, 256, "v", 1), 0);
  ASSERT_EQ(fh_batch_put(b, FH_T_META, "_fh.epoch", 9, "v", 1), -EINVAL);
  ASSERT_EQ(fh_batch_del(b, FH_T_META, "_fh.schema", 10), -EINVAL);
  ASSERT_EQ(fh_batch_event(b, 1, "a", "", "x", 1), -EINVAL);
  ASSERT_EQ(fh_batch_idem(b, "", "k", 1, 1, "r", 1), -EINVAL);
  ASSERT_EQ(fh_batch_count(b), 1);
  ASSERT_EQ(fh_store_get(s, FH_T__COUNT, "k", 1, collect, &g), -EINVAL);
  fh_batch_free(b);
  fh_store_close(s);
  rm_rf(t.root);
}

/* ------------------------------------------------------------ events */

FH_TEST(event_lsns_consecutive) {
  tdir t;
  uint64_t first = 99;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 0);
  ASSERT_UINT_EQ(add_events(s, 3, 100, 1), 1);
  ASSERT_UINT_EQ(add_events(s, 2, 200, 1), 4);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 5);

  fh_batch *b = fh_batch_new();
  ASSERT_EQ(fh_batch_put(b, FH_T_LINES, "L1", 2, "v", 1), 0);
  ASSERT_EQ(fh_store_commit(s, b, &first), 0);
  ASSERT_UINT_EQ(first, 0);
  fh_batch_free(b);
  fh_store_close(s);

  s = open_dir(t.store, 0);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 5);
  ASSERT_UINT_EQ(add_events(s, 1, 300, 1), 6);
  evlog l = read_events(s, 0, 0);
  ASSERT_EQ(l.n, 6);
  for (int i = 0; i < l.n; i++) ASSERT_UINT_EQ(l.lsn[i], (uint64_t)i + 1);
  ASSERT_EQ(l.ts[0], 100);
  ASSERT_EQ(l.ts[4], 201);
  ASSERT_STR_EQ(l.data[4], "ev201");
  ASSERT_STR_EQ(l.actor, "alice");
  ASSERT_STR_EQ(l.type, "andon.ack");
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(events_since_lsn) {
  tdir t;
  int calls = 0;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  add_events(s, 10, 1000, 10);
  evlog l = read_events(s, 4, 0);
  ASSERT_EQ(l.n, 7);
  ASSERT_UINT_EQ(l.lsn[0], 4);
  ASSERT_UINT_EQ(l.lsn[6], 10);
  ASSERT_EQ(l.ts[0], 1030);
  l = read_events(s, 4, 3);
  ASSERT_EQ(l.n, 3);
  ASSERT_UINT_EQ(l.lsn[2], 6);
  ASSERT_EQ(read_events(s, 11, 0).n, 0);
  ASSERT_EQ(read_events(s, 0, 0).n, 10);
  ASSERT_EQ(fh_store_events(s, 0, 0, event_stop_with_7, &calls), 7);
  ASSERT_EQ(calls, 1);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(log_retention_trim) {
  tdir t;
  fh_store_opts o;
  fh_store *s;
  tdir_make(&t);
  fh_store_opts_init(&o);
  o.dir = t.store;
  o.log_retention_ms = 1000;
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), 0);
  add_events(s, 10, 1000, 1000); /* times 1000 .. 10000 */
  /* cutoff 4500: the events at 1000..4000 go. */
  ASSERT_EQ(fh_store_trim(s, 5500, 100), 4);
  evlog l = read_events(s, 0, 0);
  ASSERT_EQ(l.n, 6);
  ASSERT_UINT_EQ(l.lsn[0], 5);
  ASSERT_EQ(fh_store_trim(s, 5500, 100), 0);
  ASSERT_EQ(fh_store_trim(s, 1000000, 100), 6);
  ASSERT_EQ(read_events(s, 0, 0).n, 0);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 10);
  fh_store_close(s);
  /* Trimming everything does not reset the LSN. */
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), 0);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 10);
  ASSERT_UINT_EQ(add_events(s, 1, 20000, 1), 11);
  fh_store_close(s);
  rm_rf(t.root);
}

/* -------------------------------------------------------- idempotency */

FH_TEST(idem_put_get_scopes) {
  tdir t;
  int64_t now = (int64_t)time(NULL) * 1000;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  put_idem(s, "alice", "k1", now, "r1");
  put_idem(s, "bob", "k1", now, "r2");
  put_idem(s, "al", "ice", now, "r3");
  expect_idem(s, "alice", "k1", "r1");
  expect_idem(s, "bob", "k1", "r2");
  expect_idem(s, "al", "ice", "r3");
  expect_idem(s, "carol", "k1", NULL);
  expect_idem(s, "alice", "k2", NULL);
  /* Binary keys: bytes after a NUL count. */
  fh_batch *b = fh_batch_new();
  ASSERT_EQ(fh_batch_idem(b, "alice", "a\0b", 3, now, "AB", 2), 0);
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  fh_batch_free(b);
  got g;
  memset(&g, 0, sizeof g);
  ASSERT_EQ(fh_store_idem_get(s, now, "alice", "a\0b", 3, collect, &g), 0);
  ASSERT_STR_EQ(g.val, "AB");
  ASSERT_EQ(fh_store_idem_get(s, now, "alice", "a\0c", 3, collect, &g), -ENOENT);
  ASSERT_EQ(fh_store_idem_get(s, now, "alice", "a", 1, collect, &g), -ENOENT);
  /* Replacing a key keeps one entry. */
  put_idem(s, "alice", "k1", now + 1, "r1b");
  expect_idem(s, "alice", "k1", "r1b");
  ASSERT_UINT_EQ(stats(s).idem_keys, 4);
  fh_store_close(s);
  s = open_dir(t.store, 0);
  expect_idem(s, "bob", "k1", "r2");
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(idem_expiry_by_trim) {
  tdir t;
  int64_t now = (int64_t)time(NULL) * 1000;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  put_idem(s, "alice", "old", now - 25 * HOUR_MS, "r-old");
  put_idem(s, "alice", "new", now, "r-new");
  put_idem(s, "alice", "moved", now - 25 * HOUR_MS, "r-moved-1");
  put_idem(s, "alice", "moved", now, "r-moved-2");
  /* Older than the TTL by the clock: no longer returned. */
  expect_idem(s, "alice", "old", NULL);
  expect_idem(s, "alice", "new", "r-new");
  ASSERT_UINT_EQ(stats(s).idem_keys, 3);
  /* Kept at least the TTL: nothing of now goes at now + 23 h. */
  ASSERT_EQ(fh_store_trim(s, now, 100), 1);
  ASSERT_UINT_EQ(stats(s).idem_keys, 2);
  ASSERT_EQ(fh_store_trim(s, now + 23 * HOUR_MS, 100), 0);
  expect_idem(s, "alice", "moved", "r-moved-2");
  ASSERT_EQ(fh_store_trim(s, now + 25 * HOUR_MS, 100), 2);
  ASSERT_UINT_EQ(stats(s).idem_keys, 0);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(trim_bounded_by_max_deletes) {
  tdir t;
  fh_store_opts o;
  fh_store *s;
  char key[16];
  tdir_make(&t);
  fh_store_opts_init(&o);
  o.dir = t.store;
  o.idem_ttl_ms = 1000;
  o.log_retention_ms = 1000;
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), 0);
  fh_batch *b = fh_batch_new();
  for (int i = 0; i < 100; i++) {
    snprintf(key, sizeof key, "k%d", i);
    ASSERT_EQ(fh_batch_idem(b, "u", key, strlen(key), 100 + i, "r", 1), 0);
  }
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  fh_batch_free(b);
  add_events(s, 5, 100, 1);
  /* 100 keys + 5 events, all expired at 10000; 30 per call. */
  ASSERT_EQ(fh_store_trim(s, 10000, 30), 30);
  ASSERT_UINT_EQ(stats(s).idem_keys, 70);
  ASSERT_EQ(fh_store_trim(s, 10000, 30), 30);
  ASSERT_EQ(fh_store_trim(s, 10000, 30), 30);
  ASSERT_EQ(fh_store_trim(s, 10000, 30), 15); /* 10 keys, then 5 events */
  ASSERT_EQ(fh_store_trim(s, 10000, 30), 0);
  fh_store_stats st = stats(s);
  ASSERT_UINT_EQ(st.idem_keys, 0);
  ASSERT_UINT_EQ(st.events, 0);
  ASSERT_EQ(fh_store_trim(s, 10000, 0), 0);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(trim_oldest_first) {
  tdir t;
  int64_t now = (int64_t)time(NULL) * 1000;
  fh_store_opts o;
  fh_store *s;
  tdir_make(&t);
  fh_store_opts_init(&o);
  o.dir = t.store;
  o.idem_ttl_ms = HOUR_MS;
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), 0);
  /* Key order x < y < z, time order y < x < z. */
  put_idem(s, "u", "x", now + HOUR_MS, "rx");
  put_idem(s, "u", "y", now, "ry");
  put_idem(s, "u", "z", now + 2 * HOUR_MS, "rz");
  /* At now + 2.5 h, x and y are past the TTL; one per call, oldest first. */
  int64_t later = now + 5 * HOUR_MS / 2;
  ASSERT_EQ(fh_store_trim(s, later, 1), 1);
  expect_idem(s, "u", "y", NULL);
  expect_idem(s, "u", "x", "rx");
  ASSERT_EQ(fh_store_trim(s, later, 1), 1);
  expect_idem(s, "u", "x", NULL);
  ASSERT_EQ(fh_store_trim(s, later, 1), 0);
  expect_idem(s, "u", "z", "rz");
  fh_store_close(s);
  rm_rf(t.root);
}

/* ------------------------------------------------ backup, stats, errors */

FH_TEST(backup_holds_same_data) {
  tdir t;
  char copy[160];
  got a, c;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  put_str(s, FH_T_LINES, "L1", "one");
  put_str(s, FH_T_ANDONS, "A1", "andon");
  put_idem(s, "alice", "k", (int64_t)time(NULL) * 1000, "res");
  add_events(s, 3, 500, 1);
  snprintf(copy, sizeof copy, "%s/missing", t.root);
  ASSERT_EQ(fh_store_backup(s, copy), -ENOENT);
  ASSERT_EQ(fh_store_backup(s, t.store), -ENOTEMPTY);
  snprintf(copy, sizeof copy, "%s/copy", t.root);
  ASSERT_EQ(mkdir(copy, 0700), 0);
  ASSERT_EQ(fh_store_backup(s, copy), 0);
  fh_store_close(s);

  s = open_dir(t.store, 1);
  fh_store *b = open_dir(copy, 1);
  for (int tb = 0; tb < FH_T__COUNT; tb++) {
    memset(&a, 0, sizeof a);
    memset(&c, 0, sizeof c);
    ASSERT_EQ(fh_store_scan(s, (fh_table)tb, NULL, 0, collect, &a), 0);
    ASSERT_EQ(fh_store_scan(b, (fh_table)tb, NULL, 0, collect, &c), 0);
    ASSERT_STR_EQ(a.keys, c.keys);
    ASSERT_EQ(a.calls, c.calls);
  }
  expect(b, FH_T_LINES, "L1", "one");
  expect(b, FH_T_ANDONS, "A1", "andon");
  expect_idem(b, "alice", "k", "res");
  ASSERT_UINT_EQ(fh_store_last_lsn(b), 3);
  evlog l = read_events(b, 0, 0);
  ASSERT_EQ(l.n, 3);
  ASSERT_STR_EQ(l.data[2], "ev502");
  fh_store_close(b);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(stats_counts) {
  tdir t;
  fh_store_opts o;
  fh_store *s;
  tdir_make(&t);
  fh_store_opts_init(&o);
  o.dir = t.store;
  o.map_size = 1 << 20;
  o.map_size_max = 4 << 20;
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), 0);
  put_str(s, FH_T_LINES, "L1", "a");
  put_str(s, FH_T_LINES, "L2", "b");
  put_str(s, FH_T_ANDONS, "A1", "c");
  put_str(s, FH_T_META, "digest", "d");
  put_idem(s, "u", "k", 1, "r");
  add_events(s, 4, 1, 1);
  fh_store_stats st = stats(s);
  ASSERT_UINT_EQ(st.entries[FH_T_LINES], 2);
  ASSERT_UINT_EQ(st.entries[FH_T_ANDONS], 1);
  ASSERT_UINT_EQ(st.entries[FH_T_EQUIPMENT], 0);
  ASSERT_UINT_EQ(st.entries[FH_T_META], 4); /* 3 of the store's own */
  ASSERT_UINT_EQ(st.events, 4);
  ASSERT_UINT_EQ(st.idem_keys, 1);
  ASSERT_UINT_EQ(st.commits, 6);
  ASSERT_UINT_EQ(st.grows, 0);
  ASSERT_UINT_EQ(st.map_size, 1 << 20);
  ASSERT_UINT_EQ(st.map_size_max, 4 << 20);
  ASSERT_GT(st.used_bytes, 0);
  ASSERT_LE(st.used_bytes, st.map_size);
  ASSERT_UINT_EQ(st.stale_readers, 0);
  ASSERT_STR_EQ(fh_store_strerror(-ENOSPC),
                "store full: the map size cap is reached");
  ASSERT(strlen(fh_store_strerror(-EPROTO)) > 0);
  ASSERT(strlen(fh_store_strerror(-ETIMEDOUT)) > 0);
  fh_store_close(s);
  rm_rf(t.root);
}

/* A store with a 256 KiB map that may grow to 1 MiB. */
static fh_store *open_small(const char *dir) {
  fh_store_opts o;
  fh_store *s;
  fh_store_opts_init(&o);
  o.dir = dir;
  o.map_size = 256 * KIB;
  o.map_size_max = 1024 * KIB;
  ASSERT_EQ(fh_store_open(&s, &o, NULL, 0), 0);
  return s;
}

/* Queues one put of `len` bytes under "big<i>". */
static void queue_big(fh_batch *b, int i, size_t len) {
  static char val[64 * KIB];
  char key[16];
  memset(val, 'a' + i % 26, sizeof val);
  snprintf(key, sizeof key, "big%03d", i);
  ASSERT_EQ(fh_batch_put(b, FH_T_ANDONS, key, strlen(key), val, len), 0);
}

FH_TEST(failed_commit_leaves_nothing) {
  tdir t;
  uint64_t first = 99;
  tdir_make(&t);
  fh_store *s = open_small(t.store);
  fh_batch *b = fh_batch_new();
  /* 1.25 MiB in one batch can never fit under a 1 MiB cap. */
  for (int i = 0; i < 20; i++) queue_big(b, i, 64 * KIB);
  ASSERT_EQ(fh_batch_event(b, 1, "alice", "andon.raise", "x", 1), 0);
  ASSERT_EQ(fh_batch_idem(b, "alice", "k", 1, 1, "r", 1), 0);
  ASSERT_EQ(fh_store_commit(s, b, &first), -ENOSPC);
  ASSERT_UINT_EQ(first, 0);
  ASSERT_EQ(fh_batch_count(b), 22);
  expect(s, FH_T_ANDONS, "big000", NULL);
  expect(s, FH_T_ANDONS, "big019", NULL);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 0);
  ASSERT_EQ(read_events(s, 0, 0).n, 0);
  fh_store_stats st = stats(s);
  ASSERT_UINT_EQ(st.idem_keys, 0);
  ASSERT_UINT_EQ(st.entries[FH_T_ANDONS], 0);
  ASSERT_UINT_EQ(st.commits, 0);
  ASSERT_UINT_EQ(st.map_size, 1024 * KIB);
  /* The store is still usable and the LSNs did not move. */
  fh_batch_clear(b);
  ASSERT_EQ(fh_batch_event(b, 1, "alice", "andon.raise", "x", 1), 0);
  ASSERT_EQ(fh_store_commit(s, b, &first), 0);
  ASSERT_UINT_EQ(first, 1);
  fh_batch_free(b);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST(map_full_grows_to_cap) {
  tdir t;
  int n = 0, rc = 0;
  size_t last_map = 256 * KIB;
  tdir_make(&t);
  fh_store *s = open_small(t.store);
  fh_batch *b = fh_batch_new();
  /* Batches of 3 x 16 KiB until the cap refuses one. */
  while (n < 100) {
    fh_batch_clear(b);
    for (int i = 0; i < 3; i++) queue_big(b, n + i, 16 * KIB);
    ASSERT_EQ(fh_batch_event(b, n, "gw", "eq.count", "x", 1), 0);
    rc = fh_store_commit(s, b, NULL);
    if (rc != 0) break;
    n += 3;
    size_t map = stats(s).map_size;
    ASSERT(map == last_map || map == 2 * last_map);
    last_map = map;
  }
  ASSERT_EQ(rc, -ENOSPC);
  fh_store_stats st = stats(s);
  ASSERT_UINT_EQ(st.grows, 2);
  ASSERT_UINT_EQ(st.map_size, 1024 * KIB);
  ASSERT_UINT_EQ(st.entries[FH_T_ANDONS], (uint64_t)n);
  ASSERT_UINT_EQ(st.events, (uint64_t)n / 3);
  ASSERT_GT(n, 30); /* about 1 MiB went in */
  /* Nothing of the refused batch; older data still readable. */
  char key[16];
  snprintf(key, sizeof key, "big%03d", n);
  ASSERT_EQ(fh_store_get(s, FH_T_ANDONS, key, strlen(key), stop_with_7, &rc),
            -ENOENT);
  ASSERT_EQ(fh_store_get(s, FH_T_ANDONS, "big000", 6, stop_with_7, &rc), 7);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), (uint64_t)n / 3);
  /* A small write still fits. */
  put_str(s, FH_T_LINES, "L1", "small");
  expect(s, FH_T_LINES, "L1", "small");
  /* Deleting data frees pages: the same batch fits again. */
  fh_batch *d = fh_batch_new();
  for (int i = 0; i < n / 2; i++) {
    snprintf(key, sizeof key, "big%03d", i);
    ASSERT_EQ(fh_batch_del(d, FH_T_ANDONS, key, strlen(key)), 0);
  }
  ASSERT_EQ(fh_store_commit(s, d, NULL), 0);
  ASSERT_EQ(fh_store_commit(s, b, NULL), 0);
  snprintf(key, sizeof key, "big%03d", n);
  ASSERT_EQ(fh_store_get(s, FH_T_ANDONS, key, strlen(key), stop_with_7, &rc),
            7);
  fh_batch_free(d);
  fh_batch_free(b);
  fh_store_close(s);
  rm_rf(t.root);
}

/* ------------------------------------------------ other processes */

/* Child: opens the environment with raw LMDB, optionally begins a read
 * transaction, reports on `fd` and waits to be killed. */
static void child_hold_env(const char *dir, int reader, int fd) {
  MDB_env *env;
  MDB_txn *txn;
  if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 16) != 0 ||
      mdb_env_open(env, dir, MDB_NOTLS | MDB_RDONLY, 0600) != 0)
    _exit(1);
  if (reader && mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0) _exit(1);
  if (write(fd, "r", 1) != 1) _exit(1);
  for (;;) pause();
}

static pid_t spawn_holder(const char *dir, int reader) {
  int p[2];
  char c;
  ASSERT_EQ(pipe(p), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(p[0]);
    child_hold_env(dir, reader, p[1]);
  }
  close(p[1]);
  ASSERT_EQ(read(p[0], &c, 1), 1);
  close(p[0]);
  return pid;
}

static void kill_wait(pid_t pid) {
  int status;
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

FH_TEST(stale_reader_cleared_at_open) {
  tdir t;
  tdir_make(&t);
  fh_store *s = open_dir(t.store, 0);
  put_str(s, FH_T_LINES, "L1", "one");
  fh_store_close(s);
  /* A live process keeps the lock file in use (otherwise the next open
   * resets the reader table); a reader in another one dies by kill -9. */
  pid_t holder = spawn_holder(t.store, 0);
  pid_t reader = spawn_holder(t.store, 1);
  kill_wait(reader);
  s = open_dir(t.store, 0);
  ASSERT_UINT_EQ(stats(s).stale_readers, 1);
  expect(s, FH_T_LINES, "L1", "one");
  put_str(s, FH_T_LINES, "L2", "two");
  fh_store_close(s);
  kill_wait(holder);
  rm_rf(t.root);
}

FH_TEST(map_grown_by_other_process) {
  tdir t;
  int go[2], status;
  char c = 'g';
  tdir_make(&t);
  fh_store_close(open_small(t.store));
  ASSERT_EQ(pipe(go), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) { /* waits until the parent has the store open */
    close(go[1]);
    if (read(go[0], &c, 1) != 1) _exit(1);
    fh_store *cs = open_small(t.store);
    fh_batch *b = fh_batch_new();
    for (int i = 0; i < 30; i++) queue_big(b, i, 16 * KIB);
    int ok = fh_store_commit(cs, b, NULL) == 0 && stats(cs).grows > 0;
    fh_batch_free(b); /* freed, so that valgrind's leak check stays quiet */
    fh_store_close(cs);
    _exit(ok ? 0 : 2);
  }
  close(go[0]);
  fh_store *s = open_small(t.store);
  ASSERT_UINT_EQ(stats(s).map_size, 256 * KIB);
  ASSERT_EQ(write(go[1], &c, 1), 1);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* The child's data lies beyond our map: reads and writes adopt it. */
  static got g;
  ASSERT_EQ(fh_store_get(s, FH_T_ANDONS, "big029", 6, collect, &g), 0);
  ASSERT_EQ(g.vlen, 16 * KIB);
  ASSERT_EQ(g.val[0], 'a' + 29 % 26);
  put_str(s, FH_T_LINES, "L1", "after");
  expect(s, FH_T_LINES, "L1", "after");
  fh_store_stats st = stats(s);
  ASSERT_UINT_EQ(st.entries[FH_T_ANDONS], 30);
  ASSERT_GT(st.map_size, 256 * KIB);
  fh_store_close(s);
  rm_rf(t.root);
}

/* floorctl beside the hub: a second process writes with `attach` while
 * the first holds the store open; the epoch stays, and LSNs go on from
 * whatever either process logged last (no MDB_APPEND clash). */
FH_TEST(attached_writer_beside_another) {
  tdir t;
  int go[2], status;
  char c = 'g';
  tdir_make(&t);
  ASSERT_EQ(pipe(go), 0);
  pid_t pid = fork(); /* before the parent opens: no handle crosses it */
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    fh_store_opts o;
    fh_store *cs = NULL;
    fh_batch *b = fh_batch_new();
    uint64_t first = 0;
    close(go[1]);
    if (read(go[0], &c, 1) != 1) _exit(1);
    fh_store_opts_init(&o);
    o.dir = t.store;
    o.attach = 1;
    int ok = fh_store_open(&cs, &o, NULL, 0) == 0 &&
             fh_store_epoch(cs) == 1 &&
             fh_batch_event_via(b, 300, "ana", "kiosk-L1", "login", "x", 1) == 0 &&
             fh_batch_put(b, FH_T_USERS, "ana", 3, "u", 1) == 0 &&
             fh_store_commit(cs, b, &first) == 0 && first == 3;
    fh_batch_free(b);
    fh_store_close(cs);
    _exit(ok ? 0 : 2);
  }
  close(go[0]);
  fh_store *s = open_dir(t.store, 0);
  ASSERT_UINT_EQ(add_events(s, 2, 100, 1), 1);
  ASSERT_EQ(write(go[1], &c, 1), 1);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_UINT_EQ(add_events(s, 1, 400, 1), 4); /* after the other's LSN 3 */
  expect(s, FH_T_USERS, "ana", "u");
  evlog l = read_events(s, 0, 0);
  ASSERT_EQ(l.n, 4);
  for (int i = 0; i < l.n; i++) ASSERT_UINT_EQ(l.lsn[i], (uint64_t)i + 1);
  ASSERT_STR_EQ(l.via[2], "kiosk-L1");
  ASSERT_STR_EQ(l.via[3], "");
  ASSERT_EQ(l.ts[2], 300);
  ASSERT_UINT_EQ(fh_store_last_lsn(s), 4);
  fh_store_close(s);
  s = open_dir(t.store, 0); /* the attached open did not count */
  ASSERT_UINT_EQ(fh_store_epoch(s), 2);
  fh_store_close(s);
  rm_rf(t.root);
}

FH_TEST_MAIN(FH_TEST_ENTRY(opts_defaults),
             FH_TEST_ENTRY(open_creates_dir_0700),
             FH_TEST_ENTRY(reopen_keeps_data),
             FH_TEST_ENTRY(schema_newer_fails_eproto),
             FH_TEST_ENTRY(schema_1_gets_the_outbox),
             FH_TEST_ENTRY(epoch_increments), FH_TEST_ENTRY(read_only_open),
             FH_TEST_ENTRY(put_get_del_scan_prefix),
             FH_TEST_ENTRY(event_lsns_consecutive),
             FH_TEST_ENTRY(events_since_lsn),
             FH_TEST_ENTRY(log_retention_trim),
             FH_TEST_ENTRY(idem_put_get_scopes),
             FH_TEST_ENTRY(idem_expiry_by_trim),
             FH_TEST_ENTRY(trim_bounded_by_max_deletes),
             FH_TEST_ENTRY(trim_oldest_first),
             FH_TEST_ENTRY(backup_holds_same_data),
             FH_TEST_ENTRY(stats_counts),
             FH_TEST_ENTRY(failed_commit_leaves_nothing),
             FH_TEST_ENTRY(map_full_grows_to_cap),
             FH_TEST_ENTRY(stale_reader_cleared_at_open),
             FH_TEST_ENTRY(map_grown_by_other_process),
             FH_TEST_ENTRY(attached_writer_beside_another))
