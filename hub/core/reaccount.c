/* reaccount.c -- re-accounting closed shifts (see reaccount.h).
 *
 * A cached closed shift is the line record and the closed accumulator of
 * each equipment of the line, in plant order.  The cache is a short list
 * (it holds only the shifts changed since the store last caught up), so it
 * is searched linearly.  Which closed shifts a stop overlaps comes from
 * the calendar (the windows from the stop's start to its end, or now while
 * it is open); a window without a stored record is skipped (nothing was
 * closed then), and so is one closed by a hub that did not store the
 * accumulators yet (logged: its figures stay those of the close).
 */
#include "reaccount.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "log.h"
#include "model.h"
#include "publish.h"
#include "shift_runs.h"
#include "shiftclock.h"
#include "stops.h"
#include "topic.h"

typedef struct closed_shift {
  size_t line;     /* plant line index */
  int64_t start;   /* shift start, ms */
  fh_oee rec;      /* the line record, newest version */
  uint8_t *keys;   /* the record's report keys beyond rec (key/value
                      pairs as stored: shift_runs.h), NULL none */
  size_t keys_len; /* bytes at keys */
  uint32_t nkeys;  /* pairs at keys */
  size_t nacc;     /* the line's equipment */
  oee_acc *acc;    /* their closed accumulators, plant order */
  uint64_t used;   /* the cache's clock when it was last used */
} closed_shift;

struct reaccount_cache {
  closed_shift **cs; /* the cached shifts */
  size_t n;          /* entries used */
  size_t cap;        /* slots allocated */
  uint64_t clock;    /* counts uses, for the least recently used */
};

static void closed_free(closed_shift *c) {
  if (c == NULL) return;
  free(c->keys);
  free(c->acc);
  free(c);
}

void reaccount_forget(hub *h) {
  struct reaccount_cache *rc = h->model ? h->model->reacc : NULL;
  if (rc == NULL) return;
  for (size_t i = 0; i < rc->n; i++) closed_free(rc->cs[i]);
  free(rc->cs);
  free(rc);
  h->model->reacc = NULL;
}

void reaccount_trim(hub *h) {
  struct reaccount_cache *rc = h->model ? h->model->reacc : NULL;
  while (rc != NULL && rc->n > REACCOUNT_KEEP) {
    size_t old = 0;
    for (size_t i = 1; i < rc->n; i++)
      if (rc->cs[i]->used < rc->cs[old]->used) old = i;
    closed_free(rc->cs[old]);
    rc->cs[old] = rc->cs[--rc->n];
  }
}

static closed_shift *cache_find(hub *h, size_t li, int64_t start) {
  struct reaccount_cache *rc = h->model->reacc;
  for (size_t i = 0; rc != NULL && i < rc->n; i++)
    if (rc->cs[i]->line == li && rc->cs[i]->start == start) {
      rc->cs[i]->used = ++rc->clock;
      return rc->cs[i];
    }
  return NULL;
}

/* Takes c into the cache, replacing an entry of the same shift.  0 or
 * -ENOMEM (c is then freed). */
static int cache_put(hub *h, closed_shift *c) {
  struct reaccount_cache *rc = h->model->reacc;
  closed_shift *old = cache_find(h, c->line, c->start);
  if (old != NULL) {
    for (size_t i = 0; i < rc->n; i++)
      if (rc->cs[i] == old) rc->cs[i] = c;
    closed_free(old);
    return 0;
  }
  if (rc == NULL && (rc = h->model->reacc = calloc(1, sizeof *rc)) == NULL) goto fail;
  if (rc->n == rc->cap) {
    size_t cap = rc->cap ? 2 * rc->cap : 8;
    closed_shift **cs = realloc(rc->cs, cap * sizeof *cs);
    if (cs == NULL) goto fail;
    rc->cs = cs;
    rc->cap = cap;
  }
  c->used = ++rc->clock;
  rc->cs[rc->n++] = c;
  return 0;
fail:
  closed_free(c);
  return -ENOMEM;
}

static closed_shift *closed_new(hub *h, size_t li, int64_t start) {
  closed_shift *c = calloc(1, sizeof *c);
  size_t n = h->plant->lines[li].nequipment;
  if (c == NULL || (c->acc = calloc(n ? n : 1, sizeof *c->acc)) == NULL) {
    free(c);
    return NULL;
  }
  c->line = li;
  c->start = start;
  c->nacc = n;
  return c;
}

/* "acc/<eq>/" + u64 BE start: an equipment's closed accumulator.  The
 * key's length, 0 when eq is too long (key holds HIST_KEY_MAX bytes). */
static size_t acc_key(const char *eq, int64_t start, uint8_t *key) {
  return hist_record_key(HIST_ACCOUNTING, eq, start, key);
}

/* Queues the value h->enc holds under key.  0 or -ENOMEM. */
static int put_enc(hub *h, const uint8_t *key, size_t klen) {
  return klen == 0 || fh_batch_put(h->batch, FH_T_SHIFTS, key, klen,
                                   fh_buf_payload(&h->enc),
                                   fh_buf_payload_len(&h->enc)) != 0
             ? -ENOMEM : 0;
}

