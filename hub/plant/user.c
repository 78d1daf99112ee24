/* user.c -- user records, Argon2id, the badge index, failure counts (see
 * user.h).
 *
 * The stored forms are msgpack maps written with fh_protocol's raw
 * encoders and read with its bounded cursor:
 *
 *   user   {id, name, role, lines: [str] | nil, badge_hash, badge_index,
 *           pin_hash, password_hash (str | nil each), disabled: bool,
 *           unlocked_at: int, updated_at: int}
 *   fails  {fails: [int ms...], locked_at: int}
 *
 * Unknown keys are skipped, so later versions may add keys.
 */
#include "user.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>

int user_crypto_init(void) { return sodium_init() < 0 ? -EIO : 0; }

/* key, then the string or nil when it is empty. */
static int put_opt(fh_buf *out, const char *key, const char *v) {
  int rc = fh_enc_str(out, key);
  return rc ? rc : v[0] ? fh_enc_str(out, v) : fh_enc_nil(out);
}

int user_encode(fh_buf *out, const user_rec *u) {
  int rc = fh_enc_map(out, 11);
  rc |= fh_enc_str(out, "id") | fh_enc_str(out, u->id);
  rc |= fh_enc_str(out, "name") | fh_enc_str(out, u->name);
  rc |= fh_enc_str(out, "role") | fh_enc_str(out, fh_role_name(u->role));
  rc |= fh_enc_str(out, "lines");
  if (u->nlines == 0) {
    rc |= fh_enc_nil(out);
  } else {
    rc |= fh_enc_array(out, (uint32_t)u->nlines);
    for (size_t i = 0; i < u->nlines; i++) rc |= fh_enc_str(out, u->lines[i]);
  }
  rc |= put_opt(out, "badge_hash", u->badge_hash);
  rc |= put_opt(out, "badge_index", u->badge_index);
  rc |= put_opt(out, "pin_hash", u->pin_hash);
  rc |= put_opt(out, "password_hash", u->password_hash);
  rc |= fh_enc_str(out, "disabled") | fh_enc_bool(out, u->disabled);
  rc |= fh_enc_str(out, "unlocked_at") | fh_enc_int(out, u->unlocked_at);
  rc |= fh_enc_str(out, "updated_at") | fh_enc_int(out, u->updated_at);
  return rc ? -ENOMEM : 0;
}

static int is_key(fh_strv k, const char *name) {
  return k.n == strlen(name) && memcmp(k.p, name, k.n) == 0;
}

static int read_lines(fh_mp_cursor *c, user_rec *u) {
  uint32_t n;
  if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
  if (fh_mp_read_array(c, &n) < 0 || n > FH_LINES_MAX) return -1;
  for (uint32_t i = 0; i < n; i++)
    if (fh_mp_read_strcpy(c, u->lines[i], sizeof u->lines[i]) < 0) return -1;
  u->nlines = n;
  return 0;
}

static int read_role(fh_mp_cursor *c, user_rec *u) {
  fh_strv v;
  int r;
  if (fh_mp_read_str(c, &v) < 0 || (r = fh_role_from(v.p, v.n)) < 0) return -1;
  u->role = (fh_role)r;
  return 0;
}

/* One key of a user map. */
static int read_user_key(fh_mp_cursor *c, fh_strv k, user_rec *u) {
  if (is_key(k, "id")) return fh_mp_read_strcpy(c, u->id, sizeof u->id);
  if (is_key(k, "name")) return fh_mp_read_strcpy(c, u->name, sizeof u->name);
  if (is_key(k, "role")) return read_role(c, u);
  if (is_key(k, "lines")) return read_lines(c, u);
  if (is_key(k, "badge_hash"))
    return fh_mp_read_strcpy(c, u->badge_hash, sizeof u->badge_hash);
  if (is_key(k, "badge_index"))
    return fh_mp_read_strcpy(c, u->badge_index, sizeof u->badge_index);
  if (is_key(k, "pin_hash"))
    return fh_mp_read_strcpy(c, u->pin_hash, sizeof u->pin_hash);
  if (is_key(k, "password_hash"))
    return fh_mp_read_strcpy(c, u->password_hash, sizeof u->password_hash);
  if (is_key(k, "disabled")) return fh_mp_read_bool(c, &u->disabled);
  if (is_key(k, "unlocked_at")) return fh_mp_read_int(c, &u->unlocked_at);
  if (is_key(k, "updated_at")) return fh_mp_read_int(c, &u->updated_at);
  return fh_mp_skip(c);
}

