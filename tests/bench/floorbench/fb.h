/* fb.h -- floorbench: the load generator and meter of the benchmarks.
 *
 * Design: one thread, one epoll loop, many non-blocking WebSocket client
 * connections (wsc.c is a minimal RFC 6455 client: handshake, masked
 * frames out, unmasked frames in).  A target adapter (target_fh.c,
 * target_mqtt.c, target_node.c) speaks the application protocol of the
 * server under test over those connections: subscribing, publishing a
 * message that carries its CLOCK_MONOTONIC send time, and recognising a
 * delivery, whose latency goes into a log-linear histogram (hist.c).
 * Publishers are paced by the loop itself (pacer.c): at each iteration a
 * pacer sends what its rate says should have been sent by now.  The
 * server under test is started, restarted and measured (CPU, RSS) by
 * floorbench (server.c), so one process sees every number of a run.  The
 * scenarios (sc_*.c) print one JSON object per measurement on stdout.
 */
#ifndef FB_H
#define FB_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fh_protocol.h"
#include "hist.h"
#include "tls.h"

#define FB_TX_MAX (8u << 20)  /* bytes a connection may have unsent */
#define FB_PAYLOAD 128        /* bytes of a peer's published payload */
#define FB_TOPICS_MAX 64      /* topics one connection subscribes */

typedef enum conn_state {
  CS_IDLE = 0,   /* not connected (never, or closed and reset) */
  CS_CONNECTING, /* TCP connect in progress */
  CS_TLS,        /* --tls: TLS handshake in progress */
  CS_UPGRADING,  /* HTTP upgrade sent, waiting for 101 */
  CS_OPEN,       /* WebSocket open */
  CS_CLOSED      /* the peer closed or the connection failed */
} conn_state;

typedef enum conn_role {
  ROLE_SUB = 0, /* subscribes to topics[] and measures deliveries */
  ROLE_PUB,     /* publishes (gateway token on floorhub) */
  ROLE_WRITER   /* durable writes, measures time to ok (floorhub only) */
} conn_role;

struct writer;

/* One client connection. */
typedef struct conn {
  int fd;                         /* socket, -1 when none */
  SSL *ssl;                       /* --tls: its TLS session, else NULL */
  conn_state state;               /* see conn_state */
  conn_role role;                 /* what it does */
  uint32_t idx;                   /* index in bench.conns */
  int ready;                      /* subscribed (snapshot held) or, for a
                                     publisher, accepted by the server */
  int out_armed;                  /* EPOLLOUT is armed */
  int dirty;                      /* on the bench's flush list */
  int closing;                    /* a close frame was queued: drop after flush */
  uint16_t ntopics;               /* topics[] in use */
  uint16_t nsnaps;                /* snapshots (or sub acks) received */
  uint16_t topics[FB_TOPICS_MAX]; /* topic indexes (see topic_name()) */
  uint32_t line;                  /* publisher: the line it publishes for */
  uint64_t pub_seq;               /* publisher: messages published */
  uint64_t next_id;               /* next request id */
  uint64_t started_ns;            /* when its TCP connect was started */
  uint64_t upgraded_ns;           /* when the 101 arrived */
  fh_buf rx;                      /* received bytes not yet parsed */
  fh_buf tx;                      /* bytes to write, from tx_off on */
  size_t tx_off;                  /* bytes of tx already written */
  fh_buf frag;                    /* a fragmented WebSocket message */
  fh_buf app;                     /* MQTT: a packet split over messages */
  struct writer *w;               /* ROLE_WRITER: its request slots */
  uint64_t *counts;               /* floorhub subscriber: good, reject of
                                     each equipment of its topics */
} conn;

struct bench;

/* The application protocol of one kind of server. */
typedef struct target_ops {
  const char *name;        /* "floorhub", "mosquitto", "node-ws" */
  const char *path;        /* upgrade path */
  const char *subprotocol; /* Sec-WebSocket-Protocol, NULL for none */
  /* Token for the upgrade's Authorization header, or NULL (may be NULL). */
  const char *(*bearer)(struct bench *b, const conn *c);
  /* The WebSocket is open: send what subscribes (or connects). */
  int (*on_open)(struct bench *b, conn *c);
  /* One complete WebSocket message from the server. */
  int (*on_message)(struct bench *b, conn *c, const uint8_t *p, size_t n);
  /* Publishes one message for item `item` of the connection's line, with
   * send time ts_ns; 0 or -errno. */
  int (*publish)(struct bench *b, conn *c, uint32_t item, uint64_t ts_ns);
} target_ops;

extern const target_ops target_floorhub, target_mqtt, target_node, target_nats;

