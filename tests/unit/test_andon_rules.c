/* test_andon_rules.c -- andon transitions, recording and escalation.
 *
 * Andon 12 is raised by "op1" at T0 on line L1; escalation steps are
 * 60 s, 300 s and 900 s after raised_at.
 */
#include <errno.h>
#include <string.h>

#include "andon_rules.h"
#include "fh_test.h"

#define T0 1700000000000LL
#define SEC 1000LL
#define CONFLICT (-1) /* expected result: -EBUSY */

static const uint32_t steps[] = {60, 300, 900};
#define NSTEPS (sizeof steps / sizeof steps[0])

static fh_andon raised(void) {
  fh_andon a;
  andon_init_raise(&a, 12, "L1", "press-3", "quality", 2, "burr on part",
                   "op1", T0);
  return a;
}

static fh_andon in_state(fh_andon_state s) {
  fh_andon a = raised();
  char why[64];
  if (s == FH_ANDON_ACKNOWLEDGED || s == FH_ANDON_RESOLVED)
    ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_ACK, "lead", T0 + 60 * SEC, NULL,
                          NULL, why, sizeof why), 0);
  if (s == FH_ANDON_RESOLVED)
    ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RESOLVE, "maint", T0 + 300 * SEC,
                          "fixed", NULL, why, sizeof why), 0);
  if (s == FH_ANDON_CANCELLED)
    ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_CANCEL, "op1", T0 + 10 * SEC, NULL,
                          NULL, why, sizeof why), 0);
  ASSERT_EQ(a.state, s);
  return a;
}

FH_TEST(init_raise_fields) {
  fh_andon a = raised(), b;
  ASSERT_UINT_EQ(a.id, 12);
  ASSERT_STR_EQ(a.line, "L1");
  ASSERT_STR_EQ(a.equipment, "press-3");
  ASSERT_STR_EQ(a.kind, "quality");
  ASSERT_EQ(a.severity, 2);
  ASSERT_EQ(a.state, FH_ANDON_RAISED);
  ASSERT_EQ(a.level, 0);
  ASSERT_EQ(a.raised_at, T0);
  ASSERT_STR_EQ(a.raised_by, "op1");
  ASSERT_EQ(a.acked_at, 0);
  ASSERT_STR_EQ(a.acked_by, "");
  ASSERT_EQ(a.resolved_at, 0);
  ASSERT_STR_EQ(a.resolved_by, "");
  ASSERT_STR_EQ(a.reason, "");
  ASSERT_STR_EQ(a.note, "burr on part");
  andon_init_raise(&b, 13, "L1", NULL, "material", 3, NULL, "op2", T0);
  ASSERT_STR_EQ(b.equipment, "");
  ASSERT_STR_EQ(b.note, "");
}

/* Every op from every state: allowed ones succeed, the others are -EBUSY
 * with the state named and the record untouched. */
FH_TEST(transition_matrix) {
  static const fh_msg_type ops[] = {FH_MSG_ANDON_ACK, FH_MSG_ANDON_RESOLVE,
                                    FH_MSG_ANDON_CANCEL};
  static const struct {
    fh_andon_state from;
    const char *name;
    int to[3]; /* state after ack, resolve, cancel; CONFLICT */
  } rows[] = {
      {FH_ANDON_RAISED, "raised",
       {FH_ANDON_ACKNOWLEDGED, FH_ANDON_RESOLVED, FH_ANDON_CANCELLED}},
      {FH_ANDON_ACKNOWLEDGED, "acknowledged",
       {CONFLICT, FH_ANDON_RESOLVED, FH_ANDON_CANCELLED}},
      {FH_ANDON_RESOLVED, "resolved",
       {CONFLICT, CONFLICT, CONFLICT}},
      {FH_ANDON_CANCELLED, "cancelled",
       {CONFLICT, CONFLICT, CONFLICT}},
  };
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    for (size_t o = 0; o < 3; o++) {
      fh_andon a = in_state(rows[r].from), before;
      char why[64] = "", expect[64];
      int rc;
      memcpy(&before, &a, sizeof a);
      rc = andon_apply(&a, ops[o], "boss", T0 + 1000 * SEC, "done", NULL, why,
                       sizeof why);
      if (rows[r].to[o] == CONFLICT) {
        ASSERT_EQ(rc, -EBUSY);
        snprintf(expect, sizeof expect, "andon 12 is %s", rows[r].name);
        ASSERT_STR_EQ(why, expect);
        ASSERT_MEM_EQ(&a, &before, sizeof a);
      } else {
        ASSERT_EQ(rc, 0);
        ASSERT_EQ((int)a.state, rows[r].to[o]);
      }
    }
  }
}

