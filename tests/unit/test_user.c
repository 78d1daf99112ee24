/* test_user.c -- the user records of hub/plant/user.c: the stored form
 * round trip, Argon2id (a right and a wrong secret, the parameters in the
 * string), the keyed badge index, and the failure counting that locks a
 * user (10 within an hour) and that `floorctl user unlock` (unlocked_at)
 * forgives.  Times are written out by hand, not derived from the code.
 */
#include <errno.h>

#include "fh_test.h"
#include "user.h"

#define HOUR_MS (3600LL * 1000)

FH_TEST(record_round_trip) {
  user_rec u, got;
  fh_buf b;
  memset(&u, 0, sizeof u);
  snprintf(u.id, sizeof u.id, "ana");
  snprintf(u.name, sizeof u.name, "Ana Kovač");
  u.role = FH_ROLE_SHIFT_MANAGER;
  u.nlines = 2;
  snprintf(u.lines[0], sizeof u.lines[0], "L1");
  snprintf(u.lines[1], sizeof u.lines[1], "L3");
  snprintf(u.pin_hash, sizeof u.pin_hash, "$argon2id$v=19$m=24576,t=2,p=1$x$y");
  snprintf(u.badge_index, sizeof u.badge_index, "00ff");
  u.disabled = 1;
  u.unlocked_at = 1700000000123;
  u.updated_at = 1700000000456;
  fh_buf_init(&b, 0);
  ASSERT_EQ(user_encode(&b, &u), 0);
  ASSERT_EQ(user_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &got), 0);
  ASSERT_MEM_EQ(&got, &u, sizeof u);
  /* truncated or not a map: refused */
  ASSERT_EQ(user_decode(fh_buf_payload(&b), fh_buf_payload_len(&b) - 1, &got),
            -EBADMSG);
  ASSERT_EQ(user_decode("\x01", 1, &got), -EBADMSG);
  fh_buf_free(&b);
}

FH_TEST(argon2id_verify) {
  char h[USER_HASH_MAX];
  ASSERT_EQ(user_crypto_init(), 0);
  ASSERT_EQ(user_hash_secret("731946", 6, h), 0);
  ASSERT(strncmp(h, "$argon2id$v=19$m=24576,t=2,p=1$", 31) == 0);
  ASSERT_EQ(user_verify_secret(h, "731946", 6), 0);
  ASSERT_EQ(user_verify_secret(h, "731947", 6), -EACCES);
  ASSERT_EQ(user_verify_secret(h, "73194", 5), -EACCES);
  ASSERT_EQ(user_verify_secret("", "731946", 6), -EACCES);
}

FH_TEST(badge_index_is_keyed) {
  uint8_t k1[USER_BADGE_KEY_BYTES], k2[USER_BADGE_KEY_BYTES];
  uint8_t a[USER_BADGE_INDEX_BYTES], b[USER_BADGE_INDEX_BYTES];
  memset(k1, 1, sizeof k1);
  memset(k2, 2, sizeof k2);
  user_badge_index(k1, "0004711233", 10, a);
  user_badge_index(k1, "0004711233", 10, b);
  ASSERT_MEM_EQ(a, b, sizeof a);
  user_badge_index(k2, "0004711233", 10, b); /* another store's key */
  ASSERT(memcmp(a, b, sizeof a) != 0);
  user_badge_index(k1, "0004711234", 10, b);
  ASSERT(memcmp(a, b, sizeof a) != 0);
}

FH_TEST(ten_failures_in_an_hour_lock) {
  user_rec u;
  user_fails f, got;
  fh_buf b;
  int64_t t0 = 1700000000000;
  memset(&u, 0, sizeof u);
  memset(&f, 0, sizeof f);
  for (int i = 0; i < 9; i++) ASSERT_EQ(user_fails_add(&f, &u, t0 + i * 1000), 0);
  ASSERT_EQ(user_locked(&f, &u), 0);
  ASSERT_EQ(user_fails_add(&f, &u, t0 + 9000), 1);
  ASSERT_EQ(user_locked(&f, &u), 1);
  ASSERT_EQ(f.locked_at, t0 + 9000);
  fh_buf_init(&b, 0);
  ASSERT_EQ(user_fails_encode(&b, &f), 0);
  ASSERT_EQ(user_fails_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &got), 0);
  ASSERT_MEM_EQ(&got, &f, sizeof f);
  fh_buf_free(&b);
  /* unlock: the lock and every earlier failure stop counting */
  u.unlocked_at = t0 + 20000;
  ASSERT_EQ(user_locked(&f, &u), 0);
  ASSERT_EQ(user_fails_add(&f, &u, t0 + 21000), 0);
  ASSERT_EQ(f.n, 1);
}

FH_TEST(failures_older_than_an_hour_do_not_count) {
  user_rec u;
  user_fails f;
  int64_t t0 = 1700000000000;
  memset(&u, 0, sizeof u);
  memset(&f, 0, sizeof f);
  for (int i = 0; i < 5; i++) ASSERT_EQ(user_fails_add(&f, &u, t0 + i), 0);
  /* 5 more, all just over an hour after the first five */
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(user_fails_add(&f, &u, t0 + HOUR_MS + 10 + i), 0);
  ASSERT_EQ(f.n, 5);
  ASSERT_EQ(user_locked(&f, &u), 0);
  /* within the hour of the first of the last five: 10 more lock */
  for (int i = 0; i < 4; i++)
    ASSERT_EQ(user_fails_add(&f, &u, t0 + HOUR_MS + 100 + i), 0);
  ASSERT_EQ(user_fails_add(&f, &u, t0 + HOUR_MS + 200), 1);
}

FH_TEST_MAIN(FH_TEST_ENTRY(record_round_trip), FH_TEST_ENTRY(argon2id_verify),
             FH_TEST_ENTRY(badge_index_is_keyed),
             FH_TEST_ENTRY(ten_failures_in_an_hour_lock),
             FH_TEST_ENTRY(failures_older_than_an_hour_do_not_count))
