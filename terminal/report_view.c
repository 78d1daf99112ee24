/* report_view.c -- the shift report of one line.
 *
 * Asks the hub (shift.report) for the last closed shift of the line when
 * the view opens, when the line changes and on 'u'.  Shows the shift's
 * OEE with A/P/Q, planned and run time, the losses by state (every state
 * but running, largest first) and by reason, MTTR/MTBF, and the andon
 * counts and response times, which come from the andon list (it holds the
 * andons closed in the last 12 h) for the shift's period.
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "views.h"

void ft_report_request(app *a) {
  fh_request req;
  uint64_t id;

  if (a->cur_line[0] == '\0') return;
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_SHIFT_REPORT;
  req.u.shift_report.line = (fh_strv){a->cur_line, strlen(a->cur_line)};
  if (fh_client_send(a->client, &req, NULL, &id) != 0) return;
  a->report_req = id;
  a->m.report.state = REPORT_LOADING;
  snprintf(a->m.report.line, sizeof a->m.report.line, "%s", a->cur_line);
  a->dirty = 1;
}

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
  char p[4][16], t1[16], t2[16], d1[24], d2[24];
  oee_band b = ft_band_of(o->oee);

  ft_draw_fmt(&a->caps, top + 1, 1, COLS - 2, PLAIN, "shift %s  %s - %s", o->shift,
           ft_fmt_clock(t1, sizeof t1, o->shift_start), ft_fmt_clock(t2, sizeof t2, o->shift_end));
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
  draw_losses(a, top + 8, rows - 8, o);
}

void ft_report_view_draw(app *a, int top, int rows) {
  const model_report *r = &a->m.report;
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);

  ft_draw_fmt(&a->caps, top, 1, COLS - 2, A_BOLD, "SHIFT REPORT %s %s %s (last closed shift)",
           a->caps.g.dot, a->cur_line, ml ? ml->line.name : "");
  if (r->state == REPORT_NONE || strcmp(r->line, a->cur_line) != 0)
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4, "Press u to ask the hub for the report.", PLAIN, 0);
  else if (r->state == REPORT_LOADING)
    ft_draw_str(&a->caps, top + 2, 2, COLS - 4,
             a->online ? "Asking the hub..." : "Asked; pending until the hub is back.", PLAIN, 0);
  else if (r->state == REPORT_ERR)
    ft_draw_fmt(&a->caps, top + 2, 2, COLS - 4, ft_caps_attr(&a->caps, CAP_WARN),
             "No report: %s", r->err);
  else
    draw_report(a, top, rows, &r->oee);
}
