/* shift_report.c -- the shift report of a closed shift, as text and as an
 * HTML table, for the shift.closed notifications (see shift_report.h).
 *
 * One row per line: OEE, availability, performance, quality, counts and
 * the largest loss by reason; then the andons still open, handed over to
 * the next shift.  Times are local (the hub runs in the plant's zone).
 */
#include "shift_report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

/* printf into a growing buffer; sets *bad on -ENOMEM. */
__attribute__((format(printf, 3, 4))) static void put(fh_buf *b, int *bad,
                                                      const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0 || fh_buf_append(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1))
    *bad = 1;
}

/* Appends s HTML-escaped (names come from the plant file and tokens). */
static void put_esc(fh_buf *b, int *bad, const char *s) {
  for (; *s; s++) {
    const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                    : *s == '"' ? "&quot;" : NULL;
    if (r ? fh_buf_append(b, r, strlen(r)) : fh_buf_append(b, s, 1)) *bad = 1;
  }
}

static void hhmm(int64_t ms, char *buf, size_t cap) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(buf, cap, "%Y-%m-%d %H:%M", &tm);
}

static void top_loss(const fh_oee *o, char *buf, size_t cap) {
  if (o->nreasons == 0) snprintf(buf, cap, "-");
  else snprintf(buf, cap, "%s %llu min", o->reasons[0].reason,
                (unsigned long long)(o->reasons[0].ms / 60000));
}

static void line_rows(const fh_oee *recs, size_t n, fh_buf *t, fh_buf *h, int *bad) {
  put(t, bad, "%-10s %6s %6s %6s %6s %8s %8s  %s\r\n", "line", "OEE", "A", "P",
      "Q", "good", "reject", "top loss");
  put(h, bad, "<table border=\"1\" cellpadding=\"4\"><tr><th>line</th><th>OEE</th>"
              "<th>A</th><th>P</th><th>Q</th><th>good</th><th>reject</th>"
              "<th>top loss</th></tr>\r\n");
  for (size_t i = 0; i < n; i++) {
    const fh_oee *o = &recs[i];
    char loss[FH_KIND_MAX + 32];
    top_loss(o, loss, sizeof loss);
    put(t, bad, "%-10s %5.1f%% %5.1f%% %5.1f%% %5.1f%% %8llu %8llu  %s\r\n", o->line,
        100 * o->oee, 100 * o->availability, 100 * o->performance, 100 * o->quality,
        (unsigned long long)o->good, (unsigned long long)o->reject, loss);
    put(h, bad, "<tr><td>%s</td><td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td>"
                "<td>%.1f%%</td><td>%llu</td><td>%llu</td><td>%s</td></tr>\r\n",
        o->line, 100 * o->oee, 100 * o->availability, 100 * o->performance,
        100 * o->quality, (unsigned long long)o->good, (unsigned long long)o->reject,
        loss);
  }
  put(h, bad, "</table>\r\n");
}

static void open_andons(hub *h, fh_buf *t, fh_buf *ht, int *bad) {
  const model *m = h->model;
  size_t open = 0;
  for (size_t i = 0; i < m->nandons; i++) {
    const fh_andon *a = m->andons[i];
    char at[32];
    if (a->state != FH_ANDON_RAISED && a->state != FH_ANDON_ACKNOWLEDGED) continue;
    if (open++ == 0) {
      put(t, bad, "\r\nOpen andons handed over:\r\n");
      put(ht, bad, "<p>Open andons handed over:</p><ul>\r\n");
    }
    hhmm(a->raised_at, at, sizeof at);
    put(t, bad, "  #%llu %s %s, severity %u, raised %s by %s, %s\r\n",
        (unsigned long long)a->id, a->line, a->kind, a->severity, at + 11,
        a->raised_by, fh_andon_state_name(a->state));
    put(ht, bad, "<li>#%llu %s %s, severity %u, raised %s by ",
        (unsigned long long)a->id, a->line, a->kind, a->severity, at + 11);
    put_esc(ht, bad, a->raised_by);
    put(ht, bad, ", %s</li>\r\n", fh_andon_state_name(a->state));
  }
  if (open == 0) {
    put(t, bad, "\r\nNo open andons handed over.\r\n");
    put(ht, bad, "<p>No open andons handed over.</p>\r\n");
  } else {
    put(ht, bad, "</ul>\r\n");
  }
}

int shift_report_build(hub *h, const fh_oee *recs, size_t n, fh_buf *text,
                       fh_buf *html) {
  char from[32], to[32];
  int bad = 0;
  if (n == 0) return -EINVAL;
  hhmm(recs[0].shift_start, from, sizeof from);
  hhmm(recs[0].shift_end, to, sizeof to);
  put(text, &bad, "Shift %s, %s - %s, %s\r\n\r\n", recs[0].shift, from, to + 11,
      h->plant->name);
  put(html, &bad, "<p>Shift <b>");
  put_esc(html, &bad, recs[0].shift);
  put(html, &bad, "</b>, %s - %s, ", from, to + 11);
  put_esc(html, &bad, h->plant->name);
  put(html, &bad, "</p>\r\n");
  line_rows(recs, n, text, html, &bad);
  open_andons(h, text, html, &bad);
  if (!bad) bad = fh_buf_append(text, "", 1) || fh_buf_append(html, "", 1);
  return bad ? -ENOMEM : 0;
}
