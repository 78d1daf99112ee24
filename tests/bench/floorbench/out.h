/* out.h -- results as JSON lines on stdout (see out.c). */
#ifndef FB_OUT_H
#define FB_OUT_H

#include <stdint.h>

#include "fb.h"
#include "server.h"

/* One result object being written. */
typedef struct jout {
  char buf[4096]; /* the object so far */
  size_t n;       /* bytes used */
} jout;

/* Starts {"scenario":...,"target":...,"run":...,"label":...,"phase":...,
 * "tls":0|1} (with --tls and a handshake done, "tls_session": version and
 * cipher). */
void jout_begin(jout *j, const bench *b, const char *phase);
void jout_num(jout *j, const char *key, double v);
void jout_int(jout *j, const char *key, uint64_t v);
void jout_str(jout *j, const char *key, const char *v);
/* p50_us, p99_us, p999_us, max_us and samples of the histogram. */
void jout_lat(jout *j, const hist *h);
/* elapsed_s, self_cpu, server_cpu and other_cpu of a meter reading. */
void jout_meter(jout *j, const meter_result *r);
/* Closes the object and prints it as one line. */
void jout_end(jout *j);

#endif
