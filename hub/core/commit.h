/* commit.h -- writes waiting for the group commit.
 *
 * A write changes the model at once and records here what it changed (the
 * entity before and after) and whom to answer.  At the end of the loop
 * iteration commit.c commits h->batch in one transaction.  Success: every
 * pending write is answered `ok` with its own result, and the updates are
 * published.  Failure: the changes are undone newest first, every writer
 * gets `err unavailable`, and nothing was stored.
 */
#ifndef FH_HUB_COMMIT_H
#define FH_HUB_COMMIT_H

#include "hub.h"
#include "oee.h"
#include "totals.h"
#include "session.h"

typedef enum pending_kind {
  PENDING_ANDON = 0,   /* an andon was raised or changed */
  PENDING_EQUIPMENT,   /* an equipment's state or counts changed */
  PENDING_STOP,        /* a stop was classified or split */
  PENDING_RUN,         /* a production run was started or ended */
  PENDING_PLAN,        /* a line's target for a shift was set */
  PENDING_CALL         /* anything else (sign-in, sign-out): `done` answers */
} pending_kind;

struct pending;
/* PENDING_CALL: called once with the commit's result (0: durable), on the
 * loop; p->s is NULL when the session closed meanwhile.  It answers and
 * frees p->arg; the model was not touched, so there is nothing to undo. */
typedef void (*pending_done_fn)(hub *h, struct pending *p, int rc);

/* Someone who sent the same idempotency key while the first was pending. */
typedef struct waiter {
  struct waiter *next;  /* next waiter */
  session *s;           /* who to answer; NULL once it closed */
  int has_id;           /* echo the request id */
  uint64_t id;
} waiter;

struct pending_stop;
struct pending_run;

typedef struct pending {
  struct pending *next;        /* next in commit order */
  session *s;                  /* who to answer; NULL: internal or closed */
  int has_id;                  /* echo the request id */
  uint64_t id;
  fh_msg_type op;              /* what was done */
  uint64_t arrive_ns;          /* uv_hrtime() at its request's arrival,
                                  0 for the hub's own writes */
  pending_kind kind;           /* which entity */
  int created;                 /* raise: undo removes the andon */
  fh_andon andon_old;          /* PENDING_ANDON: before */
  fh_andon andon_new;          /* PENDING_ANDON: after (the reply) */
  size_t eq;                   /* PENDING_EQUIPMENT: equipment index */
  fh_equipment eq_old;         /* before */
  fh_equipment eq_new;         /* after (the reply) */
  oee_acc acc_old;             /* the accounting before */
  counter_totals tot_old;      /* PENDING_EQUIPMENT: the totals before */
  char scope[FH_ID_MAX + 1];   /* idempotency scope (user), "" none */
  char key[FH_KEY_MAX + 1];    /* idempotency key */
  waiter *waiters;             /* replays of the same key meanwhile */
  struct pending_stop *stop;   /* the stop this write changed (stops.h),
                                  NULL when none; owned */
  struct pending_run *run;     /* the line's run as it was before this
                                  write (runs.h), NULL when untouched;
                                  owned */
  size_t plan_line;            /* PENDING_PLAN: the line index */
  fh_plan plan_old;            /* PENDING_PLAN: the line's current plan
                                  before */
  fh_plan plan_new;            /* PENDING_PLAN: the plan set (the reply) */
  pending_done_fn done;        /* PENDING_CALL: answers the request */
  void *arg;                   /* PENDING_CALL: done's own data */
} pending;

/* Records one trim job may delete (a stop counts two: its record and its
 * stop index entry; one step still goes through 10,000 old stops). */
#define COMMIT_TRIM_BATCH 20000

/* Makes the check handle that commits the batch each iteration.  0 or -1. */
int commit_start(hub *h);
void commit_stop(hub *h);
/* Starts a commit job for what is queued, if no job runs (the check handle
 * calls it every iteration; a finished job calls it again). */
void commit_kick(hub *h);
/* Commits what is queued now, on the loop thread, unless a job runs (then
 * that job's completion commits it).  At start-up, and in tests. */
void commit_flush(hub *h);
/* Outside uv_run only: waits for the running job, then commits the rest. */
void commit_drain(hub *h);
/* 1 when no job runs and nothing is queued. */
int commit_idle(hub *h);
/* Housekeeping: trims the store in a job of its own. */
void commit_trim(hub *h);
/* A closing session: its pending writes will not be answered (the
 * session's on_session_close hook). */
void commit_forget_session(hub *h, session *s);

/* A new pending write, linked at the tail.  NULL when out of memory. */
pending *commit_pending_new(hub *h);
/* The pending write with that scope and key, or NULL. */
pending *commit_pending_find(hub *h, const char *scope, const char *key);

#endif
