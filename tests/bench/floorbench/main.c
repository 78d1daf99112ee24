/* main.c -- floorbench's command line.
 *
 *   floorbench SCENARIO --target floorhub|mqtt|node|nats --port PORT [options]
 *              [--tls --ca-file CA] -- SERVER COMMAND...
 *   floorbench plant-file --lines N --equipment M   (a plant file on stdout)
 *   floorbench floor --subs N --rate R  (raw loopback fan-out, no server)
 *   floorbench selftest                 (checks of the meter; exit 1 if bad)
 *
 * floorbench starts the server command itself, measures, stops it and
 * prints one JSON object per measurement on stdout (progress and errors go
 * to stderr).  scripts/bench drives it; see "Benchmarks" in README.md.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "scenario.h"
#include "server.h"

static const struct {
  const char *name;     /* scenario name */
  int (*run)(bench *b); /* its function */
} scenarios[] = {{"fanout", sc_fanout}, {"plant", sc_plant}, {"memory", sc_memory},
                 {"durable", sc_durable}, {"storm", sc_storm}};

static void usage(void) {
  fprintf(stderr,
          "usage: floorbench fanout|plant|memory|durable|storm --target T --port P\n"
          "                  [options] -- SERVER COMMAND...\n"
          "       floorbench plant-file --lines N --equipment M\n"
          "       floorbench floor --subs N --rate MSGS_PER_S [--window-s S]\n"
          "       floorbench selftest\n"
          "  --target floorhub|mqtt|node|nats   server protocol\n"
          "  --jwt-key-file F    floorhub HS256 secret (tokens are minted)\n"
          "  --server-log F      server stdout/stderr (default /dev/null)\n"
          "  --label S --run N   copied into every result\n"
          "  --src-addrs N       spread connections over 127.0.0.1..N (4)\n"
          "  --tls --ca-file F   wss://: TLS, chain checked against F, and\n"
          "                      127.0.0.1 against the certificate's IP names\n"
          "  --subs N --start-rate D --p99-bound-ms MS --max-steps N   fanout\n"
          "  --rates D,D...      fanout: these deliveries/s only (no search)\n"
          "  --window-s S        measuring window (fanout 2, plant 10, durable 5)\n"
          "  --lines N --equipment N --hz F --terminals N --dashboards N   plant\n"
          "  --mem-steps LIST    memory: connection counts (1000,10000)\n"
          "  --clients N         durable (64) / storm (5000) clients\n"
          "  --inflight N        durable: requests in flight per client (4)\n");
  exit(2);
}

static void defaults(opts *o) {
  memset(o, 0, sizeof *o);
  o->src_addrs = 4;
  o->subs = 1000;
  o->window_s = 0; /* per scenario, below */
  o->start_rate = 20000;
  o->p99_bound_ms = 50;
  o->max_steps = 12;
  o->lines = 50;
  o->equipment = 10;
  o->hz = 10;
  o->terminals = 10;
  o->dashboards = 50;
  o->mem_steps = "1000,10000";
  o->clients = 0;
  o->inflight = 4;
}

static void parse(int argc, char **argv, opts *o) {
  static const struct option lo[] = {
      {"target", 1, 0, 't'}, {"port", 1, 0, 'p'}, {"jwt-key-file", 1, 0, 'k'},
      {"server-log", 1, 0, 'L'}, {"label", 1, 0, 'l'}, {"run", 1, 0, 'r'},
      {"src-addrs", 1, 0, 'a'}, {"subs", 1, 0, 's'}, {"start-rate", 1, 0, 'R'},
      {"p99-bound-ms", 1, 0, 'B'}, {"max-steps", 1, 0, 'M'},
      {"window-s", 1, 0, 'w'}, {"lines", 1, 0, 'n'}, {"equipment", 1, 0, 'e'},
      {"hz", 1, 0, 'h'}, {"terminals", 1, 0, 'T'}, {"dashboards", 1, 0, 'D'},
      {"mem-steps", 1, 0, 'm'}, {"clients", 1, 0, 'c'}, {"inflight", 1, 0, 'i'},
      {"rate", 1, 0, 'F'}, {"tls", 0, 0, 'S'}, {"ca-file", 1, 0, 'C'},
      {"rates", 1, 0, 'P'},
      {0, 0, 0, 0}};
  int ch;
  while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (ch) {
      case 't': o->target = optarg; break;
      case 'p': o->port = atoi(optarg); break;
      case 'k': o->jwt_key_file = optarg; break;
      case 'L': o->server_log = optarg; break;
      case 'l': o->label = optarg; break;
      case 'r': o->run = atoi(optarg); break;
      case 'a': o->src_addrs = atoi(optarg); break;
      case 's': o->subs = atoi(optarg); break;
      case 'R': o->start_rate = atof(optarg); break;
      case 'B': o->p99_bound_ms = atof(optarg); break;
      case 'M': o->max_steps = atoi(optarg); break;
      case 'w': o->window_s = atof(optarg); break;
      case 'n': o->lines = atoi(optarg); break;
      case 'e': o->equipment = atoi(optarg); break;
      case 'h': o->hz = atof(optarg); break;
      case 'T': o->terminals = atoi(optarg); break;
      case 'D': o->dashboards = atoi(optarg); break;
      case 'm': o->mem_steps = optarg; break;
      case 'c': o->clients = atoi(optarg); break;
      case 'i': o->inflight = atoi(optarg); break;
      case 'F': o->rate = atof(optarg); break;
      case 'S': o->tls = 1; break;
      case 'C': o->ca_file = optarg; break;
      case 'P': o->rates = optarg; break;
      default: usage();
    }
  }
  o->server_argv = argv + optind;
}

