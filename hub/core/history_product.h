/* history_product.h -- oee.history {..., by: "product"} (history_product.c). */
#ifndef FH_HUB_HISTORY_PRODUCT_H
#define FH_HUB_HISTORY_PRODUCT_H

#include "history.h"
#include "history_scope.h"
#include "hub.h"
#include "session.h"

/* Answers oee.history by product for the checked scope (a line or the
 * plant) and group: ok {rows, cursor?}, or unavailable. */
void history_product_send(hub *h, session *s, const fh_request *req,
                          const history_scope *scope, hist_group group);

#endif
