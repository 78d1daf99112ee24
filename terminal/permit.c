/* permit.c -- the role table of the andon writes (PROTOCOL.md 2.2).
 *
 * Pure functions of the role, the user and the andon, so that the help
 * line, the key handler and the unit tests all ask the same question.
 */
#include <string.h>

#include "permit.h"

static const char *const ack_roles[] = {"maintenance", "quality", "engineer",
                                        "shift_manager", "production_manager",
                                        "admin", NULL};
static const char *const manager_roles[] = {"shift_manager", "production_manager",
                                            "admin", NULL};

static int role_in(const char *role, const char *const *set) {
  for (; *set != NULL; set++)
    if (strcmp(role, *set) == 0) return 1;
  return 0;
}

/* Raised or acknowledged. */
static int is_open(const fh_andon *a) {
  return a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
}

int permit_allows(const char *role, const char *user, act_verb v,
                  const fh_andon *andon) {
  int can_raise = role[0] != '\0' && strcmp(role, "viewer") != 0;

  if (andon != NULL && !is_open(andon)) return 0;
  switch (v) {
    case ACT_RAISE:
      return can_raise;
    case ACT_ACK:
      if (andon == NULL) return role_in(role, ack_roles);
      if (andon->state != FH_ANDON_RAISED) return 0;
      return role_in(role, andon->level > 0 ? manager_roles : ack_roles);
    case ACT_RESOLVE:
      return role_in(role, ack_roles);
    case ACT_CANCEL:
      if (andon == NULL) return can_raise || role_in(role, manager_roles);
      return role_in(role, manager_roles) ||
             (user[0] != '\0' && strcmp(andon->raised_by, user) == 0);
    default:
      return 0;
  }
}
