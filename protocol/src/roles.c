/* roles.c -- the permission table (see fh_roles.h).
 *
 * Design: one bit set of roles per action, written out once below so that
 * the table reads like the documentation; the only rules that are not a
 * plain lookup are the escalated acknowledgement, the raiser's right to
 * cancel and the lines claim, each handled in its own small step.
 */
#include "fh_roles.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


#define BIT(r) (1u << (r))

/* fh_role_actions() is a bit set over the request types. */
_Static_assert(FH_MSG_WELCOME <= 32, "request types must fit in 32 bits");

static const char *const role_names[FH_ROLE__COUNT] = {
    [FH_ROLE_VIEWER] = "viewer",
    [FH_ROLE_OPERATOR] = "operator",
    [FH_ROLE_MAINTENANCE] = "maintenance",
    [FH_ROLE_QUALITY] = "quality",
    [FH_ROLE_ENGINEER] = "engineer",
    [FH_ROLE_SHIFT_MANAGER] = "shift_manager",
    [FH_ROLE_PRODUCTION_MANAGER] = "production_manager",
    [FH_ROLE_ADMIN] = "admin",
    [FH_ROLE_GATEWAY] = "gateway",
    [FH_ROLE_KIOSK] = "kiosk",
};

/* Roles allowed to act on the floor, and the managers above them. */
#define MANAGERS (BIT(FH_ROLE_SHIFT_MANAGER) | BIT(FH_ROLE_PRODUCTION_MANAGER) | \
                  BIT(FH_ROLE_ADMIN))
#define RESPONDERS (BIT(FH_ROLE_MAINTENANCE) | BIT(FH_ROLE_QUALITY) | \
                    BIT(FH_ROLE_ENGINEER) | MANAGERS)
#define ALL_ROLES ((1u << FH_ROLE__COUNT) - 1)
/* Roles that may write nothing themselves. */
#define READERS (BIT(FH_ROLE_VIEWER) | BIT(FH_ROLE_KIOSK))

/* Who may perform each action, regardless of the andon's state. */
static uint32_t allowed(fh_msg_type op) {
  switch (op) {
  case FH_MSG_HELLO:
  case FH_MSG_PING:
  case FH_MSG_SUB:
  case FH_MSG_UNSUB:
  case FH_MSG_SHIFT_REPORT:
  case FH_MSG_DT_LIST:
  case FH_MSG_OEE_HISTORY:
  case FH_MSG_DT_PARETO:
  case FH_MSG_OEE_SAMPLES:
    return ALL_ROLES;
  case FH_MSG_DT_CLASSIFY:
  case FH_MSG_DT_SPLIT:
    return RESPONDERS | BIT(FH_ROLE_OPERATOR);
  case FH_MSG_ANDON_RAISE:
    return ALL_ROLES & ~READERS;
  case FH_MSG_ANDON_ACK:
  case FH_MSG_ANDON_RESOLVE:
    return RESPONDERS;
  case FH_MSG_ANDON_CANCEL:
  case FH_MSG_HANDOVER_ACK:
    return MANAGERS;
  case FH_MSG_HANDOVER_NOTE:
    return MANAGERS | BIT(FH_ROLE_OPERATOR);
  case FH_MSG_EQ_STATE:
  case FH_MSG_EQ_COUNT:
  case FH_MSG_EQ_TOTAL:
    return BIT(FH_ROLE_GATEWAY) | BIT(FH_ROLE_ADMIN);
  case FH_MSG_RUN_START:
  case FH_MSG_RUN_END:
    return BIT(FH_ROLE_OPERATOR) | MANAGERS | BIT(FH_ROLE_GATEWAY);
  case FH_MSG_PLAN_SET:
    return MANAGERS | BIT(FH_ROLE_GATEWAY);
  case FH_MSG_LOGIN:
  case FH_MSG_LOGOUT:
    return BIT(FH_ROLE_KIOSK);
  default:
    return 0;
  }
}

static const char *verb(fh_msg_type op) {
  switch (op) {
  case FH_MSG_ANDON_RAISE: return "raise an andon";
  case FH_MSG_ANDON_ACK: return "acknowledge";
  case FH_MSG_ANDON_RESOLVE: return "resolve";
  case FH_MSG_ANDON_CANCEL: return "cancel";
  case FH_MSG_EQ_STATE: return "set equipment state";
  case FH_MSG_EQ_COUNT:
  case FH_MSG_EQ_TOTAL: return "count production";
  case FH_MSG_DT_CLASSIFY: return "classify a stop";
  case FH_MSG_DT_SPLIT: return "split a stop";
  case FH_MSG_RUN_START: return "start a production run";
  case FH_MSG_RUN_END: return "end a production run";
  case FH_MSG_PLAN_SET: return "set a line's target";
  case FH_MSG_HANDOVER_NOTE: return "add a handover note";
  case FH_MSG_HANDOVER_ACK: return "take over a shift (acknowledge its handover)";
  case FH_MSG_LOGIN: return "sign people in (only a kiosk may)";
  case FH_MSG_LOGOUT: return "sign people out (only a kiosk may)";
  default: return "do this";
  }
}

