/* client_int.h -- the inside of fh_client, shared by its source files.
 *
 * client.c owns the public API, the connection phases and the reconnect
 * timer; route.c handles what the hub sends (welcome, replies, snaps and
 * upds) and queues the subs; conn.c is the libwebsockets side (context, connect, callback,
 * writing); rx.c reassembles messages and routes every decoded map;
 * outbox.c keeps the request lists; subs.c keeps the topic table with its
 * seqs and decides which snaps and upds reach the application.
 */
#ifndef FH_CLIENT_INT_H
#define FH_CLIENT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fh_client.h"

struct lws;
struct lws_context;

/* ------------------------------------------------------------ outbox.c */

/* One encoded request waiting for its reply. */
typedef struct out_req {
  struct out_req *next;  /* next in send order */
  fh_client_req pub;     /* what on_reply sees */
  uint8_t *bytes;        /* the encoded map, owned */
  size_t len;            /* bytes in `bytes` */
  int sent;              /* written on the current connection */
} out_req;

/* A FIFO of requests. */
typedef struct out_list {
  out_req *head;         /* oldest, sent first */
  out_req *tail;         /* newest */
  size_t n;              /* entries */
} out_list;

/* Copies the n bytes into a new entry at the tail.  NULL on -ENOMEM (the
 * list is unchanged). */
out_req *fh__outq_push(out_list *l, const fh_client_req *pub, const uint8_t *bytes,
                   size_t n);
out_req *fh__outq_find(const out_list *l, uint64_t id);
/* Unlinks and frees one entry. */
void fh__outq_remove(out_list *l, out_req *r);
void fh__outq_clear(out_list *l);
/* Marks every entry as not yet written on the (next) connection. */
void fh__outq_mark_unsent(out_list *l);
/* 1 if some entry has not been written on the current connection. */
int fh__outq_has_unsent(const out_list *l);

/* -------------------------------------------------------------- subs.c */

/* One subscribed topic. */
typedef struct sub_topic {
  char name[FH_TOPIC_MAX + 1]; /* topic name */
  uint64_t seq;                /* seq of the last snap/upd delivered */
  int has_seq;                 /* seq is valid (a snap arrived) */
  int resync;                  /* waiting for a fresh snap; upds dropped */
} sub_topic;

/* The subscription set with the epoch its seqs belong to. */
typedef struct subs {
  sub_topic *v;                /* topics, in the order added */
  size_t n;                    /* topics used */
  size_t cap;                  /* topics allocated */
  uint64_t epoch;              /* epoch of the seqs */
  int has_epoch;               /* epoch is valid */
} subs;

/* Adds a topic: 1 added, 0 already there, -EINVAL, -ENOMEM. */
int fh__subs_add(subs *s, const char *topic);
/* Removes a topic; 1 removed, 0 it was not there. */
int fh__subs_remove(subs *s, const char *topic);
sub_topic *fh__subs_find(subs *s, const char *p, size_t n);
void fh__subs_free(subs *s);
/* A welcome with `epoch`: when it differs from the held one, every seq is
 * dropped (the next sub asks for fresh snaps).  Returns 1 if it differed. */
int fh__subs_on_welcome(subs *s, uint64_t epoch);
/* A snap: 1 deliver it, 0 drop it (topic not subscribed).  Sets *others to
 * 1 when its epoch differs from the held one: then every other topic was
 * put into resync and must be subscribed again without since. */
int fh__subs_on_snap(subs *s, const fh_event *ev, int *others);
/* An upd: 1 deliver it, 0 drop it.  Sets *gap to 1 when its seq is not the
 * previous + 1: the topic is then in resync and must be subscribed again. */
int fh__subs_on_upd(subs *s, const fh_event *ev, int *gap);

/* ------------------------------------------------------------ client.c */

/* Where a connection is. */
typedef enum conn_phase {
  PHASE_IDLE = 0,  /* no connection; the retry timer may be running */
  PHASE_CONNECTING,/* lws is connecting */
  PHASE_HELLO,     /* upgraded; hello sent or to be sent */
  PHASE_ONLINE     /* welcome received */
} conn_phase;

struct fh_client {
  uv_loop_t *loop;             /* the application's loop */
  struct lws_context *ctx;     /* our lws context (no listener) */
  struct lws *wsi;             /* the connection, NULL when none */
  uv_timer_t retry;            /* reconnect delay; also the close deferral */
  fh_client_callbacks cb;      /* the application's callbacks */
  void *arg;                   /* their argument */

