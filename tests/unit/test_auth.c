/* test_auth.c -- JWT verification (hub/auth.c) against tokens made here.
 *
 * Tokens are minted with libjwt itself (HS256 with a secret, RS256 and
 * ES256 with keys generated at test time by the `openssl` command into a
 * temporary directory: no key is committed) or put together by hand when
 * libjwt cannot make the attack (alg "none" with a signature, duplicate
 * claims, wrong header alg spelling).  Every check of auth_verify() is
 * broken once and must give its own auth_fail; valid tokens must give the
 * right identity.
 */
#include <errno.h>

#include <jansson.h>
#include <jwt.h>

#include "auth.h"
#include "fh_test.h"
#include "jwt_mint.h"

#define NOW_S 1700000000LL
#define NOW_MS (NOW_S * 1000)
#define SECRET "test-only-secret-0123456789-abcdefghij"

/* A temporary directory with the key files of one test. */
typedef struct keys {
  char dir[64];        /* mkdtemp result */
  char secret[96];     /* HS256 secret, with a trailing newline */
  char rsa_priv[96];   /* RS256 private key PEM */
  char rsa_pub[96];    /* its public key PEM */
  char ec_priv[96];    /* ES256 (P-256) private key PEM */
  char ec_pub[96];     /* its public key PEM */
} keys;

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  ASSERT(fputs(text, f) >= 0);
  ASSERT_EQ(fclose(f), 0);
}

/* The whole file, NUL-terminated; *len excludes the NUL. */
static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = calloc(1, 65536);
  ASSERT(f != NULL && buf != NULL);
  *len = fread(buf, 1, 65535, f);
  fclose(f);
  return buf;
}

static void run(const char *cmd) {
  if (system(cmd) != 0) FH_FAIL_("command failed (is openssl installed?): %s", cmd);
}

/* rsa/ec: also generate those key pairs with the openssl CLI. */
static void keys_make(keys *k, int rsa, int ec) {
  char cmd[512];

  snprintf(k->dir, sizeof k->dir, "/tmp/fh_auth_XXXXXX");
  ASSERT(mkdtemp(k->dir) != NULL);
  snprintf(k->secret, sizeof k->secret, "%s/secret", k->dir);
  snprintf(k->rsa_priv, sizeof k->rsa_priv, "%s/rsa.pem", k->dir);
  snprintf(k->rsa_pub, sizeof k->rsa_pub, "%s/rsa.pub", k->dir);
  snprintf(k->ec_priv, sizeof k->ec_priv, "%s/ec.pem", k->dir);
  snprintf(k->ec_pub, sizeof k->ec_pub, "%s/ec.pub", k->dir);
  write_file(k->secret, SECRET "\n");
  if (rsa) {
    snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm RSA -pkeyopt "
             "rsa_keygen_bits:2048 -out %s 2>/dev/null && openssl pkey -in %s "
             "-pubout -out %s 2>/dev/null", k->rsa_priv, k->rsa_priv, k->rsa_pub);
    run(cmd);
  }
  if (ec) {
    snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm EC -pkeyopt "
             "ec_paramgen_curve:P-256 -out %s 2>/dev/null && openssl pkey -in "
             "%s -pubout -out %s 2>/dev/null", k->ec_priv, k->ec_priv, k->ec_pub);
    run(cmd);
  }
}

static void keys_free(keys *k) {
  const char *files[] = {k->secret, k->rsa_priv, k->rsa_pub, k->ec_priv,
                         k->ec_pub};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) unlink(files[i]);
  rmdir(k->dir);
}

static void config(auth_config *cfg, const char *alg, const char *key_file,
                   const char *iss, const char *aud) {
  char err[256] = "";
  if (auth_config_load(cfg, alg, key_file, iss, aud, err, sizeof err) != 0)
    FH_FAIL_("auth_config_load: %s", err);
}

/* The claims of a good operator token at NOW. */
static json_t *claims_ok(void) {
  return json_pack("{s:s, s:s, s:I, s:I}", "sub", "anna", "role", "operator",
                   "iat", (json_int_t)NOW_S, "exp", (json_int_t)(NOW_S + 3600));
}

