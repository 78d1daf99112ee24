/* pareto.c -- the loss Pareto of a period (see pareto.h). */
#include "pareto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pareto_init(pareto *pa) { memset(pa, 0, sizeof *pa); }

void pareto_free(pareto *pa) {
  free(pa->rows);
  pareto_init(pa);
}

/* The row of (reason, category), appended zeroed when new; NULL on ENOMEM. */
static fh_pareto_row *row_of(pareto *pa, const char *reason, const char *category) {
  for (size_t i = 0; i < pa->n; i++)
    if (!strcmp(pa->rows[i].reason, reason) && !strcmp(pa->rows[i].category, category))
      return &pa->rows[i];
  if (pa->n == pa->cap) {
    size_t cap = pa->cap ? 2 * pa->cap : 16;
    fh_pareto_row *rows = realloc(pa->rows, cap * sizeof *rows);
    if (rows == NULL) return NULL;
    pa->rows = rows;
    pa->cap = cap;
  }
  memset(&pa->rows[pa->n], 0, sizeof pa->rows[pa->n]);
  snprintf(pa->rows[pa->n].reason, sizeof pa->rows[pa->n].reason, "%s", reason);
  snprintf(pa->rows[pa->n].category, sizeof pa->rows[pa->n].category, "%s", category);
  return &pa->rows[pa->n++];
}

int pareto_add(pareto *pa, const fh_downtime *d, int64_t from, int64_t to,
               int64_t now_ms) {
  int64_t end = d->end != 0 ? d->end : now_ms;
  int64_t lo = d->start > from ? d->start : from, hi = end < to ? end : to;
  fh_pareto_row *row;
  if (d->start >= to || end <= from) return 0;
  if (d->short_stop) row = row_of(pa, "", "small_stop");
  else if (d->reason[0] == '\0') row = row_of(pa, "", "unclassified");
  else row = row_of(pa, d->reason, d->category);
  if (row == NULL) return -ENOMEM;
  row->ms += hi > lo ? (uint64_t)(hi - lo) : 0;
  row->count++;
  return 0;
}

static int largest_first(const void *a, const void *b) {
  const fh_pareto_row *x = a, *y = b;
  if (x->ms != y->ms) return x->ms < y->ms ? 1 : -1;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->reason, y->reason);
}

void pareto_finish(pareto *pa, size_t top) {
  uint64_t total = 0, cum = 0;
  if (pa->n > 1) qsort(pa->rows, pa->n, sizeof *pa->rows, largest_first);
  if (top > 0 && pa->n > top + 1) { /* folding one row into "other" gains nothing */
    fh_pareto_row *other = &pa->rows[top];
    for (size_t i = top + 1; i < pa->n; i++) {
      other->ms += pa->rows[i].ms;
      other->count += pa->rows[i].count;
    }
    snprintf(other->reason, sizeof other->reason, "other");
    other->category[0] = '\0';
    pa->n = top + 1;
  }
  for (size_t i = 0; i < pa->n; i++) total += pa->rows[i].ms;
  for (size_t i = 0; i < pa->n; i++) {
    cum += pa->rows[i].ms;
    pa->rows[i].share = total ? (double)pa->rows[i].ms / (double)total : 0;
    pa->rows[i].cum_share = total ? (double)cum / (double)total : 0;
  }
}
