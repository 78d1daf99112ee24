/* decode_err.c -- see decode_err.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode_err.h"

void fh__derr_clear(fh_decode_err *err) { memset(err, 0, sizeof *err); }

int fh__derr_set(fh_decode_err *err, fh_err_code code, const char *key,
             const char *fmt, ...) {
  va_list ap;
  err->code = code;
  snprintf(err->key, sizeof err->key, "%s", key ? key : "");
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return -1;
}
