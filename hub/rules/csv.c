/* csv.c -- CSV fields and the rows of the exports (see csv.h).
 *
 * A row is written field by field: put_str quotes when it must, the typed
 * writers format a number, a time or a boolean and hand it to put_str.
 * The first field of a row has no separator before it (`first`).
 */
#include "csv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "iso_time.h"

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

/* An id (the first column of stops and andons). */
static int put_id(fh_buf *out, uint64_t id) {
  char n[24];
  snprintf(n, sizeof n, "%" PRIu64, id);
  return put_str(out, 1, n);
}

static int end_row(fh_buf *out) { return fh_buf_append(out, "\r\n", 2); }

/* The header: names separated by commas, then the line end. */
static int put_header(fh_buf *out, const char *const *names) {
  int rc = 0;
  for (size_t i = 0; rc == 0 && names[i] != NULL; i++) rc = put_str(out, i == 0, names[i]);
  return rc == 0 ? end_row(out) : rc;
}

/* ------------------------------------------------------------ oee.csv */

int csv_oee_header(fh_buf *out) {
  static const char *const cols[] = {
      "start", "end", "planned_ms", "run_ms", "not_monitored_ms", "good", "reject",
      "availability", "performance", "quality", "oee", "open", "target", NULL};
  return put_header(out, cols);
}

int csv_oee_row(fh_buf *out, const hist_acc *a) {
  char target[24] = "";
  double av, pf, q, oee;
  if (a->has_target) snprintf(target, sizeof target, "%" PRIu64, a->target);
  hist_figures(a, &av, &pf, &q, &oee);
  if (put_t(out, 1, a->start) || put_t(out, 0, a->end) || put_u(out, a->planned_ms) ||
      put_u(out, a->run_ms) || put_u(out, a->not_monitored_ms) || put_u(out, a->good) ||
      put_u(out, a->reject) || put_d(out, av) || put_d(out, pf) || put_d(out, q) ||
      put_d(out, oee) || put_b(out, a->open) || put_str(out, 0, target) || end_row(out))
    return -ENOMEM;
  return 0;
}

/* ------------------------------------------------------- downtime.csv */

int csv_downtime_header(fh_buf *out) {
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

int csv_downtime_row(fh_buf *out, const fh_downtime *d) {
  int rc = put_id(out, d->id) || put_str(out, 0, d->line) || put_str(out, 0, d->equipment) ||
           put_t(out, 0, d->start) || put_t(out, 0, d->end) || put_u(out, d->duration_ms) ||
           put_str(out, 0, d->machine_reason) || put_str(out, 0, d->reason) ||
           put_str(out, 0, d->category) || put_str(out, 0, d->classified_by) ||
           put_t(out, 0, d->classified_at) || put_str(out, 0, d->note) ||
           put_b(out, d->short_stop) || put_b(out, d->needs_reason);
  for (int s = 0; rc == 0 && s < FH_EQ__COUNT; s++) rc = put_u(out, d->states[s]);
  return rc == 0 ? end_row(out) : -ENOMEM;
}

/* --------------------------------------------------------- andons.csv */

int csv_andon_header(fh_buf *out) {
  static const char *const cols[] = {
      "id", "line", "equipment", "kind", "severity", "state", "level", "raised_at",
      "raised_by", "raised_via", "acked_at", "acked_by", "acked_via", "resolved_at",
      "resolved_by", "reason", "note", "ack_s", "repair_s", NULL};
  return put_header(out, cols);
}

/* Seconds from `from` to `to` as the andon entity sends them, or an empty
 * field when they do not apply. */
static int put_seconds(fh_buf *out, int applies, int64_t from, int64_t to) {
  char n[32] = "";
  if (applies) snprintf(n, sizeof n, "%.17g", (double)(to - from) / 1000.0);
  return put_str(out, 0, n);
}

int csv_andon_row(fh_buf *out, const fh_andon *a) {
  if (put_id(out, a->id) || put_str(out, 0, a->line) || put_str(out, 0, a->equipment) ||
      put_str(out, 0, a->kind) || put_u(out, a->severity) ||
      put_str(out, 0, fh_andon_state_name(a->state)) || put_u(out, a->level) ||
      put_t(out, 0, a->raised_at) || put_str(out, 0, a->raised_by) ||
      put_str(out, 0, a->raised_via) || put_t(out, 0, a->acked_at) ||
      put_str(out, 0, a->acked_by) || put_str(out, 0, a->acked_via) ||
      put_t(out, 0, a->resolved_at) || put_str(out, 0, a->resolved_by) ||
      put_str(out, 0, a->reason) || put_str(out, 0, a->note) ||
      put_seconds(out, a->acked_at != 0, a->raised_at, a->acked_at) ||
      put_seconds(out, a->state == FH_ANDON_RESOLVED && a->acked_at != 0, a->acked_at,
                  a->resolved_at) ||
      end_row(out))
    return -ENOMEM;
  return 0;
}

/* ----------------------------------------------------------- runs.csv */

int csv_run_header(fh_buf *out) {
  static const char *const cols[] = {
      "id", "line", "product", "order", "target_qty", "started_at", "started_by",
      "ended_at", "ended_by", "good", "reject", "changeover_ms", "changeover_target_s", NULL};
  return put_header(out, cols);
}

int csv_run_row(fh_buf *out, const fh_run *r) {
  char qty[24] = "", target[24] = "";
  if (r->target_qty) snprintf(qty, sizeof qty, "%" PRIu64, r->target_qty);
  if (r->changeover_target_s) snprintf(target, sizeof target, "%u", r->changeover_target_s);
  if (put_id(out, r->id) || put_str(out, 0, r->line) || put_str(out, 0, r->product) ||
      put_str(out, 0, r->order) || put_str(out, 0, qty) || put_t(out, 0, r->started_at) ||
      put_str(out, 0, r->started_by) || put_t(out, 0, r->ended_at) ||
      put_str(out, 0, r->ended_by) || put_u(out, r->good) || put_u(out, r->reject) ||
      put_u(out, r->changeover_ms) || put_str(out, 0, target) || end_row(out))
    return -ENOMEM;
  return 0;
}
