/* ui.c -- the frame around the views, and the selection.
 *
 * Row 0 is the title (plant, shift, user, clock), row 1 the OFFLINE banner
 * while disconnected or else the view tabs (or the kiosk label), then the
 * view's body, the status line and the help line.  Everything is redrawn
 * into curses' buffer and refresh() sends only what changed.  While
 * offline the last known state stays on screen; the banner and the title
 * say it is stale.
 */
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "views.h"

#define ANDON_LIST_MAX 512 /* open andons a view lists */

static void draw_title(app *a) {
  char clock[16], who[FH_ID_MAX + FH_KIND_MAX + 8] = "";
  int attr = caps_attr(&a->caps, CAP_TITLE);
  const char *dot = a->caps.g.dot;

  draw_blank(0, 0, COLS, attr);
  if (a->user[0]) snprintf(who, sizeof who, " %s %s (%s)", dot, a->user, a->role);
  draw_fmt(&a->caps, 0, 1, COLS - 12, attr, "floorterm %s %s %s shift %s%s%s",
           dot, a->m.has_plant ? a->m.plant : "(no plant yet)", dot,
           model_shift_name(&a->m)[0] ? model_shift_name(&a->m) : "-", who,
           a->online ? "" : "  STALE");
  draw_str(&a->caps, 0, COLS - 9, 8, fmt_clock(clock, sizeof clock, app_now_ms(a)),
           attr, 0);
}

static void draw_tabs(app *a) {
  static const char *const names[VIEW__COUNT] = {"Board", "Line", "Andons", "Report"};
  const fh_andon *dummy[1];
  size_t open = model_open_andons(&a->m, NULL, dummy, 0);
  int x = 1;

  draw_blank(1, 0, COLS, PLAIN);
  if (a->locked) {
    draw_fmt(&a->caps, 1, 1, COLS - 2, caps_attr(&a->caps, CAP_INFO),
             "KIOSK %s line %s%s", a->caps.g.dot, a->cur_line[0] ? a->cur_line : "-",
             a->opt.unlock_code ? "   (Ctrl-U: unlock with the code)" : "");
    return;
  }
  for (int v = 0; v < VIEW__COUNT; v++) {
    char label[FH_ID_MAX + 24];
    int attr = v == (int)a->view ? caps_attr(&a->caps, CAP_SELECTED) : PLAIN;
    if (v == VIEW_LINE || v == VIEW_REPORT)
      snprintf(label, sizeof label, " %d %s %s ", v + 1, names[v], a->cur_line);
    else if (v == VIEW_ANDONS)
      snprintf(label, sizeof label, " %d %s (%zu open) ", v + 1, names[v], open);
    else
      snprintf(label, sizeof label, " %d %s ", v + 1, names[v]);
    x += draw_str(&a->caps, 1, x, COLS - x, label, attr, 0) + 1;
  }
}

static void draw_banner(app *a) {
  char since[16];
  int attr = caps_attr(&a->caps, CAP_ALERT);

  draw_blank(1, 0, COLS, attr);
  draw_fmt(&a->caps, 1, 1, COLS - 2, attr,
           "OFFLINE since %s %s data stale %s %s %s %s",
           fmt_clock(since, sizeof since, a->offline_since), a->caps.g.dot, a->caps.g.dot,
           a->ever_online ? "reconnecting" : "connecting", a->caps.g.dot, a->offline_reason);
}

void ui_draw(app *a) {
  int rows = LINES - 4;

  erase();
  a->dirty = 0;
  if (COLS < 20 || LINES < 8) {
    mvaddstr(0, 0, "window too small");
    refresh();
    return;
  }
  draw_title(a);
  if (a->online) draw_tabs(a);
  else draw_banner(a);
  switch (a->view) {
    case VIEW_BOARD: board_draw(a, 2, rows); break;
    case VIEW_LINE: line_view_draw(a, 2, rows); break;
    case VIEW_ANDONS: andon_view_draw(a, 2, rows); break;
    default: report_view_draw(a, 2, rows); break;
  }
  draw_str(&a->caps, LINES - 2, 0, COLS, a->status,
           caps_attr(&a->caps, a->status_style), 1);
  help_draw(a, LINES - 1);
  dialog_draw(a);
  refresh();
}

void ui_set_view(app *a, view_id v) {
  if (a->locked || v >= VIEW__COUNT) return;
  if ((v == VIEW_LINE || v == VIEW_REPORT) && a->cur_line[0] == '\0') {
    const char *l = ui_target_line(a);
    if (l == NULL) return;
    snprintf(a->cur_line, sizeof a->cur_line, "%s", l);
  }
  a->view = v;
  a->dirty = 1;
  if (v == VIEW_REPORT) report_request(a);
}

size_t ui_count(app *a, view_id v) {
  const fh_andon *dummy[1];

  switch (v) {
    case VIEW_BOARD: return a->m.nlines;
    case VIEW_LINE: return model_open_andons(&a->m, a->cur_line, dummy, 0);
    case VIEW_ANDONS: return model_open_andons(&a->m, NULL, dummy, 0);
    default: return 0;
  }
}

void ui_move(app *a, int delta) {
  size_t n = ui_count(a, a->view), *sel = &a->sel[a->view];

  if (n == 0) return;
  if (*sel >= n) *sel = n - 1;
  if (delta < 0 && *sel > 0) (*sel)--;
  if (delta > 0 && *sel + 1 < n) (*sel)++;
  a->dirty = 1;
}

const fh_andon *ui_selected_andon(app *a) {
  const fh_andon *list[ANDON_LIST_MAX];
  size_t n, *sel = &a->sel[a->view];

  if (a->view == VIEW_LINE) n = model_open_andons(&a->m, a->cur_line, list, ANDON_LIST_MAX);
  else if (a->view == VIEW_ANDONS) n = model_open_andons(&a->m, NULL, list, ANDON_LIST_MAX);
  else return NULL;
  if (n > ANDON_LIST_MAX) n = ANDON_LIST_MAX;
  if (n == 0) return NULL;
  if (*sel >= n) *sel = n - 1;
  return list[*sel];
}

const char *ui_target_line(app *a) {
  const fh_andon *an;

  switch (a->view) {
    case VIEW_BOARD:
      if (a->m.nlines == 0) return NULL;
      if (a->sel[VIEW_BOARD] >= a->m.nlines) a->sel[VIEW_BOARD] = a->m.nlines - 1;
      return a->m.lines[a->sel[VIEW_BOARD]].line.id;
    case VIEW_ANDONS:
      if (a->opt.line) return a->opt.line;
      an = ui_selected_andon(a);
      return an ? an->line : NULL;
    default:
      return a->cur_line[0] ? a->cur_line : NULL;
  }
}

cap_style ui_andon_style(app *a, const fh_andon *an) {
  uint64_t now = uv_now(a->loop);

  if (an->id == a->flash_andon && now < a->flash_until)
    return (now / 1000) % 2 == 0 ? CAP_ALERT : CAP_BAD;
  if (an->state == FH_ANDON_RAISED && a->role[0] && model_esc_calls(&a->m, an, a->role))
    return CAP_ALERT;
  return an->state == FH_ANDON_RAISED ? CAP_BAD : CAP_INFO;
}
