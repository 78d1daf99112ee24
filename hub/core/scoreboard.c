/* scoreboard.c -- the target keys of oee/<line> (see plans.h).
 *
 * target: the plan of the running shift, else the ideal pace at the
 * constraint's cycle for the product running now (target.h); expected_now
 * its share of the scheduled time elapsed; variance = the line's good -
 * expected_now.  hourly: one bucket per clock hour of the shift up to the
 * current one, each with the target's share of its scheduled time, the
 * line's good (at the output) and reject (every equipment's) counted in it
 * (oee_acc hour buckets), and the downtime at the constraint: the time of
 * its stops inside the bucket (breaks excluded; stops classified in
 * category `planned` are no downtime) and the reason with most of it (the
 * classified reason, else the machine's; nil when none).  Outside shift
 * hours every key is nil and hourly is empty.
 */
#include <errno.h>
#include <string.h>

#include "downtime.h"
#include "model.h"
#include "plans.h"
#include "target.h"

#define TOP_REASONS_MAX 16 /* reasons ranked per bucket */

/* The shift a scoreboard is computed over. */
typedef struct score_ctx {
  const shift_window *w; /* the shift (breaks in absolute time) */
  const int64_t *starts; /* its hour buckets' starts */
  size_t n;              /* entries in starts */
  int64_t at;            /* now, or the end of a closed shift */
  uint64_t target;       /* the shift's target */
  int plan;              /* 1: target is a plan's, 0: the ideal pace */
} score_ctx;

typedef struct reason_ms {
  const char *reason; /* a stop's reason code */
  uint64_t ms;        /* its downtime in the bucket */
} reason_ms;

typedef struct bucket_down {
  uint64_t ms;                         /* downtime in the bucket */
  reason_ms top[TOP_REASONS_MAX];      /* by reason */
  size_t ntop;                         /* entries used */
} bucket_down;

static void add_reason(bucket_down *d, const char *reason, uint64_t ms) {
  size_t i = 0;
  if (reason[0] == '\0') return;
  while (i < d->ntop && strcmp(d->top[i].reason, reason) != 0) i++;
  if (i == TOP_REASONS_MAX) return;
  if (i == d->ntop) d->top[d->ntop++] = (reason_ms){reason, 0};
  d->top[i].ms += ms;
}

/* The reason with most downtime (equal: the smaller code), or NULL. */
static const char *top_reason(const bucket_down *d) {
  const reason_ms *best = NULL;
  for (size_t i = 0; i < d->ntop; i++)
    if (best == NULL || d->top[i].ms > best->ms ||
        (d->top[i].ms == best->ms && strcmp(d->top[i].reason, best->reason) < 0))
      best = &d->top[i];
  return best ? best->reason : NULL;
}

/* Downtime at line li's constraint in [from, to) of shift w. */
static void down_in(hub *h, size_t li, const shift_window *w, int64_t from,
                    int64_t to, int64_t now, bucket_down *d) {
  const model_line *ml = &h->model->lines[li];
  const char *cid = h->plant->equipment[h->plant->lines[li].constraint].id;

  memset(d, 0, sizeof *d);
  for (size_t i = 0; i < ml->stops.n; i++) {
    const fh_downtime *s = &ml->stops.evs[i]->d;
    int64_t a = s->start > from ? s->start : from;
    int64_t b = s->end != 0 ? s->end : now;
    uint64_t ms;
    if (b > to) b = to;
    if (strcmp(s->equipment, cid) != 0 || strcmp(s->category, fh_loss_name(FH_LOSS_PLANNED)) == 0)
      continue;
    ms = target_sched_ms(w, a, b);
    d->ms += ms;
    if (ms > 0) add_reason(d, s->reason[0] ? s->reason : s->machine_reason, ms);
  }
}

/* The ideal pace of shift w for line li's product running now. */
static uint64_t ideal_target(hub *h, size_t li, const shift_window *w) {
  return target_ideal(w, plant_ideal_cycle(h->plant, h->model->lines[li].run.product,
                                           h->plant->lines[li].constraint));
}

