/* jwt_mint.h -- tokens for the auth unit tests, signed with libjwt.
 *
 * One helper shared by test_auth.c and test_jwks.c: the claims (a jansson
 * object, consumed) signed with alg and key (an HMAC secret or a private
 * key PEM), with a kid header when kid is not NULL.  Fails the test on any
 * libjwt error.  Include after fh_test.h.
 */
#ifndef FH_TEST_JWT_MINT_H
#define FH_TEST_JWT_MINT_H

#include <stdlib.h>

#include <jansson.h>
#include <jwt.h>

static char *jwt_mint(jwt_alg_t alg, const void *key, size_t keylen,
                      const char *kid, json_t *claims) {
  char *js = json_dumps(claims, JSON_COMPACT), *tok;
  jwt_t *jwt = NULL;

  ASSERT(js != NULL);
  ASSERT_EQ(jwt_new(&jwt), 0);
  ASSERT_EQ(jwt_add_grants_json(jwt, js), 0);
  if (kid != NULL) ASSERT_EQ(jwt_add_header(jwt, "kid", kid), 0);
  ASSERT_EQ(jwt_set_alg(jwt, alg, key, (int)keylen), 0);
  tok = jwt_encode_str(jwt);
  ASSERT(tok != NULL);
  jwt_free(jwt);
  free(js);
  json_decref(claims);
  return tok;
}

#endif
