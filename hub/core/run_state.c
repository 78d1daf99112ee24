/* run_state.c -- a line's production run in the model and the store: load,
 * records, counts, changeover, undo and publishing (see runs.h; the run.*
 * requests are in runs.c).
 *
 * The line record "runl/<line>" is [run map or nil, last_end, co_from,
 * co_to, the shift's runs (shift_runs.h)] (times in ms, 0 when unset; a
 * record of 4 items, from before the list, reads as an empty list),
 * rewritten whenever the run changes;
 * an ended run is kept under "runh/<line>/<u64 BE id>".  Every change goes
 * through run_save() first, which keeps the line's run as it was in the
 * write's pending_run (once per write), so runs_undo() can put it back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "publish.h"
#include "runs.h"
#include "shift_runs.h"
#include "stops.h"
#include "target.h"

static const char META_NEXT_RUN[] = "next_run_id";

/* ------------------------------------------------------------ changeover */

/* The changeover of line li's active run up to now (runs.h). */
void run_refresh(hub *h, size_t li, int64_t now) {
  model_line *ml = &h->model->lines[li];
  model_run *mr = &ml->run;
  const char *cid = h->plant->equipment[h->plant->lines[li].constraint].id;
  int64_t to = mr->co_to != 0 ? mr->co_to : now;
  uint64_t ms = 0;

  if (mr->r.id == 0) return;
  for (size_t i = 0; i < ml->stops.n; i++)
    if (strcmp(ml->stops.evs[i]->d.equipment, cid) == 0)
      ms += dt_changeover_ms(ml->stops.evs[i], mr->co_from, to);
  mr->r.changeover_ms = ms;
}

/* ------------------------------------------------------------- records */

