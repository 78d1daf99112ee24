/* util.c -- time, names and the time stamp carried by published messages.
 *
 * Names follow the plant that `floorbench plant` writes: lines L01, L02,
 * ..., equipment L01-E01, L01-E02, ...; topic i is "line/L<i+1>" on every
 * server, so each one is measured on the same topics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fb.h"

uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void topic_name(uint32_t t, char *out, size_t cap) {
  if (t == FB_TOPIC_PLANT) snprintf(out, cap, "plant");
  else snprintf(out, cap, "line/L%02u", t + 1);
}

void equipment_name(uint32_t line, uint32_t item, char *out, size_t cap) {
  snprintf(out, cap, "L%02u-E%02u", line + 1, item + 1);
}

void stamp_to_counts(uint64_t us, uint64_t *good, uint64_t *reject) {
  *good = us % STAMP_MOD;
  *reject = us / STAMP_MOD % STAMP_MOD;
}

uint64_t stamp_from_counts(uint64_t good, uint64_t reject, uint64_t now_us) {
  uint64_t mod_us = reject * STAMP_MOD + good;
  return now_us - (now_us - mod_us) % (STAMP_MOD * STAMP_MOD);
}

/* Digits at p[*i..n) as a number; advances *i; -1 when there are none. */
static long digits(const char *p, size_t n, size_t *i) {
  long v = 0;
  size_t start = *i;
  for (; *i < n && *i - start < 9 && p[*i] >= '0' && p[*i] <= '9'; (*i)++)
    v = v * 10 + (p[*i] - '0');
  return *i > start ? v : -1;
}

int parse_equipment(const char *p, size_t n, uint32_t *line, uint32_t *item) {
  size_t i = 1;
  long l, e;
  if (n < 5 || p[0] != 'L' || (l = digits(p, n, &i)) < 1) return -1;
  if (i + 2 > n || p[i] != '-' || p[i + 1] != 'E') return -1;
  i += 2;
  if ((e = digits(p, n, &i)) < 1 || i != n) return -1;
  *line = (uint32_t)(l - 1);
  *item = (uint32_t)(e - 1);
  return 0;
}

int parse_stamp(const char *p, size_t n, uint64_t *ts) {
  uint64_t v = 0;
  size_t i = 1;
  if (n < 2 || p[0] != 't') return -1;
  for (; i < n && p[i] >= '0' && p[i] <= '9' && i < 21; i++)
    v = v * 10 + (uint64_t)(p[i] - '0');
  if (i == 1) return -1;
  *ts = v;
  return 0;
}

size_t stamp_payload(char out[FB_PAYLOAD], uint64_t ts) {
  int n = snprintf(out, FB_PAYLOAD, "t%llu ", (unsigned long long)ts);
  memset(out + n, 'x', FB_PAYLOAD - (size_t)n);
  return FB_PAYLOAD;
}

size_t parse_counts(const char *s, size_t *out, size_t max) {
  size_t n = 0;
  char *end;
  while (s != NULL && *s && n < max) {
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || v == 0 || (n > 0 && v <= out[n - 1])) return 0;
    out[n++] = v;
    s = *end == ',' ? end + 1 : end;
  }
  return n;
}
