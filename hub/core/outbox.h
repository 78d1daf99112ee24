/* outbox.h -- the durable outbox of notifications (table FH_T_OUTBOX).
 *
 * Design: an event that notifies someone (an andon raised, escalated,
 * acknowledged or resolved, a shift closed) calls outbox_andon() or
 * outbox_shift_closed() while it queues its own records: the rules of
 * h->notify (notify_rules.h) say which deliveries it causes, and each
 * becomes one record in h->batch, so it commits (or fails) with the event.
 * After a successful commit the hub calls h->on_outbox with the ids of the
 * records that commit created; the senders above this layer (hub/notify,
 * wired in main.c) read them back with outbox_get and deliver them.  A
 * failed attempt is recorded with outbox_update, a delivered or abandoned
 * record removed with outbox_delete; both go through the group commit like
 * any write, and are only hints: if such a commit fails the record is sent
 * again (at least once).  Core never calls a sender.
 */
#ifndef FH_HUB_OUTBOX_H
#define FH_HUB_OUTBOX_H

#include "hub.h"
#include "notify_rules.h"

/* Queues the deliveries of andon event `on` for andon a (as changed).  0,
 * or -ENOMEM with the batch holding part of them (the caller fails the
 * write, as for its other records). */
int outbox_andon(hub *h, notify_on on, const fh_andon *a);

/* Queues reminder n (>= 1) of rule number `rule` (an andon.raised or
 * andon.escalated rule with repeat_s) for andon a.  0, -EINVAL, -ENOMEM. */
int outbox_andon_repeat(hub *h, size_t rule, const fh_andon *a, uint32_t n);

/* Queues the deliveries of equipment.down_for rule `rule` for equipment
 * index ei, down since its stored `since`.  0, -EINVAL, -ENOMEM. */
int outbox_equipment_down(hub *h, size_t rule, size_t ei, int64_t now);

struct dt_event;
/* Queues the deliveries of downtime.unclassified_for rule `rule` for the
 * stop ev (no reason after the rule's after_s).  0, -EINVAL, -ENOMEM. */
int outbox_stop_unclassified(hub *h, size_t rule, const struct dt_event *ev,
                             int64_t now);

/* Once a second (main's tick): queues the reminders that fell due, for
 * every raised andon and every rule with repeat_s, and the
 * equipment.down_for notifications of equipment down long enough
 * (outbox_repeat.c). */
void outbox_tick(hub *h, int64_t now);
/* Frees what outbox_tick remembers. */
void outbox_repeats_free(hub *h);

/* Queues the shift report deliveries of the shift `shift` that began at
 * start_ms; text and html are the report (copied). */
int outbox_shift_closed(hub *h, const char *shift, int64_t start_ms,
                        const char *text, const char *html);

/* Reads the record with that id into *e (notify_entry_clear it).  0,
 * -ENOENT, or -EBADMSG. */
int outbox_get(hub *h, const char *id, notify_entry *e);
/* Visits every stored record (start-up); cb owns *e (it must
 * notify_entry_clear it) and returns 0 to go on. */
int outbox_scan(hub *h, int (*cb)(void *arg, notify_entry *e), void *arg);
/* Queues the record as it is now (attempts, next try) / its removal. */
int outbox_update(hub *h, const notify_entry *e);
int outbox_delete(hub *h, const char *id);

/* The andon with that id as it is now (model, else the store) into *out.
 * 0 or -ENOENT. */
int outbox_andon_now(hub *h, uint64_t id, fh_andon *out);

/* Called by commit.c after a successful commit: hands the ids created by
 * that batch (ids, NUL-terminated one after another, len bytes) to
 * h->on_outbox. */
void outbox_committed(hub *h, const fh_buf *ids);

#endif
