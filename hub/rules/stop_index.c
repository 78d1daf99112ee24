/* stop_index.c -- the stop index's keys (see stop_index.h). */
#include "stop_index.h"

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
