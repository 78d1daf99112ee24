/* score_view.c -- the scoreboard of one line, readable across the shop.
 *
 * Three numbers in big digits (5 rows of '#', 4 columns a digit): the
 * target so far (the hub's expected_now), the actual (expected_now +
 * variance: the line's good as the hub counted it) and the variance, with
 * the words AHEAD / BEHIND / ON TARGET beside the colour so that a screen
 * without colour says the same.  Below: the active run (product, order,
 * count against its target, the time left at the pace of the run so far)
 * and the hourly table, the latest hours that fit.  Everything comes from
 * the oee/<id> and line/<id> topics (model_score.c); n and e start and
 * end runs (runs.c).
 */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "runs.h"
#include "views.h"

#define BIG_H 5 /* rows of a big digit */

/* 3x5 glyphs of 0-9, '+' and '-', one string per row. */
static const char *glyph(char ch, int row) {
  static const char *const digits[10][BIG_H] = {
      {"###", "# #", "# #", "# #", "###"}, {"  #", "  #", "  #", "  #", "  #"},
      {"###", "  #", "###", "#  ", "###"}, {"###", "  #", "###", "  #", "###"},
      {"# #", "# #", "###", "  #", "  #"}, {"###", "#  ", "###", "  #", "###"},
      {"###", "#  ", "###", "# #", "###"}, {"###", "  #", "  #", "  #", "  #"},
      {"###", "# #", "###", "# #", "###"}, {"###", "# #", "###", "  #", "###"}};
  static const char *const plus[BIG_H] = {"   ", " # ", "###", " # ", "   "};
  static const char *const minus[BIG_H] = {"   ", "   ", "###", "   ", "   "};
  if (ch >= '0' && ch <= '9') return digits[ch - '0'][row];
  return ch == '+' ? plus[row] : ch == '-' ? minus[row] : "   ";
}

/* text in big digits at (y, x), at most w columns. */
static void big(app *a, int y, int x, int w, const char *text, int attr) {
  for (int r = 0; r < BIG_H; r++) {
    char line[64] = "";
    size_t n = 0;
    for (const char *p = text; *p && n + 4 < sizeof line; p++)
      n += (size_t)snprintf(line + n, sizeof line - n, "%s ", glyph(*p, r));
    ft_draw_str(&a->caps, y + r, x, w, line, attr, 0);
  }
}

static void draw_numbers(app *a, int y, const model_score *s) {
  int w = (COLS - 2) / 3, bad = s->variance < 0;
  int attr = ft_caps_attr(&a->caps, bad ? CAP_BAD : CAP_OK);
  int64_t actual = (int64_t)s->expected + s->variance;
  char t[24], v[24], n[24];

  snprintf(t, sizeof t, "%llu", (unsigned long long)s->expected);
  snprintf(n, sizeof n, "%lld", (long long)(actual > 0 ? actual : 0));
  snprintf(v, sizeof v, "%+lld", (long long)s->variance);
  ft_draw_fmt(&a->caps, y, 1, w - 1, ft_caps_attr(&a->caps, CAP_HEAD), "TARGET SO FAR %s", t);
  ft_draw_fmt(&a->caps, y, 1 + w, w - 1, ft_caps_attr(&a->caps, CAP_HEAD), "ACTUAL %s", n);
  ft_draw_fmt(&a->caps, y, 1 + 2 * w, w - 1, ft_caps_attr(&a->caps, CAP_HEAD), "VARIANCE %s", v);
  big(a, y + 1, 1, w - 1, t, A_BOLD);
  big(a, y + 1, 1 + w, w - 1, n, A_BOLD);
  big(a, y + 1, 1 + 2 * w, w - 1, v, attr | A_BOLD);
  if (s->variance == 0)
    ft_draw_str(&a->caps, y + 1 + BIG_H, 1, COLS - 2, "ON TARGET", attr | A_BOLD, 0);
  else
    ft_draw_fmt(&a->caps, y + 1 + BIG_H, 1, COLS - 2, attr | A_BOLD, "%s by %lld",
                bad ? "BEHIND" : "AHEAD", (long long)(bad ? -s->variance : s->variance));
}

/* "12m" left at the run's pace so far, or "-". */
static char *time_left(app *a, const fh_run *r, char *buf, size_t n) {
  int64_t spent = ft_app_now_ms(a) - r->started_at;
  if (r->target_qty == 0 || r->good == 0 || spent <= 0) return snprintf(buf, n, "-"), buf;
  if (r->good >= r->target_qty) return snprintf(buf, n, "done"), buf;
  return ft_fmt_dur(buf, n, (int64_t)((double)spent / (double)r->good *
                                      (double)(r->target_qty - r->good)));
}

static void draw_run(app *a, int y, const model_line *ml) {
  const fh_run *r = &ml->run;
  char qty[32], left[24];

  if (r->id == 0) {
    ft_draw_str(&a->caps, y, 1, COLS - 2,
                ft_runs_can(a, a->cur_line) ? "NO RUN  (n: start a run)" : "NO RUN",
                ft_caps_attr(&a->caps, CAP_DIM), 0);
    return;
  }
  if (r->target_qty) snprintf(qty, sizeof qty, "%llu / %llu", (unsigned long long)r->good,
                              (unsigned long long)r->target_qty);
  else snprintf(qty, sizeof qty, "%llu", (unsigned long long)r->good);
  ft_draw_fmt(&a->caps, y, 1, COLS - 2, A_BOLD, "RUN %llu  %s  order %s  count %s  left %s",
              (unsigned long long)r->id, r->product, r->order[0] ? r->order : "-", qty,
              time_left(a, r, left, sizeof left));
}

static void draw_hours(app *a, int y, int rows, const model_score *s) {
  size_t first = s->nhours > (size_t)(rows - 1) ? s->nhours - (size_t)(rows - 1) : 0;
  char at[16], down[24];

  if (rows < 2) return;
  ft_draw_fmt(&a->caps, y, 1, COLS - 2, ft_caps_attr(&a->caps, CAP_HEAD),
              "%-8s %8s %8s %8s %10s", "HOUR", "TARGET", "GOOD", "REJECT", "DOWN");
  for (size_t i = first; i < s->nhours; i++) {
    const model_hour *h = &s->hours[i];
    int attr = ft_caps_attr(&a->caps, h->good >= h->target ? CAP_OK : CAP_NORMAL);
    ft_draw_fmt(&a->caps, y + 1 + (int)(i - first), 1, COLS - 2, attr,
                "%-8s %8llu %8llu %8llu %10s", ft_fmt_clock(at, sizeof at, h->hour_start),
                (unsigned long long)h->target, (unsigned long long)h->good,
                (unsigned long long)h->reject, ft_fmt_dur(down, sizeof down, (int64_t)h->down_ms));
  }
}

void ft_score_view_draw(app *a, int top, int rows) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  const model_score *s = ml ? &ml->score : NULL;

  if (ml == NULL) return;
  ft_draw_fmt(&a->caps, top, 1, COLS - 2, A_BOLD, "SCOREBOARD %s %s %s %s target %llu (%s)",
              a->caps.g.dot, a->cur_line, ml->line.name, a->caps.g.dot,
              (unsigned long long)(s->has ? s->target : 0),
              !s->has ? "no shift" : s->plan ? "plan" : "ideal pace");
  if (!s->has) {
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4, "No shift is running: no target.", PLAIN, 0);
  } else {
    draw_numbers(a, top + 1, s);
  }
  draw_run(a, top + 8, ml);
  if (s->has) draw_hours(a, top + 9, rows - 9, s);
}
