/* test_roles.c -- the permission table of hub/roles.c, action by action
 * for every role, plus the escalated acknowledgement, cancel by the raiser,
 * the lines claim and the admin bypass.
 *
 * The expected table below is written out from the specification, not
 * derived from the code under test.
 */
#include <errno.h>

#include "fh_test.h"
#include "fh_roles.h"

static fh_identity who(fh_role role, const char *sub) {
  fh_identity id;
  memset(&id, 0, sizeof id);
  snprintf(id.sub, sizeof id.sub, "%s", sub);
  id.role = role;
  return id;
}

static fh_andon andon_on(const char *line, uint32_t level,
                         const char *raised_by) {
  fh_andon a;
  memset(&a, 0, sizeof a);
  a.id = 7;
  snprintf(a.line, sizeof a.line, "%s", line);
  snprintf(a.kind, sizeof a.kind, "maintenance");
  a.level = level;
  snprintf(a.raised_by, sizeof a.raised_by, "%s", raised_by);
  return a;
}

/* One column per case below: 'Y' allowed, '.' refused. */
enum {
  C_RAISE, C_ACK0, C_ACK1, C_RESOLVE, C_CANCEL_OTHER, C_CANCEL_OWN,
  C_EQ_STATE, C_EQ_COUNT, C__COUNT
};

static const struct {
  fh_role role;
  const char *may; /* C__COUNT columns */
} table[] = {
    /*                          raise ack0 ack1 resolve cancel:other own eq.state eq.count */
    {FH_ROLE_VIEWER,              "........"},
    {FH_ROLE_OPERATOR,            "Y....Y.."},
    {FH_ROLE_MAINTENANCE,         "YY.Y.Y.."},
    {FH_ROLE_QUALITY,             "YY.Y.Y.."},
    {FH_ROLE_ENGINEER,            "YY.Y.Y.."},
    {FH_ROLE_SHIFT_MANAGER,       "YYYYYY.."},
    {FH_ROLE_PRODUCTION_MANAGER,  "YYYYYY.."},
    {FH_ROLE_ADMIN,               "YYYYYYYY"},
    {FH_ROLE_GATEWAY,             "Y....YYY"},
    {FH_ROLE_KIOSK,               "........"},
};

/* fh_role_may for column c, as the role with sub "me" on line L1. */
static int may(fh_role role, int c, char *why, size_t whylen) {
  fh_identity id = who(role, "me");
  fh_andon level0 = andon_on("L1", 0, "someone-else");
  fh_andon level1 = andon_on("L1", 1, "someone-else");
  fh_andon mine = andon_on("L1", 0, "me");

  switch (c) {
  case C_RAISE: return fh_role_may(&id, FH_MSG_ANDON_RAISE, NULL, "L1", why, whylen);
  case C_ACK0: return fh_role_may(&id, FH_MSG_ANDON_ACK, &level0, NULL, why, whylen);
  case C_ACK1: return fh_role_may(&id, FH_MSG_ANDON_ACK, &level1, NULL, why, whylen);
  case C_RESOLVE: return fh_role_may(&id, FH_MSG_ANDON_RESOLVE, &level0, NULL, why, whylen);
  case C_CANCEL_OTHER: return fh_role_may(&id, FH_MSG_ANDON_CANCEL, &level0, NULL, why, whylen);
  case C_CANCEL_OWN: return fh_role_may(&id, FH_MSG_ANDON_CANCEL, &mine, NULL, why, whylen);
  case C_EQ_STATE: return fh_role_may(&id, FH_MSG_EQ_STATE, NULL, "L1", why, whylen);
  default: return fh_role_may(&id, FH_MSG_EQ_COUNT, NULL, "L1", why, whylen);
  }
}

FH_TEST(whole_table) {
  ASSERT_EQ(sizeof table / sizeof table[0], FH_ROLE__COUNT);
  for (size_t r = 0; r < sizeof table / sizeof table[0]; r++) {
    ASSERT_EQ(strlen(table[r].may), C__COUNT);
    for (int c = 0; c < C__COUNT; c++) {
      char why[160] = "";
      int rc = may(table[r].role, c, why, sizeof why);
      if ((table[r].may[c] == 'Y') != (rc == 0))
        FH_FAIL_("role %s column %d: got %d (%s)", fh_role_name(table[r].role),
                 c, rc, why);
      if (rc != 0) {
        ASSERT_EQ(rc, -EPERM);
        ASSERT(strstr(why, fh_role_name(table[r].role)) != NULL);
      }
    }
  }
}

