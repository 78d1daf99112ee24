/* commit.c -- the group commit (see commit.h).
 *
 * A uv_check handle runs after the loop has handled the I/O of an
 * iteration; by then every request of the iteration has queued its records
 * in h->batch.  If no store job is running, the batch and its pending
 * writes are handed to a job on libuv's thread pool, which commits them in
 * one transaction (fsync included) while the loop goes on serving: reads,
 * fan-out and the next batch, which collects everything that arrives
 * meanwhile.  Answers and updates go out in the job's after-work callback,
 * on the loop, only after fh_store_commit() returned: an `ok` is always
 * durable.  At most one store job (a commit or a trim) runs at a time, so
 * the store has one writer.
 *
 * When a commit fails, the writes queued after it were made on top of the
 * failed ones, so they are undone too (newest first) and every writer of
 * both gets `err unavailable`.
 *
 * With --commit-per-op (benchmarks only) everything is synchronous: each
 * write is committed on its own, on the loop thread.
 */
#include "commit.h"
#include "retention.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "outbox.h"
#include "plans.h"
#include "publish.h"
#include "reaccount.h"
#include "runs.h"
#include "stops.h"

pending *commit_pending_new(hub *h) {
  pending *p = calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  p->arrive_ns = h->rx_ns;
  *h->pending_tail = p;
  h->pending_tail = &p->next;
  h->npending++;
  return p;
}

static int has_work(hub *h) {
  return h->npending > 0 || fh_batch_count(h->batch) > 0;
}

static pending *find_in(pending *list, const char *scope, const char *key) {
  for (pending *p = list; p != NULL; p = p->next)
    if (p->key[0] && !strcmp(p->scope, scope) && !strcmp(p->key, key)) return p;
  return NULL;
}

pending *commit_pending_find(hub *h, const char *scope, const char *key) {
  pending *p = find_in(h->job.list, scope, key);
  return p ? p : find_in(h->pending, scope, key);
}

static void forget_in(pending *list, session *s) {
  for (pending *p = list; p != NULL; p = p->next) {
    if (p->s == s) p->s = NULL;
    for (waiter *w = p->waiters; w != NULL; w = w->next)
      if (w->s == s) w->s = NULL;
  }
}

void commit_forget_session(hub *h, session *s) {
  forget_in(h->job.list, s);
  forget_in(h->pending, s);
}

static void reply_ok(hub *h, session *s, int has_id, uint64_t id,
                     const pending *p, int replay) {
  int rc;
  if (s == NULL) return;
  fh_buf_reset(&h->enc);
  if (p->kind == PENDING_ANDON)
    rc = fh_enc_ok_andon(&h->enc, has_id, id, &p->andon_new, replay);
  else if (p->kind == PENDING_STOP)
    rc = stops_encode_ok(h, p, has_id, id, replay);
  else if (p->kind == PENDING_RUN)
    rc = fh_enc_ok_run(&h->enc, has_id, id, &p->run->reply, replay);
  else if (p->kind == PENDING_PLAN)
    rc = fh_enc_ok_plan(&h->enc, has_id, id, &p->plan_new, replay);
  else
    rc = fh_enc_ok_equipment(&h->enc, has_id, id, &p->eq_new, replay);
  if (rc == 0) session_send(s, &h->enc, FH_MSG_OK);
}

/* t0, t1: the commit's start and end (uv_hrtime). */
static void finish_ok(hub *h, pending *list, uint64_t t0, uint64_t t1) {
  for (pending *p = list; p != NULL; p = p->next) {
    if (p->kind == PENDING_CALL) {
      p->done(h, p, 0);
      continue;
    }
    reply_ok(h, p->s, p->has_id, p->id, p, 0);
    for (waiter *w = p->waiters; w != NULL; w = w->next) {
      h->m.idem_replays++;
      reply_ok(h, w->s, w->has_id, w->id, p, 1);
    }
  }
  for (pending *p = list; p != NULL; p = p->next) {
    h->pub_span = p->arrive_ns ? (metrics_span){p->arrive_ns, t0, t1}
                               : (metrics_span){0, 0, 0};
    if (p->kind == PENDING_ANDON) publish_andon(h, &p->andon_new);
    else if (p->kind == PENDING_EQUIPMENT) publish_equipment(h, &p->eq_new);
    stops_publish(h, p);
    runs_publish(h, p);
  }
  h->pub_span = (metrics_span){0, 0, 0}; /* line summaries: many writes' */
  for (pending *p = list; p != NULL; p = p->next) /* closes are stored now */
    if (p->kind == PENDING_ANDON) model_andon_retire(h->model, p->andon_new.id);
  publish_dirty_lines(h);
}

