/* hist.h -- a log-linear latency histogram (in the manner of HdrHistogram).
 *
 * Values below 2^HIST_SUB_BITS are counted exactly; above, every power of
 * two is split into 2^HIST_SUB_BITS equal buckets, so a reported
 * percentile is within 1/2^HIST_SUB_BITS (< 0.8 %) of the true value.
 * Values beyond 2^HIST_MAX_EXP are counted in the last bucket; the exact
 * maximum is kept separately.  Recording is one index computation and one
 * increment: no allocation, no floating point.
 */
#ifndef FB_HIST_H
#define FB_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 7                      /* 128 buckets per octave */
#define HIST_MAX_EXP 40                      /* up to 2^40 (ns: 18 min) */
#define HIST_BUCKETS ((HIST_MAX_EXP - HIST_SUB_BITS + 2) << HIST_SUB_BITS)

typedef struct hist {
  uint64_t counts[HIST_BUCKETS]; /* values per bucket */
  uint64_t n;                    /* values recorded */
  uint64_t max;                  /* largest value recorded */
} hist;

void hist_reset(hist *h);
void hist_record(hist *h, uint64_t v);
/* The value at quantile q (0..1): the midpoint of the bucket holding the
 * ceil(q*n)-th smallest value; 0 when empty. */
uint64_t hist_quantile(const hist *h, double q);

#endif
