/* spb_encode.c -- Sparkplug B payloads onto the protobuf wire
 * (spb_encode.h).
 *
 * Design: a writer that either stores or only counts (buf NULL), and
 * remembers overflow instead of checking at every call; a metric is
 * written twice, counted first for its length prefix.
 */
#include "spb_encode.h"

#include <string.h>

typedef struct writer {
  uint8_t *buf;   /* NULL: count only */
  size_t cap;     /* bytes of buf */
  size_t len;     /* bytes written (or counted) */
  int full;       /* something did not fit */
} writer;

static void put(writer *w, const void *p, size_t n) {
  if (w->buf && (w->full || w->cap - w->len < n)) {
    w->full = 1;
    return;
  }
  if (w->buf) memcpy(w->buf + w->len, p, n);
  w->len += n;
}

static void varint(writer *w, uint64_t v) {
  uint8_t b[10];
  size_t n = 0;
  do {
    b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  put(w, b, n);
}

/* A tag: field number and wire type (0 varint, 1 fixed64, 2 bytes, 5
 * fixed32). */
static void tag(writer *w, unsigned field, unsigned wt) { varint(w, (uint64_t)field << 3 | wt); }

static void bytes_field(writer *w, unsigned field, const void *p, size_t n) {
  tag(w, field, 2);
  varint(w, n);
  put(w, p, n);
}

/* Little-endian fixed32 or fixed64 of v's low n bytes. */
static void fixed(writer *w, unsigned field, uint64_t v, size_t n) {
  uint8_t b[8];
  tag(w, field, n == 8 ? 1 : 5);
  for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
  put(w, b, n);
}

static void value(writer *w, const spb_metric *m) {
  float f;
  uint32_t f32;
  uint64_t d64;
  switch (m->kind) {
  case SPB_V_INT: tag(w, 10, 0), varint(w, (uint32_t)m->v.u); break;
  case SPB_V_LONG: tag(w, 11, 0), varint(w, m->v.u); break;
  case SPB_V_FLOAT:
    f = (float)m->v.d;
    memcpy(&f32, &f, 4);
    fixed(w, 12, f32, 4);
    break;
  case SPB_V_DOUBLE: memcpy(&d64, &m->v.d, 8), fixed(w, 13, d64, 8); break;
  case SPB_V_BOOL: tag(w, 14, 0), varint(w, m->v.u ? 1 : 0); break;
  case SPB_V_STRING: bytes_field(w, 15, m->v.s.p, m->v.s.n); break;
  default: break;
  }
}

static void metric_body(writer *w, const spb_metric *m) {
  if (m->name) bytes_field(w, 1, m->name, m->name_n);
  if (m->has_alias) tag(w, 2, 0), varint(w, m->alias);
  if (m->timestamp) tag(w, 3, 0), varint(w, m->timestamp);
  if (m->datatype) tag(w, 4, 0), varint(w, m->datatype);
  if (m->is_null) tag(w, 7, 0), varint(w, 1);
  else value(w, m);
}

size_t spb_encode(const spb_payload *p, uint8_t *buf, size_t cap) {
  writer w = {buf, cap, 0, 0};
  if (buf == NULL) return 0;
  if (p->has_timestamp) tag(&w, 1, 0), varint(&w, p->timestamp);
  for (size_t i = 0; i < p->nmetrics; i++) {
    writer count = {NULL, 0, 0, 0};
    metric_body(&count, &p->metrics[i]);
    tag(&w, 2, 2);
    varint(&w, count.len);
    metric_body(&w, &p->metrics[i]);
  }
  if (p->has_seq) tag(&w, 3, 0), varint(&w, p->seq);
  return w.full ? 0 : w.len;
}