/* Equipment e's closed accumulator and its record ("eqr/", history.h;
 * with the line record's revision).  0 or -ENOMEM. */
static int put_equipment(hub *h, const closed_shift *c, size_t e) {
  const plant_line *pl = &h->plant->lines[c->line];
  const char *eq = h->plant->equipment[pl->first_equipment + e].id;
  uint8_t key[HIST_KEY_MAX];
  fh_oee o;

  fh_buf_reset(&h->enc);
  if (oee_acc_encode(&c->acc[e], &h->enc) != 0 || put_enc(h, key, acc_key(eq, c->start, key)))
    return -ENOMEM;
  oee_acc_compute(&c->acc[e], c->acc[e].win.end_ms, eq, &o);
  o.revision = c->rec.revision;
  o.changed_at = c->rec.changed_at;
  fh_buf_reset(&h->enc);
  if (fh_enc_oee(&h->enc, &o) != 0 ||
      put_enc(h, key, hist_record_key(HIST_EQUIPMENT, eq, c->start, key)))
    return -ENOMEM;
  return 0;
}

/* Queues the line record of c and the records of its equipment: all
 * (e_only == SIZE_MAX) or of equipment e_only of the line.  0 or -ENOMEM. */
static int closed_put(hub *h, const closed_shift *c, size_t e_only) {
  const plant_line *pl = &h->plant->lines[c->line];
  uint8_t key[HIST_KEY_MAX];

  fh_buf_reset(&h->enc);
  if (fh_enc_oee_map(&h->enc, &c->rec, c->nkeys) != 0 ||
      (c->keys_len > 0 && fh_buf_append(&h->enc, c->keys, c->keys_len) != 0) ||
      put_enc(h, key, hist_record_key(HIST_LINE, pl->id, c->start, key)))
    return -ENOMEM;
  for (size_t e = 0; e < c->nacc; e++)
    if ((e_only == SIZE_MAX || e == e_only) && put_equipment(h, c, e) != 0)
      return -ENOMEM;
  return 0;
}

int reaccount_store_close(hub *h, size_t li, fh_oee *rec, const uint8_t *keys,
                          size_t len, uint32_t nkeys) {
  const plant_line *pl = &h->plant->lines[li];
  closed_shift *c = closed_new(h, li, rec->shift_start);
  if (c == NULL) return -ENOMEM;
  if (len > 0 && (c->keys = malloc(len)) == NULL) {
    closed_free(c);
    return -ENOMEM;
  }
  if (len > 0) memcpy(c->keys, keys, len);
  c->keys_len = len;
  c->nkeys = nkeys;
  rec->revision = 1;
  rec->changed_at = 0;
  c->rec = *rec;
  for (size_t e = 0; e < c->nacc; e++) {
    oee_acc *a = &c->acc[e];
    *a = h->model->eqs[pl->first_equipment + e].acc;
    if (a->stop_start != 0) /* its time in this shift is closed time now */
      oee_acc_stop_close(a, a->stop_start, a->win.end_ms, a->stop_loss);
  }
  if (closed_put(h, c, SIZE_MAX) != 0) {
    closed_free(c);
    return -ENOMEM;
  }
  return cache_put(h, c);
}

/* ------------------------------------------------------------- loading */

typedef struct rec_load {
  closed_shift *c; /* where the record goes */
  int found;       /* it was read */
} rec_load;

static int rec_cb(void *arg, const void *key, size_t klen, const void *val,
                  size_t vlen) {
  rec_load *rl = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  (void)key;
  (void)klen;
  rl->found = fh_dec_oee(&c, &rl->c->rec) == 0 &&
              shift_runs_record_keys(val, vlen, &rl->c->keys, &rl->c->keys_len,
                                     &rl->c->nkeys) == 0;
  return 1;
}

static int acc_cb(void *arg, const void *key, size_t klen, const void *val,
                  size_t vlen) {
  (void)key;
  (void)klen;
  return oee_acc_decode(arg, val, vlen) == 0 ? 1 : -EINVAL;
}

/* The closed shift of line li that started at `start`: cached, or read
 * from the store and cached.  NULL when none was stored (or out of
 * memory). */
static closed_shift *closed_get(hub *h, size_t li, int64_t start) {
  const plant_line *pl = &h->plant->lines[li];
  closed_shift *c = cache_find(h, li, start);
  uint8_t key[HIST_KEY_MAX];
  rec_load rl;
  size_t klen;

  if (c != NULL) return c;
  if ((c = closed_new(h, li, start)) == NULL) return NULL;
  rl.c = c;
  rl.found = 0;
  klen = hist_record_key(HIST_LINE, pl->id, start, key);
  fh_store_get(h->store, FH_T_SHIFTS, key, klen, rec_cb, &rl);
  if (!rl.found) goto none;
  for (size_t e = 0; e < c->nacc; e++) {
    const char *eq = h->plant->equipment[pl->first_equipment + e].id;
    klen = acc_key(eq, start, key);
    if (klen == 0 || fh_store_get(h->store, FH_T_SHIFTS, key, klen, acc_cb,
                                  &c->acc[e]) != 1) {
      log_warn("shift of %s at %lld: no closed accumulator of %s stored, "
               "its report is not re-accounted", pl->id, (long long)start, eq);
      goto none;
    }
  }
  return cache_put(h, c) == 0 ? c : NULL;
none:
  closed_free(c);
  return NULL;
}

