/* enc_raw.c -- the raw building blocks fh_enc_map() .. fh_enc_double(), for
 * the data values of snap and upd.  Each appends one msgpack item (a
 * container header counts as one) and returns 0 or -ENOMEM, appending
 * nothing on error. */
#include "enc.h"

int fh_enc_map(fh_buf *out, uint32_t n) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_map(&e, n);
  return fh__enc_end(&e);
}

int fh_enc_array(fh_buf *out, uint32_t n) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_array(&e, n);
  return fh__enc_end(&e);
}

int fh_enc_str(fh_buf *out, const char *s) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_str(&e, s);
  return fh__enc_end(&e);
}

int fh_enc_strn(fh_buf *out, const char *s, size_t n) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_strn(&e, s, n);
  return fh__enc_end(&e);
}

int fh_enc_uint(fh_buf *out, uint64_t v) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_uint(&e, v);
  return fh__enc_end(&e);
}

int fh_enc_int(fh_buf *out, int64_t v) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_int(&e, v);
  return fh__enc_end(&e);
}

int fh_enc_double(fh_buf *out, double v) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_double(&e, v);
  return fh__enc_end(&e);
}

int fh_enc_bool(fh_buf *out, int v) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_bool(&e, v);
  return fh__enc_end(&e);
}

int fh_enc_nil(fh_buf *out) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_nil(&e);
  return fh__enc_end(&e);
}
