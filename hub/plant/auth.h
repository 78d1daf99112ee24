/* auth.h -- verifying the hub's JWTs (libjwt 1.10 plus our own checks).
 *
 * Design: libjwt 1.10 only checks signatures, and not safely on its own: it
 * accepts alg "none" or any token when given a NULL key, takes the algorithm
 * from the token's header (so an HS256 token "signed" with an RSA public PEM
 * verifies against that PEM), and validates no claim.  auth_verify()
 * therefore (1) checks the token's shape itself: three non-empty base64url
 * segments (canonical, unpadded), a header and payload that are JSON
 * objects without duplicate keys, no "crit" header, a signature of the
 * algorithm's size (32 bytes HS256, 64 bytes ES256); (2) requires the
 * header's alg to be exactly the configured one (case-sensitive) before
 * libjwt sees the token, and jwt_get_alg() to agree after; (3) calls
 * jwt_decode() with the configured key, which is never NULL or empty;
 * (4) validates the claims from jwt_get_grants_json() with jansson, types
 * included.
 *
 * Claims:  exp (integer, required), nbf and iat (integers, optional), the
 * user (1..FH_ID_MAX bytes, no control characters; claim `sub` unless
 * --jwt-user-claim names another), the role (claim `role`, or the dotted
 * path of --jwt-role-claim: a string that is a floorhub role, or an array
 * whose first entry that is a floorhub role wins -- Keycloak's
 * realm_access.roles, Entra ID's roles), the lines (claim `lines` or
 * --jwt-lines-claim: optional non-empty array of line ids, at most
 * FH_LINES_MAX), jti (optional; when it is 1..FH_JTI_MAX bytes of text it
 * is kept, so that a signed-out token can be refused; else ignored), iss (must
 * equal the configured issuer, when one is configured), aud (a string or an
 * array of strings that must contain the configured audience, when one is
 * configured).  Times allow leeway_s of clock skew.
 *
 * Keys: for HS256 the key file holds the shared secret; one trailing "\n"
 * (or "\r\n") is stripped so that `echo secret > file` works, and the secret
 * must be at least 32 bytes (RFC 7518 3.2).  For RS256 and ES256 the file is
 * the PUBLIC key PEM ("-----BEGIN PUBLIC KEY-----"); a private key is
 * refused so that the hub never holds signing material.  With a JWK Set
 * (auth_jwks.c, --jwt-jwks-file) there are several keys, each with its kid
 * and its one algorithm (RS256 for RSA keys of 2048 bits or more, ES256
 * for P-256 keys); the token's header kid selects the key (no kid, or one
 * not in the set: AUTH_E_UNKNOWN_KID) and its alg must be that key's.
 *
 * Nothing here logs; callers log auth_fail_name(), never the token.
 */
#ifndef FH_HUB_AUTH_H
#define FH_HUB_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <jwt.h>

#include "fh_protocol.h"
#include "fh_roles.h"

#define AUTH_LEEWAY_S_DEFAULT 60
#define AUTH_KEY_FILE_MAX (64 * 1024) /* larger key files are refused */
#define AUTH_HMAC_MIN 32              /* bytes of an HS256 secret */

#define AUTH_KID_MAX 128         /* bytes of a key id */
#define AUTH_KEYS_MAX 64         /* keys in a JWK Set at most */
#define AUTH_CLAIM_PATH_MAX 127  /* bytes of a claim's dotted path */

/* One verification key. */
typedef struct auth_key {
  char kid[AUTH_KID_MAX + 1];  /* the JWK's kid; "" for --jwt-key-file */
  jwt_alg_t alg;               /* the one algorithm it verifies */
  unsigned char *key;          /* HMAC secret or public PEM; owned, wiped */
  size_t keylen;               /* bytes in key, > 0 */
} auth_key;

/* An IdP role name and the floorhub role it stands for (--jwt-role-map). */
typedef struct auth_role_alias {
  char name[AUTH_CLAIM_PATH_MAX + 1];  /* the IdP's role name */
  fh_role role;                        /* the floorhub role */
} auth_role_alias;

