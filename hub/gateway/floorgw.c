/* floorgw.c -- machine data from MQTT and Sparkplug B into floorhub.
 *
 *   floorgw --map FILE --broker mqtt://HOST:PORT --hub ws://HOST:PORT/ws
 *           --token-file F [--host-id ID] [--client-id ID]
 *           [--broker-user U --broker-password-file F] [--broker-ca-file F]
 *           [--broker-cert F --broker-key F] [--ca-file F]
 *
 * Design: main() only reads the options and the two secrets (the gateway
 * token and the broker password, each the first line of its file, so they
 * show up in no process listing) and hands over to gw_run() (gw_run.c).
 * The broker URL is mqtt://HOST[:PORT] (1883) or mqtts://HOST[:PORT]
 * (8883).  --ca-file is the CA of a wss:// hub (fh_client checks the hub's
 * certificate and name against it, else against the system's CAs).
 */
#include <errno.h>
#include <getopt.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fh_protocol.h"
#include "gw_run.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: floorgw --map FILE --broker mqtt://HOST:PORT --hub ws://HOST:PORT/ws\n"
          "               --token-file F [options]\n\n"
          "  --map FILE               the mapping of topics and metrics to equipment\n"
          "  --broker URL             mqtt://HOST[:PORT] or mqtts://HOST[:PORT]\n"
          "  --hub URL                the hub (ws://HOST:PORT/ws)\n"
          "  --token-file F           a gateway token (floorctl token --role gateway)\n"
          "  --host-id ID             Sparkplug host id, for spBv1.0/STATE/ID (floorgw)\n"
          "  --client-id ID           MQTT client id of the persistent session\n"
          "                           (floorgw-<host id>)\n"
          "  --broker-user U          broker user name\n"
          "  --broker-password-file F broker password, the file's first line\n"
          "  --broker-ca-file F       CA of an mqtts:// broker\n"
          "  --broker-cert F          client certificate for the broker\n"
          "  --broker-key F           ... and its key\n"
          "  --ca-file F              CAs of a wss:// hub (PEM; the system's by default)\n"
          "  --help, --version\n");
}

/* The first line of a file, without trailing blanks, into a malloc'd
 * string.  0, -ENODATA (empty), or -errno. */
static int read_secret(const char *path, char **out) {
  FILE *fp = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  if (fp == NULL) return -errno;
  n = getline(&line, &cap, fp);
  fclose(fp);
  while (n > 0 && strchr(" \t\r\n", line[n - 1])) line[--n] = '\0';
  if (n <= 0) {
    free(line);
    return -ENODATA;
  }
  *out = line;
  return 0;
}

/* mqtt://HOST[:PORT] or mqtts://...; host copied into host[cap]. */
static int parse_broker(const char *url, char *host, size_t cap, gw_opts *o) {
  const char *p, *colon;
  size_t n;
  long port;
  char *end;
  if (strncmp(url, "mqtt://", 7) == 0) o->broker_tls = 0, p = url + 7;
  else if (strncmp(url, "mqtts://", 8) == 0) o->broker_tls = 1, p = url + 8;
  else return -1;
  colon = strchr(p, ':');
  n = colon ? (size_t)(colon - p) : strlen(p);
  if (n == 0 || n >= cap || memchr(p, '/', n)) return -1;
  memcpy(host, p, n);
  host[n] = '\0';
  port = o->broker_tls ? 8883 : 1883;
  if (colon && ((port = strtol(colon + 1, &end, 10)) < 1 || port > 65535 ||
                (*end && strcmp(end, "/") != 0)))
    return -1;
  o->broker_host = host;
  o->broker_port = (int)port;
  return 0;
}

/* The file options, for main() to read. */
typedef struct files {
  const char *token;       /* --token-file */
  const char *password;    /* --broker-password-file */
  const char *broker;      /* --broker */
} files;

