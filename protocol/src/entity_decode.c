/* entity_decode.c -- andon, equipment, line and oee maps into structs.
 *
 * Design: the inverse of entity_encode.c over the same key tables.  The
 * struct is zeroed first, so a missing key or a nil keeps the zero value
 * (0 for times, "" for strings); unknown keys, and the derived andon keys
 * ack_s and repair_s, are skipped.  A value of the wrong type, a string
 * longer than its array, an unknown state name or more than
 * FH_OEE_REASONS_MAX reasons fail the whole entity, and then the cursor is
 * left where it was.
 */
#include <stddef.h>
#include <string.h>

#include "ent_fields.h"

/* Reads an unsigned integer of at most max into *v. */
static int get_uint(fh_mp_cursor *c, uint64_t max, uint64_t *v) {
  if (fh_mp_read_uint(c, v) < 0 || *v > max) return -1;
  return 0;
}

/* Reads a state name with the given name -> value lookup. */
static int get_state(fh_mp_cursor *c, int (*from)(const char *, size_t),
                     int *v) {
  fh_strv s;
  if (fh_mp_read_str(c, &s) < 0) return -1;
  *v = from(s.p, s.n);
  return *v < 0 ? -1 : 0;
}

/* fh_oee.state_ms: state name -> ms. */
static int get_state_ms(fh_mp_cursor *c, uint64_t *ms) {
  uint32_t n;
  if (fh_mp_read_map(c, &n) < 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    int s;
    if (get_state(c, fh_eq_state_from, &s) < 0) return -1;
    if (fh_mp_read_uint(c, &ms[s]) < 0) return -1;
  }
  return 0;
}

/* The inverse of entity_encode.c's put_tally: a map reason -> uint of at
 * most FH_OEE_REASONS_MAX entries into rows of `stride` bytes (the reason
 * first, the value at voff); *n gets the count.  fh_oee.reasons, .rejects. */
static int get_tally(fh_mp_cursor *c, void *tab, size_t *n, size_t stride,
                     size_t voff) {
  uint32_t m;
  if (fh_mp_read_map(c, &m) < 0 || m > FH_OEE_REASONS_MAX) return -1;
  for (uint32_t i = 0; i < m; i++) {
    char *row = (char *)tab + i * stride;
    uint64_t v;
    if (fh_mp_read_strcpy(c, row, FH_KIND_MAX + 1) < 0 || fh_mp_read_uint(c, &v) < 0)
      return -1;
    memcpy(row + voff, &v, sizeof v);
  }
  *n = m;
  return 0;
}

/* fh_oee.losses: category -> ms (time categories only). */
static int get_losses(fh_mp_cursor *c, uint64_t *ms) {
  uint32_t n;
  fh_strv s;
  if (fh_mp_read_map(c, &n) < 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    int l;
    if (fh_mp_read_str(c, &s) < 0) return -1;
    l = fh_loss_from(s.p, s.n);
    if (l < 0 || l >= FH_LOSS__TIME || fh_mp_read_uint(c, &ms[l]) < 0) return -1;
  }
  return 0;
}