typedef struct auth_config {
  auth_key *keys;         /* the keys, owned; one without a JWK Set */
  size_t nkeys;           /* entries in keys, >= 1 once loaded */
  int by_kid;             /* 1: a JWK Set, the header's kid picks the key */
  char *jwks_file;        /* the JWK Set's path (for reloads), owned */
  char *issuer;           /* required iss, owned; NULL: iss not checked */
  char *audience;         /* required aud, owned; NULL: aud not checked */
  int leeway_s;           /* allowed clock skew, AUTH_LEEWAY_S_DEFAULT */
  char role_claim[AUTH_CLAIM_PATH_MAX + 1];  /* dotted path, "role" */
  char lines_claim[AUTH_CLAIM_PATH_MAX + 1]; /* dotted path, "lines" */
  char user_claim[AUTH_CLAIM_PATH_MAX + 1];  /* dotted path, "sub" */
  auth_role_alias *role_map; /* IdP role names -> floorhub roles, owned */
  size_t nrole_map;          /* entries in role_map */
} auth_config;


typedef enum auth_fail {
  AUTH_OK = 0,
  AUTH_E_TOO_LARGE,     /* longer than FH_TOKEN_MAX */
  AUTH_E_MALFORMED,     /* not header.payload.signature of base64url JSON */
  AUTH_E_ALG,           /* header alg is not the configured alg */
  AUTH_E_SIGNATURE,     /* the signature does not verify */
  AUTH_E_EXPIRED,       /* exp (+ leeway) has passed */
  AUTH_E_NOT_YET_VALID, /* nbf or iat in the future (beyond leeway) */
  AUTH_E_CLAIMS,        /* a claim missing or of the wrong type/shape */
  AUTH_E_ISSUER,        /* iss missing or not the configured issuer */
  AUTH_E_AUDIENCE,      /* aud missing or without the configured audience */
  AUTH_E_ROLE,          /* role missing or unknown */
  AUTH_E_INTERNAL,      /* out of memory */
  AUTH_E_UNKNOWN_KID,   /* JWK Set: no kid, or a kid not in the set */
  AUTH_E_REVOKED,       /* its jti is in the revocation list (tokens.c) */
  AUTH_E_DISABLED,      /* a hub session token of a user now disabled or
                           removed (tokens.c) */
  AUTH_FAIL__COUNT
} auth_fail;

/* Fills cfg from the command-line settings.  alg_name is "HS256", "RS256"
 * or "ES256"; key_file is read whole (see Keys above); issuer and audience
 * may be NULL or "" (not checked).  Returns 0, or -EINVAL / -ENOENT /
 * -ENOMEM with err naming the setting, e.g. "--jwt-alg: unsupported
 * algorithm 'none'".  On error cfg holds nothing that needs freeing. */
int auth_config_load(auth_config *cfg, const char *alg_name,
                     const char *key_file, const char *issuer,
                     const char *audience, char *err, size_t errlen);
/* Like auth_config_load, with the keys of the JWK Set in jwks_file (see
 * auth_jwks.c).  err names the file and the key at fault, e.g.
 * "--jwt-jwks-file: jwks.json: key 2 (kid 'k1'): RSA key of 1024 bits, at
 * least 2048 are required". */
int auth_jwks_load(auth_config *cfg, const char *jwks_file, const char *issuer,
                   const char *audience, char *err, size_t errlen);
/* A configuration of one HS256 key of keylen (>= AUTH_HMAC_MIN) bytes,
 * chosen by the header's kid (a token without that kid: AUTH_E_UNKNOWN_KID)
 * and requiring iss issuer: the hub's own session tokens (tokens.c).  0,
 * -EINVAL or -ENOMEM (cfg then holds nothing). */
int auth_config_hmac(auth_config *cfg, const char *kid,
                     const unsigned char *key, size_t keylen,
                     const char *issuer);
/* Reads the JWK Set at path (auth_jwks.c): *keys (malloc'ed, free with
 * auth_keys_free) and *nkeys >= 1, or a negative code with err naming the
 * file, the key and the problem. */
int auth_jwks_read(const char *path, auth_key **keys, size_t *nkeys,
                   char *err, size_t errlen);
/* Reads cfg's JWK Set again; on success the new keys replace the old at
 * once, on error (err says why) the old keys stay.  0 or a negative code. */
