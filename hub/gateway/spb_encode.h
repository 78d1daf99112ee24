/* spb_encode.h -- a writer of Sparkplug B payloads (protobuf wire), the
 * counterpart of spb_decode.h.
 *
 * Design: the input is the decoder's own spb_payload / spb_metric, so what
 * one writes the other reads back field for field: timestamp (1), each
 * metric (2: name 1, alias 2, timestamp 3, datatype 4, is_null 7, and the
 * value field of its kind: int 10, long 11, float 12, double 13, boolean
 * 14, string 15) and seq (3).  Absent parts (name NULL, has_alias 0, a 0
 * timestamp or datatype, SPB_V_NONE) are left out.  A metric's length is
 * counted by a dry run of the same code before it is written, so there is
 * one encoder and no scratch buffer.  Nothing is allocated.  Used by
 * floorgw (its rebirth NCMD) and floorsim --sparkplug (an edge node).
 */
#ifndef SPB_ENCODE_H
#define SPB_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "spb_decode.h"

/* Writes p (its metrics[0..nmetrics)) into buf[0..cap).  Returns the
 * length, or 0 when cap is too small. */
size_t spb_encode(const spb_payload *p, uint8_t *buf, size_t cap);

#endif /* SPB_ENCODE_H */
