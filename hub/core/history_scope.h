/* history_scope.h -- what a history query is about: one line, one
 * equipment or the plant (history_scope.c).
 *
 * oee.history, dt.pareto and the CSV exports take the same `scope`,
 * `line`, `equipment`, `from` and `to`; this checks them once and then
 * says which lines a row may sum.  A token with a `lines` claim sees only
 * its lines (the line mask of session_mask_for): a line or equipment
 * outside them is `forbidden`, the plant is the plant of its lines.  The
 * WebSocket requests get the err from history_scope_parse; the HTTP
 * exports turn the same answer into a status (history_scope_check).
 */
#ifndef FH_HUB_HISTORY_SCOPE_H
#define FH_HUB_HISTORY_SCOPE_H

#include "hub.h"
#include "session.h"

typedef struct history_scope {
  long line;              /* the one line's index, or -1: the plant */
  long equipment;         /* scope equipment: its plant.equipment index, or -1 */
  const uint64_t *mask;   /* the lines the caller may see; NULL: all */
} history_scope;

/* What history_scope_check refused, and why. */
typedef struct history_scope_err {
  fh_err_code code;       /* bad_request, not_found or forbidden */
  const char *key;        /* the offending key */
  char why[FH_ID_MAX + 96]; /* one line for a person */
} history_scope_err;

/* The parts of a query that history_scope_check checks. */
typedef struct history_scope_args {
  fh_strv scope, line, equipment; /* as given ("" when absent) */
  int64_t from, to;               /* the range, ms, to exclusive */
} history_scope_args;

/* Checks scope (line, equipment or plant), the line or equipment it names
 * against mask, and from < to.  0, or -1 with *err filled. */
int history_scope_check(hub *h, const uint64_t *mask, const history_scope_args *a,
                        history_scope *out, history_scope_err *err);

/* history_scope_check on a request's u.history keys with the session's
 * lines.  0, or -1 with the err sent. */
int history_scope_parse(hub *h, session *s, const fh_request *req, history_scope *out);

/* 1 when line li is summed: the one line, or any line the caller may see. */
int history_scope_has_line(const history_scope *sc, size_t li);

/* 1 when a record of line and equipment ("" for the line) that lasts
 * [start, end) (end 0: still open) is in scope and overlaps [from, to). */
int history_scope_has(hub *h, const history_scope *sc, const char *line,
                      const char *equipment, int64_t start, int64_t end, int64_t from,
                      int64_t to);

struct dt_event;
/* Decodes the stored stop at val into ev; 1 when it is in scope and
 * overlaps [from, to) (its short and needs_reason flags then refreshed at
 * now), 0 when not (or unreadable). */
int history_scope_stop(hub *h, const history_scope *sc, const void *val, size_t vlen,
                       int64_t from, int64_t to, int64_t now, struct dt_event *ev);

#endif
