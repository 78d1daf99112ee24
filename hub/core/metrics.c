/* metrics.c -- the commit latency histogram (the rest are plain counters). */
#include "metrics.h"

const double metrics_commit_bounds[METRICS_COMMIT_BUCKETS] = {
    0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000};

void metrics_commit_observe(metrics *m, double ms) {
  size_t i = 0;
  while (i < METRICS_COMMIT_BUCKETS && ms > metrics_commit_bounds[i]) i++;
  m->commit_ms_bucket[i]++;
  m->commit_ms_sum += ms;
}
