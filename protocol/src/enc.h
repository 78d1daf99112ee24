/* enc.h -- the encoder core shared by all fh_enc_* functions.
 *
 * Design: an `enc` wraps a msgpack_packer whose write callback appends to an
 * fh_buf.  The first error is sticky: after it every enc_* call does nothing,
 * so an encoder is a straight list of calls followed by fh__enc_end(), which
 * returns that error and truncates the buffer back to where the message
 * began -- an encoder that fails appends nothing.
 */
#ifndef FH_ENC_H
#define FH_ENC_H

#include <msgpack.h>

#include "fh_downtime.h"
#include "fh_history.h"
#include "fh_protocol.h"

typedef struct enc {
  msgpack_packer pk; /* packs into `out` */
  fh_buf *out;       /* destination buffer */
  size_t start;      /* out->len when the message began, for rollback */
  int rc;            /* 0, or the first error (-ENOMEM) */
} enc;

void fh__enc_begin(enc *e, fh_buf *out);
/* Returns 0, or the first error after truncating `out` back. */
int fh__enc_end(enc *e);

void fh__enc_map(enc *e, uint32_t n);
void fh__enc_array(enc *e, uint32_t n);
void fh__enc_strn(enc *e, const char *s, size_t n);
void fh__enc_str(enc *e, const char *s); /* NULL encodes as nil */
void fh__enc_uint(enc *e, uint64_t v);
void fh__enc_int(enc *e, int64_t v);
void fh__enc_double(enc *e, double v);
void fh__enc_bool(enc *e, int v);
void fh__enc_nil(enc *e);

/* The common head of every message: a map of `nkeys` keys besides t and id,
 * then t (the wire name of `type`) and id when has_id. */
void fh__enc_msg_head(enc *e, fh_msg_type type, uint32_t nkeys, int has_id,
                  uint64_t id);

/* Entities written into an open message (entity_encode.c). */
void fh__enc_andon(enc *e, const fh_andon *a);
void fh__enc_equipment(enc *e, const fh_equipment *eq);
void fh__enc_line(enc *e, const fh_line *l);
void fh__enc_oee(enc *e, const fh_oee *o);
void fh__enc_downtime(enc *e, const fh_downtime *d);
void fh__enc_sample(enc *e, const fh_sample *s);
void fh__enc_run(enc *e, const fh_run *r);
void fh__enc_plan(enc *e, const fh_plan *p);

#endif /* FH_ENC_H */