/* A plant of `lines` lines with `eqs` equipment each, named as util.c
 * expects, with the sample plant's shifts, kinds and reasons. */
static int plant_file(const opts *o) {
  printf("{\n  \"plant\": \"floorbench plant\",\n  \"timezone\": \"UTC\",\n"
         "  \"shifts\": [\n"
         "    {\"name\": \"early\", \"start\": \"06:00\", \"end\": \"14:00\"},\n"
         "    {\"name\": \"late\", \"start\": \"14:00\", \"end\": \"22:00\"},\n"
         "    {\"name\": \"night\", \"start\": \"22:00\", \"end\": \"06:00\"}\n  ],\n"
         "  \"escalation\": [{\"after_s\": 3600, \"role\": \"shift_manager\"}],\n"
         "  \"andon_kinds\": [\"maintenance\", \"quality\", \"material\"],\n"
         "  \"reasons\": [\"mechanical\", \"electrical\", \"other\"],\n"
         "  \"lines\": [\n");
  for (int l = 0; l < o->lines; l++) {
    printf("    {\"id\": \"L%02d\", \"name\": \"Line %d\", \"area\": \"Bench\",\n"
           "     \"equipment\": [", l + 1, l + 1);
    for (int e = 0; e < o->equipment; e++) {
      char id[32];
      equipment_name((uint32_t)l, (uint32_t)e, id, sizeof id);
      printf("%s\n       {\"id\": \"%s\", \"name\": \"Machine %d\", "
             "\"ideal_cycle_ms\": 1000}", e ? "," : "", id, e + 1);
    }
    printf("]}%s\n", l + 1 < o->lines ? "," : "");
  }
  printf("  ]\n}\n");
  return 0;
}

static const target_ops *target_of(const char *name) {
  if (name == NULL) return NULL;
  if (!strcmp(name, "floorhub")) return &target_floorhub;
  if (!strcmp(name, "mqtt")) return &target_mqtt;
  if (!strcmp(name, "node")) return &target_node;
  if (!strcmp(name, "nats")) return &target_nats;
  return NULL;
}

/* Connections the scenario will open; sets its default window and sizes. */
static size_t plan(opts *o) {
  const char *s = o->scenario, *last = strrchr(o->mem_steps, ',');
  double window = 5;
  size_t n = 0;

  if (!strcmp(s, "fanout")) {
    window = 2;
    n = (size_t)o->subs + 1;
  } else if (!strcmp(s, "plant")) {
    window = 10;
    n = (size_t)(o->lines * (o->terminals + 1) + o->dashboards);
  } else if (!strcmp(s, "memory")) {
    n = (size_t)strtoul(last ? last + 1 : o->mem_steps, NULL, 10);
  } else if (!strcmp(s, "durable")) {
    if (o->clients == 0) o->clients = 64;
    n = (size_t)o->clients;
  } else if (!strcmp(s, "storm")) {
    if (o->clients == 0) o->clients = 5000;
    n = (size_t)o->clients;
  }
  if (o->window_s <= 0) o->window_s = window;
  return n;
}

/* floor: no server, so only what the output lines need of a bench. */
static int floor_run(opts *o) {
  static const target_ops raw = {.name = "raw-tcp"};
  static bench b;
  if (o->rate <= 0 || o->subs < 1) usage();
  if (o->window_s <= 0) o->window_s = 5;
  raise_fd_limit();
  b.o = o;
  b.ops = &raw;
  return sc_floor(&b);
}

int main(int argc, char **argv) {
  opts o;
  bench b;
  int rc = 1;
  const target_ops *ops;

  if (argc < 2) usage();
  if (!strcmp(argv[1], "selftest")) return selftest() ? 1 : 0;
  defaults(&o);
  o.scenario = argv[1];
  parse(argc - 1, argv + 1, &o);
  if (!strcmp(o.scenario, "plant-file")) return plant_file(&o);
  if (!strcmp(o.scenario, "floor")) return floor_run(&o);
  ops = target_of(o.target);
  if (ops == NULL || o.port <= 0 || o.server_argv[0] == NULL || o.lines < 1 ||
      o.equipment < 1)
    usage();
  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  if (o.tls && fb_tls_init(o.ca_file) != 0) return 1;
  for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
    if (strcmp(o.scenario, scenarios[i].name) != 0) continue;
    if (bench_init(&b, &o, ops, plan(&o)) != 0) {
      fprintf(stderr, "floorbench: out of memory\n");
      return 1;
    }
    rc = scenarios[i].run(&b);
    server_stop(&b, 10);
    bench_free(&b);
    fb_tls_free();
    return rc;
  }
  usage();
  return rc;
}
