/* oee_history.h -- the oee.history request (oee_history.c). */
#ifndef FH_HUB_OEE_HISTORY_H
#define FH_HUB_OEE_HISTORY_H

#include "hub.h"
#include "session.h"

/* Answers oee.history: ok {rows, cursor?} or an err naming the key. */
void oee_history_handle(hub *h, session *s, const fh_request *req);

#endif
