/* mqtt.c -- MQTT publishing on the loop (see mqtt.h).
 *
 * A connection (`conn`) holds its publishes: those waiting for the
 * connection (mid 0) and those sent and waiting for their PUBACK.  Every
 * way a publish can end goes through finish(), which unlinks it and calls
 * the sender once.  The uv_poll_t of a socket is allocated on its own so
 * a socket that changes (a reconnect) can be closed while the new one is
 * watched.
 */
#include "mqtt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "body.h"

typedef struct pub {
  struct pub *next;        /* the connection's publishes */
  int mid;                 /* message id once sent, 0 before */
  uint64_t deadline;       /* uv_now() ms: fail after */
  char *topic, *payload;   /* what to publish (malloc'ed) */
  deliver_done done;       /* the sender's callback */
  void *arg;               /* its argument */
  const char *failed;      /* failed inside mqtt_start: reported by the
                              timer with this reason (static, or the
                              connection's why) */
} pub;

typedef struct conn {
  struct conn *next;       /* the pool's connections */
  struct mqtt_pool *p;     /* owner */
  char id[FH_ID_MAX + 1];  /* channel id */
  char url[NOTIFY_URL_MAX + 1]; /* its url when made */
  char ca_file[NOTIFY_PATH_MAX + 1]; /* its ca_file when made */
  char tls_err[160];       /* libmosquitto's last TLS error line */
  char why[200];           /* the reason of the last drop (why_of's) */
  struct mosquitto *m;     /* the client */
  uv_poll_t *poll;         /* watches fd, NULL when none */
  int fd;                  /* the socket watched, -1 none */
  int connected;           /* CONNACK seen */
  int connecting;          /* a connect is under way */
  int tls_ready;           /* set_tls done (once: libmosquitto 2.0.11's
                              mosquitto_tls_opts_set leaks when repeated) */
  uint64_t connect_deadline; /* give it up after */
  uint32_t timeout_s;      /* the channel's */
  pub *pubs;               /* publishes of this connection */
} conn;

struct mqtt_pool {
  uv_loop_t *loop;         /* the loop */
  uv_timer_t timer;        /* 1 s: loop_misc, timeouts, reconnects */
  conn *conns;             /* one per mqtt channel used */
  size_t open;             /* handles not yet closed */
  int closing;             /* mqtt_pool_close was called */
  int in_start;            /* inside mqtt_start: no callback may fire */
};

static void handle_closed(uv_handle_t *h) {
  mqtt_pool *p = h->data;
  if (h != (uv_handle_t *)&p->timer) free(h);
  if (--p->open == 0 && p->closing) free(p);
}

static void finish(conn *c, pub *u, int ok, const char *why) {
  if (c->p->in_start) { /* a callback never fires inside the call */
    u->failed = why;
    u->deadline = 0;
    return;
  }
  for (pub **pp = &c->pubs; *pp != NULL; pp = &(*pp)->next)
    if (*pp == u) {
      *pp = u->next;
      break;
    }
  free(u->topic);
  free(u->payload);
  if (u->done != NULL) u->done(u->arg, ok, why);
  free(u);
}

static void fail_all(conn *c, const char *why) {
  for (pub *u = c->pubs, *nx; u != NULL; u = nx) {
    nx = u->next;
    finish(c, u, 0, why);
  }
}

static void on_poll(uv_poll_t *h, int status, int events);

/* Watches the client's current socket for what it needs. */
static void watch(conn *c) {
  int fd = mosquitto_socket(c->m);
  if (fd != c->fd && c->poll != NULL) {
    uv_poll_stop(c->poll);
    uv_close((uv_handle_t *)c->poll, handle_closed);
    c->poll = NULL;
  }
  c->fd = fd;
  if (fd < 0) return;
  if (c->poll == NULL) {
    if ((c->poll = malloc(sizeof *c->poll)) == NULL) return;
    if (uv_poll_init_socket(c->p->loop, c->poll, fd) != 0) {
      free(c->poll);
      c->poll = NULL;
      return;
    }
    c->poll->data = c->p;
    c->p->open++;
  }
  uv_poll_start(c->poll, UV_READABLE | (mosquitto_want_write(c->m) ? UV_WRITABLE : 0),
                on_poll);
}

static void send_waiting(conn *c) {
  for (pub *u = c->pubs, *nx; u != NULL; u = nx) {
    int rc;
    nx = u->next;
    if (u->mid != 0) continue;
    rc = mosquitto_publish(c->m, &u->mid, u->topic, (int)strlen(u->payload),
                           u->payload, 1, false);
    if (rc != MOSQ_ERR_SUCCESS) finish(c, u, 0, mosquitto_strerror(rc));
  }
}

static conn *conn_of_poll(mqtt_pool *p, uv_poll_t *h) {
  for (conn *c = p->conns; c != NULL; c = c->next)
    if (c->poll == h) return c;
  return NULL;
}

