/* floorctl_history.c -- `floorctl history`: the hub's CSV exports, read
 * offline from the store (a backup copy of the history, or a look at it
 * without a token).
 *
 * Design: the rows are the hub's, written by the same rules: the shift
 * records are summed into periods by hist_rows (history.h), the stops are
 * refreshed by dt_refresh with the line's stop times (plant.h), and every
 * row is printed by csv.h, the writer of GET /api/v1/export/oee.csv and
 * downtime.csv (PROTOCOL.md section 10.1): same columns, RFC 4180, times
 * in the plant's zone (TZ is set from the plant file, as the hub does).
 * What differs is what a store holds that the hub's memory does not: only
 * the closed shift records are summed (the running shift, which the hub
 * adds as the `open` row, is not in the store), and only closed stops are
 * printed (an open stop has no end yet).  The store is opened read-only,
 * so it works beside a running hub (LMDB readers do not block its
 * writer); each line or equipment is one prefix scan, the stops one scan
 * of their table, and rows go to stdout a slice at a time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "downtime.h"
#include "fh_storage.h"
#include "floorctl.h"
#include "history.h"
#include "iso_time.h"
#include "plant.h"

#define CMD "history"
#define SLICE 16384 /* bytes written to stdout at a time */

typedef struct hist_args {
  const char *data, *plant;   /* --data DIR, --plant FILE */
  const char *scope;          /* --scope, NULL: from --line / --equipment */
  const char *line, *equipment; /* --line, --equipment, or NULL */
  const char *from, *to;      /* --from, --to as given */
  const char *group;          /* --group, NULL: "day" */
  const char *what;           /* --what, default "oee" */
} hist_args;

typedef struct hist_job {
  const plant *p;             /* the layout */
  fh_store *store;            /* opened read-only */
  fh_buf out;                 /* the slice being written */
  const plant_line *line;     /* scope line: the line, else NULL */
  const plant_equipment *eq;  /* scope equipment: the equipment, else NULL */
  int64_t from, to;           /* the range, ms, to exclusive */
  hist_group group;           /* --what oee: the periods */
  int rc;                     /* the first failure */
} hist_job;

static int parse_args(int argc, char **argv, hist_args *a) {
  static const struct option opts[] = {
      {"data", required_argument, NULL, 'd'},  {"plant", required_argument, NULL, 'p'},
      {"scope", required_argument, NULL, 's'}, {"line", required_argument, NULL, 'l'},
      {"equipment", required_argument, NULL, 'e'},
      {"from", required_argument, NULL, 'f'},  {"to", required_argument, NULL, 't'},
      {"group", required_argument, NULL, 'g'}, {"what", required_argument, NULL, 'w'},
      {NULL, 0, NULL, 0}};
  int c;
  memset(a, 0, sizeof *a);
  a->what = "oee";
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'd': a->data = optarg; break;
      case 'p': a->plant = optarg; break;
      case 's': a->scope = optarg; break;
      case 'l': a->line = optarg; break;
      case 'e': a->equipment = optarg; break;
      case 'f': a->from = optarg; break;
      case 't': a->to = optarg; break;
      case 'g': a->group = optarg; break;
      case 'w': a->what = optarg; break;
      default: return floorctl_bad_option(CMD, argv);
    }
  }
  if (a->data == NULL || a->plant == NULL || a->from == NULL || a->to == NULL)
    return floorctl_usage(CMD, "--data DIR, --plant FILE, --from and --to are required");
  if (optind != argc) return floorctl_usage(CMD, "unexpected argument '%s'", argv[optind]);
  if (strcmp(a->what, "oee") != 0 && strcmp(a->what, "downtime") != 0)
    return floorctl_usage(CMD, "--what must be oee or downtime");
  return 0;
}

/* The scope as the export has it: --scope, else equipment when
 * --equipment is given, line when --line is, else the plant. */
static int resolve_scope(const hist_args *a, hist_job *j) {
  const char *scope = a->scope ? a->scope
                      : a->equipment ? "equipment"
                      : a->line      ? "line"
                                     : "plant";
  if (strcmp(scope, "line") == 0) {
    if (a->line == NULL) return floorctl_usage(CMD, "--scope line needs --line");
    if ((j->line = plant_line_find(j->p, a->line, strlen(a->line))) == NULL)
      return floorctl_usage(CMD, "--line: no line '%s' in the plant", a->line);
  } else if (strcmp(scope, "equipment") == 0) {
    if (a->equipment == NULL) return floorctl_usage(CMD, "--scope equipment needs --equipment");
    if ((j->eq = plant_equipment_find(j->p, a->equipment, strlen(a->equipment))) == NULL)
      return floorctl_usage(CMD, "--equipment: no equipment '%s' in the plant", a->equipment);
  } else if (strcmp(scope, "plant") != 0) {
    return floorctl_usage(CMD, "--scope must be line, equipment or plant");
  }
  return 0;
}

