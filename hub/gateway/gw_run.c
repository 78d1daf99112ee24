/* gw_run.c -- floorgw's loop (gw_run.h).
 *
 * Design: one libuv loop carries everything.  A broker message is either
 * Sparkplug (spBv1.0/..., to the host state machine, whose metric and
 * death callbacks go through the mapping) or plain (straight through the
 * mapping); every mapped value lands in the cache, and pump() hands dirty
 * slots to the hub client while it is online and holds fewer than
 * INFLIGHT_MAX requests, so under load values coalesce in the cache rather
 * than queue in the outbox.  When the hub comes back the whole cache is
 * marked dirty and pumped again.  The Sparkplug STATE birth is published
 * after each CONNACK, with the timestamp of the Will set before that
 * connect (spec 3.0).  SIGHUP reloads the mapping; a bad file is logged and
 * the old one kept.  SIGINT/SIGTERM publish STATE offline and stop.
 */
#include "gw_run.h"

#include <errno.h>
#include <mosquitto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fh_client.h"
#include "gw_cache.h"
#include "gw_map.h"
#include "gw_mqtt.h"
#include "gw_spb.h"

#define INFLIGHT_MAX 256       /* requests in the hub client's outbox at most */
#define TOPICS_MAX 1024        /* plain topic filters subscribed at most */
#define LOUD_MAX 20            /* log lines of one kind before going quiet */
#define STATS_EVERY_S 60       /* the counters are logged this often */