FH_TEST(reads_open_to_every_role) {
  static const fh_msg_type reads[] = {FH_MSG_HELLO, FH_MSG_PING, FH_MSG_SUB,
                                      FH_MSG_UNSUB, FH_MSG_SHIFT_REPORT};
  for (int r = 0; r < FH_ROLE__COUNT; r++) {
    fh_identity id = who((fh_role)r, "u");
    id.nlines = 1; /* a lines claim does not limit reads */
    snprintf(id.lines[0], sizeof id.lines[0], "L1");
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
      ASSERT_EQ(fh_role_may(&id, reads[i], NULL, "L2", NULL, 0), 0);
  }
}

FH_TEST(refusals_say_why) {
  fh_identity op = who(FH_ROLE_OPERATOR, "anna");
  fh_identity mt = who(FH_ROLE_MAINTENANCE, "ben");
  fh_identity viewer = who(FH_ROLE_VIEWER, "vic");
  fh_andon a = andon_on("L1", 0, "carl");
  char why[160];

  ASSERT_EQ(fh_role_may(&op, FH_MSG_ANDON_ACK, &a, NULL, why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "role operator may not acknowledge");
  a.level = 2;
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &a, NULL, why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "role maintenance may not acknowledge an escalated "
                     "andon (level 2)");
  ASSERT_EQ(fh_role_may(&op, FH_MSG_ANDON_CANCEL, &a, NULL, why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "role operator may cancel only the andons it raised");
  ASSERT_EQ(fh_role_may(&viewer, FH_MSG_ANDON_RAISE, NULL, "L1", why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "role viewer may not raise an andon");
  ASSERT_EQ(fh_role_may(&op, FH_MSG_EQ_COUNT, NULL, "L1", why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "role operator may not count production");
  /* why may be NULL */
  ASSERT_EQ(fh_role_may(&op, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), -EPERM);
}

FH_TEST(cancel_by_raiser_not_by_other_operator) {
  fh_identity anna = who(FH_ROLE_OPERATOR, "anna");
  fh_identity bert = who(FH_ROLE_OPERATOR, "bert");
  fh_identity vic = who(FH_ROLE_VIEWER, "vic");
  fh_andon a = andon_on("L1", 1, "anna");
  fh_andon by_vic = andon_on("L1", 0, "vic");

  ASSERT_EQ(fh_role_may(&anna, FH_MSG_ANDON_CANCEL, &a, NULL, NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&bert, FH_MSG_ANDON_CANCEL, &a, NULL, NULL, 0), -EPERM);
  /* the raiser may cancel, not acknowledge or resolve */
  ASSERT_EQ(fh_role_may(&anna, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(fh_role_may(&anna, FH_MSG_ANDON_RESOLVE, &a, NULL, NULL, 0), -EPERM);
  /* a viewer only reads, even with a matching sub */
  ASSERT_EQ(fh_role_may(&vic, FH_MSG_ANDON_CANCEL, &by_vic, NULL, NULL, 0),
            -EPERM);
}

FH_TEST(escalated_ack_needs_a_manager) {
  static const fh_role managers[] = {FH_ROLE_SHIFT_MANAGER,
                                     FH_ROLE_PRODUCTION_MANAGER, FH_ROLE_ADMIN};
  static const fh_role responders[] = {FH_ROLE_MAINTENANCE, FH_ROLE_QUALITY,
                                       FH_ROLE_ENGINEER};
  for (uint32_t level = 1; level <= 3; level++) {
    fh_andon a = andon_on("L1", level, "x");
    for (size_t i = 0; i < 3; i++) {
      fh_identity m = who(managers[i], "m"), r = who(responders[i], "r");
      ASSERT_EQ(fh_role_may(&m, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), 0);
      ASSERT_EQ(fh_role_may(&r, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), -EPERM);
      /* resolving is not limited by the level */
      ASSERT_EQ(fh_role_may(&r, FH_MSG_ANDON_RESOLVE, &a, NULL, NULL, 0), 0);
    }
  }
}

FH_TEST(lines_claim_limits_writes) {
  fh_identity mt = who(FH_ROLE_MAINTENANCE, "ben");
  fh_identity gw = who(FH_ROLE_GATEWAY, "plc-gw");
  fh_andon on_l1 = andon_on("L1", 0, "x"), on_l2 = andon_on("L2", 0, "x");
  char why[160];

  mt.nlines = gw.nlines = 2;
  snprintf(mt.lines[0], sizeof mt.lines[0], "L1");
  snprintf(mt.lines[1], sizeof mt.lines[1], "L3");
  memcpy(gw.lines, mt.lines, sizeof gw.lines);

  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_RAISE, NULL, "L3", why, sizeof why), 0);
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_RAISE, NULL, "L2", why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "line L2 is not in this token's lines");
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &on_l1, NULL, why, sizeof why), 0);
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &on_l2, NULL, why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "line L2 is not in this token's lines");
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_RESOLVE, &on_l2, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(fh_role_may(&gw, FH_MSG_EQ_COUNT, NULL, "L1", NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&gw, FH_MSG_EQ_STATE, NULL, "L2", NULL, 0), -EPERM);
  /* a write whose line is not known is refused to a limited token */
  ASSERT_EQ(fh_role_may(&gw, FH_MSG_EQ_COUNT, NULL, NULL, NULL, 0), -EPERM);
  /* the same tokens without the claim may write anywhere */
  mt.nlines = gw.nlines = 0;
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &on_l2, NULL, NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&gw, FH_MSG_EQ_STATE, NULL, "L2", NULL, 0), 0);
}

