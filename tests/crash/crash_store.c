/* crash_store.c -- kill -9 a writing process, then check the store.
 *
 *   crash_store PATH_TO_crash_writer      (ctest: label crash)
 *
 * Each round forks and execs crash_writer on one store (so the child's
 * LMDB environment is its own, never one used across fork), reads the keys
 * it reports as committed, and kills it with SIGKILL after a random 5..200
 * ms.  Then it opens the store as a restarting hub would and checks:
 *   - every key ever reported (this round and all earlier ones) is present
 *     with its value, and no key was reported twice;
 *   - the events are LSN 1..last_lsn with no gap or duplicate, each event's
 *     data is a distinct key present in the andons table, and there are as
 *     many events as keys (each batch's puts and events are atomic);
 *   - the epoch rose.
 * FH_CRASH_ROUNDS overrides the 20 rounds, FH_CRASH_SEED the random seed.
 */
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash_common.h"
#include "fh_storage.h"

typedef char crash_key[CRASH_KEY_LEN + 1];

/* A growing array of keys. */
typedef struct keyset {
  crash_key *k; /* the keys, NUL-terminated */
  size_t n;     /* keys held */
  size_t cap;   /* capacity of k */
} keyset;

/* What the event scan found. */
typedef struct evscan {
  uint64_t prev_lsn; /* LSN of the previous event, 0 before the first */
  int gaps;          /* events whose LSN was not prev + 1 */
  keyset data;       /* the events' data (keys) */
} evscan;

#define FAIL(...)                                                            \
  do {                                                                       \
    fprintf(stderr, "crash_store: " __VA_ARGS__);                            \
    fputc('\n', stderr);                                                     \
    exit(1);                                                                 \
  } while (0)

static void keyset_add(keyset *ks, const char *key, size_t len) {
  if (len != CRASH_KEY_LEN) FAIL("bad key of %zu bytes", len);
  if (ks->n == ks->cap) {
    ks->cap = ks->cap ? ks->cap * 2 : 1024;
    ks->k = realloc(ks->k, ks->cap * sizeof *ks->k);
    if (ks->k == NULL) FAIL("out of memory");
  }
  memcpy(ks->k[ks->n], key, len);
  ks->k[ks->n++][len] = '\0';
}

static int key_cmp(const void *a, const void *b) {
  return memcmp(a, b, CRASH_KEY_LEN);
}

