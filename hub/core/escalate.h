/* escalate.h -- escalation of unacknowledged andons on a clock.
 *
 * One uv timer (h->escalate) waits for the earliest next escalation
 * deadline of all raised andons; the deadlines come from stored times, so
 * they survive a restart.
 */
#ifndef FH_HUB_ESCALATE_H
#define FH_HUB_ESCALATE_H

#include "hub.h"

/* Makes the timer and runs it at once (levels due while the hub was down). */
void escalate_init(hub *h);
/* Re-arms the timer for the earliest deadline (after a write). */
void escalate_schedule(hub *h);

#endif
