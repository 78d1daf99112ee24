/* config.c -- settings from the command line and a config file.
 *
 * One table describes every setting: its name (the long option and the
 * config-file key), its kind and where it goes in hub_config.  Parsing the
 * file and the command line both end in set_one(), so a setting behaves the
 * same wherever it is given.
 */
#include "config.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef enum kind { K_STR, K_U32, K_U64, K_SIZE, K_FLAG, K_LISTEN, K_DURATION } kind;

typedef struct setting {
  const char *name;  /* option without "--", and config-file key */
  kind kind;         /* how the value is parsed */
  size_t off;        /* offset in hub_config */
  size_t size;       /* size of a string field */
  const char *help;  /* one line for --help */
} setting;

#define STR(f) K_STR, offsetof(hub_config, f), sizeof(((hub_config *)0)->f)
#define NUM(k, f) k, offsetof(hub_config, f), 0

static const setting settings[] = {
  {"listen", K_LISTEN, offsetof(hub_config, listen), 0,
   "ADDR:PORT to listen on (127.0.0.1:7600); TLS with --tls-cert"},
  {"listen-plain", K_LISTEN, offsetof(hub_config, listen_plain), 0,
   "ADDR:PORT of a second, plain listener beside TLS (loopback use)"},
  {"tls-cert", STR(tls_cert), "PEM certificate chain: wss:// and https://"},
  {"tls-key", STR(tls_key), "PEM private key of --tls-cert (mode 0600)"},
  {"hsts-max-age", NUM(K_U32, hsts_max_age), "HSTS max-age on https, s; 0 off (31536000)"},
  {"tls-client-ca", STR(tls_client_ca), "PEM CAs that sign client (gateway) certificates"},
  {"tls-client-cert", STR(tls_client_cert), "required | optional (optional)"},
  {"tls-client-map", STR(tls_client_map), "JSON: certificate CN -> {sub, role, lines}"},
  {"data", STR(data_dir), "LMDB directory (./var/floorhub)"},
  {"plant", STR(plant_file), "plant layout JSON file (required)"},
  {"web-root", STR(web_root), "directory of the dashboard files"},
  {"jwt-alg", STR(jwt_alg), "HS256 | RS256 | ES256 (HS256)"},
  {"jwt-key-file", STR(jwt_key_file), "HMAC secret or public key PEM"},
  {"jwt-jwks-file", STR(jwt_jwks_file), "JWK Set of the identity provider (instead)"},
  {"jwt-role-claim", STR(jwt_role_claim), "dotted path of the role claim (role)"},
  {"jwt-lines-claim", STR(jwt_lines_claim), "dotted path of the lines claim (lines)"},
  {"jwt-user-claim", STR(jwt_user_claim), "dotted path of the user claim (sub)"},
  {"jwt-role-map", STR(jwt_role_map), "JSON: IdP role name -> floorhub role"},
  {"jwt-issuer", STR(jwt_issuer), "required token issuer (iss)"},
  {"jwt-audience", STR(jwt_audience), "required token audience (aud)"},
  {"allowed-origin", STR(allowed_origin), "refuse upgrades from other Origins"},
  {"log-level", STR(log_level), "error | warn | info | debug (info)"},
  {"port-file", STR(port_file), "write the bound port to this file"},
  {"notify", STR(notify_file), "notifications JSON file (reloaded on SIGHUP)"},
  {"max-connections", NUM(K_U32, max_connections), "WebSocket sessions at most (10000)"},
  {"auth-timeout-ms", NUM(K_U32, auth_timeout_ms), "close unauthenticated sessions after (5000)"},
  {"frame-max", NUM(K_U32, frame_max), "largest client message in bytes (65536)"},
  {"queue-max-bytes", NUM(K_SIZE, queue_max_bytes), "send queue bound per session (4M)"},
  {"queue-max-age-ms", NUM(K_U32, queue_max_age_ms), "oldest queued message (10000)"},
  {"rate", NUM(K_U32, rate_per_s), "requests per second per session (200)"},
  {"burst", NUM(K_U32, rate_burst), "request burst per session (400)"},
  {"idle-ping-s", NUM(K_U32, idle_ping_s), "ping idle connections after (10)"},
  {"idle-hangup-s", NUM(K_U32, idle_hangup_s), "drop silent connections after (25)"},
  {"map-size", NUM(K_SIZE, map_size), "initial LMDB map size (64M)"},
  {"map-size-max", NUM(K_SIZE, map_size_max), "LMDB map cap (8G)"},
  {"commit-per-op", NUM(K_FLAG, commit_per_op), "benchmark only: one commit per write"},
  {"kiosk-idle-logout-s", NUM(K_U32, kiosk_idle_logout_s),
   "sign a person out of a kiosk after this long without a request (120)"},
  {"housekeeping-s", NUM(K_U32, housekeeping_s),
   "store housekeeping (trim, retention) every (60)"},
  {"session-ttl", NUM(K_DURATION, session_ttl_s),
   "lifetime of a dashboard sign-in token: 8h, 30m, 3600s (8h)"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

void config_defaults(hub_config *c) {
  memset(c, 0, sizeof *c);
  strcpy(c->listen.addr, "127.0.0.1");
  c->listen.port = 7600;
  c->listen_plain.port = -1;
  c->hsts_max_age = 31536000;
  strcpy(c->jwt_role_claim, "role");
  strcpy(c->jwt_lines_claim, "lines");
  strcpy(c->jwt_user_claim, "sub");
  strcpy(c->data_dir, "./var/floorhub");
  strcpy(c->log_level, "info");
  c->max_connections = 10000;
  c->auth_timeout_ms = 5000;
  c->frame_max = 64 * 1024;
  c->queue_max_bytes = 4u << 20;
  c->queue_max_age_ms = 10000;
  c->rate_per_s = 200;
  c->rate_burst = 400;
  c->idle_ping_s = 10;
  c->idle_hangup_s = 25;
  c->map_size = 64u << 20;
  c->map_size_max = 8ull << 30;
  c->kiosk_idle_logout_s = 120;
  c->housekeeping_s = 60;
  c->session_ttl_s = 8 * 3600;
}

void config_usage(FILE *fp) {
  fprintf(fp, "usage: floorhub --plant FILE (--jwt-key-file FILE | "
              "--jwt-jwks-file FILE) [options]\n\n");
  for (size_t i = 0; i < NSETTINGS; i++) {
    const char *arg = settings[i].kind == K_FLAG ? "" : " VALUE";
    fprintf(fp, "  --%s%s\n      %s\n", settings[i].name, arg, settings[i].help);
  }
  fprintf(fp, "  --config FILE\n      read settings from FILE (name = value)\n"
              "  --help, --version\n");
}

static int parse_u64(const char *v, int with_suffix, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno || end == v || v[0] == '-') return -1;
  if (with_suffix && *end) {
    unsigned shift = 0;
    switch (*end) {
      case 'K': case 'k': shift = 10; break;
      case 'M': case 'm': shift = 20; break;
      case 'G': case 'g': shift = 30; break;
      default: return -1;
    }
    if (n > (ULLONG_MAX >> shift)) return -1;
    n <<= shift;
    end++;
  }
  if (*end) return -1;
  *out = n;
  return 0;
}

/* A duration: digits and one unit, s, m or h (bare digits are seconds),
 * in seconds. */
static int parse_duration(const char *v, uint32_t *out) {
  char *end;
  unsigned long long n, unit = 1;
  errno = 0;
  n = strtoull(v, &end, 10);
  if (errno || end == v || v[0] < '0' || v[0] > '9') return -1;
  if (*end == 'm') unit = 60;
  else if (*end == 'h') unit = 3600;
  else if (*end != 's' && *end != '\0') return -1;
  if (*end != '\0' && end[1] != '\0') return -1;
  if (n > UINT32_MAX / unit) return -1;
  *out = (uint32_t)(n * unit);
  return 0;
}

static int parse_listen(hub_listen *l, const char *v) {
  const char *colon = strrchr(v, ':');
  uint64_t port;
  size_t alen;

  if (colon == NULL || parse_u64(colon + 1, 0, &port) || port > 65535) return -1;
  alen = (size_t)(colon - v);
  if (alen == 0 || alen >= sizeof l->addr) return -1;
  memcpy(l->addr, v, alen);
  l->addr[alen] = '\0';
  l->port = (int)port;
  return 0;
}

static int set_one(hub_config *c, const setting *s, const char *v) {
  char *field = (char *)c + s->off;
  uint64_t n;

  switch (s->kind) {
    case K_STR:
      if (strlen(v) >= s->size) return -1;
      strcpy(field, v);
      return 0;
    case K_LISTEN:
      return parse_listen((hub_listen *)(void *)field, v);
    case K_FLAG:
      *(int *)field = 1;
      return 0;
    case K_U32:
      if (parse_u64(v, 0, &n) || n > UINT32_MAX) return -1;
      *(uint32_t *)field = (uint32_t)n;
      return 0;
    case K_DURATION:
      return parse_duration(v, (uint32_t *)field);
    case K_U64:
    case K_SIZE:
      if (parse_u64(v, s->kind == K_SIZE, &n)) return -1;
      *(uint64_t *)field = n;
      return 0;
  }
  return -1;
}

static const setting *find(const char *name, size_t len) {
  for (size_t i = 0; i < NSETTINGS; i++)
    if (strlen(settings[i].name) == len && !memcmp(settings[i].name, name, len))
      return &settings[i];
  return NULL;
}

static char *trim(char *s) {
  char *e;
  while (*s == ' ' || *s == '\t') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
    *--e = '\0';
  return s;
}

static int parse_file(hub_config *c, const char *path, char *err, size_t errlen) {
  char line[1024];
  int lineno = 0, rc = 0;
  FILE *fp = fopen(path, "r");

  if (fp == NULL) {
    snprintf(err, errlen, "--config: cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
    char *l = trim(line), *eq, *name, *val;
    const setting *s;
    lineno++;
    if (*l == '\0' || *l == '#') continue;
    eq = strchr(l, '=');
    if (eq == NULL) {
      snprintf(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
      rc = -1;
      break;
    }
    *eq = '\0';
    name = trim(l);
    val = trim(eq + 1);
    s = find(name, strlen(name));
    if (s == NULL) {
      snprintf(err, errlen, "%s:%d: unknown setting '%s'", path, lineno, name);
      rc = -1;
    } else if (set_one(c, s, s->kind == K_FLAG ? "" : val) != 0 ||
               (s->kind == K_FLAG && strcmp(val, "true") && strcmp(val, "1"))) {
      snprintf(err, errlen, "%s:%d: bad value for '%s'", path, lineno, name);
      rc = -1;
    }
  }
  fclose(fp);
  return rc;
}

/* The config file is read first, so the command line can override it. */
static const char *find_config_arg(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--config") && i + 1 < argc) return argv[i + 1];
    if (!strncmp(argv[i], "--config=", 9)) return argv[i] + 9;
  }
  return NULL;
}

static int check(const hub_config *c, char *err, size_t errlen) {
  if (c->plant_file[0] == '\0')
    snprintf(err, errlen, "--plant: a plant layout file is required");
  else if ((c->jwt_key_file[0] == '\0') == (c->jwt_jwks_file[0] == '\0'))
    snprintf(err, errlen, "--jwt-key-file or --jwt-jwks-file: exactly one is "
             "required");
  else if (c->jwt_jwks_file[0] && c->jwt_alg[0])
    snprintf(err, errlen, "--jwt-alg: not with --jwt-jwks-file (each key's "
             "algorithm comes from the set)");
  else if ((c->tls_cert[0] == '\0') != (c->tls_key[0] == '\0'))
    snprintf(err, errlen, "--tls-cert and --tls-key: give both or neither");
  else if (c->tls_client_ca[0] && c->tls_cert[0] == '\0')
    snprintf(err, errlen, "--tls-client-ca: only with --tls-cert");
  else if ((c->tls_client_cert[0] || c->tls_client_map[0]) && !c->tls_client_ca[0])
    snprintf(err, errlen, "--tls-client-cert/--tls-client-map: need --tls-client-ca");
  else if (c->tls_client_cert[0] && strcmp(c->tls_client_cert, "required") &&
           strcmp(c->tls_client_cert, "optional"))
    snprintf(err, errlen, "--tls-client-cert: '%s' is neither required nor optional",
             c->tls_client_cert);
  else if (c->listen_plain.port >= 0 && c->tls_cert[0] == '\0')
    snprintf(err, errlen, "--listen-plain: only beside a TLS listener "
             "(--tls-cert); --listen is plain already");
  else if (log_level_from(c->log_level) < 0)
    snprintf(err, errlen, "--log-level: unknown level '%s'", c->log_level);
  else if (c->frame_max < 1024 || c->frame_max > (16u << 20))
    snprintf(err, errlen, "--frame-max: must be 1024..16777216");
  else if (c->rate_per_s == 0 || c->rate_burst == 0)
    snprintf(err, errlen, "--rate/--burst: must be positive");
  else if (c->idle_ping_s == 0 || c->idle_hangup_s <= c->idle_ping_s)
    snprintf(err, errlen, "--idle-hangup-s: must be greater than --idle-ping-s");
  else if (c->map_size == 0 || c->map_size > c->map_size_max)
    snprintf(err, errlen, "--map-size: must be positive and at most --map-size-max");
  else if (c->max_connections == 0)
    snprintf(err, errlen, "--max-connections: must be positive");
  else if (c->kiosk_idle_logout_s == 0 || c->kiosk_idle_logout_s > 86400)
    snprintf(err, errlen, "--kiosk-idle-logout-s: must be 1..86400");
  else if (c->housekeeping_s == 0 || c->housekeeping_s > 3600)
    snprintf(err, errlen, "--housekeeping-s: must be 1..3600");
  else if (c->session_ttl_s < 60 || c->session_ttl_s > 7 * 86400)
    snprintf(err, errlen, "--session-ttl: must be 60s..168h");
  else
    return 0;
  return -1;
}

int config_parse(hub_config *c, int argc, char **argv, char *err, size_t errlen) {
  const char *file = find_config_arg(argc, argv);

  if (file != NULL && parse_file(c, file, err, errlen) != 0) return -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *eq, *val;
    const setting *s;
    size_t nlen;

    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      config_usage(stdout);
      return 1;
    }
    if (!strcmp(a, "--version")) {
      printf("floorhub %s\n", FH_VERSION);
      return 1;
    }
    if (strncmp(a, "--", 2) != 0) {
      snprintf(err, errlen, "unexpected argument '%s'", a);
      return -1;
    }
    a += 2;
    eq = strchr(a, '=');
    nlen = eq ? (size_t)(eq - a) : strlen(a);
    if (nlen == 6 && !strncmp(a, "config", 6)) {
      if (!eq) i++;
      continue;
    }
    s = find(a, nlen);
    if (s == NULL) {
      snprintf(err, errlen, "unknown option '--%.*s'", (int)nlen, a);
      return -1;
    }
    if (s->kind == K_FLAG) {
      val = "";
    } else if (eq) {
      val = eq + 1;
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      snprintf(err, errlen, "--%s: missing value", s->name);
      return -1;
    }
    if (set_one(c, s, val) != 0) {
      snprintf(err, errlen, "--%s: bad value '%s'", s->name, val);
      return -1;
    }
  }
  return check(c, err, errlen);
}
