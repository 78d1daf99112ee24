/* gw_mqtt.c -- libmosquitto on a libuv loop (gw_mqtt.h).
 *
 * Design: mosquitto_connect_async() starts a non-blocking TCP connect and
 * queues CONNECT, which the writable poll sends once the socket is up (the
 * host name lookup is still synchronous: use an address or a local name).
 * Three handles: `poll` on the socket of the current connection
 * (initialised per connection, closed when it is lost), `misc` (1 s, for
 * mosquitto_loop_misc) and `retry` (the reconnect backoff).  A lost
 * connection is noticed by a failing loop call; mosquitto has closed the
 * socket by then, so the poll is stopped and closed at once, before the
 * descriptor number can be reused.  The struct is freed when the last of
 * the three handles has been closed.
 */
#include "gw_mqtt.h"

#include <errno.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gw_mqtt {
  uv_loop_t *loop;          /* the caller's loop */
  struct mosquitto *mosq;   /* the libmosquitto client */
  gw_mqtt_opts o;           /* the caller's options */
  uv_poll_t poll;           /* the socket of the current connection */
  int poll_open;            /* poll is initialised and not yet closed */
  uv_timer_t misc;          /* mosquitto_loop_misc every second */
  uv_timer_t retry;         /* reconnect backoff */
  uint32_t backoff_ms;      /* the next reconnect delay */
  int connected;            /* CONNACK accepted, not lost since */
  int closing;              /* gw_mqtt_close was called */
  int open_handles;         /* handles not yet closed (misc, retry, poll) */
};


static void on_handle_closed(uv_handle_t *h) {
  gw_mqtt *m = h->data;
  if (h == (uv_handle_t *)&m->poll) m->poll_open = 0;
  if (--m->open_handles == 0 && m->closing) {
    mosquitto_destroy(m->mosq);
    free(m);
  }
}

static void close_poll(gw_mqtt *m) {
  if (!m->poll_open || uv_is_closing((uv_handle_t *)&m->poll)) return;
  uv_poll_stop(&m->poll);
  uv_close((uv_handle_t *)&m->poll, on_handle_closed);
}

static void connect_now(gw_mqtt *m);

static void on_retry(uv_timer_t *t) { connect_now(t->data); }

static void schedule_retry(gw_mqtt *m) {
  if (m->closing) return;
  uv_timer_start(&m->retry, on_retry, m->backoff_ms, 0);
  m->backoff_ms = m->backoff_ms * 2 > GW_MQTT_BACKOFF_MAX_MS ? GW_MQTT_BACKOFF_MAX_MS
                                                               : m->backoff_ms * 2;
}

/* The connection failed or is gone: drop it and try again later. */
static void lost(gw_mqtt *m, int rc) {
  if (m->connected || m->poll_open)
    gw_logf(m->o.on_log, m->o.arg, "mqtt: connection to %s:%d lost: %s", m->o.host, m->o.port,
          mosquitto_strerror(rc));
  m->connected = 0;
  close_poll(m);
  schedule_retry(m);
}

static void on_poll(uv_poll_t *p, int status, int events);

/* Watches the socket for what mosquitto needs now. */
static void arm(gw_mqtt *m) {
  int ev = UV_READABLE | (mosquitto_want_write(m->mosq) ? UV_WRITABLE : 0);
  if (m->poll_open && !uv_is_closing((uv_handle_t *)&m->poll))
    uv_poll_start(&m->poll, ev, on_poll);
}

static void on_poll(uv_poll_t *p, int status, int events) {
  gw_mqtt *m = p->data;
  int rc = MOSQ_ERR_SUCCESS;
  if (status < 0) rc = MOSQ_ERR_CONN_LOST;
  if (rc == MOSQ_ERR_SUCCESS && (events & UV_READABLE))
    rc = mosquitto_loop_read(m->mosq, 1);
  if (rc == MOSQ_ERR_SUCCESS && (events & UV_WRITABLE) && m->poll_open)
    rc = mosquitto_loop_write(m->mosq, 1);
  if (rc != MOSQ_ERR_SUCCESS) lost(m, rc);
  else arm(m);
}

static void on_misc(uv_timer_t *t) {
  gw_mqtt *m = t->data;
  if (!m->poll_open) return;
  if (mosquitto_loop_misc(m->mosq) != MOSQ_ERR_SUCCESS) lost(m, MOSQ_ERR_KEEPALIVE);
  else arm(m);
}

