/* stop_index.h -- the keys of the stop index: a line's stops by start time.
 *
 * Design: stops are stored under their id (FH_T_DOWNTIME), which is the
 * order they were opened in across the whole plant; the history reads
 * (dt.pareto, dt.list, downtime.csv of a line) want one line's stops of a
 * period.  Whoever writes a stop record (the hub's stops_put, floorctl
 * backfill) puts, in the same batch, an entry of FH_T_STOP_INDEX:
 *
 *   key   "<line>/" + start (u64 BE, ms) + id (u64 BE)
 *   value the stop's FH_T_DOWNTIME key (its id, u64 BE), then its end
 *         (u64 BE, 0 open) and "<equipment>\0<reason>\0<category>\0"
 *
 * so a line's stops are a contiguous range in start order, read with
 * fh_store_scan_via when the whole record is wanted (dt.list), or from the
 * entries alone when their summary is enough (dt.pareto: decoding every
 * record of a month cost more than the rest of the read).  The writer
 * puts the entry again with every record it writes, so the summary is
 * always the record's.  A stop's start moves only when dt.split cuts it (the
 * later part keeps the id): the writer then deletes the old entry.
 *
 * A read of [from, to) must also find the stops that started before
 * `from` and still overlap it.  The store keeps under DT_META_MAXLEN (in
 * FH_T_META, u64 BE ms) the longest closed stop ever written; it only
 * grows (retention does not lower it).  Closed stops that overlap `from`
 * started at or after from - maxlen; open stops overlap everything after
 * their start, and the reader adds them from what it knows (the hub keeps
 * every open stop in memory).  The key's presence also says the index is
 * complete: a store without it (written before the index) gets the index
 * built by the hub at its next start (stops_load).
 *
 * Pure functions: key bytes only.
 */
#ifndef FH_HUB_STOP_INDEX_H
#define FH_HUB_STOP_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "fh_downtime.h"
#include "fh_protocol.h"

#define DT_INDEX_KEY_MAX (FH_ID_MAX + 1 + 16) /* the longest index key */
#define DT_META_MAXLEN "dt.maxlen"            /* the meta key, see above */
/* The longest entry value. */
#define DT_INDEX_VAL_MAX (16 + FH_ID_MAX + 1 + 2 * (FH_KIND_MAX + 1))

/* An index entry read back; the strings point into the entry's bytes. */
typedef struct dt_index_entry {
  int64_t start;          /* from the key */
  uint64_t id;            /* the stop's id */
  int64_t end;            /* 0: open */
  const char *equipment;  /* NUL-terminated */
  const char *reason;     /* "" unclassified */
  const char *category;   /* the reason's category, "" none */
} dt_index_entry;

/* "<line>/" into key (DT_INDEX_KEY_MAX bytes); its length, or 0 when the
 * line id is too long. */
size_t dt_index_prefix(const char *line, uint8_t *key);
/* The entry of the stop (line, start, id); its length, or 0. */
size_t dt_index_key(const char *line, int64_t start, uint64_t id, uint8_t *key);
/* The start time of an index key with prefix length plen (0 if too short). */
int64_t dt_index_key_start(const uint8_t *key, size_t klen, size_t plen);

/* The entry value of stop d into val (DT_INDEX_VAL_MAX bytes); its length. */
size_t dt_index_value(const fh_downtime *d, uint8_t *val);
/* Reads an entry (key with prefix length plen, and value): 0, or -EINVAL. */
int dt_index_entry_read(const uint8_t *key, size_t klen, size_t plen,
                        const uint8_t *val, size_t vlen, dt_index_entry *e);

/* u64 big-endian, the byte order of the keys and of DT_META_MAXLEN. */
void dt_put_be64(uint64_t v, uint8_t out[8]);
uint64_t dt_get_be64(const uint8_t in[8]);

#endif
