/* sc_plant.c -- scenario 2: a plant's traffic mix.
 *
 * --lines lines of --equipment equipment each; every equipment is updated
 * --hz times a second by its line's gateway (one publishing connection per
 * line, cycling through the line's equipment).  --terminals terminals per
 * line subscribe to their line; --dashboards dashboards subscribe to
 * "plant" and every line.  After one second of warm-up the window runs
 * --window-s seconds; the result is the publish->deliver latency of the
 * window's messages, the deliveries against sent x (terminals +
 * dashboards), and the server's CPU.
 */
#include <stdio.h>

#include "out.h"
#include "scenario.h"
#include "server.h"

#define WARMUP_S 1.0
#define DRAIN_S 2.0

static void add_subscribers(bench *b) {
  const opts *o = b->o;
  size_t first = bench_add(b, (size_t)(o->lines * o->terminals), ROLE_SUB);
  for (int i = 0; i < o->lines * o->terminals; i++) {
    conn *c = &b->conns[first + (size_t)i];
    c->ntopics = 1;
    c->topics[0] = (uint16_t)(i / o->terminals);
  }
  first = bench_add(b, (size_t)o->dashboards, ROLE_SUB);
  for (int i = 0; i < o->dashboards; i++) {
    conn *c = &b->conns[first + (size_t)i];
    c->topics[c->ntopics++] = FB_TOPIC_PLANT;
    for (int l = 0; l < o->lines; l++) c->topics[c->ntopics++] = (uint16_t)l;
  }
}

static int all_delivered(bench *b, void *arg) {
  return b->delivered >= *(uint64_t *)arg;
}

int sc_plant(bench *b) {
  const opts *o = b->o;
  size_t gw;
  uint64_t sent0, sent, want;
  meter m;
  meter_result mr;
  jout j;

  if (o->lines < 1 || o->lines + 1 > FB_TOPICS_MAX) {
    fprintf(stderr, "floorbench: --lines must be 1..%d\n", FB_TOPICS_MAX - 1);
    return 1;
  }
  if (scenario_start_server(b) != 0) return 1;
  add_subscribers(b);
  gw = bench_add(b, (size_t)o->lines, ROLE_PUB);
  for (int l = 0; l < o->lines; l++) b->conns[gw + (size_t)l].line = (uint32_t)l;
  if (scenario_connect(b, 0, b->nconns) != 0) return 1;
  for (int l = 0; l < o->lines; l++)
    pacer_add(b, &b->conns[gw + (size_t)l], o->hz * o->equipment,
              (uint32_t)o->equipment);
  pacers_start(b, now_ns() + (uint64_t)((WARMUP_S + o->window_s) * 1e9));
  bench_sleep(b, WARMUP_S);
  sent0 = pacers_sent(b);
  bench_window(b, o->window_s);
  meter_start(b, &m);
  bench_run(b, b->win_end, NULL, NULL);
  meter_read(b, &m, &mr);
  sent = pacers_sent(b) - sent0;
  jout_begin(&j, b, "mix");
  jout_int(&j, "skipped", pacers_skipped(b));
  pacers_clear(b);
  want = sent * (uint64_t)(o->terminals + o->dashboards);
  bench_run(b, now_ns() + (uint64_t)(DRAIN_S * 1e9), all_delivered, &want);
  jout_int(&j, "lines", (uint64_t)o->lines);
  jout_int(&j, "equipment", (uint64_t)o->equipment);
  jout_num(&j, "hz", o->hz);
  jout_int(&j, "terminals", (uint64_t)(o->lines * o->terminals));
  jout_int(&j, "dashboards", (uint64_t)o->dashboards);
  jout_int(&j, "sent", sent);
  jout_num(&j, "sent_per_s", (double)sent / o->window_s);
  jout_int(&j, "expected", want);
  jout_int(&j, "delivered", b->delivered);
  jout_num(&j, "deliv_per_s", (double)b->delivered / o->window_s);
  jout_int(&j, "errors", b->errors);
  jout_int(&j, "closed", b->nclosed);
  jout_lat(&j, &b->lat);
  jout_meter(&j, &mr);
  jout_end(&j);
  return 0;
}
