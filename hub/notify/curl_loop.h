/* curl_loop.h -- libcurl's multi interface driven by a libuv loop.
 *
 * Design: the multi handle tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION: one uv_poll_t per socket) and when to wake up
 * (CURLMOPT_TIMERFUNCTION: one uv_timer_t); both call
 * curl_multi_socket_action, and finished transfers are collected with
 * curl_multi_info_read and handed to the callback given with the easy
 * handle.  No thread, no blocking call: a transfer progresses only as its
 * sockets become ready.
 */
#ifndef FH_HUB_CURL_LOOP_H
#define FH_HUB_CURL_LOOP_H

#include <curl/curl.h>
#include <uv.h>

typedef struct curlloop curlloop;

/* A finished transfer: res is curl's code, status the HTTP status (0 for
 * other protocols or none).  The easy handle is cleaned up after it. */
typedef void (*curlloop_done)(void *arg, CURLcode res, long status);

/* What a transfer needs until it ends, freed after it (any may be NULL). */
typedef struct curlloop_owned {
  struct curl_slist *headers;   /* CURLOPT_HTTPHEADER / mail headers */
  struct curl_slist *rcpt;      /* CURLOPT_MAIL_RCPT */
  curl_mime *mime;              /* CURLOPT_MIMEPOST */
  void *mem;                    /* the caller's (free()d after done, or
                                   when the transfer is aborted) */
} curlloop_owned;

/* Frees what own holds (NULL allowed). */
void curlloop_owned_free(const curlloop_owned *own);

/* A multi handle on loop.  0 or -ENOMEM. */
int curlloop_new(curlloop **out, uv_loop_t *loop);
/* Adds an easy handle and what it uses (owned from now on, also when this
 * fails); done fires exactly once when it finished, never when this
 * returns an error.  0 or -EIO. */
int curlloop_add(curlloop *cl, CURL *easy, const curlloop_owned *own,
                 curlloop_done done, void *arg);
/* Aborts every transfer (no callbacks) and frees cl once its handles have
 * closed (the loop must run). */
void curlloop_close(curlloop *cl);

#endif
