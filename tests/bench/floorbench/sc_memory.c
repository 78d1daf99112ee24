/* sc_memory.c -- scenario 3: server memory per idle, subscribed connection.
 *
 * The server's RSS is read once it listens and has settled (the baseline),
 * then connections are added up to each count of --mem-steps ("1000,10000"
 * by default): each subscribes to one line (spread over --lines lines;
 * floorhub clients are authenticated viewers), holds its snapshot and then
 * stays idle.  After a settle time the RSS is read again: one JSON line per
 * step with the RSS and (RSS - baseline) / connections, and what the step's
 * connects cost: their setup times (connect start to snapshot held, with
 * 256 handshakes at a time) and the server's CPU per connection.  Last, the time
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

/* Connects [first, first+n), then prints the step's line: how long the
 * connects took (each, and all), the server's CPU per connection meanwhile,
 * and the RSS once they have settled. */
static int memory_step(bench *b, size_t first, size_t n, long rss0) {
  uint64_t t0 = now_ns();
  long rss;
  meter m;
  meter_result mr;
  jout j;

  hist_reset(&b->setup);
  meter_start(b, &m);
  if (scenario_connect(b, first, n) != 0) return -1;
  meter_read(b, &m, &mr);
  jout_begin(&j, b, "rss");
  jout_num(&j, "connect_s", (double)(now_ns() - t0) / 1e9);
  jout_num(&j, "setup_p50_us", (double)hist_quantile(&b->setup, 0.50) / 1e3);
  jout_num(&j, "setup_p99_us", (double)hist_quantile(&b->setup, 0.99) / 1e3);
  jout_num(&j, "connect_server_cpu_us_per_conn",
           mr.server_cpu < 0 ? -1 : mr.server_cpu * mr.elapsed_s * 1e6 / (double)n);
  jout_num(&j, "connect_other_cpu", mr.other_cpu);
  bench_sleep(b, SETTLE_S);
  rss = server_rss_kib(b);
  jout_int(&j, "conns", b->nconns);
  jout_int(&j, "rss_kib", (uint64_t)rss);
  jout_num(&j, "bytes_per_conn", (double)(rss - rss0) * 1024.0 / (double)b->nconns);
  jout_int(&j, "ready", b->nready);
  jout_end(&j);
  return 0;
}

int sc_memory(bench *b) {
  const opts *o = b->o;
  size_t steps[STEPS_MAX], nsteps = parse_counts(o->mem_steps, steps, STEPS_MAX);
  long rss0;
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
    for (size_t i = first; i < steps[s]; i++) {
      b->conns[i].ntopics = 1;
      b->conns[i].topics[0] = (uint16_t)(i % (size_t)o->lines);
    }
    if (memory_step(b, first, steps[s] - first, rss0) != 0) return 1;
  }
  t0 = now_ns();
  server_stop(b, STOP_TIMEOUT_S);
  jout_begin(&j, b, "stop");
  jout_int(&j, "conns", b->nconns);
  jout_num(&j, "stop_s", (double)(now_ns() - t0) / 1e9);
  jout_end(&j);
  return 0;
}
