/* andon_view.c -- the andon queue, and the andon rows the line view shares.
 *
 * The queue lists every open andon: unacknowledged first, then the highest
 * escalation level, then the oldest (ft_model_open_andons).  A row shows the
 * id, line, state in words, kind, severity, a live age counter, who raised
 * and who acknowledged, and the escalation: level and the role called.
 * An escalation that calls the user's role is marked with a glyph (!! in
 * ASCII) and drawn as an alert; a write of ours still waiting for the hub
 * shows as "<verb> pending" in the last column.
 */
#include <string.h>

#include <curses.h>

#include "actions.h"
#include "draw.h"
#include "views.h"

#define LIST_MAX 512 /* rows listed */

static const struct {
  const char *title; /* header text */
  int w;             /* columns */
} cols[] = {{"ID", 6}, {"LINE", 7}, {"STATE", 8}, {"KIND", 12}, {"SEV", 4},
            {"AGE", 9}, {"RAISED BY", 10}, {"ACKED BY", 10}};
enum { C_ID, C_LINE, C_STATE, C_KIND, C_SEV, C_AGE, C_RAISED, C_ACKED, C__COUNT };

void ft_andon_header_draw(app *a, int y, int with_line) {
  int attr = ft_caps_attr(&a->caps, CAP_HEAD), x = 2;

  ft_draw_blank(y, 0, COLS, attr);
  for (int i = 0; i < C__COUNT; i++) {
    if (i == C_LINE && !with_line) continue;
    x += ft_draw_str(&a->caps, y, x, cols[i].w, cols[i].title, attr, 1);
  }
  ft_draw_str(&a->caps, y, x, COLS - x, "ESCALATION / NOTE", attr, 0);
}

/* The last column: a pending write, the escalation, or the note; returns
 * its style. */
static cap_style last_column(app *a, const fh_andon *an, char *buf, size_t n) {
  const act_pending *p = ft_actions_pending_on(a, an->id);
  const char *role = ft_model_esc_role(&a->m, an->level);
  int mine = a->me.role[0] && ft_model_esc_calls(&a->m, an, a->me.role);

  if (p != NULL) {
    snprintf(buf, n, "%s pending%s", ft_actions_verb_name(p->verb),
             a->online ? "" : " (offline)");
    return CAP_WARN;
  }
  if (role != NULL) {
    snprintf(buf, n, "%s%sesc%u %s", mine ? a->caps.g.esc : "", mine ? " " : "",
             an->level, role);
    return mine ? CAP_ALERT : CAP_WARN;
  }
  snprintf(buf, n, "%s", an->note);
  return CAP_NORMAL;
}

static void andon_row_draw(app *a, int y, const fh_andon *an, int selected,
                           int with_line) {
  int style = ft_caps_attr(&a->caps, ft_ui_andon_style(a, an)), x = 2;
  cap_style last;
  char buf[FH_NOTE_MAX + 64];
  char cells[C__COUNT][FH_ID_MAX + 16];

  snprintf(cells[C_ID], sizeof cells[0], "%llu", (unsigned long long)an->id);
  snprintf(cells[C_LINE], sizeof cells[0], "%s", an->line);
  snprintf(cells[C_STATE], sizeof cells[0], "%s", ft_andon_state_word(an->state));
  snprintf(cells[C_KIND], sizeof cells[0], "%s", an->kind);
  snprintf(cells[C_SEV], sizeof cells[0], "%u", an->severity);
  ft_fmt_dur(cells[C_AGE], sizeof cells[0], ft_app_now_ms(a) - an->raised_at);
  snprintf(cells[C_RAISED], sizeof cells[0], "%s", an->raised_by);
  snprintf(cells[C_ACKED], sizeof cells[0], "%s", an->acked_by[0] ? an->acked_by : "-");
  if (selected) ft_draw_str(&a->caps, y, 0, 2, a->caps.g.sel, ft_caps_attr(&a->caps, CAP_SELECTED), 0);
  for (int i = 0; i < C__COUNT; i++) {
    if (i == C_LINE && !with_line) continue;
    ft_draw_str(&a->caps, y, x, cols[i].w - 1, cells[i],
             i == C_STATE || i == C_ID ? style : PLAIN, 0);
    x += cols[i].w;
  }
  last = last_column(a, an, buf, sizeof buf);
  ft_draw_str(&a->caps, y, x, COLS - x, buf, ft_caps_attr(&a->caps, last), 0);
}

/* Draws the rows of list (n entries) into rows lines from top, keeping the
 * selection visible. */
void ft_andon_list_draw(app *a, int top, int rows, const fh_andon *const *list,
                     size_t n, size_t sel, int with_line) {
  size_t first = 0;

  if (rows <= 0) return;
  if (sel >= (size_t)rows) first = sel - (size_t)rows + 1;
  for (size_t i = first; i < n && (int)(i - first) < rows; i++)
    andon_row_draw(a, top + (int)(i - first), list[i], i == sel, with_line);
}

void ft_andon_view_draw(app *a, int top, int rows) {
  const fh_andon *list[LIST_MAX];
  size_t n = ft_model_open_andons(&a->m, NULL, list, LIST_MAX), sel = a->sel[VIEW_ANDONS];

  if (n > LIST_MAX) n = LIST_MAX;
  if (n > 0 && sel >= n) sel = a->sel[VIEW_ANDONS] = n - 1;
  ft_andon_header_draw(a, top, 1);
  if (n == 0) {
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4, "No open andons.", PLAIN, 0);
    return;
  }
  ft_andon_list_draw(a, top + 1, rows - 1, list, n, sel, 1);
}
