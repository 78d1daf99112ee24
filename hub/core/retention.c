/* retention.c -- history kept history_days, samples samples_days (see
 * retention.h). */
#include "retention.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "downtime.h"
#include "history.h"

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
} stop_walk;

static int stop_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  stop_walk *w = arg;
  dt_event ev;
  uint64_t id = 0;
  for (size_t i = 0; klen == 8 && i < 8; i++) id = id << 8 | ((const uint8_t *)key)[i];
  if (w->budget == 0 || dt_decode(&ev, val, vlen) != 0 || ev.d.end == 0 ||
      ev.d.end >= w->cutoff)
    return 1; /* kept (or unreadable: left for a person to look at) */
  w->budget--;
  w->to = id + 1;
  return 0;
}

int retention_run(fh_store *s, retention_plan *p, size_t max) {
  stop_walk w = {p->stop_cutoff, max, 0};
  int rc = fh_store_scan(s, FH_T_DOWNTIME, NULL, 0, stop_cb, &w);
  size_t n = p->n;
  if (rc < 0) return rc;
  if (w.to > 0) {
    for (int i = 0; i < 8; i++) p->stops_to[i] = (uint8_t)(w.to >> (56 - 8 * i));
    p->ranges[n++] = (fh_key_range){FH_T_DOWNTIME, NULL, 0, p->stops_to, 8};
  }
  return fh_store_delete_ranges(s, p->ranges, n, max);
}

void retention_plan_free(retention_plan *p) {
  free(p->ranges);
  free(p->keys);
  memset(p, 0, sizeof *p);
}
