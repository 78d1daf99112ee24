/* export.h -- the CSV exports: OEE history, stops and andons as RFC 4180
 * text, produced a slice at a time (export.c).
 *
 * A job is begun with the checked query (the HTTP layer parses the URL and
 * the token), then export_next appends the header and rows to a buffer,
 * about `budget` bytes per call, until it says the end is reached: the
 * HTTP layer sends each slice when the socket is writeable, so memory
 * stays flat however long the range.  OEE rows are the rows of
 * oee.history (computed when the job begins: one per shift at most); the
 * stops and the andons are read from the store in id order, each slice in
 * its own read transaction, resuming after the last id sent.  Columns are
 * the key names of the WebSocket replies and entities; times are ISO 8601
 * in the plant's zone with the offset (iso_time.h), nil is an empty field,
 * booleans are true/false, ratios are printed to 17 significant digits
 * (they read back as the same doubles oee.history sends).
 */
#ifndef FH_HUB_EXPORT_H
#define FH_HUB_EXPORT_H

#include "history.h"
#include "history_scope.h"
#include "hub.h"

typedef enum export_kind {
  EXPORT_OEE = 0,   /* oee.csv: oee.history rows */
  EXPORT_DOWNTIME,  /* downtime.csv: the stops that overlap the range */
  EXPORT_ANDONS,    /* andons.csv: the andons open during the range */
  EXPORT_RUNS,      /* runs.csv: the production runs active during the range */
  EXPORT__COUNT
} export_kind;

typedef struct export_query {
  export_kind kind;     /* what */
  history_scope scope;  /* which line, equipment or the plant */
  int64_t from, to;     /* the range, ms, to exclusive */
  hist_group group;     /* EXPORT_OEE: the periods */
} export_query;

typedef struct export_job {
  hub *h;               /* the hub (store, plant) */
  export_query q;       /* the query */
  hist_acc *rows;       /* EXPORT_OEE: every row; owned */
  size_t nrows;         /* entries in rows */
  size_t next_row;      /* EXPORT_OEE, EXPORT_RUNS: the next row to write */
  fh_run *runs;         /* EXPORT_RUNS: every run, by start; owned */
  size_t nruns;         /* entries in runs */
  uint64_t next_id;     /* stops, andons: the next id to read */
  int header_done;      /* the header row is written */
  fh_buf *out;          /* during export_next: where rows go */
  size_t budget;        /* during export_next: stop after this many bytes */
} export_job;

/* The kind named by a file name ("oee.csv"); -1 when there is none. */
int export_kind_from(const char *file);
/* The file name of a kind, for Content-Disposition. */
const char *export_file_name(export_kind k);

/* Begins the job.  0, or a negative errno (the store). */
int export_begin(hub *h, const export_query *q, export_job *j);
/* Appends the next slice (at least one row when any remain) to out.
 * 1 while more remain, 0 when the export is complete, or a negative errno. */
int export_next(export_job *j, fh_buf *out, size_t budget);
/* Frees what the job holds. */
void export_end(export_job *j);

#endif