/* Fills o and f from argv; 0, 1 for --help/--version, -1 on misuse. */
static int parse_args(int argc, char **argv, gw_opts *o, files *f) {
  static const struct option opts[] = {
      {"map", required_argument, NULL, 'm'}, {"broker", required_argument, NULL, 'b'},
      {"hub", required_argument, NULL, 'u'}, {"token-file", required_argument, NULL, 't'},
      {"host-id", required_argument, NULL, 'H'}, {"client-id", required_argument, NULL, 'c'},
      {"broker-user", required_argument, NULL, 'U'},
      {"broker-password-file", required_argument, NULL, 'P'},
      {"broker-ca-file", required_argument, NULL, 'A'},
      {"broker-cert", required_argument, NULL, 'C'},
      {"broker-key", required_argument, NULL, 'K'}, {"ca-file", required_argument, NULL, 'a'},
      {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  int ch;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (ch) {
      case 'm': o->map_file = optarg; break;
      case 'b': f->broker = optarg; break;
      case 'u': o->hub_url = optarg; break;
      case 't': f->token = optarg; break;
      case 'H': o->host_id = optarg; break;
      case 'c': o->client_id = optarg; break;
      case 'U': o->broker_user = optarg; break;
      case 'P': f->password = optarg; break;
      case 'A': o->broker_ca = optarg; break;
      case 'C': o->broker_cert = optarg; break;
      case 'K': o->broker_key = optarg; break;
      case 'a': o->hub_ca = optarg; break;
      case 'h': usage(stdout); return 1;
      case 'V': printf("floorgw %s\n", FH_VERSION); return 1;
      default: return -1;
    }
  }
  if (optind != argc || !o->map_file || !f->broker || !o->hub_url || !f->token) return -1;
  if ((o->broker_cert == NULL) != (o->broker_key == NULL)) return -1;
  return 0;
}

/* Checks what the options say together; 0 or -1 (printed). */
static int check(const gw_opts *o) {
  if (strlen(o->host_id) == 0 || strlen(o->host_id) > 64 || strpbrk(o->host_id, "/+#")) {
    fprintf(stderr, "floorgw: --host-id must be 1..64 bytes without / + #\n");
    return -1;
  }
  if (o->hub_ca && strncmp(o->hub_url, "wss://", 6) != 0) {
    fprintf(stderr, "floorgw: --ca-file needs a wss:// hub\n");
    return -1;
  }
  if ((o->broker_ca || o->broker_cert) && !o->broker_tls) {
    fprintf(stderr, "floorgw: TLS files need an mqtts:// broker\n");
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  gw_opts o = {.host_id = "floorgw"};
  files f = {0};
  char host[256], *token = NULL, *password = NULL;
  int rc = parse_args(argc, argv, &o, &f);

  if (rc != 0) {
    if (rc < 0) usage(stderr);
    return rc < 0 ? 2 : 0;
  }
  if (parse_broker(f.broker, host, sizeof host, &o) != 0) {
    fprintf(stderr, "floorgw: --broker %s: want mqtt://HOST[:PORT] or mqtts://...\n", f.broker);
    return 2;
  }
  if (check(&o) != 0) return 2;
  if ((rc = read_secret(f.token, &token)) != 0) {
    fprintf(stderr, "floorgw: --token-file %s: %s\n", f.token,
            rc == -ENODATA ? "no token in it" : strerror(-rc));
    goto fail;
  }
  if (f.password && (rc = read_secret(f.password, &password)) != 0) {
    fprintf(stderr, "floorgw: --broker-password-file %s: %s\n", f.password,
            rc == -ENODATA ? "empty" : strerror(-rc));
    goto fail;
  }
  o.token = token;
  o.broker_password = password;
  mosquitto_lib_init();
  rc = gw_run(&o);
  mosquitto_lib_cleanup();
fail:
  if (token) memset(token, 0, strlen(token));
  if (password) memset(password, 0, strlen(password));
  free(token);
  free(password);
  return rc == 0 ? 0 : 1;
}
