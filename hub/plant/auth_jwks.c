/* auth_jwks.c -- a JWK Set (RFC 7517) read into verification keys.
 *
 * Design: the identity provider's key set (Keycloak's certs endpoint,
 * Entra ID's discovery keys) is a file the plant's tooling keeps current;
 * the hub reaches no network.  Each JWK is judged whole before any key is
 * used: a key for encryption (`use: enc`, or key_ops without "verify") is
 * skipped -- it verifies nothing; every other key must be a public RSA key
 * of at least 2048 bits (RS256) or an EC P-256 key whose point lies on the
 * curve (ES256), with a kid unique in the set, and an `alg`, when given,
 * that is exactly that key's algorithm.  Private members (d, p, q, ..., k)
 * are refused, so the hub never holds signing material.  The key is turned
 * into a public key PEM with OpenSSL 3 (EVP_PKEY_fromdata), the form
 * libjwt verifies with.  Anything wrong fails the whole set with a message
 * naming the file, the key (index and kid) and the problem; a set is never
 * half loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "auth.h"
#include "file.h"

#define JWKS_FILE_MAX (1024 * 1024) /* bytes of a JWK Set file at most */
#define RSA_BITS_MIN 2048
#define RSA_BITS_MAX 16384
#define EC_COORD 32                 /* bytes of a P-256 coordinate */

/* A member holding base64url bytes, decoded into buf (cap bytes). */
static int member_bytes(json_t *jwk, const char *name, unsigned char *buf,
                        size_t cap, size_t *n, char *why, size_t whylen) {
  json_t *v = json_object_get(jwk, name);
  size_t len = json_string_length(v);

  if (!json_is_string(v) || len == 0 || len / 4 * 3 + 3 > cap ||
      auth_b64url_decode(json_string_value(v), len, buf, n) != 0 || *n == 0) {
    snprintf(why, whylen, "'%s' is missing or not base64url", name);
    return -EINVAL;
  }
  return 0;
}

/* A public key from OpenSSL parameters of key type `type`. */
static EVP_PKEY *key_from(const char *type, OSSL_PARAM_BLD *bld) {
  OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
  EVP_PKEY *pk = NULL;

  if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
    pk = NULL;
  OSSL_PARAM_free(params);
  EVP_PKEY_CTX_free(ctx);
  return pk;
}

static EVP_PKEY *rsa_key(json_t *jwk, char *why, size_t whylen) {
  unsigned char n[RSA_BITS_MAX / 8 + 8], e[16];
  size_t nn, en;
  BIGNUM *bn = NULL, *be = NULL;
  OSSL_PARAM_BLD *bld = NULL;
  EVP_PKEY *pk = NULL;

  if (member_bytes(jwk, "n", n, sizeof n, &nn, why, whylen) != 0 ||
      member_bytes(jwk, "e", e, sizeof e, &en, why, whylen) != 0)
    return NULL;
  bn = BN_bin2bn(n, (int)nn, NULL);
  be = BN_bin2bn(e, (int)en, NULL);
  if (bn == NULL || be == NULL) {
    snprintf(why, whylen, "out of memory");
  } else if (BN_num_bits(bn) < RSA_BITS_MIN || BN_num_bits(bn) > RSA_BITS_MAX) {
    snprintf(why, whylen, "RSA key of %d bits, at least %d are required",
             BN_num_bits(bn), RSA_BITS_MIN);
  } else if (!BN_is_odd(be) || BN_num_bits(be) < 2) {
    snprintf(why, whylen, "RSA exponent 'e' is not an odd number above 1");
  } else if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
             !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
             !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
             (pk = key_from("RSA", bld)) == NULL) {
    snprintf(why, whylen, "not a valid RSA public key");
  }
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn);
  BN_free(be);
  return pk;
}

