/* floorctl_user.c -- `floorctl user add|set|disable|enable|unlock|list`.
 *
 * Design: the user records live in the hub's own store (the "users" and
 * "badges" tables, codec in hub/plant/user.c).  floorctl opens the store
 * with `attach` while the hub runs: LMDB serialises the two processes'
 * write transactions, the hub's epoch is left alone, and because the hub
 * reads the user at every sign-in and every write of a signed-in person,
 * a change counts at once.  Each command is one batch: the user record,
 * the badge index entries and an audit event (actor "floorctl", type
 * "user.<command>", data {id, name, role, lines, disabled}: no secret,
 * not even its hash) commit together or not at all.
 *
 * A secret comes only from stdin (--pin-stdin, --password-stdin,
 * --badge-stdin: one line, its newline stripped), never from argv, where
 * every user of the machine could read it; it is hashed at once and the
 * buffer wiped.  Nothing printed ever holds a secret or a hash.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "fh_storage.h"
#include "floorctl.h"
#include "plant.h"
#include "user.h"

#define CMD "user"

typedef enum secret_kind { SECRET_NONE = 0, SECRET_PIN, SECRET_PASSWORD,
                           SECRET_BADGE } secret_kind;

typedef struct user_args {
  const char *verb;   /* add, set, disable, enable, unlock, list */
  const char *data;   /* --data */
  const char *id;     /* --id */
  const char *name;   /* --name */
  const char *role;   /* --role */
  const char *lines;  /* --lines, comma-separated */
  secret_kind secret; /* which --*-stdin */
} user_args;

/* What one command changes, built before anything is written. */
typedef struct user_job {
  fh_store *store;    /* the hub's store, attached */
  fh_batch *batch;    /* everything the command writes */
  user_rec rec;       /* the record as it will be stored */
  int existed;        /* the id was already there */
  fh_buf enc;         /* scratch */
} user_job;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_args(int argc, char **argv, user_args *a) {
  static const struct option opts[] = {
      {"data", required_argument, NULL, 'd'}, {"id", required_argument, NULL, 'i'},
      {"name", required_argument, NULL, 'n'}, {"role", required_argument, NULL, 'r'},
      {"lines", required_argument, NULL, 'l'},
      {"pin-stdin", no_argument, NULL, 'P'},
      {"password-stdin", no_argument, NULL, 'W'},
      {"badge-stdin", no_argument, NULL, 'B'}, {NULL, 0, NULL, 0}};
  int ch;
  memset(a, 0, sizeof *a);
  if (argc < 2) return floorctl_usage(CMD, "add, set, disable, enable, unlock or list?");
  a->verb = argv[1];
  opterr = 0;
  optind = 2;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    secret_kind k = ch == 'P' ? SECRET_PIN : ch == 'W' ? SECRET_PASSWORD
                  : ch == 'B' ? SECRET_BADGE : SECRET_NONE;
    if (k != SECRET_NONE && a->secret != SECRET_NONE)
      return floorctl_usage(CMD, "give one of --pin-stdin, --password-stdin, "
                            "--badge-stdin");
    switch (ch) {
    case 'd': a->data = optarg; break;
    case 'i': a->id = optarg; break;
    case 'n': a->name = optarg; break;
    case 'r': a->role = optarg; break;
    case 'l': a->lines = optarg; break;
    case 'P': case 'W': case 'B': a->secret = k; break;
    default: return floorctl_bad_option(CMD, argv);
    }
  }
  if (optind != argc)
    return floorctl_usage(CMD, "unexpected argument '%s'", argv[optind]);
  if (a->data == NULL) return floorctl_usage(CMD, "--data DIR is required");
  if (strcmp(a->verb, "list") != 0 &&
      (a->id == NULL || !plant_id_valid(a->id, strlen(a->id))))
    return floorctl_usage(CMD, "--id: a user id of 1..%d bytes of "
                          "[A-Za-z0-9._-] is required", FH_ID_MAX);
  return 0;
}

