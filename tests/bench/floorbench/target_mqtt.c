/* target_mqtt.c -- floorbench speaking MQTT 3.1.1 over WebSocket
 * (subprotocol "mqtt") to mosquitto.
 *
 * The few packets a QoS 0 benchmark needs are written by hand: CONNECT
 * (clean session, keep-alive 600 s: longer than any run, so no PINGREQ),
 * SUBSCRIBE (every topic of the connection in one packet, QoS 0) and
 * PUBLISH (QoS 0: no packet id, no acknowledgement).  CONNECT and
 * SUBSCRIBE are sent back to back; a subscriber is ready at its SUBACK, a
 * publisher at its CONNACK.
 *
 * MQTT is a byte stream: a WebSocket message may hold several packets or
 * part of one, so what is left over is kept in conn.app until the rest
 * arrives.  The payload is the same 128 bytes as node-ws gets, starting
 * with the send time "t<ns> ".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "wsc.h"

enum { CONNECT = 1, CONNACK = 2, PUBLISH = 3, SUBSCRIBE = 8, SUBACK = 9 };

/* Appends the remaining-length varint. */
static void put_len(uint8_t *out, size_t *o, size_t len) {
  do {
    uint8_t byte = len % 128;
    len /= 128;
    out[(*o)++] = (uint8_t)(len ? byte | 0x80 : byte);
  } while (len);
}

static void put_str(uint8_t *out, size_t *o, const char *s, size_t n) {
  out[(*o)++] = (uint8_t)(n >> 8);
  out[(*o)++] = (uint8_t)n;
  memcpy(out + *o, s, n);
  *o += n;
}

/* Writes fixed header + body (blen bytes at body) to the socket queue. */
static int send_packet(bench *b, conn *c, uint8_t type_flags,
                       const uint8_t *body, size_t blen) {
  uint8_t pkt[4096];
  size_t o = 0;
  if (blen + 5 > sizeof pkt) return -1;
  pkt[o++] = type_flags;
  put_len(pkt, &o, blen);
  memcpy(pkt + o, body, blen);
  return bench_send(b, c, WS_BINARY, pkt, o + blen);
}

static int mqtt_on_open(bench *b, conn *c) {
  uint8_t body[3072];
  char id[48];
  size_t o = 0;

  /* protocol name, level 4, clean session, keep-alive 600 s, client id */
  put_str(body, &o, "MQTT", 4);
  body[o++] = 4;
  body[o++] = 0x02;
  body[o++] = 600 >> 8;
  body[o++] = 600 & 0xff;
  snprintf(id, sizeof id, "fb-%d-%u", (int)getpid(), (unsigned)c->idx);
  put_str(body, &o, id, strlen(id));
  if (send_packet(b, c, CONNECT << 4, body, o) != 0) return -1;
  if (c->role != ROLE_SUB) return 0;
  o = 0;
  body[o++] = 0; /* packet id 1 */
  body[o++] = 1;
  for (size_t i = 0; i < c->ntopics; i++) {
    char name[32];
    topic_name(c->topics[i], name, sizeof name);
    put_str(body, &o, name, strlen(name));
    body[o++] = 0; /* QoS 0 */
  }
  return send_packet(b, c, SUBSCRIBE << 4 | 0x02, body, o);
}

/* One whole packet (header byte h, body of n bytes). */
static void on_packet(bench *b, conn *c, uint8_t h, const uint8_t *p, size_t n) {
  switch (h >> 4) {
    case CONNACK:
      if (n >= 2 && p[1] != 0) b->errors++;
      else if (c->role != ROLE_SUB) bench_conn_ready(b, c);
      break;
    case SUBACK:
      bench_conn_ready(b, c);
      break;
    case PUBLISH: {
      size_t tlen, off;
      uint64_t ts;
      if (n < 2) break;
      tlen = (size_t)p[0] << 8 | p[1];
      off = 2 + tlen + (((h >> 1) & 3) ? 2 : 0); /* packet id if QoS > 0 */
      if (off < n && parse_stamp((const char *)p + off, n - off, &ts) == 0)
        bench_delivery(b, ts);
      break;
    }
    default: break;
  }
}

/* Consumes the whole packets at p; returns the bytes used. */
static size_t parse_packets(bench *b, conn *c, const uint8_t *p, size_t n) {
  size_t off = 0;
  while (n - off >= 2) {
    size_t len = 0, i = 1;
    unsigned shift = 0;
    for (; i < 5 && off + i < n; i++, shift += 7) {
      len |= (size_t)(p[off + i] & 0x7f) << shift;
      if (!(p[off + i] & 0x80)) break;
    }
    if (off + i >= n || n - off - i - 1 < len) break; /* incomplete */
    on_packet(b, c, p[off], p + off + i + 1, len);
    off += i + 1 + len;
  }
  return off;
}

static int mqtt_on_message(bench *b, conn *c, const uint8_t *p, size_t n) {
  return conn_stream(b, c, p, n, parse_packets);
}

static int mqtt_publish(bench *b, conn *c, uint32_t item, uint64_t ts) {
  uint8_t body[256];
  char name[32];
  size_t o = 0;
  (void)item;
  topic_name(c->line, name, sizeof name);
  put_str(body, &o, name, strlen(name));
  o += stamp_payload((char *)body + o, ts);
  return send_packet(b, c, PUBLISH << 4, body, o);
}

const target_ops target_mqtt = {
    .name = "mosquitto",
    .path = "/mqtt",
    .subprotocol = "mqtt",
    .bearer = NULL,
    .on_open = mqtt_on_open,
    .on_message = mqtt_on_message,
    .publish = mqtt_publish,
};
