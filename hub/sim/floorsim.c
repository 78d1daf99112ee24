/* floorsim.c -- the plant simulator: a gateway that drives a floorhub.
 *
 *   floorsim --plant FILE --token-file FILE [--url ws://127.0.0.1:7600/ws]
 *            [--ca-file FILE | --insecure] [--cert FILE --key FILE]
 *            [--speed 1] [--seed N] [--rate 50] [--duration S] [--verbose]
 *            [--operator-token-file FILE]
 *   floorsim --plant FILE --sparkplug mqtt://HOST[:PORT] [--group G] [--node N]
 *            [--speed 1] [--seed N] [--duration S] [--verbose]
 *   floorsim --plant FILE --print-map [--group G] [--node N]
 *
 * Design: main() only reads the options, the plant (with the hub's loader,
 * so a layout floorhub accepts is one floorsim accepts) and the token, sets
 * TZ to the plant's time zone as the hub does (the shift calendar is local
 * time), and hands over to drive_run() (sim_drive.c).  The token is read
 * from a file so that it shows up in no process listing and no log; so is
 * the operator's token that classifies stops (sim_explain.h).
 * Without --seed the seed comes from the clock and is printed, so a run can
 * be repeated.  --sparkplug publishes the plant as a Sparkplug B edge node
 * instead (sim_spb.c), for floorgw to read through the mapping that
 * --print-map prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plant.h"
#include "sim_drive.h"
#include "sim_spb.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: floorsim --plant FILE (--token-file FILE | --cert FILE --key FILE)\n"
          "                [options]\n"
          "       floorsim --plant FILE --sparkplug mqtt://HOST[:PORT] [options]\n"
          "       floorsim --plant FILE --print-map [--group G] [--node N]\n\n"
          "  --url URL          hub endpoint (ws://127.0.0.1:7600/ws, or wss://)\n"
          "  --ca-file FILE     wss: trust these CAs (PEM) instead of the system's\n"
          "  --insecure         wss: do NOT check the hub's certificate (tests only)\n"
          "  --cert FILE        wss: client certificate (PEM) the hub maps to a gateway;\n"
          "  --key FILE         its private key (then --token-file is optional)\n"
          "  --token-file FILE  a gateway token (floorctl token --role gateway)\n"
          "  --plant FILE       plant layout, as given to floorhub\n"
          "  --speed X          simulated seconds per second (1)\n"
          "  --seed N           seed of the simulation (from the clock)\n"
          "  --rate N           requests per second at most (50)\n"
          "  --duration S       stop after S seconds (0: at SIGINT/SIGTERM)\n"
          "  --verbose          log every state change\n"
          "  --operator-token-file FILE  an operator's (or shift manager's)\n"
          "                     token: explain some stops as the line's operator\n"
          "                     would (dt.classify)\n"
          "  --sparkplug URL    publish to an MQTT broker (mqtt://HOST[:PORT]) as a\n"
          "                     Sparkplug B edge node instead of writing to the hub\n"
          "  --group G          its Sparkplug group id (floorsim)\n"
          "  --node N           its edge node id (edge1)\n"
          "  --print-map        print the floorgw mapping of that edge node and exit\n"
          "  --help, --version\n");
}

/* Reads the token: the file's first line, without surrounding blanks. */
static int read_token(const char *path, char *out, size_t cap) {
  FILE *fp = fopen(path, "r");
  size_t n, start = 0;
  int rc = 0;

  if (fp == NULL) return -errno;
  if (fgets(out, (int)cap, fp) == NULL) rc = ferror(fp) ? -EIO : -ENODATA;
  fclose(fp);
  if (rc != 0) return rc;
  n = strlen(out);
  while (n > 0 && strchr(" \t\r\n", out[n - 1])) out[--n] = '\0';
  while (out[start] == ' ' || out[start] == '\t') start++;
  memmove(out, out + start, n - start + 1);
  return out[0] ? 0 : -ENODATA;
}

static int parse_num(const char *s, double lo, double *out) {
  char *end;
  double v;
  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s || *end || !(v >= lo)) return -1;
  *out = v;
  return 0;
}

/* The options of the Sparkplug mode. */
typedef struct spb_cli {
  const char *url;        /* --sparkplug, NULL: the hub mode */
  const char *group;      /* --group */
  const char *node;       /* --node */
  int print_map;          /* --print-map */
} spb_cli;

/* Fills o and sc from argv; 0, 1 for --help/--version (printed), -1 on
 * misuse. */
