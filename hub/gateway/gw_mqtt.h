/* gw_mqtt.h -- an MQTT client (libmosquitto) driven by a libuv loop.
 *
 * Design: libmosquitto runs without its own thread: its socket is watched
 * by a uv_poll_t (readable always, writable while mosquitto_want_write()),
 * whose callback calls mosquitto_loop_read()/_write(), and a one-second
 * uv_timer_t calls mosquitto_loop_misc() for keepalive pings.  Every call
 * that queues a packet re-arms the poll so it is written at once.  When the
 * connection fails or is lost, the poll is closed and a timer reconnects
 * with exponential backoff (250 ms doubling to 5 s); on_before_connect runs
 * before every attempt (floorgw sets its Will there) and on_connect after
 * every CONNACK that accepts us (subscribe and publish births there: a
 * persistent session keeps subscriptions, but a fresh broker does not).
 *
 * The session is persistent (clean_session false) under a stable client
 * id, so QoS 1 messages that arrive while floorgw is away are kept by the
 * broker.  Everything runs on the loop's thread.  Functions return 0 or a
 * negative errno code; when a call fails, none of its callbacks fire.
 */
#ifndef GW_MQTT_H
#define GW_MQTT_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "gw_log.h"

#define GW_MQTT_BACKOFF_MIN_MS 250   /* first reconnect delay */
#define GW_MQTT_BACKOFF_MAX_MS 5000  /* reconnect delay cap */

typedef struct gw_mqtt gw_mqtt;

typedef struct gw_mqtt_opts {
  const char *host;        /* broker host */
  int port;                /* broker port */
  int tls;                 /* 1 for mqtts:// */
  const char *client_id;   /* stable id of the persistent session */
  const char *user;        /* user name, NULL for none */
  const char *password;    /* password, NULL for none */
  const char *ca_file;     /* TLS: CA file, NULL for the system's */
  const char *cert;        /* TLS client certificate, NULL for none */
  const char *key;         /* ... and its key */
  int keepalive_s;         /* 0 = 30 */
  /* Before every connect attempt. */
  void (*on_before_connect)(gw_mqtt *m, void *arg);
  /* After every accepted CONNACK. */
  void (*on_connect)(gw_mqtt *m, void *arg);
  /* One message; topic NUL-terminated, payload valid during the call. */
  void (*on_message)(gw_mqtt *m, const char *topic, const uint8_t *p, size_t n,
                     void *arg);
  /* A diagnostic line (no password in it); may be NULL. */
  gw_log_fn on_log;
  void *arg;               /* passed to every callback */
} gw_mqtt_opts;

/* Creates the client (not connecting yet).  The strings are copied by
 * libmosquitto or kept by pointer for the client's life (host, client_id).
 * mosquitto_lib_init() must have been called.  0 and *out, -EINVAL (no
 * host or client id, TLS files refused), -ENOMEM. */
int gw_mqtt_new(gw_mqtt **out, uv_loop_t *loop, const gw_mqtt_opts *o);
/* Starts connecting (and reconnecting until gw_mqtt_close). */
int gw_mqtt_start(gw_mqtt *m);
/* Sets the Will of the next connect (call from on_before_connect). */
int gw_mqtt_will(gw_mqtt *m, const char *topic, const void *p, size_t n, int qos,
                 int retain);
/* Publishes; -ENOTCONN while not connected (nothing is queued then). */
int gw_mqtt_publish(gw_mqtt *m, const char *topic, const void *p, size_t n, int qos,
                    int retain);
/* Subscribes; -ENOTCONN while not connected. */
int gw_mqtt_subscribe(gw_mqtt *m, const char *filter, int qos);
/* 1 between an accepted CONNACK and the loss of the connection. */
int gw_mqtt_connected(const gw_mqtt *m);
/* Disconnects cleanly when connected (no Will then), stops, and frees once
 * the loop has run the close callbacks.  No callback fires after this. */
void gw_mqtt_close(gw_mqtt *m);

#endif /* GW_MQTT_H */
