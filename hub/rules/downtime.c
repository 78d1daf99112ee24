/* downtime.c -- the rules of downtime events (see downtime.h).
 *
 * Times inside a stop: done_ms holds the closed time per machine state,
 * (cur, cur_since) the state the stop is in now, so `states` is exact at
 * any moment.  The segments repeat the same changes as a list, for split.
 * The store codec (dt_encode/dt_decode) lives in downtime_codec.c.
 */
#include "downtime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int stopped(fh_eq_state s) {
  return s != FH_EQ_RUNNING && s != FH_EQ_PLANNED_STOP;
}

int dt_transition(fh_eq_state from, fh_eq_state to) {
  if (!stopped(from) && stopped(to)) return 1;
  if (stopped(from) && !stopped(to)) return -1;
  return 0;
}

static void add_segment(dt_event *ev, fh_eq_state state, int64_t at) {
  if (ev->nseg == DT_SEGMENTS_MAX) {
    ev->seg_overflow = 1;
    return;
  }
  ev->seg[ev->nseg++] = (dt_segment){at, state};
}

void dt_open(dt_event *ev, uint64_t id, const char *line,
             const char *equipment, fh_eq_state state, int64_t start,
             const char *machine_reason) {
  memset(ev, 0, sizeof *ev);
  ev->d.id = id;
  snprintf(ev->d.line, sizeof ev->d.line, "%s", line);
  snprintf(ev->d.equipment, sizeof ev->d.equipment, "%s", equipment);
  snprintf(ev->d.machine_reason, sizeof ev->d.machine_reason, "%s",
           machine_reason ? machine_reason : "");
  ev->d.start = start;
  ev->cur = state;
  ev->cur_since = start;
  add_segment(ev, state, start);
}

/* Closes the current state's time at ts (never before it began). */
static void close_current(dt_event *ev, int64_t ts) {
  if (ts > ev->cur_since) ev->done_ms[ev->cur] += (uint64_t)(ts - ev->cur_since);
  if (ts > ev->cur_since) ev->cur_since = ts;
}

void dt_state(dt_event *ev, fh_eq_state state, int64_t ts,
              const char *machine_reason) {
  if (ev->d.end != 0 || state == ev->cur) return;
  close_current(ev, ts);
  ev->cur = state;
  add_segment(ev, state, ev->cur_since);
  if (machine_reason != NULL && machine_reason[0] != '\0' &&
      ev->d.machine_reason[0] == '\0')
    snprintf(ev->d.machine_reason, sizeof ev->d.machine_reason, "%s",
             machine_reason);
}

void dt_close(dt_event *ev, int64_t ts) {
  if (ev->d.end != 0) return;
  if (ts < ev->d.start) ts = ev->d.start;
  close_current(ev, ts);
  ev->d.end = ts;
}

/* Length of [a, b) inside [from, to). */
static uint64_t overlap(int64_t a, int64_t b, int64_t from, int64_t to) {
  if (a < from) a = from;
  if (b > to) b = to;
  return b > a ? (uint64_t)(b - a) : 0;
}

uint64_t dt_changeover_ms(const dt_event *ev, int64_t from, int64_t to) {
  int64_t end = ev->d.end != 0 && ev->d.end < to ? ev->d.end : to;
  uint64_t whole = overlap(ev->d.start, end, from, to), ms = 0;

  if (strcmp(ev->d.category, fh_loss_name(FH_LOSS_CHANGEOVER)) == 0)
    return whole;
  if (ev->seg_overflow) {
    ms = ev->done_ms[FH_EQ_CHANGEOVER];
    if (ev->cur == FH_EQ_CHANGEOVER && end > ev->cur_since)
      ms += (uint64_t)(end - ev->cur_since);
    return ms < whole ? ms : whole;
  }
  for (uint32_t i = 0; i < ev->nseg; i++) {
    int64_t b = i + 1 < ev->nseg ? ev->seg[i + 1].at : end;
    if (ev->seg[i].state == FH_EQ_CHANGEOVER)
      ms += overlap(ev->seg[i].at, b, from, to);
  }
  return ms;
}

