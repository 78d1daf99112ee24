/* auth.c -- JWT verification on top of libjwt 1.10 (see auth.h).
 *
 * Design: auth_verify() is a pipeline of checks, each returning an
 * auth_fail: shape (our own base64url and JSON parse of header and payload,
 * so libjwt only ever sees well-formed tokens), header (the key: the one
 * key, or the JWK Set's key of the header's kid; alg pinned to that key's),
 * signature (jwt_decode with that key, then
 * jwt_get_alg once more), and claims (our own parse of the payload, kept
 * from the shape check -- the bytes libjwt verified -- and read with
 * jansson so that every type is checked).  Work buffers live on the
 * stack: a token is at most FH_TOKEN_MAX bytes.
 */
#include "auth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "plant.h"

static const char *const fail_names[AUTH_FAIL__COUNT] = {
    [AUTH_OK] = "ok",
    [AUTH_E_TOO_LARGE] = "too_large",
    [AUTH_E_MALFORMED] = "malformed",
    [AUTH_E_ALG] = "alg",
    [AUTH_E_SIGNATURE] = "signature",
    [AUTH_E_EXPIRED] = "expired",
    [AUTH_E_NOT_YET_VALID] = "not_yet_valid",
    [AUTH_E_CLAIMS] = "claims",
    [AUTH_E_ISSUER] = "issuer",
    [AUTH_E_AUDIENCE] = "audience",
    [AUTH_E_ROLE] = "role",
    [AUTH_E_INTERNAL] = "internal",
    [AUTH_E_UNKNOWN_KID] = "unknown_kid",
    [AUTH_E_REVOKED] = "revoked",
    [AUTH_E_DISABLED] = "disabled",
};

/* A token split at its two dots: [0] header, [1] payload, [2] signature. */
typedef struct segments {
  const char *p[3]; /* start of each segment */
  size_t n[3];      /* bytes of each segment */
} segments;

const char *auth_fail_name(auth_fail f) {
  return (unsigned)f < AUTH_FAIL__COUNT ? fail_names[f] : "unknown";
}

/* ----------------------------------------------------------------- shape */

static int b64url_value(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '-') return 62;
  if (ch == '_') return 63;
  return -1;
}

/* Decodes unpadded base64url; out must hold n * 3 / 4 bytes.  Refuses
 * characters outside the alphabet, impossible lengths and non-zero
 * trailing bits (so that each value has one encoding). */
