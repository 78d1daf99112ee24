/* caps.c -- terminal capabilities: codeset, colours, attribute fallbacks.
 *
 * UTF-8 is used when nl_langinfo(CODESET) says so; otherwise every glyph is
 * ASCII and text from the hub is drawn with non-ASCII bytes replaced (see
 * draw.c).  Colours are used when has_colors() and at least 8 colours exist
 * and NO_COLOR is unset; each meaning then gets one pair.  Without colours,
 * meanings map to bold / reverse / underline, which even a vt100 shows.
 */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "caps.h"

static const caps_glyphs glyphs_utf8 = {
    .sel = "\xe2\x96\xb6", /* ▶ */
    .hline = "\xe2\x94\x80", /* ─ */
    .up_down = "\xe2\x86\x91\xe2\x86\x93", /* ↑↓ */
    .left_right = "\xe2\x86\x90\xe2\x86\x92", /* ←→ */
    .esc = "\xe2\x80\xbc", /* ‼ */
    .dot = "\xc2\xb7"}; /* · */

static const caps_glyphs glyphs_ascii = {
    .sel = ">", .hline = "-", .up_down = "Up/Dn", .left_right = "Lt/Rt", .esc = "!!", .dot = "|"};

void ft_caps_detect_locale(caps *c) {
  const char *cs = nl_langinfo(CODESET);

  memset(c, 0, sizeof *c);
  c->utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
  c->g = c->utf8 ? glyphs_utf8 : glyphs_ascii;
}

/* Foreground, background per meaning (pair number = the meaning). */
static const short pair_colors[CAP__COUNT][2] = {
    [CAP_TITLE] = {COLOR_WHITE, COLOR_BLUE},
    [CAP_HEAD] = {COLOR_CYAN, -1},
    [CAP_OK] = {COLOR_GREEN, -1},
    [CAP_WARN] = {COLOR_YELLOW, -1},
    [CAP_BAD] = {COLOR_RED, -1},
    [CAP_INFO] = {COLOR_CYAN, -1},
    [CAP_DIM] = {COLOR_WHITE, -1},
    [CAP_SELECTED] = {COLOR_BLACK, COLOR_CYAN},
    [CAP_ALERT] = {COLOR_WHITE, COLOR_RED},
    [CAP_KEY] = {COLOR_YELLOW, -1}};

void ft_caps_init_colors(caps *c) {
  const char *no_color = getenv("NO_COLOR");

  c->color = 0;
  if ((no_color != NULL && no_color[0] != '\0') || !has_colors()) return;
  if (start_color() != OK || COLORS < 8 || COLOR_PAIRS < CAP__COUNT) return;
  use_default_colors();
  for (int s = 1; s < CAP__COUNT; s++)
    init_pair((short)s, pair_colors[s][0], pair_colors[s][1]);
  c->color = 1;
}

/* Without colours: what each meaning becomes. */
static const int mono_attr[CAP__COUNT] = {
    [CAP_TITLE] = A_REVERSE,  [CAP_HEAD] = A_UNDERLINE, [CAP_OK] = A_NORMAL,
    [CAP_WARN] = A_BOLD,      [CAP_BAD] = A_BOLD,       [CAP_INFO] = A_NORMAL,
    [CAP_DIM] = A_NORMAL,     [CAP_SELECTED] = A_REVERSE,
    [CAP_ALERT] = A_REVERSE | A_BOLD, [CAP_KEY] = A_BOLD};

/* With colours: extra attributes on top of the pair. */
static const int color_extra[CAP__COUNT] = {
    [CAP_TITLE] = A_BOLD, [CAP_BAD] = A_BOLD, [CAP_ALERT] = A_BOLD,
    [CAP_KEY] = A_BOLD,   [CAP_HEAD] = A_BOLD};

int ft_caps_attr(const caps *c, cap_style s) {
  if (s <= CAP_NORMAL || s >= CAP__COUNT) return A_NORMAL;
  if (!c->color) return mono_attr[s];
  return COLOR_PAIR(s) | color_extra[s];
}

cap_style ft_caps_state_style(fh_eq_state s) {
  switch (s) {
    case FH_EQ_RUNNING: return CAP_OK;
    case FH_EQ_DOWN: return CAP_BAD;
    case FH_EQ_BLOCKED:
    case FH_EQ_STARVED: return CAP_WARN;
    case FH_EQ_CHANGEOVER: return CAP_INFO;
    default: return CAP_DIM;
  }
}