int user_decode(const void *p, size_t n, user_rec *u) {
  fh_mp_cursor c = {p, (const uint8_t *)p + n};
  uint32_t count;
  fh_strv k;
  memset(u, 0, sizeof *u);
  if (fh_mp_read_map(&c, &count) < 0) return -EBADMSG;
  for (uint32_t i = 0; i < count; i++)
    if (fh_mp_read_str(&c, &k) < 0 || read_user_key(&c, k, u) < 0)
      return -EBADMSG;
  return u->id[0] ? 0 : -EBADMSG;
}

int user_fails_encode(fh_buf *out, const user_fails *f) {
  int rc = fh_enc_map(out, 2) | fh_enc_str(out, "fails") |
           fh_enc_array(out, f->n);
  for (uint32_t i = 0; i < f->n; i++) rc |= fh_enc_int(out, f->at[i]);
  rc |= fh_enc_str(out, "locked_at") | fh_enc_int(out, f->locked_at);
  return rc ? -ENOMEM : 0;
}

int user_fails_decode(const void *p, size_t n, user_fails *f) {
  fh_mp_cursor c = {p, (const uint8_t *)p + n};
  uint32_t count, len;
  fh_strv k;
  memset(f, 0, sizeof *f);
  if (fh_mp_read_map(&c, &count) < 0) return -EBADMSG;
  for (uint32_t i = 0; i < count; i++) {
    if (fh_mp_read_str(&c, &k) < 0) return -EBADMSG;
    if (is_key(k, "locked_at")) {
      if (fh_mp_read_int(&c, &f->locked_at) < 0) return -EBADMSG;
    } else if (is_key(k, "fails")) {
      if (fh_mp_read_array(&c, &len) < 0 || len > USER_FAILS_MAX)
        return -EBADMSG;
      for (f->n = 0; f->n < len; f->n++)
        if (fh_mp_read_int(&c, &f->at[f->n]) < 0) return -EBADMSG;
    } else if (fh_mp_skip(&c) < 0) {
      return -EBADMSG;
    }
  }
  return 0;
}

int user_decode_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  (void)key;
  (void)klen;
  return user_decode(val, vlen, arg);
}

int user_fails_decode_cb(void *arg, const void *key, size_t klen,
                         const void *val, size_t vlen) {
  (void)key;
  (void)klen;
  return user_fails_decode(val, vlen, arg);
}

int user_hash_secret(const char *secret, size_t n, char out[USER_HASH_MAX]) {
  if (crypto_pwhash_str_alg(out, secret, n, USER_PWHASH_OPS, USER_PWHASH_MEM,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return -ENOMEM;
  return 0;
}

int user_verify_secret(const char *hash, const char *secret, size_t n) {
  if (hash[0] == '\0') return -EACCES;
  return crypto_pwhash_str_verify(hash, secret, n) == 0 ? 0 : -EACCES;
}

void user_badge_index(const uint8_t key[USER_BADGE_KEY_BYTES],
                      const char *badge, size_t n,
                      uint8_t out[USER_BADGE_INDEX_BYTES]) {
  crypto_generichash(out, USER_BADGE_INDEX_BYTES, (const unsigned char *)badge,
                     n, key, USER_BADGE_KEY_BYTES);
}

int user_locked(const user_fails *f, const user_rec *u) {
  return f->locked_at != 0 && f->locked_at > u->unlocked_at;
}

int user_fails_add(user_fails *f, const user_rec *u, int64_t now_ms) {
  uint32_t keep = 0;
  for (uint32_t i = 0; i < f->n; i++)
    if (f->at[i] > now_ms - USER_FAIL_WINDOW_MS && f->at[i] > u->unlocked_at)
      f->at[keep++] = f->at[i];
  if (keep == USER_FAILS_MAX) { /* full: drop the oldest */
    memmove(f->at, f->at + 1, (USER_FAILS_MAX - 1) * sizeof f->at[0]);
    keep--;
  }
  f->at[keep++] = now_ms;
  f->n = keep;
  if (f->n < USER_FAILS_MAX || user_locked(f, u)) return 0;
  f->locked_at = now_ms;
  return 1;
}
