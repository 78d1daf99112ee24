/* guard.c -- brute-force limits of sign-ins (see guard.h).
 *
 * Two lists, both small and walked linearly: one entry per source (a kiosk,
 * a client address) that ever failed a sign-in (its last GUARD_KIOSK_FAILS failure times and until when
 * it refuses), one per user that ever failed (their failure record, loaded
 * from the "logins" table the first time and kept: only the hub writes that
 * table, so this copy is the truth plus what is queued in the batch).  The
 * kiosk counts live in memory only; a restart forgives them.  Entries are
 * dropped when nothing in them counts any more (guard_sweep, from the
 * tick), so a stream of new kiosk names cannot grow the lists for long.
 */
#include "guard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

typedef struct kiosk_ent {
  struct kiosk_ent *next;          /* list */
  char sub[FH_ID_MAX + 16];        /* the source: "kiosk <sub>", "address
                                      <ip>" */
  uint32_t n;                      /* failures in at[] */
  uint64_t at[GUARD_KIOSK_FAILS];  /* their monotonic times, oldest first */
  uint64_t refuse_until;           /* monotonic ms; 0: not refusing */
} kiosk_ent;

typedef struct user_ent {
  struct user_ent *next;           /* list */
  char id[FH_ID_MAX + 1];          /* the user */
  user_fails f;                    /* as stored (or queued) */
} user_ent;

typedef struct guard {
  kiosk_ent *kiosks;               /* kiosks with failures */
  user_ent *users;                 /* users with a failure record */
} guard;

static guard *get(hub *h) {
  if (h->guard == NULL) h->guard = calloc(1, sizeof *h->guard);
  return h->guard;
}

static kiosk_ent *kiosk_find(hub *h, const char *sub, int create) {
  guard *g = get(h);
  kiosk_ent *k;
  if (g == NULL) return NULL;
  for (k = g->kiosks; k != NULL; k = k->next)
    if (strcmp(k->sub, sub) == 0) return k;
  if (!create || (k = calloc(1, sizeof *k)) == NULL) return NULL;
  snprintf(k->sub, sizeof k->sub, "%s", sub);
  k->next = g->kiosks;
  g->kiosks = k;
  return k;
}

uint64_t guard_source_refused(hub *h, const char *kiosk, uint64_t now_mono) {
  kiosk_ent *k = kiosk_find(h, kiosk, 0);
  if (k == NULL || k->refuse_until <= now_mono) return 0;
  return (k->refuse_until - now_mono + 999) / 1000;
}

int guard_source_fail(hub *h, const char *kiosk, uint64_t now_mono) {
  kiosk_ent *k = kiosk_find(h, kiosk, 1);
  uint32_t keep = 0;
  if (k == NULL) return -ENOMEM;
  for (uint32_t i = 0; i < k->n; i++)
    if (now_mono - k->at[i] < GUARD_KIOSK_WINDOW_MS) k->at[keep++] = k->at[i];
  if (keep == GUARD_KIOSK_FAILS) {
    memmove(k->at, k->at + 1, (GUARD_KIOSK_FAILS - 1) * sizeof k->at[0]);
    keep--;
  }
  k->at[keep++] = now_mono;
  k->n = keep;
  if (k->n < GUARD_KIOSK_FAILS) return 0;
  k->refuse_until = now_mono + GUARD_KIOSK_REFUSE_MS;
  k->n = 0; /* the refusal is the penalty; count afresh after it */
  h->m.login_kiosk_refusals++;
  log_warn("%s: %d failed sign-ins within %d s; refusing sign-ins for "
           "%d s", kiosk, GUARD_KIOSK_FAILS, GUARD_KIOSK_WINDOW_MS / 1000,
           GUARD_KIOSK_REFUSE_MS / 1000);
  return 1;
}

user_fails *guard_user(hub *h, const char *id) {
  guard *g = get(h);
  user_ent *u;
  int rc;
  if (g == NULL) return NULL;
  for (u = g->users; u != NULL; u = u->next)
    if (strcmp(u->id, id) == 0) return &u->f;
  if ((u = calloc(1, sizeof *u)) == NULL) return NULL;
  rc = fh_store_get(h->store, FH_T_LOGINS, id, strlen(id), user_fails_decode_cb, &u->f);
  if (rc != 0 && rc != -ENOENT) {
    log_warn("user %s: unreadable sign-in record (%s): counting afresh", id,
             fh_store_strerror(rc));
    memset(&u->f, 0, sizeof u->f);
  }
  snprintf(u->id, sizeof u->id, "%s", id);
  u->next = g->users;
  g->users = u;
  return &u->f;
}

int guard_user_put(hub *h, const char *id, const user_fails *f) {
  int rc;
  fh_buf_reset(&h->enc);
  rc = user_fails_encode(&h->enc, f);
  if (rc == 0)
    rc = fh_batch_put(h->batch, FH_T_LOGINS, id, strlen(id),
                      fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
  return rc;
}

void guard_sweep(hub *h, uint64_t now_mono, int64_t now_ms) {
  guard *g = h->guard;
  if (g == NULL) return;
  for (kiosk_ent **kp = &g->kiosks; *kp != NULL;) {
    kiosk_ent *k = *kp;
    int live = k->refuse_until > now_mono ||
               (k->n > 0 && now_mono - k->at[k->n - 1] < GUARD_KIOSK_WINDOW_MS);
    if (live) { kp = &k->next; continue; }
    *kp = k->next;
    free(k);
  }
  for (user_ent **up = &g->users; *up != NULL;) {
    user_ent *u = *up;
    int live = u->f.locked_at != 0 ||
               (u->f.n > 0 && u->f.at[u->f.n - 1] > now_ms - USER_FAIL_WINDOW_MS);
    if (live) { up = &u->next; continue; }
    *up = u->next;
    free(u);
  }
}

void guard_free(hub *h) {
  guard *g = h->guard;
  if (g == NULL) return;
  while (g->kiosks != NULL) {
    kiosk_ent *k = g->kiosks;
    g->kiosks = k->next;
    free(k);
  }
  while (g->users != NULL) {
    user_ent *u = g->users;
    g->users = u->next;
    free(u);
  }
  free(g);
  h->guard = NULL;
}
