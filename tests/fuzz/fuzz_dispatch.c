/* fuzz_dispatch.c -- libFuzzer target for the hub's request handler.
 *
 * Design: the hub without its network (hub_state_open: store, model,
 * topics, clocks) is set up once, with the sample plant, an HS256 key and a
 * store in a fresh temporary directory (under /dev/shm when it exists, so
 * that the fsync of every commit costs nothing).  The key file and the
 * store's files and directory are removed as soon as they are open (LMDB
 * works on its open descriptors): a run that crashes leaves nothing behind.  The sessions have no connection (session_open with a NULL wsi);
 * one per role is authenticated with session_authenticate() and an identity
 * filled here, one more is a maintenance user restricted to line L2 and the
 * last never authenticates.
 *
 * Per input the first byte picks the session and the rest is one WebSocket
 * message for session_handle_message(): the real handler (framing,
 * decoding, dispatch, the role table, writes, idempotency keys).  Then
 * commit_flush() commits what it queued and answers the writers, and one
 * non-blocking turn of the loop runs the escalation and shift timers.
 * Replies pile up in the sessions' queues; a session that holds many, or
 * that the hub closed (4001 after a rejected hello, 4008 after its queue
 * overflowed), is recycled: session_closed() and opened again.  Open andons
 * accumulate in the model and make every snapshot larger, so the whole hub
 * is rebuilt on a fresh store every RESET_EVERY inputs.
 *
 * The clock is the fuzzer's own (hub_now_ms and hub_mono_ms live in the
 * daemon's main.c, which is not linked): it starts at a fixed time inside
 * a shift and moves TICK_MS per input, so time-dependent paths do not
 * depend on when the fuzzer runs, and escalation deadlines (minutes) pass
 * within a run.
 *
 * Seeds: tests/fuzz/corpus/dispatch (tests/reliability/gen_dispatch_corpus.py
 * writes them; the first byte of a seed names its session as below).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hub.h"
#include "log.h"
#include "session.h"

#ifndef FH_SAMPLE_PLANT
#error "FH_SAMPLE_PLANT must name the sample plant file"
#endif

/* The HS256 key of the fuzzer's hub; the seeds' tokens are signed with it.
 * A test-only value, like the one of tests/e2e/fhtest.py. */
#define FUZZ_KEY "fuzz-dispatch-key-0123456789abcdef0123456789"
#define QUEUED_MAX 256      /* recycle a session holding more replies */
#define RESET_EVERY 20000   /* rebuild the hub after this many inputs */
#define CLOCK_START_MS 1736143200000LL /* Mon 2025-01-06 07:00 in Berlin */
#define TICK_MS 250         /* the clock moves this much per input */
#define NSESSIONS (ROLE__COUNT + 2)
#define RESTRICTED (ROLE__COUNT)      /* maintenance, lines ["L2"] */
#define UNAUTHENTICATED (ROLE__COUNT + 1)

static char store_dir[256];             /* the current store's directory */
static hub_config cfg;                  /* the hub's settings */
static hub h;                           /* the hub without network */
static uv_loop_t loop;                  /* its loop, never blocking */
static session sessions[NSESSIONS];     /* see NSESSIONS */
static unsigned long inputs;            /* inputs since the last reset */
static int64_t clock_ms = CLOCK_START_MS; /* what hub_now_ms() answers */

int64_t hub_now_ms(void) { return clock_ms; }
uint64_t hub_mono_ms(void) { return (uint64_t)(clock_ms - CLOCK_START_MS); }

static void die(const char *what, const char *why) {
  fprintf(stderr, "fuzz_dispatch: %s: %s\n", what, why);
  abort();
}

