/* test_roles.c -- the permission table of hub/roles.c, action by action
 * for every role, plus the escalated acknowledgement, cancel by the raiser,
 * the lines claim and the admin bypass.
 *
 * The expected table below is written out from the specification, not
 * derived from the code under test.
 */
#include <errno.h>

#include "auth.h"
#include "fh_test.h"
#include "roles.h"

static auth_identity who(role_id role, const char *sub) {
  auth_identity id;
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
  role_id role;
  const char *may; /* C__COUNT columns */
} table[] = {
    /*                          raise ack0 ack1 resolve cancel:other own eq.state eq.count */
    {ROLE_VIEWER,              "........"},
    {ROLE_OPERATOR,            "Y....Y.."},
    {ROLE_MAINTENANCE,         "YY.Y.Y.."},
    {ROLE_QUALITY,             "YY.Y.Y.."},
    {ROLE_ENGINEER,            "YY.Y.Y.."},
    {ROLE_SHIFT_MANAGER,       "YYYYYY.."},
    {ROLE_PRODUCTION_MANAGER,  "YYYYYY.."},
    {ROLE_ADMIN,               "YYYYYYYY"},
    {ROLE_GATEWAY,             "Y....YYY"},
};

/* roles_may for column c, as the role with sub "me" on line L1. */
static int may(role_id role, int c, char *why, size_t whylen) {
  auth_identity id = who(role, "me");
  fh_andon level0 = andon_on("L1", 0, "someone-else");
  fh_andon level1 = andon_on("L1", 1, "someone-else");
  fh_andon mine = andon_on("L1", 0, "me");

  switch (c) {
  case C_RAISE: return roles_may(&id, FH_MSG_ANDON_RAISE, NULL, "L1", why, whylen);
  case C_ACK0: return roles_may(&id, FH_MSG_ANDON_ACK, &level0, NULL, why, whylen);
  case C_ACK1: return roles_may(&id, FH_MSG_ANDON_ACK, &level1, NULL, why, whylen);
  case C_RESOLVE: return roles_may(&id, FH_MSG_ANDON_RESOLVE, &level0, NULL, why, whylen);
  case C_CANCEL_OTHER: return roles_may(&id, FH_MSG_ANDON_CANCEL, &level0, NULL, why, whylen);
  case C_CANCEL_OWN: return roles_may(&id, FH_MSG_ANDON_CANCEL, &mine, NULL, why, whylen);
  case C_EQ_STATE: return roles_may(&id, FH_MSG_EQ_STATE, NULL, "L1", why, whylen);
  default: return roles_may(&id, FH_MSG_EQ_COUNT, NULL, "L1", why, whylen);
  }
}

FH_TEST(whole_table) {
  ASSERT_EQ(sizeof table / sizeof table[0], ROLE__COUNT);
  for (size_t r = 0; r < sizeof table / sizeof table[0]; r++) {
    ASSERT_EQ(strlen(table[r].may), C__COUNT);
    for (int c = 0; c < C__COUNT; c++) {
      char why[160] = "";
      int rc = may(table[r].role, c, why, sizeof why);
      if ((table[r].may[c] == 'Y') != (rc == 0))
        FH_FAIL_("role %s column %d: got %d (%s)", roles_name(table[r].role),
                 c, rc, why);
      if (rc != 0) {
        ASSERT_EQ(rc, -EPERM);
        ASSERT(strstr(why, roles_name(table[r].role)) != NULL);
      }
    }
  }
}

FH_TEST(reads_open_to_every_role) {
  static const fh_msg_type reads[] = {FH_MSG_HELLO, FH_MSG_PING, FH_MSG_SUB,
                                      FH_MSG_UNSUB, FH_MSG_SHIFT_REPORT};
  for (int r = 0; r < ROLE__COUNT; r++) {
    auth_identity id = who((role_id)r, "u");
    id.nlines = 1; /* a lines claim does not limit reads */
    snprintf(id.lines[0], sizeof id.lines[0], "L1");
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
      ASSERT_EQ(roles_may(&id, reads[i], NULL, "L2", NULL, 0), 0);
  }
}

