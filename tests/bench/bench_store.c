/* bench_store.c -- load benchmark of fh_storage (built, not in ctest).
 *
 *   bench_store [DIR] [--keep]
 *
 * 1. Fills a fresh store (DIR, or a mkdtemp directory under /tmp) with
 *    1,000,000 events in batches of 10,000, then 3 lines, 18 equipment and
 *    10,000 andons.
 * 2. Closes it and times what the hub does at start: open, then scan every
 *    state table into memory (lines, equipment, andons, shifts, meta).  The
 *    log is not read (the hub never replays it); the target is < 1 s.
 *    Note: the files are in the page cache at that point (a warm start).
 * 3. Measures commit throughput (each commit fsync'ed) for batches of 1, 16
 *    and 256 andon puts.
 * The store is removed at the end unless --keep is given.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fh_storage.h"

#define EVENTS 1000000
#define EVENT_BATCH 10000
#define ANDONS 10000

#define DIE(...)                                                             \
  do {                                                                       \
    fprintf(stderr, "bench_store: " __VA_ARGS__);                            \
    fputc('\n', stderr);                                                     \
    exit(1);                                                                 \
  } while (0)

/* The state loaded at start: every record copied out of the store. */
typedef struct loaded {
  size_t records; /* records copied */
  size_t bytes;   /* their value bytes */
  void **vals;    /* the copies */
  size_t cap;     /* capacity of vals */
} loaded;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static fh_store *open_store(const char *dir) {
  fh_store_opts o;
  fh_store *s;
  char err[256] = "";
  fh_store_opts_init(&o);
  o.dir = dir;
  if (fh_store_open(&s, &o, err, sizeof err) != 0) DIE("open: %s", err);
  return s;
}

static void commit(fh_store *s, fh_batch *b) {
  int rc = fh_store_commit(s, b, NULL);
  if (rc != 0) DIE("commit: %s", fh_store_strerror(rc));
  fh_batch_clear(b);
}

static void put_record(fh_batch *b, fh_table t, const void *key, size_t klen,
                       size_t vlen) {
  static unsigned char val[512];
  memset(val, 0x5a, vlen);
  if (fh_batch_put(b, t, key, klen, val, vlen) != 0) DIE("batch put");
}

static void andon_key(unsigned char key[8], uint64_t id) {
  for (int i = 7; i >= 0; i--, id >>= 8) key[i] = (unsigned char)id;
}

static void fill_events(fh_store *s, fh_batch *b) {
  static const unsigned char data[48] = {0x85};
  double t0 = now_s();
  for (int i = 0; i < EVENTS; i++) {
    if (fh_batch_event(b, 1700000000000LL + i, "gateway-1", "eq.count", data,
                       sizeof data) != 0)
      DIE("batch event");
    if ((i + 1) % EVENT_BATCH == 0) commit(s, b);
  }
  double dt = now_s() - t0;
  printf("fill:   %d events in batches of %d: %.2f s (%.0f events/s)\n",
         EVENTS, EVENT_BATCH, dt, EVENTS / dt);
}

static void fill_state(fh_store *s, fh_batch *b) {
  char key[32];
  unsigned char akey[8];
  for (int l = 0; l < 3; l++) {
    snprintf(key, sizeof key, "L%d", l + 1);
    put_record(b, FH_T_LINES, key, strlen(key), 120);
  }
  for (int e = 0; e < 18; e++) {
    snprintf(key, sizeof key, "L%d-EQ%02d", e / 6 + 1, e % 6 + 1);
    put_record(b, FH_T_EQUIPMENT, key, strlen(key), 160);
  }
  for (int a = 1; a <= ANDONS; a++) {
    andon_key(akey, (uint64_t)a);
    put_record(b, FH_T_ANDONS, akey, sizeof akey, 260);
    if (a % 1000 == 0) commit(s, b);
  }
  commit(s, b);
}