FH_TEST(ack_records_who_and_when) {
  fh_andon a = raised();
  char why[64];
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_ACK, "lead", T0 + 90 * SEC, NULL,
                        NULL, why, sizeof why), 0);
  ASSERT_EQ(a.state, FH_ANDON_ACKNOWLEDGED);
  ASSERT_EQ(a.acked_at, T0 + 90 * SEC);
  ASSERT_STR_EQ(a.acked_by, "lead");
  ASSERT_EQ(a.resolved_at, 0);
  ASSERT_STR_EQ(a.resolved_by, "");
  ASSERT_STR_EQ(a.note, "burr on part"); /* no note given: kept */
}

FH_TEST(resolve_after_ack_keeps_ack) {
  fh_andon a = in_state(FH_ANDON_ACKNOWLEDGED);
  char why[64];
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RESOLVE, "maint", T0 + 400 * SEC,
                        "tool_changed", "swapped die", why, sizeof why), 0);
  ASSERT_EQ(a.state, FH_ANDON_RESOLVED);
  ASSERT_EQ(a.acked_at, T0 + 60 * SEC);
  ASSERT_STR_EQ(a.acked_by, "lead");
  ASSERT_EQ(a.resolved_at, T0 + 400 * SEC);
  ASSERT_STR_EQ(a.resolved_by, "maint");
  ASSERT_STR_EQ(a.reason, "tool_changed");
  ASSERT_STR_EQ(a.note, "swapped die");
}

FH_TEST(resolve_from_raised_records_ack) {
  fh_andon a = raised();
  char why[64];
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RESOLVE, "maint", T0 + 30 * SEC,
                        "fixed", NULL, why, sizeof why), 0);
  ASSERT_EQ(a.state, FH_ANDON_RESOLVED);
  ASSERT_EQ(a.acked_at, T0 + 30 * SEC);
  ASSERT_EQ(a.resolved_at, T0 + 30 * SEC);
  ASSERT_STR_EQ(a.acked_by, "maint");
  ASSERT_STR_EQ(a.resolved_by, "maint");
  ASSERT_STR_EQ(a.reason, "fixed");
}

FH_TEST(cancel_records_like_resolve) {
  fh_andon a = raised(), b = in_state(FH_ANDON_ACKNOWLEDGED);
  char why[64];
  /* from raised: no ack recorded */
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_CANCEL, "op1", T0 + 20 * SEC, NULL,
                        "raised by mistake", why, sizeof why), 0);
  ASSERT_EQ(a.state, FH_ANDON_CANCELLED);
  ASSERT_EQ(a.resolved_at, T0 + 20 * SEC);
  ASSERT_STR_EQ(a.resolved_by, "op1");
  ASSERT_EQ(a.acked_at, 0);
  ASSERT_STR_EQ(a.acked_by, "");
  ASSERT_STR_EQ(a.reason, "");
  ASSERT_STR_EQ(a.note, "raised by mistake");
  /* from acknowledged, with a reason */
  ASSERT_EQ(andon_apply(&b, FH_MSG_ANDON_CANCEL, "lead", T0 + 120 * SEC,
                        "duplicate", NULL, why, sizeof why), 0);
  ASSERT_EQ(b.state, FH_ANDON_CANCELLED);
  ASSERT_EQ(b.resolved_at, T0 + 120 * SEC);
  ASSERT_STR_EQ(b.resolved_by, "lead");
  ASSERT_EQ(b.acked_at, T0 + 60 * SEC);
  ASSERT_STR_EQ(b.reason, "duplicate");
}

FH_TEST(note_replaced_only_when_given) {
  fh_andon a = raised();
  char why[64];
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_ACK, "lead", T0, NULL, "", why,
                        sizeof why), 0);
  ASSERT_STR_EQ(a.note, "burr on part");
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RESOLVE, "lead", T0, "fixed",
                        "on my way", why, sizeof why), 0);
  ASSERT_STR_EQ(a.note, "on my way");
}

