/* export_http.h -- GET /api/v1/export/<kind>.csv on the hub's port
 * (export_http.c). */
#ifndef FH_HUB_EXPORT_HTTP_H
#define FH_HUB_EXPORT_HTTP_H

#include <libwebsockets.h>

#include "export.h"

/* Per HTTP connection of the export mount. */
typedef struct export_pss {
  export_job job;       /* the rows being sent (when started) */
  int started;          /* job is begun: export_end is due */
  uint64_t *mask;       /* the token's lines (the job's scope points here) */
  fh_buf buf;           /* LWS_PRE headroom, then the slice being written */
  int final;            /* the slice in buf is the last */
  int done;             /* the last slice is written */
  uint64_t bytes;       /* body bytes written (for the log line) */
  char who[FH_ID_MAX + 1]; /* the token's sub (for the log line) */
} export_pss;

/* The lws protocol callback of the "fh-export" protocol. */
int export_http_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         void *user, void *in, size_t len);

#endif
