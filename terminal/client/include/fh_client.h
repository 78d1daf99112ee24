/* fh_client.h -- a floorhub WebSocket client on a libuv loop.
 *
 * Design: one fh_client owns one libwebsockets context (LWS_SERVER_OPTION_
 * LIBUV on the caller's loop, no listener) and at most one connection to the
 * hub.  It connects, says hello with the token, and once the welcome arrives
 * it (re)subscribes its topics and sends what waits in its outbox.  When
 * the connection is lost it reconnects by itself with exponential backoff
 * (250 ms doubling up to 5 s, with a little jitter) until fh_client_close().
 *
 * Subscriptions are remembered with the last seq seen per topic and the
 * hub's epoch, so that a reconnect resumes with `since`/`epoch`.  An upd
 * whose seq is not the previous + 1 is dropped and that topic is subscribed
 * again without since; a welcome or snap with a different epoch makes every
 * topic start over with a fresh snap.  The application therefore sees, per
 * topic, a snap followed by updates without gaps.
 *
 * Every request of the application goes into the outbox with an id (and a
 * generated idempotency key for writes) and stays there until the hub's
 * reply with that id arrives; after a reconnect everything still in the
 * outbox is sent again with the same id and key, so a write takes effect
 * exactly once (an ok with replay:true is the stored result of the first
 * execution and counts as done).  Requests made while offline wait there
 * and count as pending.  A kiosk's login and logout are the exception:
 * they belong to the connection (fh_client_login) and are never resent.
 *
 * On wss:// the hub's certificate chain is verified against the system's
 * CAs (or ca_file) and its name against the URL's host (an IP address
 * against the certificate's IP addresses); a refusal goes offline with a
 * reason naming the hub and why ("hub h:7600: TLS certificate refused:
 * certificate has expired") and is retried like any failed connection.
 *
 * A client certificate (cert_file, key_file) is presented on wss://; a hub
 * that maps it to an identity needs no token then.
 *
 * Incoming messages are reassembled from fragments up to a cap (8 MiB by
 * default) and every map of a message is decoded.  Bytes reach the socket
 * only in the WRITEABLE callback.  Everything runs on the loop's thread;
 * nothing here is thread-safe.  Functions return 0 or a negative errno
 * code; when a call fails, none of its callbacks will fire.
 */
#ifndef FH_CLIENT_H
#define FH_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "fh_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FH_CLIENT_MSG_MAX_DEFAULT (8u * 1024 * 1024) /* incoming message cap */
#define FH_CLIENT_BACKOFF_MIN_MS 250                 /* first reconnect delay */
#define FH_CLIENT_BACKOFF_MAX_MS 5000                /* reconnect delay cap */

typedef struct fh_client fh_client;

/* A request in the outbox, as the reply callback sees it. */
typedef struct fh_client_req {
  uint64_t id;              /* request id on the wire, unique per client */
  fh_msg_type type;         /* the request's type */
  char key[FH_KEY_MAX + 1]; /* idempotency key of a write, "" otherwise */
  void *data;               /* the application's pointer from fh_client_send */
  uint32_t sends;           /* how many times it went out (1 + resends) */
} fh_client_req;

/* The connection state, as on_state sees it. */
typedef struct fh_client_state {
  int online;                /* 1 once the welcome arrived, 0 when lost */
  int64_t since;             /* ms since the Unix epoch: when this began */
  const fh_event *welcome;   /* the welcome when online, NULL otherwise */
  int close_code;            /* WebSocket close code from the hub, 0 if none */
  const char *reason;        /* why offline, in words; "" when online */
} fh_client_state;

typedef struct fh_client_callbacks {
  /* Connected (welcome received) or offline.  Fires once per change. */
  void (*on_state)(fh_client *c, const fh_client_state *st, void *arg);
  /* A snap or upd of a subscribed topic, in seq order without gaps.  The
   * event's views point into the received message: valid during the call. */
  void (*on_event)(fh_client *c, const fh_event *ev, void *arg);
  /* The reply (ok or err) to a request of the outbox, after which the
   * request is gone.  Also called for the client's own sub/unsub requests
   * (type FH_MSG_SUB or FH_MSG_UNSUB, data NULL). */
  void (*on_reply)(fh_client *c, const fh_client_req *req, const fh_event *ev,
                   void *arg);
  /* A diagnostic line (no token in it); may be NULL. */
  void (*on_log)(fh_client *c, const char *line, void *arg);
  /* The hub changed who this connection acts as, unprompted (a kiosk
   * whose person was signed out for idleness or because they were
   * disabled: PROTOCOL.md 2.3); the event is that welcome.  May be NULL. */
  void (*on_identity)(fh_client *c, const fh_event *welcome, void *arg);
} fh_client_callbacks;

