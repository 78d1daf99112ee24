/* commit.c -- the group commit (see commit.h).
 *
 * A uv_check handle runs after the loop has handled the I/O of an
 * iteration; by then every request of the iteration has queued its records
 * in h->batch, so one transaction commits them all.  Answers and updates go
 * out only after fh_store_commit() returned: an `ok` is always durable.
 */
#include "commit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "publish.h"

pending *commit_pending_new(hub *h) {
  pending *p = calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  *h->pending_tail = p;
  h->pending_tail = &p->next;
  h->npending++;
  return p;
}

pending *commit_pending_find(hub *h, const char *scope, const char *key) {
  for (pending *p = h->pending; p != NULL; p = p->next)
    if (p->key[0] && !strcmp(p->scope, scope) && !strcmp(p->key, key)) return p;
  return NULL;
}

void commit_forget_session(hub *h, session *s) {
  for (pending *p = h->pending; p != NULL; p = p->next) {
    if (p->s == s) p->s = NULL;
    for (waiter *w = p->waiters; w != NULL; w = w->next)
      if (w->s == s) w->s = NULL;
  }
}

static void reply_ok(hub *h, session *s, int has_id, uint64_t id,
                     const pending *p, int replay) {
  int rc;
  if (s == NULL) return;
  fh_buf_reset(&h->enc);
  if (p->kind == PENDING_ANDON)
    rc = fh_enc_ok_andon(&h->enc, has_id, id, &p->andon_new, replay);
  else
    rc = fh_enc_ok_equipment(&h->enc, has_id, id, &p->eq_new, replay);
  if (rc == 0) session_send(s, &h->enc, FH_MSG_OK);
}

static void finish_ok(hub *h, pending *list) {
  for (pending *p = list; p != NULL; p = p->next) {
    reply_ok(h, p->s, p->has_id, p->id, p, 0);
    for (waiter *w = p->waiters; w != NULL; w = w->next) {
      h->m.idem_replays++;
      reply_ok(h, w->s, w->has_id, w->id, p, 1);
    }
  }
  for (pending *p = list; p != NULL; p = p->next) {
    if (p->kind == PENDING_ANDON) publish_andon(h, &p->andon_new);
    else publish_equipment(h, &p->eq_new);
  }
  publish_dirty_lines(h);
}

static void undo(hub *h, pending *p) {
  model *m = h->model;
  if (p->kind == PENDING_EQUIPMENT) {
    m->eqs[p->eq].e = p->eq_old;
    m->eqs[p->eq].acc = p->acc_old;
    m->lines[h->plant->equipment[p->eq].line].oee_dirty = 1;
  } else if (p->created) {
    model_andon_remove(m, p->andon_new.id);
    if (p->andon_new.id < m->next_andon_id) m->next_andon_id = p->andon_new.id;
  } else {
    fh_andon *a = model_andon_find(m, p->andon_old.id);
    if (a != NULL) *a = p->andon_old;
  }
}

static void send_unavailable(session *s, int has_id, uint64_t id, int rc) {
  if (s == NULL) return;
  if (rc == -ENOSPC)
    session_send_err(s, has_id, id, FH_E_UNAVAILABLE, "",
                     "storage full: the write was not stored");
  else
    session_send_err(s, has_id, id, FH_E_UNAVAILABLE, "",
                     "storage error: the write was not stored");
}

static void finish_fail(hub *h, pending *list, size_t n, int rc) {
  pending **arr = malloc((n ? n : 1) * sizeof *arr);
  size_t i = 0;

  for (pending *p = list; p != NULL && arr != NULL; p = p->next) arr[i++] = p;
  while (arr != NULL && i-- > 0) undo(h, arr[i]); /* newest first */
  free(arr);
  for (size_t li = 0; li < h->model->nlines; li++) model_line_refresh(h, li);
  for (pending *p = list; p != NULL; p = p->next) {
    send_unavailable(p->s, p->has_id, p->id, rc);
    for (waiter *w = p->waiters; w != NULL; w = w->next)
      send_unavailable(w->s, w->has_id, w->id, rc);
    /* Snapshots sent meanwhile may have shown the undone change. */
    if (p->kind == PENDING_ANDON) {
      fh_andon *a = model_andon_find(h->model, p->andon_old.id);
      if (a != NULL) publish_andon(h, a);
    } else {
      publish_equipment(h, &h->model->eqs[p->eq].e);
    }
  }
  publish_dirty_lines(h);
}

static void free_list(pending *p) {
  while (p != NULL) {
    pending *next = p->next;
    waiter *w = p->waiters;
    while (w != NULL) {
      waiter *wn = w->next;
      free(w);
      w = wn;
    }
    free(p);
    p = next;
  }
}

void commit_flush(hub *h) {
  pending *list = h->pending;
  size_t n = h->npending;
  uint64_t t0;
  double ms;
  int rc;

  if (n == 0 && fh_batch_count(h->batch) == 0) return;
  t0 = uv_hrtime();
  rc = fh_store_commit(h->store, h->batch, NULL);
  ms = (double)(uv_hrtime() - t0) / 1e6;
  fh_batch_clear(h->batch);
  h->pending = NULL;
  h->pending_tail = &h->pending;
  h->npending = 0;
  if (rc == 0) {
    h->m.commits++;
    h->m.commit_writes += n;
    metrics_commit_observe(&h->m, ms);
    if (h->store_full) log_info("store: writes are stored again");
    h->store_full = 0;
    finish_ok(h, list);
  } else {
    h->m.commit_failures++;
    if (!h->store_full)
      log_error("store: commit of %zu writes failed: %s", n, fh_store_strerror(rc));
    h->store_full = 1;
    finish_fail(h, list, n, rc);
  }
  free_list(list);
}

static void on_check(uv_check_t *c) { commit_flush(c->data); }

int commit_start(hub *h) {
  h->pending_tail = &h->pending;
  h->batch = fh_batch_new();
  if (h->batch == NULL) return -ENOMEM;
  uv_check_init(h->loop, &h->commit_check);
  h->commit_check.data = h;
  return uv_check_start(&h->commit_check, on_check);
}

void commit_stop(hub *h) {
  if (h->commit_check.loop == NULL) return; /* never started */
  uv_check_stop(&h->commit_check);
  uv_close((uv_handle_t *)&h->commit_check, NULL);
}
