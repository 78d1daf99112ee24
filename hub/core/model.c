/* model.c -- loading the live state and keeping the line summaries.
 *
 * At start the plant file says which lines and equipment exist; the store
 * says what state they were in.  Records of the plant (names, areas, ideal
 * cycles) are written back, so a changed plant file adds and renames.
 * Lines or equipment that left the plant file stay in the store untouched:
 * their history is never dropped.
 */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reaccount.h"
#include "runs.h"
#include "stops.h"
#include "topic.h"

static const char META_NEXT_ID[] = "next_andon_id";

void model_andon_key(uint64_t id, uint8_t key[8]) {
  for (int i = 7; i >= 0; i--, id >>= 8) key[i] = (uint8_t)id;
}

static uint64_t be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

/* ------------------------------------------------------------- andons */

static int andon_open(const fh_andon *a) {
  return a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
}

static long andon_slot(const model *m, uint64_t id) {
  size_t lo = 0, hi = m->nandons;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (m->andons[mid]->id < id) lo = mid + 1;
    else hi = mid;
  }
  return (long)lo;
}

fh_andon *model_andon_find(model *m, uint64_t id) {
  long i = andon_slot(m, id);
  if ((size_t)i < m->nandons && m->andons[i]->id == id) return m->andons[i];
  return NULL;
}

int model_andon_insert(model *m, const fh_andon *a) {
  fh_andon *copy;
  long at = andon_slot(m, a->id);

  if (m->nandons == m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 64;
    fh_andon **n = realloc(m->andons, ncap * sizeof *n);
    if (n == NULL) return -ENOMEM;
    m->andons = n;
    m->cap = ncap;
  }
  copy = malloc(sizeof *copy);
  if (copy == NULL) return -ENOMEM;
  *copy = *a;
  memmove(&m->andons[at + 1], &m->andons[at],
          (m->nandons - (size_t)at) * sizeof *m->andons);
  m->andons[at] = copy;
  m->nandons++;
  return 0;
}

void model_andon_remove(model *m, uint64_t id) {
  long i = andon_slot(m, id);
  if ((size_t)i >= m->nandons || m->andons[i]->id != id) return;
  free(m->andons[i]);
  memmove(&m->andons[i], &m->andons[i + 1],
          (m->nandons - (size_t)i - 1) * sizeof *m->andons);
  m->nandons--;
}

static void ring_put(model *m, const fh_andon *a) {
  m->closed[m->closed_next] = *a;
  m->closed_next = (m->closed_next + 1) % MODEL_ANDON_SNAP_MAX;
  if (m->nclosed < MODEL_ANDON_SNAP_MAX) m->nclosed++;
}

void model_andon_retire(model *m, uint64_t id) {
  fh_andon *a = model_andon_find(m, id);
  if (a == NULL || andon_open(a)) return;
  ring_put(m, a);
  model_andon_remove(m, id);
}

const fh_andon *model_closed_at(const model *m, size_t i) {
  if (i >= m->nclosed) return NULL;
  return &m->closed[(m->closed_next + MODEL_ANDON_SNAP_MAX - 1 - i) %
                    MODEL_ANDON_SNAP_MAX];
}

/* -------------------------------------------------------------- lines */

long model_line_index(hub *h, const char *id) {
  const plant_line *l = plant_line_find(h->plant, id, strlen(id));
  return l ? (long)(l - h->plant->lines) : -1;
}

/* How bad a state is for the line summary: the worst equipment wins. */
static int state_rank(fh_eq_state s) {
  static const int rank[FH_EQ__COUNT] = {
      [FH_EQ_DOWN] = 7,       [FH_EQ_BLOCKED] = 6, [FH_EQ_STARVED] = 5,
      [FH_EQ_CHANGEOVER] = 4, [FH_EQ_IDLE] = 3,    [FH_EQ_PLANNED_STOP] = 2,
      [FH_EQ_RUNNING] = 1,    [FH_EQ_UNKNOWN] = 0};
  return rank[s];
}

int model_line_refresh(hub *h, size_t li) {
  model *m = h->model;
  model_line *ml = &m->lines[li];
  const plant_line *pl = &h->plant->lines[li];
  fh_line n = ml->l;
  int have_state = 0;

  n.state = FH_EQ_UNKNOWN;
  for (size_t e = pl->first_equipment; e < pl->first_equipment + pl->nequipment; e++) {
    fh_eq_state s = m->eqs[e].e.state;
    if (!have_state || state_rank(s) > state_rank(n.state)) n.state = s;
    have_state = 1;
  }
  n.open_andons = 0;
  n.max_level = 0;
  n.oldest_andon_at = 0;
  for (size_t i = 0; i < m->nandons; i++) {
    const fh_andon *a = m->andons[i];
    if (!andon_open(a) || strcmp(a->line, pl->id) != 0) continue;
    n.open_andons++;
    if (a->level > n.max_level) n.max_level = a->level;
    if (n.oldest_andon_at == 0 || a->raised_at < n.oldest_andon_at)
      n.oldest_andon_at = a->raised_at;
  }
  n.oee = ml->oee.oee;
  if (n.state == ml->l.state && n.open_andons == ml->l.open_andons &&
      n.max_level == ml->l.max_level &&
      n.oldest_andon_at == ml->l.oldest_andon_at &&
      (n.oee - ml->oee_published < 0.0005 && ml->oee_published - n.oee < 0.0005))
    return 0;
  ml->l = n;
  ml->summary_dirty = 1;
  return 1;
}

