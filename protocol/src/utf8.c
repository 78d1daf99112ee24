/* utf8.c -- strict UTF-8 validation (RFC 3629).
 *
 * Design: a byte-at-a-time state machine over the well-formed byte sequences
 * table of Unicode 15 (table 3-7): the second byte's range depends on the
 * lead byte, which rules out overlong forms (C0, C1, E0 80..9F, F0 80..8F),
 * surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..FF)
 * without decoding the code point.  ASCII runs take a fast path.
 */
#include "fh_protocol.h"

/* Number of continuation bytes after lead byte c, and the allowed range of
 * the first of them; returns -1 for a byte that cannot start a sequence. */
static int lead(uint8_t c, uint8_t *lo, uint8_t *hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) return 1;
  if (c >= 0xE0 && c <= 0xEF) {
    if (c == 0xE0) *lo = 0xA0; /* overlong below U+0800 */
    if (c == 0xED) *hi = 0x9F; /* surrogates U+D800..DFFF */
    return 2;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (c == 0xF0) *lo = 0x90; /* overlong below U+10000 */
    if (c == 0xF4) *hi = 0x8F; /* above U+10FFFF */
    return 3;
  }
  return -1;
}

int fh_utf8_valid(const char *s, size_t n) {
  const uint8_t *p = (const uint8_t *)s;
  size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint8_t lo, hi;
    int more = lead(c, &lo, &hi);
    if (more < 0 || (size_t)more > n - i - 1) return 0;
    if (p[i + 1] < lo || p[i + 1] > hi) return 0;
    for (int k = 2; k <= more; k++)
      if ((p[i + k] & 0xC0) != 0x80) return 0;
    i += (size_t)more + 1;
  }
  return 1;
}
