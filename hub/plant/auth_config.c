/* auth_config.c -- the JWT settings: algorithm and key file (see auth.h).
 *
 * Design: everything that can be wrong with the settings is found at start,
 * not at the first login: the algorithm must be one of the three the hub
 * accepts, an HS256 secret must be long enough and not a PEM (a PEM as
 * HMAC secret is the classic algorithm-confusion mistake), and an RS256 or
 * ES256 key must be a public key PEM (a JWK Set is read by auth_jwks.c).
 * Claim paths are checked here too.  Messages name the setting and the
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

/* The settings every configuration shares: leeway, the default claims,
 * issuer and audience. */
static int config_common(auth_config *cfg, const char *issuer,
                         const char *audience, char *err, size_t errlen) {
  cfg->leeway_s = AUTH_LEEWAY_S_DEFAULT;
  strcpy(cfg->role_claim, "role");
  strcpy(cfg->lines_claim, "lines");
  strcpy(cfg->user_claim, "sub");
  if ((issuer != NULL && issuer[0] != '\0' &&
       (cfg->issuer = strdup(issuer)) == NULL) ||
      (audience != NULL && audience[0] != '\0' &&
       (cfg->audience = strdup(audience)) == NULL)) {
    snprintf(err, errlen, "--jwt-issuer/--jwt-audience: out of memory");
    return -ENOMEM;
  }
  return 0;
}

int auth_config_load(auth_config *cfg, const char *alg_name,
                     const char *key_file, const char *issuer,
                     const char *audience, char *err, size_t errlen) {
  char why[256];
  auth_key *k;
  int rc;

  memset(cfg, 0, sizeof *cfg);
  if ((rc = config_common(cfg, issuer, audience, err, errlen)) != 0) goto fail;
  if (auth_alg_from(alg_name) == JWT_ALG_INVAL) {
    snprintf(err, errlen, "--jwt-alg: unsupported algorithm '%s' (use "
             "HS256, RS256 or ES256)", alg_name ? alg_name : "");
    rc = -EINVAL;
    goto fail;
  }
  if (key_file == NULL || key_file[0] == '\0') {
    snprintf(err, errlen, "--jwt-key-file: required");
    rc = -EINVAL;
    goto fail;
  }
  if ((cfg->keys = k = calloc(1, sizeof *k)) == NULL) {
    snprintf(err, errlen, "--jwt-key-file: out of memory");
    rc = -ENOMEM;
    goto fail;
  }
  cfg->nkeys = 1;
  k->alg = auth_alg_from(alg_name);
  rc = auth_key_load(key_file, k->alg,
                     k->alg == JWT_ALG_HS256 ? NULL : "PUBLIC KEY",
                     &k->key, &k->keylen, why, sizeof why);
  if (rc != 0) {
    snprintf(err, errlen, "--jwt-key-file: %s", why);
    goto fail;
  }
  return 0;
fail:
  auth_config_free(cfg);
  return rc;
}

int auth_config_hmac(auth_config *cfg, const char *kid,
                     const unsigned char *key, size_t keylen,
                     const char *issuer) {
  char err[128];
  auth_key *k;
  int rc;

  memset(cfg, 0, sizeof *cfg);
  if (kid == NULL || kid[0] == '\0' || strlen(kid) > AUTH_KID_MAX ||
      keylen < AUTH_HMAC_MIN)
    return -EINVAL;
  if ((rc = config_common(cfg, issuer, NULL, err, sizeof err)) != 0) goto fail;
  rc = -ENOMEM;
  if ((cfg->keys = k = calloc(1, sizeof *k)) == NULL ||
      (k->key = malloc(keylen)) == NULL)
    goto fail;
  cfg->nkeys = 1;
  cfg->by_kid = 1;
  snprintf(k->kid, sizeof k->kid, "%s", kid);
  k->alg = JWT_ALG_HS256;
  memcpy(k->key, key, keylen);
  k->keylen = keylen;
  return 0;
fail:
  auth_config_free(cfg);
  return rc;
}

int auth_jwks_load(auth_config *cfg, const char *jwks_file, const char *issuer,
                   const char *audience, char *err, size_t errlen) {
  char why[400];
  int rc;

  memset(cfg, 0, sizeof *cfg);
  if ((rc = config_common(cfg, issuer, audience, err, errlen)) != 0) goto fail;
  cfg->by_kid = 1;
  if ((cfg->jwks_file = strdup(jwks_file ? jwks_file : "")) == NULL) {
    snprintf(err, errlen, "--jwt-jwks-file: out of memory");
    rc = -ENOMEM;
    goto fail;
  }
  rc = auth_jwks_read(cfg->jwks_file, &cfg->keys, &cfg->nkeys, why, sizeof why);
  if (rc != 0) {
    snprintf(err, errlen, "--jwt-jwks-file: %s", why);
    goto fail;
  }
  return 0;
fail:
  auth_config_free(cfg);
  return rc;
}

