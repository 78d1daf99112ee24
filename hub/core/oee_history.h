/* oee_history.h -- the oee.history request (oee_history.c). */
#ifndef FH_HUB_OEE_HISTORY_H
#define FH_HUB_OEE_HISTORY_H

#include "fh_history.h"
#include "history.h"
#include "history_scope.h"
#include "hub.h"
#include "session.h"

/* The summed rows of the lines in scope over the shifts that started in
 * [from, to), oldest first, the running shift included (open).  *rows is
 * the caller's to free.  0, or a negative errno from the store. */
/* The wire row of the sums a (ratios from the sums). */
void oee_history_row(const hist_acc *a, fh_hist_row *r);

/* Called with each record in scope whose shift started in [from, to), the
 * running shift's too (open), with a closed record's stored bytes
 * (hist_visit_fn); a non-zero return stops the walk. */
typedef hist_visit_fn oee_history_visit_fn;
/* Walks the records in scope.  0, visit's non-zero, or a negative errno. */
int oee_history_visit(hub *h, const history_scope *scope, int64_t from, int64_t to,
                      oee_history_visit_fn visit, void *arg);

int oee_history_rows(hub *h, const history_scope *scope, hist_group group,
                     int64_t from, int64_t to, hist_acc **rows, size_t *n);

/* Answers oee.history: ok {rows, cursor?} or an err naming the key. */
void oee_history_handle(hub *h, session *s, const fh_request *req);

#endif