/* Signs claims (consumed) with libjwt; key is a file's bytes. */
static char *mint_with(jwt_alg_t alg, const void *key, size_t keylen,
                       json_t *claims) {
  return jwt_mint(alg, key, keylen, NULL, claims);
}

static char *mint_file(jwt_alg_t alg, const char *key_file, json_t *claims) {
  size_t len;
  char *key = read_all(key_file, &len);
  char *tok = mint_with(alg, key, len, claims);
  free(key);
  return tok;
}

static char *mint_hs(json_t *claims) {
  return mint_with(JWT_ALG_HS256, SECRET, strlen(SECRET), claims);
}

static void b64url(const void *data, size_t n, char *out) {
  static const char abc[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const unsigned char *p = data;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < n) v |= p[i + 2];
    out[o++] = abc[(v >> 18) & 63];
    out[o++] = abc[(v >> 12) & 63];
    if (i + 1 < n) out[o++] = abc[(v >> 6) & 63];
    if (i + 2 < n) out[o++] = abc[v & 63];
  }
  out[o] = '\0';
}

/* header.payload.sig from JSON texts and a ready signature segment. */
static char *craft(const char *header, const char *payload, const char *sig) {
  char *tok = malloc(3 * FH_TOKEN_MAX);
  ASSERT(tok != NULL);
  b64url(header, strlen(header), tok);
  strcat(tok, ".");
  b64url(payload, strlen(payload), tok + strlen(tok));
  strcat(tok, ".");
  strcat(tok, sig);
  return tok;
}

static auth_fail verify(const auth_config *cfg, const char *tok,
                        fh_identity *id) {
  return auth_verify(cfg, tok, strlen(tok), NOW_MS, id);
}

/* The token (freed) must fail with want. */
#define EXPECT_FAIL(cfg, tok, want)                                           \
  do {                                                                       \
    fh_identity id_;                                                       \
    char *tok_ = (tok);                                                      \
    auth_fail got_ = verify((cfg), tok_, &id_);                              \
    if (got_ != (want))                                                      \
      FH_FAIL_("got %s, want %s", auth_fail_name(got_), auth_fail_name(want)); \
    ASSERT_EQ(id_.sub[0], '\0');                                             \
    free(tok_);                                                              \
  } while (0)

#define EXPECT_OK(cfg, tok)                                                   \
  do {                                                                       \
    fh_identity id_;                                                       \
    char *tok_ = (tok);                                                      \
    auth_fail got_ = verify((cfg), tok_, &id_);                              \
    if (got_ != AUTH_OK) FH_FAIL_("got %s, want ok", auth_fail_name(got_));  \
    free(tok_);                                                              \
  } while (0)

/* ------------------------------------------------------------ accepted */

