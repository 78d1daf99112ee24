/* model_handover.c -- the pending shift handover of a line, from the
 * `handover` of its line/<id> snap and upds (PROTOCOL.md 6.6, section 12).
 *
 * floorterm keeps what its screens show: the shift, the first notes, how
 * many andons were open and stops unclassified at the close, and the
 * shift's OEE.  nil (none, or acknowledged) clears it.
 */
#include <string.h>

#include "model.h"

static int key_is(const fh_strv *k, const char *name) {
  return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

/* The notes array: the first MODEL_HO_NOTES kept, all counted. */
static int read_notes(fh_mp_cursor *c, model_handover *h) {
  uint32_t n, nk;
  if (fh_mp_read_array(c, &n) != 0) return -1;
  h->nnotes = n;
  for (uint32_t i = 0; i < n; i++) {
    if (i >= MODEL_HO_NOTES) {
      if (fh_mp_skip(c) != 0) return -1;
      continue;
    }
    if (fh_mp_read_map(c, &nk) != 0) return -1;
    for (uint32_t j = 0; j < nk; j++) {
      fh_strv k;
      int rc;
      if (fh_mp_read_str(c, &k) != 0) return -1;
      if (key_is(&k, "text")) rc = fh_mp_read_strcpy(c, h->notes[i].text, sizeof h->notes[i].text);
      else if (key_is(&k, "by")) rc = fh_mp_read_strcpy(c, h->notes[i].by, sizeof h->notes[i].by);
      else rc = fh_mp_skip(c);
      if (rc != 0) return -1;
    }
  }
  return 0;
}

/* An array's length, the array skipped. */
static int read_count(fh_mp_cursor *c, uint32_t *n) {
  fh_mp_cursor start = *c;
  if (fh_mp_read_array(c, n) != 0) return -1;
  *c = start;
  return fh_mp_skip(c);
}

static int read_key(fh_mp_cursor *c, const fh_strv *k, model_handover *h) {
  fh_oee o;
  if (key_is(k, "shift")) return fh_mp_read_strcpy(c, h->shift, sizeof h->shift);
  if (key_is(k, "shift_start")) return fh_mp_read_int(c, &h->shift_start);
  if (key_is(k, "notes")) return read_notes(c, h);
  if (key_is(k, "open_andons")) return read_count(c, &h->open_andons);
  if (key_is(k, "unclassified")) return read_count(c, &h->unclassified);
  if (key_is(k, "oee")) {
    if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
    if (fh_dec_oee(c, &o) != 0) return -1;
    h->oee = o.oee;
    return 0;
  }
  return fh_mp_skip(c);
}

int ft_model_handover_read(fh_mp_cursor *c, model_handover *h) {
  uint32_t n;
  memset(h, 0, sizeof *h);
  if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
  if (fh_mp_read_map(c, &n) != 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    fh_strv k;
    if (fh_mp_read_str(c, &k) != 0 || read_key(c, &k, h) != 0) return -1;
  }
  h->pending = h->shift_start != 0;
  return 0;
}