void dt_refresh(dt_event *ev, int64_t now_ms, const dt_limits *lim) {
  int64_t end = ev->d.end != 0 ? ev->d.end : now_ms;
  memcpy(ev->d.states, ev->done_ms, sizeof ev->d.states);
  if (ev->d.end == 0 && now_ms > ev->cur_since)
    ev->d.states[ev->cur] += (uint64_t)(now_ms - ev->cur_since);
  ev->d.duration_ms = end > ev->d.start ? (uint64_t)(end - ev->d.start) : 0;
  ev->d.short_stop = ev->d.end != 0 && ev->d.duration_ms < lim->short_ms;
  ev->d.needs_reason = ev->d.reason[0] == '\0' && !ev->d.short_stop &&
                       ev->d.duration_ms >= lim->required_ms;
}

fh_loss dt_loss(const dt_event *ev, const dt_limits *lim) {
  int cat;
  if (ev->d.reason[0] != '\0') {
    cat = fh_loss_from(ev->d.category, strlen(ev->d.category));
    return cat > 0 && cat < FH_LOSS__TIME ? (fh_loss)cat : FH_LOSS_UNPLANNED;
  }
  if (ev->d.end != 0 && (uint64_t)(ev->d.end - ev->d.start) < lim->short_ms)
    return FH_LOSS_SMALL_STOP;
  return FH_LOSS_UNCLASSIFIED;
}

void dt_classify(dt_event *ev, const char *reason, fh_loss cat,
                 const char *note, const char *by, int64_t at) {
  snprintf(ev->d.reason, sizeof ev->d.reason, "%s", reason);
  snprintf(ev->d.category, sizeof ev->d.category, "%s", fh_loss_name(cat));
  snprintf(ev->d.note, sizeof ev->d.note, "%s", note ? note : "");
  snprintf(ev->d.classified_by, sizeof ev->d.classified_by, "%s", by);
  ev->d.classified_at = at;
}

/* Rebuilds done_ms, cur and cur_since of ev from its segments over
 * [start, end) (end 0: open, the last segment is the current state). */
static void from_segments(dt_event *ev, int64_t end) {
  memset(ev->done_ms, 0, sizeof ev->done_ms);
  for (uint32_t i = 0; i < ev->nseg; i++) {
    int64_t to = i + 1 < ev->nseg ? ev->seg[i + 1].at : end;
    if (to > ev->seg[i].at) ev->done_ms[ev->seg[i].state] += (uint64_t)(to - ev->seg[i].at);
  }
  ev->cur = ev->seg[ev->nseg - 1].state;
  ev->cur_since = end != 0 ? end : ev->seg[ev->nseg - 1].at;
}

/* The segments of ev from `at` on (the state in force at `at` first). */
static void keep_from(dt_event *ev, int64_t at) {
  uint32_t first = 0, n = 0;
  while (first + 1 < ev->nseg && ev->seg[first + 1].at <= at) first++;
  for (uint32_t i = first; i < ev->nseg; i++) ev->seg[n++] = ev->seg[i];
  ev->nseg = n;
  ev->seg[0].at = at;
}

int dt_split(dt_event *ev, int64_t at, uint64_t new_id, int64_t now_ms,
             dt_event *before) {
  int64_t end = ev->d.end != 0 ? ev->d.end : now_ms;
  if (at <= ev->d.start || at >= end) return -EDOM;
  if (ev->seg_overflow) return -E2BIG;
  *before = *ev;
  before->d.id = new_id;
  before->d.end = at;
  memset(before->d.reason, 0, sizeof before->d.reason);
  memset(before->d.category, 0, sizeof before->d.category);
  memset(before->d.classified_by, 0, sizeof before->d.classified_by);
  memset(before->d.note, 0, sizeof before->d.note);
  before->d.classified_at = 0;
  while (before->nseg > 1 && before->seg[before->nseg - 1].at >= at) before->nseg--;
  from_segments(before, at);
  keep_from(ev, at);
  ev->d.start = at;
  from_segments(ev, ev->d.end);
  return 0;
}