/* Unlinks every file of dir, then dir (LMDB keeps its open files). */
static void remove_dir(const char *dir) {
  char path[512];
  struct dirent *e;
  DIR *d = opendir(dir);
  if (d == NULL) return;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

/* A new temporary directory (on tmpfs when there is one) in path. */
static void make_temp_dir(char *path, size_t cap) {
  const char *root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
  snprintf(path, cap, "%s/fuzz-dispatch-XXXXXX", root ? root : "/tmp");
  if (mkdtemp(path) == NULL) die("mkdtemp", strerror(errno));
}

/* Loads the HS256 key through a key file that exists only meanwhile. */
static void load_key(void) {
  char dir[256], path[320], err[256];
  FILE *fp;

  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/jwt.key", dir);
  fp = fopen(path, "w");
  if (fp == NULL || fputs(FUZZ_KEY "\n", fp) < 0 || fclose(fp) != 0)
    die(path, strerror(errno));
  if (auth_config_load(&h.auth, "HS256", path, NULL, NULL, err, sizeof err) != 0)
    die("auth_config_load", err);
  remove_dir(dir);
}

static void fill_identity(auth_identity *who, size_t i) {
  memset(who, 0, sizeof *who);
  who->role = i == RESTRICTED ? ROLE_MAINTENANCE : (role_id)i;
  snprintf(who->sub, sizeof who->sub, "fz-%s%s", roles_name(who->role),
           i == RESTRICTED ? "-l2" : "");
  if (i == RESTRICTED) {
    who->nlines = 1;
    snprintf(who->lines[0], sizeof who->lines[0], "L2");
  }
  who->exp_ms = hub_now_ms() + 365LL * 24 * 3600 * 1000;
}

static void open_session(size_t i) {
  auth_identity who;
  session *s = session_open(&h, NULL, &sessions[i]);
  if (i == UNAUTHENTICATED) return;
  fill_identity(&who, i);
  if (session_authenticate(s, &who, 0, 0) != 0) die("session_authenticate", "failed");
}

/* Opens the hub on a new store; the plant and key stay loaded. */
static void hub_up(void) {
  char err[512] = "";
  plant *p = h.plant;
  auth_config auth = h.auth;

  memset(&h, 0, sizeof h);
  h.cfg = &cfg;
  h.loop = &loop;
  h.plant = p;
  h.auth = auth;
  make_temp_dir(store_dir, sizeof store_dir);
  snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", store_dir);
  if (hub_state_open(&h, err, sizeof err) != 0) die("hub_state_open", err);
  remove_dir(store_dir);
  for (size_t i = 0; i < NSESSIONS; i++) open_session(i);
  inputs = 0;
}

static void hub_down(void) {
  for (size_t i = 0; i < NSESSIONS; i++) session_closed(&sessions[i]);
  hub_state_close_handles(&h);
  uv_run(&loop, UV_RUN_DEFAULT);
  hub_state_free(&h);
}

static void cleanup(void) {
  hub_down();
  uv_loop_close(&loop);
  auth_config_free(&h.auth);
  plant_free(h.plant);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[512] = "";
  (void)argc;
  (void)argv;
  log_set_level(LOG_LVL_ERROR);
  config_defaults(&cfg);
  cfg.rate_per_s = 1000000000u; /* the rate limit would refuse most inputs */
  cfg.rate_burst = 1000000000u;
  cfg.queue_max_bytes = 256u << 10;
  cfg.map_size_max = 1ull << 30;
  if (plant_load(FH_SAMPLE_PLANT, &h.plant, err, sizeof err) != 0)
    die("plant_load", err);
  setenv("TZ", h.plant->timezone, 1);
  tzset();
  load_key();
  uv_loop_init(&loop);
  hub_up();
  atexit(cleanup);
  return 0;
}

/* Recycles sessions that were closed or hold many replies. */
static void recycle(void) {
  for (size_t i = 0; i < NSESSIONS; i++) {
    session *s = &sessions[i];
    if (s->close_code == 0 && s->qcount <= QUEUED_MAX) continue;
    session_closed(s);
    open_session(i);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  if (++inputs > RESET_EVERY) {
    hub_down();
    hub_up();
  }
  clock_ms += TICK_MS;
  session_handle_message(&sessions[data[0] % NSESSIONS], data + 1, size - 1);
  commit_flush(&h);
  uv_run(&loop, UV_RUN_NOWAIT);
  recycle();
  return 0;
}
