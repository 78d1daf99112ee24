/* metrics.h -- the hub's counters, served as Prometheus text on /metrics.
 *
 * Plain integers bumped on the loop thread; no locks, no allocation.  Gauges
 * that can be read off the live state (sessions, subscriptions, open andons)
 * are computed when /metrics is scraped instead of being kept here.
 */
#ifndef FH_HUB_METRICS_H
#define FH_HUB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "fh_protocol.h"

/* Upper bounds (ms) of the commit latency histogram buckets. */
#define METRICS_COMMIT_BUCKETS 10

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
  uint64_t commit_ms_bucket[METRICS_COMMIT_BUCKETS + 1]; /* +Inf last */
  double commit_ms_sum;              /* sum of commit latencies */
  uint64_t reconnects;               /* hellos that carried `resume` */
  uint64_t logins;                   /* people signed in at kiosks */
  uint64_t login_failures;           /* sign-ins refused: wrong or unknown */
  uint64_t login_kiosk_refusals;     /* kiosks that began refusing sign-ins */
  uint64_t login_user_locks;         /* users locked after failures */
} metrics;

/* Bucket bounds in ms, METRICS_COMMIT_BUCKETS entries. */
extern const double metrics_commit_bounds[METRICS_COMMIT_BUCKETS];

void metrics_commit_observe(metrics *m, double ms);

struct hub;
/* Appends the plant's gauges (per line: OEE, A, P, Q, good, reject, open
 * andons; per equipment: its state) as Prometheus text (metrics_plant.c).
 * 0 or -ENOMEM (out then holds a partial text the caller discards). */
int metrics_plant_text(struct hub *h, fh_buf *out);

#endif
