/* writes.c -- the write requests: the andon writes here, the equipment
 * writes in eq_writes.c, the stop writes in stop_writes.c, and what they
 * share (idempotency, the role check, the pending entry).
 *
 * Order of checks, each answering `err` and changing nothing when it fails:
 * idempotency (a key already stored or pending is answered with that result,
 * `replay: true`), the referenced entity exists (not_found), the role table
 * and the token's lines (writes_forbidden), the values (bad_request), the andon
 * workflow (conflict).  Then the model changes, the records go into the
 * batch (with the andon's notifications: outbox.h) and a pending entry
 * waits for the commit (commit.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "andon_rules.h"
#include "commit.h"
#include "escalate.h"
#include "hub.h"
#include "log.h"
#include "model.h"
#include "eq_writes.h"
#include "handover.h"
#include "stop_writes.h"
#include "stops.h"
#include "person.h"
#include "plans.h"
#include "runs.h"
#include "outbox.h"
#include "tokens.h"
#include "writes.h"
#include "session.h"


/* A NUL-terminated copy of a request string view (already length-checked
 * by the decoder against the field's limit). */
void writes_copy_view(char *dst, size_t cap, fh_strv v) {
  size_t n = v.n < cap - 1 ? v.n : cap - 1;
  if (n > 0) memcpy(dst, v.p, n); /* an absent view has p == NULL */
  dst[n] = '\0';
}

int writes_forbidden(session *s, const fh_request *req,
                     const fh_andon *a, const char *line) {
  fh_identity *who = malloc(sizeof *who);
  char why[160];
  int rc;

  if (who == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
    return 1;
  }
  session_identity(s, who);
  rc = fh_role_may(who, req->type, a, line, why, sizeof why);
  free(who);
  if (rc == 0) return 0;
  session_send_err(s, req->has_id, req->id, FH_E_FORBIDDEN, "t", "%s", why);
  return 1;
}

/* ------------------------------------------------------- idempotency */

typedef struct stored_result {
  hub *h;          /* the hub */
  session *s;      /* who asked */
  const fh_request *req;
  int found;       /* a result was stored */
} stored_result;

/* A stored dt.classify ('D': one stop) or dt.split ('S': the part before,
 * then the stop) answered again. */
static int replay_stops(hub *h, const fh_request *req, fh_mp_cursor *c,
                        int two) {
  fh_downtime d[2];
  if (fh_dec_downtime(c, &d[0]) != 0) return -1; /* the cursor moves on */
  if (!two) return fh_enc_ok_downtime(&h->enc, req->has_id, req->id, &d[0], 1);
  if (fh_dec_downtime(c, &d[1]) != 0) return -1;
  return fh_enc_ok_downtimes(&h->enc, req->has_id, req->id, d, 2, 0, 1);
}

/* Stored results are one tag byte ('A' andon, 'E' equipment, 'D' a stop,
 * 'S' the two parts of a split, 'R' a run, 'P' a plan, 'H' a handover) and
 * the entities' msgpack maps. */
static int replay_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  stored_result *r = arg;
  hub *h = r->h;
  const uint8_t *v = val;
  fh_mp_cursor c = {v + 1, v + vlen};
  int rc = -1;
  (void)key;
  (void)klen;

  if (vlen < 2) return -EINVAL;
  fh_buf_reset(&h->enc);
  if (v[0] == 'A') {
    fh_andon a;
    memset(&a, 0, sizeof a);
    if (fh_dec_andon(&c, &a) == 0)
      rc = fh_enc_ok_andon(&h->enc, r->req->has_id, r->req->id, &a, 1);
  } else if (v[0] == 'D' || v[0] == 'S') {
    rc = replay_stops(h, r->req, &c, v[0] == 'S');
  } else if (v[0] == 'R') {
    fh_run run;
    if (fh_dec_run(&c, &run) == 0)
      rc = fh_enc_ok_run(&h->enc, r->req->has_id, r->req->id, &run, 1);
  } else if (v[0] == 'P') {
    fh_plan plan;
    if (fh_dec_plan(&c, &plan) == 0)
      rc = fh_enc_ok_plan(&h->enc, r->req->has_id, r->req->id, &plan, 1);
  } else if (v[0] == 'H') { /* a handover map, answered as stored */
    rc = fh_enc_ok_raw(&h->enc, r->req->has_id, r->req->id, "handover", v + 1,
                       vlen - 1, 1);
  } else if (v[0] == 'E') {
    fh_equipment e;
    memset(&e, 0, sizeof e);
    if (fh_dec_equipment(&c, &e) == 0)
      rc = fh_enc_ok_equipment(&h->enc, r->req->has_id, r->req->id, &e, 1);
  }
  if (rc != 0) return -EINVAL;
  r->found = 1;
  session_send(r->s, &h->enc, FH_MSG_OK);
  return 1;
}

