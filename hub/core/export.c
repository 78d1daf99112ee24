/* export.c -- the CSV exports (see export.h). */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "downtime.h"
#include "iso_time.h"
#include "model.h"
#include "oee_history.h"
#include "stops.h"

/* ---------------------------------------------------------- CSV fields */

/* Appends s as one field, quoted when it holds a comma, a quote or a line
 * break (quotes doubled: RFC 4180); sep first unless it is the first. */
static int put_str(fh_buf *out, int first, const char *s) {
  int quote = strpbrk(s, ",\"\r\n") != NULL;
  if (!first && fh_buf_append(out, ",", 1) != 0) return -ENOMEM;
  if (!quote) return fh_buf_append(out, s, strlen(s));
  if (fh_buf_append(out, "\"", 1) != 0) return -ENOMEM;
  for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1)
    if (fh_buf_append(out, s, (size_t)(q - s) + 1) != 0 || fh_buf_append(out, "\"", 1) != 0)
      return -ENOMEM;
  if (fh_buf_append(out, s, strlen(s)) != 0) return -ENOMEM;
  return fh_buf_append(out, "\"", 1);
}

static int put_u(fh_buf *out, uint64_t v) {
  char n[24];
  snprintf(n, sizeof n, "%" PRIu64, v);
  return put_str(out, 0, n);
}

static int put_d(fh_buf *out, double v) {
  char n[32];
  snprintf(n, sizeof n, "%.17g", v);
  return put_str(out, 0, n);
}

/* A time, or an empty field for 0 (nil). */
static int put_t(fh_buf *out, int first, int64_t ms) {
  char t[ISO_TIME_LEN] = "";
  if (ms != 0) iso_time_format(ms, t);
  return put_str(out, first, t);
}

static int put_b(fh_buf *out, int v) { return put_str(out, 0, v ? "true" : "false"); }

static int end_row(fh_buf *out) { return fh_buf_append(out, "\r\n", 2); }

/* The header: names separated by commas, then the line end. */
static int put_header(fh_buf *out, const char *const *names) {
  int rc = 0;
  for (size_t i = 0; rc == 0 && names[i] != NULL; i++) rc = put_str(out, i == 0, names[i]);
  return rc == 0 ? end_row(out) : rc;
}

/* ------------------------------------------------------------ the kinds */

static const char *const oee_cols[] = {
    "start", "end", "planned_ms", "run_ms", "not_monitored_ms", "good", "reject",
    "availability", "performance", "quality", "oee", "open", NULL};

static int oee_row(fh_buf *out, const hist_acc *a) {
  double av, pf, q, oee;
  hist_figures(a, &av, &pf, &q, &oee);
  if (put_t(out, 1, a->start) || put_t(out, 0, a->end) || put_u(out, a->planned_ms) ||
      put_u(out, a->run_ms) || put_u(out, a->not_monitored_ms) || put_u(out, a->good) ||
      put_u(out, a->reject) || put_d(out, av) || put_d(out, pf) || put_d(out, q) ||
      put_d(out, oee) || put_b(out, a->open) || end_row(out))
    return -ENOMEM;
  return 0;
}

static int downtime_header(fh_buf *out) {
  static const char *const cols[] = {
      "id", "line", "equipment", "start", "end", "duration_ms", "machine_reason",
      "reason", "category", "classified_by", "classified_at", "note", "short",
      "needs_reason", NULL};
  char name[FH_KIND_MAX + 8];
  int rc = 0;
  for (size_t i = 0; rc == 0 && cols[i] != NULL; i++) rc = put_str(out, i == 0, cols[i]);
  for (int s = 0; rc == 0 && s < FH_EQ__COUNT; s++) {
    snprintf(name, sizeof name, "states.%s", fh_eq_state_name((fh_eq_state)s));
    rc = put_str(out, 0, name);
  }
  return rc == 0 ? end_row(out) : rc;
}