static int copy_out(void *arg, const void *key, size_t klen, const void *val,
                    size_t vlen) {
  loaded *l = arg;
  (void)key, (void)klen;
  if (l->records == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 1024;
    l->vals = realloc(l->vals, l->cap * sizeof *l->vals);
    if (l->vals == NULL) DIE("out of memory");
  }
  void *copy = malloc(vlen ? vlen : 1);
  if (copy == NULL) DIE("out of memory");
  memcpy(copy, val, vlen);
  l->vals[l->records++] = copy;
  l->bytes += vlen;
  return 0;
}

/* Close, reopen, load every state table; returns the reopened store. */
static fh_store *timed_start(fh_store *s, const char *dir) {
  static const fh_table tables[] = {FH_T_LINES, FH_T_EQUIPMENT, FH_T_ANDONS,
                                    FH_T_SHIFTS, FH_T_META};
  loaded l = {0};
  double t0 = now_s();
  fh_store_close(s);
  double t1 = now_s();
  s = open_store(dir);
  double t2 = now_s();
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    if (fh_store_scan(s, tables[i], NULL, 0, copy_out, &l) != 0) DIE("scan");
  double t3 = now_s();
  printf("start:  close %.1f ms, open %.1f ms, load %zu records (%zu bytes) "
         "%.1f ms; total %.1f ms (last LSN %llu) -> %s\n",
         (t1 - t0) * 1e3, (t2 - t1) * 1e3, l.records, l.bytes,
         (t3 - t2) * 1e3, (t3 - t0) * 1e3,
         (unsigned long long)fh_store_last_lsn(s),
         t3 - t0 < 1.0 ? "under 1 s" : "OVER 1 s");
  for (size_t i = 0; i < l.records; i++) free(l.vals[i]);
  free(l.vals);
  return s;
}

/* Commits batches of `ops` andon puts for about a second. */
static void throughput(fh_store *s, fh_batch *b, int ops) {
  unsigned char key[8];
  long commits = 0;
  double t0 = now_s(), dt;
  do {
    for (int i = 0; i < ops; i++) {
      andon_key(key, (uint64_t)(rand() % ANDONS + 1));
      put_record(b, FH_T_ANDONS, key, sizeof key, 260);
    }
    commit(s, b);
    commits++;
    dt = now_s() - t0;
  } while (dt < 1.0 || commits < 10);
  printf("commit: batches of %3d: %7.0f commits/s, %8.0f ops/s, %.2f ms per "
         "commit\n",
         ops, commits / dt, commits * ops / dt, dt * 1e3 / commits);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

int main(int argc, char **argv) {
  char tmp[] = "/tmp/fh_bench_XXXXXX", dir[256];
  const char *base = NULL;
  int keep = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--keep") == 0) keep = 1;
    else base = argv[i];
  }
  if (base == NULL && (base = mkdtemp(tmp)) == NULL)
    DIE("mkdtemp: %s", strerror(errno));
  snprintf(dir, sizeof dir, "%s/store", base);
  fh_store *s = open_store(dir);
  fh_batch *b = fh_batch_new();
  if (b == NULL) DIE("out of memory");
  fill_events(s, b);
  fill_state(s, b);
  s = timed_start(s, dir);
  for (int ops = 1; ops <= 256; ops *= 16) throughput(s, b, ops);
  fh_store_stats st;
  if (fh_store_stats_get(s, &st) != 0) DIE("stats");
  printf("stats:  map %zu MiB (cap %zu MiB), used %zu MiB, %llu events, "
         "%llu andons, %llu map growths since open\n",
         st.map_size >> 20, st.map_size_max >> 20, st.used_bytes >> 20,
         (unsigned long long)st.events,
         (unsigned long long)st.entries[FH_T_ANDONS],
         (unsigned long long)st.grows);
  fh_batch_free(b);
  fh_store_close(s);
  if (keep) printf("store kept in %s\n", dir);
  else nftw(base == tmp ? tmp : dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return 0;
}
