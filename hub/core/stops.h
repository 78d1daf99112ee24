/* stops.h -- downtime events (stops) in the live model.
 *
 * Design: the rules of a stop are pure (rules/downtime.h); this module
 * keeps the stops of each line in memory (model_stops: the open ones and
 * those of the current and the previous shift), derives them from the
 * equipment's state changes, keeps the equipment's OEE accumulator in step
 * (oee_acc_stop_*), queues their records into the hub's batch -- in the
 * same transaction as the eq.state, dt.classify or dt.split that changes
 * them -- and publishes them on `downtime/<line>` once committed.  A write
 * that changes a stop carries a pending_stop (the stop before and after,
 * and the part cut off by a split) so that a failed commit can undo it.
 */
#ifndef FH_HUB_STOPS_H
#define FH_HUB_STOPS_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"
#include "downtime.h"
#include "hub.h"
#include "reaccount.h"

/* What one write did to a stop. */
typedef struct pending_stop {
  dt_event before;       /* the stop as it was (unless created) */
  dt_event after;        /* the stop as it is now */
  dt_event cut;          /* dt.split: the new part before `at` */
  int created;           /* `after` was opened by this write */
  int has_cut;           /* `cut` is set */
  size_t eq;             /* plant equipment index of the stop */
  uint64_t open_before;  /* the equipment's open_stop before the write */
  reaccount_set reacc;   /* closed shifts it re-accounted (reaccount.h) */
} pending_stop;

/* Loads the stops of the recent shifts and the next id (model_load).
 * 0 or a negative code. */
int stops_load(hub *h);
void stops_free(hub *h);

/* The equipment ei changed from `from` to `to` at ts (eq.state, after the
 * accumulator's oee_acc_state): opens, extends or closes its stop, queues
 * the record and records the change in p->stop.  0 or -ENOMEM. */
int stops_on_state(hub *h, pending *p, size_t ei, fh_eq_state from,
                   fh_eq_state to, int64_t ts, const char *machine_reason);
/* A new accumulator of equipment ei (shift start): the open stop counts on. */
void stops_shift_begin(hub *h, size_t ei);

/* The stop in memory with that id, or NULL. */
dt_event *stops_find(hub *h, uint64_t id);
/* Adds a copy of ev to its line's list (a loaded or a split-off stop).
 * Returns the copy, or NULL when out of memory. */
dt_event *stops_insert(hub *h, const dt_event *ev);
/* Stops that ended before this are neither in memory nor in snapshots,
 * and only managers may change them: the start of the previous shift, or
 * 24 h ago when the calendar has no previous shift next to this one. */
int64_t stops_recent_since(hub *h, int64_t now);
/* The line's thresholds, in ms. */
dt_limits stops_limits(const hub *h, size_t line);
/* The store key of stop id in the downtime table (u64 big-endian). */
void stops_key(uint64_t id, uint8_t key[8]);
/* Queues ev's record into the batch.  0 or -ENOMEM. */
int stops_put(hub *h, const dt_event *ev);

/* Undoes the stop change of a failed write; publishes a committed one. */
void stops_undo(hub *h, pending *p);
void stops_publish(hub *h, const pending *p);
/* After an undo: publishes the stop as it is in memory again (snapshots
 * sent meanwhile may have shown the undone change). */
void stops_publish_current(hub *h, const pending *p);
/* The ok reply of a dt.classify / dt.split into h->enc: {event} or
 * {events: [before, after]}.  0 or -ENOMEM. */
int stops_encode_ok(hub *h, const pending *p, int has_id, uint64_t id,
                    int replay);
/* Appends the data of the downtime/<line> snapshot to out: {events: [...]}
 * newest first.  0 or -ENOMEM. */
int stops_snapshot(hub *h, size_t line, fh_buf *out);
/* 1 s tick: publishes open stops whose needs_reason just turned on. */
void stops_tick(hub *h, int64_t now);

#endif
