/* stops.c -- downtime events (stops) in the live model (see stops.h).
 *
 * Memory: each line keeps its stops sorted by id; a stop is found by id
 * with a binary search per line.  The open stops and those that ended since
 * the previous shift began (or within STOPS_KEEP_MS when the calendar has
 * no adjacent previous shift) stay in memory; older ones are retired by the
 * tick once a minute and live on in the store, where dt.list and
 * dt.classify find them.
 */
#include "stops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "publish.h"
#include "stop_scan.h"
#include "topic.h"

#define STOPS_KEEP_MS (24LL * 3600 * 1000) /* without a previous shift */
#define RETIRE_EVERY_MS 60000              /* the tick retires this often */

/* ------------------------------------------------------------- memory */

static model_stops *line_stops(hub *h, size_t li) {
  return &h->model->lines[li].stops;
}

/* Index of the first stop with an id >= id in the line's list. */
static size_t lower_bound(const model_stops *ms, uint64_t id) {
  size_t lo = 0, hi = ms->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ms->evs[mid]->d.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

dt_event *stops_find(hub *h, uint64_t id) {
  for (size_t li = 0; li < h->model->nlines; li++) {
    model_stops *ms = line_stops(h, li);
    size_t i = lower_bound(ms, id);
    if (i < ms->n && ms->evs[i]->d.id == id) return ms->evs[i];
  }
  return NULL;
}

dt_event *stops_insert(hub *h, const dt_event *ev) {
  long li = model_line_index(h, ev->d.line);
  model_stops *ms;
  dt_event *copy;
  size_t at;

  if (li < 0) return NULL;
  ms = line_stops(h, (size_t)li);
  if (ms->n == ms->cap) {
    size_t cap = ms->cap ? 2 * ms->cap : 64;
    dt_event **evs = realloc(ms->evs, cap * sizeof *evs);
    if (evs == NULL) return NULL;
    ms->evs = evs;
    ms->cap = cap;
  }
  if ((copy = malloc(sizeof *copy)) == NULL) return NULL;
  *copy = *ev;
  at = lower_bound(ms, ev->d.id);
  memmove(&ms->evs[at + 1], &ms->evs[at], (ms->n - at) * sizeof *ms->evs);
  ms->evs[at] = copy;
  ms->n++;
  return copy;
}

static void remove_at(model_stops *ms, size_t i) {
  free(ms->evs[i]);
  memmove(&ms->evs[i], &ms->evs[i + 1], (ms->n - i - 1) * sizeof *ms->evs);
  ms->n--;
}

static void stops_remove(hub *h, uint64_t id) {
  for (size_t li = 0; li < h->model->nlines; li++) {
    model_stops *ms = line_stops(h, li);
    size_t i = lower_bound(ms, id);
    if (i < ms->n && ms->evs[i]->d.id == id) {
      remove_at(ms, i);
      return;
    }
  }
}

void stops_free(hub *h) {
  if (h->model == NULL || h->model->lines == NULL) return;
  for (size_t li = 0; li < h->model->nlines; li++) {
    model_stops *ms = line_stops(h, li);
    for (size_t i = 0; i < ms->n; i++) free(ms->evs[i]);
    free(ms->evs);
    memset(ms, 0, sizeof *ms);
  }
}

dt_limits stops_limits(const hub *h, size_t line) {
  return plant_stop_limits(&h->plant->lines[line]);
}

/* Stops that ended before this are not kept in memory (nor in the
 * snapshot): the start of the previous shift, or STOPS_KEEP_MS ago. */
int64_t stops_recent_since(hub *h, int64_t now) {
  const plant *p = h->plant;
  shift_window cur, prev;
  if (shift_window_at(p->shifts, p->nshifts, now, &cur) == 0 &&
      shift_window_at(p->shifts, p->nshifts, cur.start_ms - 1, &prev) == 0)
    return prev.start_ms;
  return now - STOPS_KEEP_MS;
}

/* ------------------------------------------------------------ the store */

void stops_key(uint64_t id, uint8_t key[8]) { model_andon_key(id, key); }

int stops_put(hub *h, const dt_event *ev) {
  uint8_t key[8];
  stops_key(ev->d.id, key);
  fh_buf_reset(&h->enc);
  if (dt_encode(ev, &h->enc) != 0 ||
      fh_batch_put(h->batch, FH_T_DOWNTIME, key, sizeof key,
                   fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc)) != 0)
    return -ENOMEM;
  return stop_scan_index(h, ev);
}

typedef struct load_scan {
  hub *h;           /* the hub */
  int64_t since;    /* keep stops that ended after this */
  uint64_t max_id;  /* largest id seen */
  int rc;           /* first error */
} load_scan;

static int load_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  load_scan *sc = arg;
  dt_event ev;
  (void)key;
  if (klen != 8 || dt_decode(&ev, val, vlen) != 0) {
    log_warn("store: unreadable stop record skipped");
    return 0;
  }
  if (ev.d.id > sc->max_id) sc->max_id = ev.d.id;
  if (ev.d.end != 0 && ev.d.end < sc->since) return 0;
  if (model_line_index(sc->h, ev.d.line) < 0) return 0; /* a removed line */
  if (stops_insert(sc->h, &ev) == NULL) sc->rc = -ENOMEM;
  return sc->rc;
}

