/* publish.c -- topic data: snapshots and updates (see publish.h).
 *
 * Data values, as PROTOCOL.md lists them:
 *   plant      snap {plant, timezone, lines, kinds, reasons, reason_tree,
 *                   escalation, shift, products}
 *              upd  {line} | {shift}
 *   line/<id>  snap {line, equipment, andons, oee, run, handover}
 *              upd  {line} | {equipment} | {andon} | {oee} | {run}
 *                   (run_state.c) | {handover} (handover.c)
 *   andon      snap {andons}             upd {andon}
 *   oee/<id>   snap and upd {oee, equipment: [per-equipment oee], target,
 *                   target_source, expected_now, variance, hourly}
 *                   (scoreboard.c)
 *   downtime/<id>  snap {events}    upd {event}          (stops.c)
 */
#include "publish.h"
#include "notify_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "oee.h"
#include "plans.h"
#include "runs.h"
#include "stops.h"

static int is_open(const fh_andon *a) {
  return a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
}

static int enc_kv_str(fh_buf *b, const char *k, const char *v) {
  return fh_enc_str(b, k) || fh_enc_str(b, v);
}

static int enc_shift(hub *h, fh_buf *b) {
  const model *m = h->model;
  if (!m->in_shift) return fh_enc_nil(b);
  return fh_enc_map(b, 3) || enc_kv_str(b, "name", m->shift.def->name) ||
         fh_enc_str(b, "start") || fh_enc_uint(b, (uint64_t)m->shift.start_ms) ||
         fh_enc_str(b, "end") || fh_enc_uint(b, (uint64_t)m->shift.end_ms);
}

static int enc_names(fh_buf *b, const char (*names)[FH_KIND_MAX + 1], size_t n) {
  int rc = fh_enc_array(b, (uint32_t)n);
  for (size_t i = 0; i < n && rc == 0; i++) rc = fh_enc_str(b, names[i]);
  return rc;
}

/* The reason tree as a flat array in tree order:
 * [{code, name, category, parent: code or nil, leaf: bool}...] */
static int enc_reason_tree(fh_buf *b, const plant *p) {
  int rc = fh_enc_str(b, "reason_tree") || fh_enc_array(b, (uint32_t)p->nreason_nodes);
  for (size_t i = 0; i < p->nreason_nodes && rc == 0; i++) {
    const plant_reason *r = &p->reason_nodes[i];
    rc = fh_enc_map(b, 5) || enc_kv_str(b, "code", r->code) ||
         enc_kv_str(b, "name", r->name) ||
         enc_kv_str(b, "category", fh_loss_name(r->category)) ||
         fh_enc_str(b, "parent") ||
         (r->parent < 0 ? fh_enc_nil(b) : fh_enc_str(b, p->reason_nodes[r->parent].code)) ||
         fh_enc_str(b, "leaf") || fh_enc_bool(b, r->leaf);
  }
  return rc;
}

static int enc_plant_data(hub *h, fh_buf *b) {
  const plant *p = h->plant;
  int rc = fh_enc_map(b, 9) || enc_kv_str(b, "plant", p->name) ||
           enc_kv_str(b, "timezone", p->timezone) ||
           fh_enc_str(b, "lines") || fh_enc_array(b, (uint32_t)p->nlines);
  for (size_t i = 0; i < p->nlines && rc == 0; i++)
    rc = fh_enc_line(b, &h->model->lines[i].l);
  rc = rc || fh_enc_str(b, "kinds") || enc_names(b, p->kinds, p->nkinds) ||
       fh_enc_str(b, "reasons") || enc_names(b, p->reasons, p->nreasons) ||
       enc_reason_tree(b, p) ||
       fh_enc_str(b, "escalation") ||
       fh_enc_array(b, (uint32_t)p->nescalation);
  for (size_t i = 0; i < p->nescalation && rc == 0; i++)
    rc = fh_enc_map(b, 2) || fh_enc_str(b, "after_s") ||
         fh_enc_uint(b, p->escalation[i].after_s) ||
         enc_kv_str(b, "role", fh_role_name(p->escalation[i].role));
  rc = rc || fh_enc_str(b, "products") || fh_enc_array(b, (uint32_t)p->nproducts);
  for (size_t i = 0; i < p->nproducts && rc == 0; i++)
    rc = fh_enc_map(b, 2) || enc_kv_str(b, "id", p->products[i].id) ||
         enc_kv_str(b, "name", p->products[i].name);
  return rc || fh_enc_str(b, "shift") || enc_shift(h, b);
}