int auth_jwks_reload(auth_config *cfg, char *err, size_t errlen);
/* Sets the claims the identity is read from: dotted paths (a.b.c), NULL
 * or "" for the defaults (role, lines, sub).  0, or -EINVAL with err
 * naming the option (an empty segment, too long). */
int auth_config_claims(auth_config *cfg, const char *role_claim,
                       const char *lines_claim, const char *user_claim,
                       char *err, size_t errlen);
/* A lines claim (NULL: none) into id: a non-empty array of at most
 * FH_LINES_MAX line ids; AUTH_OK or AUTH_E_CLAIMS. */
auth_fail auth_read_lines(json_t *lines, fh_identity *id);

/* Client certificates (auth_certmap.c, --tls-client-map): the identity of
 * each certificate subject CN that may connect without a token. */
typedef struct auth_certmap_entry {
  char cn[FH_ID_MAX + 1];  /* the certificate's subject CN */
  fh_identity id;          /* who it is (exp_ms 0: the certificate's) */
} auth_certmap_entry;

typedef struct auth_certmap {
  auth_certmap_entry *e;   /* the entries, owned */
  size_t n;                /* their number */
} auth_certmap;

/* Reads the JSON map {"<CN>": {"sub": s, "role": r, "lines": [...]?}} at
 * path into *m (replacing nothing on error).  0, or a negative code with
 * err naming the file, the CN and the problem. */
int auth_certmap_load(const char *path, auth_certmap *m, char *err,
                      size_t errlen);
/* The identity mapped to cn, or NULL. */
const fh_identity *auth_certmap_find(const auth_certmap *m, const char *cn);
void auth_certmap_free(auth_certmap *m);

/* Reads --jwt-role-map: a JSON object {"<IdP role>": "<floorhub role>"}.
 * A role claim's entry is looked up there first (then taken as a floorhub
 * role name).  0, or a negative code with err naming the file and entry. */
int auth_config_role_map(auth_config *cfg, const char *path, char *err,
                         size_t errlen);

/* Decodes unpadded, canonical base64url into out (n * 3 / 4 bytes).
 * 0, or -1 on a character outside the alphabet or an impossible length. */
int auth_b64url_decode(const char *s, size_t n, unsigned char *out,
                       size_t *outlen);
/* The claims signed with key as alg (a kid header when kid is not NULL):
 * a malloc'ed token, or NULL (out of memory, a key libjwt refuses). */
char *auth_sign(jwt_alg_t alg, const unsigned char *key, size_t keylen,
                const char *kid, json_t *claims);
/* Wipes and frees n keys and the array. */
void auth_keys_free(auth_key *keys, size_t n);
/* Wipes the keys and frees what cfg owns; cfg may be zeroed or loaded. */
void auth_config_free(auth_config *cfg);

/* Reads a key file for alg: at most AUTH_KEY_FILE_MAX bytes, non-empty; an
 * HMAC secret loses one trailing newline and must be AUTH_HMAC_MIN bytes;
 * a PEM must contain "-----BEGIN <pem_label>-----" (pem_label "PUBLIC KEY"
 * for the hub, "PRIVATE KEY" for floorctl; NULL for HMAC).  Returns 0 with
 * a malloc'ed *key (caller wipes and frees), or a negative code with err
 * saying what is wrong with the file (never its content). */
int auth_key_load(const char *path, jwt_alg_t alg, const char *pem_label,
                  unsigned char **key, size_t *keylen, char *err,
                  size_t errlen);

/* The algorithm named alg_name if it is one the hub accepts (HS256, RS256,
 * ES256), JWT_ALG_INVAL otherwise. */
jwt_alg_t auth_alg_from(const char *alg_name);

/* Verifies the len bytes of token at now_ms.  Returns AUTH_OK and fills out,
 * or the reason of the failure (out is then zeroed).  Logs nothing. */
auth_fail auth_verify(const auth_config *cfg, const char *token, size_t len,
                      int64_t now_ms, fh_identity *out);

/* A stable snake_case label ("expired", "alg", ...) for logs and /metrics. */
const char *auth_fail_name(auth_fail f);

#endif
