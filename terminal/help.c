/* help.c -- the help line: the keys this user may press now.
 *
 * One table lists every key with its label, in priority order (the andon
 * actions first, quitting and navigation after); ft_help_key_offered() is the
 * single rule for "may this key be used now", which the help line and the
 * input handler both follow, so a key that is not shown does nothing.  The
 * rule combines the role table (actions.c), the selection (an ack needs a
 * raised andon under the cursor) and the kiosk lock.  A person signed in
 * at a kiosk token sees Ctrl-O (sign out) first.  Keys that do not fit
 * the width are left out.
 */
#include <string.h>

#include <curses.h>

#include "actions.h"
#include "classify.h"
#include "draw.h"
#include "handover.h"
#include "input.h"
#include "runs.h"
#include "views.h"

/* A key of the help line. */
typedef struct help_key {
  int key;           /* the character or an HK_ code */
  const char *name;  /* how the key is written; NULL: a glyph, below */
  const char *label; /* what it does; NULL: it depends, key_label() */
} help_key;

static const help_key keys[] = {
    {HK_SIGNOUT, "^O", "Sign out"}, {'r', "r", "Raise"},     {'a', "a", "Ack"},        {'s', "s", "Resolve"},
    {'c', "c", "Cancel"},    {'h', "h", "Take over"},    {HK_OPEN, "Enter", NULL},  {'d', "d", NULL},
    {'u', "u", "Refresh"},    {HK_SHIFT, NULL, "Shift"},  {'q', "q", "Quit"},
    {'n', "n", "New run"}, {'e', "e", "End run"},
    {HK_VIEWS, "1-6", "View"}, {HK_SELECT, NULL, "Select"}, {HK_LINE, NULL, "Line"},
    {HK_UNLOCK, "^U", NULL}};

/* The glyph of an arrow key: Up/Down selects (and changes the line in the
 * report view), Left/Right changes the line (steps the shifts there). */
static const char *arrow_glyph(const app *a, int key) {
  int up_down = key == HK_SELECT || (key == HK_LINE && a->view == VIEW_REPORT);
  return up_down ? a->caps.g.up_down : a->caps.g.left_right;
}

/* The label of a key whose meaning depends on the view or the lock. */
static const char *key_label(const app *a, int key) {
  if (key == HK_OPEN) return a->view == VIEW_STOPS ? "Classify" : "Open";
  if (key == 'd') return a->view == VIEW_STOPS ? "Back" : "Stops";
  return a->locked ? "Unlock" : "Lock";
}

/* d: the stop list of the line view's line (or the board's selected line
 * when not locked), and back from it. */
static int stops_offered(app *a) {
  if (a->view == VIEW_STOPS) return 1;
  if (a->view == VIEW_BOARD) return !a->locked && ft_ui_target_line(a) != NULL;
  return a->view == VIEW_LINE && a->cur_line[0] != '\0';
}

static int open_offered(app *a) {
  const fh_downtime *d;
  if (a->view != VIEW_STOPS) return !a->locked && a->view == VIEW_BOARD;
  d = ft_ui_selected_stop(a);
  return d != NULL && ft_classify_can(a, d);
}

static int andon_verb_offered(app *a, act_verb v) {
  const fh_andon *an;
  if (a->view != VIEW_LINE && a->view != VIEW_ANDONS) return 0;
  an = ft_ui_selected_andon(a);
  return an != NULL && ft_actions_can(a, v, an, NULL);
}

static int run_active(const app *a) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  return ml != NULL && ml->run.id != 0;
}

int ft_help_key_offered(app *a, int key) {
  switch (key) {
    case 'r': return a->view != VIEW_REPORT && ft_actions_can(a, ACT_RAISE, NULL, ft_ui_target_line(a));
    case 'a': return andon_verb_offered(a, ACT_ACK);
    case 's': return andon_verb_offered(a, ACT_RESOLVE);
    case 'c': return andon_verb_offered(a, ACT_CANCEL);
    case 'h': return a->view == VIEW_LINE &&
                     ft_handover_can(a, ft_model_line_find(&a->m, a->cur_line));
    case 'u':
    case HK_SHIFT: return a->view == VIEW_REPORT;
    case 'q':
    case HK_VIEWS: return !a->locked;
    case HK_SELECT: return a->view != VIEW_REPORT;
    case HK_LINE:
      return !a->locked && a->m.nlines > 1 &&
             (a->view == VIEW_LINE || a->view == VIEW_REPORT || a->view == VIEW_STOPS ||
              a->view == VIEW_SCORE);
    case HK_OPEN: return open_offered(a);
    case 'd': return stops_offered(a);
    case 'n': return a->view == VIEW_SCORE && ft_runs_can(a, a->cur_line);
    case 'e': return a->view == VIEW_SCORE && ft_runs_can(a, a->cur_line) && run_active(a);
    case HK_UNLOCK: return a->opt.kiosk && (!a->locked || a->opt.unlock_code != NULL);
    case HK_SIGNOUT: return a->sign.person;
    default: return 0;
  }
}

void ft_help_draw(app *a, int y) {
  int x = 1, w = COLS - 1, key_attr = ft_caps_attr(&a->caps, CAP_KEY);

  ft_draw_blank(y, 0, w, PLAIN);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const help_key *k = &keys[i];
    const char *name = k->name, *label = k->label;
    int need;
    if (!ft_help_key_offered(a, k->key)) continue;
    if (name == NULL) name = arrow_glyph(a, k->key);
    if (label == NULL) label = key_label(a, k->key);
    need = (int)strlen(label) + 2 + (k->name == NULL && a->caps.utf8 ? 2 : (int)strlen(name));
    if (x + need > w) continue;
    x += ft_draw_str(&a->caps, y, x, w - x, name, key_attr, 0) + 1;
    x += ft_draw_str(&a->caps, y, x, w - x, label, PLAIN, 0) + 2;
  }
}
