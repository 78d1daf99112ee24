/* test_jwks.c -- JWK Sets (hub/plant/auth_jwks.c), kid selection and claim
 * mapping (hub/plant/auth.c).
 *
 * Key pairs are generated at test time by the `openssl` command; their
 * public halves are written as JWKs by this test (n/e or x/y read back with
 * OpenSSL), tokens are signed with libjwt and the private PEMs.  Checked:
 * the header's kid picks the key and its alg must be that key's; no kid,
 * an unknown kid and an encryption key's kid are AUTH_E_UNKNOWN_KID; a
 * weak key refuses the set naming it; a reload replaces the keys only when
 * the new set is good; role, user and lines are read from dotted paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth.h"
#include "fh_test.h"
#include "jwt_mint.h"

#define NOW_S 1700000000LL
#define NOW_MS (NOW_S * 1000)

static char dir[64];

static void run(const char *cmd) {
  if (system(cmd) != 0) FH_FAIL_("command failed: %s", cmd);
}

static char *path_of(const char *name) {
  static char buf[4][128];
  static int i;
  i = (i + 1) % 4;
  snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
  return buf[i];
}

/* A private key PEM file: "rsa:BITS" or "ec". */
static void genkey(const char *name, const char *kind) {
  char cmd[512];
  if (strncmp(kind, "rsa:", 4) == 0)
    snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm RSA -pkeyopt "
             "rsa_keygen_bits:%s -out %s 2>/dev/null", kind + 4, path_of(name));
  else
    snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm EC -pkeyopt "
             "ec_paramgen_curve:P-256 -out %s 2>/dev/null", path_of(name));
  run(cmd);
}

static char *b64url_bn(const BIGNUM *bn, int width) {
  unsigned char raw[1024];
  char b64[1400], *o;
  int n = width ? width : BN_num_bytes(bn);

  ASSERT(BN_bn2binpad(bn, raw, n) == n);
  ASSERT(EVP_EncodeBlock((unsigned char *)b64, raw, n) > 0);
  for (o = b64; *o; o++) {
    if (*o == '+') *o = '-';
    if (*o == '/') *o = '_';
    if (*o == '=') *o = '\0';
  }
  return strdup(b64);
}

/* The public JWK of the key in file name, with kid and use (NULL: none). */
static json_t *jwk_of(const char *name, const char *kid, const char *use) {
  FILE *f = fopen(path_of(name), "r");
  EVP_PKEY *pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  BIGNUM *a = NULL, *b = NULL;
  json_t *j;
  char *sa, *sb;
  int rsa;

  fclose(f);
  ASSERT(pk != NULL);
  rsa = EVP_PKEY_is_a(pk, "RSA");
  ASSERT(EVP_PKEY_get_bn_param(pk, rsa ? OSSL_PKEY_PARAM_RSA_N : OSSL_PKEY_PARAM_EC_PUB_X, &a));
  ASSERT(EVP_PKEY_get_bn_param(pk, rsa ? OSSL_PKEY_PARAM_RSA_E : OSSL_PKEY_PARAM_EC_PUB_Y, &b));
  sa = b64url_bn(a, rsa ? 0 : 32);
  sb = b64url_bn(b, rsa ? 0 : 32);
  j = rsa ? json_pack("{s:s, s:s, s:s, s:s}", "kty", "RSA", "kid", kid, "n", sa, "e", sb)
          : json_pack("{s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256",
                      "kid", kid, "x", sa, "y", sb);
  if (use) json_object_set_new(j, "use", json_string(use));
  free(sa);
  free(sb);
  BN_free(a);
  BN_free(b);
  EVP_PKEY_free(pk);
  return j;
}

/* Writes {"keys": [...]} (the array is consumed) to jwks.json. */
static const char *write_set(json_t *keys) {
  json_t *set = json_pack("{s:o}", "keys", keys);
  ASSERT_EQ(json_dump_file(set, path_of("jwks.json"), 0), 0);
  json_decref(set);
  return path_of("jwks.json");
}

/* Signs claims (consumed) with the private key file, alg and kid. */
static char *mint(const char *key, jwt_alg_t alg, const char *kid, json_t *claims) {
  char pem[16384];
  FILE *f = fopen(path_of(key), "r");
  size_t n;

  ASSERT(f != NULL);
  n = fread(pem, 1, sizeof pem - 1, f);
  fclose(f);
  pem[n] = '\0';
  return jwt_mint(alg, pem, n, kid, claims);
}

static json_t *claims(void) {
  return json_pack("{s:s, s:s, s:I}", "sub", "anna", "role", "operator", "exp",
                   (json_int_t)(NOW_S + 600));
}

static auth_fail verify(const auth_config *cfg, char *tok, fh_identity *id) {
  auth_fail f = auth_verify(cfg, tok, strlen(tok), NOW_MS, id);
  free(tok);
  return f;
}

static void load(auth_config *cfg, const char *file) {
  char err[512] = "";
  if (auth_jwks_load(cfg, file, NULL, NULL, err, sizeof err) != 0)
    FH_FAIL_("auth_jwks_load: %s", err);
}