typedef struct gw {
  const gw_opts *o;            /* the options */
  uv_loop_t loop;              /* floorgw's loop */
  gw_map *map;                 /* the mapping in force */
  gw_cache cache;              /* latest state and totals per equipment */
  gw_spb *spb;                 /* the Sparkplug host */
  gw_mqtt *mqtt;               /* the broker connection */
  fh_client *client;           /* the hub connection */
  uv_signal_t sig[3];          /* SIGINT, SIGTERM, SIGHUP */
  uv_timer_t tick;             /* pump every second */
  char state_topic[160];       /* spBv1.0/STATE/<host_id> */
  long long state_ts;          /* timestamp of our STATE birth and Will */
  int64_t cur_ts;              /* machine time of the values being mapped */
  uint64_t unusable;           /* mapped values that could not be used */
  uint64_t unmapped;           /* codes not in the code map */
  uint64_t refused;            /* requests the hub refused */
  uint64_t ticks;              /* seconds of tick so far */
  uint64_t stats_logged;       /* Sparkplug messages at the last stats line */
  int stopping;                /* shutting down */
} gw;

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...) {
  va_list ap;
  fputs("floorgw: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

/* 1 for the first LOUD_MAX of a counter and then every 1000th. */
static int loud(uint64_t n) { return n <= LOUD_MAX || n % 1000 == 0; }

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pump(gw *g) {
  size_t pending;
  if (g->stopping || !fh_client_online(g->client)) return;
  pending = fh_client_pending(g->client);
  if (pending < INFLIGHT_MAX) gw_cache_flush(&g->cache, INFLIGHT_MAX - pending);
}

static int send_req(void *arg, const fh_request *r) {
  gw *g = arg;
  return fh_client_send(g->client, r, NULL, NULL);
}

/* A total lower than the one known: the PLC's counter was reset or wrapped
 * (the hub tells which and counts it); logged here as the machine's side. */
static void check_total(gw *g, const gw_update *u) {
  const gw_slot *s = &g->cache.slot[u->eq];
  int good = u->what == GW_UP_GOOD;
  uint64_t old = good ? s->good : s->reject;
  if (!(good ? s->has_good : s->has_reject) || u->total >= old) return;
  say("%s: %s total went down (%llu after %llu): a counter reset or rollover",
      g->map->eq[u->eq].id, good ? "good" : "reject", (unsigned long long)u->total,
      (unsigned long long)old);
}

/* gw_sink: every mapped value into the cache. */
static void on_update(void *arg, const gw_update *u, size_t eq, const char *why) {
  gw *g = arg;
  if (u == NULL) {
    if (loud(++g->unusable)) say("%s: value not used: %s (%llu so far)", g->map->eq[eq].id,
                                 why, (unsigned long long)g->unusable);
    return;
  }
  if (u->unmapped && loud(++g->unmapped))
    say("%s: code '%s' is not in the map: state unknown (%llu so far)", g->map->eq[eq].id,
        u->code, (unsigned long long)g->unmapped);
  if (u->what != GW_UP_STATE) check_total(g, u);
  gw_cache_update(&g->cache, u, g->cur_ts);
}

static void spb_metric(void *arg, const char *group, const char *node, const char *device,
                       const char *name, size_t n, const gw_value *v, uint64_t ts) {
  gw *g = arg;
  g->cur_ts = (int64_t)ts;
  gw_map_metric(g->map, group, node, device, name, n, v, on_update, g);
}

static void spb_rebirth(void *arg, const char *group, const char *node) {
  gw *g = arg;
  char topic[2 * GW_SPB_ID_MAX + 32];
  uint8_t p[64];
  size_t n = gw_spb_rebirth_payload(p, sizeof p, (uint64_t)now_ms());
  int rc;
  snprintf(topic, sizeof topic, "spBv1.0/%s/NCMD/%s", group, node);
  if ((rc = gw_mqtt_publish(g->mqtt, topic, p, n, 0, 0)) != 0)
    say("cannot publish %s: %s", topic, strerror(-rc));
}

static void spb_dead(void *arg, const char *group, const char *node, const char *device) {
  gw *g = arg;
  g->cur_ts = now_ms();
  if (gw_map_dead(g->map, group, node, device, on_update, g) > 0)
    say("sparkplug %s/%s%s%s is gone: its equipment is unknown (no_signal)", group, node,
        device ? "/" : "", device ? device : "");
}

/* gw_log_fn of the Sparkplug host and the broker connection. */
static void mod_log(void *arg, const char *line) {
  (void)arg;
  say("%s", line);
}

/* {"online":B,"timestamp":T} into buf; its length. */
static size_t state_payload(char *buf, size_t cap, int online, long long ts) {
  int n = snprintf(buf, cap, "{\"online\":%s,\"timestamp\":%lld}", online ? "true" : "false",
                   ts);
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void mq_before_connect(gw_mqtt *m, void *arg) {
  gw *g = arg;
  char p[96];
  size_t n;
  g->state_ts = (long long)now_ms();
  n = state_payload(p, sizeof p, 0, g->state_ts);
  if (gw_mqtt_will(m, g->state_topic, p, n, 1, 1) != 0) say("cannot set the Will");
}

static void subscribe_all(gw *g) {
  const char *topics[TOPICS_MAX];
  size_t n = gw_map_topics(g->map, topics, TOPICS_MAX);
  int rc = gw_mqtt_subscribe(g->mqtt, "spBv1.0/#", 1);
  if (n > TOPICS_MAX) say("only the first %d of %zu topics are subscribed", TOPICS_MAX, n);
  for (size_t i = 0; rc == 0 && i < n && i < TOPICS_MAX; i++)
    rc = gw_mqtt_subscribe(g->mqtt, topics[i], 1);
  if (rc != 0) say("cannot subscribe: %s", strerror(-rc));
}

static void mq_on_connect(gw_mqtt *m, void *arg) {
  gw *g = arg;
  char p[96];
  size_t n = state_payload(p, sizeof p, 1, g->state_ts);
  int rc = gw_mqtt_publish(m, g->state_topic, p, n, 1, 1);
  if (rc != 0) say("cannot publish %s: %s", g->state_topic, strerror(-rc));
  subscribe_all(g);
}

static void mq_on_message(gw_mqtt *m, const char *topic, const uint8_t *p, size_t n,
                          void *arg) {
  gw *g = arg;
  size_t tn = strlen(topic);
  (void)m;
  if (tn >= 8 && memcmp(topic, "spBv1.0/", 8) == 0) {
    gw_spb_message(g->spb, topic, tn, p, n, (uint64_t)now_ms());
  } else {
    g->cur_ts = 0;
    gw_map_mqtt(g->map, topic, tn, p, n, on_update, g);
  }
  pump(g);
}

static void hub_on_state(fh_client *c, const fh_client_state *st, void *arg) {
  gw *g = arg;
  (void)c;
  if (!st->online) {
    say("hub offline: %s", st->reason);
    return;
  }
  say("hub online: sending the latest state and totals of %zu equipment", g->map->neq);
  gw_cache_mark_all(&g->cache);
  pump(g);
}

static void hub_on_reply(fh_client *c, const fh_client_req *req, const fh_event *ev,
                         void *arg) {
  gw *g = arg;
  (void)c;
  if (ev->type == FH_MSG_ERR && req->type != FH_MSG_SUB && loud(++g->refused))
    say("hub refused %s: %s: %.*s (%llu so far)", fh_msg_type_name(req->type),
        fh_err_code_name(ev->code), (int)ev->msg.n, ev->msg.p,
        (unsigned long long)g->refused);
  pump(g);
}

static void hub_on_log(fh_client *c, const char *line, void *arg) {
  (void)c, (void)arg;
  say("hub: %s", line);
}

/* Every STATS_EVERY_S: the Sparkplug counters, when they moved. */
static void log_stats(gw *g) {
  const gw_spb_stats *s = gw_spb_get_stats(g->spb);
  if (s->messages == g->stats_logged) return;
  g->stats_logged = s->messages;
  say("sparkplug: %llu messages, %llu refused, %llu seq gaps, %llu from unborn nodes, "
      "%llu rebirths asked, %llu stale NDEATHs, %llu unknown aliases; %llu values unused, "
      "%llu requests refused by the hub",
      (unsigned long long)s->messages, (unsigned long long)s->refused,
      (unsigned long long)s->gaps, (unsigned long long)s->unborn,
      (unsigned long long)s->rebirths, (unsigned long long)s->stale,
      (unsigned long long)s->unknown_alias, (unsigned long long)g->unusable,
      (unsigned long long)g->refused);
}

static void on_tick(uv_timer_t *t) {
  gw *g = t->data;
  pump(g);
  if (++g->ticks % STATS_EVERY_S == 0) log_stats(g);
}

/* SIGHUP: a new map, and a cache that keeps what it knew by equipment id. */
static void reload(gw *g) {
  char err[512];
  gw_map *m;
  gw_cache c;
  int rc = gw_map_load(g->o->map_file, &m, err, sizeof err);
  if (rc == 0 && (rc = gw_cache_init(&c, m, send_req, g)) != 0) gw_map_free(m);
  if (rc != 0) {
    say("SIGHUP: map kept: %s", rc == -ENOMEM ? "out of memory" : err);
    return;
  }
  for (size_t i = 0; i < m->neq; i++)
    for (size_t j = 0; j < g->map->neq; j++)
      if (strcmp(m->eq[i].id, g->map->eq[j].id) == 0) c.slot[i] = g->cache.slot[j];
  gw_cache_free(&g->cache);
  gw_map_free(g->map);
  g->cache = c;
  g->map = m;
  say("SIGHUP: map reloaded: %zu equipment", m->neq);
  if (gw_mqtt_connected(g->mqtt)) subscribe_all(g);
}

static void stop(gw *g) {
  char p[96];
  size_t n = state_payload(p, sizeof p, 0, g->state_ts);
  if (g->stopping) return;
  g->stopping = 1;
  log_stats(g);
  if (gw_mqtt_connected(g->mqtt)) gw_mqtt_publish(g->mqtt, g->state_topic, p, n, 1, 1);
  gw_mqtt_close(g->mqtt);
  fh_client_close(g->client);
  for (int i = 0; i < 3; i++) uv_close((uv_handle_t *)&g->sig[i], NULL);
  uv_close((uv_handle_t *)&g->tick, NULL);
}

static void on_signal(uv_signal_t *s, int signum) {
  gw *g = s->data;
  if (signum == SIGHUP) reload(g);
  else stop(g);
}

/* The three connections; 0 or the first error (what was made is closed by
 * the caller). */
static int start(gw *g, const char *client_id) {
  const gw_opts *o = g->o;
  char name[FH_NAME_MAX + 1];
  gw_spb_callbacks sc = {spb_metric, spb_rebirth, spb_dead, mod_log};
  gw_mqtt_opts mo = {.host = o->broker_host, .port = o->broker_port, .tls = o->broker_tls,
                     .client_id = client_id, .user = o->broker_user,
                     .password = o->broker_password, .ca_file = o->broker_ca,
                     .cert = o->broker_cert, .key = o->broker_key,
                     .on_before_connect = mq_before_connect, .on_connect = mq_on_connect,
                     .on_message = mq_on_message, .on_log = mod_log, .arg = g};
  fh_client_opts co = {.url = o->hub_url, .token = o->token, .name = name,
                       .ca_file = o->hub_ca,
                       .cb = {.on_state = hub_on_state, .on_reply = hub_on_reply,
                              .on_log = hub_on_log},
                       .arg = g};
  int rc;

  snprintf(name, sizeof name, "floorgw-%s", o->host_id);
  if ((rc = gw_spb_new(&g->spb, &sc, g)) != 0) return rc;
  if ((rc = gw_mqtt_new(&g->mqtt, &g->loop, &mo)) != 0) {
    say("broker options refused (TLS files?)");
    return rc;
  }
  if ((rc = fh_client_new(&g->client, &g->loop, &co)) != 0) {
    say("cannot create the hub client for %s: %s", o->hub_url, strerror(-rc));
    return rc;
  }
  if ((rc = fh_client_start(g->client)) != 0 || (rc = gw_mqtt_start(g->mqtt)) != 0) return rc;
  return 0;
}

static void watch_signals(gw *g) {
  const int nums[3] = {SIGINT, SIGTERM, SIGHUP};
  for (int i = 0; i < 3; i++) {
    uv_signal_init(&g->loop, &g->sig[i]);
    g->sig[i].data = g;
    uv_signal_start(&g->sig[i], on_signal, nums[i]);
  }
  uv_timer_init(&g->loop, &g->tick);
  g->tick.data = g;
  uv_timer_start(&g->tick, on_tick, 1000, 1000);
}

int gw_run(const gw_opts *o) {
  static gw g0;
  gw *g = &g0;
  char err[512], client_id[FH_NAME_MAX + 1];
  int rc;

  g->o = o;
  snprintf(g->state_topic, sizeof g->state_topic, "spBv1.0/STATE/%s", o->host_id);
  snprintf(client_id, sizeof client_id, "floorgw-%s", o->host_id);
  if ((rc = uv_loop_init(&g->loop)) != 0) return rc;
  if ((rc = gw_map_load(o->map_file, &g->map, err, sizeof err)) != 0) {
    say("%s", err);
    goto fail;
  }
  if ((rc = gw_cache_init(&g->cache, g->map, send_req, g)) != 0) goto fail;
  if ((rc = start(g, o->client_id ? o->client_id : client_id)) != 0) goto fail;
  watch_signals(g);
  say("mapping %zu equipment from %s:%d to %s, Sparkplug host id %s", g->map->neq,
      o->broker_host, o->broker_port, o->hub_url, o->host_id);
  uv_run(&g->loop, UV_RUN_DEFAULT);
fail:
  if (!g->stopping) {
    if (g->mqtt) gw_mqtt_close(g->mqtt);
    if (g->client) fh_client_close(g->client);
    uv_run(&g->loop, UV_RUN_DEFAULT);
  }
  uv_loop_close(&g->loop);
  gw_spb_free(g->spb);
  gw_cache_free(&g->cache);
  gw_map_free(g->map);
  return rc;
}