/* -------------------------------------------------------- persistence */

static int put_encoded(hub *h, fh_table t, const void *key, size_t klen) {
  return fh_batch_put(h->batch, t, key, klen, fh_buf_payload(&h->enc),
                      fh_buf_payload_len(&h->enc));
}

int model_put_andon(hub *h, const fh_andon *a) {
  uint8_t key[8];
  model_andon_key(a->id, key);
  fh_buf_reset(&h->enc);
  if (fh_enc_andon(&h->enc, a) != 0) return -ENOMEM;
  return put_encoded(h, FH_T_ANDONS, key, sizeof key);
}

int model_put_equipment(hub *h, size_t ei) {
  const model_eq *me = &h->model->eqs[ei];
  char key[4 + FH_ID_MAX + 1];
  int rc;

  fh_buf_reset(&h->enc);
  if (fh_enc_equipment(&h->enc, &me->e) != 0) return -ENOMEM;
  rc = put_encoded(h, FH_T_EQUIPMENT, me->e.id, strlen(me->e.id));
  if (rc != 0) return rc;
  snprintf(key, sizeof key, "acc/%s", me->e.id);
  fh_buf_reset(&h->enc);
  if (oee_acc_encode(&me->acc, &h->enc) != 0) return -ENOMEM;
  return put_encoded(h, FH_T_SHIFTS, key, strlen(key));
}

int model_put_totals(hub *h, size_t ei) {
  const model_eq *me = &h->model->eqs[ei];
  char key[4 + FH_ID_MAX + 1];
  snprintf(key, sizeof key, "tot/%s", me->e.id);
  fh_buf_reset(&h->enc);
  if (fh_enc_array(&h->enc, 2) || fh_enc_uint(&h->enc, me->tot.good) ||
      fh_enc_uint(&h->enc, me->tot.reject))
    return -ENOMEM;
  return put_encoded(h, FH_T_SHIFTS, key, strlen(key));
}

static int load_totals_cb(void *arg, const void *key, size_t klen,
                          const void *val, size_t vlen) {
  counter_totals *t = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  uint32_t n;
  (void)key;
  (void)klen;
  if (fh_mp_read_array(&c, &n) == 0 && n == 2 && fh_mp_read_uint(&c, &t->good) == 0 &&
      fh_mp_read_uint(&c, &t->reject) == 0)
    t->known = 1;
  return 1;
}

/* The last totals of every equipment (those never sent stay unknown). */
static void load_totals(hub *h) {
  for (size_t i = 0; i < h->model->neqs; i++) {
    char key[4 + FH_ID_MAX + 1];
    snprintf(key, sizeof key, "tot/%s", h->model->eqs[i].e.id);
    fh_store_get(h->store, FH_T_SHIFTS, key, strlen(key), load_totals_cb,
                 &h->model->eqs[i].tot);
  }
}

int model_put_next_andon_id(hub *h) {
  uint8_t v[8];
  model_andon_key(h->model->next_andon_id, v);
  return fh_batch_put(h->batch, FH_T_META, META_NEXT_ID,
                      sizeof META_NEXT_ID - 1, v, sizeof v);
}

/* ------------------------------------------------------------ loading */

static int load_equipment_cb(void *arg, const void *key, size_t klen,
                             const void *val, size_t vlen) {
  fh_equipment *e = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  (void)key;
  (void)klen;
  return fh_dec_equipment(&c, e) == 0 ? 1 : -EINVAL;
}

