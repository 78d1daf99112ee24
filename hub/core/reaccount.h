/* reaccount.h -- closed shifts whose stops are explained later.
 *
 * Design: at the close of a shift the hub stores, next to each line's
 * record ("rec/<line>/<start>", fh_enc_oee, revision 1), the closed
 * accumulator of every equipment of the line ("acc/<eq>/<start>",
 * oee_acc_encode, its open stop closed at the shift end).  When dt.classify
 * or dt.split changes the category of a stop's time, every closed shift the
 * stop overlaps is re-accounted in the same batch as the classification:
 * the stop's time moves between loss categories in the equipment's closed
 * accumulator (oee_acc_stop_move, clipped to that shift), the line record
 * is computed again at the constraint (oee_line_constraint at the shift
 * end), gets revision + 1 and changed_at, and is queued with the moved
 * accumulator and that equipment's record ("eqr/<eq>/<start>", history.h,
 * with the same revision).
 * The same happens when a stop begun in a closed shift closes short
 * (stops_on_state: its time there becomes a small stop).
 *
 * Reads must see the writes not yet committed (the commit runs on a worker
 * thread while the loop queues the next batch), so the closed shifts read
 * or written are kept in a cache, which always holds the newest version of
 * each (every change goes through it).  While writes are in flight it
 * grows as needed; whenever nothing is queued or committing any more (the
 * store then holds the same) it is trimmed to the REACCOUNT_KEEP most
 * recently used shifts, which spares the next classification of the same
 * shift its reads, and after a failed commit (every queued write was
 * undone) it is dropped.  A change writes the line record and the one
 * accumulator it moved.  A stop is re-accounted in at most
 * REACCOUNT_SHIFTS_MAX closed shifts, the oldest first.
 */
#ifndef FH_HUB_REACCOUNT_H
#define FH_HUB_REACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "downtime.h"
#include "hub.h"

#define REACCOUNT_SHIFTS_MAX 16 /* closed shifts one change re-accounts */
#define REACCOUNT_KEEP 16       /* closed shifts cached while idle */

/* The reports a change re-accounted, to publish once committed. */
typedef struct reaccount_set {
  size_t n;                            /* entries used */
  size_t line[REACCOUNT_SHIFTS_MAX];   /* plant line index of each */
  fh_oee rec[REACCOUNT_SHIFTS_MAX];    /* the new line records */
} reaccount_set;

/* The close of line li: queues rec (revision 1) with the report's nkeys
 * further key/value pairs (the len bytes at keys: scoreboard, runs,
 * by_product; kept as they are when the record is re-accounted) and the
 * closed accumulator of each of its equipment (copies of the live ones,
 * open stop closed at the shift end) and caches them.  0 or -ENOMEM. */
int reaccount_store_close(hub *h, size_t li, fh_oee *rec, const uint8_t *keys,
                          size_t len, uint32_t nkeys);

/* A change of stop `before` into `after` (and `cut`, the part a dt.split
 * cut off, or NULL) on equipment ei: re-accounts the closed shifts the stop
 * overlaps and appends the new line records to *out.  0 or -ENOMEM. */
int reaccount_stop(hub *h, size_t ei, const dt_event *before,
                   const dt_event *after, const dt_event *cut,
                   reaccount_set *out);

/* Publishes {report} on oee/<line> for each record of a committed change. */
void reaccount_publish(hub *h, const reaccount_set *set);

/* Trims the cache to REACCOUNT_KEEP (commit.c: nothing in flight). */
void reaccount_trim(hub *h);
/* Drops the cache (commit.c: a failed commit; model_free). */
void reaccount_forget(hub *h);

#endif
