/* mqtt.h -- notifications published to MQTT brokers with libmosquitto,
 * driven by a libuv loop.
 *
 * Design: one connection per mqtt channel, made when its first message is
 * due (mosquitto_connect_async: a non-blocking connect) and kept; its
 * socket is watched with a uv_poll_t (mosquitto_loop_read / _loop_write),
 * a 1 s uv timer runs mosquitto_loop_misc (keep-alive), reconnects after a
 * drop and fails publishes older than the channel's timeout_s.  A message
 * is published with QoS 1 to "<topic_prefix>/<event>/<line>" (line "plant"
 * for the shift report) and counts as delivered at the broker's PUBACK;
 * a drop before it fails the attempt (the sender retries with the same
 * event id: at least once).  mqtts:// verifies the broker's chain (the
 * channel's ca_file, else /etc/ssl/certs) and its host name, always; a
 * failed handshake reads "certificate verify failed (<OpenSSL's line>)".
 */
#ifndef FH_HUB_NOTIFY_MQTT_H
#define FH_HUB_NOTIFY_MQTT_H

#include <uv.h>

#include "deliver.h"
#include "notify_rules.h"

typedef struct mqtt_pool mqtt_pool;

/* 0, -ENOMEM. */
int mqtt_pool_new(mqtt_pool **out, uv_loop_t *loop);
/* New settings: connections of channels that changed or went away are
 * closed (their publishes fail). */
void mqtt_pool_set_cfg(mqtt_pool *p, const notify_cfg *cfg);
/* Publishes e on channel ch; done as in deliver.h. */
int mqtt_start(mqtt_pool *p, const notify_channel *ch, const notify_entry *e,
               const char *note, deliver_done done, void *arg);
/* Closes every connection (no callbacks); frees p once its handles
 * closed. */
void mqtt_pool_close(mqtt_pool *p);

#endif
