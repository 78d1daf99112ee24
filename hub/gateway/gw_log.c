/* gw_log.c -- gw_logf (gw_log.h): format into a stack line, hand it on. */
#include "gw_log.h"

#include <stdarg.h>
#include <stdio.h>

void gw_logf(gw_log_fn fn, void *arg, const char *fmt, ...) {
  char line[GW_LOG_LINE_MAX];
  va_list ap;
  if (fn == NULL) return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fn(arg, line);
}
