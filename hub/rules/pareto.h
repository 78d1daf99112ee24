/* pareto.h -- the loss Pareto of a period: stops summed by reason.
 *
 * A stop counts in the Pareto of [from, to) when it overlaps the range,
 * with the part of its time inside the range (an open stop lasts until
 * now).  Rows are keyed by what the operator said: a classified stop goes
 * to its reason (with the reason's category); a short stop, which needs no
 * reason, to one row {reason: nil, category: "small_stop"}; a stop without
 * a reason to one row {reason: nil, category: "unclassified"}.  Rows are
 * sorted largest time first (ties: more stops first, then by reason code),
 * `top` keeps the largest N and folds the rest into one last row {reason:
 * "other", category: nil}, and every row gets its share of the period's
 * stop time and the cumulative share down to it.  Pure: the caller reads
 * the stops and passes them in.
 */
#ifndef FH_HUB_PARETO_H
#define FH_HUB_PARETO_H

#include <stddef.h>
#include <stdint.h>

#include "fh_downtime.h"
#include "fh_history.h"

#define PARETO_TOP_MAX 1000 /* `top` at most (rows of a reason tree) */

typedef struct pareto {
  fh_pareto_row *rows;  /* one per key, unordered until pareto_finish */
  size_t n, cap;        /* entries used, allocated */
} pareto;

void pareto_init(pareto *pa);
void pareto_free(pareto *pa);

/* Adds stop d (its short flag up to date at now_ms) if it overlaps [from,
 * to).  0, or -ENOMEM. */
int pareto_add(pareto *pa, const fh_downtime *d, int64_t from, int64_t to,
               int64_t now_ms);

/* Sorts, folds beyond top (0: keep all) and computes the shares. */
void pareto_finish(pareto *pa, size_t top);

#endif
