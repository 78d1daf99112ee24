/* shiftclock.h -- OEE over the shift calendar: coalesced OEE updates and
 * the close of each shift.
 */
#ifndef FH_HUB_SHIFTCLOCK_H
#define FH_HUB_SHIFTCLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"

/* Makes the shift timer and catches up with shifts that ended while the
 * hub was down. */
void shiftclock_init(hub *h);
/* 1 s tick: republishes the OEE of lines that changed. */
void shiftclock_tick(hub *h, int64_t now);

#endif
