/* actions.h -- the andon writes floorterm makes, and who may make them.
 *
 * ft_actions_can() combines the role table (permit.h) with the token's lines
 * claim, which limits every write but admin's, so that keys a user may not
 * use are never offered.  The hub checks all of this again; its answer is
 * what the screen shows.
 */
#ifndef FT_ACTIONS_H
#define FT_ACTIONS_H

#include "app.h"

/* The role table plus the lines claim, for the user of this session.  For
 * a raise, `line` is the target line; otherwise `andon` is the target (or
 * NULL: "is the verb offered at all"). */
int ft_actions_can(const app *a, act_verb v, const fh_andon *andon,
                const char *line);

/* 1 if the token's lines claim allows writes on line (admin: always). */
int ft_actions_line_claimed(const app *a, const char *line);

/* A key asked for the verb on the current selection: opens the dialogs
 * it needs (kind, reason, note) or sends at once (ack).  Does nothing when
 * ft_actions_can() says no. */
void ft_actions_start(app *a, act_verb v);

/* The hub answered a write of ours (ok or err). */
void ft_actions_on_reply(app *a, const fh_client_req *req, const fh_event *ev);

/* The write waiting for an answer on that andon, or NULL. */
const act_pending *ft_actions_pending_on(const app *a, uint64_t andon);

/* "Acknowledge", "Resolve", ... */
const char *ft_actions_verb_name(act_verb v);

#endif /* FT_ACTIONS_H */