/* The per-equipment OEE records of line li, as an array. */
static int enc_equipment_oee(hub *h, size_t li, fh_buf *b) {
  const plant_line *pl = &h->plant->lines[li];
  int64_t now = hub_now_ms(h);
  int rc = fh_enc_array(b, (uint32_t)pl->nequipment);
  for (size_t e = pl->first_equipment;
       e < pl->first_equipment + pl->nequipment && rc == 0; e++) {
    fh_oee o;
    oee_acc_compute(&h->model->eqs[e].acc, now, h->model->eqs[e].e.id, &o);
    rc = fh_enc_oee(b, &o);
  }
  return rc;
}

static int enc_oee_data(hub *h, size_t li, fh_buf *b) {
  return fh_enc_map(b, 2 + PLANS_SCOREBOARD_KEYS) || fh_enc_str(b, "oee") ||
         fh_enc_oee(b, &h->model->lines[li].oee) ||
         fh_enc_str(b, "equipment") || enc_equipment_oee(h, li, b) ||
         plans_scoreboard(h, li, b);
}

static int enc_line_data(hub *h, size_t li, fh_buf *b) {
  const model *m = h->model;
  const plant_line *pl = &h->plant->lines[li];
  uint32_t nopen = 0;
  int rc;

  for (size_t i = 0; i < m->nandons; i++)
    nopen += is_open(m->andons[i]) && !strcmp(m->andons[i]->line, pl->id);
  rc = fh_enc_map(b, 6) || fh_enc_str(b, "line") ||
       fh_enc_line(b, &m->lines[li].l) || fh_enc_str(b, "equipment") ||
       fh_enc_array(b, (uint32_t)pl->nequipment);
  for (size_t e = pl->first_equipment;
       e < pl->first_equipment + pl->nequipment && rc == 0; e++)
    rc = fh_enc_equipment(b, &m->eqs[e].e);
  rc = rc || fh_enc_str(b, "andons") || fh_enc_array(b, nopen);
  for (size_t i = 0; i < m->nandons && rc == 0; i++)
    if (is_open(m->andons[i]) && !strcmp(m->andons[i]->line, pl->id))
      rc = fh_enc_andon(b, m->andons[i]);
  return rc || fh_enc_str(b, "oee") || fh_enc_oee(b, &m->lines[li].oee) ||
         fh_enc_str(b, "run") || runs_encode(h, li, b) ||
         fh_enc_str(b, "handover") || handover_enc_pending(h, li, b);
}

