/* retention.h -- how long history is kept: the plant file's history_days
 * (shift records of lines and equipment, the closed accumulators kept for
 * re-accounting, stops) and samples_days (the
 * per-minute OEE samples), enforced by the store housekeeping job
 * (retention.c).
 *
 * A plan is made on the loop (the key ranges of every line and equipment
 * below the cutoffs: plain arithmetic on the plant) and run by the trim job
 * on the store's writer thread: there it finds, by reading, the stops that
 * ended before the cutoff (stops are keyed by id: the walk starts at the
 * oldest and stops at the first one kept, so an old stop behind a younger
 * one waits, like the audit log's trim) with their stop index entries
 * (stop_index.h), then deletes at most `max` records: the shift records
 * and samples in one write transaction, then, with the budget left, the
 * stops and their entries in another (the walk takes at most half of it,
 * so a cut never leaves a stop without its entry) (fh_store_delete_ranges): the writer is
 * never held long, and a big backlog goes in steps, one per housekeeping
 * minute.
 */
#ifndef FH_HUB_RETENTION_H
#define FH_HUB_RETENTION_H

#include <stddef.h>

#include "hub.h"

typedef struct retention_plan {
  fh_key_range *ranges;   /* what may go; the last is the stops' */
  size_t n;               /* ranges used */
  uint8_t *keys;          /* the ranges' key bytes; owned */
  uint8_t stops_to[8];    /* the stops' range end (set by retention_run) */
  int64_t stop_cutoff;    /* stops that ended before this go, ms */
} retention_plan;

/* Makes the plan for now.  0, or -ENOMEM (nothing to free then). */
int retention_plan_make(const hub *h, int64_t now, retention_plan *p);
/* Runs it (the store's writer thread): the number of records deleted, at
 * most max, or a negative code. */
int retention_run(fh_store *s, retention_plan *p, size_t max);
void retention_plan_free(retention_plan *p);

#endif
