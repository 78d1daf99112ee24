/* http.h -- the plain HTTP endpoints on the hub's port (http.c). */
#ifndef FH_HUB_HTTP_H
#define FH_HUB_HTTP_H

#include "hub.h"

/* Per HTTP connection: the response being written. */
typedef struct http_pss {
  char *body;         /* LWS_PRE headroom, then the body; owned */
  size_t len;         /* body bytes */
  size_t cap;         /* body bytes allocated (after the headroom) */
  size_t sent;        /* body bytes written */
  unsigned status;    /* HTTP status */
  const char *ctype;  /* content type */
  int failed;         /* the body could not be built */
} http_pss;

/* LWS_CALLBACK_HTTP: builds the answer for path, writes the headers and
 * asks for WRITEABLE.  Returns what the lws callback returns. */
int http_serve(hub *h, struct lws *wsi, const char *path);
/* LWS_CALLBACK_HTTP_WRITEABLE: writes the body. */
int http_writable(struct lws *wsi);
/* The connection is done: frees the body. */
void http_done(struct lws *wsi);

#endif
