/* mp_cursor.c -- the bounded msgpack readers of fh_mp_cursor.
 *
 * Design: each reader parses the header at the cursor with fh__mp_head_parse()
 * (which has already checked every count against the bytes left), checks the
 * kind, stores the value and only then advances, so a failed read leaves the
 * cursor where it was.  fh_mp_skip() is iterative: it keeps a count of values
 * still to skip instead of recursing, and since every pending value needs at
 * least one byte it fails as soon as that count exceeds the bytes left.
 */
#include <string.h>

#include "mp_head.h"

/* Parses the header at the cursor and checks its kind. */
static int expect(const fh_mp_cursor *c, fh_mp_kind kind, mp_head *h) {
  if (fh__mp_head_parse(c->p, c->end, h) < 0) return -1;
  return h->kind == kind ? 0 : -1;
}

static void advance(fh_mp_cursor *c, const mp_head *h) {
  c->p += fh__mp_head_span(h);
}

fh_mp_kind fh_mp_peek(const fh_mp_cursor *c) {
  mp_head h;
  if (fh__mp_head_parse(c->p, c->end, &h) < 0) return FH_MP_INVALID;
  return h.kind;
}

int fh_mp_read_nil(fh_mp_cursor *c) {
  mp_head h;
  if (expect(c, FH_MP_NIL, &h) < 0) return -1;
  advance(c, &h);
  return 0;
}

int fh_mp_read_bool(fh_mp_cursor *c, int *v) {
  mp_head h;
  if (expect(c, FH_MP_BOOL, &h) < 0) return -1;
  *v = (int)h.u;
  advance(c, &h);
  return 0;
}

int fh_mp_read_uint(fh_mp_cursor *c, uint64_t *v) {
  mp_head h;
  if (fh__mp_head_parse(c->p, c->end, &h) < 0) return -1;
  if (h.kind == FH_MP_UINT)
    *v = h.u;
  else if (h.kind == FH_MP_INT && h.i >= 0)
    *v = (uint64_t)h.i;
  else
    return -1;
  advance(c, &h);
  return 0;
}

int fh_mp_read_int(fh_mp_cursor *c, int64_t *v) {
  mp_head h;
  if (fh__mp_head_parse(c->p, c->end, &h) < 0) return -1;
  if (h.kind == FH_MP_INT)
    *v = h.i;
  else if (h.kind == FH_MP_UINT && h.u <= (uint64_t)INT64_MAX)
    *v = (int64_t)h.u;
  else
    return -1;
  advance(c, &h);
  return 0;
}

int fh_mp_read_double(fh_mp_cursor *c, double *v) {
  mp_head h;
  if (fh__mp_head_parse(c->p, c->end, &h) < 0) return -1;
  if (h.kind == FH_MP_FLOAT)
    *v = h.d;
  else if (h.kind == FH_MP_UINT)
    *v = (double)h.u;
  else if (h.kind == FH_MP_INT)
    *v = (double)h.i;
  else
    return -1;
  advance(c, &h);
  return 0;
}

int fh_mp_read_str(fh_mp_cursor *c, fh_strv *v) {
  mp_head h;
  if (expect(c, FH_MP_STR, &h) < 0) return -1;
  v->p = (const char *)c->p + h.hdr;
  v->n = (size_t)h.len;
  advance(c, &h);
  return 0;
}

int fh_mp_read_map(fh_mp_cursor *c, uint32_t *n) {
  mp_head h;
  if (expect(c, FH_MP_MAP, &h) < 0) return -1;
  *n = (uint32_t)h.len;
  advance(c, &h);
  return 0;
}

int fh_mp_read_array(fh_mp_cursor *c, uint32_t *n) {
  mp_head h;
  if (expect(c, FH_MP_ARRAY, &h) < 0) return -1;
  *n = (uint32_t)h.len;
  advance(c, &h);
  return 0;
}

int fh_mp_skip(fh_mp_cursor *c) {
  const uint8_t *p = c->p;
  uint64_t pending = 1;
  while (pending > 0) {
    mp_head h;
    if (fh__mp_head_parse(p, c->end, &h) < 0) return -1;
    pending--;
    if (h.kind == FH_MP_ARRAY) pending += h.len;
    if (h.kind == FH_MP_MAP) pending += 2 * h.len;
    p += fh__mp_head_span(&h);
    if (pending > (uint64_t)(c->end - p)) return -1;
  }
  c->p = p;
  return 0;
}

int fh_mp_read_strcpy(fh_mp_cursor *c, char *dst, size_t cap) {
  mp_head h;
  if (fh__mp_head_parse(c->p, c->end, &h) < 0 || cap == 0) return -1;
  if (h.kind == FH_MP_NIL) {
    dst[0] = '\0';
    advance(c, &h);
    return 0;
  }
  if (h.kind != FH_MP_STR || h.len >= cap) return -1;
  const uint8_t *s = c->p + h.hdr;
  if (memchr(s, '\0', (size_t)h.len) != NULL) return -1; /* not a C string */
  memcpy(dst, s, (size_t)h.len);
  dst[h.len] = '\0';
  advance(c, &h);
  return 0;
}