typedef struct fh_client_opts {
  const char *url;            /* ws://HOST:PORT/ws or wss://HOST:PORT/ws */
  const char *ca_file;        /* wss: PEM CAs to trust instead of the
                                 system's; NULL = the system's; copied */
  int insecure;               /* wss: 1 = check neither the certificate
                                 nor the host name (say so loudly) */
  const char *cert_file;      /* wss: PEM client certificate (a gateway's),
                                 NULL = none; copied */
  const char *key_file;       /* its PEM private key; copied */
  const char *token;          /* JWT sent in hello; copied.  May be NULL
                                 with cert_file (the certificate is the
                                 identity; hello carries no token) */
  const char *name;           /* client name in hello and key prefix; copied */
  size_t msg_max;             /* incoming message cap; 0 = 8 MiB */
  uint32_t backoff_min_ms;    /* 0 = FH_CLIENT_BACKOFF_MIN_MS */
  uint32_t backoff_max_ms;    /* 0 = FH_CLIENT_BACKOFF_MAX_MS */
  fh_client_callbacks cb;     /* the application's callbacks */
  void *arg;                  /* passed to every callback */
} fh_client_opts;

/* Creates a client on `loop` (not yet connecting).  Returns 0 and sets *out,
 * or -EINVAL (bad url, missing token), -ENOMEM, or -EIO when libwebsockets
 * could not create its context; on error nothing is left behind. */
int fh_client_new(fh_client **out, uv_loop_t *loop, const fh_client_opts *o);

/* Starts connecting (and reconnecting until fh_client_close).  Returns 0, or
 * -EALREADY when started before.  Connection failures are not errors of this
 * call: they are reported through on_state and retried. */
int fh_client_start(fh_client *c);

/* Adds topics to the subscription set; they are sent at once when online,
 * and on every reconnect.  Topics already in the set are skipped.  Returns 0,
 * -EINVAL (empty or over FH_TOPIC_MAX) or -ENOMEM; on error the set is
 * unchanged. */
int fh_client_subscribe(fh_client *c, const char *const *topics, size_t n);

/* Removes topics from the set (sends unsub when online).  Unknown topics are
 * ignored.  Returns 0 or -ENOMEM (the set is unchanged then). */
int fh_client_unsubscribe(fh_client *c, const char *const *topics, size_t n);

/* Queues a request of the application: any client -> hub type except hello,
 * sub, unsub, login and logout (so the andon and eq writes, dt.classify,
 * dt.split, handover.note, handover.ack, and the reads dt.list,
 * shift.report, oee.history and dt.pareto).  The client sets its id and,
 * for a write without a key, a key of its own that is unique across
 * restarts.  `data` is handed back in
 * on_reply.  Returns 0 and, if id is not NULL, the request's id; or -EINVAL
 * (type not allowed, encoding refused) or -ENOMEM.  On error nothing was
 * queued and on_reply will not fire for it. */
int fh_client_send(fh_client *c, const fh_request *req, void *data,
                   uint64_t *id);

/* Signs a person in or out at a kiosk session (PROTOCOL.md 2.3): req is a
 * login (badge, or user and pin) or a logout.  Unlike fh_client_send it
 * belongs to the current connection: it is refused while offline, never
 * sent again after a reconnect (a sign-in does not outlive its session),
 * and the client's copies of its bytes are wiped once written and
 * answered.  The reply comes through on_reply (type FH_MSG_LOGIN or
 * FH_MSG_LOGOUT, data NULL); when the connection is lost first, none does
 * (on_state reports offline).  Returns 0 and, if id is not NULL, the
 * request's id; or -ENOTCONN (offline), -EINVAL (another type, encoding
 * refused) or -ENOMEM. */
int fh_client_login(fh_client *c, const fh_request *req, uint64_t *id);

/* The request with that id while it waits for its reply, or NULL. */
const fh_client_req *fh_client_find(const fh_client *c, uint64_t id);

/* Requests of the application that have no reply yet (offline or in flight). */
size_t fh_client_pending(const fh_client *c);

/* 1 when the welcome of the current connection has arrived. */
int fh_client_online(const fh_client *c);

/* Replaces the token used by the next hello.  Returns 0, -EINVAL or -ENOMEM
 * (the old token is kept then). */
int fh_client_set_token(fh_client *c, const char *token);

/* Stops: drops the connection and the outbox (no callback fires after this
 * returns) and frees the client once the loop has run its close callbacks;
 * the caller runs the loop (uv_run) before uv_loop_close. */
void fh_client_close(fh_client *c);

#ifdef __cplusplus
}
#endif
#endif /* FH_CLIENT_H */
