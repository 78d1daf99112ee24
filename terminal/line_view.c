/* line_view.c -- one line: its state, OEE of the shift, equipment, andons.
 *
 * The top rows give the line's state in words and its OEE with A/P/Q and
 * the counts; then every equipment with its state, the time in that state
 * (a live counter) and the reason; then the line's open andons in queue
 * order, selectable for ack/resolve/cancel.  Between them a row counts the
 * line's stops that need a reason ("3 stops need a reason: d lists them").  Equipment gets at most half
 * of the body so that andons always have room.  In kiosk mode this is the
 * only view.  While the last shift's handover is not acknowledged, a
 * block under the summary shows it (handover.c; `h` takes the shift over).
 */
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "handover.h"
#include "views.h"

#define LIST_MAX 256       /* andons listed */
#define COL_EQ_STATE 13    /* "planned stop" + space */
#define COL_EQ_TIME 10     /* "123:45:67" + space */
#define COL_EQ_REASON 15   /* reason code */
#define COL_EQ_GOOD 8      /* good count */
#define COL_EQ_REJECT 7    /* reject count */
#define COL_EQ_FIXED (2 + COL_EQ_STATE + COL_EQ_TIME + COL_EQ_REASON + COL_EQ_GOOD + COL_EQ_REJECT)

static void draw_summary(app *a, int y, const model_line *ml) {
  const fh_line *l = &ml->line;
  const fh_oee *o = &ml->oee;
  char p1[16], p2[16], p3[16], p4[16];
  double oee = ml->has_oee ? o->oee : l->oee;
  oee_band b = ft_band_of(oee);
  int x;

  x = 1 + ft_draw_fmt(&a->caps, y, 1, COLS - 30, A_BOLD, "%s %s %s %s", l->id, l->name,
                   a->caps.g.dot, l->area);
  x += ft_draw_str(&a->caps, y, x, 8, "  state ", PLAIN, 0);
  ft_draw_str(&a->caps, y, x, 13, ft_state_word(l->state),
           ft_caps_attr(&a->caps, ft_caps_state_style(l->state)), 0);
  x = 1 + ft_draw_fmt(&a->caps, y + 1, 1, 16, ft_caps_attr(&a->caps, ft_band_style(b)), "OEE %s %s",
                   ft_fmt_pct(p1, sizeof p1, oee), ft_band_word(b));
  if (!ml->has_oee) return;
  ft_draw_fmt(&a->caps, y + 1, x + 2, COLS - x - 3, PLAIN,
           "A %s  P %s  Q %s  good %llu  reject %llu  shift %s",
           ft_fmt_pct(p2, sizeof p2, o->availability),
           ft_fmt_pct(p3, sizeof p3, o->performance > 1.0 ? 1.0 : o->performance),
           ft_fmt_pct(p4, sizeof p4, o->quality), (unsigned long long)o->good,
           (unsigned long long)o->reject, o->shift);
}

static void draw_eq_header(app *a, int y, int name_w) {
  int attr = ft_caps_attr(&a->caps, CAP_HEAD), x = 2;

  ft_draw_blank(y, 0, COLS, attr);
  x += ft_draw_str(&a->caps, y, x, name_w, "EQUIPMENT", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_EQ_STATE, "STATE", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_EQ_TIME, "IN STATE", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_EQ_REASON, "REASON", attr, 1);
  x += ft_draw_str(&a->caps, y, x, COL_EQ_GOOD, "GOOD", attr, 1);
  ft_draw_str(&a->caps, y, x, COL_EQ_REJECT, "REJECT", attr, 1);
}

static void draw_eq(app *a, int y, const fh_equipment *e, int name_w) {
  char buf[32];
  int x = 2;

  ft_draw_fmt(&a->caps, y, x, name_w - 1, PLAIN, "%s %s", e->id, e->name);
  x += name_w;
  ft_draw_str(&a->caps, y, x, COL_EQ_STATE - 1, ft_state_word(e->state),
           ft_caps_attr(&a->caps, ft_caps_state_style(e->state)), 0);
  x += COL_EQ_STATE;
  ft_draw_str(&a->caps, y, x, COL_EQ_TIME - 1,
           e->since ? ft_fmt_dur(buf, sizeof buf, ft_app_now_ms(a) - e->since) : "-", PLAIN, 0);
  x += COL_EQ_TIME;
  ft_draw_str(&a->caps, y, x, COL_EQ_REASON - 1, e->reason[0] ? e->reason : "-", PLAIN, 0);
  x += COL_EQ_REASON;
  ft_draw_fmt(&a->caps, y, x, COL_EQ_GOOD - 1, PLAIN, "%llu", (unsigned long long)e->good);
  ft_draw_fmt(&a->caps, y, x + COL_EQ_GOOD, COL_EQ_REJECT, PLAIN, "%llu",
           (unsigned long long)e->reject);
}

/* "3 stops need a reason" (an alert), or how many stops there are. */
static void draw_stops_row(app *a, int y, const model_line *ml) {
  size_t n = ft_model_stops_needing(ml);

  if (n > 0)
    ft_draw_fmt(&a->caps, y, 1, COLS - 2, ft_caps_attr(&a->caps, CAP_BAD),
                "STOPS: %zu %s a reason %s d lists them", n,
                n == 1 ? "stop needs" : "stops need", a->caps.g.dot);
  else
    ft_draw_fmt(&a->caps, y, 1, COLS - 2, PLAIN, "STOPS: %zu in this and the previous shift, "
                "none needs a reason", ml->nstops);
}

void ft_line_view_draw(app *a, int top, int rows) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  const fh_andon *list[LIST_MAX];
  int name_w = COLS - COL_EQ_FIXED, eq_rows, y, ho;
  size_t n, sel = a->sel[VIEW_LINE];

  if (ml == NULL) {
    ft_draw_fmt(&a->caps, top + 1, 2, COLS - 4, PLAIN, "Line %s is not (yet) in the plant.",
             a->cur_line);
    return;
  }
  if (name_w < 12) name_w = 12;
  draw_summary(a, top, ml);
  ho = ft_handover_draw(a, top + 2, rows / 4, ml);
  top += ho;
  rows -= ho;
  eq_rows = (rows - 5) / 2;
  if ((size_t)eq_rows > ml->neq) eq_rows = (int)ml->neq;
  draw_eq_header(a, top + 2, name_w);
  for (int i = 0; i < eq_rows; i++) draw_eq(a, top + 3 + i, &ml->eq[i], name_w);
  if ((size_t)eq_rows < ml->neq) {
    ft_draw_fmt(&a->caps, top + 3 + eq_rows, 2, COLS - 4, ft_caps_attr(&a->caps, CAP_DIM),
             "... %zu more", ml->neq - (size_t)eq_rows);
    eq_rows++;
  }
  y = top + 3 + eq_rows;
  draw_stops_row(a, y++, ml);
  n = ft_model_open_andons(&a->m, ml->line.id, list, LIST_MAX);
  if (n > LIST_MAX) n = LIST_MAX;
  if (n > 0 && sel >= n) sel = a->sel[VIEW_LINE] = n - 1;
  ft_draw_fmt(&a->caps, y, 1, COLS - 2, A_BOLD, "ANDONS of %s: %zu open", ml->line.id, n);
  ft_andon_header_draw(a, y + 1, 0);
  if (n == 0)
    ft_draw_str(&a->caps, y + 2, 2, COLS - 4, "No open andons on this line.", PLAIN, 0);
  ft_andon_list_draw(a, y + 2, top + rows - y - 2, list, n, sel, 0);
}
