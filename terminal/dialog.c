/* dialog.c -- the chooser and the text prompt.
 *
 * Keys: Up/Down (or k/j) move in a list, 1..9 pick an item directly,
 * Enter confirms, Esc cancels; in a prompt, printable characters are
 * appended as UTF-8 (up to FH_NOTE_MAX bytes) and Backspace removes the
 * last character.  The box is drawn centred over the body of the screen.
 */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"

#define KEY_ESCAPE 27
#define CTRL_H 8
#define DEL 127

static void open_dialog(app *a, dlg_kind kind, const char *title,
                        void (*done)(app *, const dialog *, int)) {
  memset(&a->dlg, 0, sizeof a->dlg);
  a->dlg.kind = kind;
  a->dlg.done = done;
  snprintf(a->dlg.title, sizeof a->dlg.title, "%s", title);
  a->dirty = 1;
}

void ft_dialog_choose(app *a, const char *title, const model_names *items,
                   void (*done)(app *, const dialog *, int)) {
  open_dialog(a, DLG_CHOOSE, title, done);
  a->dlg.items = items;
}

void ft_dialog_choose_labelled(app *a, const char *title, const model_names *items,
                               const char *const *labels,
                               void (*done)(app *, const dialog *, int)) {
  ft_dialog_choose(a, title, items, done);
  a->dlg.labels = labels;
}

void ft_dialog_text(app *a, const char *title, int secret,
                 void (*done)(app *, const dialog *, int)) {
  open_dialog(a, DLG_TEXT, title, done);
  a->dlg.secret = secret;
}

/* Closes the dialog, then tells its owner (which may open another). */
static void finish(app *a, int ok) {
  dialog d = a->dlg;
  a->dlg.kind = DLG_NONE;
  a->dirty = 1;
  if (d.done) d.done(a, &d, ok);
}

int ft_text_append(char *buf, size_t *len, size_t max, wint_t ch) {
  char mb[MB_LEN_MAX];
  mbstate_t st;
  size_t n;

  memset(&st, 0, sizeof st);
  n = wcrtomb(mb, (wchar_t)ch, &st);
  if (n == (size_t)-1 || *len + n > max) return -1;
  memcpy(buf + *len, mb, n);
  *len += n;
  buf[*len] = '\0';
  return 0;
}

void ft_text_backspace(char *buf, size_t *len) {
  while (*len > 0 && ((unsigned char)buf[*len - 1] & 0xc0) == 0x80) (*len)--;
  if (*len > 0) (*len)--;
  buf[*len] = '\0';
}

static void choose_key(app *a, wint_t ch, int is_key) {
  dialog *d = &a->dlg;
  size_t n = d->items ? d->items->n : 0;

  if (n == 0) {
    finish(a, 0);
    return;
  }
  if ((is_key && ch == KEY_UP) || (!is_key && ch == 'k')) d->sel = d->sel ? d->sel - 1 : n - 1;
  else if ((is_key && ch == KEY_DOWN) || (!is_key && ch == 'j')) d->sel = (d->sel + 1) % n;
  else if (!is_key && ch >= '1' && ch <= '9' && (size_t)(ch - '1') < n) {
    d->sel = (size_t)(ch - '1');
    finish(a, 1);
  }
}

void ft_dialog_key(app *a, wint_t ch, int is_key) {
  dialog *d = &a->dlg;

  a->dirty = 1;
  if (!is_key && ch == KEY_ESCAPE) finish(a, 0);
  else if ((is_key && ch == KEY_ENTER) || (!is_key && (ch == '\n' || ch == '\r')))
    finish(a, d->kind == DLG_TEXT || (d->items && d->items->n > 0));
  else if (d->kind == DLG_CHOOSE) choose_key(a, ch, is_key);
  else if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == CTRL_H || ch == DEL)))
    ft_text_backspace(d->text, &d->len);
  else if (!is_key && ch >= 0x20 && ch != DEL) ft_text_append(d->text, &d->len, FH_NOTE_MAX, ch);
}

/* The end of s that fits in about `cols` columns (whole characters), so
 * that the prompt shows what is being typed. */
static const char *text_tail(const char *s, size_t cols) {
  size_t n = strlen(s);
  const char *p = n > cols ? s + n - cols : s;
  while (((unsigned char)*p & 0xc0) == 0x80) p++;
  return p;
}

static void draw_box(app *a, int top, int left, int h, int w) {
  int attr = ft_caps_attr(&a->caps, CAP_SELECTED);
  for (int y = top; y < top + h; y++) ft_draw_blank(y, left, w, PLAIN);
  ft_draw_blank(top, left, w, attr);
  ft_draw_str(&a->caps, top, left + 1, w - 2, a->dlg.title, attr, 0);
  ft_draw_blank(top + h - 1, left, w, attr);
}

void ft_dialog_draw(app *a) {
  dialog *d = &a->dlg;
  int w = COLS < 64 ? COLS : 64, left = (COLS - w) / 2;
  size_t n = d->kind == DLG_CHOOSE && d->items ? d->items->n : 0;
  int h = d->kind == DLG_CHOOSE ? (int)n + 3 : 4, top;
  char masked[FH_NOTE_MAX + 1];

  if (d->kind == DLG_NONE) return;
  if (h > LINES - 4) h = LINES - 4;
  top = (LINES - h) / 2;
  draw_box(a, top, left, h, w);
  if (d->kind == DLG_CHOOSE) {
    for (size_t i = 0; i < n && (int)i < h - 3; i++) {
      int attr = i == d->sel ? ft_caps_attr(&a->caps, CAP_SELECTED) : PLAIN;
      const char *label = d->labels && d->labels[i] ? d->labels[i] : "";
      ft_draw_fmt(&a->caps, top + 1 + (int)i, left + 2, w - 4, attr, "%s %zu  %-14s %s",
               i == d->sel ? a->caps.g.sel : " ", i + 1, d->items->v[i], label);
    }
    ft_draw_str(&a->caps, top + h - 1, left + 1, w - 2,
             "Enter choose  1-9 pick  Esc cancel",
             ft_caps_attr(&a->caps, CAP_SELECTED), 0);
    return;
  }
  memset(masked, '*', d->len);
  masked[d->len] = '\0';
  ft_draw_fmt(&a->caps, top + 1, left + 2, w - 4, PLAIN, "> %s_",
           text_tail(d->secret ? masked : d->text, (size_t)w - 8));
  ft_draw_str(&a->caps, top + h - 1, left + 1, w - 2, "Enter confirm  Esc cancel",
           ft_caps_attr(&a->caps, CAP_SELECTED), 0);
}