static EVP_PKEY *ec_key(json_t *jwk, char *why, size_t whylen) {
  unsigned char pt[1 + 2 * EC_COORD + 8], y[EC_COORD + 8];
  const char *crv = json_string_value(json_object_get(jwk, "crv"));
  size_t xn, yn;
  OSSL_PARAM_BLD *bld = NULL;
  EVP_PKEY_CTX *chk = NULL;
  EVP_PKEY *pk = NULL;

  if (crv == NULL || strcmp(crv, "P-256") != 0) {
    snprintf(why, whylen, "EC curve '%s' is not supported (P-256)",
             crv ? crv : "");
    return NULL;
  }
  if (member_bytes(jwk, "x", pt + 1, sizeof pt - 1, &xn, why, whylen) != 0 ||
      member_bytes(jwk, "y", y, sizeof y, &yn, why, whylen) != 0)
    return NULL;
  if (xn != EC_COORD || yn != EC_COORD) {
    snprintf(why, whylen, "P-256 coordinates 'x' and 'y' must be %d bytes",
             EC_COORD);
    return NULL;
  }
  pt[0] = 0x04; /* uncompressed point */
  memcpy(pt + 1 + EC_COORD, y, EC_COORD);
  if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
      !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                       "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
                                        1 + 2 * EC_COORD) ||
      (pk = key_from("EC", bld)) == NULL ||
      (chk = EVP_PKEY_CTX_new(pk, NULL)) == NULL ||
      EVP_PKEY_public_check(chk) != 1) {
    snprintf(why, whylen, "not a point on the P-256 curve");
    EVP_PKEY_free(pk);
    pk = NULL;
  }
  EVP_PKEY_CTX_free(chk);
  OSSL_PARAM_BLD_free(bld);
  return pk;
}

/* The public key PEM of pk into k->key. */
static int key_pem(EVP_PKEY *pk, auth_key *k) {
  BIO *bio = BIO_new(BIO_s_mem());
  char *data;
  long n;
  int rc = -ENOMEM;

  if (bio != NULL && PEM_write_bio_PUBKEY(bio, pk) == 1 &&
      (n = BIO_get_mem_data(bio, &data)) > 0 &&
      (k->key = malloc((size_t)n + 1)) != NULL) {
    memcpy(k->key, data, (size_t)n);
    k->key[n] = '\0';
    k->keylen = (size_t)n;
    rc = 0;
  }
  BIO_free(bio);
  return rc;
}

/* 1 when the JWK is not for verifying signatures (use enc, key_ops). */
static int not_for_signatures(json_t *jwk, const char *use) {
  json_t *ops = json_object_get(jwk, "key_ops");

  if (use != NULL && strcmp(use, "enc") == 0) return 1;
  if (ops == NULL) return 0;
  for (size_t i = 0; json_is_array(ops) && i < json_array_size(ops); i++)
    if (json_is_string(json_array_get(ops, i)) &&
        strcmp(json_string_value(json_array_get(ops, i)), "verify") == 0)
      return 0;
  return 1;
}

/* What the JWK's members say before the key is built: 0, 1 to skip it,
 * or -EINVAL with why.  *alg is the key's algorithm. */
static int jwk_meta(json_t *jwk, jwt_alg_t *alg, char *why, size_t whylen) {
  static const char *const private_members[] = {"d", "p", "q", "dp", "dq",
                                                "qi", "oth", "k"};
  const char *use = json_string_value(json_object_get(jwk, "use"));
  const char *kty = json_string_value(json_object_get(jwk, "kty"));
  const char *kid = json_string_value(json_object_get(jwk, "kid"));
  const char *a = json_string_value(json_object_get(jwk, "alg"));

  if (!json_is_object(jwk)) return snprintf(why, whylen, "not a JSON object"), -EINVAL;
  for (size_t i = 0; i < sizeof private_members / sizeof *private_members; i++)
    if (json_object_get(jwk, private_members[i]) != NULL)
      return snprintf(why, whylen, "holds private key material ('%s'): the hub "
                      "takes public keys only", private_members[i]), -EINVAL;
  if (use != NULL && strcmp(use, "sig") != 0 && strcmp(use, "enc") != 0)
    return snprintf(why, whylen, "use '%s' is neither sig nor enc", use), -EINVAL;
  if (not_for_signatures(jwk, use)) return 1;
  if (kid == NULL || kid[0] == '\0' || strlen(kid) > AUTH_KID_MAX)
    return snprintf(why, whylen, "'kid' is missing or longer than %d bytes",
                    AUTH_KID_MAX), -EINVAL;
  if (kty == NULL || (strcmp(kty, "RSA") != 0 && strcmp(kty, "EC") != 0))
    return snprintf(why, whylen, "kty '%s' is not supported (RSA, EC)",
                    kty ? kty : ""), -EINVAL;
  *alg = strcmp(kty, "RSA") == 0 ? JWT_ALG_RS256 : JWT_ALG_ES256;
  if (a != NULL && strcmp(a, jwt_alg_str(*alg)) != 0)
    return snprintf(why, whylen, "alg '%s' is not what the hub verifies with "
                    "a %s key (%s)", a, kty, jwt_alg_str(*alg)), -EINVAL;
  return 0;
}

