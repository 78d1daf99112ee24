/* sc_memory.c -- scenario 3: server memory per idle, subscribed connection.
 *
 * The server's RSS is read once it listens and has settled (the baseline),
 * then connections are added up to each count of --mem-steps ("1000,10000"
 * by default): each subscribes to one line (spread over --lines lines;
 * floorhub clients are authenticated viewers), holds its snapshot and then
 * stays idle.  After a settle time the RSS is read again: one JSON line per
 * step with the RSS and (RSS - baseline) / connections.  Last, the time
 * the server takes to stop (SIGTERM to exit) with every connection open.
 */
#include <stdio.h>
#include <stdlib.h>

#include "out.h"
#include "scenario.h"
#include "server.h"

#define SETTLE_S 2.0
#define STEPS_MAX 32
#define STOP_TIMEOUT_S 60.0

/* Parses "1000,2500,10000" (ascending) into out; returns the count. */
static size_t parse_steps(const char *s, size_t *out) {
  size_t n = 0;
  char *end;
  while (s != NULL && *s && n < STEPS_MAX) {
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || v == 0 || (n > 0 && v <= out[n - 1])) return 0;
    out[n++] = v;
    s = *end == ',' ? end + 1 : end;
  }
  return n;
}

int sc_memory(bench *b) {
  const opts *o = b->o;
  size_t steps[STEPS_MAX], nsteps = parse_steps(o->mem_steps, steps);
  long rss0, rss;
  uint64_t t0;
  jout j;

  if (nsteps == 0) {
    fprintf(stderr, "floorbench: --mem-steps wants ascending counts: 1000,10000\n");
    return 1;
  }
  if (scenario_start_server(b) != 0) return 1;
  bench_sleep(b, SETTLE_S);
  rss0 = server_rss_kib(b);
  jout_begin(&j, b, "rss");
  jout_int(&j, "conns", 0);
  jout_int(&j, "rss_kib", (uint64_t)rss0);
  jout_num(&j, "bytes_per_conn", 0);
  jout_end(&j);
  for (size_t s = 0; s < nsteps; s++) {
    size_t first = bench_add(b, steps[s] - b->nconns, ROLE_SUB);
    t0 = now_ns();
    for (size_t i = first; i < steps[s]; i++) {
      b->conns[i].ntopics = 1;
      b->conns[i].topics[0] = (uint16_t)(i % (size_t)o->lines);
    }
    if (scenario_connect(b, first, steps[s] - first) != 0) return 1;
    jout_begin(&j, b, "rss");
    jout_num(&j, "connect_s", (double)(now_ns() - t0) / 1e9);
    bench_sleep(b, SETTLE_S);
    rss = server_rss_kib(b);
    jout_int(&j, "conns", steps[s]);
    jout_int(&j, "rss_kib", (uint64_t)rss);
    jout_num(&j, "bytes_per_conn", (double)(rss - rss0) * 1024.0 / (double)steps[s]);
    jout_int(&j, "ready", b->nready);
    jout_end(&j);
  }
  t0 = now_ns();
  server_stop(b, STOP_TIMEOUT_S);
  jout_begin(&j, b, "stop");
  jout_int(&j, "conns", b->nconns);
  jout_num(&j, "stop_s", (double)(now_ns() - t0) / 1e9);
  jout_end(&j);
  return 0;
}
