/* andon_rules.c -- the andon workflow (see andon_rules.h).
 *
 * andon_apply() checks everything first (known op, reason for a resolve,
 * op allowed in the current state) and only then writes, so a refused op
 * leaves the record as it was.  Escalation is computed, not stored by a
 * timer: the level is a function of raised_at, the steps and now, so a hub
 * that was down catches up on every overdue step at once.
 */
#include "andon_rules.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void andon_init_raise(fh_andon *a, uint64_t id, const char *line,
                      const char *equipment, const char *kind,
                      uint8_t severity, const char *note, const char *user,
                      int64_t now_ms) {
  memset(a, 0, sizeof *a);
  a->id = id;
  snprintf(a->line, sizeof a->line, "%s", line ? line : "");
  snprintf(a->equipment, sizeof a->equipment, "%s", equipment ? equipment : "");
  snprintf(a->kind, sizeof a->kind, "%s", kind ? kind : "");
  a->severity = severity;
  a->state = FH_ANDON_RAISED;
  a->level = 0;
  a->raised_at = now_ms;
  snprintf(a->raised_by, sizeof a->raised_by, "%s", user ? user : "");
  snprintf(a->note, sizeof a->note, "%s", note ? note : "");
}

/* Writes "andon <id> <what>" to why and returns rc. */
static int refuse(char *why, size_t whylen, int rc, uint64_t id,
                  const char *what) {
  if (why && whylen) snprintf(why, whylen, "andon %" PRIu64 " %s", id, what);
  return rc;
}

/* 1 if op is allowed in state s: ack only from raised, resolve and cancel
 * from raised or acknowledged. */
static int allowed(fh_msg_type op, fh_andon_state s) {
  if (op == FH_MSG_ANDON_ACK) return s == FH_ANDON_RAISED;
  return s == FH_ANDON_RAISED || s == FH_ANDON_ACKNOWLEDGED;
}

int andon_apply(fh_andon *a, fh_msg_type op, const char *user, int64_t now_ms,
                const char *reason, const char *note, char *why,
                size_t whylen) {
  char state_text[FH_KIND_MAX + 8];
  int has_reason = reason && reason[0];
  const char *who = user ? user : "";

  if (op != FH_MSG_ANDON_ACK && op != FH_MSG_ANDON_RESOLVE &&
      op != FH_MSG_ANDON_CANCEL)
    return refuse(why, whylen, -EINVAL, a->id, "cannot take that operation");
  if (op == FH_MSG_ANDON_RESOLVE && !has_reason)
    return refuse(why, whylen, -EINVAL, a->id, "needs a reason to resolve");
  if (!allowed(op, a->state)) {
    const char *name = fh_andon_state_name(a->state);
    snprintf(state_text, sizeof state_text, "is %s", name ? name : "unknown");
    return refuse(why, whylen, -EBUSY, a->id, state_text);
  }
  if (a->state == FH_ANDON_RAISED && op != FH_MSG_ANDON_CANCEL) {
    a->acked_at = now_ms;
    snprintf(a->acked_by, sizeof a->acked_by, "%s", who);
  }
  if (op == FH_MSG_ANDON_ACK) {
    a->state = FH_ANDON_ACKNOWLEDGED;
  } else {
    a->state = op == FH_MSG_ANDON_RESOLVE ? FH_ANDON_RESOLVED
                                          : FH_ANDON_CANCELLED;
    a->resolved_at = now_ms;
    snprintf(a->resolved_by, sizeof a->resolved_by, "%s", who);
    if (has_reason) snprintf(a->reason, sizeof a->reason, "%s", reason);
  }
  if (note && note[0]) snprintf(a->note, sizeof a->note, "%s", note);
  return 0;
}

uint32_t andon_level_at(const fh_andon *a, const uint32_t *after_s,
                        size_t nsteps, int64_t now_ms) {
  uint32_t level = 0;

  if (a->state != FH_ANDON_RAISED) return a->level;
  for (size_t i = 0; i < nsteps; i++)
    if (now_ms - a->raised_at >= (int64_t)after_s[i] * 1000) level++;
  return level;
}

int64_t andon_next_deadline(const fh_andon *a, const uint32_t *after_s,
                            size_t nsteps) {
  uint64_t next_s = UINT64_MAX;

  if (a->state != FH_ANDON_RAISED) return 0;
  for (size_t i = 0; i < nsteps; i++) {
    size_t fired_with_it = 0; /* steps due no later than step i */
    for (size_t j = 0; j < nsteps; j++) fired_with_it += after_s[j] <= after_s[i];
    if (fired_with_it > a->level && after_s[i] < next_s) next_s = after_s[i];
  }
  return next_s == UINT64_MAX ? 0 : a->raised_at + (int64_t)next_s * 1000;
}
