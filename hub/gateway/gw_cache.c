/* gw_cache.c -- the per-equipment cache of floorgw (gw_cache.h).
 *
 * Design: a flat array of slots parallel to the map's equipment.  An
 * update compares with what the slot holds and only then marks it dirty;
 * a flush visits the slots from where the last one stopped, sends the
 * state before the totals of a slot (so a state and its counts keep their
 * order), and stops at the budget or the first refusal of the sender.
 */
#include "gw_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int gw_cache_init(gw_cache *c, const gw_map *map, gw_send_fn send, void *arg) {
  memset(c, 0, sizeof *c);
  c->slot = calloc(map->neq ? map->neq : 1, sizeof *c->slot);
  if (c->slot == NULL) return -ENOMEM;
  c->map = map;
  c->send = send;
  c->arg = arg;
  return 0;
}

void gw_cache_free(gw_cache *c) {
  free(c->slot);
  c->slot = NULL;
}

/* Copies s (NULL: "") into dst[cap], cut at cap - 1 bytes. */
static void copy(char *dst, size_t cap, const char *s) {
  size_t n = s ? strnlen(s, cap - 1) : 0;
  if (n) memcpy(dst, s, n);
  dst[n] = '\0';
}

static void merge_state(gw_slot *s, const gw_update *u, int64_t ts) {
  char r[sizeof s->reason], mr[sizeof s->machine_reason];
  copy(r, sizeof r, u->reason);
  copy(mr, sizeof mr, u->unmapped ? u->code : u->machine_reason);
  if (s->has_state && s->state == u->state && strcmp(s->reason, r) == 0 &&
      strcmp(s->machine_reason, mr) == 0)
    return;
  s->has_state = 1;
  s->state = u->state;
  memcpy(s->reason, r, sizeof r);
  memcpy(s->machine_reason, mr, sizeof mr);
  s->state_ts = ts;
  s->state_dirty = 1;
}

void gw_cache_update(gw_cache *c, const gw_update *u, int64_t ts) {
  gw_slot *s;
  uint64_t *v;
  int *has;
  if (u->eq >= c->map->neq) return;
  s = &c->slot[u->eq];
  if (u->what == GW_UP_STATE) {
    merge_state(s, u, ts);
    return;
  }
  v = u->what == GW_UP_GOOD ? &s->good : &s->reject;
  has = u->what == GW_UP_GOOD ? &s->has_good : &s->has_reject;
  if (*has && *v == u->total) return;
  *has = 1;
  *v = u->total;
  s->totals_ts = ts;
  s->totals_dirty = 1;
}

void gw_cache_mark_all(gw_cache *c) {
  for (size_t i = 0; i < c->map->neq; i++) {
    gw_slot *s = &c->slot[i];
    s->state_dirty = s->has_state;
    s->totals_dirty = s->has_good || s->has_reject;
  }
}

static fh_strv strv(const char *s) {
  fh_strv v = {s, strlen(s)};
  return v;
}

/* The dirty requests of slot i, within *budget; 0 or the sender's error. */
static int flush_slot(gw_cache *c, size_t i, size_t *budget) {
  gw_slot *s = &c->slot[i];
  const gw_equipment *e = &c->map->eq[i];
  int rc;
  if (s->state_dirty && *budget > 0) {
    fh_request r = {.type = FH_MSG_EQ_STATE};
    r.u.eq_state.equipment = strv(e->id);
    r.u.eq_state.state = s->state;
    r.u.eq_state.reason = strv(s->reason);
    r.u.eq_state.machine_reason = strv(s->machine_reason);
    r.u.eq_state.ts = s->state_ts;
    if ((rc = c->send(c->arg, &r)) != 0) return rc;
    s->state_dirty = 0;
    c->states_sent++;
    --*budget;
  }
  if (s->totals_dirty && s->has_good && s->has_reject && *budget > 0) {
    fh_request r = {.type = FH_MSG_EQ_TOTAL};
    r.u.eq_total.equipment = strv(e->id);
    r.u.eq_total.good_total = s->good;
    r.u.eq_total.reject_total = s->reject;
    r.u.eq_total.rollover = (int64_t)e->rollover;
    r.u.eq_total.ts = s->totals_ts;
    if ((rc = c->send(c->arg, &r)) != 0) return rc;
    s->totals_dirty = 0;
    c->totals_sent++;
    --*budget;
  }
  return 0;
}

size_t gw_cache_flush(gw_cache *c, size_t budget) {
  size_t n = c->map->neq, start = budget;
  for (size_t k = 0; k < n; k++) {
    size_t i = (c->next + k) % n;
    if (budget == 0 || flush_slot(c, i, &budget) != 0) {
      c->next = i;
      return start - budget;
    }
  }
  return start - budget;
}

int gw_cache_idle(const gw_cache *c) {
  for (size_t i = 0; i < c->map->neq; i++) {
    const gw_slot *s = &c->slot[i];
    if (s->state_dirty || (s->totals_dirty && s->has_good && s->has_reject)) return 0;
  }
  return 1;
}