static int enc_bucket(hub *h, size_t li, const score_ctx *c, size_t i,
                      fh_buf *b) {
  const plant_line *pl = &h->plant->lines[li];
  int64_t end = i + 1 < c->n ? c->starts[i + 1] : c->w->end_ms;
  uint64_t reject = 0;
  const char *top;
  bucket_down d;

  for (size_t e = pl->first_equipment; e < pl->first_equipment + pl->nequipment; e++)
    reject += h->model->eqs[e].acc.hour_reject[i];
  down_in(h, li, c->w, c->starts[i], end < c->at ? end : c->at, c->at, &d);
  top = top_reason(&d);
  return fh_enc_map(b, 6) || fh_enc_str(b, "hour_start") ||
         fh_enc_int(b, c->starts[i]) || fh_enc_str(b, "target") ||
         fh_enc_uint(b, target_share(c->target, c->w, c->starts[i], end)) ||
         fh_enc_str(b, "good") ||
         fh_enc_uint(b, h->model->eqs[pl->output].acc.hour_good[i]) ||
         fh_enc_str(b, "reject") || fh_enc_uint(b, reject) ||
         fh_enc_str(b, "down_ms") || fh_enc_uint(b, d.ms) ||
         fh_enc_str(b, "top_reason") || (top ? fh_enc_str(b, top) : fh_enc_nil(b));
}

static int enc_nil_keys(fh_buf *b) {
  return fh_enc_str(b, "target") || fh_enc_nil(b) ||
         fh_enc_str(b, "target_source") || fh_enc_nil(b) ||
         fh_enc_str(b, "expected_now") || fh_enc_nil(b) ||
         fh_enc_str(b, "variance") || fh_enc_nil(b) ||
         fh_enc_str(b, "hourly") || fh_enc_array(b, 0);
}

/* The scoreboard keys of line li over c. */
static int score_encode(hub *h, size_t li, const score_ctx *c, fh_buf *b) {
  uint64_t expected = target_share(c->target, c->w, c->w->start_ms, c->at);
  uint64_t good = h->model->eqs[h->plant->lines[li].output].acc.good;
  size_t cur = target_hour_of(c->starts, c->n, c->at);
  int rc = fh_enc_str(b, "target") || fh_enc_uint(b, c->target) ||
           fh_enc_str(b, "target_source") ||
           fh_enc_str(b, c->plan ? "plan" : "ideal") ||
           fh_enc_str(b, "expected_now") || fh_enc_uint(b, expected) ||
           fh_enc_str(b, "variance") ||
           fh_enc_int(b, (int64_t)good - (int64_t)expected) ||
           fh_enc_str(b, "hourly") || fh_enc_array(b, c->n ? (uint32_t)(cur + 1) : 0);
  for (size_t i = 0; rc == 0 && c->n > 0 && i <= cur; i++)
    rc = enc_bucket(h, li, c, i, b);
  return rc ? -ENOMEM : 0;
}

int plans_scoreboard(hub *h, size_t li, fh_buf *b) {
  const model *m = h->model;
  const model_line *ml = &m->lines[li];
  score_ctx c = {&m->shift, m->hour_starts, m->nhours, hub_now_ms(h), 0, 0};

  if (!m->in_shift) return enc_nil_keys(b) ? -ENOMEM : 0;
  c.plan = ml->plan.shift_start == m->shift.start_ms;
  c.target = c.plan ? ml->plan.target_qty : ideal_target(h, li, &m->shift);
  return score_encode(h, li, &c, b);
}

int plans_score_closed(hub *h, size_t li, int64_t end_ms, fh_buf *b) {
  const shift_window *w = &h->model->eqs[h->plant->lines[li].constraint].acc.win;
  int64_t starts[TARGET_HOURS_MAX];
  score_ctx c = {w, starts, target_hours(w, starts, TARGET_HOURS_MAX), end_ms, 0, 0};
  fh_plan plan;

  c.plan = plans_read(h, li, w->start_ms, &plan) == 0;
  c.target = c.plan ? plan.target_qty : ideal_target(h, li, w);
  return score_encode(h, li, &c, b);
}
