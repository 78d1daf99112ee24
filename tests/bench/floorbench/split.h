/* split.h -- floorhub's "where the time goes" histograms, read over HTTP
 * from its /metrics before and after a window (see split.c). */
#ifndef FB_SPLIT_H
#define FB_SPLIT_H

#include <stdint.h>

#include "out.h"

#define SPLIT_PARTS 3   /* queue, commit, fanout */
#define SPLIT_BUCKETS 24 /* buckets kept per histogram, +Inf included */

/* One histogram as scraped: cumulative counts by upper bound (s). */
typedef struct split_hist {
  double le[SPLIT_BUCKETS];      /* upper bounds, rising; +Inf last */
  double cum[SPLIT_BUCKETS];     /* cumulative counts */
  int nb;                        /* buckets read */
  double sum;                    /* _sum, seconds */
  double count;                  /* _count */
} split_hist;

/* The three floorhub_update_*_seconds histograms at one moment. */
typedef struct split_snap {
  int ok;                        /* read and parsed */
  split_hist part[SPLIT_PARTS];  /* queue, commit, fanout */
} split_snap;

/* Scrapes http://127.0.0.1:port/metrics (blocking, 2 s timeout) into s;
 * s->ok 0 when it could not (another server, TLS). */
void split_read(int port, split_snap *s);
/* Parses /metrics text (modified in place) into s. */
void split_parse(char *body, split_snap *s);
/* The q quantile (s) of the observations between a and b (b - a), linear
 * inside a bucket; the highest finite bound for the +Inf bucket, 0 when
 * nothing was observed. */
double split_quantile(const split_hist *a, const split_hist *b, double q);
/* Appends, for each part, "split_<part>_{n,mean_us,p50_us,p99_us}" of the
 * updates observed between a and b (nothing unless both were read). */
void jout_split(jout *j, const split_snap *a, const split_snap *b);

#endif
