/* record_map.h -- reading a store record written as one msgpack map.
 *
 * Design: the records the rules store (an OEE accumulator, a stop) are one
 * msgpack map each.  Reading one first validates the bytes as exactly one
 * well-formed map with fh_frame_next() (bounded counts, depth, UTF-8), then
 * hands every key to the record's own reader, which returns the key's bit
 * (0 for an unknown key it skipped) or -1.  The caller checks the bits.
 */
#ifndef FH_HUB_RECORD_MAP_H
#define FH_HUB_RECORD_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

/* Reads the value of key at c into obj: its bit, 0 (skipped) or -1. */
typedef int (*record_key_fn)(fh_mp_cursor *c, const fh_strv *key, void *obj);

/* Reads the record at p (len bytes, exactly one map) key by key into obj
 * and sets *seen to the OR of the bits.  0, or -EINVAL. */
int record_map_read(const uint8_t *p, size_t len, record_key_fn fn, void *obj,
                    int *seen);

#endif
