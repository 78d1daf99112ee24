/* floorctl_user_store.c -- the store side of `floorctl user`: reading a
 * user, the badge key and index, the public view of a user (audit data)
 * and `user list`.
 *
 * The public view is what may be shown or logged about a user: id, name,
 * role, lines, disabled, which secrets are set (true/false) and, in the
 * list, whether the user is locked.  Hashes never leave the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fh_storage.h"
#include "floorctl.h"
#include "user.h"

#define CMD "user"

/* Copies a stored value of a known size; -EBADMSG otherwise. */
typedef struct copy_out {
  void *dst;    /* where */
  size_t size;  /* exactly this many bytes */
} copy_out;

static int copy_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  copy_out *c = arg;
  (void)key;
  (void)klen;
  if (vlen != c->size) return -EBADMSG;
  memcpy(c->dst, val, vlen);
  return 0;
}

/* A user id as stored in the badge index. */
static int id_value_cb(void *arg, const void *key, size_t klen,
                       const void *val, size_t vlen) {
  char *owner = arg;
  (void)key;
  (void)klen;
  if (vlen == 0 || vlen > FH_ID_MAX) return -EBADMSG;
  memcpy(owner, val, vlen);
  owner[vlen] = '\0';
  return 0;
}

int floorctl_user_get(fh_store *s, const char *id, user_rec *u) {
  memset(u, 0, sizeof *u);
  return fh_store_get(s, FH_T_USERS, id, strlen(id), user_decode_cb, u);
}

int floorctl_user_badge_key(fh_store *s, uint8_t *key) {
  copy_out c = {key, USER_BADGE_KEY_BYTES};
  return fh_store_get(s, FH_T_META, USER_BADGE_KEY_META,
                      strlen(USER_BADGE_KEY_META), copy_cb, &c);
}

static int hex_digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int floorctl_user_index(fh_store *s, fh_batch *b, user_rec *u,
                        const uint8_t *idx) {
  char owner[FH_ID_MAX + 1] = "";
  uint8_t old[USER_BADGE_INDEX_BYTES];
  int rc = fh_store_get(s, FH_T_BADGES, idx, USER_BADGE_INDEX_BYTES,
                        id_value_cb, owner);

  if (rc == 0 && strcmp(owner, u->id) != 0)
    return floorctl_fail(CMD, "this badge is already given to another user");
  if (strlen(u->badge_index) == 2 * USER_BADGE_INDEX_BYTES) {
    for (size_t i = 0; i < USER_BADGE_INDEX_BYTES; i++)
      old[i] = (uint8_t)(hex_digit(u->badge_index[2 * i]) << 4 |
                         hex_digit(u->badge_index[2 * i + 1]));
    if (memcmp(old, idx, sizeof old) != 0 &&
        fh_batch_del(b, FH_T_BADGES, old, sizeof old) != 0)
      return floorctl_fail(CMD, "out of memory");
  }
  for (size_t i = 0; i < USER_BADGE_INDEX_BYTES; i++)
    snprintf(u->badge_index + 2 * i, 3, "%02x", idx[i]);
  if (fh_batch_put(b, FH_T_BADGES, idx, USER_BADGE_INDEX_BYTES, u->id,
                   strlen(u->id)) != 0)
    return floorctl_fail(CMD, "out of memory");
  return 0;
}

int floorctl_user_public(fh_buf *out, const user_rec *u, const int *locked) {
  int rc = fh_enc_map(out, locked ? 9 : 8);
  rc |= fh_enc_str(out, "id") | fh_enc_str(out, u->id);
  rc |= fh_enc_str(out, "name") | fh_enc_str(out, u->name);
  rc |= fh_enc_str(out, "role") | fh_enc_str(out, fh_role_name(u->role));
  rc |= fh_enc_str(out, "lines");
  if (u->nlines == 0) rc |= fh_enc_nil(out);
  else rc |= fh_enc_array(out, (uint32_t)u->nlines);
  for (size_t i = 0; i < u->nlines; i++) rc |= fh_enc_str(out, u->lines[i]);
  rc |= fh_enc_str(out, "badge") | fh_enc_bool(out, u->badge_hash[0] != 0);
  rc |= fh_enc_str(out, "pin") | fh_enc_bool(out, u->pin_hash[0] != 0);
  rc |= fh_enc_str(out, "password") | fh_enc_bool(out, u->password_hash[0] != 0);
  rc |= fh_enc_str(out, "disabled") | fh_enc_bool(out, u->disabled);
  if (locked) rc |= fh_enc_str(out, "locked") | fh_enc_bool(out, *locked);
  return rc ? -ENOMEM : 0;
}

/* One user as a JSON line on stdout. */
static int print_user(fh_store *s, const user_rec *u) {
  user_fails f;
  json_t *o, *lines = u->nlines ? json_array() : json_null();
  char *text;
  int locked, rc;

  memset(&f, 0, sizeof f);
  fh_store_get(s, FH_T_LOGINS, u->id, strlen(u->id), user_fails_decode_cb, &f);
  locked = user_locked(&f, u);
  for (size_t i = 0; i < u->nlines; i++)
    json_array_append_new(lines, json_string(u->lines[i]));
  o = json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b}", "id", u->id,
                "name", u->name, "role", fh_role_name(u->role), "lines", lines,
                "badge", u->badge_hash[0] != 0, "pin", u->pin_hash[0] != 0,
                "password", u->password_hash[0] != 0, "disabled", u->disabled,
                "locked", locked);
  text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  rc = text && printf("%s\n", text) > 0 ? 0 : -EIO;
  free(text);
  json_decref(o);
  return rc;
}

/* Collects the ids first: a scan callback may not read the store. */
typedef struct id_list {
  char (*ids)[FH_ID_MAX + 1]; /* the ids, grown */
  size_t n, cap;              /* used, allocated */
} id_list;

static int id_cb(void *arg, const void *key, size_t klen, const void *val,
                 size_t vlen) {
  id_list *l = arg;
  (void)val;
  (void)vlen;
  if (klen > FH_ID_MAX) return 0;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    void *p = realloc(l->ids, cap * sizeof *l->ids);
    if (p == NULL) return -ENOMEM;
    l->ids = p;
    l->cap = cap;
  }
  memcpy(l->ids[l->n], key, klen);
  l->ids[l->n++][klen] = '\0';
  return 0;
}

int floorctl_user_list(fh_store *s) {
  id_list l = {NULL, 0, 0};
  user_rec u;
  int rc = fh_store_scan(s, FH_T_USERS, NULL, 0, id_cb, &l);
  for (size_t i = 0; rc == 0 && i < l.n; i++)
    if ((rc = floorctl_user_get(s, l.ids[i], &u)) == 0) rc = print_user(s, &u);
  free(l.ids);
  if (rc == -EIO) return floorctl_fail(CMD, "cannot write to stdout");
  if (rc != 0) return floorctl_fail(CMD, "list: %s", fh_store_strerror(rc));
  return fflush(stdout) == 0 ? 0 : floorctl_fail(CMD, "cannot write to stdout");
}
