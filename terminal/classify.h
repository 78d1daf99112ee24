/* classify.h -- the reason picker for stops and the dt.classify write.
 *
 * ft_classify_start() opens the picker (category digit, reason digit, then
 * Enter for an empty note) for one stop; the write is then pending until
 * the hub answers, which ft_classify_on_reply() reports in the status line.
 * Who may classify is the role table (permit.h) plus the token's lines
 * claim; the hub checks it again, with the shift rule.
 */
#ifndef FT_CLASSIFY_H
#define FT_CLASSIFY_H

#include "app.h"

/* 1 if this user may classify stops at all (d NULL) or this stop. */
int ft_classify_can(const app *a, const fh_downtime *d);
/* Opens the picker for stop d; `why` (may be NULL) starts the title, e.g.
 * "Restarted: ".  Does nothing when ft_classify_can() says no. */
void ft_classify_start(app *a, const fh_downtime *d, const char *why);
/* The classification of that stop waiting for the hub, or NULL. */
const act_pending *ft_classify_pending_on(const app *a, uint64_t stop);
/* The hub answered the classification p (ok or err). */
void ft_classify_on_reply(app *a, const act_pending *p, const fh_event *ev);

#endif /* FT_CLASSIFY_H */