/* One JWK into k: 0, 1 when skipped, or -EINVAL / -ENOMEM with why. */
static int jwk_read(json_t *jwk, auth_key *k, char *why, size_t whylen) {
  EVP_PKEY *pk;
  int rc = jwk_meta(jwk, &k->alg, why, whylen);

  if (rc != 0) return rc;
  snprintf(k->kid, sizeof k->kid, "%s",
           json_string_value(json_object_get(jwk, "kid")));
  pk = k->alg == JWT_ALG_RS256 ? rsa_key(jwk, why, whylen)
                               : ec_key(jwk, why, whylen);
  ERR_clear_error();
  if (pk == NULL) return -EINVAL;
  rc = key_pem(pk, k);
  EVP_PKEY_free(pk);
  if (rc != 0) snprintf(why, whylen, "out of memory");
  return rc;
}

/* The keys of the parsed set into keys (room for every entry). */
static int set_read(const char *path, json_t *list, auth_key *keys,
                    size_t *n, char *err, size_t errlen) {
  char why[160];

  for (size_t i = 0; i < json_array_size(list); i++) {
    json_t *jwk = json_array_get(list, i);
    const char *kid = json_string_value(json_object_get(jwk, "kid"));
    int rc = jwk_read(jwk, &keys[*n], why, sizeof why);

    for (size_t j = 0; rc == 0 && j < *n; j++)
      if (strcmp(keys[j].kid, keys[*n].kid) == 0) {
        snprintf(why, sizeof why, "kid is not unique in the set");
        rc = -EINVAL;
      }
    if (rc == 0) (*n)++;
    if (rc < 0) {
      snprintf(err, errlen, "%s: key %zu%s%.*s%s: %s", path, i,
               kid ? " (kid '" : "", kid ? 64 : 0, kid ? kid : "",
               kid ? "')" : "", why);
      return rc;
    }
  }
  if (*n == 0) {
    snprintf(err, errlen, "%s: no key in the set verifies signatures", path);
    return -EINVAL;
  }
  return 0;
}

int auth_jwks_read(const char *path, auth_key **out, size_t *nout, char *err,
                   size_t errlen) {
  char *data = NULL, why[64];
  size_t len = 0, n = 0;
  json_error_t je;
  json_t *root = NULL, *list;
  auth_key *keys = NULL;
  int rc;

  *out = NULL;
  *nout = 0;
  if ((rc = file_read_all(path, JWKS_FILE_MAX, &data, &len)) != 0) {
    snprintf(err, errlen, "%s: %s", path,
             file_strerror(rc, JWKS_FILE_MAX, why, sizeof why));
    return rc;
  }
  rc = -EINVAL;
  root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
  list = json_object_get(root, "keys");
  if (root == NULL) {
    snprintf(err, errlen, "%s:%d: not JSON: %s", path, je.line, je.text);
  } else if (!json_is_array(list) || json_array_size(list) == 0) {
    snprintf(err, errlen, "%s: not a JWK Set: no \"keys\" array", path);
  } else if (json_array_size(list) > AUTH_KEYS_MAX) {
    snprintf(err, errlen, "%s: %zu keys, at most %d", path,
             json_array_size(list), AUTH_KEYS_MAX);
  } else if ((keys = calloc(json_array_size(list), sizeof *keys)) == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
    rc = -ENOMEM;
  } else if ((rc = set_read(path, list, keys, &n, err, errlen)) == 0) {
    *out = keys;
    *nout = n;
    keys = NULL;
  }
  auth_keys_free(keys, json_array_size(list));
  json_decref(root);
  free(data);
  return rc;
}
