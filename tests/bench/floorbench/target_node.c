/* target_node.c -- floorbench speaking the JSON protocol of node-hub/hub.js.
 *
 *   -> {"t":"sub","topics":["line/L01",...]}     <- {"t":"ok",...}
 *   -> {"t":"pub","topic":"line/L01","data":"t<ns> xxx..."}
 *   <- {"t":"upd","topic":"line/L01","data":"t<ns> xxx..."}
 *
 * Text frames.  The data string is the 128-byte payload mosquitto gets.
 * A delivery is found by looking for "data":"t in the upd rather than by
 * parsing the JSON: the hub writes the key order itself and the meter must
 * stay cheaper than the server it measures.
 */
#include <stdio.h>
#include <string.h>

#include "fb.h"
#include "wsc.h"

static int node_on_open(bench *b, conn *c) {
  char msg[4096];
  size_t o;

  if (c->role != ROLE_SUB) {
    bench_conn_ready(b, c);
    return 0;
  }
  o = (size_t)snprintf(msg, sizeof msg, "{\"t\":\"sub\",\"topics\":[");
  for (size_t i = 0; i < c->ntopics && o + 40 < sizeof msg; i++) {
    char name[32];
    topic_name(c->topics[i], name, sizeof name);
    o += (size_t)snprintf(msg + o, sizeof msg - o, "%s\"%s\"", i ? "," : "", name);
  }
  o += (size_t)snprintf(msg + o, sizeof msg - o, "]}");
  return bench_send(b, c, WS_TEXT, msg, o);
}

static int node_on_message(bench *b, conn *c, const uint8_t *p, size_t n) {
  static const char upd[] = "{\"t\":\"upd\"", ok[] = "{\"t\":\"ok\"",
                    data[] = "\"data\":\"";
  const char *s = (const char *)p;
  uint64_t ts;

  if (n >= sizeof upd - 1 && memcmp(s, upd, sizeof upd - 1) == 0) {
    const char *d = memmem(s, n, data, sizeof data - 1);
    if (d != NULL) {
      d += sizeof data - 1;
      if (parse_stamp(d, n - (size_t)(d - s), &ts) == 0) bench_delivery(b, ts);
    }
  } else if (n >= sizeof ok - 1 && memcmp(s, ok, sizeof ok - 1) == 0) {
    bench_conn_ready(b, c);
  } else {
    b->errors++;
  }
  return 0;
}

static int node_publish(bench *b, conn *c, uint32_t item, uint64_t ts) {
  char msg[256], name[32], payload[FB_PAYLOAD];
  int n;
  (void)item;
  topic_name(c->line, name, sizeof name);
  stamp_payload(payload, ts);
  n = snprintf(msg, sizeof msg, "{\"t\":\"pub\",\"topic\":\"%s\",\"data\":\"%.*s\"}",
               name, FB_PAYLOAD, payload);
  return bench_send(b, c, WS_TEXT, msg, (size_t)n);
}

const target_ops target_node = {
    .name = "node-ws",
    .path = "/",
    .subprotocol = NULL,
    .bearer = NULL,
    .on_open = node_on_open,
    .on_message = node_on_message,
    .publish = node_publish,
};
