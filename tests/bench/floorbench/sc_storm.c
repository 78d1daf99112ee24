/* sc_storm.c -- scenario 5: every client reconnects at once after a
 * server restart.
 *
 * --clients subscribers (one line each) connect and hold their snapshot.
 * The server is stopped (SIGTERM, as a service manager restarts it) and
 * started again on the same data; as soon as its port accepts a
 * connection, every client connects at once (no throttling: that is the
 * storm), authenticates, subscribes again and waits for its snapshot
 * (floorhub: the snap; mosquitto: the SUBACK; node-ws: the ok).  Reported:
 * storm_s, from the port accepting to the last client holding its
 * snapshot, and the stop and start times of the server around it.
 */
#include <stdio.h>

#include "out.h"
#include "scenario.h"
#include "server.h"

#define STORM_TIMEOUT_S 60.0
#define STOP_TIMEOUT_S 10.0

int sc_storm(bench *b) {
  const opts *o = b->o;
  size_t n = (size_t)o->clients, first;
  uint64_t t_stop, t_start, t_listen, t_ready;
  int all;
  meter m;
  meter_result mr;
  jout j;

  if (scenario_start_server(b) != 0) return 1;
  first = bench_add(b, n, ROLE_SUB);
  for (size_t i = first; i < first + n; i++) {
    b->conns[i].ntopics = 1;
    b->conns[i].topics[0] = (uint16_t)(i % (size_t)o->lines);
  }
  if (scenario_connect(b, 0, n) != 0) return 1;
  t_stop = now_ns();
  server_stop(b, STOP_TIMEOUT_S);
  bench_drop_all(b);
  t_start = now_ns();
  if (server_start(b) != 0 || server_wait_listening(b, 20) != 0) {
    fprintf(stderr, "floorbench: the server did not come back\n");
    return 1;
  }
  t_listen = now_ns();
  b->max_handshakes = n;
  meter_start(b, &m);
  bench_connect(b, 0, n);
  all = bench_wait_ready(b, n, STORM_TIMEOUT_S);
  t_ready = now_ns();
  meter_read(b, &m, &mr);
  jout_begin(&j, b, "storm");
  jout_int(&j, "clients", n);
  jout_int(&j, "ready", b->nready);
  jout_int(&j, "all_ready", (uint64_t)all);
  jout_num(&j, "storm_s", (double)(t_ready - t_listen) / 1e9);
  jout_num(&j, "stop_s", (double)(t_start - t_stop) / 1e9);
  jout_num(&j, "start_s", (double)(t_listen - t_start) / 1e9);
  jout_int(&j, "closed", b->nclosed);
  jout_meter(&j, &mr);
  jout_end(&j);
  return 0;
}
