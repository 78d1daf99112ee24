/* gw_cache.h -- floorgw's latest state and totals per equipment.
 *
 * Design: what the mapping yields is not sent at once but merged here, one
 * slot per equipment of the map: the latest state (with reason and machine
 * time) and the latest good and reject totals.  A slot that changed is
 * dirty; gw_cache_flush() turns dirty slots into eq.state and eq.total
 * requests through the caller's send function, round-robin over the
 * equipment and within the caller's budget (floorgw keeps the hub
 * client's outbox small this way).  While the hub is away nothing is
 * flushed and only the latest values are kept; when it is back,
 * gw_cache_mark_all() makes every known slot dirty, so the hub hears the
 * current state and totals again.  Totals are absolute counters, so a
 * repeat adds nothing and a lost one is made up by the next.  eq.total
 * carries both totals, so it waits until both are known.
 *
 * No I/O, no clock: ts values come in with the updates.
 */
#ifndef GW_CACHE_H
#define GW_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "gw_map.h"

/* Hands one request to the hub client; 0, or negative (then the slot stays
 * dirty and the flush stops). */
typedef int (*gw_send_fn)(void *arg, const fh_request *r);

typedef struct gw_slot {
  int has_state;              /* a state is known */
  fh_eq_state state;          /* the latest state */
  char reason[FH_KIND_MAX + 1]; /* its reason code, "" if none */
  char machine_reason[FH_KIND_MAX + 1]; /* the machine's reason (a dead node's
                                 no_signal, an unmapped code), "" if none */
  int64_t state_ts;           /* machine time of the change, 0 unknown */
  int state_dirty;            /* not yet sent */
  int has_good, has_reject;   /* each total is known */
  uint64_t good, reject;      /* the latest totals */
  int64_t totals_ts;          /* machine time of the latest total, 0 unknown */
  int totals_dirty;           /* changed since sent */
} gw_slot;

typedef struct gw_cache {
  const gw_map *map;          /* the mapping (ids, rollover) */
  gw_slot *slot;              /* one per map->eq */
  size_t next;                /* round-robin start of the next flush */
  gw_send_fn send;            /* the caller's sender */
  void *arg;                  /* ... and its argument */
  uint64_t states_sent;       /* eq.state requests handed to send */
  uint64_t totals_sent;       /* eq.total requests handed to send */
} gw_cache;

/* 0, or -ENOMEM. */
int gw_cache_init(gw_cache *c, const gw_map *map, gw_send_fn send, void *arg);
void gw_cache_free(gw_cache *c);

/* Merges one update of the mapping (ts: machine time in ms, 0 unknown).
 * A state or total equal to the one known changes nothing. */
void gw_cache_update(gw_cache *c, const gw_update *u, int64_t ts);

/* Every known slot becomes dirty (the hub is back). */
void gw_cache_mark_all(gw_cache *c);

/* Sends up to budget requests; returns how many were sent. */
size_t gw_cache_flush(gw_cache *c, size_t budget);

/* 1 when nothing is dirty. */
int gw_cache_idle(const gw_cache *c);

#endif /* GW_CACHE_H */
