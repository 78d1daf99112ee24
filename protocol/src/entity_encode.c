/* entity_encode.c -- andon, equipment, line and oee maps.
 *
 * Design: each entity is its key table (ent_fields.c) written in order; the
 * only code per entity is what the table cannot say: the andon's derived
 * ack_s and repair_s (seconds, as float64, nil while they do not apply).
 * Strings are read with strnlen() bounded by their array, so a struct whose
 * array is not NUL-terminated cannot make us read past it.
 */
#include <stddef.h>
#include <string.h>

#include "enc.h"
#include "ent_fields.h"

/* A table of n rows of `stride` bytes, each a reason code (char[FH_KIND_MAX
 * + 1]) and a uint64_t at `voff`, as a map reason -> value, at most
 * FH_OEE_REASONS_MAX rows: fh_oee.reasons (ms) and fh_oee.rejects (count). */
static void put_tally(enc *e, const void *tab, size_t n, size_t stride,
                      size_t voff) {
  if (n > FH_OEE_REASONS_MAX) n = FH_OEE_REASONS_MAX;
  fh__enc_map(e, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    const char *row = (const char *)tab + i * stride;
    uint64_t v;
    memcpy(&v, row + voff, sizeof v);
    fh__enc_strn(e, row, strnlen(row, FH_KIND_MAX + 1));
    fh__enc_uint(e, v);
  }
}

/* fh_oee.state_ms as a map with every state name. */
static void put_state_ms(enc *e, const uint64_t *ms) {
  fh__enc_map(e, FH_EQ__COUNT);
  for (int s = 0; s < FH_EQ__COUNT; s++) {
    fh__enc_str(e, fh_eq_state_name((fh_eq_state)s));
    fh__enc_uint(e, ms[s]);
  }
}

/* fh_oee.losses as a map with every time category. */
static void put_losses(enc *e, const uint64_t *ms) {
  fh__enc_map(e, FH_LOSS__TIME);
  for (int l = 0; l < FH_LOSS__TIME; l++) {
    fh__enc_str(e, fh_loss_name((fh_loss)l));
    fh__enc_uint(e, ms[l]);
  }
}

/* Writes the value of field f of obj. */
static void put_value(enc *e, const ent_field *f, const void *obj) {
  const void *v = (const char *)obj + f->off;
  const fh_oee *o = obj; /* EK_REASONS and EK_REJECTS only */
  switch (f->kind) {
  case EK_STR: fh__enc_strn(e, v, strnlen(v, f->size)); break;
  case EK_OPT_STR:
    if (*(const char *)v == '\0')
      fh__enc_nil(e);
    else
      fh__enc_strn(e, v, strnlen(v, f->size));
    break;
  case EK_TIME:
    if (*(const int64_t *)v == 0)
      fh__enc_nil(e);
    else
      fh__enc_int(e, *(const int64_t *)v);
    break;
  case EK_U64: fh__enc_uint(e, *(const uint64_t *)v); break;
  case EK_U32: fh__enc_uint(e, *(const uint32_t *)v); break;
  case EK_U8: fh__enc_uint(e, *(const uint8_t *)v); break;
  case EK_DOUBLE: fh__enc_double(e, *(const double *)v); break;
  case EK_EQ_STATE:
    fh__enc_str(e, fh_eq_state_name(*(const fh_eq_state *)v));
    break;
  case EK_ANDON_STATE:
    fh__enc_str(e, fh_andon_state_name(*(const fh_andon_state *)v));
    break;
  case EK_STATE_MS: put_state_ms(e, v); break;
  case EK_REASONS:
    put_tally(e, o->reasons, o->nreasons, sizeof o->reasons[0],
              offsetof(__typeof__(o->reasons[0]), ms));
    break;
  case EK_REJECTS:
    put_tally(e, o->rejects, o->nrejects, sizeof o->rejects[0],
              offsetof(__typeof__(o->rejects[0]), count));
    break;
  case EK_LOSSES: put_losses(e, v); break;
  case EK_BOOL: fh__enc_bool(e, *(const uint8_t *)v); break;
  case EK_OPT_U64:
    if (*(const uint64_t *)v == 0) fh__enc_nil(e);
    else fh__enc_uint(e, *(const uint64_t *)v);
    break;
  case EK_OPT_U32:
    if (*(const uint32_t *)v == 0) fh__enc_nil(e);
    else fh__enc_uint(e, *(const uint32_t *)v);
    break;
  }
}

