/* metrics.c -- the latency histograms (the rest are plain counters): the
 * per-commit latency and the per-update split (see metrics.h).  Bounds are
 * integer nanoseconds so that an observation is a short scan. */
#include "metrics.h"

const uint64_t metrics_commit_bounds[METRICS_COMMIT_BUCKETS] = {
    500000, 1000000, 2000000, 5000000, 10000000, 20000000, 50000000,
    100000000, 250000000, 1000000000};

/* 25 us to 1 s: the split is sub-millisecond at everyday rates. */
const uint64_t metrics_split_bounds[METRICS_SPLIT_BUCKETS] = {
    25000, 50000, 100000, 250000, 500000, 1000000, 2000000, 5000000,
    10000000, 20000000, 50000000, 100000000, 250000000, 500000000,
    1000000000, 5000000000};

static void hist_observe(metrics_hist *hs, const uint64_t *bounds,
                         size_t nbounds, uint64_t ns) {
  size_t i = 0;
  while (i < nbounds && ns > bounds[i]) i++;
  hs->bucket[i]++;
  hs->sum_ns += ns;
}

void metrics_commit_observe(metrics *m, uint64_t ns) {
  hist_observe(&m->commit, metrics_commit_bounds, METRICS_COMMIT_BUCKETS, ns);
}

/* Instants out of order (a clock read on another thread) count as 0. */
static uint64_t span(uint64_t from, uint64_t to) {
  return to > from ? to - from : 0;
}

void metrics_span_observe(metrics *m, const metrics_span *sp, uint64_t now_ns) {
  hist_observe(&m->upd_queue, metrics_split_bounds, METRICS_SPLIT_BUCKETS,
               span(sp->arrive_ns, sp->commit_ns));
  hist_observe(&m->upd_commit, metrics_split_bounds, METRICS_SPLIT_BUCKETS,
               span(sp->commit_ns, sp->done_ns));
  hist_observe(&m->upd_fanout, metrics_split_bounds, METRICS_SPLIT_BUCKETS,
               span(sp->done_ns, now_ns));
}
