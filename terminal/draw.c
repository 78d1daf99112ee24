/* draw.c -- clipped UTF-8 text, rules, and the formats of the views.
 *
 * ft_draw_str decodes UTF-8 itself (the hub guarantees valid UTF-8, but we do
 * not rely on it: an invalid byte shows as '?'), measures each character
 * with wcwidth in a UTF-8 locale, and copies whole characters until the
 * width is used.  Control characters never reach the terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "draw.h"

/* Decodes one UTF-8 character at s (n bytes left): returns its length and
 * the code point in *cp, or 0 for an invalid byte. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp) {
  size_t len = s[0] < 0x80 ? 1 : (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3
             : (s[0] >> 3) == 30 ? 4 : 0;
  if (len == 0 || len > n || !fh_utf8_valid((const char *)s, len)) return 0;
  *cp = len == 1 ? s[0] : s[0] & (0x7fu >> len);
  for (size_t i = 1; i < len; i++) *cp = (*cp << 6) | (s[i] & 0x3fu);
  return len;
}

/* Columns of code point cp on this terminal, or -1 when it must be shown
 * as '?' (control characters, non-ASCII on an ASCII terminal). */
static int char_width(const caps *c, unsigned cp) {
  if (cp < 0x20 || cp == 0x7f) return -1;
  if (cp < 0x80) return 1;
  if (!c->utf8) return -1;
  return wcwidth((wchar_t)cp);
}

int ft_draw_str(const caps *c, int y, int x, int w, const char *s, int attr,
             int pad) {
  char out[1024];
  size_t o = 0, i = 0, n = strlen(s);
  int used = 0;

  if (w <= 0) return 0;
  while (i < n) {
    unsigned cp = 0;
    size_t len = utf8_next((const unsigned char *)s + i, n - i, &cp);
    const char *bytes = s + i;
    size_t blen = len;
    int cw = len ? char_width(c, cp) : -1;
    if (cw < 0) {
      bytes = "?";
      blen = cw = 1;
    }
    if (used + cw > w || o + blen + 1 >= sizeof out) break;
    memcpy(out + o, bytes, blen);
    o += blen;
    used += cw;
    i += len ? len : 1;
  }
  for (; pad && used < w && o + 1 < sizeof out; used++) out[o++] = ' ';
  out[o] = '\0';
  attron(attr);
  mvaddstr(y, x, out);
  attroff(attr);
  return used;
}

int ft_draw_fmt(const caps *c, int y, int x, int w, int attr, const char *fmt,
             ...) {
  char buf[1024];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return ft_draw_str(c, y, x, w, buf, attr, 0);
}

void ft_draw_rule(const caps *c, int y, int x, int w, int attr) {
  attron(attr);
  for (int i = 0; i < w; i++) mvaddstr(y, x + i, c->g.hline);
  attroff(attr);
}

void ft_draw_blank(int y, int x, int w, int attr) {
  attron(attr);
  mvhline(y, x, ' ', w);
  attroff(attr);
}

char *ft_fmt_dur(char *buf, size_t n, int64_t ms) {
  int64_t s = ms / 1000;

  if (ms < 0) snprintf(buf, n, "-");
  else if (s >= 100 * 3600)
    snprintf(buf, n, "%lldd %02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
  else
    snprintf(buf, n, "%lld:%02lld:%02lld", (long long)(s / 3600),
             (long long)(s / 60 % 60), (long long)(s % 60));
  return buf;
}

char *ft_fmt_pct(char *buf, size_t n, double v) {
  snprintf(buf, n, "%.1f%%", v * 100.0);
  return buf;
}

char *ft_fmt_local(char *buf, size_t n, int64_t ms, ft_time_fmt f) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  size_t w = 0;

  if (localtime_r(&t, &tm) != NULL) {
    switch (f) { /* literal formats, so that the compiler checks them */
      case FT_CLOCK: w = strftime(buf, n, "%H:%M:%S", &tm); break;
      case FT_HHMM: w = strftime(buf, n, "%H:%M", &tm); break;
      case FT_DAY: w = strftime(buf, n, "%a %m-%d", &tm); break;
      case FT_WHEN: w = strftime(buf, n, "%a %Y-%m-%d %H:%M", &tm); break;
    }
  }
  if (w == 0) snprintf(buf, n, "?");
  return buf;
}

char *ft_fmt_clock(char *buf, size_t n, int64_t ms) { return ft_fmt_local(buf, n, ms, FT_CLOCK); }

oee_band ft_band_of(double oee) {
  if (oee < 0.65) return BAND_RED;
  if (oee <= 0.85) return BAND_YELLOW;
  return BAND_GREEN;
}

const char *ft_band_word(oee_band b) {
  static const char *const words[] = {"LOW", "FAIR", "GOOD"};
  return words[b];
}

cap_style ft_band_style(oee_band b) {
  static const cap_style styles[] = {CAP_BAD, CAP_WARN, CAP_OK};
  return styles[b];
}

const char *ft_state_word(fh_eq_state s) {
  static const char *const words[FH_EQ__COUNT] = {
      [FH_EQ_RUNNING] = "running",      [FH_EQ_IDLE] = "idle",
      [FH_EQ_DOWN] = "DOWN",            [FH_EQ_BLOCKED] = "BLOCKED",
      [FH_EQ_STARVED] = "STARVED",      [FH_EQ_CHANGEOVER] = "changeover",
      [FH_EQ_PLANNED_STOP] = "planned stop", [FH_EQ_UNKNOWN] = "unknown"};
  return (unsigned)s < FH_EQ__COUNT ? words[s] : "unknown";
}

const char *ft_andon_state_word(fh_andon_state s) {
  switch (s) {
    case FH_ANDON_RAISED: return "RAISED";
    case FH_ANDON_ACKNOWLEDGED: return "acked";
    case FH_ANDON_RESOLVED: return "resolved";
    default: return "cancelled";
  }
}