FH_TEST(hs256_valid) {
  keys k;
  auth_config cfg;
  fh_identity id;
  char *tok;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL); /* trailing newline stripped */
  ASSERT_EQ(cfg.keys[0].keylen, strlen(SECRET));
  tok = mint_hs(claims_ok());
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.sub, "anna");
  ASSERT_EQ(id.role, FH_ROLE_OPERATOR);
  ASSERT_EQ(id.nlines, 0);
  ASSERT_EQ(id.exp_ms, (NOW_S + 3600) * 1000);
  free(tok);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(rs256_valid) {
  keys k;
  auth_config cfg;
  fh_identity id;
  json_t *c = claims_ok();
  char *tok;

  keys_make(&k, 1, 0);
  config(&cfg, "RS256", k.rsa_pub, NULL, NULL);
  json_object_set_new(c, "role", json_string("maintenance"));
  tok = mint_file(JWT_ALG_RS256, k.rsa_priv, c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.sub, "anna");
  ASSERT_EQ(id.role, FH_ROLE_MAINTENANCE);
  free(tok);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(es256_valid) {
  keys k;
  auth_config cfg;
  fh_identity id;
  json_t *c = claims_ok();
  char *tok;

  keys_make(&k, 0, 1);
  config(&cfg, "ES256", k.ec_pub, NULL, NULL);
  json_object_set_new(c, "role", json_string("gateway"));
  json_object_set_new(c, "sub", json_string("plc-gw-1"));
  tok = mint_file(JWT_ALG_ES256, k.ec_priv, c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.sub, "plc-gw-1");
  ASSERT_EQ(id.role, FH_ROLE_GATEWAY);
  free(tok);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(lines_claim_parsed) {
  keys k;
  auth_config cfg;
  fh_identity id;
  json_t *c = claims_ok();
  char *tok;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  json_object_set_new(c, "lines", json_pack("[s, s]", "L1", "L3-b.x"));
  tok = mint_hs(c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_EQ(id.nlines, 2);
  ASSERT_STR_EQ(id.lines[0], "L1");
  ASSERT_STR_EQ(id.lines[1], "L3-b.x");
  free(tok);

  c = claims_ok();
  json_object_set_new(c, "lines", json_array());
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS); /* empty would mean "all" */
  c = claims_ok();
  json_object_set_new(c, "lines", json_string("L1"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "lines", json_pack("[s, s]", "L1", "line/2"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "lines", json_pack("[s, i]", "L1", 2));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_t *many = json_array();
  for (int i = 0; i <= FH_LINES_MAX; i++) json_array_append_new(many, json_string("L1"));
  json_object_set_new(c, "lines", many);
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  auth_config_free(&cfg);
  keys_free(&k);
}

/* ------------------------------------------------------------ algorithms */

FH_TEST(alg_none_rejected) {
  keys k;
  auth_config cfg;
  char payload[256];
  jwt_t *jwt = NULL;
  char *tok;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  snprintf(payload, sizeof payload, "{\"sub\":\"anna\",\"role\":\"admin\","
           "\"exp\":%lld}", NOW_S + 3600);
  /* as libjwt writes it: empty signature */
  ASSERT_EQ(jwt_new(&jwt), 0);
  ASSERT_EQ(jwt_add_grants_json(jwt, payload), 0);
  tok = jwt_encode_str(jwt);
  ASSERT(tok != NULL);
  jwt_free(jwt);
  ASSERT(strstr(tok, "..") == NULL && tok[strlen(tok) - 1] == '.');
  EXPECT_FAIL(&cfg, tok, AUTH_E_ALG);
  /* with some signature, and with other spellings */
  EXPECT_FAIL(&cfg, craft("{\"alg\":\"none\"}", payload, "c2ln"), AUTH_E_ALG);
  EXPECT_FAIL(&cfg, craft("{\"alg\":\"None\",\"typ\":\"JWT\"}", payload, "c2ln"),
              AUTH_E_ALG);
  EXPECT_FAIL(&cfg, craft("{\"typ\":\"JWT\"}", payload, "c2ln"), AUTH_E_ALG);
  EXPECT_FAIL(&cfg, craft("{\"alg\":null}", payload, "c2ln"), AUTH_E_ALG);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(hs256_signed_with_rsa_public_pem) {
  keys k;
  auth_config cfg;
  size_t publen;
  char *pub, *tok;
  jwt_t *jwt = NULL;

  keys_make(&k, 1, 0);
  config(&cfg, "RS256", k.rsa_pub, NULL, NULL);
  pub = read_all(k.rsa_pub, &publen);
  tok = mint_with(JWT_ALG_HS256, pub, publen, claims_ok());
  /* libjwt alone takes the alg from the token and accepts it */
  ASSERT_EQ(jwt_decode(&jwt, tok, (const unsigned char *)pub, (int)publen), 0);
  jwt_free(jwt);
  EXPECT_FAIL(&cfg, tok, AUTH_E_ALG);
  free(pub);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(every_other_alg_rejected) {
  static const char *const configured[] = {"HS256", "RS256", "ES256"};
  static const jwt_alg_t configured_alg[] = {JWT_ALG_HS256, JWT_ALG_RS256,
                                             JWT_ALG_ES256};
  keys k;

  keys_make(&k, 1, 1);
  const struct {
    jwt_alg_t alg;        /* what the token is signed with */
    const char *key_file; /* its signing key; NULL: SECRET */
  } signers[] = {
      {JWT_ALG_HS256, NULL},       {JWT_ALG_HS384, NULL},
      {JWT_ALG_HS512, NULL},       {JWT_ALG_RS256, k.rsa_priv},
      {JWT_ALG_RS384, k.rsa_priv}, {JWT_ALG_RS512, k.rsa_priv},
      {JWT_ALG_ES256, k.ec_priv},
  };
  for (size_t i = 0; i < 3; i++) {
    const char *key = i == 0 ? k.secret : i == 1 ? k.rsa_pub : k.ec_pub;
    auth_config cfg;
    config(&cfg, configured[i], key, NULL, NULL);
    for (size_t s = 0; s < sizeof signers / sizeof signers[0]; s++) {
      char *tok = signers[s].key_file == NULL
                      ? mint_with(signers[s].alg, SECRET, strlen(SECRET),
                                  claims_ok())
                      : mint_file(signers[s].alg, signers[s].key_file,
                                  claims_ok());
      if (signers[s].alg == configured_alg[i]) EXPECT_OK(&cfg, tok);
      else EXPECT_FAIL(&cfg, tok, AUTH_E_ALG);
    }
    /* header spellings libjwt would take (it compares case-insensitively) */
    EXPECT_FAIL(&cfg, craft("{\"alg\":\"hs256\"}", "{}", "c2ln"), AUTH_E_ALG);
    EXPECT_FAIL(&cfg, craft("{\"alg\":\"ES384\"}", "{}", "c2ln"), AUTH_E_ALG);
    auth_config_free(&cfg);
  }
  keys_free(&k);
}

/* A token whose key differs from the configured one. */
FH_TEST(wrong_key_is_a_signature_failure) {
  keys k, other;
  auth_config cfg;

  keys_make(&k, 0, 1);
  keys_make(&other, 0, 1);
  config(&cfg, "ES256", k.ec_pub, NULL, NULL);
  EXPECT_FAIL(&cfg, mint_file(JWT_ALG_ES256, other.ec_priv, claims_ok()),
              AUTH_E_SIGNATURE);
  auth_config_free(&cfg);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  EXPECT_FAIL(&cfg, mint_with(JWT_ALG_HS256, SECRET "x", strlen(SECRET) + 1,
                              claims_ok()),
              AUTH_E_SIGNATURE);
  auth_config_free(&cfg);
  keys_free(&k);
  keys_free(&other);
}

/* ----------------------------------------------------------------- time */

FH_TEST(expiry_and_leeway) {
  keys k;
  auth_config cfg;
  json_t *c;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  ASSERT_EQ(cfg.leeway_s, 60);
  c = claims_ok();
  json_object_set_new(c, "exp", json_integer(NOW_S - 61));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_EXPIRED);
  c = claims_ok();
  json_object_set_new(c, "exp", json_integer(NOW_S - 60)); /* exactly at */
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_EXPIRED);
  c = claims_ok();
  json_object_set_new(c, "exp", json_integer(NOW_S - 59));
  EXPECT_OK(&cfg, mint_hs(c));
  c = claims_ok();
  json_object_set_new(c, "exp", json_integer(NOW_S - 30));
  EXPECT_OK(&cfg, mint_hs(c));
  /* absurd values do not overflow */
  c = claims_ok();
  json_object_set_new(c, "exp", json_integer(-9000000000000000000LL));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_EXPIRED);
  c = claims_ok();
  json_object_set_new(c, "exp", json_integer(9000000000000000000LL));
  EXPECT_OK(&cfg, mint_hs(c));
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(not_yet_valid) {
  keys k;
  auth_config cfg;
  json_t *c;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  c = claims_ok();
  json_object_set_new(c, "nbf", json_integer(NOW_S + 120));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_NOT_YET_VALID);
  c = claims_ok();
  json_object_set_new(c, "nbf", json_integer(NOW_S + 30)); /* within leeway */
  EXPECT_OK(&cfg, mint_hs(c));
  c = claims_ok();
  json_object_set_new(c, "iat", json_integer(NOW_S + 120));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_NOT_YET_VALID);
  c = claims_ok();
  json_object_set_new(c, "iat", json_integer(NOW_S + 60));
  EXPECT_OK(&cfg, mint_hs(c));
  auth_config_free(&cfg);
  keys_free(&k);
}

/* --------------------------------------------------------------- claims */

FH_TEST(claim_types) {
  keys k;
  auth_config cfg;
  json_t *c;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  c = claims_ok();
  json_object_del(c, "exp");
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "exp", json_string("1700003600"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "exp", json_real(1700003600.0));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "exp", json_null());
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "nbf", json_string("0"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "iat", json_real(1.5));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(subject) {
  keys k;
  auth_config cfg;
  char long_sub[FH_ID_MAX + 2];
  json_t *c;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  c = claims_ok();
  json_object_set_new(c, "sub", json_string(""));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_del(c, "sub");
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "sub", json_integer(42));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  c = claims_ok();
  json_object_set_new(c, "sub", json_string("anna\nadmin"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  memset(long_sub, 'u', sizeof long_sub - 1);
  long_sub[FH_ID_MAX + 1] = '\0';
  c = claims_ok();
  json_object_set_new(c, "sub", json_string(long_sub));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_CLAIMS);
  long_sub[FH_ID_MAX] = '\0';
  c = claims_ok();
  json_object_set_new(c, "sub", json_string(long_sub));
  EXPECT_OK(&cfg, mint_hs(c));
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(role) {
  keys k;
  auth_config cfg;
  json_t *c;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  c = claims_ok();
  json_object_set_new(c, "role", json_string("superuser"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_ROLE);
  c = claims_ok();
  json_object_set_new(c, "role", json_string("Admin"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_ROLE);
  c = claims_ok();
  json_object_del(c, "role");
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_ROLE);
  c = claims_ok();
  json_object_set_new(c, "role", json_pack("[s]", "admin"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_ROLE);
  for (int r = 0; r < FH_ROLE__COUNT; r++) {
    fh_identity id;
    char *tok;
    c = claims_ok();
    json_object_set_new(c, "role", json_string(fh_role_name((fh_role)r)));
    tok = mint_hs(c);
    ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
    ASSERT_EQ(id.role, r);
    free(tok);
  }
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(issuer_and_audience) {
  keys k;
  auth_config cfg;
  json_t *c;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, "floorhub-test", "hub-a");
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("floorhub-test"));
  json_object_set_new(c, "aud", json_string("hub-a"));
  EXPECT_OK(&cfg, mint_hs(c));
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("floorhub-test"));
  json_object_set_new(c, "aud", json_pack("[s, s]", "other", "hub-a"));
  EXPECT_OK(&cfg, mint_hs(c));

  c = claims_ok();
  json_object_set_new(c, "iss", json_string("evil"));
  json_object_set_new(c, "aud", json_string("hub-a"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_ISSUER);
  c = claims_ok();
  json_object_set_new(c, "aud", json_string("hub-a"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_ISSUER);
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("floorhub-test"));
  json_object_set_new(c, "aud", json_string("hub-b"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_AUDIENCE);
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("floorhub-test"));
  json_object_set_new(c, "aud", json_pack("[s, i]", "hub-b", 1));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_AUDIENCE);
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("floorhub-test"));
  json_object_set_new(c, "aud", json_array());
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_AUDIENCE);
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("floorhub-test"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_AUDIENCE);
  auth_config_free(&cfg);

  /* not configured: not checked */
  config(&cfg, "HS256", k.secret, "", NULL);
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("anyone"));
  json_object_set_new(c, "aud", json_string("anything"));
  EXPECT_OK(&cfg, mint_hs(c));
  auth_config_free(&cfg);
  keys_free(&k);
}

