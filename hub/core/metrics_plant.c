/* metrics_plant.c -- the plant's live figures as Prometheus gauges.
 *
 * /metrics (net/http.c) carries the hub's own counters; this file adds what
 * a plant's Grafana shows: per line, the current shift's OEE and its
 * factors, good and reject counts and the open andons, and per equipment
 * its state as an enum gauge (one series per state, 1 for the state it is
 * in, 0 for the others, so a change never leaves a stale 1 behind).
 *
 * The figures are the ones last published on oee/<line> (model_line.oee,
 * refreshed on every change and every few seconds by shiftclock.c), so
 * /metrics, the dashboard and floorterm show the same number.  Outside a
 * shift a line's figures are 0, as on oee/<line>.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "model.h"

/* Appends printf output to out.  0 or -ENOMEM. */
static int emit(fh_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int emit(fh_buf *out, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return -EINVAL;
  if ((size_t)n >= sizeof line) n = (int)sizeof line - 1; /* labels are ids */
  return fh_buf_append(out, line, (size_t)n);
}

/* Copies id into dst as a label value: backslash, quote and newline
 * escaped, as the exposition format asks.  Plant ids never hold them, but
 * a label is never the place to find out. */
static void label(char *dst, size_t cap, const char *id) {
  size_t o = 0;
  for (const char *c = id; *c != '\0' && o + 3 < cap; c++) {
    if (*c == '\\' || *c == '"' || *c == '\n') dst[o++] = '\\';
    dst[o++] = *c == '\n' ? 'n' : *c;
  }
  dst[o] = '\0';
}

/* One line-labelled gauge family; value(ml) gives the sample of a line. */
static int line_family(hub *h, fh_buf *out, const char *name, const char *help,
                       double (*value)(const model_line *ml)) {
  char id[2 * FH_ID_MAX + 1];
  int rc = emit(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
  for (size_t li = 0; rc == 0 && li < h->model->nlines; li++) {
    label(id, sizeof id, h->plant->lines[li].id);
    rc = emit(out, "%s{line=\"%s\"} %.17g\n", name, id, value(&h->model->lines[li]));
  }
  return rc;
}

static double v_oee(const model_line *ml) { return ml->oee.oee; }
static double v_avail(const model_line *ml) { return ml->oee.availability; }
static double v_perf(const model_line *ml) { return ml->oee.performance; }
static double v_qual(const model_line *ml) { return ml->oee.quality; }
static double v_good(const model_line *ml) { return (double)ml->oee.good; }
static double v_reject(const model_line *ml) { return (double)ml->oee.reject; }
static double v_andons(const model_line *ml) { return (double)ml->l.open_andons; }

static int equipment_states(hub *h, fh_buf *out) {
  char line[2 * FH_ID_MAX + 1], eq[2 * FH_ID_MAX + 1];
  int rc = emit(out, "# HELP floorhub_equipment_state equipment state (1 = the "
                     "state it is in)\n# TYPE floorhub_equipment_state gauge\n");
  for (size_t ei = 0; rc == 0 && ei < h->model->neqs; ei++) {
    const plant_equipment *pe = &h->plant->equipment[ei];
    fh_eq_state now = h->model->eqs[ei].e.state;
    label(line, sizeof line, h->plant->lines[pe->line].id);
    label(eq, sizeof eq, pe->id);
    for (int s = 0; rc == 0 && s < FH_EQ__COUNT; s++)
      rc = emit(out, "floorhub_equipment_state{line=\"%s\",equipment=\"%s\","
                     "state=\"%s\"} %d\n", line, eq,
                fh_eq_state_name((fh_eq_state)s), s == (int)now);
  }
  return rc;
}

int metrics_plant_text(hub *h, fh_buf *out) {
  static const struct {
    const char *name;                       /* the family */
    const char *help;                       /* its HELP text */
    double (*value)(const model_line *ml);  /* a line's sample */
  } fams[] = {
      {"floorhub_line_oee", "line OEE of the current shift (0..1)", v_oee},
      {"floorhub_line_availability", "run time / planned time", v_avail},
      {"floorhub_line_performance", "ideal time of the count / run time", v_perf},
      {"floorhub_line_quality", "good / (good + reject)", v_qual},
      {"floorhub_line_good", "good count of the current shift", v_good},
      {"floorhub_line_reject", "reject count of the current shift", v_reject},
      {"floorhub_line_open_andons", "andons raised or acknowledged", v_andons},
  };
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < sizeof fams / sizeof fams[0]; i++)
    rc = line_family(h, out, fams[i].name, fams[i].help, fams[i].value);
  return rc == 0 ? equipment_states(h, out) : rc;
}
