/* permit.h -- who may raise, acknowledge, resolve and cancel andons.
 *
 * Mirrors PROTOCOL.md 2.2: raise (every role but viewer), ack (maintenance,
 * quality, engineer, shift_manager, production_manager, admin; once the
 * andon escalated only shift_manager, production_manager, admin), resolve
 * (the ack roles), cancel (the user who raised it, or shift_manager,
 * production_manager, admin).  Only open andons can be acted on, and ack
 * only while raised.  Classifying a stop (dt.classify): operator,
 * maintenance, quality, engineer, shift_manager, production_manager,
 * admin; it takes no andon.  Taking a shift over (handover.ack):
 * shift_manager, production_manager, admin; no andon either.
 */
#ifndef FT_PERMIT_H
#define FT_PERMIT_H

#include "fh_protocol.h"

typedef enum act_verb {
  ACT_RAISE = 0,
  ACT_ACK,
  ACT_RESOLVE,
  ACT_CANCEL,
  ACT_CLASSIFY, /* dt.classify: give a stop its reason */
  ACT_TAKEOVER, /* handover.ack: take a line's shift over */
  ACT__COUNT
} act_verb;

/* `andon` NULL asks whether the role can ever do the verb (cancel: on its
 * own andons); otherwise whether `user` with `role` can do it on this
 * andon in its current state.  1 yes, 0 no. */
int ft_permit_allows(const char *role, const char *user, act_verb v,
                  const fh_andon *andon);

#endif /* FT_PERMIT_H */