static int newest_first(const void *a, const void *b) {
  uint64_t x = (*(const fh_andon *const *)a)->id;
  uint64_t y = (*(const fh_andon *const *)b)->id;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* Open andons and those closed within the keep time, newest (highest id)
 * first, at most MODEL_ANDON_SNAP_MAX. */
static int enc_andon_data(hub *h, fh_buf *b) {
  const model *m = h->model;
  int64_t oldest = hub_now_ms(h) - MODEL_CLOSED_KEEP_MS;
  const fh_andon **list = malloc((m->nandons + m->nclosed + 1) * sizeof *list);
  const fh_andon *c;
  size_t n = 0;
  int rc;

  if (list == NULL) return -ENOMEM;
  for (size_t i = 0; i < m->nandons; i++) list[n++] = m->andons[i];
  for (size_t i = 0; (c = model_closed_at(m, i)) != NULL; i++)
    if (c->resolved_at >= oldest) list[n++] = c;
  qsort(list, n, sizeof *list, newest_first);
  if (n > MODEL_ANDON_SNAP_MAX) n = MODEL_ANDON_SNAP_MAX;
  rc = fh_enc_map(b, 1) || fh_enc_str(b, "andons") || fh_enc_array(b, (uint32_t)n);
  for (size_t i = 0; i < n && rc == 0; i++) rc = fh_enc_andon(b, list[i]);
  free(list);
  return rc;
}

int publish_snapshot(hub *h, topic *t, fh_buf *out) {
  int rc = fh_enc_snap_begin(out, t->name, t->seq, h->epoch);
  if (rc) return -ENOMEM;
  switch (t->kind) {
    case TOPIC_PLANT: rc = enc_plant_data(h, out); break;
    case TOPIC_ANDON: rc = enc_andon_data(h, out); break;
    case TOPIC_LINE: rc = enc_line_data(h, t->line, out); break;
    case TOPIC_OEE: rc = enc_oee_data(h, t->line, out); break;
    case TOPIC_DOWNTIME: rc = stops_snapshot(h, t->line, out); break;
    case TOPIC_NOTIFY: rc = notify_log_snapshot(h, out); break;
  }
  return rc ? -ENOMEM : 0;
}

/* Starts an upd of t in h->enc with a one-key data map {key: ...}. */
int publish_upd_begin(hub *h, topic *t, const char *key) {
  fh_buf_reset(&h->enc);
  return fh_enc_upd_begin(&h->enc, t->name, topic_next_seq(t)) ||
         fh_enc_map(&h->enc, 1) || fh_enc_str(&h->enc, key);
}

void publish_andon(hub *h, const fh_andon *a) {
  long li = model_line_index(h, a->line);
  topic *t = h->model->t_andon;
  if (publish_upd_begin(h, t, "andon") == 0 && fh_enc_andon(&h->enc, a) == 0)
    topic_publish_enc(h, t);
  if (li < 0) return;
  t = h->model->lines[li].t_line;
  if (publish_upd_begin(h, t, "andon") == 0 && fh_enc_andon(&h->enc, a) == 0)
    topic_publish_enc(h, t);
}

void publish_equipment(hub *h, const fh_equipment *e) {
  long li = model_line_index(h, e->line);
  topic *t;
  if (li < 0) return;
  t = h->model->lines[li].t_line;
  if (publish_upd_begin(h, t, "equipment") == 0 && fh_enc_equipment(&h->enc, e) == 0)
    topic_publish_enc(h, t);
}

void publish_line_summary(hub *h, size_t li) {
  model_line *ml = &h->model->lines[li];
  topic *ts[2] = {h->model->t_plant, ml->t_line};
  for (int i = 0; i < 2; i++)
    if (publish_upd_begin(h, ts[i], "line") == 0 && fh_enc_line(&h->enc, &ml->l) == 0)
      topic_publish_enc(h, ts[i]);
  ml->summary_dirty = 0;
  ml->oee_published = ml->l.oee;
}

void publish_oee(hub *h, size_t li) {
  model_line *ml = &h->model->lines[li];
  topic *t = ml->t_oee;

  fh_buf_reset(&h->enc);
  if (fh_enc_upd_begin(&h->enc, t->name, topic_next_seq(t)) == 0 &&
      enc_oee_data(h, li, &h->enc) == 0)
    topic_publish_enc(h, t);
  t = ml->t_line;
  if (publish_upd_begin(h, t, "oee") == 0 && fh_enc_oee(&h->enc, &ml->oee) == 0)
    topic_publish_enc(h, t);
}

void publish_shift(hub *h) {
  topic *t = h->model->t_plant;
  if (publish_upd_begin(h, t, "shift") == 0 && enc_shift(h, &h->enc) == 0)
    topic_publish_enc(h, t);
}

void publish_dirty_lines(hub *h) {
  for (size_t li = 0; li < h->model->nlines; li++)
    if (h->model->lines[li].summary_dirty) publish_line_summary(h, li);
}
