/* stop_view.c -- one line's stops, newest first, to give them reasons.
 *
 * `d` opens it from the line view (or the board's selected line) with the
 * newest stop that needs a reason selected; `d` again goes back to the line
 * view, also in a locked kiosk.  A row shows the stop's id, equipment,
 * start (HH:MM:SS), duration (a live counter while open), the state it
 * spent most time in (and the next one's name), and then its reason with the category, "needs
 * reason", "short stop", "open", or a classification of ours still
 * waiting for the hub ("pending").  Enter opens the reason picker for the
 * selected stop (classify.c).
 */
#include <string.h>

#include <curses.h>

#include "classify.h"
#include "draw.h"
#include "views.h"

static const struct {
  const char *title; /* header text */
  int w;             /* columns */
} cols[] = {{"ID", 5}, {"EQUIPMENT", 14}, {"START", 9}, {"DURATION", 9},
            {"STATES", 20}};
enum { C_ID, C_EQ, C_START, C_DUR, C_STATES, C__COUNT };

static void header_draw(app *a, int y) {
  int attr = ft_caps_attr(&a->caps, CAP_HEAD), x = 2;

  ft_draw_blank(y, 0, COLS, attr);
  for (int i = 0; i < C__COUNT; i++)
    x += ft_draw_str(&a->caps, y, x, cols[i].w, cols[i].title, attr, 1);
  ft_draw_str(&a->caps, y, x, COLS - x, "REASON", attr, 0);
}

/* The state with the most time and the next one: "DOWN 0:01:02, idle". */
static void states_summary(const fh_downtime *d, char *buf, size_t n) {
  int best[2] = {-1, -1};
  char t[24];

  for (int s = 0; s < FH_EQ__COUNT; s++) {
    if (d->states[s] == 0) continue;
    if (best[0] < 0 || d->states[s] > d->states[best[0]]) {
      best[1] = best[0];
      best[0] = s;
    } else if (best[1] < 0 || d->states[s] > d->states[best[1]]) {
      best[1] = s;
    }
  }
  if (best[0] < 0) {
    snprintf(buf, n, "-");
    return;
  }
  ft_fmt_dur(t, sizeof t, (int64_t)d->states[best[0]]);
  snprintf(buf, n, "%s %s%s%s", ft_state_word((fh_eq_state)best[0]), t, best[1] >= 0 ? ", " : "",
           best[1] >= 0 ? ft_state_word((fh_eq_state)best[1]) : "");
}

/* The reason column and its style. */
static cap_style reason_cell(app *a, const fh_downtime *d, char *buf, size_t n) {
  const act_pending *p = ft_classify_pending_on(a, d->id);

  if (p != NULL) {
    snprintf(buf, n, "%s pending%s", p->choice, a->online ? "" : " (offline)");
    return CAP_WARN;
  }
  if (d->reason[0]) {
    snprintf(buf, n, "%s (%s)%s%s", d->reason, d->category, d->classified_by[0] ? " by " : "",
             d->classified_by);
    return CAP_OK;
  }
  if (d->needs_reason) {
    snprintf(buf, n, "needs reason");
    return CAP_BAD;
  }
  snprintf(buf, n, "%s", d->short_stop ? "short stop" : d->end == 0 ? "open" : "-");
  return CAP_DIM;
}

static void stop_row_draw(app *a, int y, const fh_downtime *d, int selected) {
  char cells[C__COUNT][FH_ID_MAX + 16], reason[FH_KIND_MAX * 2 + FH_ID_MAX + 32];
  int64_t dur = d->end ? d->end - d->start : ft_app_now_ms(a) - d->start;
  cap_style st;
  int x = 2;

  snprintf(cells[C_ID], sizeof cells[0], "%llu", (unsigned long long)d->id);
  snprintf(cells[C_EQ], sizeof cells[0], "%s", d->equipment);
  ft_fmt_clock(cells[C_START], sizeof cells[0], d->start);
  ft_fmt_dur(cells[C_DUR], sizeof cells[0], dur);
  states_summary(d, cells[C_STATES], sizeof cells[0]);
  if (selected) ft_draw_str(&a->caps, y, 0, 2, a->caps.g.sel, ft_caps_attr(&a->caps, CAP_SELECTED), 0);
  for (int i = 0; i < C__COUNT; i++) {
    ft_draw_str(&a->caps, y, x, cols[i].w - 1, cells[i], PLAIN, 0);
    x += cols[i].w;
  }
  st = reason_cell(a, d, reason, sizeof reason);
  ft_draw_str(&a->caps, y, x, COLS - x, reason, ft_caps_attr(&a->caps, st), 0);
}

const fh_downtime *ft_ui_selected_stop(app *a) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  size_t *sel = &a->sel[VIEW_STOPS];

  if (a->view != VIEW_STOPS || ml == NULL || ml->nstops == 0) return NULL;
  if (*sel >= ml->nstops) *sel = ml->nstops - 1;
  return &ml->stops[*sel];
}

void ft_stop_view_open(app *a, const char *line) {
  const model_line *ml = ft_model_line_find(&a->m, line);
  size_t i = 0;

  snprintf(a->cur_line, sizeof a->cur_line, "%s", line);
  if (ml != NULL)
    for (i = 0; i < ml->nstops && !(ml->stops[i].needs_reason && !ml->stops[i].reason[0]); i++) {}
  a->sel[VIEW_STOPS] = ml != NULL && i < ml->nstops ? i : 0;
  a->view = VIEW_STOPS;
  a->dirty = 1;
}

void ft_stop_view_draw(app *a, int top, int rows) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  size_t sel = a->sel[VIEW_STOPS], first = 0;
  int list_rows = rows - 2;

  if (ml == NULL) {
    ft_draw_fmt(&a->caps, top + 1, 2, COLS - 4, PLAIN, "Line %s is not (yet) in the plant.",
                a->cur_line);
    return;
  }
  ft_draw_fmt(&a->caps, top, 1, COLS - 2, A_BOLD, "STOPS of %s %s: %zu, %zu need a reason",
              ml->line.id, ml->line.name, ml->nstops, ft_model_stops_needing(ml));
  header_draw(a, top + 1);
  if (ml->nstops == 0) {
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4,
                ml->has_stops ? "No stops in this shift and the previous one." : "Loading...",
                PLAIN, 0);
    return;
  }
  if (sel >= ml->nstops) sel = a->sel[VIEW_STOPS] = ml->nstops - 1;
  if (list_rows <= 0) return;
  if (sel >= (size_t)list_rows) first = sel - (size_t)list_rows + 1;
  for (size_t i = first; i < ml->nstops && (int)(i - first) < list_rows; i++)
    stop_row_draw(a, top + 2 + (int)(i - first), &ml->stops[i], i == sel);
}