int auth_b64url_decode(const char *s, size_t n, unsigned char *out,
                       size_t *outlen) {
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;

  if (n % 4 == 1) return -1;
  for (size_t i = 0; i < n; i++) {
    int v = b64url_value(s[i]);
    if (v < 0) return -1;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return -1;
  *outlen = o;
  return 0;
}

/* Splits at the dots: exactly three segments, header and payload not
 * empty (the signature is checked once the alg is known). */
static int split(const char *token, size_t len, segments *seg) {
  size_t start = 0, k = 0;

  for (size_t i = 0; i <= len; i++) {
    if (i < len && token[i] != '.') continue;
    if (k == 3 || (k < 2 && i == start)) return -1;
    seg->p[k] = token + start;
    seg->n[k++] = i - start;
    start = i + 1;
  }
  return k == 3 ? 0 : -1;
}

/* Bytes of a signature of alg; 0 when it depends on the key (RSA). */
static size_t signature_len(jwt_alg_t alg) {
  return alg == JWT_ALG_HS256 ? 32 : alg == JWT_ALG_ES256 ? 64 : 0;
}

/* The JSON object encoded in a segment, or NULL. */
static json_t *segment_json(const char *s, size_t n) {
  unsigned char buf[FH_TOKEN_MAX];
  size_t len;
  json_t *v;

  if (auth_b64url_decode(s, n, buf, &len) != 0) return NULL;
  v = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
  if (v != NULL && !json_is_object(v)) {
    json_decref(v);
    v = NULL;
  }
  return v;
}

/* The key of the token: the one key, or the set's key named by the
 * header's kid; NULL when there is none. */
static const auth_key *select_key(const auth_config *cfg, json_t *hdr) {
  const char *kid = json_string_value(json_object_get(hdr, "kid"));

  if (!cfg->by_kid) return &cfg->keys[0];
  if (kid == NULL) return NULL;
  for (size_t i = 0; i < cfg->nkeys; i++)
    if (strcmp(cfg->keys[i].kid, kid) == 0) return &cfg->keys[i];
  return NULL;
}

static auth_fail check_header(const auth_config *cfg, json_t *hdr,
                              const auth_key **key) {
  const char *alg = json_string_value(json_object_get(hdr, "alg"));
  json_t *typ = json_object_get(hdr, "typ");

  if ((*key = select_key(cfg, hdr)) == NULL) return AUTH_E_UNKNOWN_KID;
  if (alg == NULL || strcmp(alg, jwt_alg_str((*key)->alg)) != 0)
    return AUTH_E_ALG;
  /* libjwt insists on typ "JWT" when present; we understand no "crit". */
  if ((typ != NULL && (!json_is_string(typ) ||
                       strcasecmp(json_string_value(typ), "JWT") != 0)) ||
      json_object_get(hdr, "crit") != NULL)
    return AUTH_E_MALFORMED;
  return AUTH_OK;
}

/* Everything that can be judged without the key, in the order that gives
 * the most telling reason: shape, header (kid, alg), payload, signature
 * bytes.  On success *payload is the parsed payload object (once the
 * signature over these very bytes checks out, it is the claims) and *key
 * the key to check the signature with. */
static auth_fail check_shape(const auth_config *cfg, const char *token,
                             size_t len, json_t **payload,
                             const auth_key **key) {
  unsigned char sig[FH_TOKEN_MAX];
  json_t *hdr = NULL;
  auth_fail f = AUTH_E_MALFORMED;
  size_t siglen, want;
  segments seg;

  *payload = NULL;
  if (split(token, len, &seg) != 0 ||
      (hdr = segment_json(seg.p[0], seg.n[0])) == NULL)
    goto fail;
  if ((f = check_header(cfg, hdr, key)) != AUTH_OK) goto fail;
  f = AUTH_E_MALFORMED;
  want = signature_len((*key)->alg);
  if ((*payload = segment_json(seg.p[1], seg.n[1])) == NULL ||
      auth_b64url_decode(seg.p[2], seg.n[2], sig, &siglen) != 0 || siglen == 0 ||
      (want != 0 && siglen != want))
    goto fail;
  f = AUTH_OK;
fail:
  json_decref(hdr);
  if (f != AUTH_OK) {
    json_decref(*payload);
    *payload = NULL;
  }
  return f;
}

/* ------------------------------------------------------------- signature */

/* Verifies the signature with key and its alg. */
static auth_fail check_signature(const auth_key *key, const char *token,
                                 size_t len) {
  char copy[FH_TOKEN_MAX + 1];
  jwt_t *jwt = NULL;
  auth_fail f = AUTH_OK;
  int rc;

  memcpy(copy, token, len);
  copy[len] = '\0';
  rc = jwt_decode(&jwt, copy, key->key, (int)key->keylen);
  if (rc != 0) f = rc == ENOMEM ? AUTH_E_INTERNAL : AUTH_E_SIGNATURE;
  else if (jwt_get_alg(jwt) != key->alg) f = AUTH_E_ALG;
  jwt_free(jwt);
  return f;
}

/* ---------------------------------------------------------------- claims */

static int64_t sec_to_ms(json_int_t s) {
  if (s > INT64_MAX / 1000) return INT64_MAX;
  if (s < INT64_MIN / 1000) return INT64_MIN;
  return (int64_t)s * 1000;
}

static int64_t add_sat(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

/* An optional integer claim: 1 present, 0 absent, -1 of another type. */
static int int_claim(json_t *claims, const char *name, int64_t *ms) {
  json_t *v = json_object_get(claims, name);
  if (v == NULL) return 0;
  if (!json_is_integer(v)) return -1;
  *ms = sec_to_ms(json_integer_value(v));
  return 1;
}

auth_fail auth_read_lines(json_t *lines, fh_identity *id) {
  if (lines == NULL) return AUTH_OK;
  if (!json_is_array(lines) || json_array_size(lines) == 0 ||
      json_array_size(lines) > FH_LINES_MAX)
    return AUTH_E_CLAIMS;
  for (size_t i = 0; i < json_array_size(lines); i++) {
    json_t *v = json_array_get(lines, i);
    if (!json_is_string(v) ||
        !plant_id_valid(json_string_value(v), json_string_length(v)))
      return AUTH_E_CLAIMS;
    memcpy(id->lines[i], json_string_value(v), json_string_length(v) + 1);
  }
  id->nlines = json_array_size(lines);
  return AUTH_OK;
}

/* 1 if v is the string want. */
static int string_is(json_t *v, const char *want) {
  return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* aud is the audience itself or an array that holds it. */
static int audience_ok(json_t *aud, const char *want) {
  if (string_is(aud, want)) return 1;
  for (size_t i = 0; json_is_array(aud) && i < json_array_size(aud); i++)
    if (string_is(json_array_get(aud, i), want)) return 1;
  return 0;
}

/* The value at a dotted path ("realm_access.roles") of claims, or NULL. */
static json_t *claim_at(json_t *claims, const char *path) {
  json_t *v = claims;
  const char *p = path;

  if (*p == '\0') return NULL;
  while (v != NULL && *p) {
    const char *dot = strchr(p, '.');
    size_t n = dot ? (size_t)(dot - p) : strlen(p);
    char name[AUTH_CLAIM_PATH_MAX + 1];

    if (!json_is_object(v) || n >= sizeof name) return NULL;
    memcpy(name, p, n);
    name[n] = '\0';
    v = json_object_get(v, name);
    p += n + (dot != NULL);
  }
  return v;
}

/* The floorhub role a role name stands for: its --jwt-role-map entry, or
 * the name itself; -1 when neither. */
static int role_of(const auth_config *cfg, json_t *v) {
  if (!json_is_string(v)) return -1;
  for (size_t i = 0; i < cfg->nrole_map; i++)
    if (strcmp(cfg->role_map[i].name, json_string_value(v)) == 0)
      return (int)cfg->role_map[i].role;
  return fh_role_from(json_string_value(v), json_string_length(v));
}

/* The role: a string that is a role, or (list 1: an IdP's claim) the
 * first entry of an array that is one; -1 when there is none. */
static int read_role(const auth_config *cfg, json_t *v, int list) {
  if (json_is_string(v)) return role_of(cfg, v);
  for (size_t i = 0; list && json_is_array(v) && i < json_array_size(v); i++) {
    int r = role_of(cfg, json_array_get(v, i));
    if (r >= 0) return r;
  }
  return -1;
}

static auth_fail check_claims(const auth_config *cfg, json_t *claims,
                              int64_t now_ms, fh_identity *id) {
  int64_t exp_ms = 0, nbf_ms = 0, iat_ms = 0;
  int64_t leeway_ms = (int64_t)cfg->leeway_s * 1000;
  json_t *sub = claim_at(claims, cfg->user_claim);
  json_t *role = claim_at(claims, cfg->role_claim);
  json_t *lines = claim_at(claims, cfg->lines_claim);
  json_t *jti = json_object_get(claims, "jti");
  int has_nbf, has_iat, r;

  has_nbf = int_claim(claims, "nbf", &nbf_ms);
  has_iat = int_claim(claims, "iat", &iat_ms);
  if (int_claim(claims, "exp", &exp_ms) != 1 || has_nbf < 0 || has_iat < 0 ||
      !plant_text_valid(json_string_value(sub), json_string_length(sub),
                        FH_ID_MAX) ||
      auth_read_lines(lines, id) != AUTH_OK)
    return AUTH_E_CLAIMS;
  if (now_ms >= add_sat(exp_ms, leeway_ms)) return AUTH_E_EXPIRED;
  if ((has_nbf && add_sat(now_ms, leeway_ms) < nbf_ms) ||
      (has_iat && iat_ms > add_sat(now_ms, leeway_ms)))
    return AUTH_E_NOT_YET_VALID;
  if (cfg->issuer != NULL &&
      !string_is(json_object_get(claims, "iss"), cfg->issuer))
    return AUTH_E_ISSUER;
  if (cfg->audience != NULL &&
      !audience_ok(json_object_get(claims, "aud"), cfg->audience))
    return AUTH_E_AUDIENCE;
  /* floorhub's own `role` claim is one string; a claim named with
   * --jwt-role-claim may be an IdP's list of roles. */
  if ((r = read_role(cfg, role, strcmp(cfg->role_claim, "role") != 0)) < 0)
    return AUTH_E_ROLE;
  memcpy(id->sub, json_string_value(sub), json_string_length(sub) + 1);
  if (plant_text_valid(json_string_value(jti), json_string_length(jti),
                       FH_JTI_MAX))
    memcpy(id->jti, json_string_value(jti), json_string_length(jti) + 1);
  id->role = (fh_role)r;
  id->exp_ms = exp_ms;
  return AUTH_OK;
}

auth_fail auth_verify(const auth_config *cfg, const char *token, size_t len,
                      int64_t now_ms, fh_identity *out) {
  const auth_key *key = NULL;
  json_t *claims = NULL;
  auth_fail f;

  memset(out, 0, sizeof *out);
  if (cfg->keys == NULL || cfg->nkeys == 0)
    return AUTH_E_INTERNAL; /* not a loaded configuration */
  for (size_t i = 0; i < cfg->nkeys; i++)
    if ((cfg->keys[i].alg != JWT_ALG_HS256 && cfg->keys[i].alg != JWT_ALG_RS256 &&
         cfg->keys[i].alg != JWT_ALG_ES256) ||
        cfg->keys[i].key == NULL || cfg->keys[i].keylen == 0)
      return AUTH_E_INTERNAL;
  if (len > FH_TOKEN_MAX) return AUTH_E_TOO_LARGE;
  if (token == NULL || len == 0) return AUTH_E_MALFORMED;
  if ((f = check_shape(cfg, token, len, &claims, &key)) != AUTH_OK ||
      (f = check_signature(key, token, len)) != AUTH_OK ||
      (f = check_claims(cfg, claims, now_ms, out)) != AUTH_OK)
    memset(out, 0, sizeof *out);
  json_decref(claims);
  return f;
}