FH_TEST(refusals_say_why) {
  auth_identity op = who(ROLE_OPERATOR, "anna");
  auth_identity mt = who(ROLE_MAINTENANCE, "ben");
  auth_identity viewer = who(ROLE_VIEWER, "vic");
  fh_andon a = andon_on("L1", 0, "carl");
  char why[160];

  ASSERT_EQ(roles_may(&op, FH_MSG_ANDON_ACK, &a, NULL, why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "role operator may not acknowledge");
  a.level = 2;
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &a, NULL, why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "role maintenance may not acknowledge an escalated "
                     "andon (level 2)");
  ASSERT_EQ(roles_may(&op, FH_MSG_ANDON_CANCEL, &a, NULL, why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "role operator may cancel only the andons it raised");
  ASSERT_EQ(roles_may(&viewer, FH_MSG_ANDON_RAISE, NULL, "L1", why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "role viewer may not raise an andon");
  ASSERT_EQ(roles_may(&op, FH_MSG_EQ_COUNT, NULL, "L1", why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "role operator may not count production");
  /* why may be NULL */
  ASSERT_EQ(roles_may(&op, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), -EPERM);
}

FH_TEST(cancel_by_raiser_not_by_other_operator) {
  auth_identity anna = who(ROLE_OPERATOR, "anna");
  auth_identity bert = who(ROLE_OPERATOR, "bert");
  auth_identity vic = who(ROLE_VIEWER, "vic");
  fh_andon a = andon_on("L1", 1, "anna");
  fh_andon by_vic = andon_on("L1", 0, "vic");

  ASSERT_EQ(roles_may(&anna, FH_MSG_ANDON_CANCEL, &a, NULL, NULL, 0), 0);
  ASSERT_EQ(roles_may(&bert, FH_MSG_ANDON_CANCEL, &a, NULL, NULL, 0), -EPERM);
  /* the raiser may cancel, not acknowledge or resolve */
  ASSERT_EQ(roles_may(&anna, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(roles_may(&anna, FH_MSG_ANDON_RESOLVE, &a, NULL, NULL, 0), -EPERM);
  /* a viewer only reads, even with a matching sub */
  ASSERT_EQ(roles_may(&vic, FH_MSG_ANDON_CANCEL, &by_vic, NULL, NULL, 0),
            -EPERM);
}

FH_TEST(escalated_ack_needs_a_manager) {
  static const role_id managers[] = {ROLE_SHIFT_MANAGER,
                                     ROLE_PRODUCTION_MANAGER, ROLE_ADMIN};
  static const role_id responders[] = {ROLE_MAINTENANCE, ROLE_QUALITY,
                                       ROLE_ENGINEER};
  for (uint32_t level = 1; level <= 3; level++) {
    fh_andon a = andon_on("L1", level, "x");
    for (size_t i = 0; i < 3; i++) {
      auth_identity m = who(managers[i], "m"), r = who(responders[i], "r");
      ASSERT_EQ(roles_may(&m, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), 0);
      ASSERT_EQ(roles_may(&r, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), -EPERM);
      /* resolving is not limited by the level */
      ASSERT_EQ(roles_may(&r, FH_MSG_ANDON_RESOLVE, &a, NULL, NULL, 0), 0);
    }
  }
}

FH_TEST(lines_claim_limits_writes) {
  auth_identity mt = who(ROLE_MAINTENANCE, "ben");
  auth_identity gw = who(ROLE_GATEWAY, "plc-gw");
  fh_andon on_l1 = andon_on("L1", 0, "x"), on_l2 = andon_on("L2", 0, "x");
  char why[160];

  mt.nlines = gw.nlines = 2;
  snprintf(mt.lines[0], sizeof mt.lines[0], "L1");
  snprintf(mt.lines[1], sizeof mt.lines[1], "L3");
  memcpy(gw.lines, mt.lines, sizeof gw.lines);

  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_RAISE, NULL, "L3", why, sizeof why), 0);
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_RAISE, NULL, "L2", why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "line L2 is not in this token's lines");
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &on_l1, NULL, why, sizeof why), 0);
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &on_l2, NULL, why, sizeof why),
            -EPERM);
  ASSERT_STR_EQ(why, "line L2 is not in this token's lines");
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_RESOLVE, &on_l2, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(roles_may(&gw, FH_MSG_EQ_COUNT, NULL, "L1", NULL, 0), 0);
  ASSERT_EQ(roles_may(&gw, FH_MSG_EQ_STATE, NULL, "L2", NULL, 0), -EPERM);
  /* a write whose line is not known is refused to a limited token */
  ASSERT_EQ(roles_may(&gw, FH_MSG_EQ_COUNT, NULL, NULL, NULL, 0), -EPERM);
  /* the same tokens without the claim may write anywhere */
  mt.nlines = gw.nlines = 0;
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &on_l2, NULL, NULL, 0), 0);
  ASSERT_EQ(roles_may(&gw, FH_MSG_EQ_STATE, NULL, "L2", NULL, 0), 0);
}

