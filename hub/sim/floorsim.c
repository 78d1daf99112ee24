/* floorsim.c -- the plant simulator: a gateway that drives a floorhub.
 *
 *   floorsim --plant FILE --token-file FILE [--url ws://127.0.0.1:7600/ws]
 *            [--ca-file FILE | --insecure] [--cert FILE --key FILE]
 *            [--speed 1] [--seed N] [--rate 50] [--duration S] [--verbose]
 *            [--operator-token-file FILE]
 *
 * Design: main() only reads the options, the plant (with the hub's loader,
 * so a layout floorhub accepts is one floorsim accepts) and the token, sets
 * TZ to the plant's time zone as the hub does (the shift calendar is local
 * time), and hands over to drive_run() (sim_drive.c).  The token is read
 * from a file so that it shows up in no process listing and no log; so is
 * the operator's token that classifies stops (sim_explain.h).
 * Without --seed the seed comes from the clock and is printed, so a run can
 * be repeated.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plant.h"
#include "sim_drive.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: floorsim --plant FILE (--token-file FILE | --cert FILE --key FILE)\n"
          "                [options]\n\n"
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

/* Fills o from argv; 0, 1 for --help/--version (printed), -1 on misuse. */
static int parse_args(int argc, char **argv, drive_opts *o,
                      const char **plant_file, const char **token_file,
                      const char **op_token_file) {
  static const struct option opts[] = {
      {"url", required_argument, NULL, 'u'},   {"token-file", required_argument, NULL, 't'},
      {"plant", required_argument, NULL, 'p'}, {"speed", required_argument, NULL, 's'},
      {"seed", required_argument, NULL, 'S'},  {"rate", required_argument, NULL, 'r'},
      {"duration", required_argument, NULL, 'd'}, {"verbose", no_argument, NULL, 'v'},
      {"ca-file", required_argument, NULL, 'C'}, {"insecure", no_argument, NULL, 'I'},
      {"cert", required_argument, NULL, 'c'},  {"key", required_argument, NULL, 'k'},
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
      case 'h': usage(stdout); return 1;
      case 'V': printf("floorsim %s\n", FH_VERSION); return 1;
      default: bad = 1;
    }
  }
  if (bad || optind != argc || *plant_file == NULL ||
      (*token_file == NULL && o->cert_file == NULL) ||
      (o->cert_file == NULL) != (o->key_file == NULL) ||
      (o->insecure && o->ca_file != NULL))
    return -1;
  o->seed = seed >= 0 ? (uint64_t)seed : (uint64_t)time(NULL);
  return 0;
}

int main(int argc, char **argv) {
  drive_opts o = {.url = "ws://127.0.0.1:7600/ws", .speed = 1.0, .rate = 50.0};
  const char *plant_file = NULL, *token_file = NULL, *op_file = NULL;
  static char token[FH_TOKEN_MAX + 2], op_token[FH_TOKEN_MAX + 2];
  char err[512];
  plant *p = NULL;
  int rc = parse_args(argc, argv, &o, &plant_file, &token_file, &op_file);

  if (rc != 0) {
    if (rc < 0) usage(stderr);
    return rc < 0 ? 2 : 0;
  }
  rc = plant_load(plant_file, &p, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "floorsim: %s\n", err);
    return 1;
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
