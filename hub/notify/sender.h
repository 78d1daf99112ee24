/* sender.h -- delivering outbox records: the queue, retries, channels.
 *
 * Design: the sender runs on a libuv loop (the hub's, or floorctl's own)
 * and knows no hub: the records come in through sender_add() and every
 * change to the store goes out through the ops the owner gives (main.c
 * wires them to hub/core/outbox.h), so this library sits above fh_plant
 * and below nothing of the daemon.  Each record waits in memory until its
 * next attempt is due; then, if its channel has a free slot (a bounded
 * number in flight per channel), it is handed to the channel's driver:
 * HTTP(S) and SMTP(S) through libcurl's multi interface on the loop
 * (curl_loop.h), MQTT through libmosquitto on the loop (mqtt.h).  Nothing
 * here blocks: a receiver that hangs holds one slot of its own channel
 * until its timeout_s, and the loop, the commits and the other channels go
 * on.
 *
 * Delivery is at least once.  Success deletes the record; a failure stores
 * the attempt count and the next try (4 s, doubling to 10 min, +-20 %
 * jitter: notify_backoff_ms); a record older than max_age_s is dropped and
 * counted.  An andon.raised/escalated record whose andon was acknowledged
 * or closed before it went out is dropped (drop_if_acknowledged) or sent
 * with its current state appended.
 */
#ifndef FH_HUB_NOTIFY_SENDER_H
#define FH_HUB_NOTIFY_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "fh_protocol.h"
#include "notify_rules.h"

/* How the sender reaches the store (all may be NULL: floorctl's test). */
typedef struct sender_ops {
  int (*update)(void *arg, const notify_entry *e); /* record a failed try */
  int (*remove)(void *arg, const char *id);        /* delivered / dropped */
  int (*andon_now)(void *arg, uint64_t id, fh_andon *out); /* 0 or -ENOENT */
  int64_t (*now_ms)(void *arg);                    /* NULL: the real clock */
  void *arg;                                       /* passed to each */
} sender_ops;

/* One finished delivery, for the owner's log or notify topic. */
typedef struct sender_result {
  const notify_entry *e;  /* the record (valid during the call) */
  int delivered;          /* 1 delivered, 0 failed (a retry follows),
                             -1 dropped */
  const char *why;        /* failure or drop reason, "" when delivered */
} sender_result;

typedef struct sender sender;

/* A sender on loop with the settings cfg (borrowed until replaced).
 * Returns 0 with *out, or -ENOMEM / the code of curl's or mosquitto's
 * initialisation. */
int sender_new(sender **out, uv_loop_t *loop, const notify_cfg *cfg,
               const sender_ops *ops);
/* Replaces the settings (SIGHUP): queued records stay; records of a
 * channel no longer configured are dropped when due. */
void sender_set_cfg(sender *s, const notify_cfg *cfg);
/* Calls cb for every finished attempt (NULL: none). */
void sender_on_result(sender *s, void (*cb)(void *arg, const sender_result *r),
                      void *arg);
/* Queues a record (copied; its report strings are taken over and e's
 * pointers cleared).  A record with an id already queued is ignored.
 * 0 or -ENOMEM. */
int sender_add(sender *s, notify_entry *e);
/* Appends the Prometheus text of the counters to out. */
int sender_metrics(sender *s, fh_buf *out);
/* Records queued (in flight included). */
size_t sender_depth(const sender *s);
/* Stops: drops what is in flight (it stays in the store, so it is sent
 * again after a restart), closes the handles; the loop must run once more
 * for their close callbacks.  Frees s then. */
void sender_close(sender *s);

#endif
