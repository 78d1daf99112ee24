/* export.c -- the CSV exports (see export.h): the jobs; the rows are
 * written by the rules (csv.h), which floorctl history shares. */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "downtime.h"
#include "model.h"
#include "oee_history.h"
#include "stops.h"

/* ---------------------------------------------------- the store's records */

static int stop_cb(export_job *j, const void *val, size_t vlen) {
  dt_event ev;
  if (!history_scope_stop(j->h, &j->q.scope, val, vlen, j->q.from, j->q.to,
                          hub_now_ms(j->h), &ev))
    return 0;
  return csv_downtime_row(j->out, &ev.d);
}

static int andon_cb(export_job *j, const void *val, size_t vlen) {
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  fh_andon a;
  memset(&a, 0, sizeof a);
  if (fh_dec_andon(&c, &a) != 0 ||
      !history_scope_has(j->h, &j->q.scope, a.line, a.equipment, a.raised_at, a.resolved_at,
                         j->q.from, j->q.to))
    return 0;
  return csv_andon_row(j->out, &a);
}

/* One record of the table being exported: its row if it matches; 1 (stop
 * the scan) once the slice is full. */
static int record_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  export_job *j = arg;
  uint64_t id = 0;
  int rc;
  for (size_t i = 0; klen == 8 && i < 8; i++) id = id << 8 | ((const uint8_t *)key)[i];
  rc = j->q.kind == EXPORT_DOWNTIME ? stop_cb(j, val, vlen) : andon_cb(j, val, vlen);
  if (rc < 0) return rc;
  j->next_id = id + 1;
  return fh_buf_payload_len(j->out) >= j->budget ? 1 : 0;
}

/* The next slice of stops or andons: 1 more, 0 done, or a negative errno. */
static int next_records(export_job *j) {
  uint8_t from[8];
  for (int i = 0; i < 8; i++) from[i] = (uint8_t)(j->next_id >> (56 - 8 * i));
  /* 1: record_cb stopped the scan with more to read; 0: the table's end */
  return fh_store_scan_from(j->h->store,
                            j->q.kind == EXPORT_DOWNTIME ? FH_T_DOWNTIME : FH_T_ANDONS,
                            from, sizeof from, record_cb, j);
}

/* ---------------------------------------------------------------- runs */

static int run_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen) {
  export_job *j = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  fh_run r, *grown;
  (void)key;
  (void)klen;
  memset(&r, 0, sizeof r);
  if (fh_dec_run(&c, &r) != 0 || r.started_at >= j->q.to ||
      (r.ended_at != 0 && r.ended_at <= j->q.from))
    return 0;
  if ((grown = realloc(j->runs, (j->nruns + 1) * sizeof *grown)) == NULL) return -ENOMEM;
  j->runs = grown;
  j->runs[j->nruns++] = r;
  return 0;
}

static int by_start(const void *a, const void *b) {
  const fh_run *x = a, *y = b;
  if (x->started_at != y->started_at) return x->started_at < y->started_at ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* The ended runs of the lines in scope ("runh/<line>/", run_state.c) and
 * their active ones, that overlap the range, by start. */
static int collect_runs(export_job *j) {
  char prefix[FH_ID_MAX + 8];
  int rc = 0;
  for (size_t li = 0; rc == 0 && li < j->h->model->nlines; li++) {
    const fh_run *active = &j->h->model->lines[li].run.r;
    int n;
    if (!history_scope_has_line(&j->q.scope, li)) continue;
    n = snprintf(prefix, sizeof prefix, "runh/%s/", j->h->plant->lines[li].id);
    rc = fh_store_scan(j->h->store, FH_T_SHIFTS, prefix, (size_t)n, run_cb, j);
    if (rc == 0 && active->id != 0 && active->started_at < j->q.to) {
      fh_run *grown = realloc(j->runs, (j->nruns + 1) * sizeof *grown);
      if (grown == NULL) return -ENOMEM;
      j->runs = grown;
      j->runs[j->nruns++] = *active;
    }
  }
  if (rc == 0 && j->nruns > 1) qsort(j->runs, j->nruns, sizeof *j->runs, by_start);
  return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- jobs */

static const char *const file_names[EXPORT__COUNT] = {"oee.csv", "downtime.csv",
                                                      "andons.csv", "runs.csv"};

int export_kind_from(const char *file) {
  for (int k = 0; k < EXPORT__COUNT; k++)
    if (strcmp(file, file_names[k]) == 0) return k;
  return -1;
}

const char *export_file_name(export_kind k) { return file_names[k]; }

int export_begin(hub *h, const export_query *q, export_job *j) {
  memset(j, 0, sizeof *j);
  j->h = h;
  j->q = *q;
  if (q->kind == EXPORT_RUNS) return collect_runs(j);
  if (q->kind != EXPORT_OEE) return 0;
  return oee_history_rows(h, &q->scope, q->group, q->from, q->to, &j->rows, &j->nrows);
}

int export_next(export_job *j, fh_buf *out, size_t budget) {
  int rc = 0;
  j->out = out;
  j->budget = budget;
  if (!j->header_done) {
    j->header_done = 1;
    rc = j->q.kind == EXPORT_OEE      ? csv_oee_header(out)
         : j->q.kind == EXPORT_ANDONS ? csv_andon_header(out)
         : j->q.kind == EXPORT_RUNS   ? csv_run_header(out)
                                      : csv_downtime_header(out);
    if (rc != 0) return rc;
  }
  if (j->q.kind == EXPORT_RUNS) {
    while (j->next_row < j->nruns && fh_buf_payload_len(out) < budget)
      if ((rc = csv_run_row(out, &j->runs[j->next_row++])) != 0) return rc;
    return j->next_row < j->nruns;
  }
  if (j->q.kind != EXPORT_OEE) return next_records(j);
  while (j->next_row < j->nrows && fh_buf_payload_len(out) < budget)
    if ((rc = csv_oee_row(out, &j->rows[j->next_row++])) != 0) return rc;
  return j->next_row < j->nrows;
}

void export_end(export_job *j) {
  free(j->rows);
  free(j->runs);
  j->rows = NULL;
  j->runs = NULL;
}
