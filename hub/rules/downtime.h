/* downtime.h -- the rules of downtime events (stops): derive, classify,
 * split, and which loss category a stop's time belongs to.
 *
 * Design: a stop opens when an equipment leaves `running` for any state
 * but `planned_stop` (a planned stop is not a loss: it is excluded from
 * planned time by the OEE engine) and closes when the equipment runs again
 * or enters `planned_stop`.  A `dt_event` is the wire entity (fh_downtime)
 * plus the machine-state segments inside the stop, which make dt.split
 * exact: each part gets the states of its own time.  A stop that changes
 * state more than DT_SEGMENTS_MAX times keeps exact totals in `states` but
 * can no longer be split (dt_split answers -E2BIG).
 *
 * Where a stop's time goes (dt_loss): a closed stop shorter than the short
 * stop threshold is a small stop (it counts in run time: a Performance
 * loss); otherwise the category of its reason, or `unclassified` until an
 * operator gives one.  The functions are pure: the hub passes the time and
 * the thresholds, and keeps the OEE accumulators in step (oee.h).
 */
#ifndef FH_HUB_DOWNTIME_H
#define FH_HUB_DOWNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "fh_downtime.h"
#include "fh_protocol.h"

#define DT_SEGMENTS_MAX 32 /* machine-state changes kept per stop */

/* A machine state from `at` on, inside a stop. */
typedef struct dt_segment {
  int64_t at;             /* ms */
  fh_eq_state state;      /* the state from then on */
} dt_segment;

typedef struct dt_event {
  fh_downtime d;                     /* the entity as published */
  uint64_t done_ms[FH_EQ__COUNT];    /* closed time per state inside */
  fh_eq_state cur;                   /* the state now (open) or at the end */
  int64_t cur_since;                 /* since when */
  dt_segment seg[DT_SEGMENTS_MAX];   /* state changes, oldest first */
  uint32_t nseg;                     /* entries used */
  uint8_t seg_overflow;              /* more changes than DT_SEGMENTS_MAX */
} dt_event;

/* Thresholds of the line the stop is on, in ms. */
typedef struct dt_limits {
  uint64_t short_ms;      /* a closed stop shorter than this is short */
  uint64_t required_ms;   /* a stop this long needs a reason */
} dt_limits;

/* 1 when a change from `from` to `to` opens a stop, -1 when it closes the
 * open one, 0 otherwise (a stop stays open while the state changes among
 * the stopped states). */
int dt_transition(fh_eq_state from, fh_eq_state to);

/* A new open stop of equipment on line, in `state` since `start`. */
void dt_open(dt_event *ev, uint64_t id, const char *line,
             const char *equipment, fh_eq_state state, int64_t start,
             const char *machine_reason);
/* The machine state changes inside the open stop at ts. */
void dt_state(dt_event *ev, fh_eq_state state, int64_t ts,
              const char *machine_reason);
/* The stop ends at ts. */
void dt_close(dt_event *ev, int64_t ts);
/* Recomputes duration_ms, states, short and needs_reason at now_ms. */
void dt_refresh(dt_event *ev, int64_t now_ms, const dt_limits *lim);

/* The stop's changeover time inside [from, to): all of its time there when
 * it is classified in category `changeover`, else its time in machine
 * state `changeover` (an open stop counts up to `to`).  A stop whose
 * segments overflowed counts its whole changeover state time, bounded by
 * the overlap. */
uint64_t dt_changeover_ms(const dt_event *ev, int64_t from, int64_t to);

/* The loss category of the stop's time (see the design note). */
fh_loss dt_loss(const dt_event *ev, const dt_limits *lim);

/* Sets the reason (a leaf of category cat) and who gave it when. */
void dt_classify(dt_event *ev, const char *reason, fh_loss cat,
                 const char *note, const char *by, int64_t at);
/* Cuts ev at `at`: *before gets [start, at) with id new_id, ev keeps
 * [at, end) with its id and classification.  `now_ms` bounds an open stop.
 * Returns 0, -EDOM when at is not strictly inside the stop, or -E2BIG when
 * the stop's segments overflowed. */
int dt_split(dt_event *ev, int64_t at, uint64_t new_id, int64_t now_ms,
             dt_event *before);

/* The store record of an event (the entity and its segments) appended to
 * out: 0, or -ENOMEM.  dt_decode reads one back: 0 or -EINVAL. */
int dt_encode(const dt_event *ev, fh_buf *out);
int dt_decode(dt_event *ev, const uint8_t *p, size_t len);

#endif
