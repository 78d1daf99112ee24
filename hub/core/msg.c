/* msg.c -- shared, reference-counted encoded messages. */
#include "msg.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

msg *msg_new(const fh_buf *b, fh_msg_type type) {
  size_t len = fh_buf_payload_len(b);
  msg *m = malloc(sizeof *m + LWS_PRE + len);

  if (m == NULL) return NULL;
  m->refs = 1;
  m->len = (uint32_t)len;
  m->type = type;
  m->unsent = 0;
  m->span = (metrics_span){0, 0, 0};
  memcpy(m->data + LWS_PRE, fh_buf_payload(b), len);
  return m;
}

uint8_t *msg_payload(msg *m) { return m->data + LWS_PRE; }

void msg_unref(msg *m) {
  if (m != NULL && --m->refs == 0) free(m);
}
