/* history.h -- OEE over days, weeks and months from closed shift records.
 *
 * A history row sums the times and counts of the shift records whose shift
 * started inside its period, and computes the ratios from those sums, never
 * as an average of ratios: A = run / planned, P = ideal / run (the ideal
 * time of a record is its performance x its run time), Q = good / (good +
 * reject), OEE = A x min(P, 1) x Q.  For one shift the row has the figures
 * of its record.
 *
 * Periods are the plant's local calendar (the hub sets TZ from the plant
 * file): a day is local midnight to midnight (23 or 25 hours across a DST
 * change), a week starts on Monday (ISO 8601), a month on its first day; a
 * shift belongs to the period it started in, so a night shift crossing
 * midnight is counted on the day it began.  Group "shift" is one row per
 * record, spanning the shift.
 */
#ifndef FH_HUB_HISTORY_H
#define FH_HUB_HISTORY_H

#include <stdint.h>

#include "fh_entities.h"

typedef enum hist_group {
  HIST_SHIFT = 0,  /* one row per shift */
  HIST_DAY,        /* local calendar day */
  HIST_WEEK,       /* ISO week, from Monday 00:00 local */
  HIST_MONTH,      /* calendar month */
  HIST__COUNT
} hist_group;

/* The sums behind one row. */
typedef struct hist_acc {
  int64_t start;              /* period start, ms */
  int64_t end;                /* period end (exclusive), ms */
  uint64_t planned_ms;        /* sum of the records' planned time */
  uint64_t run_ms;            /* ... run time */
  uint64_t not_monitored_ms;  /* ... time before the hub knew a state */
  uint64_t good;              /* ... good counts */
  uint64_t reject;            /* ... reject counts */
  double ideal_ms;            /* sum of performance x run_ms */
  uint32_t shifts;            /* records summed */
  int open;                   /* one of them is the running shift */
  uint64_t target;            /* sum of the closed records' targets */
  int has_target;             /* one of them had a target */
} hist_acc;

/* Where the closed shift records are kept (FH_T_SHIFTS): a line's under
 * "rec/<line>/", an equipment's under "eqr/<equipment>/", each followed by
 * the shift start as u64 big-endian, so a prefix scan visits one line's or
 * one equipment's shifts in time order. */
typedef enum hist_owner {
  HIST_LINE = 0,   /* "rec/" */
  HIST_EQUIPMENT,  /* "eqr/" */
  HIST_SAMPLES,    /* "smp/<line>/" + the minute: a line's OEE samples */
  HIST_ACCOUNTING, /* "acc/<equipment>/": its closed shift's accumulator
                      (re-accounting, hub/core/reaccount.c) */
  HIST_HANDOVER,   /* "hov/<line>/": the handover of a line's closed shift */
} hist_owner;

#define HIST_KEY_MAX (4 + FH_ID_MAX + 1 + 8) /* the longest record key */

/* The prefix of owner id's records into prefix (HIST_KEY_MAX bytes); its
 * length, or 0 when id is too long. */
size_t hist_record_prefix(hist_owner owner, const char *id, uint8_t *prefix);
/* The record key of owner id's shift starting at start; its length, or 0. */
size_t hist_record_key(hist_owner owner, const char *id, int64_t start, uint8_t *key);
/* The shift start at the end of a record key (0 when klen < 8). */
int64_t hist_key_start(const uint8_t *key, size_t klen);

/* "shift", "day", "week", "month" -> the group; -1 for anything else. */
int hist_group_parse(const char *s, size_t n);

/* The period of group g that holds a shift starting at shift_start (and,
 * for HIST_SHIFT, ending at shift_end): [*start, *end).  0, or -EINVAL when
 * the local calendar cannot represent the time. */
int hist_period(hist_group g, int64_t shift_start, int64_t shift_end,
                int64_t *start, int64_t *end);

/* The element of an array (rowsp: the address of the caller's pointer to
 * it, of any element type; n used, cap allocated, each `size` bytes,
 * sorted by their first member, an int64_t start) that starts at start:
 * found, or inserted zeroed at its place with start set.  NULL on ENOMEM
 * (the array unchanged). */
void *hist_slot(void *rowsp, size_t *n, size_t *cap, size_t size, int64_t start);

/* Adds one shift record to a row (open: it is the running shift). */
void hist_add(hist_acc *a, const fh_oee *rec, int open);

/* The row's figures from its sums (each 0 when its denominator is 0). */
void hist_figures(const hist_acc *a, double *availability, double *performance,
                  double *quality, double *oee);

/* The rows of a query being summed (history_rows.c): the records of the
 * shifts that started in [from, to), each added to the row of its period,
 * rows sorted by start.  Shared by oee.history, the CSV export and
 * `floorctl history`, which differ only in where the records come from. */
/* Instead of summing: called with each record in range (open: the
 * running shift, raw NULL), with the stored bytes of a closed one (raw,
 * n: its map, which may hold more keys than fh_oee, e.g. by_product); a
 * non-zero return stops the walk. */
typedef int (*hist_visit_fn)(void *arg, const fh_oee *rec, const uint8_t *raw,
                             size_t n, int open);

typedef struct hist_rows {
  hist_group group;      /* the period asked for */
  int64_t from, to;      /* shifts starting in [from, to) */
  hist_acc *rows;        /* by start, ascending; owned */
  size_t n, cap;         /* entries used, allocated */
  hist_visit_fn visit;   /* set: records go to it, no rows are summed */
  void *arg;             /* visit's */
  int rc;                /* 0, the first failure (-ENOMEM, -EINVAL) or
                            visit's non-zero */
} hist_rows;

/* An empty set of rows for group over [from, to). */
void hist_rows_init(hist_rows *r, hist_group group, int64_t from, int64_t to);
/* Adds one record (open: the running shift) when its shift started in
 * the range; a failure is kept in r->rc. */
void hist_rows_add(hist_rows *r, const fh_oee *rec, int open);
/* A stored record (key as hist_record_key makes it, value the encoded
 * fh_oee) into the rows of arg (a hist_rows); the range is checked on the
 * key before the record is decoded.  Has the signature of the store's
 * scan callback; returns r->rc (non-zero stops the scan). */
int hist_rows_record(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen);
/* Frees the rows. */
void hist_rows_free(hist_rows *r);

#endif
