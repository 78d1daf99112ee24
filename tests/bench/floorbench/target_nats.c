/* target_nats.c -- floorbench speaking the NATS client protocol over
 * WebSocket to nats-server (its `websocket` listener, no TLS).
 *
 *   <- INFO {...}                         (the server speaks first)
 *   -> CONNECT {"verbose":false,"pedantic":false,"echo":false,...}
 *   -> SUB line/L01 1 ... PING            <- PONG: subscribed (ready)
 *   -> PUB line/L01 128 / payload         (publisher: CONNECT, PING)
 *   <- MSG line/L01 1 128 / payload       <- PING  -> PONG
 *
 * Text lines end in CRLF; a MSG line is followed by its payload and CRLF.
 * The protocol is a byte stream: a WebSocket message may hold several
 * operations or part of one, so the rest is kept in conn.app, as for MQTT.
 * The PING after the SUBs is answered only once the server has handled
 * them, so its PONG is the subscriber's "snapshot held".  The payload is
 * the same 128 bytes mosquitto and node-ws get, starting with "t<ns> ".
 * Frames go out binary (nats-server takes both); with verbose off the
 * server sends no +OK, and -ERR counts as an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "wsc.h"

static const char connect_op[] =
    "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false,"
    "\"lang\":\"c\",\"version\":\"floorbench\",\"protocol\":1}\r\n";

static int nats_on_open(bench *b, conn *c) {
  char msg[4096];
  size_t o = sizeof connect_op - 1;

  memcpy(msg, connect_op, o);
  for (size_t i = 0; c->role == ROLE_SUB && i < c->ntopics && o + 48 < sizeof msg; i++) {
    char name[32];
    topic_name(c->topics[i], name, sizeof name);
    o += (size_t)snprintf(msg + o, sizeof msg - o, "SUB %s %zu\r\n", name, i + 1);
  }
  memcpy(msg + o, "PING\r\n", 6);
  return bench_send(b, c, WS_BINARY, msg, o + 6);
}

/* The payload size at the end of a MSG line ("MSG subj sid [reply] n"). */
static long msg_size(const char *line, size_t n) {
  size_t i = n;
  while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9') i--;
  return i == n ? -1 : strtol(line + i, NULL, 10);
}

/* One operation at p (n bytes available); returns the bytes it took, 0
 * when it is not complete yet. */
static size_t on_op(bench *b, conn *c, const char *p, size_t n) {
  const char *eol = memmem(p, n, "\r\n", 2);
  size_t len, need;
  uint64_t ts;
  long size;

  if (eol == NULL) return 0;
  len = (size_t)(eol - p);
  if (len >= 4 && !memcmp(p, "MSG ", 4)) {
    if ((size = msg_size(p, len)) < 0) {
      b->errors++;
      return len + 2;
    }
    need = len + 2 + (size_t)size + 2;
    if (need > n) return 0;
    if (parse_stamp(p + len + 2, (size_t)size, &ts) == 0) bench_delivery(b, ts);
    return need;
  }
  if (len == 4 && !memcmp(p, "PING", 4)) {
    if (bench_send(b, c, WS_BINARY, "PONG\r\n", 6) != 0) b->errors++;
  } else if (len == 4 && !memcmp(p, "PONG", 4)) {
    if (!c->ready) bench_conn_ready(b, c);
  } else if (len >= 4 && !memcmp(p, "-ERR", 4)) {
    fprintf(stderr, "floorbench: nats-server: %.*s\n", (int)len, p);
    b->errors++;
  } /* INFO, +OK: nothing to do */
  return len + 2;
}

/* Consumes the whole operations at p; returns the bytes used. */
static size_t parse_ops(bench *b, conn *c, const uint8_t *p, size_t n) {
  size_t off = 0, used;
  while (off < n && (used = on_op(b, c, (const char *)p + off, n - off)) > 0)
    off += used;
  return off;
}

static int nats_on_message(bench *b, conn *c, const uint8_t *p, size_t n) {
  return conn_stream(b, c, p, n, parse_ops);
}

static int nats_publish(bench *b, conn *c, uint32_t item, uint64_t ts) {
  char msg[256], name[32];
  int o;
  (void)item;
  topic_name(c->line, name, sizeof name);
  o = snprintf(msg, sizeof msg, "PUB %s %d\r\n", name, FB_PAYLOAD);
  o += (int)stamp_payload(msg + o, ts);
  memcpy(msg + o, "\r\n", 2);
  return bench_send(b, c, WS_BINARY, msg, (size_t)o + 2);
}

const target_ops target_nats = {
    .name = "nats-server",
    .path = "/",
    .subprotocol = NULL,
    .bearer = NULL,
    .on_open = nats_on_open,
    .on_message = nats_on_message,
    .publish = nats_publish,
};
