/* enc.c -- see enc.h. */
#include <string.h>

#include "enc.h"

/* msgpack_packer_write: appends to the fh_buf, returns 0 or -ENOMEM. */
static int buf_write(void *data, const char *p, size_t n) {
  return fh_buf_append(data, p, n);
}

void fh__enc_begin(enc *e, fh_buf *out) {
  msgpack_packer_init(&e->pk, out, buf_write);
  e->out = out;
  e->start = out->len;
  e->rc = 0;
}

int fh__enc_end(enc *e) {
  if (e->rc < 0) e->out->len = e->start;
  return e->rc;
}

/* Records the result of a packer call when nothing failed before. */
static void keep(enc *e, int rc) {
  if (e->rc == 0 && rc < 0) e->rc = rc;
}

void fh__enc_map(enc *e, uint32_t n) {
  if (e->rc == 0) keep(e, msgpack_pack_map(&e->pk, n));
}

void fh__enc_array(enc *e, uint32_t n) {
  if (e->rc == 0) keep(e, msgpack_pack_array(&e->pk, n));
}

void fh__enc_strn(enc *e, const char *s, size_t n) {
  if (e->rc == 0) keep(e, msgpack_pack_str_with_body(&e->pk, s, n));
}

void fh__enc_str(enc *e, const char *s) {
  if (s == NULL)
    fh__enc_nil(e);
  else
    fh__enc_strn(e, s, strlen(s));
}

void fh__enc_uint(enc *e, uint64_t v) {
  if (e->rc == 0) keep(e, msgpack_pack_uint64(&e->pk, v));
}

void fh__enc_int(enc *e, int64_t v) {
  if (e->rc == 0) keep(e, msgpack_pack_int64(&e->pk, v));
}

void fh__enc_double(enc *e, double v) {
  if (e->rc == 0) keep(e, msgpack_pack_double(&e->pk, v));
}

void fh__enc_bool(enc *e, int v) {
  if (e->rc == 0)
    keep(e, v ? msgpack_pack_true(&e->pk) : msgpack_pack_false(&e->pk));
}

void fh__enc_nil(enc *e) {
  if (e->rc == 0) keep(e, msgpack_pack_nil(&e->pk));
}

void fh__enc_msg_head(enc *e, fh_msg_type type, uint32_t nkeys, int has_id,
                  uint64_t id) {
  fh__enc_map(e, nkeys + 1 + (has_id ? 1 : 0));
  fh__enc_str(e, "t");
  fh__enc_str(e, fh_msg_type_name(type));
  if (has_id) {
    fh__enc_str(e, "id");
    fh__enc_uint(e, id);
  }
}