static int put_buf(hub *h, const char *key) {
  return fh_batch_put(h->batch, FH_T_SHIFTS, key, strlen(key),
                      fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
}

/* Queues line li's run record ("runl/<line>"). */
int run_put_line(hub *h, size_t li) {
  model_run *mr = &h->model->lines[li].run;
  char key[5 + FH_ID_MAX + 1];

  run_refresh(h, li, hub_now_ms(h));
  snprintf(key, sizeof key, "runl/%s", h->plant->lines[li].id);
  fh_buf_reset(&h->enc);
  if (fh_enc_array(&h->enc, 5) ||
      (mr->r.id ? fh_enc_run(&h->enc, &mr->r) : fh_enc_nil(&h->enc)) ||
      fh_enc_int(&h->enc, mr->last_end) || fh_enc_int(&h->enc, mr->co_from) ||
      fh_enc_int(&h->enc, mr->co_to) ||
      shift_runs_encode(&h->model->lines[li].sruns, &h->enc))
    return -ENOMEM;
  return put_buf(h, key);
}

/* Queues an ended run under "runh/<line>/<id>". */
int run_put_ended(hub *h, const fh_run *r) {
  uint8_t key[5 + FH_ID_MAX + 1 + 8];
  int n = snprintf((char *)key, sizeof key - 8, "runh/%s/", r->line);

  if (n < 0 || (size_t)n >= sizeof key - 8) return -EINVAL;
  model_andon_key(r->id, key + n);
  fh_buf_reset(&h->enc);
  if (fh_enc_run(&h->enc, r) != 0) return -ENOMEM;
  return fh_batch_put(h->batch, FH_T_SHIFTS, key, (size_t)n + 8,
                      fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
}

int run_put_next_id(hub *h) {
  uint8_t v[8];
  model_andon_key(h->model->next_run_id, v);
  return fh_batch_put(h->batch, FH_T_META, META_NEXT_RUN,
                      sizeof META_NEXT_RUN - 1, v, sizeof v);
}

/* Keeps line li's run as it is now in p (once per write).  0 or -ENOMEM. */
int run_save(hub *h, pending *p, size_t li) {
  if (p->run != NULL) return 0;
  p->run = calloc(1, sizeof *p->run);
  if (p->run == NULL) return -ENOMEM;
  p->run->line = li;
  p->run->before = h->model->lines[li].run;
  p->run->sruns_before = h->model->lines[li].sruns;
  p->run->next_id_before = h->model->next_run_id;
  return 0;
}

/* The ideal cycle in force on every equipment of line li. */
void run_apply_ideal(hub *h, size_t li) {
  const plant_line *pl = &h->plant->lines[li];
  const plant_product *pr = h->model->lines[li].run.product;
  for (size_t e = pl->first_equipment; e < pl->first_equipment + pl->nequipment;
       e++)
    h->model->eqs[e].e.ideal_cycle_ms = plant_ideal_cycle(h->plant, pr, e);
}

/* --------------------------------------------------------------- loading */

typedef struct run_load {
  hub *h;       /* the hub */
  model_run mr; /* decoded */
  model_shift_runs sr; /* decoded */
  int found;    /* a record was read */
} run_load;

static int read_time(fh_mp_cursor *c, int64_t *t) {
  return fh_mp_read_int(c, t) < 0 || *t < 0 ? -1 : 0;
}

static int load_line_cb(void *arg, const void *key, size_t klen,
                        const void *val, size_t vlen) {
  run_load *rl = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  uint32_t n;
  (void)key;
  (void)klen;
  if (fh_mp_read_array(&c, &n) < 0 || (n != 4 && n != 5)) return -EINVAL;
  if (fh_mp_peek(&c) == FH_MP_NIL) fh_mp_read_nil(&c);
  else if (fh_dec_run(&c, &rl->mr.r) < 0) return -EINVAL;
  if (read_time(&c, &rl->mr.last_end) || read_time(&c, &rl->mr.co_from) ||
      read_time(&c, &rl->mr.co_to) ||
      (n == 5 && shift_runs_decode(&c, &rl->sr) != 0))
    return -EINVAL;
  rl->found = 1;
  return 1;
}

static int load_next_cb(void *arg, const void *key, size_t klen,
                        const void *val, size_t vlen) {
  const uint8_t *v = val;
  uint64_t id = 0;
  (void)key;
  (void)klen;
  if (vlen != 8) return -EINVAL;
  for (int i = 0; i < 8; i++) id = id << 8 | v[i];
  *(uint64_t *)arg = id;
  return 1;
}

/* Line li's stored run; a run of a product the plant file no longer has
 * is kept, with the equipment's own cycles. */
static int load_line(hub *h, size_t li) {
  model_line *ml = &h->model->lines[li];
  run_load rl;
  char key[5 + FH_ID_MAX + 1];
  int rc;

  memset(&rl, 0, sizeof rl);
  rl.h = h;
  snprintf(key, sizeof key, "runl/%s", h->plant->lines[li].id);
  rc = fh_store_get(h->store, FH_T_SHIFTS, key, strlen(key), load_line_cb, &rl);
  if (rc < 0 && rc != -ENOENT) return rc;
  if (!rl.found) return 0;
  ml->run = rl.mr;
  ml->sruns = rl.sr;
  if (ml->run.r.id == 0) return 0;
  ml->run.product = plant_product_find(h->plant, ml->run.r.product,
                                       strlen(ml->run.r.product));
  if (ml->run.product == NULL)
    log_warn("line %s: run %llu is of product '%s', which the plant file no "
             "longer has: the equipment's own cycles apply", ml->l.id,
             (unsigned long long)ml->run.r.id, ml->run.r.product);
  if (ml->run.r.id >= h->model->next_run_id)
    h->model->next_run_id = ml->run.r.id + 1;
  return 0;
}

int runs_load(hub *h) {
  uint64_t next = 1;
  int rc = fh_store_get(h->store, FH_T_META, META_NEXT_RUN,
                        sizeof META_NEXT_RUN - 1, load_next_cb, &next);
  if (rc < 0 && rc != -ENOENT) return rc;
  h->model->next_run_id = next ? next : 1;
  for (size_t li = 0; li < h->model->nlines; li++) {
    if ((rc = load_line(h, li)) != 0) return rc;
    run_apply_ideal(h, li);
  }
  return 0;
}

/* ------------------------------------------------------ counts, states */

int runs_count(hub *h, pending *p, size_t ei, uint64_t good, uint64_t reject) {
  size_t li = h->plant->equipment[ei].line;
  const plant_line *pl = &h->plant->lines[li];
  model_run *mr = &h->model->lines[li].run;
  uint64_t g = ei == pl->output ? good : 0;
  int rc;

  if (h->model->in_shift)
    oee_acc_hour_count(&h->model->eqs[ei].acc,
                       target_hour_of(h->model->hour_starts, h->model->nhours,
                                      hub_now_ms(h)),
                       good, reject);
  if (h->model->in_shift && mr->r.id != 0)
    oee_acc_count_run(&h->model->eqs[ei].acc, good, reject,
                      plant_ideal_cycle(h->plant, mr->product, ei),
                      plant_ideal_cycle(h->plant, mr->product, pl->constraint));
  else if (h->model->in_shift)
    oee_acc_count(&h->model->eqs[ei].acc, good, reject);
  if (mr->r.id == 0 || (g == 0 && reject == 0)) return 0;
  if ((rc = run_save(h, p, li)) != 0) return rc;
  mr->r.good += g;
  mr->r.reject += reject;
  shift_runs_count(h, li, g, reject,
                   plant_ideal_cycle(h->plant, mr->product, pl->constraint));
  return run_put_line(h, li);
}

int runs_on_state(hub *h, pending *p, size_t ei, fh_eq_state state,
                  int64_t ts) {
  size_t li = h->plant->equipment[ei].line;
  model_run *mr = &h->model->lines[li].run;
  int rc;

  if (ei != h->plant->lines[li].constraint || mr->r.id == 0 ||
      mr->co_to != 0 || state != FH_EQ_RUNNING)
    return 0;
  if ((rc = run_save(h, p, li)) != 0) return rc;
  mr->co_to = ts > mr->co_from ? ts : mr->co_from;
  return run_put_line(h, li);
}

/* ---------------------------------------------------- commit, publish */

void runs_undo(hub *h, pending *p) {
  if (p->run == NULL) return;
  h->model->lines[p->run->line].run = p->run->before;
  h->model->lines[p->run->line].sruns = p->run->sruns_before;
  h->model->next_run_id = p->run->next_id_before;
  run_apply_ideal(h, p->run->line);
  h->model->lines[p->run->line].oee_dirty = 1;
}

int runs_encode(hub *h, size_t li, fh_buf *b) {
  model_run *mr = &h->model->lines[li].run;
  if (mr->r.id == 0) return fh_enc_nil(b);
  run_refresh(h, li, hub_now_ms(h));
  return fh_enc_run(b, &mr->r);
}

/* {run: the line's run or nil} on line/<id>; after run.*, the equipment
 * too (their ideal cycle in force changed). */
void runs_publish(hub *h, const pending *p) {
  size_t li;
  topic *t;

  if (p->run == NULL) return;
  li = p->run->line;
  t = h->model->lines[li].t_line;
  if (publish_upd_begin(h, t, "run") == 0 && runs_encode(h, li, &h->enc) == 0)
    topic_publish_enc(h, t);
  if (!p->run->ideal_changed) return;
  for (size_t e = h->plant->lines[li].first_equipment;
       e < h->plant->lines[li].first_equipment + h->plant->lines[li].nequipment;
       e++)
    publish_equipment(h, &h->model->eqs[e].e);
}
