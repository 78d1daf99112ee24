/* board.c -- the plant board: one row per line.
 *
 * Columns: line id and name, state in words (coloured), OEE with its band
 * in words (LOW < 65 % <= FAIR <= 85 % < GOOD, coloured), A/P/Q in percent
 * (performance capped at 100 for display), open
 * andons with the escalation level, and the age of the oldest open andon.
 * The name column takes whatever width is left, so 80 columns still show
 * the start of every name.  A/P/Q come from the line's OEE record (line/<id>
 * topic); until it arrives only the plant's OEE figure is shown.  A row
 * under the table names the lines whose handover is not acknowledged.
 */
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "handover.h"
#include "views.h"

#define COL_STATE 13 /* "planned stop" + space */
#define COL_OEE 12   /* "100.0% GOOD" + space */
#define COL_APQ 12   /* "100/100/100" + space: A/P/Q in % */
#define COL_ANDONS 8 /* "12 esc2" */
#define COL_OLDEST 9 /* "12:34:56" */
#define COL_FIXED (2 + COL_STATE + COL_OEE + COL_APQ + COL_ANDONS + COL_OLDEST)

static void draw_header(app *a, int y, int name_w) {
  int attr = ft_caps_attr(&a->caps, CAP_HEAD), x = 2;

  ft_draw_blank(y, 0, COLS, attr);
  x += ft_draw_str(&a->caps, y, x, name_w, "LINE", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_STATE, "STATE", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_OEE, "OEE", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_APQ, "A/P/Q %", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_ANDONS, "ANDONS", attr, 1);
  ft_draw_str(&a->caps, y, x, COL_OLDEST, "OLDEST", attr, 1);
}

/* "72.4% FAIR" in the band's style; returns the columns used. */
static int draw_oee(app *a, int y, int x, int w, double oee) {
  char pct[16];
  oee_band b = ft_band_of(oee);
  return ft_draw_fmt(&a->caps, y, x, w, ft_caps_attr(&a->caps, ft_band_style(b)), "%s %s",
                  ft_fmt_pct(pct, sizeof pct, oee), ft_band_word(b));
}

static void draw_apq(app *a, int y, int x, const model_line *ml) {
  double p;

  if (!ml->has_oee) {
    ft_draw_str(&a->caps, y, x, COL_APQ, "-", PLAIN, 0);
    return;
  }
  p = ml->oee.performance > 1.0 ? 1.0 : ml->oee.performance; /* capped for display */
  ft_draw_fmt(&a->caps, y, x, COL_APQ - 1, PLAIN, "%.0f/%.0f/%.0f",
           ml->oee.availability * 100.0, p * 100.0, ml->oee.quality * 100.0);
}

static void draw_row(app *a, int y, const model_line *ml, int selected, int name_w) {
  const fh_line *l = &ml->line;
  char buf[64];
  int x = 2;

  if (selected) ft_draw_str(&a->caps, y, 0, 2, a->caps.g.sel, ft_caps_attr(&a->caps, CAP_SELECTED), 0);
  ft_draw_fmt(&a->caps, y, x, name_w - 1, selected ? A_BOLD : PLAIN, "%s %s", l->id, l->name);
  x += name_w;
  ft_draw_str(&a->caps, y, x, COL_STATE - 1, ft_state_word(l->state),
           ft_caps_attr(&a->caps, ft_caps_state_style(l->state)), 0);
  x += COL_STATE;
  draw_oee(a, y, x, COL_OEE - 1, ml->has_oee ? ml->oee.oee : l->oee);
  x += COL_OEE;
  draw_apq(a, y, x, ml);
  x += COL_APQ;
  if (l->open_andons > 0) {
    if (l->max_level > 0) snprintf(buf, sizeof buf, "%u esc%u", l->open_andons, l->max_level);
    else snprintf(buf, sizeof buf, "%u", l->open_andons);
    ft_draw_str(&a->caps, y, x, COL_ANDONS - 1, buf, ft_caps_attr(&a->caps, CAP_BAD), 0);
    ft_draw_str(&a->caps, y, x + COL_ANDONS, COL_OLDEST,
             ft_fmt_dur(buf, sizeof buf, ft_app_now_ms(a) - l->oldest_andon_at),
             ft_caps_attr(&a->caps, CAP_BAD), 0);
  } else {
    ft_draw_str(&a->caps, y, x, COL_ANDONS - 1, "0", PLAIN, 0);
    ft_draw_str(&a->caps, y, x + COL_ANDONS, COL_OLDEST, "-", PLAIN, 0);
  }
}

void ft_board_draw(app *a, int top, int rows) {
  int name_w = COLS - COL_FIXED;
  size_t first = 0, sel = a->sel[VIEW_BOARD];

  if (name_w < 12) name_w = 12;
  if (!a->m.has_plant) {
    ft_draw_str(&a->caps, top + 1, 2, COLS - 4, "Waiting for the plant from the hub...",
             PLAIN, 0);
    return;
  }
  draw_header(a, top, name_w);
  rows -= 3; /* header, handover row and legend */
  if (sel >= a->m.nlines && a->m.nlines > 0) sel = a->sel[VIEW_BOARD] = a->m.nlines - 1;
  if (rows > 0 && sel >= (size_t)rows) first = sel - (size_t)rows + 1;
  for (size_t i = first; i < a->m.nlines && (int)(i - first) < rows; i++)
    draw_row(a, top + 1 + (int)(i - first), &a->m.lines[i], i == sel, name_w);
  ft_handover_board_row(a, top + rows + 1);
  ft_draw_str(&a->caps, top + rows + 2, 2, COLS - 4,
           "OEE: LOW <65% <= FAIR <= 85% < GOOD   escN: andon escalation level N",
           ft_caps_attr(&a->caps, CAP_DIM), 0);
}
