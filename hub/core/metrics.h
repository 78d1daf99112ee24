/* metrics.h -- the hub's counters, served as Prometheus text on /metrics.
 *
 * Plain integers bumped on the loop thread; no locks, no allocation.  Gauges
 * that can be read off the live state (sessions, subscriptions, open andons)
 * are computed when /metrics is scraped instead of being kept here.
 *
 * Histograms keep nanoseconds against fixed integer bounds (a short scan,
 * no floating point when observing).  Besides the per-commit latency there
 * is the split of one published update's way through the hub (where the
 * time goes): from its request's arrival to the start of the commit that
 * stores it (queue), the commit itself, and from the commit's end to the
 * write of the frame carrying it to its last subscriber (fan-out: the
 * hand-off back to the loop, encoding, queueing and the WRITEABLE round).
 * Each update a request publishes carries the three instants in its msg
 * (msg.h) and is observed once, when the last subscriber queue holding it
 * has written it; updates nobody subscribed to, and those of the hub's own
 * writes (timers, line summaries), are not counted.
 */
#ifndef FH_HUB_METRICS_H
#define FH_HUB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "fh_protocol.h"

/* Bucket counts of the histograms (upper bounds in metrics.c). */
#define METRICS_COMMIT_BUCKETS 10
#define METRICS_SPLIT_BUCKETS 16

/* A latency histogram: counts per bucket (not cumulative), +Inf last. */
typedef struct metrics_hist {
  uint64_t bucket[METRICS_SPLIT_BUCKETS + 1]; /* counts, +Inf last */
  uint64_t sum_ns;                   /* sum of the observed latencies */
} metrics_hist;

/* The instants of one update's way through the hub, monotonic ns
 * (uv_hrtime); arrive_ns 0 means not measured. */
typedef struct metrics_span {
  uint64_t arrive_ns;                /* its request's frame arrived */
  uint64_t commit_ns;                /* the commit storing it started */
  uint64_t done_ns;                  /* ... and ended */
} metrics_span;

typedef struct metrics {
  uint64_t msgs_in[FH_MSG__COUNT];   /* requests received, by type */
  uint64_t msgs_in_invalid;          /* maps that failed to decode */
  uint64_t msgs_out[FH_MSG__COUNT];  /* messages sent, by type */
  uint64_t bytes_in;                 /* WebSocket payload bytes received */
  uint64_t bytes_out;                /* WebSocket payload bytes written */
  uint64_t frames_out;               /* WebSocket frames written */
  uint64_t deliveries;               /* upd messages queued to subscribers */
  uint64_t sessions_total;           /* sessions ever established */
  uint64_t sessions_refused;         /* refused: limit, origin */
  uint64_t slow_consumer_closes;     /* closed with 4008 */
  uint64_t auth_timeouts;            /* closed unauthenticated */
  uint64_t auth_expired;             /* closed on token expiry */
  uint64_t idle_closes;              /* closed: silent past idle-hangup-s */
  uint64_t auth_failures[AUTH_FAIL__COUNT]; /* rejected tokens by reason */
  uint64_t too_large_closes;         /* closed with 1009 */
  uint64_t text_frame_closes;        /* closed with 1003 */
  uint64_t rate_limited;             /* requests refused by the rate limit */
  uint64_t errors_sent[FH_E_INTERNAL + 1]; /* err replies by code */
  uint64_t commits;                  /* successful commits */
  uint64_t commit_failures;          /* failed commits (all rolled back) */
  uint64_t commit_writes;            /* writes committed */
  uint64_t idem_replays;             /* writes answered from a stored key */
  metrics_hist commit;               /* per commit: its latency */
  metrics_hist upd_queue;            /* per update: arrival to commit start */
  metrics_hist upd_commit;           /* per update: its commit */
  metrics_hist upd_fanout;           /* per update: commit end to the last
                                        subscriber's write */
  uint64_t reconnects;               /* hellos that carried `resume` */
  uint64_t logins;                   /* people signed in at kiosks */
  uint64_t login_failures;           /* sign-ins refused: wrong or unknown */
  uint64_t login_kiosk_refusals;     /* kiosks that began refusing sign-ins */
  uint64_t login_user_locks;         /* users locked after failures */
} metrics;

/* Bucket upper bounds in ns: the commit histogram's
 * (METRICS_COMMIT_BUCKETS entries) and the update split's
 * (METRICS_SPLIT_BUCKETS). */
extern const uint64_t metrics_commit_bounds[METRICS_COMMIT_BUCKETS];
extern const uint64_t metrics_split_bounds[METRICS_SPLIT_BUCKETS];

/* One commit of `ns` nanoseconds. */
void metrics_commit_observe(metrics *m, uint64_t ns);
/* One update written to its last subscriber at now_ns. */
void metrics_span_observe(metrics *m, const metrics_span *sp, uint64_t now_ns);

struct hub;
/* Appends the plant's gauges (per line: OEE, A, P, Q, good, reject, open
 * andons; per equipment: its state) as Prometheus text (metrics_plant.c).
 * 0 or -ENOMEM (out then holds a partial text the caller discards). */
int metrics_plant_text(struct hub *h, fh_buf *out);

#endif
