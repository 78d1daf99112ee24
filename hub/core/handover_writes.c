/* handover_writes.c -- handover.note and handover.ack (see handover.h).
 *
 * Both are durable keyed writes like the andon writes (writes.c: the key
 * is checked there first), answered `ok {handover}` after the group
 * commit.  They go through the commit as PENDING_CALL entries: the answer,
 * already encoded when the write was queued, waits in the entry's ho_call
 * and is sent (to the writer and to anyone who replayed its key meanwhile)
 * once the commit is durable.  A note enters the model at once, so that
 * the next note of the same batch rewrites "hon/<line>" with both; a
 * failed commit takes it out again.  An acknowledgement changes the model
 * only once durable; until then a second one of the same handover finds it
 * among the pending writes and is refused (conflict).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "handover.h"
#include "hub.h"
#include "log.h"
#include "model.h"
#include "session.h"
#include "writes.h"

/* What a queued handover write answers with. */
typedef struct ho_call {
  size_t li;        /* the line */
  size_t nbefore;   /* note: the line's notes before it */
  int64_t start;    /* ack: the shift handed over */
  fh_buf answer;    /* the handover map of the ok */
} ho_call;

static void answer(hub *h, session *s, int has_id, uint64_t id, const ho_call *c,
                   int replay) {
  if (s == NULL) return;
  fh_buf_reset(&h->enc);
  if (fh_enc_ok_raw(&h->enc, has_id, id, "handover", fh_buf_payload(&c->answer),
                    fh_buf_payload_len(&c->answer), replay) == 0)
    session_send(s, &h->enc, FH_MSG_OK);
}

static void refuse(session *s, int has_id, uint64_t id) {
  if (s != NULL)
    session_send_err(s, has_id, id, FH_E_UNAVAILABLE, "",
                     "storage error: the write was not stored");
}

/* The commit's result (commit.h, pending_done_fn). */
static void ho_done(hub *h, pending *p, int rc) {
  ho_call *c = p->arg;
  handover_line *hl = &h->model->lines[c->li].ho;

  if (rc == 0 && p->op == FH_MSG_HANDOVER_ACK && hl->pending.shift_start == c->start) {
    hl->pending.shift_start = 0; /* taken over */
    handover_publish(h, c->li);
  }
  if (rc != 0 && p->op == FH_MSG_HANDOVER_NOTE && hl->nnotes > c->nbefore)
    hl->nnotes = c->nbefore; /* oldest first: the earliest failed note wins */
  if (rc == 0) answer(h, p->s, p->has_id, p->id, c, 0);
  else refuse(p->s, p->has_id, p->id);
  for (waiter *w = p->waiters; w != NULL; w = w->next) {
    if (rc == 0) {
      h->m.idem_replays++;
      answer(h, w->s, w->has_id, w->id, c, 1);
    } else {
      refuse(w->s, w->has_id, w->id);
    }
  }
  fh_buf_free(&c->answer);
  free(c);
}

/* Queues the write's audit event, idempotency record and pending entry
 * (c is then owned by it).  0 or -ENOMEM. */
static int queue(hub *h, session *s, const fh_request *req, const char *key,
                 ho_call *c, const void *audit, size_t alen) {
  pending *p;
  int rc = fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via,
                              fh_msg_type_name(req->type), audit, alen);
  fh_buf_reset(&h->enc);
  if (rc == 0 && key[0] != '\0')
    rc = fh_buf_append(&h->enc, "H", 1) ||
         fh_buf_append(&h->enc, fh_buf_payload(&c->answer), fh_buf_payload_len(&c->answer)) ||
         fh_batch_idem(h->batch, s->user, key, strlen(key), hub_now_ms(h),
                       fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
  if (rc != 0 || (p = writes_pending(h, s, req, key)) == NULL) return -ENOMEM;
  p->kind = PENDING_CALL;
  p->done = ho_done;
  p->arg = c;
  writes_after_queue(h);
  return 0;
}

/* The line of the request, or -1 (answered not_found or forbidden). */
static long target_line(hub *h, session *s, const fh_request *req, char *line) {
  long li;
  writes_copy_view(line, FH_ID_MAX + 1, req->u.handover.line);
  if ((li = model_line_index(h, line)) < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "line", "no line '%s'", line);
    return -1;
  }
  return writes_forbidden(s, req, NULL, line) ? -1 : li;
}

static ho_call *call_new(size_t li) {
  ho_call *c = calloc(1, sizeof *c);
  if (c != NULL) {
    c->li = li;
    fh_buf_init(&c->answer, 0);
  }
  return c;
}

