/* floorctl_store.c -- `floorctl backup` and `floorctl events`.
 *
 * Design: both open the store read-only (no epoch increment, safe next to
 * a running hub: LMDB allows readers beside the writer).  backup is
 * fh_store_backup into an empty directory, removing what it wrote if the
 * copy fails.  events walks the audit log and prints one JSON object per
 * line; the event's msgpack payload is converted to JSON by a generic walk
 * with the bounded fh_mp_cursor readers (every count is checked against the
 * bytes left, nesting is capped), never by trusting a length.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fh_protocol.h"
#include "fh_storage.h"
#include "floorctl.h"

#define JSON_DEPTH_MAX 32 /* nesting of event data we convert */
#define STOP_WRITE 1      /* print_event: stdout failed */
#define STOP_JSON 2       /* print_event: an event is not convertible */

/* Options shared by backup and events. */
typedef struct store_args {
  const char *data;  /* --data: the store directory */
  const char *out;   /* backup: the target directory */
  uint64_t since;    /* events --since: first LSN to print */
} store_args;

static int parse_args(const char *cmd, int argc, char **argv, store_args *a,
                      int want_out) {
  static const struct option opts[] = {
      {"data", required_argument, NULL, 'd'},
      {"since", required_argument, NULL, 's'},
      {NULL, 0, NULL, 0}};
  char *end;
  int ch;

  memset(a, 0, sizeof *a);
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (ch == 'd') {
      a->data = optarg;
    } else if (ch == 's' && !want_out) {
      errno = 0;
      a->since = strtoull(optarg, &end, 10);
      if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || errno != 0)
        return floorctl_usage(cmd, "--since: '%s' is not an LSN", optarg);
    } else {
      return floorctl_bad_option(cmd, argv);
    }
  }
  if (a->data == NULL) return floorctl_usage(cmd, "--data DIR is required");
  if (want_out && optind + 1 == argc) a->out = argv[optind++];
  if (want_out && a->out == NULL)
    return floorctl_usage(cmd, "the target directory OUT is required");
  if (optind != argc)
    return floorctl_usage(cmd, "unexpected argument '%s'", argv[optind]);
  return 0;
}

int floorctl_store_open_ro(const char *cmd, const char *dir, fh_store **s) {
  char why[256] = "";
  fh_store_opts o;
  struct stat st;
  int rc;

  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return floorctl_fail(cmd, "--data: %s is not a directory", dir);
  fh_store_opts_init(&o);
  o.dir = dir;
  o.read_only = 1;
  rc = fh_store_open(s, &o, why, sizeof why);
  if (rc != 0)
    return floorctl_fail(cmd, "--data: cannot open the store in %s: %s", dir,
                         why[0] ? why : fh_store_strerror(rc));
  return 0;
}

/* Makes sure dir exists and is empty; *created says whether we made it. */
static int prepare_out(const char *dir, int *created) {
  struct dirent *de;
  DIR *d;

  *created = 0;
  if (mkdir(dir, 0700) == 0) {
    *created = 1;
    return 0;
  }
  if (errno != EEXIST)
    return floorctl_fail("backup", "cannot create %s: %s", dir,
                         strerror(errno));
  if ((d = opendir(dir)) == NULL)
    return floorctl_fail("backup", "%s: %s", dir, strerror(errno));
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    closedir(d);
    return floorctl_fail("backup", "%s is not empty", dir);
  }
  closedir(d);
  return 0;
}

/* Removes what a failed backup may have left in the directory it owned. */
static void remove_partial(const char *dir, int created) {
  static const char *const files[] = {"data.mdb", "lock.mdb"};
  char path[PATH_MAX];

  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  if (created) rmdir(dir);
}

int floorctl_backup(int argc, char **argv) {
  fh_store *s = NULL;
  store_args a;
  int rc, created;

  if ((rc = parse_args("backup", argc, argv, &a, 1)) != 0) return rc;
  if ((rc = floorctl_store_open_ro("backup", a.data, &s)) != 0) return rc;
  if ((rc = prepare_out(a.out, &created)) != 0) goto fail;
  rc = fh_store_backup(s, a.out);
  if (rc != 0) {
    remove_partial(a.out, created);
    rc = floorctl_fail("backup", "copy to %s failed: %s", a.out,
                       fh_store_strerror(rc));
    goto fail;
  }
  printf("backup of %s written to %s\n", a.data, a.out);
fail:
  fh_store_close(s);
  return rc;
}

/* ------------------------------------------------------------- msgpack */

static json_t *mp_to_json(fh_mp_cursor *c, int depth);

/* Map keys: strings as they are, integers in decimal. */
static int map_key(fh_mp_cursor *c, char *buf, size_t cap, fh_strv *key) {
  int64_t i;
  uint64_t u;

  if (fh_mp_read_str(c, key) == 0) return 0;
  if (fh_mp_read_int(c, &i) == 0) snprintf(buf, cap, "%" PRId64, i);
  else if (fh_mp_read_uint(c, &u) == 0) snprintf(buf, cap, "%" PRIu64, u);
  else return -1;
  key->p = buf;
  key->n = strlen(buf);
  return 0;
}

static json_t *map_to_json(fh_mp_cursor *c, int depth) {
  json_t *obj = json_object();
  uint32_t n;

  if (obj == NULL || fh_mp_read_map(c, &n) != 0) goto fail;
  for (uint32_t i = 0; i < n; i++) {
    char num[24];
    fh_strv key;
    json_t *v;
    if (map_key(c, num, sizeof num, &key) != 0) goto fail;
    if ((v = mp_to_json(c, depth + 1)) == NULL) goto fail;
    if (json_object_setn_new(obj, key.p, key.n, v) != 0) goto fail;
  }
  return obj;
fail:
  json_decref(obj);
  return NULL;
}