static int parse_args(int argc, char **argv, drive_opts *o, spb_cli *sc,
                      const char **plant_file, const char **token_file,
                      const char **op_token_file) {
  static const struct option opts[] = {
      {"url", required_argument, NULL, 'u'},   {"token-file", required_argument, NULL, 't'},
      {"plant", required_argument, NULL, 'p'}, {"speed", required_argument, NULL, 's'},
      {"seed", required_argument, NULL, 'S'},  {"rate", required_argument, NULL, 'r'},
      {"duration", required_argument, NULL, 'd'}, {"verbose", no_argument, NULL, 'v'},
      {"ca-file", required_argument, NULL, 'C'}, {"insecure", no_argument, NULL, 'I'},
      {"cert", required_argument, NULL, 'c'},  {"key", required_argument, NULL, 'k'},
      {"sparkplug", required_argument, NULL, 'M'}, {"group", required_argument, NULL, 'G'},
      {"node", required_argument, NULL, 'N'},  {"print-map", no_argument, NULL, 'P'},
      {"operator-token-file", required_argument, NULL, 'O'},
      {"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  double seed = -1;
  int ch, bad = 0;

  while ((ch = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
    switch (ch) {
      case 'u': o->url = optarg; break;
      case 't': *token_file = optarg; break;
      case 'O': *op_token_file = optarg; break;
      case 'p': *plant_file = optarg; break;
      case 's': bad |= parse_num(optarg, 1e-3, &o->speed); break;
      case 'S': bad |= parse_num(optarg, 0, &seed) || seed > 9007199254740992.0; break;
      case 'r': bad |= parse_num(optarg, 1e-3, &o->rate); break;
      case 'd': bad |= parse_num(optarg, 0, &o->duration_s); break;
      case 'v': o->verbose = 1; break;
      case 'C': o->ca_file = optarg; break;
      case 'I': o->insecure = 1; break;
      case 'c': o->cert_file = optarg; break;
      case 'k': o->key_file = optarg; break;
      case 'M': sc->url = optarg; break;
      case 'G': sc->group = optarg; break;
      case 'N': sc->node = optarg; break;
      case 'P': sc->print_map = 1; break;
      case 'h': usage(stdout); return 1;
      case 'V': printf("floorsim %s\n", FH_VERSION); return 1;
      default: bad = 1;
    }
  }
  if (bad || optind != argc || *plant_file == NULL ||
      (*token_file == NULL && o->cert_file == NULL && !sc->url && !sc->print_map) ||
      (o->cert_file == NULL) != (o->key_file == NULL) ||
      (o->insecure && o->ca_file != NULL))
    return -1;
  o->seed = seed >= 0 ? (uint64_t)seed : (uint64_t)time(NULL);
  return 0;
}

/* mqtt://HOST[:PORT] into host[cap] and *port; 0 or -1. */
static int broker_of(const char *url, char *host, size_t cap, int *port) {
  int n = 0;
  *port = 1883;
  if (sscanf(url, "mqtt://%255[^:/]%n:%d", host, &n, port) < 1 || strlen(host) >= cap ||
      *port < 1 || *port > 65535)
    return -1;
  return 0;
}

/* --sparkplug and --print-map; the exit status. */
static int run_sparkplug(const spb_cli *sc, const drive_opts *d, const plant *p) {
  char host[256];
  spb_drive_opts o = {.group = sc->group, .node = sc->node, .p = p, .speed = d->speed,
                      .seed = d->seed, .duration_s = d->duration_s, .verbose = d->verbose};
  if (sc->print_map) return spb_print_map(stdout, &o) == 0 ? 0 : 1;
  if (broker_of(sc->url, host, sizeof host, &o.port) != 0) {
    fprintf(stderr, "floorsim: --sparkplug %s: want mqtt://HOST[:PORT]\n", sc->url);
    return 2;
  }
  o.host = host;
  setenv("TZ", p->timezone, 1);
  tzset();
  return spb_drive_run(&o);
}

int main(int argc, char **argv) {
  drive_opts o = {.url = "ws://127.0.0.1:7600/ws", .speed = 1.0, .rate = 50.0};
  const char *plant_file = NULL, *token_file = NULL, *op_file = NULL;
  static char token[FH_TOKEN_MAX + 2], op_token[FH_TOKEN_MAX + 2];
  char err[512];
  plant *p = NULL;
  spb_cli sc = {.group = "floorsim", .node = "edge1"};
  int rc = parse_args(argc, argv, &o, &sc, &plant_file, &token_file, &op_file);

  if (rc != 0) {
    if (rc < 0) usage(stderr);
    return rc < 0 ? 2 : 0;
  }
  rc = plant_load(plant_file, &p, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "floorsim: %s\n", err);
    return 1;
  }
  if (sc.url || sc.print_map) {
    rc = run_sparkplug(&sc, &o, p);
    plant_free(p);
    return rc;
  }
  rc = token_file ? read_token(token_file, token, sizeof token) : 0;
  if (rc != 0) {
    fprintf(stderr, "floorsim: --token-file %s: %s\n", token_file,
            rc == -ENODATA ? "no token in it" : strerror(-rc));
    goto fail;
  }
  rc = op_file ? read_token(op_file, op_token, sizeof op_token) : 0;
  if (rc != 0) {
    fprintf(stderr, "floorsim: --operator-token-file %s: %s\n", op_file,
            rc == -ENODATA ? "no token in it" : strerror(-rc));
    goto fail;
  }
  o.operator_token = op_file ? op_token : NULL;
  if (o.insecure)
    fprintf(stderr, "floorsim: WARNING: --insecure: the hub's certificate and "
            "name are NOT checked; anyone on the network can pose as the hub "
            "and read the token\n");
  setenv("TZ", p->timezone, 1);
  tzset();
  o.token = token;
  o.p = p;
  rc = drive_run(&o);
  if (rc < 0) fprintf(stderr, "floorsim: cannot start: %s\n", strerror(-rc));

fail:
  memset(token, 0, sizeof token);
  memset(op_token, 0, sizeof op_token);
  plant_free(p);
  return rc == 0 ? 0 : 1;
}
