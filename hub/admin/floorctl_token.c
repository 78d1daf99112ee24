/* floorctl_token.c -- `floorctl token`: mint a token the hub will accept.
 *
 * Design: the options are checked with the same rules the hub applies when
 * it verifies (fh_role_from, plant_id_valid for the lines, sub length), so a
 * token minted here is never refused for its shape.  The claims are built
 * as one jansson object and handed to libjwt, which adds the header and
 * signs; the key is read with auth_key_load (an HS256 secret loses its
 * trailing newline exactly as in the hub) and wiped after use.  The token
 * goes to stdout and nowhere else.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <jwt.h>

#include "auth.h"
#include "floorctl.h"
#include "plant.h"

#define CMD "token"
#define TTL_MAX_S (366LL * 86400)

typedef struct token_args {
  const char *key_file; /* --key-file: secret or private key PEM */
  const char *alg;      /* --alg */
  const char *sub;      /* --sub */
  const char *role;     /* --role */
  const char *lines;    /* --lines, comma-separated, may be NULL */
  const char *ttl;      /* --ttl, default "8h" */
  const char *iss;      /* --iss, may be NULL */
  const char *aud;      /* --aud, may be NULL */
} token_args;

static int parse_args(int argc, char **argv, token_args *a) {
  static const struct option opts[] = {
      {"key-file", required_argument, NULL, 'k'},
      {"alg", required_argument, NULL, 'a'},
      {"sub", required_argument, NULL, 's'},
      {"role", required_argument, NULL, 'r'},
      {"lines", required_argument, NULL, 'l'},
      {"ttl", required_argument, NULL, 't'},
      {"iss", required_argument, NULL, 'i'},
      {"aud", required_argument, NULL, 'u'},
      {NULL, 0, NULL, 0}};
  int ch;

  memset(a, 0, sizeof *a);
  a->ttl = "8h";
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (ch) {
    case 'k': a->key_file = optarg; break;
    case 'a': a->alg = optarg; break;
    case 's': a->sub = optarg; break;
    case 'r': a->role = optarg; break;
    case 'l': a->lines = optarg; break;
    case 't': a->ttl = optarg; break;
    case 'i': a->iss = optarg; break;
    case 'u': a->aud = optarg; break;
    default: return floorctl_bad_option(CMD, argv);
    }
  }
  if (optind != argc)
    return floorctl_usage(CMD, "unexpected argument '%s'", argv[optind]);
  if (!a->key_file || !a->alg || !a->sub || !a->role)
    return floorctl_usage(CMD, "--key-file, --alg, --sub and --role are "
                          "required");
  return 0;
}

/* "90", "90s", "15m", "8h", "30d" -> seconds; -1 if malformed or too long. */
static long long parse_ttl(const char *s) {
  char *end;
  long long n, unit = 1;

  if (s[0] < '0' || s[0] > '9') return -1;
  n = strtoll(s, &end, 10);
  if (strcmp(end, "m") == 0) unit = 60;
  else if (strcmp(end, "h") == 0) unit = 3600;
  else if (strcmp(end, "d") == 0) unit = 86400;
  else if (strcmp(end, "s") != 0 && end[0] != '\0') return -1;
  if (n <= 0 || n > TTL_MAX_S / unit) return -1;
  return n * unit;
}

/* Appends the comma-separated line ids to a new array at claims.lines. */
static int add_lines(json_t *claims, const char *list) {
  json_t *arr = json_array();
  const char *p = list;

  if (arr == NULL || json_object_set_new(claims, "lines", arr) != 0)
    return floorctl_fail(CMD, "out of memory");
  for (;;) {
    size_t n = strcspn(p, ",");
    if (!plant_id_valid(p, n))
      return floorctl_usage(CMD, "--lines: '%.*s' is not a line id (1..%d "
                            "bytes of [A-Za-z0-9._-])", (int)n, p, FH_ID_MAX);
    if (json_array_size(arr) == FH_LINES_MAX)
      return floorctl_usage(CMD, "--lines: at most %d lines", FH_LINES_MAX);
    if (json_array_append_new(arr, json_stringn(p, n)) != 0)
      return floorctl_fail(CMD, "out of memory");
    if (p[n] == '\0') return 0;
    p += n + 1;
  }
}

