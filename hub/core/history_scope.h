/* history_scope.h -- what a history query is about: one line, one
 * equipment or the plant (history_scope.c).
 *
 * oee.history and dt.pareto take the same `scope`, `line`, `equipment`,
 * `from` and `to`; this checks them once, answering the err (naming the
 * key) itself, and then says which lines and equipment a row may sum.  A
 * token with a `lines` claim sees only its lines: a line or equipment
 * outside them is `forbidden`, the plant is the plant of its lines.
 */
#ifndef FH_HUB_HISTORY_SCOPE_H
#define FH_HUB_HISTORY_SCOPE_H

#include "hub.h"
#include "session.h"

typedef struct history_scope {
  long line;        /* the one line's index, or -1: the plant */
  long equipment;   /* scope equipment: its index in plant.equipment, or -1 */
} history_scope;

/* Checks scope (line, plant, or with equipment_ok also equipment), the
 * line or equipment it names and from < to.  0, or -1 with the err sent. */
int history_scope_parse(hub *h, session *s, const fh_request *req, int equipment_ok,
                        history_scope *out);

/* 1 when line li is summed: the one line, or any line the session may see. */
int history_scope_has_line(const history_scope *sc, const session *s, size_t li);

#endif
