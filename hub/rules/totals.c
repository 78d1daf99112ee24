/* totals.c -- absolute machine counters (see totals.h). */
#include "totals.h"

counter_step counter_advance(uint64_t last, int known, uint64_t now,
                             uint64_t rollover, uint64_t *inc) {
  *inc = 0;
  if (!known) return COUNTER_BASE;
  if (now >= last) {
    *inc = now - last;
    return COUNTER_UP;
  }
  if (rollover != 0 && last > rollover / 2 && last <= rollover) {
    *inc = rollover - last + 1 + now;
    return COUNTER_WRAP;
  }
  *inc = now;
  return COUNTER_RESET;
}
