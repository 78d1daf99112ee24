/* plans.h -- plan.set: a line's production target for a shift, and the
 * scoreboard of the oee/<line> topic.
 *
 * Design: a plan is stored per line and shift ("plan/<line>/<u64 BE shift
 * start>" in the shifts table), in the transaction of the plan.set that
 * sets it; the plan of the running shift is also kept in the model
 * (model_line.plan) and read from the store at start-up and whenever a
 * shift begins (plans_shift_begin), so a plan set for a later shift takes
 * effect when that shift starts.  Without a plan the target is the ideal
 * pace (target.h).  The scoreboard keys (target, target_source,
 * expected_now, variance, hourly) are computed when oee/<line> is sent.
 */
#ifndef FH_HUB_PLANS_H
#define FH_HUB_PLANS_H

#include <stddef.h>

#include "commit.h"
#include "hub.h"

#define PLANS_SCOREBOARD_KEYS 5 /* keys plans_scoreboard() appends */

/* plan.set of session s (after the idempotency check). */
void plans_handle(hub *h, session *s, const fh_request *req, const char *key);
/* Reads every line's plan for the shift now running (none outside) and
 * the shift's hour buckets (model.hour_starts). */
void plans_shift_begin(hub *h);
/* A failed plan.set: the line's plan as it was. */
void plans_undo(hub *h, pending *p);

/* Appends target, target_source, expected_now, variance and hourly of line
 * li at now (keys and values, PLANS_SCOREBOARD_KEYS pairs) to b.  0 or
 * -ENOMEM. */
int plans_scoreboard(hub *h, size_t li, fh_buf *b);
/* The same keys for line li's shift closing at end_ms (its accumulators
 * not yet reset): the plan stored for it, else the ideal pace; the
 * expected_now of a closed shift is its target and hourly has every
 * bucket.  0 or -ENOMEM. */
int plans_score_closed(hub *h, size_t li, int64_t end_ms, fh_buf *b);
/* The stored plan of line li for the shift starting at start into *out.
 * 0, or -ENOENT (none, or unreadable: logged). */
int plans_read(hub *h, size_t li, int64_t start, fh_plan *out);

#endif
