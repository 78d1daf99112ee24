/* views.h -- the screens and what they share.
 *
 * ui.c draws the frame (title, banner or tabs, status line, help line) and
 * the view of a->view into the body rows between them.  Each view draws
 * itself into (top, rows) and says how many selectable rows it has; the
 * selection (a->sel[view]) is clamped to that.
 */
#ifndef FT_VIEWS_H
#define FT_VIEWS_H

#include "app.h"

/* ui.c */
void ft_ui_draw(app *a);
/* Switches the view (refused while the kiosk lock is on). */
void ft_ui_set_view(app *a, view_id v);
/* The andon under the cursor in the line and andon views, or NULL. */
const fh_andon *ft_ui_selected_andon(app *a);
/* The line a raise would go to: the line view's line, the board's
 * selected line, or the kiosk line; NULL if none. */
const char *ft_ui_target_line(app *a);
/* Moves the selection of the current view by delta rows. */
void ft_ui_move(app *a, int delta);
/* Rows a view can select. */
size_t ft_ui_count(app *a, view_id v);
/* Style of an andon row: flash, escalated to the user, raised, acked. */
cap_style ft_ui_andon_style(app *a, const fh_andon *an);

/* board.c */
void ft_board_draw(app *a, int top, int rows);
/* line_view.c */
void ft_line_view_draw(app *a, int top, int rows);
/* andon_view.c */
void ft_andon_view_draw(app *a, int top, int rows);
/* The column header of andon rows (with or without the LINE column). */
void ft_andon_header_draw(app *a, int y, int with_line);
/* Draws n andons into `rows` rows from top, keeping `sel` visible. */
void ft_andon_list_draw(app *a, int top, int rows, const fh_andon *const *list,
                     size_t n, size_t sel, int with_line);
/* stop_view.c */
void ft_stop_view_draw(app *a, int top, int rows);
/* Shows the stops of line, the newest that needs a reason selected (the
 * kiosk lock allows it: it is the kiosk's line). */
void ft_stop_view_open(app *a, const char *line);
/* The stop under the cursor in the stop view, or NULL. */
const fh_downtime *ft_ui_selected_stop(app *a);
/* score_view.c */
void ft_score_view_draw(app *a, int top, int rows);
/* report_view.c */
void ft_report_view_draw(app *a, int top, int rows);
/* report_history.c: asks the hub for the last closed shift of
 * a->cur_line, the shifts before it and the line's last 7 days. */
void ft_report_request(app *a);
/* Shows the closed shift delta steps from the one shown (-1: before). */
void ft_report_step(app *a, int delta);
/* An answer to shift.report, oee.history or dt.pareto. */
void ft_report_on_reply(app *a, const fh_client_req *req, const fh_event *ev);

/* help.c: the help line, with only the keys this user may use now. */
void ft_help_draw(app *a, int y);
/* 1 if the key is offered now (the same rule the help line uses). */
int ft_help_key_offered(app *a, int key);

#endif /* FT_VIEWS_H */
