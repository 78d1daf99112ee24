/* harness.c -- the hub's core in one process (see harness.h). */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commit.h"

static void die(const char *what, const char *why) {
  fprintf(stderr, "core harness: %s: %s\n", what, why);
  abort();
}

static int64_t harness_now(void *arg) {
  return ((core_harness *)arg)->clock_ms;
}

static uint64_t harness_mono(void *arg) {
  return (uint64_t)(((core_harness *)arg)->clock_ms -
                    CORE_HARNESS_CLOCK_START_MS);
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

/* A new temporary folder (on tmpfs when there is one) in path. */
static void make_temp_dir(char *path, size_t cap) {
  const char *root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
  snprintf(path, cap, "%s/fh-core-XXXXXX", root ? root : "/tmp");
  if (mkdtemp(path) == NULL) die("mkdtemp", strerror(errno));
}

/* Loads the HS256 key through a key file that exists only meanwhile. */
static void load_key(core_harness *t) {
  char dir[256], path[320], err[256];
  FILE *fp;

  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/jwt.key", dir);
  fp = fopen(path, "w");
  if (fp == NULL || fputs(CORE_HARNESS_KEY "\n", fp) < 0 || fclose(fp) != 0)
    die(path, strerror(errno));
  if (auth_config_load(&t->h.auth, "HS256", path, NULL, NULL, err, sizeof err) != 0)
    die("auth_config_load", err);
  remove_dir(dir);
}

void core_harness_init(core_harness *t, const char *plant_file) {
  char err[512] = "";

  memset(t, 0, sizeof *t);
  config_defaults(&t->cfg);
  t->clock_ms = CORE_HARNESS_CLOCK_START_MS;
  if (plant_load(plant_file, &t->h.plant, err, sizeof err) != 0)
    die("plant_load", err);
  setenv("TZ", t->h.plant->timezone, 1);
  tzset();
  load_key(t);
  uv_loop_init(&t->loop);
}

void core_harness_up(core_harness *t) {
  char err[512] = "";
  plant *p = t->h.plant;
  auth_config auth = t->h.auth;

  memset(&t->h, 0, sizeof t->h);
  t->h.cfg = &t->cfg;
  t->h.loop = &t->loop;
  t->h.plant = p;
  t->h.auth = auth;
  t->h.clock = (hub_clock){harness_now, harness_mono, t};
  make_temp_dir(t->store_dir, sizeof t->store_dir);
  snprintf(t->cfg.data_dir, sizeof t->cfg.data_dir, "%s", t->store_dir);
  if (hub_state_open(&t->h, err, sizeof err) != 0) die("hub_state_open", err);
  remove_dir(t->store_dir);
}

void core_harness_down(core_harness *t) {
  hub_state_close_handles(&t->h);
  uv_run(&t->loop, UV_RUN_DEFAULT);
  hub_state_free(&t->h);
}

void core_harness_fini(core_harness *t) {
  core_harness_down(t);
  uv_loop_close(&t->loop);
  auth_config_free(&t->h.auth);
  plant_free(t->h.plant);
}

void core_harness_identity(core_harness *t, fh_identity *who, fh_role role,
                           const char *sub, const char *line) {
  memset(who, 0, sizeof *who);
  who->role = role;
  snprintf(who->sub, sizeof who->sub, "%s", sub);
  if (line != NULL) {
    who->nlines = 1;
    snprintf(who->lines[0], sizeof who->lines[0], "%s", line);
  }
  who->exp_ms = t->clock_ms + 365LL * 24 * 3600 * 1000;
}

session *core_harness_session(core_harness *t, session *mem,
                              const fh_identity *who) {
  session *s = session_open(&t->h, NULL, mem);
  if (who != NULL && session_authenticate(s, who, 0, 0) != 0)
    die("session_authenticate", "failed");
  return s;
}

void core_harness_settle(core_harness *t) {
  commit_flush(&t->h);
  uv_run(&t->loop, UV_RUN_NOWAIT);
}

/* 1 (and printed) when the queued message m is an err. */
static int is_err(msg *m) {
  const uint8_t *map;
  size_t off = 0, map_len;
  fh_decode_err derr;
  fh_event ev;
  if (fh_frame_next(msg_payload(m), m->len, &off, &map, &map_len, &derr) != 1 ||
      fh_event_decode(map, map_len, &ev) != 0 || ev.type != FH_MSG_ERR)
    return 0;
  fprintf(stderr, "err %s: %.*s\n", fh_err_code_name(ev.code), (int)ev.msg.n, ev.msg.p);
  return 1;
}

size_t core_harness_drain(session *s) {
  size_t errs = 0;
  while (s->qcount > 0) {
    errs += (size_t)is_err(s->q[s->qhead].m);
    msg_unref(s->q[s->qhead].m);
    s->qhead = (s->qhead + 1) % s->qcap;
    s->qcount--;
  }
  s->qbytes = 0;
  return errs;
}
