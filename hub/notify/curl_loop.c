/* curl_loop.c -- libcurl multi on a libuv loop (see curl_loop.h).
 *
 * Each watched socket has a `sock` holding its uv_poll_t, assigned to the
 * socket with curl_multi_assign so the socket callback finds it again; it
 * is closed (and freed in the close callback) on CURL_POLL_REMOVE.  The
 * multi handle itself is freed after every handle closed, counted in
 * `open`.
 */
#include "curl_loop.h"

#include <errno.h>
#include <stdlib.h>

struct curlloop {
  uv_loop_t *loop;        /* the loop */
  CURLM *multi;           /* the multi handle */
  uv_timer_t timer;       /* curl's timeout */
  size_t open;            /* uv handles not yet closed (timer + polls) */
  int closing;            /* curlloop_close was called */
  struct transfer *running; /* transfers added and not finished */
};

typedef struct sock {
  uv_poll_t poll;         /* watches fd */
  curl_socket_t fd;       /* the socket */
  curlloop *cl;           /* owner */
} sock;

typedef struct transfer {
  struct transfer *next;  /* the list of transfers running */
  struct transfer **prev; /* the link pointing at this one */
  CURL *easy;             /* its easy handle */
  curlloop_owned own;     /* freed with it */
  curlloop_done done;     /* the caller's callback */
  void *arg;              /* its argument */
} transfer;

static void unlink_transfer(transfer *t) {
  *t->prev = t->next;
  if (t->next != NULL) t->next->prev = t->prev;
}

void curlloop_owned_free(const curlloop_owned *own) {
  if (own == NULL) return;
  curl_slist_free_all(own->headers);
  curl_slist_free_all(own->rcpt);
  curl_mime_free(own->mime);
  free(own->mem);
}

/* Ends a transfer: the easy handle first (it uses what is owned). */
static void free_transfer(curlloop *cl, transfer *t) {
  curl_multi_remove_handle(cl->multi, t->easy); /* may close sockets */
  curl_easy_cleanup(t->easy);
  curlloop_owned_free(&t->own);
  free(t);
}

static void handle_closed(uv_handle_t *h) {
  curlloop *cl = h->data;
  if (h != (uv_handle_t *)&cl->timer) free(h); /* a sock: poll is first */
  if (--cl->open == 0 && cl->closing) {
    curl_multi_cleanup(cl->multi);
    free(cl);
  }
}

/* Hands every finished transfer to its callback. */
static void collect(curlloop *cl) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(cl->multi, &left)) != NULL) {
    CURL *easy = msg->easy_handle;
    CURLcode res = msg->data.result;
    transfer *t = NULL;
    long status = 0;
    if (msg->msg != CURLMSG_DONE) continue;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (t == NULL) continue;
    unlink_transfer(t);
    curl_multi_remove_handle(cl->multi, easy);
    curl_easy_cleanup(easy);
    t->done(t->arg, res, status); /* before own.mem, which arg may be */
    curlloop_owned_free(&t->own);
    free(t);
  }
}

static void on_poll(uv_poll_t *p, int status, int events) {
  sock *s = (sock *)p;
  curlloop *cl = s->cl;
  int flags = 0, running;
  if (status < 0) flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  curl_multi_socket_action(cl->multi, s->fd, flags, &running);
  collect(cl);
}

static int on_socket(CURL *easy, curl_socket_t fd, int action, void *userp,
                     void *socketp) {
  curlloop *cl = userp;
  sock *s = socketp;
  int events = 0;
  (void)easy;
  if (action == CURL_POLL_REMOVE) {
    if (s != NULL) {
      uv_poll_stop(&s->poll);
      uv_close((uv_handle_t *)&s->poll, handle_closed);
      curl_multi_assign(cl->multi, fd, NULL);
    }
    return 0;
  }
  if (s == NULL) {
    if ((s = calloc(1, sizeof *s)) == NULL) return -1;
    if (uv_poll_init_socket(cl->loop, &s->poll, fd) != 0) {
      free(s);
      return -1;
    }
    s->fd = fd;
    s->cl = cl;
    s->poll.data = cl;
    cl->open++;
    curl_multi_assign(cl->multi, fd, s);
  }
  if (action & CURL_POLL_IN) events |= UV_READABLE;
  if (action & CURL_POLL_OUT) events |= UV_WRITABLE;
  uv_poll_start(&s->poll, events, on_poll);
  return 0;
}

static void on_timeout(uv_timer_t *t) {
  curlloop *cl = t->data;
  int running;
  curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  collect(cl);
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp) {
  curlloop *cl = userp;
  (void)multi;
  if (timeout_ms < 0) uv_timer_stop(&cl->timer);
  else uv_timer_start(&cl->timer, on_timeout, (uint64_t)timeout_ms, 0);
  return 0;
}

int curlloop_new(curlloop **out, uv_loop_t *loop) {
  curlloop *cl = calloc(1, sizeof *cl);
  *out = NULL;
  if (cl == NULL) return -ENOMEM;
  if ((cl->multi = curl_multi_init()) == NULL) {
    free(cl);
    return -ENOMEM;
  }
  cl->loop = loop;
  uv_timer_init(loop, &cl->timer);
  cl->timer.data = cl;
  cl->open = 1;
  curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
  curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
  *out = cl;
  return 0;
}

int curlloop_add(curlloop *cl, CURL *easy, const curlloop_owned *own,
                 curlloop_done done, void *arg) {
  static const curlloop_owned none = {NULL, NULL, NULL, NULL};
  transfer *t = malloc(sizeof *t);
  if (own == NULL) own = &none;
  if (t == NULL) {
    curl_easy_cleanup(easy);
    curlloop_owned_free(own);
    return -EIO;
  }
  t->easy = easy;
  t->own = *own;
  t->done = done;
  t->arg = arg;
  curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
  if (curl_multi_add_handle(cl->multi, easy) != CURLM_OK) {
    curl_easy_cleanup(easy);
    curlloop_owned_free(own);
    free(t);
    return -EIO;
  }
  t->next = cl->running;
  t->prev = &cl->running;
  if (cl->running != NULL) cl->running->prev = &t->next;
  cl->running = t;
  return 0;
}

void curlloop_close(curlloop *cl) {
  if (cl == NULL) return;
  cl->closing = 1;
  while (cl->running != NULL) {
    transfer *t = cl->running;
    unlink_transfer(t);
    free_transfer(cl, t);
  }
  uv_timer_stop(&cl->timer);
  uv_close((uv_handle_t *)&cl->timer, handle_closed);
}