static void call_free(ho_call *c) {
  if (c == NULL) return;
  fh_buf_free(&c->answer);
  free(c);
}

static void note(hub *h, session *s, const fh_request *req, const char *key) {
  char line[FH_ID_MAX + 1];
  long li = target_line(h, s, req, line);
  handover_line *hl;
  handover_note *n;
  ho_call *c;
  int rc;

  if (li < 0) return;
  hl = &h->model->lines[li].ho;
  if ((rc = handover_note_slot(hl)) == -ENOSPC) {
    session_send_err(s, req->has_id, req->id, FH_E_CONFLICT, "text",
                     "the handover of line '%s' holds %d notes already", line,
                     HANDOVER_NOTES_MAX);
    return;
  }
  if (rc != 0 || (c = call_new((size_t)li)) == NULL) goto nomem;
  c->nbefore = hl->nnotes;
  n = &hl->notes[hl->nnotes++];
  memset(n, 0, sizeof *n);
  writes_copy_view(n->text, sizeof n->text, req->u.handover.text);
  snprintf(n->by, sizeof n->by, "%s", s->user);
  snprintf(n->via, sizeof n->via, "%s", s->via);
  n->at = hub_now_ms(h);
  if (handover_enc_draft(h, (size_t)li, &c->answer) != 0 ||
      handover_put_notes(h, (size_t)li) != 0 ||
      queue(h, s, req, key, c, fh_buf_payload(&c->answer), fh_buf_payload_len(&c->answer))) {
    hl->nnotes = c->nbefore;
    call_free(c);
    goto nomem;
  }
  log_info("handover note on %s by %s", line, s->user);
  return;
nomem:
  writes_queue_failed(h, s, req);
}

/* 1 when an acknowledgement of (li, start) waits for its commit. */
static int ack_pending(hub *h, size_t li, int64_t start) {
  pending *lists[2] = {h->job.list, h->pending};
  for (int i = 0; i < 2; i++)
    for (pending *p = lists[i]; p != NULL; p = p->next)
      if (p->op == FH_MSG_HANDOVER_ACK && p->done == ho_done &&
          ((ho_call *)p->arg)->li == li && ((ho_call *)p->arg)->start == start)
        return 1;
  return 0;
}

/* The handover acknowledged into r, or -1 (answered). */
static int ack_target(hub *h, session *s, const fh_request *req, size_t li, handover_rec *r) {
  const char *line = h->plant->lines[li].id;
  int64_t start = req->u.handover.shift_start;

  if (handover_get_rec(h, line, start, r) != 0) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "shift_start",
                     "no handover of line '%s' for the shift starting at %lld", line,
                     (long long)start);
    return -1;
  }
  r->shift_start = start;
  if (r->acked_at != 0 || ack_pending(h, li, start)) {
    session_send_err(s, req->has_id, req->id, FH_E_CONFLICT, "shift_start",
                     "the handover of line '%s' was already taken over%s%s", line,
                     r->acked_by[0] ? " by " : "", r->acked_by);
    return -1;
  }
  return 0;
}

static void ack(hub *h, session *s, const fh_request *req, const char *key) {
  char line[FH_ID_MAX + 1];
  long li = target_line(h, s, req, line);
  handover_rec r;
  ho_call *c = NULL;

  if (li < 0) return;
  memset(&r, 0, sizeof r);
  fh_buf_init(&r.body, 0);
  if (ack_target(h, s, req, (size_t)li, &r) != 0) goto out;
  snprintf(r.acked_by, sizeof r.acked_by, "%s", s->user);
  r.acked_at = hub_now_ms(h);
  if ((c = call_new((size_t)li)) != NULL) c->start = r.shift_start;
  if (c == NULL || handover_enc_rec(&r, &c->answer) != 0 ||
      handover_put_rec(h, line, &r) != 0 ||
      queue(h, s, req, key, c, fh_buf_payload(&c->answer), fh_buf_payload_len(&c->answer))) {
    call_free(c);
    writes_queue_failed(h, s, req);
    goto out;
  }
  log_info("handover of %s (shift of %lld) taken over by %s", line, (long long)r.shift_start,
           s->user);
out:
  fh_buf_free(&r.body);
}

void handover_write(hub *h, session *s, const fh_request *req, const char *key) {
  if (req->type == FH_MSG_HANDOVER_NOTE) note(h, s, req, key);
  else ack(h, s, req, key);
}
