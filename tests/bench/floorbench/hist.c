/* hist.c -- the log-linear histogram (see hist.h). */
#include "hist.h"

#include <string.h>

#define SUB (1u << HIST_SUB_BITS)

static unsigned bucket_of(uint64_t v) {
  unsigned msb, group;
  if (v < SUB) return (unsigned)v;
  msb = 63u - (unsigned)__builtin_clzll(v);
  if (msb > HIST_MAX_EXP) return HIST_BUCKETS - 1;
  group = msb - HIST_SUB_BITS + 1; /* group 1 is [SUB, 2*SUB), step 1 */
  return (group << HIST_SUB_BITS) +
         (unsigned)((v >> (group - 1)) - SUB);
}

/* Midpoint of bucket i. */
static uint64_t value_of(unsigned i) {
  unsigned group = i >> HIST_SUB_BITS, sub = i & (SUB - 1);
  uint64_t width, low;
  if (group == 0) return sub;
  width = 1ull << (group - 1);
  low = (uint64_t)(SUB + sub) << (group - 1);
  return low + width / 2;
}

void hist_reset(hist *h) { memset(h, 0, sizeof *h); }

void hist_record(hist *h, uint64_t v) {
  h->counts[bucket_of(v)]++;
  h->n++;
  if (v > h->max) h->max = v;
}

uint64_t hist_quantile(const hist *h, double q) {
  uint64_t rank, seen = 0;
  if (h->n == 0) return 0;
  if (q >= 1.0) return h->max;
  rank = (uint64_t)(q * (double)h->n);
  if ((double)rank < q * (double)h->n) rank++;
  if (rank == 0) rank = 1;
  for (unsigned i = 0; i < HIST_BUCKETS; i++) {
    seen += h->counts[i];
    if (seen >= rank) {
      uint64_t v = value_of(i);
      return v > h->max ? h->max : v;
    }
  }
  return h->max;
}
