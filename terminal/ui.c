/* ui.c -- the frame around the views, and the selection.
 *
 * Row 0 is the title (plant, shift, user, clock; at a kiosk token the
 * person signed in, or nobody, leads it), row 1 the OFFLINE banner
 * while disconnected or else the view tabs (or the kiosk label), then the
 * view's body, the status line and the help line.  A kiosk token's
 * session with nobody signed in shows the sign-in screen (signin_view.c)
 * instead of the view; the idle countdown takes the status line.  Everything is redrawn
 * into curses' buffer and refresh() sends only what changed.  While
 * offline the last known state stays on screen; the banner and the title
 * say it is stale.
 */
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "signin.h"
#include "views.h"

#define ANDON_LIST_MAX 512 /* open andons a view lists */

/* Who acts at a kiosk token: the person signed in at it, or nobody.  It
 * leads the title, so that a narrow kiosk screen never cuts it. */
static void kiosk_who(const app *a, char *who, size_t n) {
  if (a->sign.person)
    snprintf(who, n, "%s (%s) at %s", a->sign.name, a->me.role, a->sign.kiosk_id.user);
  else
    snprintf(who, n, "%s: nobody signed in", a->me.user);
}

static void draw_title(app *a) {
  char clock[16], who[FH_NAME_MAX + FH_ID_MAX + FH_KIND_MAX + 24] = "";
  int attr = ft_caps_attr(&a->caps, CAP_TITLE);
  const char *dot = a->caps.g.dot;
  const char *shift = ft_model_shift_name(&a->m)[0] ? ft_model_shift_name(&a->m) : "-";
  const char *plant = a->m.has_plant ? a->m.plant : "(no plant yet)";

  ft_draw_blank(0, 0, COLS, attr);
  if (a->sign.kiosk) {
    kiosk_who(a, who, sizeof who);
    ft_draw_fmt(&a->caps, 0, 1, COLS - 12, attr, "%s %s %s %s shift %s%s", who, dot, plant,
                dot, shift, a->online ? "" : "  STALE");
  } else {
    if (a->me.user[0]) snprintf(who, sizeof who, " %s %s (%s)", dot, a->me.user, a->me.role);
    ft_draw_fmt(&a->caps, 0, 1, COLS - 12, attr, "floorterm %s %s %s shift %s%s%s", dot,
                plant, dot, shift, who, a->online ? "" : "  STALE");
  }
  ft_draw_str(&a->caps, 0, COLS - 9, 8, ft_fmt_clock(clock, sizeof clock, ft_app_now_ms(a)),
           attr, 0);
}

static void draw_tabs(app *a) {
  static const char *const names[VIEW__COUNT] = {"Board", "Line", "Andons", "Report",
                                                 "Score", "Stops"};
  const fh_andon *dummy[1];
  size_t open = ft_model_open_andons(&a->m, NULL, dummy, 0);
  int x = 1;

  ft_draw_blank(1, 0, COLS, PLAIN);
  if (a->locked) {
    ft_draw_fmt(&a->caps, 1, 1, COLS - 2, ft_caps_attr(&a->caps, CAP_INFO),
             "KIOSK %s line %s%s", a->caps.g.dot, a->cur_line[0] ? a->cur_line : "-",
             a->opt.unlock_code ? "   (Ctrl-U: unlock with the code)" : "");
    return;
  }
  for (int v = 0; v < VIEW__COUNT; v++) {
    char label[FH_ID_MAX + 24];
    int attr = v == (int)a->view ? ft_caps_attr(&a->caps, CAP_SELECTED) : PLAIN;
    if (v == VIEW_LINE || v == VIEW_REPORT || v == VIEW_STOPS)
      snprintf(label, sizeof label, " %d %s %s ", v + 1, names[v], a->cur_line);
    else if (v == VIEW_ANDONS)
      snprintf(label, sizeof label, " %d %s (%zu open) ", v + 1, names[v], open);
    else
      snprintf(label, sizeof label, " %d %s ", v + 1, names[v]);
    x += ft_draw_str(&a->caps, 1, x, COLS - x, label, attr, 0) + 1;
  }
}

static void draw_banner(app *a) {
  char since[16];
  int attr = ft_caps_attr(&a->caps, CAP_ALERT);

  ft_draw_blank(1, 0, COLS, attr);
  ft_draw_fmt(&a->caps, 1, 1, COLS - 2, attr,
           "OFFLINE since %s %s data stale %s %s %s %s",
           ft_fmt_clock(since, sizeof since, a->offline_since), a->caps.g.dot, a->caps.g.dot,
           a->ever_online ? "reconnecting" : "connecting", a->caps.g.dot, a->offline_reason);
}

