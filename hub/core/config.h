/* config.h -- floorhub's settings: command line and config file.
 *
 * Every setting has a long option (--listen) and the same name in a config
 * file (`listen = 127.0.0.1:7600`, one per line, '#' starts a comment).
 * The command line wins over the file.  A bad setting is a usage error:
 * config_parse() fills `err` naming the setting and main() exits 2.
 */
#ifndef FH_HUB_CONFIG_H
#define FH_HUB_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An address to listen on. */
typedef struct hub_listen {
  char addr[64];               /* address to bind, "127.0.0.1" */
  int port;                    /* port; 0 picks a free one; -1 none */
} hub_listen;

typedef struct hub_config {
  hub_listen listen;           /* --listen: 127.0.0.1:7600 (TLS with
                                  --tls-cert) */
  hub_listen listen_plain;     /* --listen-plain: a second, plain listener
                                  (loopback use); port -1 = none */
  char tls_cert[512];          /* PEM certificate (chain), "" = plain */
  char tls_key[512];           /* PEM private key, mode 0600 or stricter */
  uint32_t hsts_max_age;       /* Strict-Transport-Security max-age, s;
                                  0 = no header */
  char tls_client_ca[512];     /* CAs of client certificates, "" = none */
  char tls_client_cert[16];    /* "required" | "optional" ("" = optional
                                  with a client CA) */
  char tls_client_map[512];    /* JSON: certificate CN -> identity */
  char data_dir[512];          /* LMDB directory */
  char plant_file[512];        /* plant layout JSON */
  char web_root[512];          /* dashboard files, "" = none */
  char jwt_alg[16];            /* HS256 | RS256 | ES256; "" = HS256 */
  char jwt_key_file[512];      /* HMAC secret or public key PEM */
  char jwt_jwks_file[512];     /* JWK Set, instead of jwt_alg + key file */
  char jwt_role_claim[128];    /* dotted path of the role claim ("role") */
  char jwt_lines_claim[128];   /* dotted path of the lines claim ("lines") */
  char jwt_user_claim[128];    /* dotted path of the user claim ("sub") */
  char jwt_role_map[512];      /* JSON: IdP role name -> floorhub role */
  char jwt_issuer[256];        /* required iss, "" = not checked */
  char jwt_audience[256];      /* required aud, "" = not checked */
  char allowed_origin[256];    /* required Origin on upgrades, "" = any */
  char log_level[16];          /* error | warn | info | debug */
  char port_file[512];         /* write the bound port here, "" = no */
  char notify_file[512];       /* notify settings JSON, "" = none */
  uint32_t max_connections;    /* WebSocket sessions at most */
  uint32_t auth_timeout_ms;    /* close unauthenticated sessions after */
  uint32_t frame_max;          /* largest message a client may send */
  uint64_t queue_max_bytes;    /* per-session send queue bound */
  uint32_t queue_max_age_ms;   /* oldest queued message allowed */
  uint32_t rate_per_s;         /* requests per second per session */
  uint32_t rate_burst;         /* token bucket depth */
  uint32_t idle_ping_s;        /* ping an idle connection after */
  uint32_t idle_hangup_s;      /* drop it when nothing came back for */
  uint64_t map_size_max;       /* LMDB map cap in bytes */
  uint64_t map_size;           /* initial LMDB map size in bytes */
  int commit_per_op;           /* benchmark only: one commit per write */
  uint32_t housekeeping_s;      /* store trim and retention every this long */
  uint32_t kiosk_idle_logout_s; /* sign a person out of a kiosk after this
                                   long without a request */
  uint32_t session_ttl_s;      /* lifetime of a dashboard sign-in token
                                  (POST /api/v1/login), s */
} hub_config;

/* Fills the defaults. */
void config_defaults(hub_config *c);

/* Parses argv (and the --config file it names).  Returns 0, 1 when --help
 * or --version was printed (exit 0), or -1 with err naming the setting. */
int config_parse(hub_config *c, int argc, char **argv, char *err,
                 size_t errlen);

/* The --help text. */
void config_usage(FILE *fp);

#endif
