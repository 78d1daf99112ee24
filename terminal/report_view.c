/* report_view.c -- the shift report of one line, and its last 7 days.
 *
 * Draws what report_history.c asked the hub: one closed shift (the last,
 * or a past one stepped to with Left/Right) with its OEE and A/P/Q,
 * planned and run time, the losses by state (every state but running,
 * largest first) and by reason, MTTR/MTBF, and the andon counts and
 * response times, which come from the andon list (it holds the andons
 * closed in the last 12 h) for the shift's period; below, the day table:
 * per day OEE (with its band in words), A, P, Q, good and the top loss.
 * Fits 80x24: the loss lists get the rows the table leaves.
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "views.h"

static int by_ms_desc(const void *pa, const void *pb) {
  uint64_t a = ((const uint64_t *)pa)[0], b = ((const uint64_t *)pb)[0];
  return a < b ? 1 : a > b ? -1 : 0;
}

/* Losses by state: {ms, state} pairs, largest first; returns how many. */
static size_t state_losses(const fh_oee *o, uint64_t out[][2]) {
  size_t n = 0;
  for (int s = 0; s < FH_EQ__COUNT; s++) {
    if (s == FH_EQ_RUNNING || o->state_ms[s] == 0) continue;
    out[n][0] = o->state_ms[s];
    out[n++][1] = (uint64_t)s;
  }
  qsort(out, n, sizeof out[0], by_ms_desc);
  return n;
}

static void draw_losses(app *a, int y, int rows, const fh_oee *o) {
  uint64_t st[FH_EQ__COUNT][2];
  size_t ns = state_losses(o, st);
  int half = COLS / 2, head = ft_caps_attr(&a->caps, CAP_HEAD);
  char d[24];

  ft_draw_str(&a->caps, y, 1, half - 2, "LOSSES BY STATE", head, 1);
  ft_draw_str(&a->caps, y, half, COLS - half - 1, "LOSSES BY REASON", head, 1);
  for (int i = 0; i < rows - 1; i++) {
    if ((size_t)i < ns)
      ft_draw_fmt(&a->caps, y + 1 + i, 2, half - 3, PLAIN, "%-14s %s",
               ft_state_word((fh_eq_state)st[i][1]), ft_fmt_dur(d, sizeof d, (int64_t)st[i][0]));
    if ((size_t)i < o->nreasons)
      ft_draw_fmt(&a->caps, y + 1 + i, half + 1, COLS - half - 2, PLAIN, "%-18s %s",
               o->reasons[i].reason, ft_fmt_dur(d, sizeof d, (int64_t)o->reasons[i].ms));
  }
  if (ns == 0) ft_draw_str(&a->caps, y + 1, 2, half - 3, "none", PLAIN, 0);
  if (o->nreasons == 0) ft_draw_str(&a->caps, y + 1, half + 1, half - 3, "none", PLAIN, 0);
}

static void draw_andon_stats(app *a, int y, const fh_oee *o) {
  model_andon_stats st;
  char d1[24], d2[24];

  ft_model_andon_stats_of(&a->m, o->line, o->shift_start, o->shift_end, &st);
  ft_draw_fmt(&a->caps, y, 1, COLS - 2, PLAIN,
           "ANDONS raised %u  acknowledged %u  resolved %u  cancelled %u  still open %u",
           st.raised, st.acked, st.resolved, st.cancelled, st.open);
  ft_draw_fmt(&a->caps, y + 1, 1, COLS - 2, PLAIN,
           "mean time to acknowledge %s   mean time to repair %s",
           st.acked ? ft_fmt_dur(d1, sizeof d1, (int64_t)(st.ack_mean_s * 1000)) : "-",
           st.resolved ? ft_fmt_dur(d2, sizeof d2, (int64_t)(st.repair_mean_s * 1000)) : "-");
}

static void draw_report(app *a, int top, int rows, const fh_oee *o) {
  char p[4][16], t1[32], t2[16], d1[24], d2[24];
  oee_band b = ft_band_of(o->oee);

  ft_draw_fmt(&a->caps, top + 1, 1, COLS - 2, PLAIN, "shift %s  %s - %s", o->shift,
              ft_fmt_local(t1, sizeof t1, o->shift_start, FT_WHEN),
              ft_fmt_local(t2, sizeof t2, o->shift_end, FT_HHMM));
  ft_draw_fmt(&a->caps, top + 2, 1, 16, ft_caps_attr(&a->caps, ft_band_style(b)), "OEE %s %s",
           ft_fmt_pct(p[0], sizeof p[0], o->oee), ft_band_word(b));
  ft_draw_fmt(&a->caps, top + 2, 18, COLS - 19, PLAIN,
           "availability %s  performance %s  quality %s", ft_fmt_pct(p[1], 16, o->availability),
           ft_fmt_pct(p[2], 16, o->performance > 1.0 ? 1.0 : o->performance),
           ft_fmt_pct(p[3], 16, o->quality));
  ft_draw_fmt(&a->caps, top + 3, 1, COLS - 2, PLAIN,
           "planned %s  run %s  good %llu  reject %llu", ft_fmt_dur(d1, sizeof d1, (int64_t)o->planned_ms),
           ft_fmt_dur(d2, sizeof d2, (int64_t)o->run_ms), (unsigned long long)o->good,
           (unsigned long long)o->reject);
  ft_draw_fmt(&a->caps, top + 4, 1, COLS - 2, PLAIN, "down events %u  MTTR %s  MTBF %s",
           o->down_events,
           o->down_events ? ft_fmt_dur(d1, sizeof d1, (int64_t)(o->mttr_s * 1000)) : "-",
           o->down_events ? ft_fmt_dur(d2, sizeof d2, (int64_t)(o->mtbf_s * 1000)) : "-");
  draw_andon_stats(a, top + 5, o);
  draw_losses(a, top + 7, rows - 7, o);
}