/* The sign-in screen, or the view on screen. */
static void draw_body(app *a, int rows) {
  if (ft_signin_showing(a)) {
    ft_signin_draw(a, 2, rows);
    return;
  }
  switch (a->view) {
    case VIEW_BOARD: ft_board_draw(a, 2, rows); break;
    case VIEW_LINE: ft_line_view_draw(a, 2, rows); break;
    case VIEW_ANDONS: ft_andon_view_draw(a, 2, rows); break;
    case VIEW_STOPS: ft_stop_view_draw(a, 2, rows); break;
    case VIEW_SCORE: ft_score_view_draw(a, 2, rows); break;
    default: ft_report_view_draw(a, 2, rows); break;
  }
}

void ft_ui_draw(app *a) {
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
  draw_body(a, rows);
  if (!ft_signin_countdown_draw(a, LINES - 2))
    ft_draw_str(&a->caps, LINES - 2, 0, COLS, a->status,
                ft_caps_attr(&a->caps, a->status_style), 1);
  if (ft_signin_showing(a)) {
    ft_signin_help_draw(a, LINES - 1);
  } else {
    ft_help_draw(a, LINES - 1);
    ft_dialog_draw(a);
  }
  refresh();
}

void ft_ui_set_view(app *a, view_id v) {
  if (a->locked || v >= VIEW__COUNT) return;
  if ((v == VIEW_LINE || v == VIEW_REPORT || v == VIEW_STOPS || v == VIEW_SCORE) &&
      a->cur_line[0] == '\0') {
    const char *l = ft_ui_target_line(a);
    if (l == NULL) return;
    snprintf(a->cur_line, sizeof a->cur_line, "%s", l);
  }
  a->view = v;
  a->dirty = 1;
  if (v == VIEW_REPORT) ft_report_request(a);
}

size_t ft_ui_count(app *a, view_id v) {
  const fh_andon *dummy[1];
  const model_line *ml;

  switch (v) {
    case VIEW_BOARD: return a->m.nlines;
    case VIEW_STOPS:
      ml = ft_model_line_find(&a->m, a->cur_line);
      return ml ? ml->nstops : 0;
    case VIEW_LINE: return ft_model_open_andons(&a->m, a->cur_line, dummy, 0);
    case VIEW_ANDONS: return ft_model_open_andons(&a->m, NULL, dummy, 0);
    default: return 0;
  }
}

void ft_ui_move(app *a, int delta) {
  size_t n = ft_ui_count(a, a->view), *sel = &a->sel[a->view];

  if (n == 0) return;
  if (*sel >= n) *sel = n - 1;
  if (delta < 0 && *sel > 0) (*sel)--;
  if (delta > 0 && *sel + 1 < n) (*sel)++;
  a->dirty = 1;
}

const fh_andon *ft_ui_selected_andon(app *a) {
  const fh_andon *list[ANDON_LIST_MAX];
  size_t n, *sel = &a->sel[a->view];

  if (a->view == VIEW_LINE) n = ft_model_open_andons(&a->m, a->cur_line, list, ANDON_LIST_MAX);
  else if (a->view == VIEW_ANDONS) n = ft_model_open_andons(&a->m, NULL, list, ANDON_LIST_MAX);
  else return NULL;
  if (n > ANDON_LIST_MAX) n = ANDON_LIST_MAX;
  if (n == 0) return NULL;
  if (*sel >= n) *sel = n - 1;
  return list[*sel];
}

const char *ft_ui_target_line(app *a) {
  const fh_andon *an;

  switch (a->view) {
    case VIEW_BOARD:
      if (a->m.nlines == 0) return NULL;
      if (a->sel[VIEW_BOARD] >= a->m.nlines) a->sel[VIEW_BOARD] = a->m.nlines - 1;
      return a->m.lines[a->sel[VIEW_BOARD]].line.id;
    case VIEW_ANDONS:
      if (a->opt.line) return a->opt.line;
      an = ft_ui_selected_andon(a);
      return an ? an->line : NULL;
    default:
      return a->cur_line[0] ? a->cur_line : NULL;
  }
}

cap_style ft_ui_andon_style(app *a, const fh_andon *an) {
  uint64_t now = uv_now(a->loop);

  if (an->id == a->flash_andon && now < a->flash_until)
    return (now / 1000) % 2 == 0 ? CAP_ALERT : CAP_BAD;
  if (an->state == FH_ANDON_RAISED && a->me.role[0] && ft_model_esc_calls(&a->m, an, a->me.role))
    return CAP_ALERT;
  return an->state == FH_ANDON_RAISED ? CAP_BAD : CAP_INFO;
}
