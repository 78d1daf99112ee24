/* rx.c -- incoming messages: reassembly and the maps of one message.
 *
 * libwebsockets hands a message over in pieces (fragments of the sender, or
 * chunks of the rx buffer).  A message that arrives in one piece is decoded
 * in place; otherwise the pieces are collected in c->rx, which grows up to
 * the message cap (8 MiB by default) and is freed after the message.  A
 * message over the cap closes the connection with 1009 (the reconnect then
 * starts over with fresh snaps).  Text messages break the protocol and are
 * dropped.  Every map of a message is decoded and routed; a map that cannot
 * be framed ends the message, as PROTOCOL.md requires.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_int.h"

void fh__rx_reset(fh_client *c) { fh_buf_free(&c->rx); }

static void handle_message(fh_client *c, const uint8_t *msg, size_t len) {
  size_t off = 0;
  const uint8_t *map;
  size_t map_len;
  fh_decode_err err;
  fh_event ev;
  int rc;

  while (!c->closing && (rc = fh_frame_next(msg, len, &off, &map, &map_len, &err)) == 1) {
    if (fh_event_decode(map, map_len, &ev) != 0) {
      fh__client_log(c, "dropped a map that is not a hub message");
      continue;
    }
    fh__client_route(c, &ev);
  }
  if (rc < 0) fh__client_log(c, "dropped the rest of a message: %s", err.msg);
}

int fh__rx_fragment(fh_client *c, const uint8_t *in, size_t len, int first,
                int last, size_t remaining, int binary) {
  int done = last && remaining == 0;

  if (first && c->rx.len == 0 && !binary) {
    fh__client_log(c, "the hub sent a text message: closing");
    return 1003;
  }
  if (c->rx.len + len + remaining > c->msg_max) {
    fh__client_log(c, "a message over %zu bytes: closing", c->msg_max);
    return 1009;
  }
  if (c->rx.len == 0 && done) {
    handle_message(c, in, len); /* the common case: no copy */
    return 0;
  }
  if (fh_buf_append(&c->rx, in, len) != 0) return 1011;
  if (done) {
    /* handle_message may reach fh__client_lost() (which resets rx): detach it */
    fh_buf msg = c->rx;
    fh_buf_init(&c->rx, 0);
    handle_message(c, msg.data, msg.len);
    fh_buf_free(&msg);
  }
  return 0;
}
