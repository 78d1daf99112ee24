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

/* Downtime at line li's constraint in [from, to). */
static void down_in(hub *h, size_t li, int64_t from, int64_t to, int64_t now,
                    bucket_down *d) {
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
    ms = target_sched_ms(&h->model->shift, a, b);
    d->ms += ms;
    if (ms > 0) add_reason(d, s->reason[0] ? s->reason : s->machine_reason, ms);
  }
}

/* The target of line li's running shift; *plan: it is planned. */
static uint64_t line_target(hub *h, size_t li, int *plan) {
  const model *m = h->model;
  const model_line *ml = &m->lines[li];
  *plan = ml->plan.shift_start == m->shift.start_ms;
  if (*plan) return ml->plan.target_qty;
  return target_ideal(&m->shift,
                      plant_ideal_cycle(h->plant, ml->run.product,
                                        h->plant->lines[li].constraint));
}

static int enc_bucket(hub *h, size_t li, const int64_t *starts, size_t n,
                      size_t i, uint64_t target, int64_t now, fh_buf *b) {
  const plant_line *pl = &h->plant->lines[li];
  int64_t end = i + 1 < n ? starts[i + 1] : h->model->shift.end_ms;
  uint64_t reject = 0;
  const char *top;
  bucket_down d;

  for (size_t e = pl->first_equipment; e < pl->first_equipment + pl->nequipment; e++)
    reject += h->model->eqs[e].acc.hour_reject[i];
  down_in(h, li, starts[i], end < now ? end : now, now, &d);
  top = top_reason(&d);
  return fh_enc_map(b, 6) || fh_enc_str(b, "hour_start") ||
         fh_enc_int(b, starts[i]) || fh_enc_str(b, "target") ||
         fh_enc_uint(b, target_share(target, &h->model->shift, starts[i], end)) ||
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

int plans_scoreboard(hub *h, size_t li, fh_buf *b) {
  const model *m = h->model;
  int64_t now = hub_now_ms(h);
  const int64_t *starts = m->hour_starts;
  size_t n = m->nhours, cur;
  uint64_t target, expected, good;
  int plan, rc;

  if (!m->in_shift) return enc_nil_keys(b) ? -ENOMEM : 0;
  target = line_target(h, li, &plan);
  expected = target_share(target, &m->shift, m->shift.start_ms, now);
  good = m->eqs[h->plant->lines[li].output].acc.good;
  cur = target_hour_of(starts, n, now);
  rc = fh_enc_str(b, "target") || fh_enc_uint(b, target) ||
       fh_enc_str(b, "target_source") || fh_enc_str(b, plan ? "plan" : "ideal") ||
       fh_enc_str(b, "expected_now") || fh_enc_uint(b, expected) ||
       fh_enc_str(b, "variance") ||
       fh_enc_int(b, (int64_t)good - (int64_t)expected) ||
       fh_enc_str(b, "hourly") || fh_enc_array(b, n ? (uint32_t)(cur + 1) : 0);
  for (size_t i = 0; rc == 0 && n > 0 && i <= cur; i++)
    rc = enc_bucket(h, li, starts, n, i, target, now, b);
  return rc ? -ENOMEM : 0;
}