static int load_lines_and_equipment(hub *h) {
  model *m = h->model;
  const plant *p = h->plant;
  int64_t now = hub_now_ms(h);
  int rc = 0;

  for (size_t i = 0; i < p->nlines && rc == 0; i++) {
    fh_line *l = &m->lines[i].l;
    snprintf(l->id, sizeof l->id, "%s", p->lines[i].id);
    snprintf(l->name, sizeof l->name, "%s", p->lines[i].name);
    snprintf(l->area, sizeof l->area, "%s", p->lines[i].area);
    l->state = FH_EQ_UNKNOWN;
    fh_buf_reset(&h->enc);
    rc = fh_enc_line(&h->enc, l) ? -ENOMEM : put_encoded(h, FH_T_LINES, l->id, strlen(l->id));
  }
  for (size_t i = 0; i < p->nequipment && rc == 0; i++) {
    const plant_equipment *pe = &p->equipment[i];
    fh_equipment *e = &m->eqs[i].e;
    fh_equipment stored;
    memset(&stored, 0, sizeof stored);
    if (fh_store_get(h->store, FH_T_EQUIPMENT, pe->id, strlen(pe->id),
                     load_equipment_cb, &stored) == 1) {
      *e = stored;
    } else {
      e->state = FH_EQ_UNKNOWN;
      e->since = now;
    }
    snprintf(e->id, sizeof e->id, "%s", pe->id);
    snprintf(e->name, sizeof e->name, "%s", pe->name);
    snprintf(e->line, sizeof e->line, "%s", p->lines[pe->line].id);
    e->ideal_cycle_ms = pe->ideal_cycle_ms;
    fh_buf_reset(&h->enc);
    rc = fh_enc_equipment(&h->enc, e) ? -ENOMEM
                                       : put_encoded(h, FH_T_EQUIPMENT, e->id, strlen(e->id));
  }
  return rc;
}

typedef struct andon_scan {
  hub *h;          /* the hub */
  int64_t now;     /* load time */
  uint64_t max_id; /* largest id seen */
  int rc;          /* first error */
} andon_scan;

static int load_andon_cb(void *arg, const void *key, size_t klen,
                         const void *val, size_t vlen) {
  andon_scan *sc = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  fh_andon a;

  memset(&a, 0, sizeof a);
  if (klen != 8 || fh_dec_andon(&c, &a) != 0) {
    log_warn("store: unreadable andon record skipped");
    return 0;
  }
  if (be64(key) > sc->max_id) sc->max_id = be64(key);
  if (andon_open(&a))
    sc->rc = model_andon_insert(sc->h->model, &a);
  else if (sc->now - a.resolved_at <= MODEL_CLOSED_KEEP_MS)
    ring_put(sc->h->model, &a); /* in id order: the ring keeps the newest */
  return sc->rc;
}

static int load_next_id_cb(void *arg, const void *key, size_t klen,
                           const void *val, size_t vlen) {
  (void)key;
  (void)klen;
  if (vlen == 8) *(uint64_t *)arg = be64(val);
  return 1;
}

int model_load(hub *h, char *err, size_t errlen) {
  const plant *p = h->plant;
  model *m = calloc(1, sizeof *m);
  andon_scan sc = {h, hub_now_ms(h), 0, 0};
  uint64_t stored_next = 0;
  int rc;

  if (m == NULL) goto nomem;
  h->model = m;
  m->lines = calloc(p->nlines, sizeof *m->lines);
  m->eqs = calloc(p->nequipment, sizeof *m->eqs);
  m->closed = calloc(MODEL_ANDON_SNAP_MAX, sizeof *m->closed);
  if (m->lines == NULL || m->eqs == NULL || m->closed == NULL) goto nomem;
  m->nlines = p->nlines;
  m->neqs = p->nequipment;
  rc = load_lines_and_equipment(h);
  if (rc == 0) rc = fh_store_scan(h->store, FH_T_ANDONS, NULL, 0, load_andon_cb, &sc);
  if (rc < 0) {
    snprintf(err, errlen, "loading state: %s", fh_store_strerror(rc));
    return rc;
  }
  if (rc == 0) load_totals(h);
  if (rc == 0) rc = stops_load(h);
  if (rc == 0) rc = runs_load(h);
  if (rc < 0) {
    snprintf(err, errlen, "loading stops: %s", fh_store_strerror(rc));
    return rc;
  }
  fh_store_get(h->store, FH_T_META, META_NEXT_ID, sizeof META_NEXT_ID - 1,
               load_next_id_cb, &stored_next);
  m->next_andon_id = sc.max_id + 1 > stored_next ? sc.max_id + 1 : stored_next;
  log_info("state loaded: %zu lines, %zu equipment, %zu open andons, %zu "
           "closed in the last 12 h kept for snapshots, next andon id %llu",
           m->nlines, m->neqs, m->nandons, m->nclosed,
           (unsigned long long)m->next_andon_id);
  return 0;
nomem:
  snprintf(err, errlen, "loading state: out of memory");
  return -ENOMEM;
}

void model_free(hub *h) {
  model *m = h->model;
  if (m == NULL) return;
  stops_free(h);
  handover_free(h);
  reaccount_forget(h);
  for (size_t i = 0; i < m->nandons; i++) free(m->andons[i]);
  free(m->andons);
  free(m->closed);
  free(m->lines);
  free(m->eqs);
  free(m);
  h->model = NULL;
}