int auth_jwks_reload(auth_config *cfg, char *err, size_t errlen) {
  auth_key *keys;
  size_t n;
  int rc;

  if (!cfg->by_kid || cfg->jwks_file == NULL) {
    snprintf(err, errlen, "no --jwt-jwks-file");
    return -ENOENT;
  }
  rc = auth_jwks_read(cfg->jwks_file, &keys, &n, err, errlen);
  if (rc != 0) return rc;
  auth_keys_free(cfg->keys, cfg->nkeys);
  cfg->keys = keys;
  cfg->nkeys = n;
  return 0;
}

/* One dotted path: non-empty segments, at most AUTH_CLAIM_PATH_MAX bytes. */
static int claim_path_ok(const char *p) {
  size_t n = strlen(p);
  return n > 0 && n <= AUTH_CLAIM_PATH_MAX && p[0] != '.' && p[n - 1] != '.' &&
         strstr(p, "..") == NULL;
}

int auth_config_claims(auth_config *cfg, const char *role_claim,
                       const char *lines_claim, const char *user_claim,
                       char *err, size_t errlen) {
  const char *val[3] = {role_claim, lines_claim, user_claim};
  const char *opt[3] = {"--jwt-role-claim", "--jwt-lines-claim", "--jwt-user-claim"};
  char *dst[3] = {cfg->role_claim, cfg->lines_claim, cfg->user_claim};

  for (int i = 0; i < 3; i++) {
    if (val[i] == NULL || val[i][0] == '\0') continue;
    if (!claim_path_ok(val[i])) {
      snprintf(err, errlen, "%s: '%.200s' is not a dotted claim path (a.b.c, "
               "at most %d bytes)", opt[i], val[i], AUTH_CLAIM_PATH_MAX);
      return -EINVAL;
    }
  }
  for (int i = 0; i < 3; i++)
    if (val[i] != NULL && val[i][0] != '\0') strcpy(dst[i], val[i]);
  return 0;
}

int auth_config_role_map(auth_config *cfg, const char *path, char *err,
                         size_t errlen) {
  char *data = NULL, buf[64];
  const char *name;
  size_t len, n = 0;
  json_t *root, *v;
  auth_role_alias *map = NULL;
  int rc = file_read_all(path, AUTH_KEY_FILE_MAX, &data, &len), r;

  if (rc != 0) {
    snprintf(err, errlen, "--jwt-role-map: %s: %s", path,
             file_strerror(rc, AUTH_KEY_FILE_MAX, buf, sizeof buf));
    return rc;
  }
  root = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
  free(data);
  rc = -EINVAL;
  if (!json_is_object(root) || json_object_size(root) == 0) {
    snprintf(err, errlen, "--jwt-role-map: %s: not a JSON object of IdP role "
             "-> floorhub role", path);
    goto fail;
  }
  if ((map = calloc(json_object_size(root), sizeof *map)) == NULL) {
    snprintf(err, errlen, "--jwt-role-map: out of memory");
    rc = -ENOMEM;
    goto fail;
  }
  json_object_foreach(root, name, v) {
    r = json_is_string(v) ? fh_role_from(json_string_value(v), json_string_length(v)) : -1;
    if (r < 0 || strlen(name) == 0 || strlen(name) > AUTH_CLAIM_PATH_MAX) {
      snprintf(err, errlen, "--jwt-role-map: %s: '%.64s': the value is not a "
               "floorhub role (or the name is empty or too long)", path, name);
      goto fail;
    }
    snprintf(map[n].name, sizeof map[n].name, "%s", name);
    map[n++].role = (fh_role)r;
  }
  free(cfg->role_map);
  cfg->role_map = map;
  cfg->nrole_map = n;
  json_decref(root);
  return 0;
fail:
  free(map);
  json_decref(root);
  return rc;
}

char *auth_sign(jwt_alg_t alg, const unsigned char *key, size_t keylen,
                const char *kid, json_t *claims) {
  char *text = json_dumps(claims, JSON_COMPACT), *token = NULL;
  jwt_t *jwt = NULL;

  if (text != NULL && jwt_new(&jwt) == 0 && jwt_add_grants_json(jwt, text) == 0 &&
      (kid == NULL || jwt_add_header(jwt, "kid", kid) == 0) &&
      jwt_set_alg(jwt, alg, key, (int)keylen) == 0)
    token = jwt_encode_str(jwt);
  jwt_free(jwt);
  free(text);
  return token;
}

void auth_keys_free(auth_key *keys, size_t n) {
  for (size_t i = 0; keys != NULL && i < n; i++) {
    if (keys[i].key != NULL) explicit_bzero(keys[i].key, keys[i].keylen);
    free(keys[i].key);
  }
  free(keys);
}

void auth_config_free(auth_config *cfg) {
  auth_keys_free(cfg->keys, cfg->nkeys);
  free(cfg->jwks_file);
  free(cfg->role_map);
  free(cfg->issuer);
  free(cfg->audience);
  memset(cfg, 0, sizeof *cfg);
}
