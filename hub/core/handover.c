/* handover.c -- building, storing and loading the shift handover of each
 * line (see handover.h); the two writes are in handover_writes.c.
 *
 * The handover map, keys in this order (PROTOCOL.md, "Shift handover"):
 *   line, shift, shift_start, shift_end, notes, open_andons, unclassified,
 *   run, oee | acked_by, acked_at
 * `run` is the production run active on the line at the close (runs.h),
 * nil when none is.
 */
#include "handover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "downtime.h"
#include "history.h"
#include "hub.h"
#include "log.h"
#include "model.h"
#include "publish.h"
#include "runs.h"

#define BODY_PAIRS 9  /* keys before acked_by */

static int is_open(const fh_andon *a) {
  return a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
}

static int enc_kv_int(fh_buf *b, const char *k, int64_t v) {
  return fh_enc_str(b, k) || (v == 0 ? fh_enc_nil(b) : fh_enc_int(b, v));
}

static int enc_kv_str(fh_buf *b, const char *k, const char *v) {
  return fh_enc_str(b, k) || (v[0] == '\0' ? fh_enc_nil(b) : fh_enc_str(b, v));
}

static int enc_note(fh_buf *b, const handover_note *n) {
  return fh_enc_map(b, 4) || enc_kv_str(b, "text", n->text) ||
         enc_kv_str(b, "by", n->by) || enc_kv_str(b, "via", n->via) ||
         enc_kv_int(b, "at", n->at);
}

/* The notes of line li as an array: the value of "hon/<line>". */
static int enc_notes(const handover_line *hl, fh_buf *b) {
  int rc = fh_enc_array(b, (uint32_t)hl->nnotes);
  for (size_t i = 0; i < hl->nnotes && rc == 0; i++) rc = enc_note(b, &hl->notes[i]);
  return rc;
}

static int enc_open_andons(hub *h, const char *line, fh_buf *b) {
  const model *m = h->model;
  uint32_t n = 0;
  int rc;
  for (size_t i = 0; i < m->nandons && n < HANDOVER_LIST_MAX; i++)
    n += is_open(m->andons[i]) && !strcmp(m->andons[i]->line, line);
  rc = fh_enc_array(b, n);
  for (size_t i = 0; i < m->nandons && n > 0 && rc == 0; i++)
    if (is_open(m->andons[i]) && !strcmp(m->andons[i]->line, line)) {
      rc = fh_enc_andon(b, m->andons[i]);
      n--;
    }
  return rc;
}

/* A stop of [from, to) that still wants a reason: not short, none given. */
static int unclassified(const dt_event *ev, int64_t from, int64_t to) {
  return ev->d.reason[0] == '\0' && !ev->d.short_stop && ev->d.start < to &&
         (ev->d.end == 0 || ev->d.end > from);
}

static int enc_unclassified(hub *h, size_t li, const fh_oee *o, fh_buf *b) {
  const model_stops *ms = &h->model->lines[li].stops;
  uint32_t n = 0;
  int rc;
  for (size_t i = 0; i < ms->n && n < HANDOVER_LIST_MAX; i++)
    n += unclassified(ms->evs[i], o->shift_start, o->shift_end);
  rc = fh_enc_array(b, n);
  for (size_t i = 0; i < ms->n && n > 0 && rc == 0; i++)
    if (unclassified(ms->evs[i], o->shift_start, o->shift_end)) {
      rc = fh_enc_downtime(b, &ms->evs[i]->d);
      n--;
    }
  return rc;
}

/* The BODY_PAIRS pairs of line li's handover of the shift whose line
 * record (or running figures) is o. */
static int enc_body(hub *h, size_t li, const fh_oee *o, fh_buf *b) {
  const char *line = h->plant->lines[li].id;
  return enc_kv_str(b, "line", line) || enc_kv_str(b, "shift", o->shift) ||
         enc_kv_int(b, "shift_start", o->shift_start) ||
         enc_kv_int(b, "shift_end", o->shift_end) || fh_enc_str(b, "notes") ||
         enc_notes(&h->model->lines[li].ho, b) || fh_enc_str(b, "open_andons") ||
         enc_open_andons(h, line, b) || fh_enc_str(b, "unclassified") ||
         enc_unclassified(h, li, o, b) || fh_enc_str(b, "run") ||
         runs_encode(h, li, b) || fh_enc_str(b, "oee") || fh_enc_oee(b, o);
}