/* Checks the options and builds the claims object. */
static int build_claims(const token_args *a, json_t **out) {
  long long ttl = parse_ttl(a->ttl);
  long long now = (long long)time(NULL);
  json_t *claims;
  int rc;

  *out = NULL;
  if (auth_alg_from(a->alg) == JWT_ALG_INVAL)
    return floorctl_usage(CMD, "--alg: unsupported algorithm '%s' (use "
                          "HS256, RS256 or ES256)", a->alg);
  if (fh_role_from(a->role, strlen(a->role)) < 0)
    return floorctl_usage(CMD, "--role: unknown role '%s'", a->role);
  if (!plant_text_valid(a->sub, strlen(a->sub), FH_ID_MAX))
    return floorctl_usage(CMD, "--sub: must be 1..%d bytes without control "
                          "characters", FH_ID_MAX);
  if (ttl < 0)
    return floorctl_usage(CMD, "--ttl: '%s' is not a duration such as 90s, "
                          "15m, 8h or 30d (at most 366d)", a->ttl);
  claims = json_pack("{s:s, s:s, s:I, s:I}", "sub", a->sub, "role", a->role,
                     "iat", (json_int_t)now, "exp", (json_int_t)(now + ttl));
  if (claims == NULL) return floorctl_fail(CMD, "out of memory");
  rc = 0;
  if (a->lines != NULL) rc = add_lines(claims, a->lines);
  if (rc == 0 && a->iss != NULL &&
      json_object_set_new(claims, "iss", json_string(a->iss)) != 0)
    rc = floorctl_usage(CMD, "--iss: must be UTF-8 text");
  if (rc == 0 && a->aud != NULL &&
      json_object_set_new(claims, "aud", json_string(a->aud)) != 0)
    rc = floorctl_usage(CMD, "--aud: must be UTF-8 text");
  if (rc != 0) {
    json_decref(claims);
    return rc;
  }
  *out = claims;
  return 0;
}

/* Signs the claims with the key and prints the token. */
static int sign_and_print(jwt_alg_t alg, const unsigned char *key,
                          size_t keylen, json_t *claims) {
  char *token = auth_sign(alg, key, keylen, NULL, claims);
  int rc = FLOORCTL_EXIT_FAIL;

  if (token == NULL) {
    floorctl_fail(CMD, "cannot sign with this key as %s", jwt_alg_str(alg));
    goto fail;
  }
  if (puts(token) == EOF || fflush(stdout) != 0) {
    floorctl_fail(CMD, "cannot write the token to stdout");
    goto fail;
  }
  rc = 0;
fail:
  free(token);
  return rc;
}

int floorctl_token(int argc, char **argv) {
  unsigned char *key = NULL;
  json_t *claims = NULL;
  char why[512];
  size_t keylen = 0;
  token_args a;
  jwt_alg_t alg;
  int rc;

  if ((rc = parse_args(argc, argv, &a)) != 0 ||
      (rc = build_claims(&a, &claims)) != 0)
    return rc;
  alg = auth_alg_from(a.alg);
  if (auth_key_load(a.key_file, alg,
                    alg == JWT_ALG_HS256 ? NULL : "PRIVATE KEY", &key,
                    &keylen, why, sizeof why) != 0) {
    rc = floorctl_fail(CMD, "--key-file: %s", why);
    goto fail;
  }
  rc = sign_and_print(alg, key, keylen, claims);
fail:
  if (key != NULL) explicit_bzero(key, keylen);
  free(key);
  json_decref(claims);
  return rc;
}