FH_TEST(bad_requests_change_nothing) {
  fh_andon a = raised(), before;
  char why[64];
  memcpy(&before, &a, sizeof a);
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RESOLVE, "maint", T0, NULL, NULL, why,
                        sizeof why), -EINVAL);
  ASSERT_STR_EQ(why, "andon 12 needs a reason to resolve");
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RESOLVE, "maint", T0, "", NULL, why,
                        sizeof why), -EINVAL);
  ASSERT_EQ(andon_apply(&a, FH_MSG_PING, "maint", T0, "x", NULL, why,
                        sizeof why), -EINVAL);
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_RAISE, "maint", T0, "x", NULL, NULL,
                        0), -EINVAL);
  ASSERT_MEM_EQ(&a, &before, sizeof a);
}

FH_TEST(level_fires_exactly_at_step) {
  fh_andon a = raised();
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0), 0);
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0 + 60 * SEC - 1), 0);
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0 + 60 * SEC), 1);
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0 + 300 * SEC - 1), 1);
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0 + 300 * SEC), 2);
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0 + 900 * SEC), 3);
  ASSERT_EQ(andon_level_at(&a, steps, 0, T0 + 900 * SEC), 0);
}

FH_TEST(level_frozen_after_ack) {
  fh_andon a = raised();
  char why[64];
  a.level = andon_level_at(&a, steps, NSTEPS, T0 + 120 * SEC);
  ASSERT_EQ(a.level, 1);
  ASSERT_EQ(andon_apply(&a, FH_MSG_ANDON_ACK, "lead", T0 + 120 * SEC, NULL,
                        NULL, why, sizeof why), 0);
  ASSERT_EQ(andon_level_at(&a, steps, NSTEPS, T0 + 10000 * SEC), 1);
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), 0);
}

FH_TEST(next_deadline) {
  static const uint32_t unordered[] = {900, 60, 300};
  fh_andon a = raised();
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), T0 + 60 * SEC);
  ASSERT_EQ(andon_next_deadline(&a, unordered, 3), T0 + 60 * SEC);
  a.level = 1;
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), T0 + 300 * SEC);
  ASSERT_EQ(andon_next_deadline(&a, unordered, 3), T0 + 300 * SEC);
  a.level = 2;
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), T0 + 900 * SEC);
  a.level = 3;
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), 0);
  a.level = 0;
  ASSERT_EQ(andon_next_deadline(&a, steps, 0), 0);
  a = in_state(FH_ANDON_CANCELLED);
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), 0);
}

FH_TEST(overdue_levels_after_restart) {
  fh_andon a = raised();
  /* the stored record says level 0; the hub comes back 2 h later */
  int64_t now = T0 + 7200 * SEC;
  /* stale level: the deadline is in the past, so the timer fires at once */
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), T0 + 60 * SEC);
  ASSERT_LT(andon_next_deadline(&a, steps, NSTEPS), now);
  a.level = andon_level_at(&a, steps, NSTEPS, now);
  ASSERT_EQ(a.level, 3); /* all levels at once */
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), 0);
  /* back after 400 s instead: two levels, next at 900 s */
  a = raised();
  a.level = andon_level_at(&a, steps, NSTEPS, T0 + 400 * SEC);
  ASSERT_EQ(a.level, 2);
  ASSERT_EQ(andon_next_deadline(&a, steps, NSTEPS), T0 + 900 * SEC);
}

FH_TEST_MAIN(FH_TEST_ENTRY(init_raise_fields), FH_TEST_ENTRY(transition_matrix),
             FH_TEST_ENTRY(ack_records_who_and_when),
             FH_TEST_ENTRY(resolve_after_ack_keeps_ack),
             FH_TEST_ENTRY(resolve_from_raised_records_ack),
             FH_TEST_ENTRY(cancel_records_like_resolve),
             FH_TEST_ENTRY(note_replaced_only_when_given),
             FH_TEST_ENTRY(bad_requests_change_nothing),
             FH_TEST_ENTRY(level_fires_exactly_at_step),
             FH_TEST_ENTRY(level_frozen_after_ack),
             FH_TEST_ENTRY(next_deadline),
             FH_TEST_ENTRY(overdue_levels_after_restart))
