/* andon_rules.h -- the andon workflow: allowed transitions and escalation.
 *
 * States: raised -> acknowledged -> resolved, and raised|acknowledged ->
 * cancelled.  Resolved and cancelled are final.  Escalation: the plant gives
 * a list of steps (seconds after raised_at); while an andon is raised its
 * level is the number of steps that have passed, and once it leaves raised
 * the level stored in the record stays as it is (frozen at ack).
 *
 * Pure functions of their inputs and the injected time (ms since the epoch);
 * the hub applies them to its in-memory records and stores the result.
 */
#ifndef FH_HUB_ANDON_RULES_H
#define FH_HUB_ANDON_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

/* A new raised andon at level 0.  Strings may be NULL (stored as "") and
 * are truncated to their field.  Every field of *a is written. */
void andon_init_raise(fh_andon *a, uint64_t id, const char *line,
                      const char *equipment, const char *kind,
                      uint8_t severity, const char *note, const char *user,
                      int64_t now_ms);

/* Applies an operation (FH_MSG_ANDON_ACK, _RESOLVE or _CANCEL) by `user` at
 * now_ms.
 *   ack:     raised -> acknowledged; acked_at/acked_by = now/user.
 *   resolve: raised|acknowledged -> resolved; resolved_at/by = now/user,
 *            reason stored; from raised the ack is recorded at the same
 *            moment by the same user.
 *   cancel:  raised|acknowledged -> cancelled; resolved_at/by = now/user
 *            (a cancel is recorded like a resolve); a reason, if given, is
 *            stored.
 * A note (non-NULL, non-empty) replaces the stored one.  The caller brings
 * a->level up to date (andon_level_at) before the op: leaving raised freezes
 * it.  Returns 0 with *a updated; -EBUSY when the op is not allowed in the
 * current state, with why = "andon <id> is <state>"; -EINVAL for another op
 * or a resolve without a reason.  On an error *a is unchanged.  why (whylen
 * bytes) may be NULL. */
int andon_apply(fh_andon *a, fh_msg_type op, const char *user, int64_t now_ms,
                const char *reason, const char *note, char *why,
                size_t whylen);

/* The escalation level at now_ms.  While raised: the number of steps i with
 * now_ms - raised_at >= after_s[i] * 1000 (a step fires exactly at its
 * time; all overdue steps count at once after a restart).  Otherwise the
 * stored a->level. */
uint32_t andon_level_at(const fh_andon *a, const uint32_t *after_s,
                        size_t nsteps, int64_t now_ms);

/* Absolute ms at which the level next changes, given that a->level steps
 * have fired: the time of the (a->level + 1)-th step in time order.  0 when
 * the andon is not raised or every step has fired.  The result is in the
 * past when a->level is stale; the caller then updates at once. */
int64_t andon_next_deadline(const fh_andon *a, const uint32_t *after_s,
                            size_t nsteps);

#endif
