/* report_history.c -- what the report view asks the hub, and its answers.
 *
 * The view shows one closed shift (shift.report; shift_start selects a past
 * one, 0 the last closed) and the line's last MODEL_DAYS days.  Opening the
 * view, changing the line and 'u' ask three things at once: the last
 * closed shift's report, the starts of the shifts of the last 14 days
 * (oee.history group "shift": one row per stored shift), and the day table
 * (oee.history group "day" from 7 x 24 h ago, whole days only, see
 * model_history.c); when the days arrive, each day's top loss (dt.pareto
 * top 1 over the day).  Left and right step to the shift before or after
 * the one shown (or the one being asked for, so quick presses add up),
 * found among the known starts; stepping back past the oldest known asks
 * the 14 days before it and steps when they arrive.
 * Answers to questions that were replaced (another line, another step)
 * are dropped by their id.  The drawing is report_view.c's.
 */
#include <string.h>

#include "views.h"

#define DAY_MS 86400000LL

/* Sends req; its id, or 0 when it could not be queued. */
static uint64_t ask(app *a, fh_request *req) {
  uint64_t id;
  return fh_client_send(a->client, req, NULL, &id) == 0 ? id : 0;
}

/* oee.history (group) or dt.pareto (group NULL, top 1) of the line. */
static uint64_t ask_history(app *a, const char *group, int64_t from, int64_t to) {
  fh_request req;
  memset(&req, 0, sizeof req);
  req.type = group ? FH_MSG_OEE_HISTORY : FH_MSG_DT_PARETO;
  req.u.history.scope = (fh_strv){"line", 4};
  req.u.history.line = (fh_strv){a->m.hist.line, strlen(a->m.hist.line)};
  req.u.history.from = from;
  req.u.history.to = to;
  if (group) req.u.history.group = (fh_strv){group, strlen(group)};
  else req.u.history.top = 1;
  return ask(a, &req);
}

/* The report of the shift starting at shift_start (0: the last closed). */
static void ask_report(app *a, int64_t shift_start) {
  fh_request req;
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_SHIFT_REPORT;
  req.u.shift_report.line = (fh_strv){a->cur_line, strlen(a->cur_line)};
  req.u.shift_report.shift_start = shift_start;
  if ((a->ask.report = ask(a, &req)) == 0) return;
  a->ask.report_start = shift_start;
  a->m.report.state = REPORT_LOADING;
  snprintf(a->m.report.line, sizeof a->m.report.line, "%s", a->cur_line);
  a->dirty = 1;
}

/* The shift starts of [from, to). */
static void ask_shifts(app *a, int64_t from, int64_t to) {
  a->ask.shifts_from = from;
  a->ask.shifts = ask_history(a, "shift", from, to);
}

void ft_report_request(app *a) {
  int64_t now = ft_app_now_ms(a);
  if (a->cur_line[0] == '\0') return;
  memset(&a->ask, 0, sizeof a->ask);
  ft_model_hist_reset(&a->m, a->cur_line);
  ask_report(a, 0);
  ask_shifts(a, now - MODEL_SHIFTS_SPAN_MS, now + DAY_MS);
  a->ask.days_from = now - MODEL_DAYS * DAY_MS;
  a->ask.days = ask_history(a, "day", a->ask.days_from, now + DAY_MS);
  a->m.hist.days_state = a->ask.days ? REPORT_LOADING : REPORT_NONE;
}

/* The start of the shift shown, or of the one being asked for (steps
 * pressed quickly go on from there); 0 when not known yet. */
static int64_t shown_start(const app *a) {
  const model_report *r = &a->m.report;
  const model_history *h = &a->m.hist;
  if (a->ask.report != 0)
    return a->ask.report_start ? a->ask.report_start
                               : h->nshifts ? h->shifts[h->nshifts - 1] : 0;
  return r->state == REPORT_OK && strcmp(r->line, a->cur_line) == 0 ? r->oee.shift_start : 0;
}

/* Steps; with more (0 once the older starts were asked for) it may ask
 * for the 14 days before the oldest known start. */
static void step(app *a, int delta, int more) {
  int64_t from = shown_start(a), to;
  if (from == 0) return;
  if ((to = ft_model_hist_step(&a->m, from, delta)) != 0) {
    ask_report(a, to);
  } else if (a->ask.shifts != 0 || (more && delta < 0 && a->m.hist.shifts_from > 0)) {
    if (a->ask.shifts == 0)
      ask_shifts(a, a->m.hist.shifts_from - MODEL_SHIFTS_SPAN_MS, a->m.hist.shifts_from);
    a->ask.step = delta; /* again when the starts arrive */
  } else {
    ft_app_status(a, CAP_INFO, delta < 0 ? "No older shift is stored for %s"
                                         : "This is the last closed shift of %s",
                  a->cur_line);
  }
}

void ft_report_step(app *a, int delta) { step(a, delta, 1); }

/* The day table arrived: ask for each day's top loss. */
static void on_days(app *a, const fh_event *ev) {
  ft_model_hist_days(&a->m, ev, a->ask.days_from);
  for (size_t i = 0; i < a->m.hist.ndays; i++)
    a->ask.top[i] = ask_history(a, NULL, a->m.hist.days[i].row.start,
                                a->m.hist.days[i].row.end);
}

/* The shift starts arrived: a step waiting for them goes on. */
static void on_shifts(app *a, const fh_event *ev) {
  int delta = a->ask.step;
  if (ft_model_hist_shifts(&a->m, ev, a->ask.shifts_from) != 0)
    ft_app_log(a, "oee.history of %s: no shift rows in the answer", a->m.hist.line);
  a->ask.step = 0;
  if (delta != 0) step(a, delta, 0);
}

void ft_report_on_reply(app *a, const fh_client_req *req, const fh_event *ev) {
  uint64_t id = req->id;
  if (id == a->ask.report) {
    a->ask.report = 0;
    ft_model_report_set(&a->m, ev);
  } else if (id == a->ask.shifts) {
    a->ask.shifts = 0;
    on_shifts(a, ev);
  } else if (id == a->ask.days) {
    a->ask.days = 0;
    on_days(a, ev);
  } else {
    for (size_t i = 0; i < MODEL_DAYS; i++)
      if (id == a->ask.top[i]) {
        a->ask.top[i] = 0;
        ft_model_hist_top(&a->m, i, ev);
      }
  }
}
