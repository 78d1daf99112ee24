/* dt_pareto.h -- the dt.pareto request (dt_pareto.c). */
#ifndef FH_HUB_DT_PARETO_H
#define FH_HUB_DT_PARETO_H

#include "hub.h"
#include "session.h"

/* Answers dt.pareto: ok {rows} or an err naming the key. */
void dt_pareto_handle(hub *h, session *s, const fh_request *req);

#endif