/* ---------------------------------------------------------- re-accounting */

/* One stretch of a stop whose time moves from one category to another. */
typedef struct move {
  int64_t start, end;  /* ms, [start, end) */
  fh_loss from, to;    /* categories */
} move;

/* The moves of a change: the stop (or the part that keeps its id) and the
 * part a split cut off.  Returns how many (0..2). */
static size_t change_moves(hub *h, size_t ei, const dt_event *before,
                           const dt_event *after, const dt_event *cut,
                           move m[2]) {
  dt_limits lim = stops_limits(h, h->plant->equipment[ei].line);
  int64_t now = hub_now_ms(h);
  fh_loss from = dt_loss(before, &lim);
  const dt_event *parts[2] = {after, cut};
  size_t n = 0;

  for (size_t i = 0; i < 2; i++) {
    fh_loss to;
    if (parts[i] == NULL) continue;
    to = dt_loss(parts[i], &lim);
    if (to == from) continue;
    m[n++] = (move){parts[i]->d.start, parts[i]->d.end ? parts[i]->d.end : now,
                    from, to};
  }
  return n;
}

/* Applies the moves to closed shift c (equipment index e of its line) and
 * queues the new figures.  1 when they changed, 0 when not, -ENOMEM. */
static int closed_apply(hub *h, closed_shift *c, size_t e, const move *m,
                        size_t nm) {
  const plant_line *pl = &h->plant->lines[c->line];
  const oee_acc *accs[PLANT_EQUIPMENT_PER_LINE_MAX];
  uint64_t was[FH_LOSS__TIME];
  uint32_t revision = c->rec.revision ? c->rec.revision : 1;
  fh_oee rec;

  memcpy(was, c->acc[e].loss_ms, sizeof was);
  for (size_t i = 0; i < nm; i++)
    oee_acc_stop_move(&c->acc[e], m[i].start, m[i].end, m[i].from, m[i].to);
  if (memcmp(was, c->acc[e].loss_ms, sizeof was) == 0) return 0;
  for (size_t i = 0; i < c->nacc; i++) accs[i] = &c->acc[i];
  oee_line_constraint(accs, c->nacc, pl->constraint - pl->first_equipment,
                      pl->output - pl->first_equipment, c->acc[0].win.end_ms,
                      pl->id, &rec);
  rec.revision = revision + 1;
  rec.changed_at = hub_now_ms(h);
  c->rec = rec;
  return closed_put(h, c, e) == 0 ? 1 : -ENOMEM;
}

int reaccount_stop(hub *h, size_t ei, const dt_event *before,
                   const dt_event *after, const dt_event *cut,
                   reaccount_set *out) {
  const plant *p = h->plant;
  size_t li = p->equipment[ei].line, e = ei - p->lines[li].first_equipment;
  int64_t now = hub_now_ms(h), t = before->d.start;
  int64_t end = before->d.end ? before->d.end : now;
  move m[2];
  size_t nm = change_moves(h, ei, before, after, cut, m);

  for (size_t k = 0; nm > 0 && k < REACCOUNT_SHIFTS_MAX && t < end; k++) {
    shift_window w;
    closed_shift *c;
    int rc;
    if (shift_window_at(p->shifts, p->nshifts, t, &w) != 0 &&
        shift_next(p->shifts, p->nshifts, t, &w) != 0)
      break;
    if (w.start_ms >= end || w.end_ms > now) break; /* not closed yet */
    t = w.end_ms;
    if ((c = closed_get(h, li, w.start_ms)) == NULL) continue;
    if ((rc = closed_apply(h, c, e, m, nm)) < 0) return rc;
    if (rc == 1 && out->n < REACCOUNT_SHIFTS_MAX) {
      out->line[out->n] = li;
      out->rec[out->n++] = c->rec;
    }
  }
  return 0;
}

void reaccount_publish(hub *h, const reaccount_set *set) {
  for (size_t i = 0; i < set->n; i++) {
    topic *t = h->model->lines[set->line[i]].t_oee;
    /* with the report keys of the record (cached: it was just written) */
    const closed_shift *c = cache_find(h, set->line[i], set->rec[i].shift_start);
    uint32_t nkeys = c != NULL ? c->nkeys : 0;
    if (publish_upd_begin(h, t, "report") == 0 &&
        fh_enc_oee_map(&h->enc, &set->rec[i], nkeys) == 0 &&
        (nkeys == 0 || fh_buf_append(&h->enc, c->keys, c->keys_len) == 0))
      topic_publish_enc(h, t);
  }
}
