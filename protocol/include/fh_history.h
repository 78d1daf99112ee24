/* fh_history.h -- the history queries' rows on the wire (PROTOCOL.md,
 * "History"): oee.history answers with rows of summed times and counts,
 * dt.pareto with the rows of a loss Pareto; the hub encodes them, clients
 * decode them.
 */
#ifndef FH_HISTORY_H
#define FH_HISTORY_H

#include <stdint.h>

#include "fh_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FH_HISTORY_PAGE_ROWS 200  /* rows per oee.history answer (< 64 KiB) */

/* One row of oee.history: a period and the sums of the shifts that started
 * in it; the ratios are computed from the sums (never averaged). */
typedef struct fh_hist_row {
  int64_t start;              /* period start, ms */
  int64_t end;                /* period end (exclusive), ms */
  uint64_t planned_ms;        /* summed planned time */
  uint64_t run_ms;            /* summed run time */
  uint64_t not_monitored_ms;  /* summed time before the hub knew a state */
  uint64_t good;              /* summed good count */
  uint64_t reject;            /* summed reject count */
  double availability;        /* run / planned */
  double performance;         /* ideal time / run (uncapped) */
  double quality;             /* good / (good + reject) */
  double oee;                 /* A x min(P, 1) x Q */
  uint8_t open;               /* 1: holds the running shift (`open: true`) */
  uint8_t has_target;         /* `target` is sent */
  uint64_t target;            /* summed targets of the closed shifts */
  char equipment[FH_ID_MAX + 1]; /* by equipment: whose row; "" otherwise */
} fh_hist_row;

/* One row of oee.history with `by: "category"` or `by: "reason"`: the
 * stop time of one category or reason in one period. */
typedef struct fh_hist_part {
  int64_t start;              /* period start, ms */
  int64_t end;                /* period end (exclusive), ms */
  int has_reason;             /* by reason: `reason` and `count` are sent */
  char reason[FH_KIND_MAX + 1];   /* "" encodes as nil (unclassified, short) */
  char category[FH_KIND_MAX + 1]; /* the loss category */
  uint64_t ms;                /* time in the period */
  uint64_t count;             /* by reason: stops */
} fh_hist_part;

/* One row of oee.history with `by: "product"`: one product's pieces in
 * one period (the records' by_product summed). */
typedef struct fh_hist_product {
  int64_t start;                  /* period start, ms */
  int64_t end;                    /* period end (exclusive), ms */
  char product[FH_ID_MAX + 1];    /* product id, "" (nil): made without a run */
  uint64_t good;                  /* good pieces */
  uint64_t reject;                /* rejects */
  uint64_t ideal_ms;              /* their ideal time at the constraint */
  uint64_t run_ms;                /* the constraint's run time making them */
} fh_hist_product;

/* {t:"ok", id?, rows:[{start, end, product, good, reject, ideal_ms, run_ms,
 * performance}], cursor?} -- performance = ideal_ms / run_ms (0 if none). */
int fh_enc_ok_history_products(fh_buf *out, int has_id, uint64_t id,
                               const fh_hist_product *rows, size_t n,
                               int has_cursor, int64_t cursor);

/* {t:"ok", id?, rows:[{start, end, reason?, category, ms, count?}], cursor?} */
int fh_enc_ok_history_parts(fh_buf *out, int has_id, uint64_t id,
                            const fh_hist_part *rows, size_t n, int has_cursor,
                            int64_t cursor);

/* {t:"ok", id?, rows:[...], cursor?} -- cursor (the start of the next row)
 * only when has_cursor. */
int fh_enc_ok_history(fh_buf *out, int has_id, uint64_t id,
                      const fh_hist_row *rows, size_t n, int has_cursor,
                      int64_t cursor);

/* One row of dt.pareto: the stops of one reason (or of no reason: the
 * unclassified and the short ones; or the folded rest: "other") over the
 * period, their time inside it and their number. */
typedef struct fh_pareto_row {
  char reason[FH_KIND_MAX + 1];   /* reason code; "" encodes as nil */
  char category[FH_KIND_MAX + 1]; /* its category; "" encodes as nil */
  uint64_t ms;                    /* stop time inside [from, to) */
  uint64_t count;                 /* stops that overlap [from, to) */
  double share;                   /* ms / the period's stop time */
  double cum_share;               /* share of this row and those before */
} fh_pareto_row;

/* One per-minute sample of a line's running shift figures (oee.samples):
 * what oee/<line> showed at t.  Stored as this map too. */
typedef struct fh_sample {
  int64_t t;                  /* the minute, ms */
  double availability;        /* the shift so far */
  double performance;
  double quality;
  double oee;
  uint64_t good;              /* the shift's counts so far */
  uint64_t reject;
  fh_eq_state state;          /* the line's state (its worst equipment's) */
} fh_sample;

#define FH_SAMPLES_PAGE 500   /* samples per oee.samples answer (< 64 KiB) */

/* One sample as a whole message (the store's record); 0 or -ENOMEM. */
int fh_enc_sample(fh_buf *out, const fh_sample *s);
/* Reads one sample map at the cursor (unknown keys skipped). */
int fh_dec_sample(fh_mp_cursor *c, fh_sample *s);
/* {t:"ok", id?, samples:[...], cursor?} -- cursor (the next sample's t)
 * only when has_cursor. */
int fh_enc_ok_samples(fh_buf *out, int has_id, uint64_t id, const fh_sample *s,
                      size_t n, int has_cursor, int64_t cursor);

/* {t:"ok", id?, rows:[{reason, category, ms, count, share, cum_share}]} */
int fh_enc_ok_pareto(fh_buf *out, int has_id, uint64_t id,
                     const fh_pareto_row *rows, size_t n);

/* Clients: one row of an oee.history / dt.pareto answer at the cursor
 * (the rules of fh_dec_andon: zeroed first, unknown keys skipped, nil
 * reason or category is ""). */
int fh_dec_hist_row(fh_mp_cursor *c, fh_hist_row *r);
int fh_dec_pareto_row(fh_mp_cursor *c, fh_pareto_row *r);

#ifdef __cplusplus
}
#endif

#endif
