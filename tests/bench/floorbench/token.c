/* token.c -- HS256 tokens for the benchmark's floorhub clients (libjwt).
 *
 * The secret is read from the hub's own key file (one trailing newline
 * stripped, as the hub does) and wiped after use.  Tokens are never
 * printed: results name only the role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>

#include "token.h"

#define KEY_MAX 4096

char *token_mint(const char *key_file, const char *sub, const char *role,
                 long ttl_s) {
  unsigned char key[KEY_MAX];
  size_t n;
  jwt_t *jwt = NULL;
  char *tok = NULL;
  long now = (long)time(NULL);
  FILE *f = fopen(key_file, "rb");

  if (f == NULL) return NULL;
  n = fread(key, 1, sizeof key, f);
  fclose(f);
  if (n > 0 && key[n - 1] == '\n') n--;
  if (n == 0 || jwt_new(&jwt) != 0) goto fail;
  if (jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, "role", role) ||
      jwt_add_grant_int(jwt, "iat", now) ||
      jwt_add_grant_int(jwt, "exp", now + ttl_s) ||
      jwt_set_alg(jwt, JWT_ALG_HS256, key, (int)n))
    goto fail;
  tok = jwt_encode_str(jwt);
fail:
  memset(key, 0, sizeof key);
  jwt_free(jwt);
  return tok;
}