static int downtime_row(fh_buf *out, const fh_downtime *d) {
  char id[24];
  int rc;
  snprintf(id, sizeof id, "%" PRIu64, d->id);
  rc = put_str(out, 1, id) || put_str(out, 0, d->line) || put_str(out, 0, d->equipment) ||
       put_t(out, 0, d->start) || put_t(out, 0, d->end) || put_u(out, d->duration_ms) ||
       put_str(out, 0, d->machine_reason) || put_str(out, 0, d->reason) ||
       put_str(out, 0, d->category) || put_str(out, 0, d->classified_by) ||
       put_t(out, 0, d->classified_at) || put_str(out, 0, d->note) ||
       put_b(out, d->short_stop) || put_b(out, d->needs_reason);
  for (int s = 0; rc == 0 && s < FH_EQ__COUNT; s++) rc = put_u(out, d->states[s]);
  return rc == 0 ? end_row(out) : -ENOMEM;
}

static const char *const andon_cols[] = {
    "id", "line", "equipment", "kind", "severity", "state", "level", "raised_at",
    "raised_by", "raised_via", "acked_at", "acked_by", "acked_via", "resolved_at",
    "resolved_by", "reason", "note", NULL};

static int andon_row(fh_buf *out, const fh_andon *a) {
  char id[24];
  snprintf(id, sizeof id, "%" PRIu64, a->id);
  if (put_str(out, 1, id) || put_str(out, 0, a->line) || put_str(out, 0, a->equipment) ||
      put_str(out, 0, a->kind) || put_u(out, a->severity) ||
      put_str(out, 0, fh_andon_state_name(a->state)) || put_u(out, a->level) ||
      put_t(out, 0, a->raised_at) || put_str(out, 0, a->raised_by) ||
      put_str(out, 0, a->raised_via) || put_t(out, 0, a->acked_at) ||
      put_str(out, 0, a->acked_by) || put_str(out, 0, a->acked_via) ||
      put_t(out, 0, a->resolved_at) || put_str(out, 0, a->resolved_by) ||
      put_str(out, 0, a->reason) || put_str(out, 0, a->note) || end_row(out))
    return -ENOMEM;
  return 0;
}

/* ---------------------------------------------------- the store's records */

static int stop_cb(export_job *j, const void *val, size_t vlen) {
  dt_event ev;
  if (!history_scope_stop(j->h, &j->q.scope, val, vlen, j->q.from, j->q.to,
                          hub_now_ms(j->h), &ev))
    return 0;
  return downtime_row(j->out, &ev.d);
}

static int andon_cb(export_job *j, const void *val, size_t vlen) {
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  fh_andon a;
  memset(&a, 0, sizeof a);
  if (fh_dec_andon(&c, &a) != 0 ||
      !history_scope_has(j->h, &j->q.scope, a.line, a.equipment, a.raised_at, a.resolved_at,
                         j->q.from, j->q.to))
    return 0;
  return andon_row(j->out, &a);
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

/* ---------------------------------------------------------------- jobs */

static const char *const file_names[EXPORT__COUNT] = {"oee.csv", "downtime.csv",
                                                      "andons.csv"};

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
  if (q->kind != EXPORT_OEE) return 0;
  return oee_history_rows(h, &q->scope, q->group, q->from, q->to, &j->rows, &j->nrows);
}

int export_next(export_job *j, fh_buf *out, size_t budget) {
  int rc = 0;
  j->out = out;
  j->budget = budget;
  if (!j->header_done) {
    j->header_done = 1;
    rc = j->q.kind == EXPORT_OEE      ? put_header(out, oee_cols)
         : j->q.kind == EXPORT_ANDONS ? put_header(out, andon_cols)
                                      : downtime_header(out);
    if (rc != 0) return rc;
  }
  if (j->q.kind != EXPORT_OEE) return next_records(j);
  while (j->next_row < j->nrows && fh_buf_payload_len(out) < budget)
    if ((rc = oee_row(out, &j->rows[j->next_row++])) != 0) return rc;
  return j->next_row < j->nrows;
}

void export_end(export_job *j) {
  free(j->rows);
  j->rows = NULL;
}
