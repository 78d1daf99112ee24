/* auth_config.c -- the JWT settings: algorithm and key file (see auth.h).
 *
 * Design: everything that can be wrong with the settings is found at start,
 * not at the first login: the algorithm must be one of the three the hub
 * accepts, an HS256 secret must be long enough and not a PEM (a PEM as
 * HMAC secret is the classic algorithm-confusion mistake), and an RS256 or
 * ES256 key must be a public key PEM.  Messages name the setting and the
 * file, never the key's content; key bytes are wiped before they are freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "file.h"

jwt_alg_t auth_alg_from(const char *alg_name) {
  if (alg_name == NULL) return JWT_ALG_INVAL;
  if (strcmp(alg_name, "HS256") == 0) return JWT_ALG_HS256;
  if (strcmp(alg_name, "RS256") == 0) return JWT_ALG_RS256;
  if (strcmp(alg_name, "ES256") == 0) return JWT_ALG_ES256;
  return JWT_ALG_INVAL;
}

/* The label of the first PEM block is `want` ("PUBLIC KEY"), or, when want
 * is "PRIVATE KEY", ends in it ("EC PRIVATE KEY") and is not encrypted (an
 * encrypted key would make OpenSSL prompt for a passphrase). */
static int pem_label_ok(const char *pem, const char *want) {
  const char *begin = strstr(pem, "-----BEGIN "), *end;
  size_t n, wn = strlen(want);

  if (begin == NULL) return 0;
  begin += strlen("-----BEGIN ");
  end = strstr(begin, "-----");
  if (end == NULL) return 0;
  n = (size_t)(end - begin);
  if (strcmp(want, "PUBLIC KEY") == 0)
    return n == wn && memcmp(begin, want, n) == 0;
  return n >= wn && memcmp(end - wn, want, wn) == 0 &&
         strstr(begin, "ENCRYPTED") == NULL;
}

/* Strips one trailing newline of a secret and checks what is left. */
static int check_secret(const char *path, char *data, size_t *len, char *err,
                        size_t errlen) {
  if (*len > 0 && data[*len - 1] == '\n') (*len)--;
  if (*len > 0 && data[*len - 1] == '\r') (*len)--;
  data[*len] = '\0';
  if (strstr(data, "-----BEGIN ") != NULL) {
    snprintf(err, errlen, "%s: holds a PEM key, HS256 needs a shared secret",
             path);
    return -EINVAL;
  }
  if (*len < AUTH_HMAC_MIN) {
    snprintf(err, errlen, "%s: HS256 secret has %zu bytes, at least %d are "
             "required", path, *len, AUTH_HMAC_MIN);
    return -EINVAL;
  }
  return 0;
}

int auth_key_load(const char *path, jwt_alg_t alg, const char *pem_label,
                  unsigned char **key, size_t *keylen, char *err,
                  size_t errlen) {
  char *data = NULL, why[64];
  size_t len = 0;
  int rc;

  *key = NULL;
  rc = file_read_all(path, AUTH_KEY_FILE_MAX, &data, &len);
  if (rc != 0) {
    snprintf(err, errlen, "%s: %s", path,
             file_strerror(rc, AUTH_KEY_FILE_MAX, why, sizeof why));
    return rc;
  }
  if (alg == JWT_ALG_HS256) {
    rc = check_secret(path, data, &len, err, errlen);
  } else if (pem_label == NULL || !pem_label_ok(data, pem_label)) {
    snprintf(err, errlen, "%s: not a PEM file of an unencrypted %s", path,
             pem_label ? pem_label : "key");
    rc = -EINVAL;
  }
  if (rc != 0) goto fail;
  *key = (unsigned char *)data;
  *keylen = len;
  return 0;
fail:
  explicit_bzero(data, len);
  free(data);
  return rc;
}

int auth_config_load(auth_config *cfg, const char *alg_name,
                     const char *key_file, const char *issuer,
                     const char *audience, char *err, size_t errlen) {
  char why[256];
  int rc;

  memset(cfg, 0, sizeof *cfg);
  cfg->leeway_s = AUTH_LEEWAY_S_DEFAULT;
  cfg->alg = auth_alg_from(alg_name);
  if (cfg->alg == JWT_ALG_INVAL) {
    snprintf(err, errlen, "--jwt-alg: unsupported algorithm '%s' (use "
             "HS256, RS256 or ES256)", alg_name ? alg_name : "");
    return -EINVAL;
  }
  if (key_file == NULL || key_file[0] == '\0') {
    snprintf(err, errlen, "--jwt-key-file: required");
    return -EINVAL;
  }
  rc = auth_key_load(key_file, cfg->alg,
                     cfg->alg == JWT_ALG_HS256 ? NULL : "PUBLIC KEY",
                     &cfg->key, &cfg->keylen, why, sizeof why);
  if (rc != 0) {
    snprintf(err, errlen, "--jwt-key-file: %s", why);
    return rc;
  }
  if ((issuer != NULL && issuer[0] != '\0' &&
       (cfg->issuer = strdup(issuer)) == NULL) ||
      (audience != NULL && audience[0] != '\0' &&
       (cfg->audience = strdup(audience)) == NULL)) {
    auth_config_free(cfg);
    snprintf(err, errlen, "--jwt-issuer/--jwt-audience: out of memory");
    return -ENOMEM;
  }
  return 0;
}

void auth_config_free(auth_config *cfg) {
  if (cfg->key != NULL) explicit_bzero(cfg->key, cfg->keylen);
  free(cfg->key);
  free(cfg->issuer);
  free(cfg->audience);
  memset(cfg, 0, sizeof *cfg);
  cfg->alg = JWT_ALG_INVAL;
}
