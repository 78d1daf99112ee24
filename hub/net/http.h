/* http.h -- the plain HTTP endpoints on the hub's port (http.c) and the
 * POST API (http_api.c). */
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
  int ready;          /* the answer is complete (else it is being made) */
  int hdr_sent;       /* the status line and headers are written */
  int close_after;    /* close the connection once the answer is out */
  struct http_api *api; /* a POST under /api/v1/ (http_api.c), or NULL */
} http_pss;

/* LWS_CALLBACK_HTTP of a GET: builds the answer for path and asks for
 * WRITEABLE.  Returns what the lws callback returns. */
int http_serve(hub *h, struct lws *wsi, const char *path);
/* The answer of the connection (a copy of the len bytes at body), written
 * at its next WRITEABLE; a request being answered later calls this then. */
void http_answer(struct lws *wsi, unsigned status, const char *ctype,
                 const char *body, size_t len);
/* LWS_CALLBACK_HTTP_WRITEABLE: writes the headers, then the body. */
int http_writable(struct lws *wsi);
/* The connection is done: frees the body (and cancels an API call). */
void http_done(struct lws *wsi);
/* Frees what p holds (the body wiped) and zeroes it: a new request. */
void http_pss_reset(http_pss *p);

/* http_api.c: POST /api/v1/login and /api/v1/logout.  LWS_CALLBACK_HTTP of
 * a POST, LWS_CALLBACK_HTTP_BODY and _BODY_COMPLETION; each returns what
 * the lws callback returns. */
int http_api_post(hub *h, struct lws *wsi);
int http_api_body(struct lws *wsi, const void *in, size_t len);
int http_api_complete(hub *h, struct lws *wsi);
/* The connection closes: forgets what it waited for. */
void http_api_done(http_pss *p);

#endif