/* --lines into rec (checked like a token's lines claim). */
static int set_lines(user_rec *u, const char *list) {
  const char *p = list;
  u->nlines = 0;
  for (;;) {
    size_t n = strcspn(p, ",");
    if (!plant_id_valid(p, n))
      return floorctl_usage(CMD, "--lines: '%.*s' is not a line id", (int)n, p);
    if (u->nlines == FH_LINES_MAX)
      return floorctl_usage(CMD, "--lines: at most %d lines", FH_LINES_MAX);
    memcpy(u->lines[u->nlines], p, n);
    u->lines[u->nlines++][n] = '\0';
    if (p[n] == '\0') return 0;
    p += n + 1;
  }
}

/* One line of stdin into buf (cap bytes), newline stripped; the length,
 * or -1 after saying why. */
static long read_secret(const char *what, char *buf, size_t cap, size_t max) {
  size_t n = fread(buf, 1, cap - 1, stdin);
  buf[n] = '\0';
  if (n > 0 && buf[n - 1] == '\n') buf[--n] = '\0';
  if (n > 0 && buf[n - 1] == '\r') buf[--n] = '\0';
  if (n == 0) return floorctl_usage(CMD, "the %s on stdin is empty", what), -1;
  if (n > max || memchr(buf, '\0', n) != NULL || memchr(buf, '\n', n) != NULL)
    return floorctl_usage(CMD, "the %s on stdin must be one line of at most "
                          "%zu bytes", what, max), -1;
  return (long)n;
}

/* The store's badge index key, made (and queued) on first use. */
static int badge_key(user_job *j, uint8_t key[USER_BADGE_KEY_BYTES]);

/* Hashes the secret from stdin into the record (and the badge index). */
static int take_secret(user_job *j, secret_kind k) {
  char buf[USER_PASSWORD_MAX + 2];
  const char *what = k == SECRET_PIN ? "PIN" : k == SECRET_BADGE ? "badge" : "password";
  size_t max = k == SECRET_PIN ? FH_PIN_MAX : k == SECRET_BADGE ? FH_BADGE_MAX
                                                               : USER_PASSWORD_MAX;
  char *hash = k == SECRET_PIN ? j->rec.pin_hash : k == SECRET_BADGE
                   ? j->rec.badge_hash : j->rec.password_hash;
  uint8_t key[USER_BADGE_KEY_BYTES], idx[USER_BADGE_INDEX_BYTES];
  long n = read_secret(what, buf, sizeof buf, max);
  int rc = n < 0 ? FLOORCTL_EXIT_USAGE : 0;

  if (rc == 0 && user_hash_secret(buf, (size_t)n, hash) != 0)
    rc = floorctl_fail(CMD, "hashing failed (out of memory)");
  if (rc == 0 && k == SECRET_BADGE && (rc = badge_key(j, key)) == 0)
    user_badge_index(key, buf, (size_t)n, idx);
  sodium_memzero(buf, sizeof buf);
  if (rc != 0 || k != SECRET_BADGE) return rc;
  return floorctl_user_index(j->store, j->batch, &j->rec, idx);
}

static int badge_key(user_job *j, uint8_t key[USER_BADGE_KEY_BYTES]) {
  int rc = floorctl_user_badge_key(j->store, key);
  if (rc == -ENOENT) {
    randombytes_buf(key, USER_BADGE_KEY_BYTES);
    rc = fh_batch_put(j->batch, FH_T_META, USER_BADGE_KEY_META,
                      strlen(USER_BADGE_KEY_META), key, USER_BADGE_KEY_BYTES);
  }
  return rc == 0 ? 0 : floorctl_fail(CMD, "badge key: %s", fh_store_strerror(rc));
}

/* Applies the options of add/set to the record. */
static int apply_options(user_job *j, const user_args *a) {
  int r;
  if (a->name != NULL) {
    if (strlen(a->name) == 0 || strlen(a->name) > FH_NAME_MAX)
      return floorctl_usage(CMD, "--name: 1..%d bytes", FH_NAME_MAX);
    snprintf(j->rec.name, sizeof j->rec.name, "%s", a->name);
  }
  if (a->role != NULL) {
    if ((r = fh_role_from(a->role, strlen(a->role))) < 0)
      return floorctl_usage(CMD, "--role: unknown role '%s'", a->role);
    if (r == FH_ROLE_KIOSK || r == FH_ROLE_GATEWAY)
      return floorctl_usage(CMD, "--role: %s is a role of a device, not of "
                            "a person", a->role);
    j->rec.role = (fh_role)r;
  }
  if (a->lines != NULL && (r = set_lines(&j->rec, a->lines)) != 0) return r;
  return a->secret != SECRET_NONE ? take_secret(j, a->secret) : 0;
}

