/* notify_log.h -- the `notify` topic: the latest notification deliveries.
 *
 * Design: the senders (above core) report each finished attempt through
 * notify_log_result(); core keeps the last NOTIFY_LOG_MAX of them in a
 * ring (memory only: the outbox itself is the durable part) and publishes
 * each as an upd {delivery: {...}} on `notify`, which only the admin role
 * may subscribe to (fh_role_may_topic).  The snapshot lists the ring,
 * newest first: {deliveries: [...]}.
 */
#ifndef FH_HUB_NOTIFY_LOG_H
#define FH_HUB_NOTIFY_LOG_H

#include "hub.h"
#include "notify_rules.h"

#define NOTIFY_LOG_MAX 100 /* deliveries kept for the snapshot */

/* delivered: 1 delivered, 0 failed (a retry follows), -1 dropped. */
void notify_log_result(hub *h, const notify_entry *e, int delivered,
                       const char *why);
/* Appends the snapshot's data value to b.  0 or -ENOMEM. */
int notify_log_snapshot(hub *h, fh_buf *b);
void notify_log_free(hub *h);

#endif
