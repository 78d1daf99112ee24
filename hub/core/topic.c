/* topic.c -- topic registry, fan-out and replay rings (see topic.h). */
#include "topic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* name is prefix + id ("line/" + "L1"); ids are at most FH_ID_MAX. */
static topic *topic_new(topic_kind kind, size_t line, const char *prefix,
                        const char *id) {
  topic *t = calloc(1, sizeof *t);
  if (t == NULL) return NULL;
  t->kind = kind;
  t->line = line;
  snprintf(t->name, sizeof t->name, "%s%s", prefix, id);
  return t;
}

int topic_create_all(hub *h) {
  size_t n = 3 + TOPICS_PER_LINE * h->plant->nlines, i = 0;

  h->topics = calloc(n, sizeof *h->topics);
  if (h->topics == NULL) return -ENOMEM;
  h->topics[i++] = topic_new(TOPIC_PLANT, 0, "plant", "");
  h->topics[i++] = topic_new(TOPIC_ANDON, 0, "andon", "");
  for (size_t l = 0; l < h->plant->nlines; l++) {
    h->topics[i++] = topic_new(TOPIC_LINE, l, "line/", h->plant->lines[l].id);
    h->topics[i++] = topic_new(TOPIC_OEE, l, "oee/", h->plant->lines[l].id);
    h->topics[i++] = topic_new(TOPIC_DOWNTIME, l, "downtime/", h->plant->lines[l].id);
  }
  h->topics[i++] = topic_new(TOPIC_NOTIFY, 0, "notify", "");
  h->ntopics = n;
  for (i = 0; i < n; i++)
    if (h->topics[i] == NULL) return -ENOMEM;
  return 0;
}

void topic_destroy_all(hub *h) {
  for (size_t i = 0; i < h->ntopics; i++) {
    topic *t = h->topics[i];
    if (t == NULL) continue;
    for (size_t r = 0; r < TOPIC_RING; r++) msg_unref(t->ring[r]);
    free(t);
  }
  free(h->topics);
  h->topics = NULL;
  h->ntopics = 0;
}

topic *topic_find(hub *h, const char *name, size_t len) {
  for (size_t i = 0; i < h->ntopics; i++) {
    topic *t = h->topics[i];
    if (strlen(t->name) == len && memcmp(t->name, name, len) == 0) return t;
  }
  return NULL;
}

static void ring_put(topic *t, msg *m) {
  msg **slot = &t->ring[t->seq % TOPIC_RING];
  msg_unref(*slot);
  *slot = msg_ref(m);
  if (t->ring_first == 0) t->ring_first = t->seq;
  else if (t->seq - t->ring_first >= TOPIC_RING) t->ring_first = t->seq - TOPIC_RING + 1;
}

int topic_publish_enc(hub *h, topic *t) {
  msg *m = msg_new(&h->enc, FH_MSG_UPD);
  sub_node *n, *next;

  if (m == NULL) return -ENOMEM;
  m->span = h->pub_span; /* the write being published, if measured */
  t->seq++;
  ring_put(t, m);
  for (n = t->subs; n != NULL; n = next) {
    next = n->tnext; /* a failed send closes the session, not this node */
    session_send_msg(n->s, m);
    h->m.deliveries++;
  }
  msg_unref(m);
  return 0;
}

int topic_subscribe(topic *t, session *s) {
  sub_node *n;
  for (n = s->subs; n != NULL; n = n->snext)
    if (n->topic == t) return 0;
  n = calloc(1, sizeof *n);
  if (n == NULL) return -ENOMEM;
  n->topic = t;
  n->s = s;
  n->tnext = t->subs;
  if (t->subs) t->subs->tprev = n;
  t->subs = n;
  t->nsubs++;
  n->snext = s->subs;
  s->subs = n;
  s->nsubs++;
  return 0;
}

static void unlink_from_topic(sub_node *n) {
  topic *t = n->topic;
  if (n->tprev) n->tprev->tnext = n->tnext;
  else t->subs = n->tnext;
  if (n->tnext) n->tnext->tprev = n->tprev;
  t->nsubs--;
}

void topic_unsubscribe(topic *t, session *s) {
  for (sub_node **pp = &s->subs; *pp != NULL; pp = &(*pp)->snext) {
    sub_node *n = *pp;
    if (n->topic != t) continue;
    *pp = n->snext;
    unlink_from_topic(n);
    s->nsubs--;
    free(n);
    return;
  }
}

void topic_unsubscribe_all(session *s) {
  sub_node *n = s->subs, *next;
  for (; n != NULL; n = next) {
    next = n->snext;
    unlink_from_topic(n);
    free(n);
  }
  s->subs = NULL;
  s->nsubs = 0;
}

int topic_replay(topic *t, session *s, uint64_t since) {
  if (since > t->seq) return -1;                 /* from the future */
  if (since == t->seq) return 0;                 /* nothing missed */
  if (t->ring_first == 0 || since + 1 < t->ring_first) return -1;
  for (uint64_t q = since + 1; q <= t->seq; q++)
    if (session_send_msg(s, t->ring[q % TOPIC_RING]) != 0) return 0;
  return 0;
}
