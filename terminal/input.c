/* input.c -- keys from stdin, through the same uv loop as the network.
 *
 * stdin is watched with uv_poll; when it is readable every pending key is
 * drained with wget_wch (stdscr is in nodelay mode), so the loop never
 * blocks on the keyboard and never spins.  Readable with nothing to read
 * means the terminal hung up: floorterm then stops.  A key first goes to
 * an open dialog; otherwise it is mapped to a help-line key and ignored
 * unless ft_help_key_offered() allows it now.  Every key of a person
 * signed in at a kiosk first tells the hub (signin.c: a ping), and while
 * nobody is, keys go to the sign-in form.
 */
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "actions.h"
#include "classify.h"
#include "handover.h"
#include "input.h"
#include "runs.h"
#include "signin.h"
#include "views.h"

#define CTRL_KEY(c) ((c) & 0x1f)

static void on_unlock(app *a, const dialog *d, int ok) {
  if (!ok) return;
  if (a->opt.unlock_code != NULL && strcmp(d->text, a->opt.unlock_code) == 0) {
    a->locked = 0;
    ft_app_log(a, "kiosk unlocked with the unlock code");
    ft_app_status(a, CAP_OK, "Kiosk unlocked: Ctrl-U locks it again");
  } else {
    ft_app_status(a, CAP_BAD, "Wrong unlock code");
  }
}

static void toggle_lock(app *a) {
  if (a->locked) {
    ft_dialog_text(a, "Kiosk unlock code", 1, on_unlock);
    return;
  }
  a->locked = 1;
  if (a->opt.line != NULL) {
    snprintf(a->cur_line, sizeof a->cur_line, "%s", a->opt.line);
    a->view = VIEW_LINE;
  } else {
    a->view = VIEW_BOARD;
  }
  ft_app_status(a, CAP_INFO, "Kiosk locked");
}

static void quit(app *a) {
  if (a->npend > 0 && !a->quit_armed) {
    a->quit_armed = 1;
    ft_app_status(a, CAP_WARN,
               "%zu action(s) still wait for the hub: press q again to quit anyway", a->npend);
    return;
  }
  ft_app_stop(a, 0);
}

static void switch_line(app *a, int delta) {
  size_t n = a->m.nlines, i;

  if (n == 0) return;
  for (i = 0; i < n && strcmp(a->m.lines[i].line.id, a->cur_line) != 0; i++) {}
  i = i == n ? 0 : (i + n + (size_t)(delta > 0 ? 1 : n - 1)) % n;
  snprintf(a->cur_line, sizeof a->cur_line, "%s", a->m.lines[i].line.id);
  a->sel[VIEW_LINE] = 0;
  a->dirty = 1;
  if (a->view == VIEW_REPORT) ft_report_request(a);
  if (a->view == VIEW_STOPS) ft_stop_view_open(a, a->cur_line);
}

static void open_line(app *a) {
  const char *l = ft_ui_target_line(a);
  if (a->view == VIEW_STOPS) {
    ft_classify_start(a, ft_ui_selected_stop(a), NULL);
    return;
  }
  if (l == NULL) return;
  snprintf(a->cur_line, sizeof a->cur_line, "%s", l);
  a->sel[VIEW_LINE] = 0;
  ft_ui_set_view(a, VIEW_LINE);
}

/* d: the stop list of the line, or back to the line view. */
static void toggle_stops(app *a) {
  const char *l = ft_ui_target_line(a);

  if (a->view == VIEW_STOPS) {
    a->view = VIEW_LINE;
    a->dirty = 1;
  } else if (l != NULL) {
    char line[FH_ID_MAX + 1];
    snprintf(line, sizeof line, "%s", l);
    ft_stop_view_open(a, line);
  }
}

/* The help-line key a raw key stands for.  In the report view the arrows
 * turn: Left/Right step through the shifts, Up/Down change the line. */
