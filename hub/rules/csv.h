/* csv.h -- the rows of the CSV exports as RFC 4180 text (csv.c).
 *
 * Shared by the hub's HTTP export (hub/core/export.c) and `floorctl
 * history` (hub/admin), so that both print byte for byte the same rows:
 * a field holding a comma, a quote or a line break is quoted (quotes
 * doubled), rows end in CRLF, times are ISO 8601 in the plant's zone with
 * the offset (iso_time.h) and nil (0) is an empty field, booleans are
 * true/false, ratios have 17 significant digits (they read back as the
 * doubles oee.history sends).  Columns are the key names of the WebSocket
 * replies and entities (PROTOCOL.md section 10.1).  Each function appends
 * to out and returns 0 or -ENOMEM.
 */
#ifndef FH_HUB_CSV_H
#define FH_HUB_CSV_H

#include "fh_downtime.h"
#include "fh_protocol.h"
#include "history.h"

/* oee.csv: the header and one oee.history row. */
int csv_oee_header(fh_buf *out);
int csv_oee_row(fh_buf *out, const hist_acc *a);

/* downtime.csv: the header (states.<state> per machine state last) and
 * one stop (refreshed by the caller: dt_refresh). */
int csv_downtime_header(fh_buf *out);
int csv_downtime_row(fh_buf *out, const fh_downtime *d);

/* andons.csv: the header and one andon. */
int csv_andon_header(fh_buf *out);
int csv_andon_row(fh_buf *out, const fh_andon *a);

/* runs.csv: the header and one production run. */
int csv_run_header(fh_buf *out);
int csv_run_row(fh_buf *out, const fh_run *r);

#endif
