/* msg.h -- an encoded message shared by the sessions that send it.
 *
 * An update is encoded once per topic and every subscriber's queue holds a
 * reference to the same bytes.  The bytes are preceded by LWS_PRE bytes of
 * headroom so that lws_write() can put the frame header in front without a
 * copy.  Single-threaded: the count is a plain integer.  An update also
 * counts the send queues still holding it unwritten, and carries the
 * instants of its way through the hub until its last subscriber has it
 * (metrics.h).
 */
#ifndef FH_HUB_MSG_H
#define FH_HUB_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "metrics.h"

typedef struct msg {
  uint32_t refs;        /* holders: queues, replay rings */
  uint32_t len;         /* payload bytes (after the headroom) */
  fh_msg_type type;     /* what it is, for the metrics */
  uint32_t unsent;      /* send queues holding it not yet written */
  metrics_span span;    /* an update's instants; arrive_ns 0: none */
  uint8_t data[];       /* LWS_PRE headroom, then the payload */
} msg;

/* A message holding a copy of the payload of `b` (one reference).  NULL
 * when out of memory. */
msg *msg_new(const fh_buf *b, fh_msg_type type);
/* The payload. */
uint8_t *msg_payload(msg *m);
static inline msg *msg_ref(msg *m) { m->refs++; return m; }
void msg_unref(msg *m);

#endif
