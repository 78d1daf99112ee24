/* record_map.c -- reading a store record written as one map (record_map.h). */
#include "record_map.h"

#include <errno.h>

int record_map_read(const uint8_t *p, size_t len, record_key_fn fn, void *obj,
                    int *seen) {
  const uint8_t *map;
  size_t off = 0, map_len;
  fh_decode_err err;
  fh_mp_cursor c;
  uint32_t nkeys;
  int bit;

  *seen = 0;
  if (fh_frame_next(p, len, &off, &map, &map_len, &err) != 1 || off != len)
    return -EINVAL;
  c.p = map;
  c.end = map + map_len;
  if (fh_mp_read_map(&c, &nkeys) < 0) return -EINVAL;
  while (nkeys-- > 0) {
    fh_strv key;
    if (fh_mp_read_str(&c, &key) < 0 || (bit = fn(&c, &key, obj)) < 0) return -EINVAL;
    *seen |= bit;
  }
  return 0;
}