/* Reads the value of field f into obj. */
static int get_value(fh_mp_cursor *c, const ent_field *f, void *obj) {
  void *v = (char *)obj + f->off;
  fh_oee *o = obj; /* EK_REASONS and EK_REJECTS only */
  uint64_t u;
  int s;
  switch (f->kind) {
  case EK_STR:
  case EK_OPT_STR: return fh_mp_read_strcpy(c, v, f->size);
  case EK_TIME:
    if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
    return fh_mp_read_int(c, v);
  case EK_U64: return fh_mp_read_uint(c, v);
  case EK_U32:
    if (get_uint(c, UINT32_MAX, &u) < 0) return -1;
    *(uint32_t *)v = (uint32_t)u;
    return 0;
  case EK_U8:
    if (get_uint(c, UINT8_MAX, &u) < 0) return -1;
    *(uint8_t *)v = (uint8_t)u;
    return 0;
  case EK_DOUBLE: return fh_mp_read_double(c, v);
  case EK_EQ_STATE:
    if (get_state(c, fh_eq_state_from, &s) < 0) return -1;
    *(fh_eq_state *)v = (fh_eq_state)s;
    return 0;
  case EK_ANDON_STATE:
    if (get_state(c, fh_andon_state_from, &s) < 0) return -1;
    *(fh_andon_state *)v = (fh_andon_state)s;
    return 0;
  case EK_STATE_MS: return get_state_ms(c, v);
  case EK_REASONS:
    return get_tally(c, o->reasons, &o->nreasons, sizeof o->reasons[0],
                     offsetof(__typeof__(o->reasons[0]), ms));
  case EK_REJECTS:
    return get_tally(c, o->rejects, &o->nrejects, sizeof o->rejects[0],
                     offsetof(__typeof__(o->rejects[0]), count));
  case EK_LOSSES: return get_losses(c, v);
  case EK_BOOL:
    if (fh_mp_read_bool(c, &s) < 0) return -1;
    *(uint8_t *)v = s ? 1 : 0;
    return 0;
  case EK_OPT_U64:
    if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
    return fh_mp_read_uint(c, v);
  case EK_OPT_U32:
    if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
    if (get_uint(c, UINT32_MAX, &u) < 0) return -1;
    *(uint32_t *)v = (uint32_t)u;
    return 0;
  }
  return -1;
}

/* The table entry for key, or NULL; the search begins at *next, where
 * the key after the previous one is when the map was written in table
 * order (as entity_encode.c writes it), and *next moves past the match:
 * one comparison a key instead of a scan of the table (a year's export
 * decodes millions of stops). */
static const ent_field *lookup(const ent_desc *d, fh_strv key, size_t *next) {
  for (size_t k = 0; k < d->n; k++) {
    size_t i = (*next + k) % d->n;
    const char *name = d->fields[i].name;
    if (strlen(name) == key.n && memcmp(name, key.p, key.n) == 0) {
      *next = i + 1;
      return &d->fields[i];
    }
  }
  return NULL;
}

/* Reads one entity map of desc into obj (size bytes, zeroed first). */
static int decode_entity(fh_mp_cursor *c, const ent_desc *d, void *obj,
                         size_t size) {
  fh_mp_cursor at = *c;
  size_t next = 0;
  uint32_t n;
  memset(obj, 0, size);
  if (fh_mp_read_map(&at, &n) < 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    fh_strv key;
    if (fh_mp_read_str(&at, &key) < 0) return -1;
    const ent_field *f = lookup(d, key, &next);
    int rc = f ? get_value(&at, f, obj) : fh_mp_skip(&at);
    if (rc < 0) return -1;
  }
  *c = at;
  return 0;
}

int fh_dec_andon(fh_mp_cursor *c, fh_andon *a) {
  return decode_entity(c, &fh__ent_andon, a, sizeof *a);
}

int fh_dec_equipment(fh_mp_cursor *c, fh_equipment *e) {
  return decode_entity(c, &fh__ent_equipment, e, sizeof *e);
}

int fh_dec_line(fh_mp_cursor *c, fh_line *l) {
  return decode_entity(c, &fh__ent_line, l, sizeof *l);
}

int fh_dec_oee(fh_mp_cursor *c, fh_oee *o) {
  return decode_entity(c, &fh__ent_oee, o, sizeof *o);
}

int fh_dec_run(fh_mp_cursor *c, fh_run *r) {
  return decode_entity(c, &fh__ent_run, r, sizeof *r);
}

int fh_dec_plan(fh_mp_cursor *c, fh_plan *p) {
  return decode_entity(c, &fh__ent_plan, p, sizeof *p);
}

int fh_dec_downtime(fh_mp_cursor *c, fh_downtime *d) {
  return decode_entity(c, &fh__ent_downtime, d, sizeof *d);
}

int fh_dec_sample(fh_mp_cursor *c, fh_sample *s) {
  return decode_entity(c, &fh__ent_sample, s, sizeof *s);
}

int fh_dec_hist_row(fh_mp_cursor *c, fh_hist_row *r) {
  return decode_entity(c, &fh__ent_hist_row, r, sizeof *r);
}

int fh_dec_pareto_row(fh_mp_cursor *c, fh_pareto_row *r) {
  return decode_entity(c, &fh__ent_pareto_row, r, sizeof *r);
}
