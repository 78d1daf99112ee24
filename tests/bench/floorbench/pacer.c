/* pacer.c -- publishers at a fixed rate (open loop).
 *
 * A pacer does not wait for the server: at every loop iteration it queues
 * as many messages as its rate says should have gone out since it started
 * (so a slow server cannot slow the offered load down, the "coordinated
 * omission" trap).  What it cannot queue because the connection already
 * has FB_TX_MAX bytes unsent is counted as skipped: the server is not
 * reading, and the step that sees it fails.  Messages queued in one
 * iteration share the time stamp of that iteration; they leave in one
 * write(2) right after.  A pacer stops at the end of the measuring
 * window, so every message it counts as sent is stamped inside the window.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fb.h"

#define TICK_MAX 2000 /* messages one pacer queues per iteration at most */

pacer *pacer_add(bench *b, conn *c, double rate, uint32_t items) {
  pacer *n = realloc(b->pacers, (b->npacers + 1) * sizeof *n);
  if (n == NULL) {
    fprintf(stderr, "floorbench: out of memory\n");
    exit(1);
  }
  b->pacers = n;
  n += b->npacers++;
  *n = (pacer){.c = c, .rate = rate, .items = items ? items : 1};
  return n;
}

void pacers_start(bench *b, uint64_t stop) {
  uint64_t now = now_ns();
  for (size_t i = 0; i < b->npacers; i++) {
    pacer *p = &b->pacers[i];
    p->t0 = now;
    p->stop = stop;
    p->due_done = p->sent = p->skipped = 0;
  }
}

static void tick_one(bench *b, pacer *p, uint64_t now) {
  conn *c = p->c;
  uint64_t due = (uint64_t)((double)(now - p->t0) * p->rate / 1e9);
  unsigned n = 0;

  if (p->t0 == 0 || now < p->t0 || (p->stop != 0 && now >= p->stop)) return;
  if (c->state != CS_OPEN || !c->ready || c->tx.len - c->tx_off > FB_TX_MAX) {
    p->skipped += due - p->due_done;
    p->due_done = due;
    return;
  }
  while (p->due_done < due && n++ < TICK_MAX) {
    if (b->ops->publish(b, c, (uint32_t)(c->pub_seq % p->items), now) != 0) {
      p->skipped++;
    } else {
      p->sent++;
      c->pub_seq++;
    }
    p->due_done++;
  }
}

void pacers_tick(bench *b, uint64_t now) {
  for (size_t i = 0; i < b->npacers; i++) tick_one(b, &b->pacers[i], now);
}

void pacers_clear(bench *b) { b->npacers = 0; }

uint64_t pacers_sent(const bench *b) {
  uint64_t n = 0;
  for (size_t i = 0; i < b->npacers; i++) n += b->pacers[i].sent;
  return n;
}

uint64_t pacers_skipped(const bench *b) {
  uint64_t n = 0;
  for (size_t i = 0; i < b->npacers; i++) n += b->pacers[i].skipped;
  return n;
}
