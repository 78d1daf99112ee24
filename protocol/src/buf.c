/* buf.c -- the growable output buffer of the encoders.
 *
 * Design: one allocation that only grows (doubling, from 256 bytes) and is
 * kept across fh_buf_reset(), so a connection that reuses its buffer stops
 * allocating once the buffer has reached the size of its largest message.
 * The first `head` bytes are reserved for the caller (libwebsockets writes
 * its frame header there, LWS_PRE); `len` counts them, so an empty buffer
 * has len == head and the payload is [data + head, data + len).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fh_protocol.h"

#define BUF_MIN_CAP 256

void fh_buf_init(fh_buf *b, size_t head) {
  b->data = NULL;
  b->len = head;
  b->cap = 0;
  b->head = head;
}

void fh_buf_reset(fh_buf *b) { b->len = b->head; }

void fh_buf_free(fh_buf *b) {
  free(b->data);
  fh_buf_init(b, b->head);
}

/* Grows the allocation to hold at least `need` bytes.  Returns 0 or -ENOMEM
 * (the buffer is unchanged). */
static int grow(fh_buf *b, size_t need) {
  size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) return -ENOMEM;
    cap *= 2;
  }
  uint8_t *data = realloc(b->data, cap);
  if (data == NULL) return -ENOMEM;
  if (b->data == NULL) memset(data, 0, b->head); /* the head is never read
                                                    by us, keep it defined */
  b->data = data;
  b->cap = cap;
  return 0;
}

int fh_buf_append(fh_buf *b, const void *p, size_t n) {
  if (n > SIZE_MAX - b->len) return -ENOMEM;
  if (b->len + n > b->cap) {
    int rc = grow(b, b->len + n);
    if (rc < 0) return rc;
  }
  if (n > 0) memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}
