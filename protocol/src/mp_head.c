/* mp_head.c -- the one msgpack header parser (see mp_head.h).
 *
 * Design: fixed formats are handled first, the rest by a switch that only
 * says how many bytes follow the type byte and what they mean; every length
 * is checked against the bytes left before it is stored, in 64-bit
 * arithmetic so that no sum can wrap.
 */
#include <string.h>

#include "mp_head.h"

/* Big-endian unsigned integer of n bytes (1, 2, 4 or 8). */
static uint64_t load_be(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned k = 0; k < n; k++) v = (v << 8) | p[k];
  return v;
}

/* Sign-extends the n-byte two's complement value v. */
static int64_t sign_extend(uint64_t v, unsigned n) {
  switch (n) {
  case 1: return (int8_t)(uint8_t)v;
  case 2: return (int16_t)(uint16_t)v;
  case 4: return (int32_t)(uint32_t)v;
  default: return (int64_t)v;
  }
}

/* Reads the n bytes after the type byte into *v and sets the header size.
 * Returns -1 when they are not all there. */
static int load_field(const uint8_t *p, size_t left, unsigned n, mp_head *h,
                      uint64_t *v) {
  if ((size_t)n + 1 > left) return -1;
  *v = load_be(p + 1, n);
  h->hdr = n + 1;
  return 0;
}

/* A str/bin/ext of `len` payload bytes after the header. */
static int with_payload(mp_head *h, fh_mp_kind kind, uint64_t len,
                        size_t left) {
  h->kind = kind;
  h->len = len;
  return (uint64_t)h->hdr + len <= left ? 0 : -1;
}

/* An array of n values or a map of n pairs: each value takes a byte. */
static int container(mp_head *h, fh_mp_kind kind, uint64_t n, size_t left) {
  uint64_t need = kind == FH_MP_MAP ? 2 * n : n;
  h->kind = kind;
  h->len = n;
  return (uint64_t)h->hdr + need <= left ? 0 : -1;
}

/* A scalar whose value follows in n bytes. */
static int scalar(const uint8_t *p, size_t left, uint8_t c, mp_head *h) {
  uint64_t v;
  if (c == 0xca || c == 0xcb) {
    unsigned n = c == 0xca ? 4 : 8;
    if (load_field(p, left, n, h, &v) < 0) return -1;
    if (n == 4) {
      uint32_t bits = (uint32_t)v;
      float f;
      memcpy(&f, &bits, sizeof f);
      h->d = f;
    } else {
      memcpy(&h->d, &v, sizeof h->d);
    }
    h->kind = FH_MP_FLOAT;
    return 0;
  }
  if (c >= 0xcc && c <= 0xcf) {
    if (load_field(p, left, 1u << (c - 0xcc), h, &v) < 0) return -1;
    h->kind = FH_MP_UINT;
    h->u = v;
    return 0;
  }
  /* 0xd0..0xd3 */
  unsigned n = 1u << (c - 0xd0);
  if (load_field(p, left, n, h, &v) < 0) return -1;
  h->kind = FH_MP_INT;
  h->i = sign_extend(v, n);
  return 0;
}

/* The formats with a type byte in 0xc0..0xdf. */
static int typed(const uint8_t *p, size_t left, uint8_t c, mp_head *h) {
  uint64_t v;
  if (c == 0xc0) {
    h->kind = FH_MP_NIL;
    return 0;
  }
  if (c == 0xc2 || c == 0xc3) {
    h->kind = FH_MP_BOOL;
    h->u = c & 1;
    return 0;
  }
  if (c >= 0xc4 && c <= 0xc6) { /* bin 8/16/32 */
    if (load_field(p, left, 1u << (c - 0xc4), h, &v) < 0) return -1;
    return with_payload(h, FH_MP_BIN, v, left);
  }
  if (c >= 0xc7 && c <= 0xc9) { /* ext 8/16/32: length, type, data */
    if (load_field(p, left, 1u << (c - 0xc7), h, &v) < 0) return -1;
    return with_payload(h, FH_MP_EXT, v + 1, left);
  }
  if (c >= 0xca && c <= 0xd3) return scalar(p, left, c, h);
  if (c >= 0xd4 && c <= 0xd8) /* fixext 1..16: type, data */
    return with_payload(h, FH_MP_EXT, 1 + (1u << (c - 0xd4)), left);
  if (c >= 0xd9 && c <= 0xdb) { /* str 8/16/32 */
    if (load_field(p, left, 1u << (c - 0xd9), h, &v) < 0) return -1;
    return with_payload(h, FH_MP_STR, v, left);
  }
  if (c == 0xdc || c == 0xdd) { /* array 16/32 */
    if (load_field(p, left, c == 0xdc ? 2 : 4, h, &v) < 0) return -1;
    return container(h, FH_MP_ARRAY, v, left);
  }
  if (c == 0xde || c == 0xdf) { /* map 16/32 */
    if (load_field(p, left, c == 0xde ? 2 : 4, h, &v) < 0) return -1;
    return container(h, FH_MP_MAP, v, left);
  }
  return -1; /* 0xc1, never used */
}

int fh__mp_head_parse(const uint8_t *p, const uint8_t *end, mp_head *h) {
  memset(h, 0, sizeof *h);
  h->kind = FH_MP_INVALID;
  h->hdr = 1;
  if (p == NULL || p >= end) return -1;
  size_t left = (size_t)(end - p);
  uint8_t c = p[0];
  if (c <= 0x7f) {
    h->kind = FH_MP_UINT;
    h->u = c;
    return 0;
  }
  if (c >= 0xe0) {
    h->kind = FH_MP_INT;
    h->i = (int8_t)c;
    return 0;
  }
  if (c <= 0x8f) return container(h, FH_MP_MAP, c & 0x0f, left);
  if (c <= 0x9f) return container(h, FH_MP_ARRAY, c & 0x0f, left);
  if (c <= 0xbf) return with_payload(h, FH_MP_STR, c & 0x1f, left);
  return typed(p, left, c, h);
}
