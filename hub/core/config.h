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

typedef struct hub_config {
  char listen_addr[64];        /* address to bind, "127.0.0.1" */
  int listen_port;             /* port, 7600; 0 picks a free one */
  char data_dir[512];          /* LMDB directory */
  char plant_file[512];        /* plant layout JSON */
  char web_root[512];          /* dashboard files, "" = none */
  char jwt_alg[16];            /* HS256 | RS256 | ES256 */
  char jwt_key_file[512];      /* HMAC secret or public key PEM */
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