/* Returns 1 when the key was answered (stored, pending or unreadable). */
static int replayed(hub *h, session *s, const fh_request *req, char *key) {
  pending *p;
  stored_result r = {h, s, req, 0};
  int rc;

  writes_copy_view(key, FH_KEY_MAX + 1, req->key);
  p = commit_pending_find(h, s->user, key);
  if (p != NULL) {
    waiter *w = calloc(1, sizeof *w);
    if (w == NULL) {
      session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
      return 1;
    }
    *w = (waiter){p->waiters, s, req->has_id, req->id};
    p->waiters = w;
    return 1;
  }
  rc = fh_store_idem_get(h->store, hub_now_ms(h), s->user, key, strlen(key), replay_cb, &r);
  if (r.found) {
    h->m.idem_replays++;
    return 1;
  }
  if (rc != -ENOENT) {
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "key",
                     "cannot read the idempotency key: %s", fh_store_strerror(rc));
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------- recording writes */

static int record_andon(hub *h, pending *p, const session *s) {
  const fh_andon *a = &p->andon_new;
  int rc = model_put_andon(h, a);
  if (rc == 0)
    rc = fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via,
                            fh_msg_type_name(p->op), fh_buf_payload(&h->enc),
                            fh_buf_payload_len(&h->enc));
  return rc;
}

/* The entity (or entities) a stored result holds, appended to h->enc. */
static int encode_result(hub *h, const pending *p, char tag) {
  switch (tag) {
    case 'A': return fh_enc_andon(&h->enc, &p->andon_new);
    case 'E': return fh_enc_equipment(&h->enc, &p->eq_new);
    case 'S': /* the part before, then the stop itself */
      return fh_enc_downtime(&h->enc, &p->stop->cut.d) ||
             fh_enc_downtime(&h->enc, &p->stop->after.d) ? -ENOMEM : 0;
    case 'D': return fh_enc_downtime(&h->enc, &p->stop->after.d);
    case 'R': return fh_enc_run(&h->enc, &p->run->reply);
    case 'P': return fh_enc_plan(&h->enc, &p->plan_new);
    default: return -EINVAL;
  }
}

/* Queues the idempotency record: tag byte + the entity in h->enc. */
int writes_record_idem(hub *h, pending *p, char tag) {
  int rc;
  if (p->key[0] == '\0') return 0;
  fh_buf_reset(&h->enc);
  rc = fh_buf_append(&h->enc, &tag, 1);
  if (rc == 0) rc = encode_result(h, p, tag);
  if (rc == 0)
    rc = fh_batch_idem(h->batch, p->scope, p->key, strlen(p->key),
                       hub_now_ms(h), fh_buf_payload(&h->enc),
                       fh_buf_payload_len(&h->enc));
  return rc;
}

pending *writes_pending(hub *h, session *s, const fh_request *req,
                            const char *key) {
  pending *p = commit_pending_new(h);
  if (p == NULL) return NULL;
  p->s = s;
  p->has_id = req->has_id;
  p->id = req->id;
  p->op = req->type;
  if (s != NULL) snprintf(p->scope, sizeof p->scope, "%s", s->user);
  snprintf(p->key, sizeof p->key, "%s", key);
  return p;
}

