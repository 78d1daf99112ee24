/* topic.h -- topics, their subscribers and their replay rings.
 *
 * The set of topics is fixed at start from the plant: `plant`, `andon`,
 * `line/<id>`, `oee/<id>` and `downtime/<id>` per line, and `notify` (last).  Publishing encodes an update
 * once (upd with the topic's next seq), keeps a reference in the topic's
 * replay ring (the last TOPIC_RING updates, for resume with `since`) and
 * queues a reference in every subscriber's queue.  The publisher never
 * waits: a subscriber that cannot keep up is closed by its own queue bound.
 */
#ifndef FH_HUB_TOPIC_H
#define FH_HUB_TOPIC_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"
#include "msg.h"
#include "session.h"

#define TOPIC_RING 1024
#define TOPICS_PER_LINE 3 /* line/<id>, oee/<id>, downtime/<id>, in order */

typedef enum topic_kind {
  TOPIC_PLANT = 0, /* one summary per line */
  TOPIC_ANDON,     /* every andon call */
  TOPIC_LINE,      /* one line: itself, equipment, open andons, OEE */
  TOPIC_OEE,       /* one line's OEE */
  TOPIC_DOWNTIME,  /* one line's stops */
  TOPIC_NOTIFY     /* notification deliveries (admin only) */
} topic_kind;

typedef struct topic {
  char name[FH_TOPIC_MAX + 1]; /* "plant", "line/L1", ... */
  topic_kind kind;             /* what the data is */
  size_t line;                 /* plant line index (LINE and OEE) */
  uint64_t seq;                /* seq of the last upd (the snap's seq) */
  sub_node *subs;              /* subscribers */
  size_t nsubs;                /* their number */
  msg *ring[TOPIC_RING];       /* last updates, by seq modulo TOPIC_RING */
  uint64_t ring_first;         /* seq of the oldest update held (0: none) */
} topic;

/* Creates every topic of the plant.  Returns 0 or -ENOMEM. */
int topic_create_all(hub *h);
void topic_destroy_all(hub *h);
/* The topic with that name, or NULL. */
topic *topic_find(hub *h, const char *name, size_t len);

/* Publishes the upd whose data value the caller has appended to h->enc
 * after fh_enc_upd_begin(&h->enc, t->name, topic_next_seq(t)). */
static inline uint64_t topic_next_seq(const topic *t) { return t->seq + 1; }
int topic_publish_enc(hub *h, topic *t);

/* Subscribes s (no-op if already subscribed) / unsubscribes it. */
int topic_subscribe(topic *t, session *s);
void topic_unsubscribe(topic *t, session *s);
/* Drops every subscription of s. */
void topic_unsubscribe_all(session *s);
/* Queues to s the upds after `since` if the ring still holds all of them.
 * Returns 0 when it did, -1 when a snapshot is needed. */
int topic_replay(topic *t, session *s, uint64_t since);

#endif