int handover_enc_rec(const handover_rec *r, fh_buf *b) {
  return fh_enc_map(b, BODY_PAIRS + 2) ||
         fh_buf_append(b, fh_buf_payload(&r->body), fh_buf_payload_len(&r->body)) ||
         enc_kv_str(b, "acked_by", r->acked_by) || enc_kv_int(b, "acked_at", r->acked_at)
             ? -ENOMEM : 0;
}

/* The running shift's figures as last computed, named by the shift the
 * model is in now (the OEE is recomputed up to a second after a boundary). */
int handover_enc_draft(hub *h, size_t li, fh_buf *b) {
  const model *m = h->model;
  fh_oee *o = malloc(sizeof *o);
  int rc;

  if (o == NULL) return -ENOMEM;
  *o = m->lines[li].oee;
  snprintf(o->shift, sizeof o->shift, "%s", m->in_shift ? m->shift.def->name : "");
  o->shift_start = m->in_shift ? m->shift.start_ms : 0;
  o->shift_end = m->in_shift ? m->shift.end_ms : 0;
  rc = fh_enc_map(b, BODY_PAIRS + 2) || enc_body(h, li, o, b) ||
       enc_kv_str(b, "acked_by", "") || enc_kv_int(b, "acked_at", 0) ? -ENOMEM : 0;
  free(o);
  return rc;
}

int handover_enc_pending(hub *h, size_t li, fh_buf *b) {
  const handover_rec *r = &h->model->lines[li].ho.pending;
  return r->shift_start == 0 ? fh_enc_nil(b) : handover_enc_rec(r, b);
}

/* ------------------------------------------------------------ storage */

int handover_put_notes(hub *h, size_t li) {
  char key[4 + FH_ID_MAX + 1];
  snprintf(key, sizeof key, "hon/%s", h->plant->lines[li].id);
  if (h->model->lines[li].ho.nnotes == 0)
    return fh_batch_del(h->batch, FH_T_SHIFTS, key, strlen(key)) ? -ENOMEM : 0;
  fh_buf_reset(&h->enc);
  if (enc_notes(&h->model->lines[li].ho, &h->enc) != 0) return -ENOMEM;
  return fh_batch_put(h->batch, FH_T_SHIFTS, key, strlen(key),
                      fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc)) ? -ENOMEM : 0;
}

int handover_put_rec(hub *h, const char *line, const handover_rec *r) {
  uint8_t key[HIST_KEY_MAX];
  size_t klen = hist_record_key(HIST_HANDOVER, line, r->shift_start, key);
  fh_buf_reset(&h->enc);
  if (klen == 0 || handover_enc_rec(r, &h->enc) != 0) return -ENOMEM;
  return fh_batch_put(h->batch, FH_T_SHIFTS, key, klen, fh_buf_payload(&h->enc),
                      fh_buf_payload_len(&h->enc)) ? -ENOMEM : 0;
}

/* Splits a stored handover map into r (its body copied).  0 or -1. */
static int rec_decode(handover_rec *r, const void *val, size_t vlen) {
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  const uint8_t *body;
  uint32_t n;
  fh_strv k;

  if (fh_mp_read_map(&c, &n) != 0 || n != BODY_PAIRS + 2) return -1;
  body = c.p;
  for (uint32_t i = 0; i < BODY_PAIRS; i++)
    if (fh_mp_read_str(&c, &k) != 0 || fh_mp_skip(&c) != 0) return -1;
  fh_buf_reset(&r->body);
  if (fh_buf_append(&r->body, body, (size_t)(c.p - body)) != 0) return -1;
  if (fh_mp_read_str(&c, &k) != 0 || fh_mp_read_strcpy(&c, r->acked_by, sizeof r->acked_by) != 0 ||
      fh_mp_read_str(&c, &k) != 0)
    return -1;
  r->acked_at = 0;
  return fh_mp_peek(&c) == FH_MP_NIL ? fh_mp_read_nil(&c) : fh_mp_read_int(&c, &r->acked_at);
}

typedef struct rec_load {
  handover_rec *r; /* filled */
  int found;       /* a record was decoded */
} rec_load;

static int rec_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen) {
  rec_load *rl = arg;
  if (rec_decode(rl->r, val, vlen) != 0) return 0; /* unreadable: skipped */
  rl->r->shift_start = hist_key_start(key, klen);
  rl->found = 1;
  return 0; /* a scan goes on to the last one */
}

int handover_get_rec(hub *h, const char *line, int64_t start, handover_rec *r) {
  uint8_t key[HIST_KEY_MAX];
  size_t klen = hist_record_key(HIST_HANDOVER, line, start, key);
  rec_load rl = {r, 0};
  if (klen == 0) return -ENOENT;
  fh_store_get(h->store, FH_T_SHIFTS, key, klen, rec_cb, &rl);
  return rl.found ? 0 : -ENOENT;
}

