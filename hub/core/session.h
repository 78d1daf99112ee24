/* session.h -- one WebSocket connection.
 *
 * A session owns its send queue (references to shared msgs, oldest first),
 * the reassembly buffer for fragmented messages (allocated only while a
 * fragmented message is arriving), its subscriptions and its identity once
 * authenticated.  Everything a client is sent goes through session_send()
 * or session_send_msg(); the bytes reach the socket only in the WRITEABLE
 * callback (session_writable), several queued messages in one frame when
 * the client is behind.  A session that falls behind the queue bounds is
 * closed with 4008 and its queue is dropped at once, so a stalled client
 * never holds more than the bound.
 */
#ifndef FH_HUB_SESSION_H
#define FH_HUB_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"
#include "msg.h"
#include "fh_roles.h"

struct topic;

/* Bytes of queued messages coalesced into one frame (a single larger
 * message, a snapshot, goes out in a frame of its own). */
#define SEND_BATCH_MAX (64 * 1024)

/* A subscription: linked into its topic's list and its session's list. */
typedef struct sub_node {
  struct topic *topic;        /* what is subscribed */
  struct session *s;          /* who subscribed */
  struct sub_node *tprev;     /* topic's list */
  struct sub_node *tnext;
  struct sub_node *snext;     /* session's list */
} sub_node;

typedef struct qent {
  msg *m;                     /* one reference */
  uint64_t queued_ms;         /* monotonic time it was queued */
} qent;

typedef struct session {
  struct session *prev, *next;  /* hub's list of sessions */
  hub *h;                       /* the hub */
  struct lws *wsi;              /* the connection */
  uint64_t id;                  /* hub-unique, from 1 */
  uint64_t opened_ms;           /* monotonic time of the upgrade */
  char peer[48];                /* peer address for logs */

  int authed;                   /* a token was accepted */
  char user[FH_ID_MAX + 1];     /* token sub */
  fh_role role;                  /* token role */
  uint64_t *line_mask;          /* bit per plant line; NULL = all lines */
  int64_t exp_ms;               /* token expiry (leeway included) */
  char jti[FH_JTI_MAX + 1];     /* the token's jti, "" none: a revoked
                                   token closes the session (tokens.c) */
  int hub_token;                /* a session token of the hub's: its user
                                   is checked (tokens_check_session) */

  /* A person signed in at a kiosk session (login.c): user, role and
   * line_mask above are then the person's, and the token's are kept
   * here until the person signs out. */
  char via[FH_ID_MAX + 1];      /* the kiosk token's sub; "" while the
                                   session acts as its token */
  fh_role tok_role;             /* the token's role, while signed in */
  uint64_t *tok_mask;           /* the token's line mask (NULL: all) */
  uint64_t last_req_ms;         /* monotonic time of the last request (the
                                   idle sign-out; pongs do not count) */
  int login_busy;               /* a sign-in check runs on the pool */

  qent *q;                      /* send queue ring; freed by the tick
                                   once empty */
  uint32_t qcap;                /* ring slots */
  uint32_t qhead;               /* index of the oldest entry */
  uint32_t qcount;              /* entries queued */
  uint64_t qbytes;              /* payload bytes queued */

  fh_buf rx;                    /* reassembly of a fragmented message
                                   (no headroom; empty, unallocated while
                                   no message is in pieces) */
  uint16_t rx_discard;          /* close code once the refused message
                                   (too large: 1009, text: 1003) has been
                                   read to its end; 0 = not discarding */
  uint64_t rx_discard_ms;       /* monotonic time the discarding began */
  uint64_t rx_discarded;        /* bytes dropped since */

  uint64_t last_rx_ms;          /* monotonic time the peer last sent */
  int ping_due;                 /* send a ping on the next WRITEABLE */
  int ping_sent;                /* a ping is out since last_rx_ms */

  double tokens;                /* rate limit bucket */
  uint64_t tokens_ms;           /* when it was last refilled */

  sub_node *subs;               /* subscriptions */
  uint32_t nsubs;               /* their number */

  int write_wanted;             /* linked in the hub's write_wanted list */
  struct session *wprev, *wnext; /* that list */

  uint16_t close_code;          /* non-zero: close with this on WRITEABLE */
  char close_why[64];           /* the close reason text */
} session;

/* Called from the lws callbacks (server.c). */
session *session_open(hub *h, struct lws *wsi, session *mem);
void session_closed(session *s);
int session_receive(session *s, const uint8_t *in, size_t len);
/* The peer sent something (a frame or a pong): it is alive. */
void session_heard(session *s);
/* One complete message: every map of it is dispatched.  Also the entry of
 * the dispatch fuzzer, with a session whose wsi is NULL. */
void session_handle_message(session *s, const uint8_t *frame, size_t len);
int session_writable(session *s);
/* Asks lws for WRITEABLE on every session that queued something since the
 * last call (server.c calls it before and after each poll phase). */
void session_request_writes(hub *h);

/* Queue a copy of the payload of `b` (a reply to this session only).
 * If this returns an error the session is being closed. */
int session_send(session *s, const fh_buf *b, fh_msg_type type);
/* Queue a reference to a shared message. */
int session_send_msg(session *s, msg *m);
/* Encode-and-send helpers for the replies. */
void session_send_err(session *s, int has_id, uint64_t id, fh_err_code code,
                      const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Ask for a close with `code` once the queue is written (a slow
 * consumer's queue is dropped at once). */
void session_close(session *s, uint16_t code, const char *why);
/* Accept an identity; sends welcome (with id when has_id). */
int session_authenticate(session *s, const fh_identity *who, int has_id,
                         uint64_t id);
/* The identity the session holds (for fh_role_may and a repeated welcome). */
void session_identity(const session *s, fh_identity *who);
/* A new line mask for who's lines claim (NULL in *out: every line, for no
 * claim or admin); 0 or -ENOMEM. */
int session_mask_for(const hub *h, const fh_identity *who, uint64_t **out);
/* The session may write for this plant line index. */
int session_line_allowed(const session *s, size_t line_index);
/* 1 s tick: auth timeout, token expiry, idle ping and hang-up, queue age. */
void session_tick(session *s, uint64_t now_mono, int64_t now_ms);

#endif