/* ------------------------------------------------------- the day table */

#define DAYS_ROWS (MODEL_DAYS + 2) /* header, the days, the footnote */
#define DAY_COLS "%-10s %-11s %6s %6s %6s %8s  %s"

/* A day's top loss in words: its reason, "unclassified" or "short stops",
 * and its time; "..." while asked, "-" without a stop. */
static void top_words(const app *a, size_t i, const model_day *d, char *buf, size_t n) {
  char dur[24];
  const char *what = d->top.reason;
  if (!d->has_top) {
    snprintf(buf, n, "%s", a->ask.top[i] ? "..." : "-");
    return;
  }
  if (what[0] == '\0')
    what = strcmp(d->top.category, "small_stop") == 0 ? "short stops" : "unclassified";
  snprintf(buf, n, "%s %s", what, ft_fmt_dur(dur, sizeof dur, (int64_t)d->top.ms));
}

static void draw_day(app *a, int y, size_t i, const model_day *d) {
  const fh_hist_row *r = &d->row;
  char day[24], oee[24], p[3][16], good[24], loss[FH_KIND_MAX + 32];
  oee_band b = ft_band_of(r->oee);
  /* the date of the day's middle: right in any zone within 12 h of the plant's */
  ft_fmt_local(day, sizeof day - 1, r->start + (r->end - r->start) / 2, FT_DAY);
  if (r->open) strcat(day, "*");
  snprintf(oee, sizeof oee, "%s %s", ft_fmt_pct(p[0], sizeof p[0], r->oee), ft_band_word(b));
  snprintf(good, sizeof good, "%llu", (unsigned long long)r->good);
  top_words(a, i, d, loss, sizeof loss);
  ft_draw_fmt(&a->caps, y, 2, COLS - 3, PLAIN, DAY_COLS, day, "", ft_fmt_pct(p[0], 16, r->availability),
              ft_fmt_pct(p[1], 16, r->performance > 1.0 ? 1.0 : r->performance),
              ft_fmt_pct(p[2], 16, r->quality), good, loss);
  ft_draw_str(&a->caps, y, 13, 11, oee, ft_caps_attr(&a->caps, ft_band_style(b)), 0);
}

static void draw_days(app *a, int y, const model_history *h) {
  int head = ft_caps_attr(&a->caps, CAP_HEAD);
  ft_draw_fmt(&a->caps, y, 2, COLS - 3, head, DAY_COLS, "LAST 7 DAYS", "OEE", "A", "P", "Q",
              "GOOD", "TOP LOSS");
  if (h->days_state == REPORT_LOADING || h->days_state == REPORT_NONE)
    ft_draw_str(&a->caps, y + 1, 2, COLS - 4, "Asking the hub...", PLAIN, 0);
  else if (h->days_state == REPORT_ERR)
    ft_draw_fmt(&a->caps, y + 1, 2, COLS - 4, ft_caps_attr(&a->caps, CAP_WARN), "No history: %s",
                h->err);
  else if (h->ndays == 0)
    ft_draw_str(&a->caps, y + 1, 2, COLS - 4, "No shift stored in the last 7 days.", PLAIN, 0);
  for (size_t i = 0; h->days_state == REPORT_OK && i < h->ndays; i++)
    draw_day(a, y + 1 + (int)i, i, &h->days[i]);
  if (h->days_state == REPORT_OK && h->ndays > 0 && h->days[h->ndays - 1].row.open)
    ft_draw_str(&a->caps, y + 1 + MODEL_DAYS, 2, COLS - 4,
                "* with the running shift so far", PLAIN, 0);
}

/* Which shift is shown, in words: the last closed or how far back. */
static void shift_words(const app *a, const fh_oee *o, char *buf, size_t n) {
  const model_history *h = &a->m.hist;
  size_t i = 0;
  while (i < h->nshifts && h->shifts[i] != o->shift_start) i++;
  if (i == h->nshifts) snprintf(buf, n, "a past shift");
  else if (i + 1 == h->nshifts) snprintf(buf, n, "the last closed shift");
  else snprintf(buf, n, "%zu shift%s before the last closed", h->nshifts - 1 - i,
                h->nshifts - 1 - i == 1 ? "" : "s");
}

void ft_report_view_draw(app *a, int top, int rows) {
  const model_report *r = &a->m.report;
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  char which[64] = "closed shifts";
  int days = rows >= DAYS_ROWS + 11; /* room for the table and the report's
                                        head and a loss row */

  if (r->state == REPORT_OK && strcmp(r->line, a->cur_line) == 0)
    shift_words(a, &r->oee, which, sizeof which);
  ft_draw_fmt(&a->caps, top, 1, COLS - 2, A_BOLD, "SHIFT REPORT %s %s %s %s %s", a->caps.g.dot,
              a->cur_line, ml ? ml->line.name : "", a->caps.g.dot, which);
  if (r->state == REPORT_NONE || strcmp(r->line, a->cur_line) != 0)
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4, "Press u to ask the hub for the report.", PLAIN, 0);
  else if (r->state == REPORT_LOADING)
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4,
             a->online ? "Asking the hub..." : "Asked; pending until the hub is back.", PLAIN, 0);
  else if (r->state == REPORT_ERR)
    ft_draw_fmt(&a->caps, top + 2, 2, COLS - 4, ft_caps_attr(&a->caps, CAP_WARN),
             "No report: %s", r->err);
  else
    draw_report(a, top, days ? rows - DAYS_ROWS : rows, &r->oee);
  if (days) draw_days(a, top + rows - DAYS_ROWS, &a->m.hist);
}