FH_TEST(admin_is_never_restricted) {
  fh_identity admin = who(FH_ROLE_ADMIN, "root");
  fh_andon a = andon_on("L9", 3, "x");

  admin.nlines = 1;
  snprintf(admin.lines[0], sizeof admin.lines[0], "L1");
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_ANDON_RAISE, NULL, "L9", NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_ANDON_CANCEL, &a, NULL, NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_EQ_COUNT, NULL, "L9", NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_EQ_STATE, NULL, NULL, NULL, 0), 0);
}

FH_TEST(andon_line_and_given_line_both_checked) {
  fh_identity mt = who(FH_ROLE_MAINTENANCE, "ben");
  fh_andon on_l1 = andon_on("L1", 0, "x"), on_l2 = andon_on("L2", 0, "x");

  mt.nlines = 1;
  snprintf(mt.lines[0], sizeof mt.lines[0], "L1");
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &on_l1, "L1", NULL, 0), 0);
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &on_l2, "L1", NULL, 0), -EPERM);
  ASSERT_EQ(fh_role_may(&mt, FH_MSG_ANDON_ACK, &on_l1, "L2", NULL, 0), -EPERM);
}

FH_TEST(unknown_role_and_non_requests_refused) {
  fh_identity bad = who(FH_ROLE__COUNT, "x");
  fh_identity admin = who(FH_ROLE_ADMIN, "root");
  char why[160];

  ASSERT_EQ(fh_role_may(&bad, FH_MSG_PING, NULL, NULL, why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "the token's role is unknown");
  bad.role = (fh_role)77;
  ASSERT_EQ(fh_role_may(&bad, FH_MSG_SUB, NULL, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_WELCOME, NULL, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(fh_role_may(&admin, FH_MSG_UNKNOWN, NULL, NULL, NULL, 0), -EPERM);
}

FH_TEST(names_round_trip) {
  static const char *const names[] = {
      "viewer", "operator", "maintenance", "quality", "engineer",
      "shift_manager", "production_manager", "admin", "gateway", "kiosk"};
  for (int r = 0; r < FH_ROLE__COUNT; r++) {
    ASSERT_STR_EQ(fh_role_name((fh_role)r), names[r]);
    ASSERT_EQ(fh_role_from(names[r], strlen(names[r])), r);
  }
  ASSERT(fh_role_name(FH_ROLE__COUNT) == NULL);
  ASSERT_EQ(fh_role_from("admi", 4), -1);
  ASSERT_EQ(fh_role_from("admin", 4), -1); /* "admi" */
  ASSERT_EQ(fh_role_from("adminx", 6), -1);
  ASSERT_EQ(fh_role_from("Admin", 5), -1);
  ASSERT_EQ(fh_role_from("", 0), -1);
}

FH_TEST(actions_for_help_lines) {
  uint32_t viewer = fh_role_actions(FH_ROLE_VIEWER);
  uint32_t op = fh_role_actions(FH_ROLE_OPERATOR);
  uint32_t gw = fh_role_actions(FH_ROLE_GATEWAY);
  uint32_t sm = fh_role_actions(FH_ROLE_SHIFT_MANAGER);
  uint32_t writes = (1u << FH_MSG_ANDON_RAISE) | (1u << FH_MSG_ANDON_ACK) |
                    (1u << FH_MSG_ANDON_RESOLVE) | (1u << FH_MSG_ANDON_CANCEL) |
                    (1u << FH_MSG_EQ_STATE) | (1u << FH_MSG_EQ_COUNT);

  ASSERT_EQ(viewer & writes, 0);
  ASSERT(viewer & (1u << FH_MSG_SUB));
  ASSERT_EQ(op & writes, (1u << FH_MSG_ANDON_RAISE) | (1u << FH_MSG_ANDON_CANCEL));
  ASSERT_EQ(gw & writes, (1u << FH_MSG_ANDON_RAISE) | (1u << FH_MSG_ANDON_CANCEL) |
                             (1u << FH_MSG_EQ_STATE) | (1u << FH_MSG_EQ_COUNT));
  ASSERT_EQ(sm & writes, (1u << FH_MSG_ANDON_RAISE) | (1u << FH_MSG_ANDON_ACK) |
                             (1u << FH_MSG_ANDON_RESOLVE) |
                             (1u << FH_MSG_ANDON_CANCEL));
  ASSERT_EQ(fh_role_actions(FH_ROLE_ADMIN) & writes, writes);
  ASSERT_EQ(fh_role_actions(FH_ROLE_KIOSK) & writes, 0);
  ASSERT(fh_role_actions(FH_ROLE_KIOSK) & (1u << FH_MSG_LOGIN));
  ASSERT_EQ(op & ((1u << FH_MSG_LOGIN) | (1u << FH_MSG_LOGOUT)), 0);
  ASSERT_EQ(fh_role_actions(FH_ROLE__COUNT), 0);
}

/* Every topic is open to every role, except notify: admin only. */
FH_TEST(notify_topic_admin_only) {
  for (int r = 0; r < FH_ROLE__COUNT; r++) {
    ASSERT_EQ(fh_role_may_topic((fh_role)r, "notify", 6), r == FH_ROLE_ADMIN);
    ASSERT_EQ(fh_role_may_topic((fh_role)r, "andon", 5), 1);
    ASSERT_EQ(fh_role_may_topic((fh_role)r, "notifyx", 7), 1);
    ASSERT_EQ(fh_role_may_topic((fh_role)r, "notify/x", 6), r == FH_ROLE_ADMIN);
  }
}

/* run.start/run.end: operators on their lines, the managers, gateways;
 * plan.set: the managers and gateways (written out from the issue). */
FH_TEST(runs_and_plans) {
  static const struct {
    fh_role role;
    int run, plan;
  } want[] = {
      {FH_ROLE_VIEWER, 0, 0},        {FH_ROLE_OPERATOR, 1, 0},
      {FH_ROLE_MAINTENANCE, 0, 0},   {FH_ROLE_QUALITY, 0, 0},
      {FH_ROLE_ENGINEER, 0, 0},      {FH_ROLE_SHIFT_MANAGER, 1, 1},
      {FH_ROLE_PRODUCTION_MANAGER, 1, 1}, {FH_ROLE_ADMIN, 1, 1},
      {FH_ROLE_GATEWAY, 1, 1},       {FH_ROLE_KIOSK, 0, 0},
  };
  char why[160];
  fh_identity op = who(FH_ROLE_OPERATOR, "op1");

  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    fh_identity id = who(want[i].role, "me");
    ASSERT_EQ(fh_role_may(&id, FH_MSG_RUN_START, NULL, "L1", NULL, 0) == 0,
              want[i].run);
    ASSERT_EQ(fh_role_may(&id, FH_MSG_RUN_END, NULL, "L1", NULL, 0) == 0,
              want[i].run);
    ASSERT_EQ(fh_role_may(&id, FH_MSG_PLAN_SET, NULL, "L1", NULL, 0) == 0,
              want[i].plan);
  }
  snprintf(op.lines[0], sizeof op.lines[0], "L2");
  op.nlines = 1;
  ASSERT_EQ(fh_role_may(&op, FH_MSG_RUN_START, NULL, "L2", why, sizeof why), 0);
  ASSERT_EQ(fh_role_may(&op, FH_MSG_RUN_START, NULL, "L1", why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "line L1 is not in this token's lines");
  op.nlines = 0;
  ASSERT_EQ(fh_role_may(&op, FH_MSG_PLAN_SET, NULL, "L1", why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "role operator may not set a line's target");
}

FH_TEST_MAIN(FH_TEST_ENTRY(whole_table),
             FH_TEST_ENTRY(runs_and_plans), FH_TEST_ENTRY(reads_open_to_every_role),
             FH_TEST_ENTRY(refusals_say_why),
             FH_TEST_ENTRY(cancel_by_raiser_not_by_other_operator),
             FH_TEST_ENTRY(escalated_ack_needs_a_manager),
             FH_TEST_ENTRY(lines_claim_limits_writes),
             FH_TEST_ENTRY(admin_is_never_restricted),
             FH_TEST_ENTRY(andon_line_and_given_line_both_checked),
             FH_TEST_ENTRY(unknown_role_and_non_requests_refused),
             FH_TEST_ENTRY(names_round_trip),
             FH_TEST_ENTRY(actions_for_help_lines),
             FH_TEST_ENTRY(notify_topic_admin_only))