static void dropped(conn *c, const char *why) {
  c->connected = c->connecting = 0;
  fail_all(c, why);
}

/* Why rc ended the connection: a TLS error with OpenSSL's line
 * ("certificate verify failed (... certificate verify failed)"). */
static const char *why_of(conn *c, int rc) {
  if (rc != MOSQ_ERR_TLS || c->tls_err[0] == '\0') return mosquitto_strerror(rc);
  snprintf(c->why, sizeof c->why, "%s (%s)",
           strstr(c->tls_err, "certificate verify failed") ? "certificate verify failed"
                                                            : mosquitto_strerror(rc),
           c->tls_err);
  return c->why;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  conn *c = conn_of_poll(h->data, h);
  int rc = MOSQ_ERR_SUCCESS;
  if (c == NULL) return;
  if (status < 0 || (events & UV_READABLE)) rc = mosquitto_loop_read(c->m, 1);
  if (rc == MOSQ_ERR_SUCCESS && (events & UV_WRITABLE))
    rc = mosquitto_loop_write(c->m, 1);
  if (rc != MOSQ_ERR_SUCCESS) dropped(c, why_of(c, rc));
  watch(c);
}

/* Keeps libmosquitto's first TLS error line of a connection attempt: the
 * only place it says why a handshake failed (OpenSSL's "certificate
 * verify failed"); later ones ("shutdown while in init") are its echo. */
static void on_log(struct mosquitto *m, void *obj, int level, const char *str) {
  conn *c = obj;
  (void)m;
  if ((level & MOSQ_LOG_ERR) && c->tls_err[0] == '\0' && strstr(str, "SSL") != NULL)
    snprintf(c->tls_err, sizeof c->tls_err, "%s", str);
}

static void on_connect(struct mosquitto *m, void *obj, int rc) {
  conn *c = obj;
  (void)m;
  c->connecting = 0;
  if (rc != 0) {
    dropped(c, mosquitto_connack_string(rc));
    return;
  }
  c->connected = 1;
  send_waiting(c);
  watch(c);
}

static void on_publish(struct mosquitto *m, void *obj, int mid) {
  conn *c = obj;
  (void)m;
  for (pub *u = c->pubs; u != NULL; u = u->next)
    if (u->mid == mid) {
      finish(c, u, 1, "");
      return;
    }
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc) {
  conn *c = obj;
  (void)m;
  (void)rc;
  dropped(c, c->tls_err[0] ? why_of(c, MOSQ_ERR_TLS) : "disconnected from the broker");
}

/* host and port of "mqtt[s]://host[:port][/...]"; -EINVAL when bad. */
static int parse_url(const char *url, char *host, size_t cap, int *port, int *tls) {
  const char *h = strstr(url, "://"), *end, *colon;
  size_t n;
  if (h == NULL) return -EINVAL;
  *tls = !strncmp(url, "mqtts", 5);
  h += 3;
  end = h + strcspn(h, "/");
  colon = memchr(h, ':', (size_t)(end - h));
  n = (size_t)((colon ? colon : end) - h);
  if (n == 0 || n >= cap) return -EINVAL;
  memcpy(host, h, n);
  host[n] = '\0';
  *port = colon ? atoi(colon + 1) : (*tls ? 8883 : 1883);
  return *port > 0 && *port < 65536 ? 0 : -EINVAL;
}

/* TLS that verifies the broker's chain (ca_file, else the system's CAs)
 * and its host name. */
static int set_tls(conn *c) {
  int rc;
  if (c->tls_ready) return MOSQ_ERR_SUCCESS;
  rc = c->ca_file[0]
               ? mosquitto_tls_set(c->m, c->ca_file, NULL, NULL, NULL, NULL)
               : mosquitto_tls_set(c->m, NULL, "/etc/ssl/certs", NULL, NULL, NULL);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_opts_set(c->m, 1, NULL, NULL);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_insecure_set(c->m, false);
  c->tls_ready = rc == MOSQ_ERR_SUCCESS;
  return rc;
}

static void try_connect(conn *c) {
  char host[256];
  int port, tls, rc;
  if (parse_url(c->url, host, sizeof host, &port, &tls) != 0) {
    fail_all(c, "bad broker URL");
    return;
  }
  if (tls && (rc = set_tls(c)) != MOSQ_ERR_SUCCESS) {
    fail_all(c, mosquitto_strerror(rc));
    return;
  }
  c->tls_err[0] = '\0';
  c->connecting = 1;
  c->connect_deadline = uv_now(c->p->loop) + (uint64_t)c->timeout_s * 1000;
  rc = mosquitto_connect_async(c->m, host, port, 30); /* may run a handshake */
  if (rc != MOSQ_ERR_SUCCESS) {
    dropped(c, why_of(c, rc));
    return;
  }
  watch(c);
}

