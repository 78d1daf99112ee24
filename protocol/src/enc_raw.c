/* enc_raw.c -- the raw building blocks fh_enc_map() .. fh_enc_double(), for
 * the data values of snap and upd.  Each appends one msgpack item (a
 * container header counts as one) and returns 0 or -ENOMEM, appending
 * nothing on error. */
#include "enc.h"

int fh_enc_map(fh_buf *out, uint32_t n) {
  enc e;
  enc_begin(&e, out);
  enc_map(&e, n);
  return enc_end(&e);
}

int fh_enc_array(fh_buf *out, uint32_t n) {
  enc e;
  enc_begin(&e, out);
  enc_array(&e, n);
  return enc_end(&e);
}

int fh_enc_str(fh_buf *out, const char *s) {
  enc e;
  enc_begin(&e, out);
  enc_str(&e, s);
  return enc_end(&e);
}

int fh_enc_strn(fh_buf *out, const char *s, size_t n) {
  enc e;
  enc_begin(&e, out);
  enc_strn(&e, s, n);
  return enc_end(&e);
}

int fh_enc_uint(fh_buf *out, uint64_t v) {
  enc e;
  enc_begin(&e, out);
  enc_uint(&e, v);
  return enc_end(&e);
}

int fh_enc_int(fh_buf *out, int64_t v) {
  enc e;
  enc_begin(&e, out);
  enc_int(&e, v);
  return enc_end(&e);
}

int fh_enc_double(fh_buf *out, double v) {
  enc e;
  enc_begin(&e, out);
  enc_double(&e, v);
  return enc_end(&e);
}

int fh_enc_bool(fh_buf *out, int v) {
  enc e;
  enc_begin(&e, out);
  enc_bool(&e, v);
  return enc_end(&e);
}

int fh_enc_nil(fh_buf *out) {
  enc e;
  enc_begin(&e, out);
  enc_nil(&e);
  return enc_end(&e);
}