static void connect_now(gw_mqtt *m) {
  int rc, fd;
  if (m->closing) return;
  if (m->poll_open) { /* the last poll is still closing */
    schedule_retry(m);
    return;
  }
  if (m->o.on_before_connect) m->o.on_before_connect(m, m->o.arg);
  rc = mosquitto_connect_async(m->mosq, m->o.host, m->o.port, m->o.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS || (fd = mosquitto_socket(m->mosq)) < 0) {
    gw_logf(m->o.on_log, m->o.arg, "mqtt: cannot connect to %s:%d: %s", m->o.host, m->o.port,
          rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
    schedule_retry(m);
    return;
  }
  if (uv_poll_init_socket(m->loop, &m->poll, fd) != 0) {
    mosquitto_disconnect(m->mosq);
    schedule_retry(m);
    return;
  }
  m->poll.data = m;
  m->poll_open = 1;
  m->open_handles++;
  arm(m);
}

static void mq_on_connect(struct mosquitto *mosq, void *obj, int rc) {
  gw_mqtt *m = obj;
  (void)mosq;
  if (rc != 0) {
    gw_logf(m->o.on_log, m->o.arg, "mqtt: %s:%d refused us: %s", m->o.host, m->o.port,
          mosquitto_connack_string(rc));
    return; /* the broker closes; the read that sees it reconnects */
  }
  m->connected = 1;
  m->backoff_ms = GW_MQTT_BACKOFF_MIN_MS;
  gw_logf(m->o.on_log, m->o.arg, "mqtt: connected to %s:%d as %s", m->o.host, m->o.port, m->o.client_id);
  if (m->o.on_connect) m->o.on_connect(m, m->o.arg);
}

static void mq_on_message(struct mosquitto *mosq, void *obj,
                          const struct mosquitto_message *msg) {
  gw_mqtt *m = obj;
  (void)mosq;
  if (m->closing || msg->payloadlen < 0) return;
  if (m->o.on_message)
    m->o.on_message(m, msg->topic, msg->payload, (size_t)msg->payloadlen, m->o.arg);
}

static void mq_on_disconnect(struct mosquitto *mosq, void *obj, int rc) {
  gw_mqtt *m = obj;
  (void)mosq;
  (void)rc;
  m->connected = 0;
}

/* TLS and credentials; 0 or -EINVAL. */
static int configure(gw_mqtt *m) {
  const gw_mqtt_opts *o = &m->o;
  if ((o->user || o->password) &&
      mosquitto_username_pw_set(m->mosq, o->user, o->password) != MOSQ_ERR_SUCCESS)
    return -EINVAL;
  if (o->tls && mosquitto_tls_set(m->mosq, o->ca_file, o->ca_file ? NULL : "/etc/ssl/certs",
                                  o->cert, o->key, NULL) != MOSQ_ERR_SUCCESS)
    return -EINVAL;
  mosquitto_connect_callback_set(m->mosq, mq_on_connect);
  mosquitto_message_callback_set(m->mosq, mq_on_message);
  mosquitto_disconnect_callback_set(m->mosq, mq_on_disconnect);
  return 0;
}

int gw_mqtt_new(gw_mqtt **out, uv_loop_t *loop, const gw_mqtt_opts *o) {
  gw_mqtt *m;
  int rc = -ENOMEM;
  *out = NULL;
  if (o->host == NULL || o->client_id == NULL || o->port <= 0) return -EINVAL;
  if ((m = calloc(1, sizeof *m)) == NULL) return -ENOMEM;
  m->loop = loop;
  m->o = *o;
  if (m->o.keepalive_s <= 0) m->o.keepalive_s = 30;
  m->backoff_ms = GW_MQTT_BACKOFF_MIN_MS;
  if ((m->mosq = mosquitto_new(o->client_id, false, m)) == NULL) goto fail;
  if ((rc = configure(m)) != 0) goto fail;
  uv_timer_init(loop, &m->misc);
  uv_timer_init(loop, &m->retry);
  m->misc.data = m->retry.data = m;
  m->open_handles = 2;
  *out = m;
  return 0;
fail:
  if (m->mosq) mosquitto_destroy(m->mosq);
  free(m);
  return rc;
}

int gw_mqtt_start(gw_mqtt *m) {
  if (uv_is_active((uv_handle_t *)&m->misc)) return -EALREADY;
  uv_timer_start(&m->misc, on_misc, 1000, 1000);
  connect_now(m);
  return 0;
}

int gw_mqtt_will(gw_mqtt *m, const char *topic, const void *p, size_t n, int qos,
                 int retain) {
  int rc = mosquitto_will_set(m->mosq, topic, (int)n, p, qos, retain != 0);
  return rc == MOSQ_ERR_SUCCESS ? 0 : rc == MOSQ_ERR_NOMEM ? -ENOMEM : -EINVAL;
}

/* After a call that queued a packet: write now, or notice the loss. */
static int after_queue(gw_mqtt *m, int rc) {
  if (rc == MOSQ_ERR_NOMEM) return -ENOMEM;
  if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST) return -ENOTCONN;
  if (rc != MOSQ_ERR_SUCCESS) return -EINVAL;
  arm(m);
  return 0;
}

int gw_mqtt_publish(gw_mqtt *m, const char *topic, const void *p, size_t n, int qos,
                    int retain) {
  if (!m->connected || m->closing) return -ENOTCONN;
  return after_queue(m, mosquitto_publish(m->mosq, NULL, topic, (int)n, p, qos,
                                          retain != 0));
}

int gw_mqtt_subscribe(gw_mqtt *m, const char *filter, int qos) {
  if (!m->connected || m->closing) return -ENOTCONN;
  return after_queue(m, mosquitto_subscribe(m->mosq, NULL, filter, qos));
}

int gw_mqtt_connected(const gw_mqtt *m) { return m->connected; }

void gw_mqtt_close(gw_mqtt *m) {
  if (m == NULL || m->closing) return;
  m->closing = 1;
  if (m->poll_open) {
    mosquitto_loop_write(m->mosq, 1); /* what was just queued, if it can go */
    mosquitto_disconnect(m->mosq);
  }
  m->connected = 0;
  close_poll(m);
  uv_close((uv_handle_t *)&m->misc, on_handle_closed);
  uv_close((uv_handle_t *)&m->retry, on_handle_closed);
}