FH_TEST(kid_selects_the_key) {
  auth_config cfg;
  fh_identity id;

  write_set(json_pack("[o, o, o]", jwk_of("rsa.pem", "k-rsa", "sig"),
                      jwk_of("ec.pem", "k-ec", NULL), jwk_of("rsa2.pem", "k-enc", "enc")));
  load(&cfg, path_of("jwks.json"));
  ASSERT_EQ(cfg.nkeys, 2);
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k-rsa", claims()), &id), AUTH_OK);
  ASSERT_STR_EQ(id.sub, "anna");
  ASSERT_EQ(verify(&cfg, mint("ec.pem", JWT_ALG_ES256, "k-ec", claims()), &id), AUTH_OK);
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, NULL, claims()), &id),
            AUTH_E_UNKNOWN_KID);
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k-nope", claims()), &id),
            AUTH_E_UNKNOWN_KID);
  ASSERT_EQ(verify(&cfg, mint("rsa2.pem", JWT_ALG_RS256, "k-enc", claims()), &id),
            AUTH_E_UNKNOWN_KID);
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k-ec", claims()), &id), AUTH_E_ALG);
  ASSERT_EQ(verify(&cfg, mint("ec.pem", JWT_ALG_ES256, "k-rsa", claims()), &id), AUTH_E_ALG);
  /* signed by another RSA key under k-rsa's kid */
  ASSERT_EQ(verify(&cfg, mint("rsa2.pem", JWT_ALG_RS256, "k-rsa", claims()), &id),
            AUTH_E_SIGNATURE);
  ASSERT_STR_EQ(auth_fail_name(AUTH_E_UNKNOWN_KID), "unknown_kid");
  auth_config_free(&cfg);
}

FH_TEST(weak_key_and_reload) {
  auth_config cfg;
  fh_identity id;
  char err[512] = "", want[512];

  write_set(json_pack("[o]", jwk_of("rsa.pem", "k1", "sig")));
  load(&cfg, path_of("jwks.json"));
  write_set(json_pack("[o, o]", jwk_of("rsa2.pem", "k2", "sig"),
                      jwk_of("weak.pem", "weak", "sig")));
  ASSERT_EQ(auth_jwks_reload(&cfg, err, sizeof err), -EINVAL);
  snprintf(want, sizeof want, "%s: key 1 (kid 'weak'): RSA key of 1024 bits, at "
           "least 2048 are required", path_of("jwks.json"));
  ASSERT_STR_EQ(err, want);
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k1", claims()), &id), AUTH_OK);
  write_set(json_pack("[o]", jwk_of("rsa2.pem", "k2", "sig")));
  ASSERT_EQ(auth_jwks_reload(&cfg, err, sizeof err), 0);
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k1", claims()), &id),
            AUTH_E_UNKNOWN_KID);
  ASSERT_EQ(verify(&cfg, mint("rsa2.pem", JWT_ALG_RS256, "k2", claims()), &id), AUTH_OK);
  auth_config_free(&cfg);
  write_set(json_pack("[o]", jwk_of("weak.pem", "weak", "sig")));
  ASSERT_EQ(auth_jwks_load(&cfg, path_of("jwks.json"), NULL, NULL, err, sizeof err),
            -EINVAL);
  ASSERT(cfg.keys == NULL);
  auth_config_free(&cfg);
}

FH_TEST(claim_paths) {
  auth_config cfg;
  fh_identity id;
  char err[256] = "";
  json_t *c;

  write_set(json_pack("[o]", jwk_of("rsa.pem", "k1", "sig")));
  load(&cfg, path_of("jwks.json"));
  ASSERT_EQ(auth_config_claims(&cfg, "realm_access.roles", "fh.lines",
                               "preferred_username", err, sizeof err), 0);
  c = json_pack("{s:s, s:s, s:I, s:{s:[s, s, s]}, s:{s:[s]}}", "sub", "uuid-1",
                "preferred_username", "anna", "exp", (json_int_t)(NOW_S + 600),
                "realm_access", "roles", "offline_access", "quality", "admin",
                "fh", "lines", "L2");
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k1", c), &id), AUTH_OK);
  ASSERT_STR_EQ(id.sub, "anna");
  ASSERT_EQ(id.role, FH_ROLE_QUALITY);
  ASSERT_EQ(id.nlines, 1);
  ASSERT_STR_EQ(id.lines[0], "L2");
  c = json_pack("{s:s, s:I, s:{s:[s]}}", "preferred_username", "anna", "exp",
                (json_int_t)(NOW_S + 600), "realm_access", "roles", "uma_authorization");
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k1", c), &id), AUTH_E_ROLE);
  c = json_pack("{s:s, s:I, s:s}", "sub", "x", "exp", (json_int_t)(NOW_S + 600),
                "role", "admin"); /* no preferred_username */
  ASSERT_EQ(verify(&cfg, mint("rsa.pem", JWT_ALG_RS256, "k1", c), &id), AUTH_E_CLAIMS);
  ASSERT_EQ(auth_config_claims(&cfg, NULL, ".lines", NULL, err, sizeof err), -EINVAL);
  ASSERT_STR_EQ(err, "--jwt-lines-claim: '.lines' is not a dotted claim path "
                "(a.b.c, at most 127 bytes)");
  auth_config_free(&cfg);
}

int main(int argc, char **argv) {
  static const fh_test_entry tests[] = {FH_TEST_ENTRY(kid_selects_the_key),
                                        FH_TEST_ENTRY(weak_key_and_reload),
                                        FH_TEST_ENTRY(claim_paths)};
  char cmd[128];
  int rc;

  snprintf(dir, sizeof dir, "/tmp/fh_jwks_XXXXXX");
  ASSERT(mkdtemp(dir) != NULL);
  genkey("rsa.pem", "rsa:2048");
  genkey("rsa2.pem", "rsa:2048");
  genkey("weak.pem", "rsa:1024");
  genkey("ec.pem", "ec");
  rc = fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  run(cmd);
  return rc;
}