FH_TEST(admin_is_never_restricted) {
  auth_identity admin = who(ROLE_ADMIN, "root");
  fh_andon a = andon_on("L9", 3, "x");

  admin.nlines = 1;
  snprintf(admin.lines[0], sizeof admin.lines[0], "L1");
  ASSERT_EQ(roles_may(&admin, FH_MSG_ANDON_RAISE, NULL, "L9", NULL, 0), 0);
  ASSERT_EQ(roles_may(&admin, FH_MSG_ANDON_ACK, &a, NULL, NULL, 0), 0);
  ASSERT_EQ(roles_may(&admin, FH_MSG_ANDON_CANCEL, &a, NULL, NULL, 0), 0);
  ASSERT_EQ(roles_may(&admin, FH_MSG_EQ_COUNT, NULL, "L9", NULL, 0), 0);
  ASSERT_EQ(roles_may(&admin, FH_MSG_EQ_STATE, NULL, NULL, NULL, 0), 0);
}

FH_TEST(andon_line_and_given_line_both_checked) {
  auth_identity mt = who(ROLE_MAINTENANCE, "ben");
  fh_andon on_l1 = andon_on("L1", 0, "x"), on_l2 = andon_on("L2", 0, "x");

  mt.nlines = 1;
  snprintf(mt.lines[0], sizeof mt.lines[0], "L1");
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &on_l1, "L1", NULL, 0), 0);
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &on_l2, "L1", NULL, 0), -EPERM);
  ASSERT_EQ(roles_may(&mt, FH_MSG_ANDON_ACK, &on_l1, "L2", NULL, 0), -EPERM);
}

FH_TEST(unknown_role_and_non_requests_refused) {
  auth_identity bad = who(ROLE__COUNT, "x");
  auth_identity admin = who(ROLE_ADMIN, "root");
  char why[160];

  ASSERT_EQ(roles_may(&bad, FH_MSG_PING, NULL, NULL, why, sizeof why), -EPERM);
  ASSERT_STR_EQ(why, "the token's role is unknown");
  bad.role = (role_id)77;
  ASSERT_EQ(roles_may(&bad, FH_MSG_SUB, NULL, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(roles_may(&admin, FH_MSG_WELCOME, NULL, NULL, NULL, 0), -EPERM);
  ASSERT_EQ(roles_may(&admin, FH_MSG_UNKNOWN, NULL, NULL, NULL, 0), -EPERM);
}

FH_TEST(names_round_trip) {
  static const char *const names[] = {
      "viewer", "operator", "maintenance", "quality", "engineer",
      "shift_manager", "production_manager", "admin", "gateway"};
  for (int r = 0; r < ROLE__COUNT; r++) {
    ASSERT_STR_EQ(roles_name((role_id)r), names[r]);
    ASSERT_EQ(roles_from(names[r], strlen(names[r])), r);
  }
  ASSERT(roles_name(ROLE__COUNT) == NULL);
  ASSERT_EQ(roles_from("admi", 4), -1);
  ASSERT_EQ(roles_from("admin", 4), -1); /* "admi" */
  ASSERT_EQ(roles_from("adminx", 6), -1);
  ASSERT_EQ(roles_from("Admin", 5), -1);
  ASSERT_EQ(roles_from("", 0), -1);
}

FH_TEST(actions_for_help_lines) {
  uint32_t viewer = roles_actions(ROLE_VIEWER);
  uint32_t op = roles_actions(ROLE_OPERATOR);
  uint32_t gw = roles_actions(ROLE_GATEWAY);
  uint32_t sm = roles_actions(ROLE_SHIFT_MANAGER);
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
  ASSERT_EQ(roles_actions(ROLE_ADMIN) & writes, writes);
  ASSERT_EQ(roles_actions(ROLE__COUNT), 0);
}

FH_TEST_MAIN(FH_TEST_ENTRY(whole_table), FH_TEST_ENTRY(reads_open_to_every_role),
             FH_TEST_ENTRY(refusals_say_why),
             FH_TEST_ENTRY(cancel_by_raiser_not_by_other_operator),
             FH_TEST_ENTRY(escalated_ack_needs_a_manager),
             FH_TEST_ENTRY(lines_claim_limits_writes),
             FH_TEST_ENTRY(admin_is_never_restricted),
             FH_TEST_ENTRY(andon_line_and_given_line_both_checked),
             FH_TEST_ENTRY(unknown_role_and_non_requests_refused),
             FH_TEST_ENTRY(names_round_trip),
             FH_TEST_ENTRY(actions_for_help_lines))
