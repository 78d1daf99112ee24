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
/* A shift boundary that is due on the hub's clock but not handled yet (the
 * wall clock jumped ahead of the loop's timer, or a test moves its own
 * clock) is handled now: the shift closes or begins. */
void shiftclock_due(hub *h);
/* 1 s tick: handles a due boundary (shiftclock_due) and republishes the
 * OEE of lines that changed. */
void shiftclock_tick(hub *h, int64_t now);

#endif