int handover_enc_stored(hub *h, const char *line, int64_t start, fh_buf *b) {
  handover_rec r;
  int rc;
  memset(&r, 0, sizeof r);
  fh_buf_init(&r.body, 0);
  rc = handover_get_rec(h, line, start, &r) == 0 ? handover_enc_rec(&r, b) : fh_enc_nil(b);
  fh_buf_free(&r.body);
  return rc;
}

/* One note map of "hon/<line>" into n.  0 or -1. */
static int note_decode(fh_mp_cursor *c, handover_note *n) {
  uint32_t nk;
  memset(n, 0, sizeof *n);
  if (fh_mp_read_map(c, &nk) != 0) return -1;
  for (uint32_t i = 0; i < nk; i++) {
    fh_strv k;
    int rc;
    if (fh_mp_read_str(c, &k) != 0) return -1;
    if (k.n == 4 && !memcmp(k.p, "text", 4)) rc = fh_mp_read_strcpy(c, n->text, sizeof n->text);
    else if (k.n == 2 && !memcmp(k.p, "by", 2)) rc = fh_mp_read_strcpy(c, n->by, sizeof n->by);
    else if (k.n == 3 && !memcmp(k.p, "via", 3)) rc = fh_mp_read_strcpy(c, n->via, sizeof n->via);
    else if (k.n == 2 && !memcmp(k.p, "at", 2)) rc = fh_mp_read_int(c, &n->at);
    else rc = fh_mp_skip(c);
    if (rc != 0) return -1;
  }
  return 0;
}

int handover_note_slot(handover_line *hl) {
  if (hl->nnotes >= HANDOVER_NOTES_MAX) return -ENOSPC;
  if (hl->notes == NULL && (hl->notes = calloc(HANDOVER_NOTES_MAX, sizeof *hl->notes)) == NULL)
    return -ENOMEM;
  return 0;
}

static int notes_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen) {
  handover_line *hl = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  uint32_t n;
  (void)key;
  (void)klen;
  if (fh_mp_read_array(&c, &n) != 0) return 1;
  for (uint32_t i = 0; i < n && handover_note_slot(hl) == 0; i++)
    if (note_decode(&c, &hl->notes[hl->nnotes++]) != 0) {
      hl->nnotes--;
      break;
    }
  return 1;
}

void handover_load(hub *h) {
  for (size_t li = 0; li < h->model->nlines; li++) {
    handover_line *hl = &h->model->lines[li].ho;
    const char *line = h->plant->lines[li].id;
    char key[4 + FH_ID_MAX + 1];
    uint8_t prefix[HIST_KEY_MAX];
    rec_load rl = {&hl->pending, 0};

    fh_buf_init(&hl->pending.body, 0);
    snprintf(key, sizeof key, "hon/%s", line);
    fh_store_get(h->store, FH_T_SHIFTS, key, strlen(key), notes_cb, hl);
    fh_store_scan(h->store, FH_T_SHIFTS, prefix,
                  hist_record_prefix(HIST_HANDOVER, line, prefix), rec_cb, &rl);
    if (!rl.found || hl->pending.acked_at != 0) hl->pending.shift_start = 0;
  }
}

void handover_free(hub *h) {
  for (size_t li = 0; h->model != NULL && li < h->model->nlines; li++) {
    free(h->model->lines[li].ho.notes);
    fh_buf_free(&h->model->lines[li].ho.pending.body);
  }
}

void handover_publish(hub *h, size_t li) {
  topic *t = h->model->lines[li].t_line;
  if (publish_upd_begin(h, t, "handover") == 0 && handover_enc_pending(h, li, &h->enc) == 0)
    topic_publish_enc(h, t);
}

int handover_close_line(hub *h, size_t li, const fh_oee *rec) {
  handover_line *hl = &h->model->lines[li].ho;
  handover_rec *r = &hl->pending;
  int rc;

  fh_buf_reset(&r->body);
  r->shift_start = rec->shift_start;
  r->acked_by[0] = '\0';
  r->acked_at = 0;
  if (enc_body(h, li, rec, &r->body) != 0) return -ENOMEM;
  hl->nnotes = 0; /* handed over */
  rc = handover_put_rec(h, h->plant->lines[li].id, r);
  if (rc == 0) rc = handover_put_notes(h, li);
  if (rc == 0) handover_publish(h, li);
  return rc;
}