/* The records could not even be queued: undo now, answer internal. */
void writes_queue_failed(hub *h, session *s, const fh_request *req) {
  log_error("write: out of memory while queueing records");
  session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
  for (pending *p = h->pending; p != NULL; p = p->next)
    if (p->s == s && p->has_id == req->has_id && p->id == req->id) p->s = NULL;
}

void writes_after_queue(hub *h) {
  if (h->cfg->commit_per_op) commit_kick(h); /* one commit per write */
}

/* ------------------------------------------------------------- andons */

static void andon_raise(hub *h, session *s, const fh_request *req, const char *key) {
  const plant *p = h->plant;
  char line[FH_ID_MAX + 1], eq[FH_ID_MAX + 1], kind[FH_KIND_MAX + 1],
      note[FH_NOTE_MAX + 1];
  const plant_equipment *pe = NULL;
  long li;
  pending *pw;

  writes_copy_view(line, sizeof line, req->u.raise.line);
  writes_copy_view(eq, sizeof eq, req->u.raise.equipment);
  writes_copy_view(kind, sizeof kind, req->u.raise.kind);
  writes_copy_view(note, sizeof note, req->u.raise.note);
  if ((li = model_line_index(h, line)) < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "line",
                     "no line '%s'", line);
    return;
  }
  if (eq[0] && ((pe = plant_equipment_find(p, eq, strlen(eq))) == NULL ||
                pe->line != (size_t)li)) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "equipment",
                     "no equipment '%s' on line '%s'", eq, line);
    return;
  }
  if (!plant_kind_valid(p, kind, strlen(kind))) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "kind",
                     "unknown andon kind '%s'", kind);
    return;
  }
  if (writes_forbidden(s, req, NULL, line)) return;
  if ((pw = writes_pending(h, s, req, key)) == NULL) goto nomem;
  pw->kind = PENDING_ANDON;
  pw->created = 1;
  andon_init_raise(&pw->andon_new, h->model->next_andon_id, line, eq, kind,
                   req->u.raise.severity, note, s->user, hub_now_ms(h));
  snprintf(pw->andon_new.raised_via, sizeof pw->andon_new.raised_via, "%s", s->via);
  if (model_andon_insert(h->model, &pw->andon_new) != 0) goto nomem;
  h->model->next_andon_id++;
  if (record_andon(h, pw, s) || model_put_next_andon_id(h) ||
      writes_record_idem(h, pw, 'A') ||
      outbox_andon(h, NOTIFY_ON_RAISED, &pw->andon_new))
    goto nomem;
  model_line_refresh(h, (size_t)li);
  escalate_schedule(h);
  log_info("andon %llu raised on %s (%s) by %s",
           (unsigned long long)pw->andon_new.id, line, kind, s->user);
  writes_after_queue(h);
  return;
nomem:
  writes_queue_failed(h, s, req);
}

typedef struct andon_probe {
  fh_andon a;   /* the stored andon */
  int found;
} andon_probe;

static int probe_cb(void *arg, const void *key, size_t klen, const void *val,
                    size_t vlen) {
  andon_probe *pr = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  (void)key;
  (void)klen;
  pr->found = fh_dec_andon(&c, &pr->a) == 0;
  return 1;
}

/* The andon acted on; answers not_found or conflict itself. */
static fh_andon *andon_target(hub *h, session *s, const fh_request *req) {
  uint64_t id = req->u.andon_op.andon;
  fh_andon *a = model_andon_find(h->model, id);
  andon_probe pr;
  uint8_t key[8];

  if (a != NULL) return a;
  memset(&pr, 0, sizeof pr);
  model_andon_key(id, key);
  fh_store_get(h->store, FH_T_ANDONS, key, sizeof key, probe_cb, &pr);
  if (pr.found) /* closed long ago: no transition applies */
    session_send_err(s, req->has_id, req->id, FH_E_CONFLICT, "andon",
                     "andon %llu is %s", (unsigned long long)id,
                     fh_andon_state_name(pr.a.state));
  else
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "andon",
                     "no andon %llu", (unsigned long long)id);
  return NULL;
}

