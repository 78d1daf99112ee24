/* draw.h -- small drawing and formatting helpers shared by the views.
 *
 * Text from the hub may be any UTF-8: ft_draw_str clips it by display columns
 * (wcwidth) and, on an ASCII terminal, shows each non-ASCII character as
 * '?'.  Formatting helpers write into caller buffers and return them.
 */
#ifndef FT_DRAW_H
#define FT_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "fh_protocol.h"

#define PLAIN 0 /* no attributes (A_NORMAL is unsigned, attrs here are int) */

/* OEE bands: red < 65 %, yellow 65..85 %, green > 85 %. */
typedef enum oee_band { BAND_RED = 0, BAND_YELLOW, BAND_GREEN } oee_band;

/* Draws s at (y, x) in at most w columns with attr, then pads with spaces
 * to w columns when pad is set.  Returns the columns drawn (with padding). */
int ft_draw_str(const caps *c, int y, int x, int w, const char *s, int attr,
             int pad);
int ft_draw_fmt(const caps *c, int y, int x, int w, int attr, const char *fmt,
             ...) __attribute__((format(printf, 6, 7)));
/* A horizontal rule of w columns. */
void ft_draw_rule(const caps *c, int y, int x, int w, int attr);
/* Clears w columns at (y, x) with attr. */
void ft_draw_blank(int y, int x, int w, int attr);

/* H:MM:SS, "12d 04h" past 99 hours, "-" when ms < 0. */
char *ft_fmt_dur(char *buf, size_t n, int64_t ms);
/* "72.4%" (one decimal). */
char *ft_fmt_pct(char *buf, size_t n, double v);
/* HH:MM:SS local time of a wall-clock ms. */
char *ft_fmt_clock(char *buf, size_t n, int64_t ms);
/* The ways a local time is written. */
typedef enum ft_time_fmt {
  FT_CLOCK = 0,  /* "14:05:09" */
  FT_HHMM,       /* "14:05" */
  FT_DAY,        /* "Wed 12-02" */
  FT_WHEN        /* "Wed 2026-12-02 06:00" */
} ft_time_fmt;
/* The local time of a wall-clock ms written the way f says. */
char *ft_fmt_local(char *buf, size_t n, int64_t ms, ft_time_fmt f);

oee_band ft_band_of(double oee);
/* "LOW", "FAIR", "GOOD": the band in words, for terminals without colour. */
const char *ft_band_word(oee_band b);
cap_style ft_band_style(oee_band b);
/* The state in words: "running", "DOWN", "planned stop", ... */
const char *ft_state_word(fh_eq_state s);
/* "raised" / "acked" / "resolved" / "cancelled". */
const char *ft_andon_state_word(fh_andon_state s);

#endif /* FT_DRAW_H */
