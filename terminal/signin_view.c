/* signin_view.c -- the sign-in screen, its help line, the idle countdown.
 *
 * The screen replaces the view's body while a kiosk token's session has
 * nobody signed in: a heading naming the kiosk, one line of instructions
 * and the two fields, the one being typed in highlighted with a cursor
 * mark; the PIN, and a badge number (the first field while it holds
 * digits only), are drawn as one '*' per byte, never as typed.  The status
 * line below (ui.c) says what the hub answered.  The countdown replaces
 * the status line in the last SIGNIN_WARN_MS before the idle sign-out.
 */
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "signin.h"
#include "views.h"

#define LABEL_COLS 16 /* "Badge or user" and padding */
#define FIELD_COLS 34 /* the box of a field */

/* One field: its label, then [text_] in a box, highlighted when current. */
static void draw_field(app *a, int y, const char *label, const char *text, int current) {
  int attr = current ? ft_caps_attr(&a->caps, CAP_SELECTED) : PLAIN;
  size_t n = strlen(text);
  const char *tail = n > FIELD_COLS - 3 ? text + n - (FIELD_COLS - 3) : text;

  ft_draw_str(&a->caps, y, 4, LABEL_COLS, label, current ? A_BOLD : PLAIN, 1);
  ft_draw_fmt(&a->caps, y, 4 + LABEL_COLS, FIELD_COLS, attr, "[%-*s]", FIELD_COLS - 2,
              current ? "" : tail);
  if (current) /* the text over the box, with the cursor mark */
    ft_draw_fmt(&a->caps, y, 5 + LABEL_COLS, FIELD_COLS - 2, attr, "%s_", tail);
}

/* n stars in buf. */
static const char *stars(char *buf, size_t n) {
  memset(buf, '*', n);
  buf[n] = '\0';
  return buf;
}

void ft_signin_draw(app *a, int top, int rows) {
  const app_signin *s = &a->sign;
  char pin[FH_PIN_MAX + 1], badge[FH_BADGE_MAX + 1];

  for (int y = top; y < top + rows; y++) ft_draw_blank(y, 0, COLS, PLAIN);
  if (rows < 8) return;
  ft_draw_fmt(&a->caps, top + 1, 2, COLS - 4, ft_caps_attr(&a->caps, CAP_HEAD),
              "SIGN IN at %s", s->kiosk_id.user);
  ft_draw_str(&a->caps, top + 3, 2, COLS - 4,
              "Scan your badge, or type your user, Tab, your PIN and Enter.", PLAIN, 0);
  draw_field(a, top + 5, "Badge or user",
             ft_signin_is_badge(s) ? stars(badge, s->wholen) : s->who,
             s->field == 0 && s->req == 0);
  draw_field(a, top + 6, "PIN", stars(pin, s->pinlen), s->field == 1 && s->req == 0);
  if (s->req != 0)
    ft_draw_str(&a->caps, top + 8, 4, COLS - 6, "Checking...",
                ft_caps_attr(&a->caps, CAP_INFO), 0);
  else if (!a->online)
    ft_draw_str(&a->caps, top + 8, 4, COLS - 6, "Offline: sign in when the hub is back",
                ft_caps_attr(&a->caps, CAP_WARN), 0);
}

void ft_signin_help_draw(app *a, int y) {
  static const char *const keys[][2] = {
      {"Enter", "Sign in"}, {"Tab", "Badge/user or PIN"}, {"Esc", "Clear"},
      {"^L", "Redraw"}, {"^C", "Quit"}};
  size_t n = sizeof keys / sizeof keys[0] - (ft_help_key_offered(a, 'q') ? 0 : 1);
  int x = 1, key_attr = ft_caps_attr(&a->caps, CAP_KEY);

  ft_draw_blank(y, 0, COLS - 1, PLAIN);
  for (size_t i = 0; i < n; i++) {
    x += ft_draw_str(&a->caps, y, x, COLS - 1 - x, keys[i][0], key_attr, 0) + 1;
    x += ft_draw_str(&a->caps, y, x, COLS - 1 - x, keys[i][1], PLAIN, 0) + 2;
  }
}

int ft_signin_countdown_draw(app *a, int y) {
  const app_signin *s = &a->sign;
  uint64_t now = uv_now(a->loop), left;

  if (!s->person || !a->online || now + SIGNIN_WARN_MS < s->deadline) return 0;
  left = s->deadline > now ? (s->deadline - now + 999) / 1000 : 0;
  ft_draw_blank(y, 0, COLS, ft_caps_attr(&a->caps, CAP_ALERT));
  ft_draw_fmt(&a->caps, y, 0, COLS, ft_caps_attr(&a->caps, CAP_ALERT),
              " Signing %s out in %llu s: press any key to stay signed in", s->name,
              (unsigned long long)left);
  return 1;
}