/* Range and group (after TZ is the plant's: dates are its local days). */
static int resolve_query(const hist_args *a, hist_job *j) {
  const char *group = a->group ? a->group : "day";
  int g = hist_group_parse(group, strlen(group));
  if (iso_time_parse(a->from, &j->from) != 0)
    return floorctl_usage(CMD, "--from must be a date or an ISO 8601 time");
  if (iso_time_parse(a->to, &j->to) != 0)
    return floorctl_usage(CMD, "--to must be a date or an ISO 8601 time");
  if (j->to <= j->from) return floorctl_usage(CMD, "--to must be after --from");
  if (g < 0) return floorctl_usage(CMD, "--group must be shift, day, week or month");
  if (a->group != NULL && strcmp(a->what, "oee") != 0)
    return floorctl_usage(CMD, "--group is for --what oee only");
  j->group = (hist_group)g;
  return resolve_scope(a, j);
}

/* Writes the slice to stdout once it holds SLICE bytes (all: force). */
static int flush_out(hist_job *j, int force) {
  size_t n = fh_buf_payload_len(&j->out);
  if (!force && n < SLICE) return 0;
  if (n > 0 && fwrite(fh_buf_payload(&j->out), 1, n, stdout) != n) return -EIO;
  fh_buf_reset(&j->out);
  return 0;
}

/* The closed shift records of one line or equipment into rows. */
static int scan_owner(hist_job *j, hist_rows *rows, hist_owner owner, const char *id) {
  uint8_t prefix[HIST_KEY_MAX];
  size_t n = hist_record_prefix(owner, id, prefix);
  int rc = n ? fh_store_scan(j->store, FH_T_SHIFTS, prefix, n, hist_rows_record, rows)
             : -EINVAL;
  return rc < 0 ? rc : rows->rc;
}

static int print_oee(hist_job *j) {
  hist_rows rows;
  int rc = 0;
  hist_rows_init(&rows, j->group, j->from, j->to);
  if (j->eq != NULL)
    rc = scan_owner(j, &rows, HIST_EQUIPMENT, j->eq->id);
  for (size_t li = 0; j->eq == NULL && rc == 0 && li < j->p->nlines; li++)
    if (j->line == NULL || j->line == &j->p->lines[li])
      rc = scan_owner(j, &rows, HIST_LINE, j->p->lines[li].id);
  if (rc == 0) rc = csv_oee_header(&j->out);
  for (size_t i = 0; rc == 0 && i < rows.n; i++)
    if ((rc = csv_oee_row(&j->out, &rows.rows[i])) == 0) rc = flush_out(j, 0);
  hist_rows_free(&rows);
  return rc;
}

/* 1 when the closed stop is in the scope and overlaps the range. */
static int stop_wanted(const hist_job *j, const fh_downtime *d) {
  const plant_line *l = plant_line_find(j->p, d->line, strlen(d->line));
  if (l == NULL || d->end == 0 || (j->line != NULL && l != j->line)) return 0;
  if (j->eq != NULL && strcmp(d->equipment, j->eq->id) != 0) return 0;
  return d->start < j->to && d->end > j->from;
}

static int stop_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen) {
  hist_job *j = arg;
  dt_event ev;
  dt_limits lim;
  (void)key;
  (void)klen;
  if (dt_decode(&ev, val, vlen) != 0 || !stop_wanted(j, &ev.d)) return 0;
  lim = plant_stop_limits(plant_line_find(j->p, ev.d.line, strlen(ev.d.line)));
  dt_refresh(&ev, ev.d.end, &lim);
  if ((j->rc = csv_downtime_row(&j->out, &ev.d)) == 0) j->rc = flush_out(j, 0);
  return j->rc;
}

static int print_downtime(hist_job *j) {
  int rc = csv_downtime_header(&j->out);
  if (rc == 0) rc = fh_store_scan(j->store, FH_T_DOWNTIME, NULL, 0, stop_cb, j);
  return rc < 0 ? rc : j->rc;
}

int floorctl_history(int argc, char **argv) {
  plant *p = NULL;
  hist_job j;
  hist_args a;
  int rc = parse_args(argc, argv, &a);

  if (rc != 0) return rc;
  memset(&j, 0, sizeof j);
  fh_buf_init(&j.out, 0);
  if ((rc = floorctl_plant_load(CMD, a.plant, &p)) != 0) return rc;
  j.p = p;
  if ((rc = resolve_query(&a, &j)) != 0 ||
      (rc = floorctl_store_open_ro(CMD, a.data, &j.store)) != 0)
    goto fail;
  rc = strcmp(a.what, "oee") == 0 ? print_oee(&j) : print_downtime(&j);
  if (rc == 0) rc = flush_out(&j, 1);
  if (rc == 0 && fflush(stdout) != 0) rc = -EIO;
  if (rc != 0) rc = floorctl_fail(CMD, "%s", fh_store_strerror(rc));
fail:
  fh_store_close(j.store);
  fh_buf_free(&j.out);
  plant_free(p);
  return rc;
}
