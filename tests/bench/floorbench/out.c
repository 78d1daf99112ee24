/* out.c -- results as JSON lines: one object per measurement on stdout,
 * read by tests/bench/report.py.  Keys and string values are plain ASCII
 * chosen by floorbench (the label is the only outside string and is
 * written with quotes and backslashes dropped).
 */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>

static void put(jout *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(jout *j, const char *fmt, ...) {
  va_list ap;
  int n;
  if (j->n >= sizeof j->buf) return;
  va_start(ap, fmt);
  n = vsnprintf(j->buf + j->n, sizeof j->buf - j->n, fmt, ap);
  va_end(ap);
  if (n > 0) j->n += (size_t)n;
  if (j->n > sizeof j->buf) j->n = sizeof j->buf;
}

void jout_str(jout *j, const char *key, const char *v) {
  put(j, ",\"%s\":\"", key);
  for (; v != NULL && *v; v++)
    if (*v != '"' && *v != '\\' && (unsigned char)*v >= 0x20) put(j, "%c", *v);
  put(j, "\"");
}

void jout_begin(jout *j, const bench *b, const char *phase) {
  j->n = 0;
  put(j, "{\"scenario\":\"%s\"", b->o->scenario);
  jout_str(j, "target", b->ops->name);
  jout_int(j, "run", (uint64_t)b->o->run);
  jout_str(j, "label", b->o->label ? b->o->label : "");
  jout_str(j, "phase", phase);
  jout_int(j, "tls", (uint64_t)b->o->tls);
  if (b->o->tls && fb_tls_session()[0]) jout_str(j, "tls_session", fb_tls_session());
}

void jout_num(jout *j, const char *key, double v) { put(j, ",\"%s\":%.6g", key, v); }

void jout_int(jout *j, const char *key, uint64_t v) {
  put(j, ",\"%s\":%llu", key, (unsigned long long)v);
}

void jout_lat(jout *j, const hist *h) {
  jout_int(j, "samples", h->n);
  jout_num(j, "p50_us", (double)hist_quantile(h, 0.50) / 1e3);
  jout_num(j, "p99_us", (double)hist_quantile(h, 0.99) / 1e3);
  jout_num(j, "p999_us", (double)hist_quantile(h, 0.999) / 1e3);
  jout_num(j, "max_us", (double)h->max / 1e3);
}

void jout_meter(jout *j, const meter_result *r) {
  jout_num(j, "elapsed_s", r->elapsed_s);
  jout_num(j, "self_cpu", r->self_cpu);
  jout_num(j, "server_cpu", r->server_cpu);
  jout_num(j, "other_cpu", r->other_cpu);
}

void jout_end(jout *j) {
  put(j, "}");
  printf("%.*s\n", (int)j->n, j->buf);
  fflush(stdout);
}