static void on_timer(uv_timer_t *t) {
  mqtt_pool *p = t->data;
  uint64_t now = uv_now(p->loop);
  for (conn *c = p->conns; c != NULL; c = c->next) {
    if (c->connected) mosquitto_loop_misc(c->m);
    for (pub *u = c->pubs, *nx; u != NULL; u = nx) {
      nx = u->next;
      if (now >= u->deadline)
        finish(c, u, 0, u->failed ? u->failed : "no PUBACK within timeout_s");
    }
    if (c->connecting && now >= c->connect_deadline) {
      c->connecting = 0;
      mosquitto_disconnect(c->m);
    }
    if (!c->connected && !c->connecting && c->pubs != NULL) try_connect(c);
    watch(c);
  }
}

static conn *conn_for(mqtt_pool *p, const notify_channel *ch) {
  conn *c;
  for (c = p->conns; c != NULL; c = c->next)
    if (!strcmp(c->id, ch->id)) return c;
  if ((c = calloc(1, sizeof *c)) == NULL) return NULL;
  c->m = mosquitto_new(NULL, true, c);
  if (c->m == NULL) {
    free(c);
    return NULL;
  }
  c->p = p;
  c->fd = -1;
  snprintf(c->id, sizeof c->id, "%s", ch->id);
  snprintf(c->url, sizeof c->url, "%s", ch->url);
  snprintf(c->ca_file, sizeof c->ca_file, "%s", ch->ca_file);
  c->timeout_s = ch->timeout_s;
  mosquitto_connect_callback_set(c->m, on_connect);
  mosquitto_publish_callback_set(c->m, on_publish);
  mosquitto_disconnect_callback_set(c->m, on_disconnect);
  mosquitto_log_callback_set(c->m, on_log);
  c->next = p->conns;
  p->conns = c;
  return c;
}

int mqtt_start(mqtt_pool *p, const notify_channel *ch, const notify_entry *e,
               const char *note, deliver_done done, void *arg) {
  conn *c = conn_for(p, ch);
  pub *u = c ? calloc(1, sizeof *u) : NULL;
  size_t tlen = strlen(ch->topic_prefix) + 64 + FH_ID_MAX;

  if (u == NULL) return -ENOMEM;
  u->payload = body_webhook(e, NOTIFY_FMT_JSON, note);
  u->topic = malloc(tlen);
  if (u->payload == NULL || u->topic == NULL) {
    free(u->payload);
    free(u->topic);
    free(u);
    return -ENOMEM;
  }
  snprintf(u->topic, tlen, "%s/%s/%s", ch->topic_prefix, notify_on_name(e->on),
           e->has_andon ? e->andon.line : "plant");
  u->deadline = uv_now(p->loop) + (uint64_t)ch->timeout_s * 1000;
  u->next = c->pubs;
  c->pubs = u;
  u->done = done;
  u->arg = arg;
  p->in_start = 1;
  if (c->connected) send_waiting(c);
  else if (!c->connecting) try_connect(c);
  watch(c);
  p->in_start = 0;
  return 0;
}

int mqtt_pool_new(mqtt_pool **out, uv_loop_t *loop) {
  mqtt_pool *p = calloc(1, sizeof *p);
  *out = NULL;
  if (p == NULL) return -ENOMEM;
  mosquitto_lib_init();
  p->loop = loop;
  uv_timer_init(loop, &p->timer);
  p->timer.data = p;
  p->open = 1;
  uv_timer_start(&p->timer, on_timer, 1000, 1000);
  *out = p;
  return 0;
}

static void conn_free(conn *c) {
  for (pub *u = c->pubs, *nx; u != NULL; u = nx) {
    nx = u->next;
    free(u->topic);
    free(u->payload);
    free(u);
  }
  if (c->poll != NULL) {
    uv_poll_stop(c->poll);
    uv_close((uv_handle_t *)c->poll, handle_closed);
  }
  mosquitto_destroy(c->m);
  free(c);
}

void mqtt_pool_set_cfg(mqtt_pool *p, const notify_cfg *cfg) {
  for (conn **cp = &p->conns; *cp != NULL;) {
    conn *c = *cp;
    int i = 0;
    while ((size_t)i < cfg->nchannels && strcmp(cfg->channels[i].id, c->id)) i++;
    if ((size_t)i < cfg->nchannels && cfg->channels[i].type == NOTIFY_MQTT &&
        !strcmp(cfg->channels[i].url, c->url) &&
        !strcmp(cfg->channels[i].ca_file, c->ca_file)) {
      c->timeout_s = cfg->channels[i].timeout_s;
      cp = &c->next;
      continue;
    }
    *cp = c->next;
    fail_all(c, "the channel changed");
    conn_free(c);
  }
}

void mqtt_pool_close(mqtt_pool *p) {
  if (p == NULL) return;
  p->closing = 1;
  while (p->conns != NULL) {
    conn *c = p->conns;
    p->conns = c->next;
    conn_free(c);
  }
  uv_timer_stop(&p->timer);
  uv_close((uv_handle_t *)&p->timer, handle_closed);
  mosquitto_lib_cleanup();
}
