/* caps.h -- what the terminal can show, decided once, apart from drawing.
 *
 * Like tmux, floorterm separates knowing the terminal from drawing on it:
 * the views ask for a meaning (CAP_BAD, a glyph for "selected") and caps
 * answers with a colour pair where colours exist and with bold, reverse or
 * underline where they do not, and with UTF-8 glyphs or ASCII ones
 * depending on the locale's codeset.  Meaning never rests on colour alone:
 * every coloured thing also has a word or a marker next to it.
 */
#ifndef FT_CAPS_H
#define FT_CAPS_H

#include "fh_protocol.h"

/* Meanings the views draw with. */
typedef enum cap_style {
  CAP_NORMAL = 0, /* plain text */
  CAP_TITLE,      /* the title bar */
  CAP_HEAD,       /* column headers */
  CAP_OK,         /* good: running, OEE in the green band */
  CAP_WARN,       /* attention: blocked, starved, yellow band */
  CAP_BAD,        /* bad: down, red band, unacknowledged andon */
  CAP_INFO,       /* neutral highlight: changeover, acknowledged */
  CAP_DIM,        /* unimportant: unknown, idle, planned stop */
  CAP_SELECTED,   /* the selected row */
  CAP_ALERT,      /* banner: offline, escalated to you, a flash */
  CAP_KEY,        /* a key name in the help line */
  CAP__COUNT
} cap_style;

/* Glyphs with an ASCII fallback. */
typedef struct caps_glyphs {
  const char *sel;     /* marks the selected row */
  const char *hline;   /* one column of a horizontal rule */
  const char *up_down; /* the up/down arrow keys, for the help line */
  const char *left_right; /* the left/right arrow keys */
  const char *esc;     /* marks an escalation addressed to the user */
  const char *dot;     /* separator in the title bar */
} caps_glyphs;

typedef struct caps {
  int utf8;            /* the locale's codeset is UTF-8 */
  int color;           /* colour pairs are in use */
  caps_glyphs g;       /* glyphs for this terminal */
} caps;

/* Reads the locale (setlocale must have run).  Before initscr. */
void ft_caps_detect_locale(caps *c);
/* Sets up colours when the terminal has them and NO_COLOR is not set.
 * After initscr. */
void ft_caps_init_colors(caps *c);
/* The curses attributes for a meaning. */
int ft_caps_attr(const caps *c, cap_style s);
/* The meaning of an equipment / line state. */
cap_style ft_caps_state_style(fh_eq_state s);

#endif /* FT_CAPS_H */
