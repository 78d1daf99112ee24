/* escalate.c -- escalation of unacknowledged andons on a clock.
 *
 * An andon's level is derived from stored times (andon_level_at), so the
 * deadlines survive a restart: at start the timer fires at once and every
 * level that became due while the hub was down is recorded.  One uv timer
 * waits for the earliest next deadline of all raised andons; each level
 * change is a write like any other (stored, logged, published after the
 * commit) whose actor is "floorhub", and queues its notifications in the
 * same batch (outbox.h).
 */
#include <stdlib.h>
#include <string.h>

#include "andon_rules.h"
#include "commit.h"
#include "escalate.h"
#include "hub.h"
#include "log.h"
#include "model.h"
#include "outbox.h"

/* The notifications of every step from the old level to a->level (steps
 * passed while the hub was down fire together, each notified). */
static int notify_steps(hub *h, const fh_andon *a, uint32_t from) {
  fh_andon step = *a;
  for (uint32_t l = from + 1; l <= a->level; l++) {
    step.level = l;
    if (outbox_andon(h, NOTIFY_ON_ESCALATED, &step) != 0) return -1;
  }
  return 0;
}

static int escalate_one(hub *h, fh_andon *a, uint32_t level, int64_t now) {
  pending *p = commit_pending_new(h);
  const plant *pl = h->plant;
  long li;

  if (p == NULL) return -1;
  p->kind = PENDING_ANDON;
  p->op = FH_MSG_ANDON_RAISE;
  p->andon_old = *a;
  a->level = level;
  p->andon_new = *a;
  if (model_put_andon(h, a) != 0 ||
      fh_batch_event(h->batch, now, "floorhub", "andon.escalate",
                     fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc)) != 0 ||
      notify_steps(h, a, p->andon_old.level) != 0)
    return -1;
  if ((li = model_line_index(h, a->line)) >= 0) model_line_refresh(h, (size_t)li);
  log_warn("andon %llu on %s escalated to level %u (%s)",
           (unsigned long long)a->id, a->line, level,
           level > 0 && level <= pl->nescalation
               ? fh_role_name(pl->escalation[level - 1].role) : "-");
  return 0;
}

static void on_deadline(uv_timer_t *t) {
  hub *h = t->data;
  model *m = h->model;
  int64_t now = hub_now_ms(h);

  for (size_t i = 0; i < m->nandons; i++) {
    fh_andon *a = m->andons[i];
    uint32_t level;
    if (a->state != FH_ANDON_RAISED) continue;
    level = andon_level_at(a, h->esc_after_s, h->plant->nescalation, now);
    if (level != a->level && escalate_one(h, a, level, now) != 0) {
      log_error("escalation: out of memory");
      break;
    }
  }
  escalate_schedule(h);
}

void escalate_schedule(hub *h) {
  model *m = h->model;
  int64_t next = 0, now = hub_now_ms(h);

  if (h->stopping) return;
  for (size_t i = 0; i < m->nandons; i++) {
    int64_t d = andon_next_deadline(m->andons[i], h->esc_after_s,
                                    h->plant->nescalation);
    if (d != 0 && (next == 0 || d < next)) next = d;
  }
  uv_timer_stop(&h->escalate);
  if (next != 0)
    uv_timer_start(&h->escalate, on_deadline,
                   next > now ? (uint64_t)(next - now) : 0, 0);
}

void escalate_init(hub *h) {
  for (size_t i = 0; i < h->plant->nescalation; i++)
    h->esc_after_s[i] = h->plant->escalation[i].after_s;
  uv_timer_init(h->loop, &h->escalate);
  h->escalate.data = h;
  /* Levels that became due while the hub was down fire at once. */
  uv_timer_start(&h->escalate, on_deadline, 0, 0);
}