static void undo(hub *h, pending *p) {
  model *m = h->model;
  if (p->kind == PENDING_CALL) return; /* changed nothing in the model */
  stops_undo(h, p);
  runs_undo(h, p);
  plans_undo(h, p);
  if (p->kind == PENDING_RUN || p->kind == PENDING_PLAN) return; /* all */
  if (p->kind == PENDING_STOP) {
    m->eqs[p->eq].acc = p->acc_old;
    m->lines[h->plant->equipment[p->eq].line].oee_dirty = 1;
  } else if (p->kind == PENDING_EQUIPMENT) {
    m->eqs[p->eq].e = p->eq_old;
    m->eqs[p->eq].acc = p->acc_old;
    m->eqs[p->eq].tot = p->tot_old;
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

/* Undoes a list newest first. */
static void undo_list(hub *h, pending *list, size_t n) {
  pending **arr = malloc((n ? n : 1) * sizeof *arr);
  size_t i = 0;

  if (arr == NULL) {
    log_error("store: out of memory while undoing failed writes");
    return;
  }
  for (pending *p = list; p != NULL && i < n; p = p->next) arr[i++] = p;
  while (i-- > 0) undo(h, arr[i]);
  free(arr);
}

static void fail_list(hub *h, pending *list, int rc) {
  for (pending *p = list; p != NULL; p = p->next) {
    if (p->kind == PENDING_CALL) {
      p->done(h, p, rc);
      continue;
    }
    send_unavailable(p->s, p->has_id, p->id, rc);
    for (waiter *w = p->waiters; w != NULL; w = w->next)
      send_unavailable(w->s, w->has_id, w->id, rc);
    /* Snapshots sent meanwhile may have shown the undone change. */
    if (p->kind == PENDING_ANDON) {
      fh_andon *a = model_andon_find(h->model, p->andon_old.id);
      if (a != NULL) publish_andon(h, a);
    } else if (p->kind == PENDING_EQUIPMENT) {
      publish_equipment(h, &h->model->eqs[p->eq].e);
    }
    stops_publish_current(h, p);
    runs_publish(h, p); /* the run as restored */
  }
}

/* The committed list failed; `later` (may be NULL) was queued on top of
 * it and is dropped with it. */
static void finish_fail(hub *h, pending *list, size_t n, pending *later,
                        size_t nlater, int rc) {
  undo_list(h, later, nlater);
  undo_list(h, list, n);
  for (size_t li = 0; li < h->model->nlines; li++) model_line_refresh(h, li);
  fail_list(h, list, rc);
  fail_list(h, later, rc);
  publish_dirty_lines(h);
}

static void free_list(pending *p) {
  while (p != NULL) {
    pending *next = p->next;
    waiter *w = p->waiters;
    free(p->stop);
    free(p->run);
    while (w != NULL) {
      waiter *wn = w->next;
      free(w);
      w = wn;
    }
    free(p);
    p = next;
  }
}

/* Takes the current batch's pending writes off the hub. */
static pending *detach_pending(hub *h, size_t *n) {
  pending *list = h->pending;
  *n = h->npending;
  h->pending = NULL;
  h->pending_tail = &h->pending;
  h->npending = 0;
  return list;
}

/* Answers a finished commit of `list` (n writes) with result rc; it ran
 * from t0 to t1 (uv_hrtime); ids are the outbox records it created. */
static void finish(hub *h, pending *list, size_t n, int rc, uint64_t t0,
                   uint64_t t1, fh_buf *ids) {
  if (rc == 0) outbox_committed(h, ids);
  fh_buf_reset(ids);
  if (rc == 0) {
    h->m.commits++;
    h->m.commit_writes += n;
    metrics_commit_observe(&h->m, t1 - t0);
    if (h->store_full) log_info("store: writes are stored again");
    h->store_full = 0;
    finish_ok(h, list, t0, t1);
    free_list(list);
    if (!has_work(h)) reaccount_trim(h); /* the store caught up */
    return;
  }
  size_t nlater;
  pending *later = detach_pending(h, &nlater);
  fh_batch_clear(h->batch);
  fh_buf_reset(&h->outbox_new); /* the later writes failed with it */
  h->m.commit_failures++;
  if (!h->store_full)
    log_error("store: commit of %zu writes failed: %s%s", n + nlater,
              fh_store_strerror(rc),
              rc == -ENOSPC ? " (the map is at --map-size-max)" : "");
  h->store_full = 1;
  finish_fail(h, list, n, later, nlater, rc);
  free_list(list);
  free_list(later);
  reaccount_forget(h); /* every queued re-accounting was undone */
}


/* Synchronous commit of the current batch (no job may be running). */
static void commit_now(hub *h) {
  size_t n;
  pending *list;
  uint64_t t0 = uv_hrtime();
  int rc = fh_store_commit(h->store, h->batch, NULL);
  uint64_t t1 = uv_hrtime();

  fh_batch_clear(h->batch);
  list = detach_pending(h, &n);
  finish(h, list, n, rc, t0, t1, &h->outbox_new);
}

static void job_work(uv_work_t *req) {
  store_job *j = req->data;
  j->t0_ns = uv_hrtime();
  if (j->kind == JOB_COMMIT)
    j->rc = fh_store_commit(j->store, j->batch, NULL);
  else if ((j->rc = fh_store_trim(j->store, j->now_ms, COMMIT_TRIM_BATCH)) >= 0 &&
           j->plan != NULL && j->rc < COMMIT_TRIM_BATCH) {
    int n = retention_run(j->store, j->plan, COMMIT_TRIM_BATCH - (size_t)j->rc);
    j->rc = n < 0 ? n : j->rc + n;
  }
  j->t1_ns = uv_hrtime();
}

/* A trim job ended: its result logged, its retention plan freed. */
static void trim_done(store_job *j) {
  if (j->rc < 0)
    log_warn("store trim failed: %s", fh_store_strerror(j->rc));
  else if (j->rc > 0)
    log_debug("store trim: %d records removed", j->rc);
  if (j->plan != NULL) retention_plan_free(j->plan);
  free(j->plan);
  j->plan = NULL;
}

static void job_done(uv_work_t *req, int status) {
  store_job *j = req->data;
  hub *h = j->h;
  pending *list = j->list;
  size_t n = j->n;

  j->busy = 0;
  j->list = NULL;
  j->n = 0;
  if (j->kind == JOB_COMMIT) {
    fh_batch *done = j->batch;
    j->batch = NULL;
    fh_batch_clear(done);
    fh_batch_free(h->spare_batch);
    h->spare_batch = done;
    finish(h, list, n, status == 0 ? j->rc : -ECANCELED, j->t0_ns, j->t1_ns,
           &j->outbox_ids);
  } else {
    trim_done(j);
  }
  commit_kick(h);
}

static int start_job(hub *h, store_job_kind kind) {
  store_job *j = &h->job;
  j->h = h;
  j->kind = kind;
  j->store = h->store;
  j->now_ms = hub_now_ms(h);
  j->req.data = j;
  if (kind == JOB_TRIM && (j->plan = malloc(sizeof *j->plan)) != NULL &&
      retention_plan_make(h, j->now_ms, j->plan) != 0) {
    free(j->plan);
    j->plan = NULL; /* no memory: this trim keeps all history */
  }
  if (kind == JOB_COMMIT) {
    fh_batch *next = h->spare_batch ? h->spare_batch : fh_batch_new();
    if (next == NULL) return -ENOMEM;
    h->spare_batch = NULL;
    fh_buf ids = j->outbox_ids; /* empty: swapped with the batch's */
    j->batch = h->batch;
    h->batch = next;
    j->outbox_ids = h->outbox_new;
    h->outbox_new = ids;
    j->list = detach_pending(h, &j->n);
  }
  j->busy = 1;
  return uv_queue_work(h->loop, &j->req, job_work, job_done);
}

void commit_kick(hub *h) {
  if (h->job.busy) return;
  if (h->cfg->commit_per_op) {
    if (has_work(h)) commit_now(h);
    return;
  }
  if (has_work(h)) {
    if (start_job(h, JOB_COMMIT) != 0) commit_now(h); /* no memory: inline */
  } else if (h->trim_wanted) {
    h->trim_wanted = 0;
    start_job(h, JOB_TRIM);
  }
}

void commit_flush(hub *h) {
  if (h->job.busy) return; /* the running job commits the rest after it */
  if (has_work(h)) commit_now(h);
}

int commit_idle(hub *h) { return !h->job.busy && !has_work(h); }

void commit_trim(hub *h) {
  if (h->cfg->commit_per_op) {
    retention_plan plan;
    int n = fh_store_trim(h->store, hub_now_ms(h), COMMIT_TRIM_BATCH);
    if (n >= 0 && retention_plan_make(h, hub_now_ms(h), &plan) == 0) {
      int m = retention_run(h->store, &plan, COMMIT_TRIM_BATCH);
      n = m < 0 ? m : n + m;
      retention_plan_free(&plan);
    }
    if (n < 0) log_warn("store trim failed: %s", fh_store_strerror(n));
    return;
  }
  h->trim_wanted = 1;
  commit_kick(h);
}

void commit_drain(hub *h) {
  while (h->job.busy) uv_run(h->loop, UV_RUN_ONCE);
  commit_flush(h);
}

static void on_check(uv_check_t *c) { commit_kick(c->data); }

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