/* The open stop of each equipment, from the loaded stops. */
static void link_open_stops(hub *h) {
  for (size_t li = 0; li < h->model->nlines; li++) {
    model_stops *ms = line_stops(h, li);
    for (size_t i = 0; i < ms->n; i++) {
      const plant_equipment *pe;
      if (ms->evs[i]->d.end != 0) continue;
      pe = plant_equipment_find(h->plant, ms->evs[i]->d.equipment,
                                strlen(ms->evs[i]->d.equipment));
      if (pe != NULL) h->model->eqs[pe - h->plant->equipment].open_stop = ms->evs[i]->d.id;
    }
  }
}

static int last_id_cb(void *arg, const void *key, size_t klen, const void *val,
                      size_t vlen) {
  uint64_t *max = arg;
  (void)val;
  (void)vlen;
  for (size_t i = 0; klen == 8 && i < 8; i++) *max = *max << 8 | ((const uint8_t *)key)[i];
  return 0;
}

/* With the stop index complete, the recent stops come from it and the
 * next id from the table's last key; else every record is read (and the
 * index built from them). */
int stops_load(hub *h) {
  load_scan sc = {h, stops_recent_since(h, hub_now_ms(h)), 0, 0};
  int indexed = stop_scan_load(h), rc;
  if (indexed != 0 && indexed != -ENOENT) return indexed;
  if (indexed == 0) {
    rc = fh_store_last(h->store, FH_T_DOWNTIME, last_id_cb, &sc.max_id);
    if (rc == 0 || rc == -ENOENT) rc = stop_scan_recent(h, sc.since, load_cb, &sc);
  } else {
    rc = fh_store_scan(h->store, FH_T_DOWNTIME, NULL, 0, load_cb, &sc);
  }
  if (rc < 0) return rc;
  if (sc.rc < 0) return sc.rc;
  h->model->next_stop_id = sc.max_id + 1;
  link_open_stops(h);
  return indexed == -ENOENT ? stop_scan_build(h) : 0;
}

/* --------------------------------------------------- the state changes */

/* Opens a stop of equipment ei in `state` at ts; returns it or NULL. */
static dt_event *open_stop(hub *h, size_t ei, fh_eq_state state, int64_t ts,
                           const char *machine_reason) {
  model_eq *me = &h->model->eqs[ei];
  dt_event n, *ev;
  dt_open(&n, h->model->next_stop_id, me->e.line, me->e.id, state, ts,
          machine_reason);
  if ((ev = stops_insert(h, &n)) == NULL) return NULL;
  h->model->next_stop_id++;
  me->open_stop = ev->d.id;
  if (h->model->in_shift) oee_acc_stop_open(&me->acc, ts, FH_LOSS_UNCLASSIFIED);
  return ev;
}

int stops_on_state(hub *h, pending *p, size_t ei, fh_eq_state from,
                   fh_eq_state to, int64_t ts, const char *machine_reason) {
  model_eq *me = &h->model->eqs[ei];
  size_t li = h->plant->equipment[ei].line;
  dt_limits lim = stops_limits(h, li);
  dt_event *ev = me->open_stop ? stops_find(h, me->open_stop) : NULL;
  pending_stop *ps;
  int tr;

  if (from == to) return 0;
  if (ev == NULL && from == FH_EQ_UNKNOWN) from = FH_EQ_RUNNING; /* unknown
                                    before: no stop for the time not known */
  tr = dt_transition(from, to);
  if (ev == NULL && tr <= 0) return 0;
  if ((ps = calloc(1, sizeof *ps)) == NULL) return -ENOMEM;
  p->stop = ps;
  ps->eq = ei;
  ps->open_before = me->open_stop;
  if (ev == NULL) {
    if ((ev = open_stop(h, ei, to, ts, machine_reason)) == NULL) return -ENOMEM;
    ps->created = 1;
  } else if (tr < 0) {
    ps->before = *ev;
    dt_close(ev, ts);
    me->open_stop = 0;
    if (h->model->in_shift)
      oee_acc_stop_close(&me->acc, ev->d.start, ev->d.end, dt_loss(ev, &lim));
  } else {
    ps->before = *ev;
    dt_state(ev, to, ts, machine_reason);
  }
  dt_refresh(ev, ts, &lim);
  ps->after = *ev;
  if (tr < 0 && !ps->created && /* a short stop across a shift end */
      reaccount_stop(h, ei, &ps->before, &ps->after, NULL, &ps->reacc) != 0)
    return -ENOMEM;
  return stops_put(h, ev);
}

void stops_shift_begin(hub *h, size_t ei) {
  model_eq *me = &h->model->eqs[ei];
  dt_event *ev = me->open_stop ? stops_find(h, me->open_stop) : NULL;
  dt_limits lim = stops_limits(h, h->plant->equipment[ei].line);
  if (ev != NULL && h->model->in_shift)
    oee_acc_stop_open(&me->acc, ev->d.start, dt_loss(ev, &lim));
}

