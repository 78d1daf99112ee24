/* runs.h -- production runs from floorterm: run.start from a product
 * picker, run.end (runs.c).
 *
 * Design: offered in the scoreboard view on its line to the roles that may
 * start runs (operator on the lines of its token, shift_manager,
 * production_manager, admin); the hub checks again.  The picker lists the
 * plant's products (the plant snap) by id and name; the request goes
 * through the client library, which keeps it while offline and sends it
 * with a key of its own; the answer is told on the status line.
 */
#ifndef FT_RUNS_H
#define FT_RUNS_H

#include "app.h"

/* 1 if the user may start and end runs on line. */
int ft_runs_can(const app *a, const char *line);
/* n: the product picker for a->cur_line, then run.start. */
void ft_runs_start(app *a);
/* e: run.end on a->cur_line (when a run is active). */
void ft_runs_end(app *a);
/* The hub's answer to a run.start or run.end. */
void ft_runs_on_reply(app *a, const fh_client_req *req, const fh_event *ev);

#endif