int fh_role_dt_anytime(fh_role r) {
  return (unsigned)r < FH_ROLE__COUNT && (MANAGERS & BIT(r)) != 0;
}

int fh_role_may_topic(fh_role r, const char *name, size_t n) {
  if (n == 6 && memcmp(name, "notify", 6) == 0) return r == FH_ROLE_ADMIN;
  return 1;
}

const char *fh_role_name(fh_role r) {
  return (unsigned)r < FH_ROLE__COUNT ? role_names[r] : NULL;
}

int fh_role_from(const char *name, size_t n) {
  for (int r = 0; r < FH_ROLE__COUNT; r++)
    if (strlen(role_names[r]) == n && memcmp(role_names[r], name, n) == 0)
      return r;
  return -1;
}

/* The roles that may perform op on this andon (its level, its raiser). */
static uint32_t allowed_on(const fh_identity *who, fh_msg_type op,
                           const fh_andon *andon) {
  uint32_t set = allowed(op);

  if (andon == NULL) return set;
  if (op == FH_MSG_ANDON_ACK && andon->level >= 1) set &= MANAGERS;
  if (op == FH_MSG_ANDON_CANCEL && !(READERS & BIT(who->role)) &&
      strcmp(who->sub, andon->raised_by) == 0)
    set |= BIT(who->role);
  return set;
}

static int refuse_role(const fh_identity *who, fh_msg_type op,
                       const fh_andon *andon, char *why, size_t whylen) {
  const char *name = fh_role_name(who->role);

  if (why == NULL) return -EPERM;
  if (name == NULL)
    snprintf(why, whylen, "the token's role is unknown");
  else if (op == FH_MSG_ANDON_ACK && andon != NULL && andon->level >= 1 &&
           (allowed(op) & BIT(who->role)))
    snprintf(why, whylen, "role %s may not acknowledge an escalated andon "
             "(level %u)", name, andon->level);
  else if (op == FH_MSG_ANDON_CANCEL && !(READERS & BIT(who->role)))
    snprintf(why, whylen, "role %s may cancel only the andons it raised",
             name);
  else
    snprintf(why, whylen, "role %s may not %s", name, verb(op));
  return -EPERM;
}

/* A token with a lines claim writes only on its lines. */
static int check_lines(const fh_identity *who, const char *line_id,
                       char *why, size_t whylen) {
  if (who->nlines == 0 || who->role == FH_ROLE_ADMIN) return 0;
  if (line_id == NULL) {
    if (why != NULL)
      snprintf(why, whylen, "no line given and this token is limited to "
               "its lines");
    return -EPERM;
  }
  for (size_t i = 0; i < who->nlines; i++)
    if (strcmp(who->lines[i], line_id) == 0) return 0;
  if (why != NULL)
    snprintf(why, whylen, "line %s is not in this token's lines", line_id);
  return -EPERM;
}

int fh_role_may(const fh_identity *who, fh_msg_type op, const fh_andon *andon,
              const char *line_id, char *why, size_t whylen) {
  if ((unsigned)who->role >= FH_ROLE__COUNT ||
      (allowed_on(who, op, andon) & BIT(who->role)) == 0)
    return refuse_role(who, op, andon, why, whylen);
  if (!fh_msg_is_write(op)) return 0;
  if (andon != NULL && check_lines(who, andon->line, why, whylen) != 0)
    return -EPERM;
  if (line_id == NULL && andon != NULL) return 0;
  return check_lines(who, line_id, why, whylen);
}

uint32_t fh_role_actions(fh_role r) {
  uint32_t set = 0;

  if ((unsigned)r >= FH_ROLE__COUNT) return 0;
  for (int op = FH_MSG_HELLO; op < FH_MSG_WELCOME; op++)
    if (allowed((fh_msg_type)op) & BIT(r)) set |= 1u << op;
  if (!(READERS & BIT(r))) set |= 1u << FH_MSG_ANDON_CANCEL; /* its own */
  return set;
}
