/* stop_scan.h -- the hub's side of the stop index (stop_index.h): keeping
 * it with every stop record written, building it for a store written
 * before it, and reading one line's stops of a period through it.
 *
 * Design: stops_put queues the index entry (and DT_META_MAXLEN when a
 * closed stop is longer than every one before) into the same batch as the
 * record, so both commit in one transaction.  A read of [from, to) walks
 * the line's entries from from - maxlen (or from the start of the line's
 * oldest open stop, if earlier: open stops are all in memory) to `to`, and
 * gets each record in the same read transaction (fh_store_scan_via), or
 * reads only the entries' summaries: the cost is the line's stops in the
 * period, not every stop kept.
 */
#ifndef FH_HUB_STOP_SCAN_H
#define FH_HUB_STOP_SCAN_H

#include <stdint.h>

#include "downtime.h"
#include "hub.h"
#include "stop_index.h"

/* Queues the index entry of ev (and the longest stop, if it grew) into
 * h->batch.  0 or -ENOMEM. */
int stop_scan_index(hub *h, const dt_event *ev);
/* Queues the deletion of the entry of ev as it was (a split moved its
 * start).  0 or -ENOMEM. */
int stop_scan_unindex(hub *h, const dt_event *old);

/* Reads DT_META_MAXLEN into the model.  0 when the index is complete,
 * -ENOENT when the store has none yet, another negative code on error. */
int stop_scan_load(hub *h);
/* Builds the index of every stop of the plant's lines (stops_load, for a
 * store without one), committed in steps.  0 or a negative code. */
int stop_scan_build(hub *h);

/* With the index complete: gives cb (as fh_store_scan would) the record
 * of every stop that is open or ended at or after `since`, found from the
 * index entries alone (no record of an older stop is read: a year's
 * store loads in a second, not in the minute a scan of every record
 * takes).  0, or what cb or the store returned. */
int stop_scan_recent(hub *h, int64_t since, fh_store_cb cb, void *arg);

/* Visits line li's stored stops that may overlap [from, to), in start
 * order: cb gets each stop's key and record (fh_store_cb); the caller
 * still checks the overlap.  0, or what cb or the store returned. */
int stop_scan_line(hub *h, size_t li, int64_t from, int64_t to, fh_store_cb cb,
                   void *arg);

/* The same from the index entries alone (their summary: stop_index.h),
 * without reading the records.  cb returns 0 to go on. */
typedef int (*stop_entry_cb)(void *arg, const dt_index_entry *e);
int stop_scan_entries(hub *h, size_t li, int64_t from, int64_t to, stop_entry_cb cb,
                      void *arg);

#endif