  char *url;                   /* as given, owned */
  char *token;                 /* JWT, owned; never logged */
  char *name;                  /* client name, owned */
  char host[256];              /* parsed from url */
  char path[256];              /* parsed from url, with a leading '/' */
  int port;                    /* parsed from url */
  int tls;                     /* wss:// */
  char *ca_file;               /* CAs to trust, owned; NULL: the system's */
  int insecure;                /* no certificate or host name check */
  char *cert_file;             /* client certificate PEM, owned, or NULL */
  char *key_file;              /* its key PEM, owned, or NULL */
  char tls_why[128];           /* why this attempt's certificate was
                                  refused, "" if it was not */
  size_t msg_max;              /* incoming message cap */
  uint32_t backoff_min_ms;     /* first reconnect delay */
  uint32_t backoff_max_ms;     /* reconnect delay cap */

  conn_phase phase;            /* where the connection is */
  int started;                 /* fh_client_start was called */
  int closing;                 /* fh_client_close was called */
  int destroying;              /* the first lws_context_destroy ran */
  uint32_t destroy_polls;      /* steps taken to finish destroying */
  int reported;                /* state last reported: -1 none, 0, 1 */
  uint32_t backoff_ms;         /* delay before the next attempt */
  uint64_t rand_state;         /* xorshift state for jitter */
  int64_t offline_since;       /* ms, when the client went offline */
  int close_code;              /* close code of the last connection */
  char reason[160];            /* why offline, in words */

  uint64_t next_id;            /* id of the next request */
  uint64_t key_seq;            /* counter part of generated keys */
  char key_prefix[40];         /* name-<random hex> of generated keys */
  uint64_t hello_id;           /* id of this connection's hello */
  out_list outbox;             /* the application's requests */
  out_list ctl;                /* hello/sub/unsub of this connection */
  subs subs;                   /* the subscription set */
  fh_buf enc;                  /* scratch for encoding one request */

  fh_buf rx;                   /* reassembly of a fragmented message (no
                                  headroom; unallocated between messages) */
  fh_buf tx;                   /* the batch being written (LWS_PRE head) */
};

int64_t fh__client_now_ms(void);
void fh__client_log(fh_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reports online/offline to the application once per change. */
void fh__client_report(fh_client *c, int online, const fh_event *welcome);
/* Encodes req (with a fresh id) into the control list and asks to write.
 * 0, or a negative errno (nothing queued). */
int fh__client_queue_ctl(fh_client *c, fh_request *req);
/* Queues sub requests for topics [from, to) of the set, except `skip`,
 * with `since` for the topics that hold a seq.  0 or a negative errno. */
int fh__client_queue_sub(fh_client *c, size_t from, size_t to,
                     const sub_topic *skip);
/* The connection was upgraded: queue the hello. */
void fh__client_established(fh_client *c);
/* The connection failed or closed: go offline and schedule a retry. */
void fh__client_lost(fh_client *c, const char *why);
/* A decoded map from the hub (route.c). */
void fh__client_route(fh_client *c, const fh_event *ev);

/* -------------------------------------------------------------- conn.c */

/* Creates the lws context on c->loop.  0 or -EIO. */
int fh__conn_context_new(fh_client *c);
/* Starts one connection attempt.  0, or -EIO when lws refused at once
 * (the caller then treats the attempt as failed). */
int fh__conn_connect(fh_client *c);
/* Asks for a WRITEABLE callback when there is something to send. */
void fh__conn_want_write(fh_client *c);
/* Closes the current connection (CLIENT_CLOSED follows). */
void fh__conn_drop(fh_client *c, int code, const char *why);
/* One step of destroying the lws context: the first call starts it, later
 * calls finish it once lws's handles have closed.  Returns 1 when the
 * context is gone. */
int fh__conn_context_destroy(fh_client *c);

/* --------------------------------------------------------------- tls.c */

/* The client SSL_CTX lws made: TLS 1.2 at least, and unless insecure,
 * peer verification for c->host (an IP or a DNS name). */
void fh__tls_client_ctx(fh_client *c, void *ssl_ctx);
/* OpenSSL's verdict on one certificate (store_ctx an X509_STORE_CTX):
 * returns 0 to go on, 1 to refuse the handshake (c->tls_why says why). */
int fh__tls_verify(fh_client *c, void *store_ctx, int preverify_ok);

/* ---------------------------------------------------------------- rx.c */

/* One received piece of a message.  Returns 0, or the close code when the
 * connection must be closed: 1003 (a text message), 1009 (over the cap),
 * 1011 (out of memory). */
int fh__rx_fragment(fh_client *c, const uint8_t *in, size_t len, int first,
                int last, size_t remaining, int binary);
void fh__rx_reset(fh_client *c);

#endif /* FH_CLIENT_INT_H */
