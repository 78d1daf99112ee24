/* help.c -- the help line: the keys this user may press now.
 *
 * One table lists every key with its label, in priority order (the andon
 * actions first, quitting and navigation after); ft_help_key_offered() is the
 * single rule for "may this key be used now", which the help line and the
 * input handler both follow, so a key that is not shown does nothing.  The
 * rule combines the role table (actions.c), the selection (an ack needs a
 * raised andon under the cursor) and the kiosk lock.  Keys that do not fit
 * the width are left out.
 */
#include <string.h>

#include <curses.h>

#include "actions.h"
#include "draw.h"
#include "input.h"
#include "views.h"

/* A key of the help line. */
typedef struct help_key {
  int key;           /* the character or an HK_ code */
  const char *name;  /* how the key is written; NULL: a glyph, below */
  const char *label; /* what it does */
} help_key;

static const help_key keys[] = {
    {'r', "r", "Raise"},     {'a', "a", "Ack"},        {'s', "s", "Resolve"},
    {'c', "c", "Cancel"},    {'u', "u", "Refresh"},    {'q', "q", "Quit"},
    {HK_VIEWS, "1-4", "View"}, {HK_SELECT, NULL, "Select"}, {HK_LINE, NULL, "Line"},
    {HK_OPEN, "Enter", "Open"}, {HK_UNLOCK, "^U", NULL}};

static int andon_verb_offered(app *a, act_verb v) {
  const fh_andon *an;
  if (a->view != VIEW_LINE && a->view != VIEW_ANDONS) return 0;
  an = ft_ui_selected_andon(a);
  return an != NULL && ft_actions_can(a, v, an, NULL);
}

int ft_help_key_offered(app *a, int key) {
  switch (key) {
    case 'r': return a->view != VIEW_REPORT && ft_actions_can(a, ACT_RAISE, NULL, ft_ui_target_line(a));
    case 'a': return andon_verb_offered(a, ACT_ACK);
    case 's': return andon_verb_offered(a, ACT_RESOLVE);
    case 'c': return andon_verb_offered(a, ACT_CANCEL);
    case 'u': return a->view == VIEW_REPORT;
    case 'q':
    case HK_VIEWS: return !a->locked;
    case HK_SELECT: return a->view != VIEW_REPORT;
    case HK_LINE:
      return !a->locked && a->m.nlines > 1 && (a->view == VIEW_LINE || a->view == VIEW_REPORT);
    case HK_OPEN: return !a->locked && a->view == VIEW_BOARD;
    case HK_UNLOCK: return a->opt.kiosk && (!a->locked || a->opt.unlock_code != NULL);
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
    if (name == NULL) name = k->key == HK_SELECT ? a->caps.g.up_down : a->caps.g.left_right;
    if (label == NULL) label = a->locked ? "Unlock" : "Lock";
    need = (int)strlen(label) + 2 + (k->name == NULL && a->caps.utf8 ? 2 : (int)strlen(name));
    if (x + need > w) continue;
    x += ft_draw_str(&a->caps, y, x, w - x, name, key_attr, 0) + 1;
    x += ft_draw_str(&a->caps, y, x, w - x, label, PLAIN, 0) + 2;
  }
}
