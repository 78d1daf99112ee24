/* mp_head.h -- parsing one msgpack value header, bounds-checked.
 *
 * Design: every reader of msgpack bytes in fh_protocol (the frame validator
 * and the fh_mp_cursor readers) goes through fh__mp_head_parse(), the only place
 * that interprets a type byte and its length fields.  It refuses any header
 * whose counts cannot be satisfied by the bytes that remain: a str/bin/ext
 * payload must lie within the input, an array of n elements needs n more
 * bytes and a map of n pairs 2n more bytes (each value is at least one
 * byte).  A count therefore never drives an allocation or a loop longer than
 * the input.
 */
#ifndef FH_MP_HEAD_H
#define FH_MP_HEAD_H

#include <stdint.h>

#include "fh_protocol.h"

typedef struct mp_head {
  fh_mp_kind kind; /* what the header introduces */
  uint32_t hdr;    /* bytes of the header: type byte, length, scalar value */
  uint64_t len;    /* str/bin: payload bytes; ext: type byte + payload;
                      array: elements; map: pairs; 0 for scalars */
  uint64_t u;      /* FH_MP_UINT value, FH_MP_BOOL 0/1 */
  int64_t i;       /* FH_MP_INT value (always negative or from an int type) */
  double d;        /* FH_MP_FLOAT value */
} mp_head;

/* Parses the header at p (p <= end).  Returns 0 with *h filled, or -1 when
 * the bytes are truncated, the type byte is 0xc1 (never used), or a count
 * exceeds what the remaining bytes can hold (see above). */
int fh__mp_head_parse(const uint8_t *p, const uint8_t *end, mp_head *h);

/* Bytes the value occupies when it is a scalar, str, bin or ext (header +
 * payload); for arrays and maps only the header. */
static inline uint64_t fh__mp_head_span(const mp_head *h) {
  if (h->kind == FH_MP_ARRAY || h->kind == FH_MP_MAP) return h->hdr;
  return (uint64_t)h->hdr + h->len;
}

#endif /* FH_MP_HEAD_H */
