/* permit.c -- may this user act on this andon?  (PROTOCOL.md 2.2)
 *
 * The role table itself is the hub's (hub/roles.c, linked as fh_roles), so
 * the terminal never offers what the hub would refuse; this file adds the
 * workflow side: only open andons can be acted on, and ack only while
 * raised.  The help line, the key handler and the unit tests all ask here.
 */
#include <stdio.h>
#include <string.h>

#include "permit.h"
#include "fh_roles.h"

/* The request a verb is. */
static fh_msg_type op_of(act_verb v) {
  static const fh_msg_type ops[ACT__COUNT] = {
      [ACT_RAISE] = FH_MSG_ANDON_RAISE, [ACT_ACK] = FH_MSG_ANDON_ACK,
      [ACT_RESOLVE] = FH_MSG_ANDON_RESOLVE, [ACT_CANCEL] = FH_MSG_ANDON_CANCEL,
      [ACT_CLASSIFY] = FH_MSG_DT_CLASSIFY, [ACT_TAKEOVER] = FH_MSG_HANDOVER_ACK};
  return ops[v];
}

/* Raised or acknowledged. */
static int is_open(const fh_andon *a) {
  return a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
}

int ft_permit_allows(const char *role, const char *user, act_verb v,
                  const fh_andon *andon) {
  int r = fh_role_from(role, strlen(role));
  fh_identity who;

  if (r < 0 || (unsigned)v >= ACT__COUNT) return 0;
  if (andon == NULL) return (fh_role_actions((fh_role)r) >> op_of(v)) & 1;
  if (v >= ACT_CLASSIFY || !is_open(andon)) return 0; /* not an andon verb */
  if (v == ACT_ACK && andon->state != FH_ANDON_RAISED) return 0;
  memset(&who, 0, sizeof who);
  snprintf(who.sub, sizeof who.sub, "%s", user);
  who.role = (fh_role)r;
  return fh_role_may(&who, op_of(v), andon, andon->line, NULL, 0) == 0;
}
