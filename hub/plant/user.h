/* user.h -- the people who sign in: user records, their secrets, the badge
 * index and the sign-in failure counts.
 *
 * Design: floorctl (hub/admin) writes users, the hub reads them at every
 * sign-in and at every write of a signed-in person, so both share this
 * codec.  A record lives in the store's "users" table under its id, as one
 * msgpack map; secrets are kept only as Argon2id strings
 * (crypto_pwhash_str, libsodium), parameters USER_PWHASH_OPS and
 * USER_PWHASH_MEM, tuned so that one check costs about 50 ms here.
 *
 * Badges must be found from what the reader types, and an Argon2id string
 * is salted, so it cannot be looked up.  The "badges" table therefore maps
 * a keyed BLAKE2b hash of the badge (crypto_generichash, with a 32-byte key
 * made once per store and kept in "meta" under USER_BADGE_KEY_META) to the
 * user id; the hub finds the user through it and then verifies the badge
 * against the user's Argon2id string as for a PIN.
 *
 * Failures ("logins" table, written only by the hub) are a list of the
 * times of the last failures within USER_FAIL_WINDOW_MS and the time the
 * user was locked.  floorctl never edits them: `user unlock` sets the
 * record's unlocked_at, and failures and locks at or before it no longer
 * count, so the two writers never overwrite each other's state.
 *
 * Nothing here logs, and no function copies a secret anywhere but into
 * libsodium.
 */
#ifndef FH_HUB_USER_H
#define FH_HUB_USER_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "fh_roles.h"

#define USER_HASH_MAX 128          /* crypto_pwhash_STRBYTES, with its NUL */
#define USER_BADGE_KEY_BYTES 32    /* the badge index key */
#define USER_BADGE_INDEX_BYTES 32  /* one badge index key (BLAKE2b-256) */
#define USER_BADGE_KEY_META "users.badge_key"
#define USER_PASSWORD_MAX 256      /* bytes of a password */
#define USER_PWHASH_OPS 2u         /* Argon2id passes */
#define USER_PWHASH_MEM (24u << 20) /* Argon2id memory: 24 MiB */
#define USER_FAILS_MAX 10          /* failures that lock a user ... */
#define USER_FAIL_WINDOW_MS (3600LL * 1000) /* ... within an hour */

typedef struct user_rec {
  char id[FH_ID_MAX + 1];                  /* the user id (sign-in name) */
  char name[FH_NAME_MAX + 1];              /* display name */
  fh_role role;                            /* what the person may do */
  size_t nlines;                           /* 0: every line */
  char lines[FH_LINES_MAX][FH_ID_MAX + 1]; /* the lines they work on */
  char badge_hash[USER_HASH_MAX];          /* Argon2id of the badge, "" */
  char badge_index[2 * USER_BADGE_INDEX_BYTES + 1]; /* hex of its index
                                              key (to delete it), "" */
  char pin_hash[USER_HASH_MAX];            /* Argon2id of the PIN, "" */
  char password_hash[USER_HASH_MAX];       /* Argon2id of the password, "" */
  int disabled;                            /* may not sign in */
  int64_t unlocked_at;                     /* last `user unlock`, ms, 0 */
  int64_t updated_at;                      /* last change, ms */
} user_rec;

typedef struct user_fails {
  uint32_t n;                      /* failures in at[] */
  int64_t at[USER_FAILS_MAX];      /* their times, oldest first, ms */
  int64_t locked_at;               /* when the user was locked, 0 never */
} user_fails;

/* sodium_init(); 0 or -EIO. */
int user_crypto_init(void);

/* The record as a msgpack map appended to out; 0 or -ENOMEM. */
int user_encode(fh_buf *out, const user_rec *u);
/* Decodes a stored record; 0 or -EBADMSG. */
int user_decode(const void *p, size_t n, user_rec *u);
int user_fails_encode(fh_buf *out, const user_fails *f);
int user_fails_decode(const void *p, size_t n, user_fails *f);
/* The two decoders as store read callbacks (fh_store_cb): arg is the
 * user_rec or user_fails to fill, the key is not looked at. */
int user_decode_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen);
int user_fails_decode_cb(void *arg, const void *key, size_t klen,
                         const void *val, size_t vlen);

/* Argon2id string of the n secret bytes into out; 0, or -ENOMEM when
 * libsodium could not get the memory. */
int user_hash_secret(const char *secret, size_t n, char out[USER_HASH_MAX]);
/* 0 when the secret matches hash, -EACCES otherwise (also for "" hash). */
int user_verify_secret(const char *hash, const char *secret, size_t n);
/* The badge index key of a badge. */
void user_badge_index(const uint8_t key[USER_BADGE_KEY_BYTES],
                      const char *badge, size_t n,
                      uint8_t out[USER_BADGE_INDEX_BYTES]);

/* 1 when the user is locked (a lock after the last unlock). */
int user_locked(const user_fails *f, const user_rec *u);
/* Records a failure at now: forgets failures older than the window or
 * from before the last unlock; returns 1 when this failure locks. */
int user_fails_add(user_fails *f, const user_rec *u, int64_t now_ms);

#endif
