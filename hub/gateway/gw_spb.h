/* gw_spb.h -- floorgw as a Sparkplug B host application (spec 3.0).
 *
 * Design: a state machine over the messages of topic spBv1.0/#, without
 * I/O: the caller hands in each message with the time, and hears back
 * through callbacks what it means (metric values, a rebirth to request, a
 * node or device that died).  Per edge node it keeps whether it is born,
 * the bdSeq of its NBIRTH, the last seq (0-255, wrapping) and the alias
 * table of its NBIRTH and DBIRTHs (aliases are unique per edge node), and
 * per device whether it is born.
 *
 * - NBIRTH: the node is born, its alias table starts over, its devices
 *   must be born again; every metric of the birth is a current value.
 * - DBIRTH, NDATA, DDATA, DDEATH: seq must be the previous + 1 (mod 256).
 *   Data from a node or device that is not born, or a seq gap, is dropped
 *   and a rebirth is requested (at most once per GW_SPB_REBIRTH_MS per
 *   node); after a gap the node counts as not born until its NBIRTH.
 * - NDEATH: only when its bdSeq is the one of the node's birth (an old
 *   session's Will arriving late is ignored): the node and all its devices
 *   are dead.  DDEATH: that device is dead.
 * - STATE, NCMD and DCMD are other parties' messages and are ignored.
 *
 * Memory: per node a fixed record plus its alias table (bounded by
 * GW_SPB_ALIASES_MAX) and device list (GW_SPB_DEVICES_MAX); a payload is
 * decoded into a fixed array of GW_SPB_METRICS_MAX metrics.
 */
#ifndef GW_SPB_H
#define GW_SPB_H

#include <stddef.h>
#include <stdint.h>

#include "gw_log.h"
#include "gw_map.h"

#define GW_SPB_ID_MAX 128        /* group, node and device ids, bytes */
#define GW_SPB_METRICS_MAX 1024  /* metrics in one payload */
#define GW_SPB_ALIASES_MAX 65536 /* aliases per edge node */
#define GW_SPB_DEVICES_MAX 1024  /* devices per edge node */
#define GW_SPB_NODES_MAX 4096    /* edge nodes tracked */
#define GW_SPB_REBIRTH_MS 5000   /* rebirth requests per node at most this often */

typedef struct gw_spb gw_spb;

typedef struct gw_spb_callbacks {
  /* One current metric value; device NULL for the node's own metrics;
   * ts in ms (the metric's, else the payload's, else 0). */
  void (*metric)(void *arg, const char *group, const char *node, const char *device,
                 const char *name, size_t name_n, const gw_value *v, uint64_t ts);
  /* Publish NCMD `Node Control/Rebirth` = true to this node. */
  void (*rebirth)(void *arg, const char *group, const char *node);
  /* The node (device NULL: with all its devices) or one device died. */
  void (*dead)(void *arg, const char *group, const char *node, const char *device);
  /* A diagnostic line; may be NULL. */
  gw_log_fn log;
} gw_spb_callbacks;

/* Counters, for logs and tests. */
typedef struct gw_spb_stats {
  uint64_t messages;   /* messages handed in */
  uint64_t refused;    /* bad topic or payload (decoder error) */
  uint64_t gaps;       /* seq gaps */
  uint64_t unborn;     /* data of a node or device not born */
  uint64_t rebirths;   /* rebirth requests made */
  uint64_t stale;      /* NDEATHs whose bdSeq did not match */
  uint64_t unknown_alias; /* data metrics whose alias was not in a birth */
} gw_spb_stats;

/* 0 and *out, or -ENOMEM. */
int gw_spb_new(gw_spb **out, const gw_spb_callbacks *cb, void *arg);
void gw_spb_free(gw_spb *h);

/* One message of spBv1.0/#.  Returns 0 (also for ignored types), -EINVAL
 * for a topic that is not Sparkplug B, an spb_err for a payload the
 * decoder refused (logged and counted), or -ENOMEM. */
int gw_spb_message(gw_spb *h, const char *topic, size_t topic_n, const uint8_t *p,
                   size_t n, uint64_t now_ms);

const gw_spb_stats *gw_spb_get_stats(const gw_spb *h);

/* The NCMD payload {timestamp: ts, metrics: [{name: "Node Control/Rebirth",
 * datatype: Boolean, boolean_value: true}]}: its length, or 0 when cap is
 * too small. */
size_t gw_spb_rebirth_payload(uint8_t *buf, size_t cap, uint64_t ts);

#endif /* GW_SPB_H */
