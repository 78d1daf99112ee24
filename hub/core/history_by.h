/* history_by.h -- oee.history with `by` (history_by.c). */
#ifndef FH_HUB_HISTORY_BY_H
#define FH_HUB_HISTORY_BY_H

#include "history.h"
#include "history_scope.h"
#include "hub.h"
#include "session.h"

/* Answers oee.history with `by` ("equipment", "category", "reason" or
 * "product") for
 * the checked scope and group: ok {rows, cursor?} or an err naming `by`. */
void history_by_handle(hub *h, session *s, const fh_request *req,
                       const history_scope *scope, hist_group group);

/* The page [*first, *end) of the n rows with these starts (ascending) at
 * the cursor: whole periods, FH_HISTORY_PAGE_ROWS rows or more. */
void history_page_of(const int64_t *starts, size_t n, int64_t cursor,
                     size_t *first, size_t *end);

#endif