static void andon_op(hub *h, session *s, const fh_request *req, const char *key) {
  char reason[FH_KIND_MAX + 1], note[FH_NOTE_MAX + 1], why[128];
  fh_andon *a = andon_target(h, s, req), next;
  pending *pw;
  long li;

  if (a == NULL) return;
  writes_copy_view(reason, sizeof reason, req->u.andon_op.reason);
  writes_copy_view(note, sizeof note, req->u.andon_op.note);
  /* The role table looks at the level as of now, even if the escalation
   * timer has not recorded it yet; an ack then freezes that level. */
  next = *a;
  if (next.state == FH_ANDON_RAISED)
    next.level = andon_level_at(&next, h->esc_after_s, h->plant->nescalation,
                                hub_now_ms(h));
  if (writes_forbidden(s, req, &next, NULL)) return;
  if (req->type == FH_MSG_ANDON_RESOLVE &&
      !plant_reason_valid(h->plant, reason, strlen(reason))) {
    session_send_err(s, req->has_id, req->id, FH_E_BAD_REQUEST, "reason",
                     "unknown reason code '%s'", reason);
    return;
  }
  if (andon_apply(&next, req->type, s->user, hub_now_ms(h), reason,
                  note[0] ? note : NULL, why, sizeof why) != 0) {
    session_send_err(s, req->has_id, req->id, FH_E_CONFLICT, "andon", "%s", why);
    return;
  }
  if (next.acked_at != a->acked_at) /* acknowledged now (or by a resolve) */
    snprintf(next.acked_via, sizeof next.acked_via, "%s", s->via);
  if ((pw = writes_pending(h, s, req, key)) == NULL) goto nomem;
  pw->kind = PENDING_ANDON;
  pw->andon_old = *a;
  pw->andon_new = next;
  *a = next;
  if (record_andon(h, pw, s) || writes_record_idem(h, pw, 'A') ||
      (next.state == FH_ANDON_ACKNOWLEDGED &&
       outbox_andon(h, NOTIFY_ON_ACKNOWLEDGED, &next)) ||
      (next.state == FH_ANDON_RESOLVED &&
       outbox_andon(h, NOTIFY_ON_RESOLVED, &next)))
    goto nomem;
  if ((li = model_line_index(h, a->line)) >= 0) model_line_refresh(h, (size_t)li);
  escalate_schedule(h);
  log_info("andon %llu %s by %s", (unsigned long long)a->id,
           fh_andon_state_name(a->state), s->user);
  writes_after_queue(h);
  return;
nomem:
  writes_queue_failed(h, s, req);
}

void writes_handle(hub *h, session *s, const fh_request *req) {
  char key[FH_KEY_MAX + 1];

  if (h->stopping) {
    session_send_err(s, req->has_id, req->id, FH_E_UNAVAILABLE, "",
                     "the hub is shutting down");
    return;
  }
  if (person_check(h, s, req)) return; /* a person disabled meanwhile */
  if (tokens_check_session(h, s, req)) return; /* the same, signed in on
                                                   the dashboard */
  if (replayed(h, s, req, key)) return;
  switch (req->type) {
    case FH_MSG_ANDON_RAISE: andon_raise(h, s, req, key); break;
    case FH_MSG_ANDON_ACK:
    case FH_MSG_ANDON_RESOLVE:
    case FH_MSG_ANDON_CANCEL: andon_op(h, s, req, key); break;
    case FH_MSG_EQ_STATE:
    case FH_MSG_EQ_COUNT:
    case FH_MSG_EQ_TOTAL: eq_writes_handle(h, s, req, key); break;
    case FH_MSG_DT_CLASSIFY:
    case FH_MSG_DT_SPLIT: stop_writes_handle(h, s, req, key); break;
    case FH_MSG_RUN_START:
    case FH_MSG_RUN_END: runs_handle(h, s, req, key); break;
    case FH_MSG_PLAN_SET: plans_handle(h, s, req, key); break;
    case FH_MSG_HANDOVER_NOTE:
    case FH_MSG_HANDOVER_ACK: handover_write(h, s, req, key); break;
    default: break;
  }
}