static int map_key(const app *a, wint_t ch, int is_key) {
  int report = a->view == VIEW_REPORT;
  if (is_key) {
    switch (ch) {
      case KEY_UP: case KEY_DOWN: return report ? HK_LINE : HK_SELECT;
      case KEY_LEFT: case KEY_RIGHT: return report ? HK_SHIFT : HK_LINE;
      case KEY_ENTER: return HK_OPEN;
      default: return -1;
    }
  }
  if (ch == 'k' || ch == 'j') return report ? HK_LINE : HK_SELECT;
  if (ch == '\n' || ch == '\r') return HK_OPEN;
  if ((ch >= '1' && ch <= '6') || ch == '\t') return HK_VIEWS;
  if (ch == CTRL_KEY('U')) return HK_UNLOCK;
  if (ch == CTRL_KEY('O')) return HK_SIGNOUT;
  if (ch == CTRL_KEY('C')) return 'q';
  return (int)ch;
}

static void dispatch(app *a, int key, wint_t ch, int is_key) {
  int up = is_key ? ch == KEY_UP : ch == 'k';
  int back = is_key ? ch == KEY_LEFT || ch == KEY_UP : ch == 'k';

  switch (key) {
    case HK_SELECT: ft_ui_move(a, up ? -1 : 1); break;
    case HK_LINE: switch_line(a, back ? -1 : 1); break;
    case HK_SHIFT: ft_report_step(a, back ? -1 : 1); break;
    case HK_OPEN: open_line(a); break;
    case HK_VIEWS: ft_ui_set_view(a, ch == '\t' ? (a->view + 1) % VIEW__COUNT : (view_id)(ch - '1')); break;
    case HK_UNLOCK: toggle_lock(a); break;
    case HK_SIGNOUT: ft_signin_logout(a); break;
    case 'q': quit(a); break;
    case 'r': ft_actions_start(a, ACT_RAISE); break;
    case 'a': ft_actions_start(a, ACT_ACK); break;
    case 's': ft_actions_start(a, ACT_RESOLVE); break;
    case 'c': ft_actions_start(a, ACT_CANCEL); break;
    case 'u': ft_report_request(a); break;
    case 'h': ft_handover_ack(a); break;
    case 'd': toggle_stops(a); break;
    case 'n': ft_runs_start(a); break;
    case 'e': ft_runs_end(a); break;
    default: break;
  }
}

void ft_input_key(app *a, wint_t ch, int is_key) {
  int key;

  if (is_key && ch == KEY_RESIZE) {
    clearok(curscr, TRUE);
    a->dirty = 1;
    return;
  }
  ft_signin_activity(a);
  if (!is_key && ch == CTRL_KEY('L')) {
    clearok(curscr, TRUE);
    a->dirty = 1;
    return;
  }
  if (ft_signin_showing(a)) {
    if (!is_key && ch == CTRL_KEY('C') && ft_help_key_offered(a, 'q')) quit(a);
    else ft_signin_key(a, ch, is_key);
    return;
  }
  if (a->dlg.kind != DLG_NONE) {
    ft_dialog_key(a, ch, is_key);
    return;
  }
  key = map_key(a, ch, is_key);
  if (key != 'q') a->quit_armed = 0;
  if (key < 0 || !ft_help_key_offered(a, key)) return;
  dispatch(a, key, ch, is_key);
  a->dirty = 1;
}

void ft_input_resize(app *a) {
  struct winsize ws;

  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
    resize_term(ws.ws_row, ws.ws_col);
  clearok(curscr, TRUE);
  a->dirty = 1;
}

static void on_input(uv_poll_t *h, int status, int events) {
  app *a = h->data;
  wint_t ch;
  int r, keys = 0, avail = 0;

  if (events & UV_DISCONNECT) status = UV_EOF; /* hung up: do not read */
  while (!a->stopping && status == 0 && (r = wget_wch(stdscr, &ch)) != ERR) {
    ft_input_key(a, ch, r == KEY_CODE_YES);
    keys++;
  }
  if (a->stopping || keys > 0) return;
  if (status < 0 || (ioctl(STDIN_FILENO, FIONREAD, &avail) == 0 && avail == 0)) {
    ft_app_log(a, "the terminal went away");
    ft_app_stop(a, 1);
  }
}

int ft_input_start(app *a) {
  int rc = uv_poll_init(a->loop, &a->input, STDIN_FILENO);
  if (rc != 0) return rc;
  a->input.data = a;
  return uv_poll_start(&a->input, UV_READABLE | UV_DISCONNECT, on_input);
}
