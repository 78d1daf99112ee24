/* fh_roles.h -- who may do what: the roles of a token and the permission table.
 *
 * Design: a token carries exactly one role.  The table is fixed in code (it
 * is policy the plant file cannot loosen) and is checked for every request
 * after the token was verified (auth.h).  Reads (hello, ping, sub, unsub,
 * shift.report) are open to every role; topic filtering by the token's
 * lines is the caller's business.  Writes are allowed per role and action,
 * and a token with a `lines` claim may write only on those lines, except
 * admin, who is never restricted.
 *
 *   action          roles
 *   andon.raise     every role but viewer
 *   andon.ack       level 0: maintenance, quality, engineer, shift_manager,
 *                   production_manager, admin
 *                   level >= 1 (escalated): shift_manager,
 *                   production_manager, admin
 *   andon.resolve   maintenance, quality, engineer, shift_manager,
 *                   production_manager, admin
 *   andon.cancel    the token whose sub raised it (any role but viewer),
 *                   shift_manager, production_manager, admin
 *   eq.state/count/total  gateway, admin
 *   dt.classify,    operator, maintenance, quality, engineer on their lines
 *   dt.split        while the stop ends in the current or the previous
 *                   shift (the hub checks the time: fh_role_dt_anytime);
 *                   shift_manager, production_manager, admin at any time
 *   dt.list         every role (a read)
 *   run.start,      operator on their lines, shift_manager,
 *   run.end         production_manager, admin, gateway (an ERP/MES bridge)
 *   plan.set        shift_manager, production_manager, admin, gateway
 *   login/logout    kiosk (the session then acts as the person signed in)
 *   handover.note   operator (on its lines), shift_manager,
 *                   production_manager, admin
 *   handover.ack    shift_manager, production_manager, admin
 *
 * kiosk, like viewer, may write nothing itself.
 */
#ifndef FH_ROLES_H
#define FH_ROLES_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

typedef enum fh_role {
  FH_ROLE_VIEWER = 0,
  FH_ROLE_OPERATOR,
  FH_ROLE_MAINTENANCE,
  FH_ROLE_QUALITY,
  FH_ROLE_ENGINEER,
  FH_ROLE_SHIFT_MANAGER,
  FH_ROLE_PRODUCTION_MANAGER,
  FH_ROLE_ADMIN,
  FH_ROLE_GATEWAY,
  FH_ROLE_KIOSK,   /* a shared terminal: reads, and signs people in */
  FH_ROLE__COUNT
} fh_role;

#define FH_JTI_MAX 64 /* bytes of a token id (jti) the hub keeps */

/* Who a verified token speaks for. */
struct fh_identity {
  char sub[FH_ID_MAX + 1];                  /* the token's sub */
  fh_role role;                             /* the token's role */
  size_t nlines;                            /* 0: all lines (no lines claim) */
  char lines[FH_LINES_MAX][FH_ID_MAX + 1];  /* the lines claim */
  int64_t exp_ms;                           /* exp in ms since the epoch */
  char jti[FH_JTI_MAX + 1];                 /* the jti claim, "" none */
  int hub_signed;                           /* 1: a session token the hub
                                               signed itself (hub tokens.c) */
};
typedef struct fh_identity fh_identity;

/* Whether role r may subscribe to the topic named by the n bytes at name:
 * every topic is open to every role except "notify" (the notification
 * deliveries), which is admin only.  1 or 0. */
int fh_role_may_topic(fh_role r, const char *name, size_t n);

/* The claim value ("shift_manager"), or NULL when r is out of range. */
const char *fh_role_name(fh_role r);
/* The role named by the n bytes at name, or -1 when there is none. */
int fh_role_from(const char *name, size_t n);

/* Whether `who` may perform `op`.
 *   andon    the andon acted on (ack, resolve, cancel); NULL for raise, eq.*
 *            and the reads.
 *   line_id  the line the write touches (raise: the request's line; eq.*:
 *            the equipment's line); may be NULL when andon is given.  With
 *            an andon, andon->line is checked too (both must be allowed).
 * Returns 0 when allowed.  Otherwise returns -EPERM and writes the reason in
 * words into why (may be NULL), e.g. "role operator may not acknowledge" or
 * "line L2 is not in this token's lines".  A write whose line is unknown
 * (no line_id and no andon) is refused to a token with a lines claim. */
int fh_role_may(const fh_identity *who, fh_msg_type op, const fh_andon *andon,
              const char *line_id, char *why, size_t whylen);

/* The actions a role may offer in a client's help line, as a bit set over
 * fh_msg_type (bit 1u << FH_MSG_ANDON_ACK, ...).  An action is in the set
 * when the role may perform it on some andon (operator: cancel, for the
 * andons it raised).  Reads are always in the set. */
uint32_t fh_role_actions(fh_role r);

/* 1 when role r may classify or split a stop of any shift (the managers
 * and admin); the others only stops that end in the current or the
 * previous shift. */
int fh_role_dt_anytime(fh_role r);

#endif