/* Queues the record and its audit event; commits. */
static int store_user(user_job *j, const char *verb) {
  char type[32];
  int rc;
  j->rec.updated_at = now_ms();
  fh_buf_reset(&j->enc);
  rc = user_encode(&j->enc, &j->rec);
  if (rc == 0)
    rc = fh_batch_put(j->batch, FH_T_USERS, j->rec.id, strlen(j->rec.id),
                      fh_buf_payload(&j->enc), fh_buf_payload_len(&j->enc));
  fh_buf_reset(&j->enc);
  if (rc == 0) rc = floorctl_user_public(&j->enc, &j->rec, NULL);
  snprintf(type, sizeof type, "user.%s", verb);
  if (rc == 0)
    rc = fh_batch_event(j->batch, j->rec.updated_at, "floorctl", type,
                        fh_buf_payload(&j->enc), fh_buf_payload_len(&j->enc));
  if (rc == 0) rc = fh_store_commit(j->store, j->batch, NULL);
  if (rc != 0)
    return floorctl_fail(CMD, "%s %s: %s", verb, j->rec.id, fh_store_strerror(rc));
  return 0;
}

/* add/set/disable/enable/unlock on an open job. */
static int run_verb(user_job *j, const user_args *a) {
  const char *v = a->verb;
  int is_add = strcmp(v, "add") == 0, is_set = strcmp(v, "set") == 0, rc;
  if (is_add && j->existed)
    return floorctl_fail(CMD, "add: user %s exists (use set)", a->id);
  if (!is_add && !j->existed)
    return floorctl_fail(CMD, "%s: no user %s", v, a->id);
  if (is_add) {
    if (a->role == NULL) return floorctl_usage(CMD, "add: --role is required");
    snprintf(j->rec.id, sizeof j->rec.id, "%s", a->id);
    snprintf(j->rec.name, sizeof j->rec.name, "%s", a->id);
  }
  if (is_add || is_set) {
    if ((rc = apply_options(j, a)) != 0) return rc;
  } else if (a->name || a->role || a->lines || a->secret) {
    return floorctl_usage(CMD, "%s takes --data and --id only", v);
  } else if (strcmp(v, "disable") == 0 || strcmp(v, "enable") == 0) {
    j->rec.disabled = v[0] == 'd';
  } else if (strcmp(v, "unlock") == 0) {
    j->rec.unlocked_at = now_ms();
  } else {
    return floorctl_usage(CMD, "unknown command '%s'", v);
  }
  return store_user(j, v);
}

static int open_job(user_job *j, const char *dir) {
  char why[256] = "";
  fh_store_opts o;
  int rc;
  fh_store_opts_init(&o);
  o.dir = dir;
  o.attach = 1;
  rc = fh_store_open(&j->store, &o, why, sizeof why);
  if (rc != 0)
    return floorctl_fail(CMD, "--data: %s", why[0] ? why : fh_store_strerror(rc));
  if ((j->batch = fh_batch_new()) == NULL) return floorctl_fail(CMD, "out of memory");
  return 0;
}

int floorctl_user(int argc, char **argv) {
  user_job j;
  user_args a;
  int rc = parse_args(argc, argv, &a);

  memset(&j, 0, sizeof j);
  fh_buf_init(&j.enc, 0);
  if (rc != 0) return rc;
  if (user_crypto_init() != 0) return floorctl_fail(CMD, "libsodium did not start");
  if ((rc = open_job(&j, a.data)) != 0) goto fail;
  if (strcmp(a.verb, "list") == 0) {
    rc = floorctl_user_list(j.store);
    goto fail;
  }
  rc = floorctl_user_get(j.store, a.id, &j.rec);
  if (rc != 0 && rc != -ENOENT) {
    rc = floorctl_fail(CMD, "reading user %s: %s", a.id, fh_store_strerror(rc));
    goto fail;
  }
  j.existed = rc == 0;
  rc = run_verb(&j, &a);
fail:
  sodium_memzero(&j.rec, sizeof j.rec);
  fh_batch_free(j.batch);
  fh_store_close(j.store);
  fh_buf_free(&j.enc);
  return rc;
}