/* Fails if keys[from..n) holds a key twice (sorts that range). */
static void check_unique(keyset *ks, size_t from, const char *what) {
  if (ks->n - from < 2) return; /* nothing to compare (ks->k may be NULL) */
  qsort(ks->k + from, ks->n - from, sizeof *ks->k, key_cmp);
  for (size_t i = from + 1; i < ks->n; i++)
    if (key_cmp(ks->k[i - 1], ks->k[i]) == 0)
      FAIL("%s %s appears twice", what, ks->k[i]);
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends what fd has to *buf; returns bytes read (0 at EOF). */
static ssize_t drain(int fd, char **buf, size_t *len, size_t *cap) {
  if (*cap - *len < 4096) {
    *cap = *cap * 2 + 4096;
    *buf = realloc(*buf, *cap);
    if (*buf == NULL) FAIL("out of memory");
  }
  ssize_t n;
  do n = read(fd, *buf + *len, *cap - *len);
  while (n < 0 && errno == EINTR);
  if (n < 0) FAIL("read: %s", strerror(errno));
  *len += (size_t)n;
  return n;
}

static pid_t spawn_writer(const char *writer, const char *dir, int round,
                          unsigned seed, int *fd) {
  char rs[16], ss[16];
  int p[2];
  snprintf(rs, sizeof rs, "%d", round);
  snprintf(ss, sizeof ss, "%u", seed);
  if (pipe(p) != 0) FAIL("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) FAIL("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(p[1], STDOUT_FILENO);
    close(p[0]);
    close(p[1]);
    execl(writer, writer, dir, rs, ss, (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  *fd = p[0];
  return pid;
}

/* Runs one writer for delay_ms, kills it and adds the keys it reported. */
static void run_round(const char *writer, const char *dir, int round,
                      unsigned seed, int delay_ms, keyset *ks) {
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int fd, status, eof = 0;
  pid_t pid = spawn_writer(writer, dir, round, seed, &fd);
  int64_t deadline = mono_ms() + delay_ms;
  for (int64_t left; !eof && (left = deadline - mono_ms()) > 0;) {
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, (int)left) > 0) eof = drain(fd, &buf, &len, &cap) == 0;
  }
  kill(pid, SIGKILL);
  while (!eof) eof = drain(fd, &buf, &len, &cap) == 0;
  close(fd);
  if (waitpid(pid, &status, 0) != pid) FAIL("waitpid: %s", strerror(errno));
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
    FAIL("round %d: writer ended by itself (status %d)", round, status);
  for (size_t at = 0; at < len;) {
    char *nl = memchr(buf + at, '\n', len - at);
    if (nl == NULL) FAIL("round %d: half a line from the writer", round);
    keyset_add(ks, buf + at, (size_t)(nl - (buf + at)));
    at = (size_t)(nl - buf) + 1;
  }
  free(buf);
}

static int collect_event(void *arg, const fh_event_rec *ev) {
  evscan *e = arg;
  if (ev->lsn != e->prev_lsn + 1) e->gaps++;
  e->prev_lsn = ev->lsn;
  keyset_add(&e->data, ev->data, ev->len);
  return 0;
}

static int value_is_key(void *arg, const void *key, size_t klen,
                        const void *val, size_t vlen) {
  (void)arg;
  return klen == vlen && memcmp(key, val, klen) == 0 ? 0 : 1;
}

/* Fails unless andons[key] == key. */
static void check_key(fh_store *s, const char *key, const char *what) {
  int rc = fh_store_get(s, FH_T_ANDONS, key, CRASH_KEY_LEN, value_is_key,
                        NULL);
  if (rc != 0) FAIL("%s %s: %s", what, key, rc > 0 ? "wrong value"
                                                 : fh_store_strerror(rc));
}

/* Opens the store and checks it against every key reported so far;
 * returns the epoch and sets *stored to the number of keys in the store. */
static uint64_t verify(const char *dir, const keyset *ks, uint64_t epoch,
                       uint64_t *stored) {
  fh_store_opts o;
  fh_store_stats st;
  fh_store *s;
  char err[256] = "";
  evscan e = {0};
  fh_store_opts_init(&o);
  o.dir = dir;
  if (fh_store_open(&s, &o, err, sizeof err) != 0) FAIL("open: %s", err);
  if (fh_store_epoch(s) <= epoch) FAIL("epoch did not rise");
  for (size_t i = 0; i < ks->n; i++) check_key(s, ks->k[i], "reported key");
  if (fh_store_events(s, 0, 0, collect_event, &e) != 0) FAIL("events");
  if (e.gaps != 0) FAIL("%d LSN gaps or repeats in the log", e.gaps);
  if (e.prev_lsn != fh_store_last_lsn(s) || e.prev_lsn != e.data.n)
    FAIL("last LSN %llu, %zu events", (unsigned long long)e.prev_lsn,
         e.data.n);
  for (size_t i = 0; i < e.data.n; i++) check_key(s, e.data.k[i], "event");
  check_unique(&e.data, 0, "event of key");
  if (fh_store_stats_get(s, &st) != 0) FAIL("stats");
  if (st.entries[FH_T_ANDONS] != e.data.n)
    FAIL("%llu keys but %zu events",
         (unsigned long long)st.entries[FH_T_ANDONS], e.data.n);
  epoch = fh_store_epoch(s);
  *stored = st.entries[FH_T_ANDONS];
  fh_store_close(s);
  free(e.data.k);
  return epoch;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

int main(int argc, char **argv) {
  char root[] = "/tmp/fh_crash_XXXXXX", dir[64];
  const char *env_rounds = getenv("FH_CRASH_ROUNDS");
  const char *env_seed = getenv("FH_CRASH_SEED");
  int rounds = env_rounds ? atoi(env_rounds) : 20;
  unsigned seed = env_seed ? (unsigned)strtoul(env_seed, NULL, 10)
                           : (unsigned)time(NULL) ^ (unsigned)getpid();
  keyset ks = {0};
  uint64_t epoch = 0, stored = 0;
  if (argc != 2) FAIL("usage: crash_store PATH_TO_crash_writer");
  if (mkdtemp(root) == NULL) FAIL("mkdtemp: %s", strerror(errno));
  snprintf(dir, sizeof dir, "%s/store", root);
  srand(seed);
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("crash_store: %d rounds, seed %u (FH_CRASH_SEED), store %s (kept "
         "on failure)\n", rounds, seed, dir);
  int64_t t0 = mono_ms();
  for (int r = 0; r < rounds; r++) {
    size_t before = ks.n;
    int delay = 5 + rand() % 196;
    run_round(argv[1], dir, r, seed, delay, &ks);
    check_unique(&ks, before, "reported key");
    epoch = verify(dir, &ks, epoch, &stored);
    printf("round %2d: killed after %3d ms, %5zu keys reported\n", r, delay,
           ks.n - before);
  }
  printf("crash_store: %d rounds, %zu keys reported and all present, "
         "%llu stored (the rest committed but killed before reporting), "
         "epoch %llu, %lld ms\n",
         rounds, ks.n, (unsigned long long)stored, (unsigned long long)epoch,
         (long long)(mono_ms() - t0));
  free(ks.k);
  nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return 0;
}