/* A byte-stream protocol over WebSocket messages (MQTT, NATS): parses the
 * whole units at p and returns the bytes it used. */
typedef size_t (*stream_parse_fn)(struct bench *b, conn *c, const uint8_t *p,
                                  size_t n);
/* Feeds one WebSocket message to parse, after what was left over in
 * c->app; keeps the new leftover there.  0 or -1 (no memory). */
int conn_stream(struct bench *b, conn *c, const uint8_t *p, size_t n,
                stream_parse_fn parse);

/* floorhub: encodes req with the next request id of c (set in req->id) and
 * queues it.  0 or -errno. */
int target_fh_send(struct bench *b, conn *c, fh_request *req);

/* A publisher paced at a fixed rate by the loop. */
typedef struct pacer {
  conn *c;          /* the publishing connection */
  double rate;      /* messages per second */
  uint32_t items;   /* items it cycles through (equipment of its line) */
  uint64_t t0;      /* start, ns */
  uint64_t stop;    /* nothing is sent from this time on (0: no end) */
  uint64_t due_done;/* messages accounted for (sent or skipped) */
  uint64_t sent;    /* messages queued on the socket */
  uint64_t skipped; /* messages not sent: the socket's backlog was full */
} pacer;

/* Options given on the command line (main.c). */
typedef struct opts {
  const char *scenario;       /* fanout | plant | memory | durable | storm
                                 | floor */
  const char *target;         /* floorhub | mqtt | node */
  const char *label;          /* free text copied into every result */
  int port;                   /* server port on 127.0.0.1 */
  int src_addrs;              /* source addresses 127.0.0.1..N */
  int run;                    /* run number, copied into results */
  int tls;                    /* --tls: connect with TLS (wss://) */
  const char *ca_file;        /* --ca-file: the CA that --tls trusts */
  const char *jwt_key_file;   /* floorhub: HS256 secret */
  char **server_argv;         /* the server command (after --) */
  const char *server_log;     /* file for the server's stdout+stderr */
  /* scenario sizes */
  int subs;                   /* fanout: subscribers */
  double window_s;            /* length of a measuring window */
  double start_rate;          /* fanout: first step, deliveries/s */
  double p99_bound_ms;        /* fanout: a step fails above this p99 */
  int max_steps;              /* fanout: steps at most */
  const char *rates;          /* fanout: fixed steps "50000,200000"
                                 (deliveries/s) instead of the search */
  double rate;                /* floor: messages/s */
  int lines, equipment;       /* plant: lines, equipment per line */
  double hz;                  /* plant: updates per equipment per s */
  int terminals, dashboards;  /* plant: per line, and in all */
  const char *mem_steps;      /* memory: "1000,10000" */
  int clients;                /* durable / storm: clients */
  int inflight;               /* durable: requests in flight per client */
} opts;

/* The whole run. */
typedef struct bench {
  const opts *o;              /* options */
  const target_ops *ops;      /* the server's protocol */
  int epfd;                   /* epoll */
  struct sockaddr_in dst;     /* server address */
  conn *conns;                /* every connection (fixed array) */
  size_t nconns;              /* in use */
  size_t capacity;            /* allocated in conns */
  conn **flush;               /* connections with bytes to write */
  size_t nflush;              /* entries in flush */
  uint32_t *connect_q;        /* connections waiting to connect */
  size_t connect_head, connect_len; /* the queue's extent */
  size_t max_handshakes;      /* connects + upgrades in progress at most */
  size_t handshakes;          /* ... now */
  size_t nready, nclosed;     /* connections ready, closed */
  pacer *pacers;              /* paced publishers */
  size_t npacers;             /* in use */
  uint64_t win_start, win_end;/* deliveries of messages sent in here count */
  uint64_t delivered;         /* deliveries counted in the window */
  uint64_t stale;             /* deliveries of messages sent outside it */
  uint64_t acks, errors;      /* oks / errs the server sent */
  uint64_t closes_by_server;  /* close frames or EOFs not asked for */
  hist lat;                   /* delivery (or time-to-ok) latency, ns */
  hist setup;                 /* connect start -> ready (TCP, TLS,
                                 upgrade, auth, snapshot), ns */
  char nonce[12];             /* makes idempotency keys unique per run */
  char *token_sub;            /* floorhub: viewer token */
  char *token_pub;            /* floorhub: gateway token */
  char **token_writer;        /* floorhub: one admin token per writer */
  pid_t server_pid;           /* the server under test, 0 when stopped */
  int fatal;                  /* the run cannot measure (--tls: the
                                 certificate was refused): loops end */
  /* floorhub: every ok / err reply is passed here too when set (sc_durable) */
  void (*on_reply)(struct bench *b, conn *c, const fh_event *ev);
  fh_buf scratch;             /* encoding scratch */
} bench;