void stops_undo(hub *h, pending *p) {
  pending_stop *ps = p->stop;
  dt_event *ev;
  if (ps == NULL) return;
  if (ps->created) {
    stops_remove(h, ps->after.d.id);
    if (ps->after.d.id < h->model->next_stop_id) h->model->next_stop_id = ps->after.d.id;
  } else if ((ev = stops_find(h, ps->after.d.id)) != NULL) {
    *ev = ps->before;
  }
  if (ps->has_cut) {
    stops_remove(h, ps->cut.d.id);
    if (ps->cut.d.id < h->model->next_stop_id) h->model->next_stop_id = ps->cut.d.id;
  }
  h->model->eqs[ps->eq].open_stop = ps->open_before;
}

/* ---------------------------------------------------------- publishing */

static void publish_one(hub *h, const dt_event *ev) {
  long li = model_line_index(h, ev->d.line);
  topic *t;
  if (li < 0) return;
  t = h->model->lines[li].t_downtime;
  if (publish_upd_begin(h, t, "event") == 0 && fh_enc_downtime(&h->enc, &ev->d) == 0)
    topic_publish_enc(h, t);
}

void stops_publish(hub *h, const pending *p) {
  const pending_stop *ps = p->stop;
  if (ps == NULL) return;
  if (ps->has_cut) publish_one(h, &ps->cut);
  publish_one(h, &ps->after);
  reaccount_publish(h, &ps->reacc);
}

void stops_publish_current(hub *h, const pending *p) {
  const dt_event *ev;
  if (p->stop == NULL || p->stop->created) return;
  if ((ev = stops_find(h, p->stop->after.d.id)) != NULL) publish_one(h, ev);
}

int stops_encode_ok(hub *h, const pending *p, int has_id, uint64_t id,
                    int replay) {
  const pending_stop *ps = p->stop;
  fh_downtime two[2];
  if (ps == NULL) return -EINVAL;
  if (!ps->has_cut) return fh_enc_ok_downtime(&h->enc, has_id, id, &ps->after.d, replay);
  two[0] = ps->cut.d;
  two[1] = ps->after.d;
  return fh_enc_ok_downtimes(&h->enc, has_id, id, two, 2, 0, replay);
}

static int newest_first(const void *a, const void *b) {
  const dt_event *x = *(const dt_event *const *)a, *y = *(const dt_event *const *)b;
  if (x->d.start != y->d.start) return x->d.start < y->d.start ? 1 : -1;
  return x->d.id < y->d.id ? 1 : x->d.id > y->d.id ? -1 : 0;
}

int stops_snapshot(hub *h, size_t line, fh_buf *out) {
  model_stops *ms = line_stops(h, line);
  int64_t now = hub_now_ms(h), since = stops_recent_since(h, now);
  dt_limits lim = stops_limits(h, line);
  dt_event **list = malloc((ms->n + 1) * sizeof *list);
  size_t n = 0;
  int rc;

  if (list == NULL) return -ENOMEM;
  for (size_t i = 0; i < ms->n; i++) {
    if (ms->evs[i]->d.end != 0 && ms->evs[i]->d.end < since) continue;
    dt_refresh(ms->evs[i], now, &lim);
    list[n++] = ms->evs[i];
  }
  qsort(list, n, sizeof *list, newest_first);
  if (n > FH_DT_SNAP_MAX) n = FH_DT_SNAP_MAX;
  rc = fh_enc_map(out, 1) || fh_enc_str(out, "events") ||
       fh_enc_array(out, (uint32_t)n);
  for (size_t i = 0; i < n && rc == 0; i++) rc = fh_enc_downtime(out, &list[i]->d);
  free(list);
  return rc ? -ENOMEM : 0;
}

/* Drops closed stops that ended before keep_since from memory. */
static void retire(hub *h, int64_t now) {
  int64_t since = stops_recent_since(h, now);
  for (size_t li = 0; li < h->model->nlines; li++) {
    model_stops *ms = line_stops(h, li);
    for (size_t i = ms->n; i-- > 0;)
      if (ms->evs[i]->d.end != 0 && ms->evs[i]->d.end < since) remove_at(ms, i);
  }
}

void stops_tick(hub *h, int64_t now) {
  for (size_t li = 0; li < h->model->nlines; li++) {
    model_stops *ms = line_stops(h, li);
    dt_limits lim = stops_limits(h, li);
    for (size_t i = 0; i < ms->n; i++) {
      dt_event *ev = ms->evs[i];
      uint8_t was = ev->d.needs_reason;
      if (ev->d.end != 0) continue;
      dt_refresh(ev, now, &lim);
      if (!was && ev->d.needs_reason) publish_one(h, ev);
    }
  }
  if (now - h->model->stops_retired_ms >= RETIRE_EVERY_MS) {
    h->model->stops_retired_ms = now;
    retire(h, now);
  }
}
