/* shiftclock.c -- OEE over the shift calendar: coalesced OEE updates and
 * the close of each shift.
 *
 * Every equipment has an accumulator for the current shift (oee.h), stored
 * with the equipment on each change, so a restart mid-shift continues the
 * accounting.  The 1 s tick recomputes the OEE of lines whose states or
 * counts changed (and of every line every OEE_REFRESH_MS, since time alone
 * moves availability) and publishes it: at most once per second per line.
 * At the end of a shift a uv timer closes it: the line records are stored
 * under "rec/<line>/<start>" (queryable with shift.report), each with the
 * shift's scoreboard (plans_score_closed: target, target_source,
 * expected_now, variance, hourly) and its runs and by_product
 * (shift_runs.h), and each
 * equipment's under "eqr/<equipment>/<start>" (history.h), with the
 * closed accumulators they came from (re-accounted when an operator
 * explains a stop of that shift later: reaccount.h), each line's handover
 * under "hov/<line>/<start>" (handover.h), the shift
 * report is queued for its shift.closed notifications (outbox.h), counts
 * restart at zero and new accumulators begin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "handover.h"
#include "history.h"
#include "hub.h"
#include "log.h"
#include "model.h"
#include "outbox.h"
#include "plans.h"
#include "runs.h"
#include "publish.h"
#include "oee_samples.h"
#include "reaccount.h"
#include "shift_report.h"
#include "shift_runs.h"
#include "shiftclock.h"
#include "stops.h"

#define OEE_REFRESH_MS 10000 /* republish OEE this often without changes */

static void line_compute(hub *h, size_t li, int64_t at, fh_oee *out) {
  const plant_line *pl = &h->plant->lines[li];
  const oee_acc *accs[PLANT_EQUIPMENT_PER_LINE_MAX];
  size_t n = 0;
  for (size_t e = 0; e < pl->nequipment; e++)
    accs[n++] = &h->model->eqs[pl->first_equipment + e].acc;
  oee_line_constraint(accs, n, pl->constraint - pl->first_equipment,
                      pl->output - pl->first_equipment, at, pl->id, out);
}


/* Stores the closed shift of line li and of each of its equipment
 * (accumulators as they are: reaccount.h) and returns the line's record
 * in *out. */
static void close_line(hub *h, size_t li, int64_t end_ms, fh_oee *out) {
  fh_oee rec;
  fh_buf keys; /* the report's keys beyond the oee record */
  int rc;

  line_compute(h, li, end_ms, &rec);
  fh_buf_init(&keys, 0);
  rc = plans_score_closed(h, li, end_ms, &keys) != 0 ||
       shift_runs_report(h, li, end_ms, &keys) != 0 ||
       reaccount_store_close(h, li, &rec, keys.data, keys.len,
                             PLANS_SCOREBOARD_KEYS + SHIFT_RUNS_REPORT_KEYS) != 0;
  fh_buf_free(&keys);
  if (rc ||
      (fh_buf_reset(&h->enc), fh_enc_oee(&h->enc, &rec)) != 0 ||
      fh_batch_event(h->batch, end_ms, "floorhub", "shift.close",
                     fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc)) != 0 ||
      handover_close_line(h, li, &rec) != 0)
    log_error("shift close of %s: out of memory", h->plant->lines[li].id);
  else
    log_info("shift %s closed on %s: OEE %.3f (A %.3f P %.3f Q %.3f)",
             rec.shift, h->plant->lines[li].id, rec.oee, rec.availability,
             rec.performance, rec.quality);
  *out = rec;
}

/* A shift begins at now: every line's list of the shift's runs restarts
 * with its active run (stored with the run record). */
static void begin_runs(hub *h, int64_t now) {
  for (size_t li = 0; li < h->model->nlines; li++) {
    shift_runs_begin(h, li, now);
    if (run_put_line(h, li) != 0) log_error("shift start: out of memory");
  }
}

/* Closes every line's shift at end_ms and queues the shift report's
 * notifications (outbox.h) in the same batch. */
static void close_all(hub *h, int64_t end_ms) {
  fh_oee *recs = calloc(h->model->nlines, sizeof *recs);
  fh_buf text, html;
  int rc = recs == NULL ? -ENOMEM : 0;

  for (size_t li = 0; li < h->model->nlines; li++)
    close_line(h, li, end_ms, recs ? &recs[li] : &(fh_oee){0});
  if (rc == 0 && h->notify != NULL) {
    fh_buf_init(&text, 0);
    fh_buf_init(&html, 0);
    rc = shift_report_build(h, recs, h->model->nlines, &text, &html);
    if (rc == 0)
      rc = outbox_shift_closed(h, recs[0].shift, recs[0].shift_start,
                               (const char *)text.data, (const char *)html.data);
    fh_buf_free(&text);
    fh_buf_free(&html);
  }
  if (rc != 0) log_error("shift report notifications: %s", strerror(-rc));
  free(recs);
}