/* ---- time, topics ---- */
uint64_t now_ns(void);
/* "line/L01" for topic i < lines, "plant" for FB_TOPIC_PLANT. */
#define FB_TOPIC_PLANT 0xffffu
void topic_name(uint32_t t, char *out, size_t cap);
/* "L01-E03": equipment `item` of line `line`. */
void equipment_name(uint32_t line, uint32_t item, char *out, size_t cap);
/* floorhub stamps: a time in us as two count increments (each < 10^6),
 * and back from the increments, given the time now (the stamp is known
 * modulo 10^12 us, 11.5 days, and lies in the past). */
#define STAMP_MOD 1000000ull
void stamp_to_counts(uint64_t us, uint64_t *good, uint64_t *reject);
uint64_t stamp_from_counts(uint64_t good, uint64_t reject, uint64_t now_us);
/* Parses an equipment id "L01-E03" into line 0 and item 2; 0 or -1. */
int parse_equipment(const char *p, size_t n, uint32_t *line, uint32_t *item);
/* Parses "t<digits>" at p (n bytes); 0 with *ts, or -1. */
int parse_stamp(const char *p, size_t n, uint64_t *ts);
/* Parses an ascending list of positive counts, "1000,2500,10000", into
 * out (at most max); returns how many, 0 when the list is not one. */
size_t parse_counts(const char *s, size_t *out, size_t max);
/* Fills out with "t<ts> " and 'x' up to FB_PAYLOAD bytes (no NUL); returns
 * FB_PAYLOAD.  The payload of mosquitto and node-ws publishes. */
size_t stamp_payload(char out[FB_PAYLOAD], uint64_t ts);

/* ---- bench.c: connections and the loop ---- */
/* capacity: connections the run will have at most. 0 or -errno. */
int bench_init(bench *b, const opts *o, const target_ops *ops, size_t capacity);
void bench_free(bench *b);
/* Adds n connections of a role (capacity permitting: the caller sized it);
 * returns the first one's index.  Pointers to conns stay valid. */
size_t bench_add(bench *b, size_t n, conn_role role);
/* Queues connections [first, first+n) to connect, at most max_handshakes
 * in progress at once. */
void bench_connect(bench *b, size_t first, size_t n);
/* Runs the loop until done(b, arg) says 1 or the deadline passes; returns
 * 1 when done, 0 on the deadline (or at once when b->fatal is set). */
int bench_run(bench *b, uint64_t deadline, int (*done)(bench *, void *),
              void *arg);
/* Waits (running the loop) until `want` connections are ready. */
int bench_wait_ready(bench *b, size_t want, double timeout_s);
/* Runs the loop for s seconds. */
void bench_sleep(bench *b, double s);
/* Closes every connection at once and resets it to CS_IDLE. */
void bench_drop_all(bench *b);
/* A delivery of a message published at ts (counted if in the window). */
void bench_delivery(bench *b, uint64_t ts);
/* The same, for a message that arrived at `now` (one clock read serves
 * every update of a frame). */
void bench_delivery_at(bench *b, uint64_t ts, uint64_t now);
/* Opens the measuring window [now, now + s) (both ends on whole us, so a
 * stamp in us falls on the same side) and clears the counters. */
void bench_window(bench *b, double s);
/* Sends the frame on c (queued; written at the end of the iteration). */
int bench_send(bench *b, conn *c, int opcode, const void *p, size_t n);
/* c holds what it subscribed to (or was accepted): counted once. */
void bench_conn_ready(bench *b, conn *c);

/* ---- selftest.c: checks of the meter; returns the failures ---- */
int selftest(void);

/* ---- conn.c: one connection's I/O (used by the loop) ---- */
void conn_start(bench *b, conn *c);
void conn_event(bench *b, conn *c, uint32_t events);
void conn_flush(bench *b, conn *c);
/* Closes the socket (if open) and makes c CS_IDLE with empty buffers. */
void conn_reset(bench *b, conn *c);

/* ---- pacer.c ---- */
/* The returned pointer is valid until the next pacer_add. */
pacer *pacer_add(bench *b, conn *c, double rate, uint32_t items);
/* Starts every pacer now; they send nothing from `stop` on (0: no end). */
void pacers_start(bench *b, uint64_t stop);
/* Called by the loop: each pacer queues what is due by `now`. */
void pacers_tick(bench *b, uint64_t now);
/* Removes every pacer (publishing stops). */
void pacers_clear(bench *b);
/* Messages sent / skipped by all pacers since pacers_start. */
uint64_t pacers_sent(const bench *b);
uint64_t pacers_skipped(const bench *b);

#endif
