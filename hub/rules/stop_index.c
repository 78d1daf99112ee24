/* stop_index.c -- the stop index's keys (see stop_index.h). */
#include "stop_index.h"

#include <errno.h>
#include <string.h>

void dt_put_be64(uint64_t v, uint8_t out[8]) {
  for (int i = 7; i >= 0; i--, v >>= 8) out[i] = (uint8_t)v;
}

uint64_t dt_get_be64(const uint8_t in[8]) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | in[i];
  return v;
}

size_t dt_index_prefix(const char *line, uint8_t *key) {
  size_t n = strlen(line);
  if (n == 0 || n > FH_ID_MAX) return 0;
  memcpy(key, line, n);
  key[n] = '/';
  return n + 1;
}

size_t dt_index_key(const char *line, int64_t start, uint64_t id, uint8_t *key) {
  size_t n = dt_index_prefix(line, key);
  if (n == 0) return 0;
  dt_put_be64(start < 0 ? 0 : (uint64_t)start, key + n);
  dt_put_be64(id, key + n + 8);
  return n + 16;
}

int64_t dt_index_key_start(const uint8_t *key, size_t klen, size_t plen) {
  return klen < plen + 16 ? 0 : (int64_t)dt_get_be64(key + plen);
}

static size_t put_str(uint8_t *at, const char *str) {
  size_t n = strlen(str) + 1;
  memcpy(at, str, n);
  return n;
}

size_t dt_index_value(const fh_downtime *d, uint8_t *val) {
  size_t n = 16;
  dt_put_be64(d->id, val);
  dt_put_be64(d->end < 0 ? 0 : (uint64_t)d->end, val + 8);
  n += put_str(val + n, d->equipment);
  n += put_str(val + n, d->reason);
  return n + put_str(val + n, d->category);
}

/* The NUL-terminated string at *at within [.., end); NULL if none. */
static const char *get_str(const uint8_t **at, const uint8_t *end) {
  const uint8_t *nul = *at < end ? memchr(*at, 0, (size_t)(end - *at)) : NULL;
  const char *s = (const char *)*at;
  if (nul == NULL) return NULL;
  *at = nul + 1;
  return s;
}

int dt_index_entry_read(const uint8_t *key, size_t klen, size_t plen,
                        const uint8_t *val, size_t vlen, dt_index_entry *e) {
  const uint8_t *at = val + 16, *end = val + vlen;
  if (klen != plen + 16 || vlen < 16) return -EINVAL;
  e->start = (int64_t)dt_get_be64(key + plen);
  e->id = dt_get_be64(val);
  e->end = (int64_t)dt_get_be64(val + 8);
  e->equipment = get_str(&at, end);
  e->reason = e->equipment ? get_str(&at, end) : NULL;
  e->category = e->reason ? get_str(&at, end) : NULL;
  return e->category == NULL ? -EINVAL : 0;
}
