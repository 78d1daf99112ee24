/* retention.c -- history kept history_days, samples samples_days (see
 * retention.h). */
#include "retention.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "downtime.h"
#include "history.h"
#include "stop_index.h"

#define DAY_MS (86400LL * 1000)

/* Appends the range [owner id's first record, its record at cutoff). */
static void add_range(retention_plan *p, hist_owner owner, const char *id, int64_t cutoff) {
  uint8_t *from = p->keys + p->n * 2 * HIST_KEY_MAX, *to = from + HIST_KEY_MAX;
  size_t flen = hist_record_prefix(owner, id, from);
  size_t tlen = hist_record_key(owner, id, cutoff < 0 ? 0 : cutoff, to);
  if (flen == 0 || tlen == 0) return;
  p->ranges[p->n++] = (fh_key_range){FH_T_SHIFTS, from, flen, to, tlen};
}

int retention_plan_make(const hub *h, int64_t now, retention_plan *p) {
  const plant *pl = h->plant;
  size_t cap = 3 * pl->nlines + 2 * pl->nequipment + 1;
  int64_t history = now - (int64_t)pl->history_days * DAY_MS;
  int64_t samples = now - (int64_t)pl->samples_days * DAY_MS;

  memset(p, 0, sizeof *p);
  p->ranges = calloc(cap, sizeof *p->ranges);
  p->keys = malloc(cap * 2 * HIST_KEY_MAX);
  if (p->ranges == NULL || p->keys == NULL) {
    retention_plan_free(p);
    return -ENOMEM;
  }
  for (size_t li = 0; li < pl->nlines; li++) {
    add_range(p, HIST_LINE, pl->lines[li].id, history);
    add_range(p, HIST_SAMPLES, pl->lines[li].id, samples);
    add_range(p, HIST_HANDOVER, pl->lines[li].id, history);
  }
  for (size_t ei = 0; ei < pl->nequipment; ei++) {
    add_range(p, HIST_EQUIPMENT, pl->equipment[ei].id, history);
    add_range(p, HIST_ACCOUNTING, pl->equipment[ei].id, history);
  }
  p->stop_cutoff = history;
  return 0;
}

typedef struct stop_walk {
  int64_t cutoff;   /* stops that ended before this go */
  size_t budget;    /* stops to look at, at most */
  uint64_t to;      /* the first id kept */
  uint64_t last;    /* the newest stop's id: always kept, since the hub
                       numbers new stops after the last key (stops.c) */
  fh_key_range *ix; /* the index entries of the stops that go, one range
                       [key, key + "\0") each */
  uint8_t *keys;    /* their bytes, 2 * DT_INDEX_KEY_MAX + 2 a stop */
  size_t n;         /* entries used */
} stop_walk;

/* The range that deletes exactly ev's index entry. */
static void add_entry(stop_walk *w, const dt_event *ev) {
  uint8_t *from = w->keys + w->n * (2 * DT_INDEX_KEY_MAX + 2);
  uint8_t *to = from + DT_INDEX_KEY_MAX + 1;
  size_t klen = dt_index_key(ev->d.line, ev->d.start, ev->d.id, from);
  if (klen == 0) return;
  memcpy(to, from, klen);
  to[klen] = 0; /* the first key after it */
  w->ix[w->n++] = (fh_key_range){FH_T_STOP_INDEX, from, klen, to, klen + 1};
}

static int stop_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  stop_walk *w = arg;
  dt_event ev;
  uint64_t id = 0;
  for (size_t i = 0; klen == 8 && i < 8; i++) id = id << 8 | ((const uint8_t *)key)[i];
  if (w->budget == 0 || id >= w->last || dt_decode(&ev, val, vlen) != 0 || ev.d.end == 0 ||
      ev.d.end >= w->cutoff)
    return 1; /* kept (or unreadable: left for a person to look at) */
  w->budget--;
  w->to = id + 1;
  add_entry(w, &ev);
  return 0;
}

static int last_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen) {
  uint64_t *id = arg;
  (void)val;
  (void)vlen;
  for (size_t i = 0; klen == 8 && i < 8; i++) *id = *id << 8 | ((const uint8_t *)key)[i];
  return 0;
}

/* The stops' range, then their index entries: a budget cut never leaves
 * a stop without its entry (the walk took at most half the budget). */
static int delete_stops(fh_store *s, retention_plan *p, stop_walk *w, size_t max) {
  fh_key_range *all;
  int rc;
  if (w->to == 0) return 0;
  if ((all = calloc(1 + w->n, sizeof *all)) == NULL) return -ENOMEM;
  for (int i = 0; i < 8; i++) p->stops_to[i] = (uint8_t)(w->to >> (56 - 8 * i));
  all[0] = (fh_key_range){FH_T_DOWNTIME, NULL, 0, p->stops_to, 8};
  memcpy(all + 1, w->ix, w->n * sizeof *all);
  rc = fh_store_delete_ranges(s, all, 1 + w->n, max);
  free(all);
  return rc;
}

/* The shift records and samples first (one transaction), then the stops
 * with what is left of the budget (another). */
int retention_run(fh_store *s, retention_plan *p, size_t max) {
  stop_walk w = {p->stop_cutoff, 0, 0, 0, NULL, NULL, 0};
  int done = fh_store_delete_ranges(s, p->ranges, p->n, max), rc = -ENOMEM;
  if (done < 0 || (size_t)done >= max) return done;
  if (fh_store_last(s, FH_T_DOWNTIME, last_cb, &w.last) != 0) return done; /* no stops */
  w.budget = (max - (size_t)done) / 2;
  w.ix = calloc(w.budget + 1, sizeof *w.ix);
  w.keys = malloc((w.budget + 1) * (2 * DT_INDEX_KEY_MAX + 2));
  if (w.ix != NULL && w.keys != NULL &&
      (rc = fh_store_scan(s, FH_T_DOWNTIME, NULL, 0, stop_cb, &w)) >= 0)
    rc = delete_stops(s, p, &w, max - (size_t)done);
  free(w.ix);
  free(w.keys);
  return rc < 0 ? rc : done + rc;
}

void retention_plan_free(retention_plan *p) {
  free(p->ranges);
  free(p->keys);
  memset(p, 0, sizeof *p);
}