/* Starts the current shift (if any) on equipment ei: counts from zero. */
static void begin_equipment(hub *h, size_t ei, int64_t now) {
  model_eq *me = &h->model->eqs[ei];
  pending *p = commit_pending_new(h);

  if (p != NULL) {
    p->kind = PENDING_EQUIPMENT;
    p->op = FH_MSG_EQ_COUNT;
    p->eq = ei;
    p->eq_old = me->e;
    p->acc_old = me->acc;
  }
  me->e.good = me->e.reject = 0;
  memset(&me->acc, 0, sizeof me->acc);
  if (h->model->in_shift) {
    oee_acc_begin(&me->acc, &h->model->shift,
                  h->plant->equipment[ei].ideal_cycle_ms,
                  me->e.state, me->e.reason, now);
    stops_shift_begin(h, ei);
  }
  if (p != NULL) p->eq_new = me->e;
  if (model_put_equipment(h, ei) != 0) log_error("shift start: out of memory");
}

static void schedule(hub *h, int64_t now);

static void on_boundary(uv_timer_t *t) {
  hub *h = t->data;
  model *m = h->model;
  int64_t now = hub_now_ms(h);

  if (m->in_shift && now < m->shift.end_ms) { /* woke early */
    schedule(h, now);
    return;
  }
  if (m->in_shift) close_all(h, m->shift.end_ms);
  m->in_shift = shift_window_at(h->plant->shifts, h->plant->nshifts, now,
                                &m->shift) == 0;
  for (size_t ei = 0; ei < m->neqs; ei++) begin_equipment(h, ei, now);
  begin_runs(h, now);
  plans_shift_begin(h);
  for (size_t li = 0; li < m->nlines; li++) m->lines[li].oee_dirty = 1;
  if (m->in_shift) log_info("shift %s started", m->shift.def->name);
  publish_shift(h);
  schedule(h, now);
}

static void schedule(hub *h, int64_t now) {
  model *m = h->model;
  shift_window next;
  int64_t at;

  if (m->in_shift) at = m->shift.end_ms;
  else if (shift_next(h->plant->shifts, h->plant->nshifts, now, &next) == 0)
    at = next.start_ms;
  else
    return;
  uv_timer_start(&h->shift_timer, on_boundary,
                 at > now ? (uint64_t)(at - now) : 0, 0);
}

typedef struct acc_load {
  oee_acc acc; /* decoded */
  int found;   /* a stored accumulator was read */
} acc_load;

static int load_acc_cb(void *arg, const void *key, size_t klen,
                       const void *val, size_t vlen) {
  acc_load *al = arg;
  (void)key;
  (void)klen;
  al->found = oee_acc_decode(&al->acc, val, vlen) == 0;
  return 1;
}

/* Restores the stored accumulators.  Those of an earlier shift are closed
 * (the hub was down at the boundary) and the current shift begins. */
void shiftclock_init(hub *h) {
  model *m = h->model;
  int64_t now = hub_now_ms(h), stale_end = 0;
  int stale = 0;

  uv_timer_init(h->loop, &h->shift_timer);
  h->shift_timer.data = h;
  handover_load(h);
  m->in_shift = shift_window_at(h->plant->shifts, h->plant->nshifts, now,
                                &m->shift) == 0;
  for (size_t ei = 0; ei < m->neqs; ei++) {
    char key[4 + FH_ID_MAX + 1];
    acc_load al;
    memset(&al, 0, sizeof al);
    snprintf(key, sizeof key, "acc/%s", m->eqs[ei].e.id);
    fh_store_get(h->store, FH_T_SHIFTS, key, strlen(key), load_acc_cb, &al);
    if (!al.found) continue;
    m->eqs[ei].acc = al.acc;
    if (m->in_shift && al.acc.win.start_ms == m->shift.start_ms) {
      m->eqs[ei].acc.win.def = m->shift.def;
    } else {
      stale = 1;
      stale_end = al.acc.win.end_ms;
    }
  }
  if (stale) {
    close_all(h, stale_end);
    for (size_t ei = 0; ei < m->neqs; ei++) begin_equipment(h, ei, now);
    begin_runs(h, now);
  } else {
    for (size_t ei = 0; ei < m->neqs; ei++)
      if (m->eqs[ei].acc.win.start_ms == 0 && m->in_shift)
        begin_equipment(h, ei, now);
  }
  plans_shift_begin(h);
  for (size_t li = 0; li < m->nlines; li++) {
    line_compute(h, li, now, &m->lines[li].oee);
    model_line_refresh(h, li);
  }
  schedule(h, now);
}

void shiftclock_due(hub *h) {
  model *m = h->model;
  int64_t now = hub_now_ms(h);
  shift_window w;
  if (m->in_shift ? now < m->shift.end_ms
                  : shift_window_at(h->plant->shifts, h->plant->nshifts, now, &w) != 0)
    return;
  uv_timer_stop(&h->shift_timer);
  on_boundary(&h->shift_timer);
}

void shiftclock_tick(hub *h, int64_t now) {
  model *m = h->model;
  int sample = samples_due(h, now);
  int refresh_all = sample || now - m->oee_refreshed_ms >= OEE_REFRESH_MS;

  shiftclock_due(h);
  if (refresh_all) m->oee_refreshed_ms = now;
  for (size_t li = 0; li < m->nlines; li++) {
    model_line *ml = &m->lines[li];
    if (!ml->oee_dirty && !refresh_all) continue;
    line_compute(h, li, now, &ml->oee);
    ml->oee_dirty = 0;
    publish_oee(h, li);
    model_line_refresh(h, li);
  }
  if (sample) samples_take(h, now);
  publish_dirty_lines(h);
  stops_tick(h, now);
}
