/* notify.h -- the sd_notify protocol, without linking libsystemd.
 *
 * Outside systemd (NOTIFY_SOCKET unset) every call is a no-op.
 */
#ifndef FH_NET_NOTIFY_H
#define FH_NET_NOTIFY_H

#include <stdint.h>

/* Sends one state ("READY=1", "WATCHDOG=1", ...).  0 or a negative errno. */
int notify_send(const char *state);
/* The watchdog interval systemd asked for, in µs; 0 when none. */
uint64_t notify_watchdog_usec(void);

#endif