/* ---------------------------------------------------------------- shape */

FH_TEST(tampered_payload) {
  keys k;
  auth_config cfg;
  char payload[256], seg[512];
  char *tok, *forged;
  const char *dot1, *dot2;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  tok = mint_hs(claims_ok());
  dot1 = strchr(tok, '.');
  dot2 = strchr(dot1 + 1, '.');
  snprintf(payload, sizeof payload, "{\"sub\":\"anna\",\"role\":\"admin\","
           "\"iat\":%lld,\"exp\":%lld}", NOW_S, NOW_S + 3600);
  b64url(payload, strlen(payload), seg);
  forged = malloc(strlen(tok) + strlen(seg) + 1);
  ASSERT(forged != NULL);
  sprintf(forged, "%.*s.%s%s", (int)(dot1 - tok), tok, seg, dot2);
  EXPECT_FAIL(&cfg, forged, AUTH_E_SIGNATURE);
  /* one flipped bit in the signature */
  forged = strdup(tok);
  ASSERT(forged != NULL);
  forged[dot2 - tok + 1] = forged[dot2 - tok + 1] == 'A' ? 'B' : 'A';
  EXPECT_FAIL(&cfg, forged, AUTH_E_SIGNATURE);
  /* the same claims, duplicated with another value */
  EXPECT_FAIL(&cfg, craft("{\"alg\":\"HS256\"}",
                          "{\"sub\":\"a\",\"role\":\"viewer\",\"role\":\"admin\","
                          "\"exp\":1900000000}",
                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
              AUTH_E_MALFORMED);
  free(tok);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(truncated_and_extra_segments) {
  keys k;
  auth_config cfg;
  char *tok, *bad;
  size_t n;

  keys_make(&k, 0, 1);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  tok = mint_hs(claims_ok());
  n = strlen(tok);
  /* every proper prefix fails as malformed (or, cut at a dot, as such) */
  for (size_t cut = 0; cut < n; cut++) {
    fh_identity id;
    auth_fail f = auth_verify(&cfg, tok, cut, NOW_MS, &id);
    if (f != AUTH_E_MALFORMED) FH_FAIL_("prefix %zu: %s", cut, auth_fail_name(f));
  }
  bad = malloc(n + 8);
  ASSERT(bad != NULL);
  sprintf(bad, "%s.abcd", tok);
  EXPECT_FAIL(&cfg, bad, AUTH_E_MALFORMED);
  bad = malloc(n + 8);
  ASSERT(bad != NULL);
  sprintf(bad, "%s.", tok);
  EXPECT_FAIL(&cfg, bad, AUTH_E_MALFORMED);
  bad = strdup(tok);
  ASSERT(bad != NULL);
  bad[10] = '*'; /* outside the base64url alphabet */
  EXPECT_FAIL(&cfg, bad, AUTH_E_MALFORMED);
  bad = strdup(tok); /* a NUL inside */
  ASSERT(bad != NULL);
  {
    fh_identity id;
    bad[n - 3] = '\0';
    ASSERT_EQ(auth_verify(&cfg, bad, n, NOW_MS, &id), AUTH_E_MALFORMED);
    free(bad);
  }
  EXPECT_FAIL(&cfg, strdup(""), AUTH_E_MALFORMED);
  EXPECT_FAIL(&cfg, strdup("abc"), AUTH_E_MALFORMED);
  EXPECT_FAIL(&cfg, strdup(".."), AUTH_E_MALFORMED);
  EXPECT_FAIL(&cfg, craft("{\"alg\":\"HS256\"}", "[1]", "c2ln"),
              AUTH_E_MALFORMED);
  EXPECT_FAIL(&cfg, craft("{\"alg\":\"HS256\"}", "{\"a\":", "c2ln"),
              AUTH_E_MALFORMED);
  EXPECT_FAIL(&cfg, craft("{\"alg\":\"HS256\",\"crit\":[\"b64\"]}", "{}", "c2ln"),
              AUTH_E_MALFORMED);
  free(tok);
  auth_config_free(&cfg);

  /* an ES256 signature cut short is malformed too */
  config(&cfg, "ES256", k.ec_pub, NULL, NULL);
  tok = mint_file(JWT_ALG_ES256, k.ec_priv, claims_ok());
  n = strlen(tok);
  {
    fh_identity id;
    ASSERT_EQ(auth_verify(&cfg, tok, n, NOW_MS, &id), AUTH_OK);
    ASSERT_EQ(auth_verify(&cfg, tok, n - 4, NOW_MS, &id), AUTH_E_MALFORMED);
  }
  free(tok);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(too_large) {
  keys k;
  auth_config cfg;
  json_t *c = claims_ok();
  char *big, *tok;
  fh_identity id;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  big = malloc(FH_TOKEN_MAX);
  ASSERT(big != NULL);
  memset(big, 'x', FH_TOKEN_MAX - 1);
  big[FH_TOKEN_MAX - 1] = '\0';
  json_object_set_new(c, "pad", json_string(big));
  tok = mint_hs(c);
  ASSERT_GT(strlen(tok), FH_TOKEN_MAX);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_E_TOO_LARGE);
  free(tok);
  /* the limit is on the length: 8193 bytes of anything, and 8192 is not */
  tok = malloc(FH_TOKEN_MAX + 2);
  ASSERT(tok != NULL);
  memset(tok, 'a', FH_TOKEN_MAX + 1);
  ASSERT_EQ(auth_verify(&cfg, tok, FH_TOKEN_MAX + 1, NOW_MS, &id),
            AUTH_E_TOO_LARGE);
  ASSERT_EQ(auth_verify(&cfg, tok, FH_TOKEN_MAX, NOW_MS, &id), AUTH_E_MALFORMED);
  free(tok);
  free(big);
  auth_config_free(&cfg);
  keys_free(&k);
}

/* --------------------------------------------------------------- config */

FH_TEST(config_errors) {
  keys k;
  auth_config cfg;
  char err[256], want[256];

  keys_make(&k, 1, 0);
  ASSERT_EQ(auth_config_load(&cfg, "none", k.secret, NULL, NULL, err, sizeof err),
            -EINVAL);
  ASSERT_STR_EQ(err, "--jwt-alg: unsupported algorithm 'none' (use HS256, "
                     "RS256 or ES256)");
  ASSERT_EQ(auth_config_load(&cfg, "HS384", k.secret, NULL, NULL, err, sizeof err),
            -EINVAL);
  ASSERT_EQ(auth_config_load(&cfg, "hs256", k.secret, NULL, NULL, err, sizeof err),
            -EINVAL);
  ASSERT_EQ(auth_config_load(&cfg, "HS256", "/nonexistent/key", NULL, NULL, err,
                             sizeof err),
            -ENOENT);
  ASSERT_STR_EQ(err, "--jwt-key-file: /nonexistent/key: No such file or directory");
  ASSERT_EQ(auth_config_load(&cfg, "HS256", NULL, NULL, NULL, err, sizeof err),
            -EINVAL);
  ASSERT_STR_EQ(err, "--jwt-key-file: required");

  write_file(k.secret, "short-secret\n");
  ASSERT_EQ(auth_config_load(&cfg, "HS256", k.secret, NULL, NULL, err, sizeof err),
            -EINVAL);
  snprintf(want, sizeof want, "--jwt-key-file: %s: HS256 secret has 12 bytes, "
           "at least 32 are required", k.secret);
  ASSERT_STR_EQ(err, want);
  ASSERT(strstr(err, "short-secret") == NULL); /* never the secret itself */

  /* a PEM as HMAC secret, a private key where the public one belongs */
  ASSERT_EQ(auth_config_load(&cfg, "HS256", k.rsa_pub, NULL, NULL, err, sizeof err),
            -EINVAL);
  snprintf(want, sizeof want, "--jwt-key-file: %s: holds a PEM key, HS256 "
           "needs a shared secret", k.rsa_pub);
  ASSERT_STR_EQ(err, want);
  ASSERT_EQ(auth_config_load(&cfg, "RS256", k.rsa_priv, NULL, NULL, err,
                             sizeof err),
            -EINVAL);
  snprintf(want, sizeof want, "--jwt-key-file: %s: not a PEM file of an "
           "unencrypted PUBLIC KEY", k.rsa_priv);
  ASSERT_STR_EQ(err, want);
  ASSERT_EQ(auth_config_load(&cfg, "ES256", k.secret, NULL, NULL, err, sizeof err),
            -EINVAL);

  /* a failed load leaves nothing to free, a good one frees cleanly twice */
  config(&cfg, "RS256", k.rsa_pub, "iss", "aud");
  ASSERT_STR_EQ(cfg.issuer, "iss");
  ASSERT_STR_EQ(cfg.audience, "aud");
  auth_config_free(&cfg);
  ASSERT(cfg.keys == NULL);
  auth_config_free(&cfg);
  keys_free(&k);
}

FH_TEST(fail_names) {
  static const char *const names[] = {
      "ok", "too_large", "malformed", "alg", "signature", "expired",
      "not_yet_valid", "claims", "issuer", "audience", "role", "internal",
      "unknown_kid", "revoked", "disabled"};
  ASSERT_EQ(sizeof names / sizeof names[0], AUTH_FAIL__COUNT);
  for (int f = 0; f < AUTH_FAIL__COUNT; f++)
    ASSERT_STR_EQ(auth_fail_name((auth_fail)f), names[f]);
  ASSERT_STR_EQ(auth_fail_name(AUTH_FAIL__COUNT), "unknown");
}

/* jti: kept when it is 1..FH_JTI_MAX bytes of text, else ignored. */
FH_TEST(jti_kept_or_ignored) {
  char long_jti[FH_JTI_MAX + 2];
  keys k;
  auth_config cfg;
  fh_identity id;
  json_t *c;
  char *tok;

  keys_make(&k, 0, 0);
  config(&cfg, "HS256", k.secret, NULL, NULL);
  c = claims_ok();
  json_object_set_new(c, "jti", json_string("0123abcd"));
  tok = mint_hs(c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.jti, "0123abcd");
  free(tok);
  memset(long_jti, 'j', sizeof long_jti - 1);
  long_jti[sizeof long_jti - 1] = '\0';
  c = claims_ok();
  json_object_set_new(c, "jti", json_string(long_jti));
  tok = mint_hs(c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.jti, "");
  free(tok);
  c = claims_ok();
  json_object_set_new(c, "jti", json_integer(7));
  tok = mint_hs(c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.jti, "");
  free(tok);
  auth_config_free(&cfg);
  keys_free(&k);
}

/* auth_config_hmac: the hub's session key, chosen by kid, iss required. */
FH_TEST(hmac_by_kid) {
  auth_config cfg;
  fh_identity id;
  json_t *c;
  char *tok;

  ASSERT_EQ(auth_config_hmac(&cfg, "k", (const unsigned char *)"short", 5, "hub"),
            -EINVAL);
  ASSERT_EQ(auth_config_hmac(&cfg, "floorhub-session",
                             (const unsigned char *)SECRET, strlen(SECRET), "hub"), 0);
  c = claims_ok();
  json_object_set_new(c, "iss", json_string("hub"));
  tok = jwt_mint(JWT_ALG_HS256, SECRET, strlen(SECRET), "floorhub-session", c);
  ASSERT_EQ(verify(&cfg, tok, &id), AUTH_OK);
  ASSERT_STR_EQ(id.sub, "anna");
  free(tok);
  c = claims_ok(); /* no iss */
  EXPECT_FAIL(&cfg, jwt_mint(JWT_ALG_HS256, SECRET, strlen(SECRET),
                             "floorhub-session", c), AUTH_E_ISSUER);
  c = claims_ok(); /* no kid: not one of the hub's */
  json_object_set_new(c, "iss", json_string("hub"));
  EXPECT_FAIL(&cfg, mint_hs(c), AUTH_E_UNKNOWN_KID);
  c = claims_ok(); /* the kid, another key */
  json_object_set_new(c, "iss", json_string("hub"));
  EXPECT_FAIL(&cfg, jwt_mint(JWT_ALG_HS256, "another-secret-0123456789-0123456789", 36,
                             "floorhub-session", c), AUTH_E_SIGNATURE);
  c = claims_ok(); /* the kid and key, another alg */
  json_object_set_new(c, "iss", json_string("hub"));
  EXPECT_FAIL(&cfg, jwt_mint(JWT_ALG_HS384, SECRET, strlen(SECRET),
                             "floorhub-session", c), AUTH_E_ALG);
  auth_config_free(&cfg);
}

FH_TEST_MAIN(FH_TEST_ENTRY(hs256_valid), FH_TEST_ENTRY(rs256_valid),
             FH_TEST_ENTRY(es256_valid), FH_TEST_ENTRY(lines_claim_parsed),
             FH_TEST_ENTRY(alg_none_rejected),
             FH_TEST_ENTRY(hs256_signed_with_rsa_public_pem),
             FH_TEST_ENTRY(every_other_alg_rejected),
             FH_TEST_ENTRY(wrong_key_is_a_signature_failure),
             FH_TEST_ENTRY(expiry_and_leeway), FH_TEST_ENTRY(not_yet_valid),
             FH_TEST_ENTRY(claim_types), FH_TEST_ENTRY(subject),
             FH_TEST_ENTRY(role), FH_TEST_ENTRY(issuer_and_audience),
             FH_TEST_ENTRY(tampered_payload),
             FH_TEST_ENTRY(truncated_and_extra_segments),
             FH_TEST_ENTRY(too_large), FH_TEST_ENTRY(config_errors),
             FH_TEST_ENTRY(fail_names), FH_TEST_ENTRY(jti_kept_or_ignored),
             FH_TEST_ENTRY(hmac_by_kid))