static json_t *array_to_json(fh_mp_cursor *c, int depth) {
  json_t *arr = json_array();
  uint32_t n;

  if (arr == NULL || fh_mp_read_array(c, &n) != 0) goto fail;
  for (uint32_t i = 0; i < n; i++)
    if (json_array_append_new(arr, mp_to_json(c, depth + 1)) != 0) goto fail;
  return arr;
fail:
  json_decref(arr);
  return NULL;
}

/* bin as a hex string; ext (not used by the hub) as null. */
static json_t *opaque_to_json(fh_mp_cursor *c, fh_mp_kind kind) {
  const uint8_t *start = c->p;
  size_t hdr, n;
  char *hex;
  json_t *v;

  if (fh_mp_skip(c) != 0) return NULL;
  if (kind != FH_MP_BIN) return json_null();
  hdr = start[0] == 0xc4 ? 2 : start[0] == 0xc5 ? 3 : 5;
  n = (size_t)(c->p - start) - hdr;
  if ((hex = malloc(2 * n + 1)) == NULL) return NULL;
  for (size_t i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", start[hdr + i]);
  hex[2 * n] = '\0';
  v = json_string(hex);
  free(hex);
  return v;
}

static json_t *mp_to_json(fh_mp_cursor *c, int depth) {
  fh_mp_kind kind = fh_mp_peek(c);
  uint64_t u;
  int64_t i;
  double d;
  fh_strv s;
  int b;

  if (depth > JSON_DEPTH_MAX) return NULL;
  switch (kind) {
  case FH_MP_NIL: return fh_mp_read_nil(c) == 0 ? json_null() : NULL;
  case FH_MP_BOOL: return fh_mp_read_bool(c, &b) == 0 ? json_boolean(b) : NULL;
  case FH_MP_INT: return fh_mp_read_int(c, &i) == 0 ? json_integer(i) : NULL;
  case FH_MP_UINT: /* above INT64_MAX only as a (rounded) real */
    if (fh_mp_read_int(c, &i) == 0) return json_integer(i);
    return fh_mp_read_uint(c, &u) == 0 ? json_real((double)u) : NULL;
  case FH_MP_FLOAT: /* json_real refuses NaN and infinities: null then */
    if (fh_mp_read_double(c, &d) != 0) return NULL;
    return d == d && d - d == 0 ? json_real(d) : json_null();
  case FH_MP_STR:
    return fh_mp_read_str(c, &s) == 0 ? json_stringn(s.p, s.n) : NULL;
  case FH_MP_ARRAY: return array_to_json(c, depth);
  case FH_MP_MAP: return map_to_json(c, depth);
  case FH_MP_BIN:
  case FH_MP_EXT: return opaque_to_json(c, kind);
  default: return NULL;
  }
}

/* The event payload as JSON; NULL if it is not exactly one msgpack value. */
static json_t *data_to_json(const void *data, size_t len) {
  fh_mp_cursor c = {data, (const uint8_t *)data + len};
  json_t *v;

  if (len == 0) return json_null();
  v = mp_to_json(&c, 0);
  if (v != NULL && c.p != c.end) {
    json_decref(v);
    v = NULL;
  }
  return v;
}

/* Prints one event; stops the walk with STOP_WRITE when stdout fails and
 * with STOP_JSON (after saying which event) when it cannot be put in JSON. */
static int print_event(void *arg, const fh_event_rec *ev) {
  json_t *data = data_to_json(ev->data, ev->len);
  json_t *line;
  char *text;
  int rc;

  (void)arg;
  line = json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "lsn", (json_int_t)ev->lsn,
                   "ts", (json_int_t)ev->ts_ms, "actor", ev->actor, "via",
                   ev->via[0] ? json_string(ev->via) : json_null(), "type",
                   ev->type, "data", data ? data : json_null());
  if (line != NULL && data == NULL &&
      json_object_set_new(line, "data_error",
                          json_string("payload is not one msgpack value"))) {
    json_decref(line);
    line = NULL;
  }
  text = line ? json_dumps(line, JSON_COMPACT) : NULL;
  json_decref(line);
  if (text == NULL) {
    fprintf(stderr, "floorctl events: event %" PRIu64 " cannot be written "
            "as JSON\n", ev->lsn);
    return STOP_JSON;
  }
  rc = puts(text) == EOF ? STOP_WRITE : 0;
  free(text);
  return rc;
}

int floorctl_events(int argc, char **argv) {
  fh_store *s = NULL;
  store_args a;
  int rc;

  if ((rc = parse_args("events", argc, argv, &a, 0)) != 0) return rc;
  if ((rc = floorctl_store_open_ro("events", a.data, &s)) != 0) return rc;
  rc = fh_store_events(s, a.since, 0, print_event, NULL);
  if (fflush(stdout) != 0 && rc == 0) rc = STOP_WRITE;
  if (rc == STOP_WRITE)
    rc = floorctl_fail("events", "cannot write to stdout");
  else if (rc == STOP_JSON)
    rc = FLOORCTL_EXIT_FAIL;
  else if (rc != 0)
    rc = floorctl_fail("events", "reading the log failed: %s",
                       fh_store_strerror(rc));
  fh_store_close(s);
  return rc;
}