/* The keys of desc and their values; `extra` more keys follow. */
static void put_entity(enc *e, const ent_desc *d, const void *obj,
                       uint32_t extra) {
  fh__enc_map(e, (uint32_t)d->n + extra);
  for (size_t i = 0; i < d->n; i++) {
    fh__enc_str(e, d->fields[i].name);
    put_value(e, &d->fields[i], obj);
  }
}

/* Seconds from `from` to `to` (ms), or nil when `applies` is 0. */
static void put_seconds(enc *e, const char *key, int applies, int64_t from,
                        int64_t to) {
  fh__enc_str(e, key);
  if (applies)
    fh__enc_double(e, (double)(to - from) / 1000.0);
  else
    fh__enc_nil(e);
}

void fh__enc_andon(enc *e, const fh_andon *a) {
  put_entity(e, &fh__ent_andon, a, 2);
  put_seconds(e, "ack_s", a->acked_at != 0, a->raised_at, a->acked_at);
  put_seconds(e, "repair_s", a->state == FH_ANDON_RESOLVED && a->acked_at != 0,
              a->acked_at, a->resolved_at);
}

void fh__enc_equipment(enc *e, const fh_equipment *eq) {
  put_entity(e, &fh__ent_equipment, eq, 0);
}

void fh__enc_line(enc *e, const fh_line *l) { put_entity(e, &fh__ent_line, l, 0); }

void fh__enc_oee(enc *e, const fh_oee *o) { put_entity(e, &fh__ent_oee, o, 0); }

/* One entity of desc as a whole message (not andon: it has extra keys). */
static int encode_entity(fh_buf *out, const ent_desc *d, const void *obj) {
  enc e;
  fh__enc_begin(&e, out);
  put_entity(&e, d, obj, 0);
  return fh__enc_end(&e);
}

int fh_enc_andon(fh_buf *out, const fh_andon *a) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_andon(&e, a);
  return fh__enc_end(&e);
}

int fh_enc_equipment(fh_buf *out, const fh_equipment *eq) {
  return encode_entity(out, &fh__ent_equipment, eq);
}

int fh_enc_line(fh_buf *out, const fh_line *l) {
  return encode_entity(out, &fh__ent_line, l);
}

int fh_enc_oee(fh_buf *out, const fh_oee *o) {
  return encode_entity(out, &fh__ent_oee, o);
}

int fh_enc_oee_map(fh_buf *out, const fh_oee *o, uint32_t extra) {
  enc e;
  fh__enc_begin(&e, out);
  put_entity(&e, &fh__ent_oee, o, extra);
  return fh__enc_end(&e);
}

int fh_enc_run_map(fh_buf *out, const fh_run *r, uint32_t extra) {
  enc e;
  fh__enc_begin(&e, out);
  put_entity(&e, &fh__ent_run, r, extra);
  return fh__enc_end(&e);
}

void fh__enc_downtime(enc *e, const fh_downtime *d) {
  put_entity(e, &fh__ent_downtime, d, 0);
}

int fh_enc_downtime(fh_buf *out, const fh_downtime *d) {
  return encode_entity(out, &fh__ent_downtime, d);
}

void fh__enc_sample(enc *e, const fh_sample *s) { put_entity(e, &fh__ent_sample, s, 0); }

int fh_enc_sample(fh_buf *out, const fh_sample *s) {
  return encode_entity(out, &fh__ent_sample, s);
}

void fh__enc_run(enc *e, const fh_run *r) { put_entity(e, &fh__ent_run, r, 0); }

int fh_enc_run(fh_buf *out, const fh_run *r) {
  return encode_entity(out, &fh__ent_run, r);
}

void fh__enc_plan(enc *e, const fh_plan *p) { put_entity(e, &fh__ent_plan, p, 0); }

int fh_enc_plan(fh_buf *out, const fh_plan *p) {
  return encode_entity(out, &fh__ent_plan, p);
}
