/* input.h -- the keyboard, read through the uv loop.
 *
 * Keys (documented in SCREENS.md): Up/Down or k/j select, Enter opens the
 * selected line, Left/Right change the line of the line and stop views;
 * in the report view Left/Right step to the shift before or after and
 * Up/Down (k/j) change the line,
 * 1-5 or Tab switch views, r raise, a acknowledge, s resolve, c cancel,
 * d the line's stops (and back), Enter there gives the selected stop its
 * reason, u refresh the report, q quit (again to quit with writes pending),
 * Ctrl-L redraw, Ctrl-U unlock the kiosk with the unlock code (or lock it
 * again), Ctrl-O sign out (a person at a kiosk token, signin.h).  A key that the help line does not offer does nothing.
 */
#ifndef FT_INPUT_H
#define FT_INPUT_H

#include <wchar.h>

#include "app.h"

/* Help-line keys that are not single characters. */
enum {
  HK_SELECT = 0x110000, /* Up/Down */
  HK_LINE,              /* Left/Right (report view: Up/Down) */
  HK_OPEN,              /* Enter: open a line, classify a stop */
  HK_VIEWS,             /* 1-5, Tab */
  HK_UNLOCK,            /* Ctrl-U */
  HK_SIGNOUT,           /* Ctrl-O: a person signs out at a kiosk */
  HK_SHIFT              /* report view: Left/Right, the shift before/after */
};

/* Starts reading stdin (uv_poll, keys drained with wget_wch in nodelay
 * mode).  0 or a negative libuv error. */
int ft_input_start(app *a);
/* Handles one key (is_key: a KEY_ code). */
void ft_input_key(app *a, wint_t ch, int is_key);
/* The terminal changed size: take the new size from the tty. */
void ft_input_resize(app *a);

#endif /* FT_INPUT_H */
