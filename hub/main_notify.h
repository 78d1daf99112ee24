/* main_notify.h -- floorhub's notifications: the notify file, the outbox
 * (hub/core/outbox.h) and the senders (hub/notify/sender.h) wired together.
 *
 * Design: part of the composition root.  The core queues outbox records
 * with each event and reports the committed ones through h->on_outbox; this
 * module hands them to the sender, gives the sender the store through the
 * outbox API, logs every result, adds the senders' counters to /metrics
 * and reloads the notify file on SIGHUP (a bad file is refused and the
 * running settings stay; nothing queued is dropped).
 */
#ifndef FH_HUB_MAIN_NOTIFY_H
#define FH_HUB_MAIN_NOTIFY_H

#include "hub.h"

/* Loads --notify (if given) into h->notify before the hub opens.  0, or -1
 * with err naming the file and the JSON path. */
int main_notify_load(hub *h, char *err, size_t errlen);
/* Starts the senders once the hub is open: every stored record is queued,
 * new ones follow each commit.  0 or -1 (err filled). */
int main_notify_start(hub *h, char *err, size_t errlen);
/* Stops the senders (records in flight stay stored); run the loop
 * afterwards for their handles to close. */
void main_notify_stop(hub *h);
/* Frees the settings (after the hub's state is freed). */
void main_notify_free(hub *h);

#endif
