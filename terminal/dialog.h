/* dialog.h -- modal choosers and text prompts drawn over the view.
 *
 * A dialog is either a list to choose from (andon kinds, reason codes:
 * arrows and Enter, or the item's number) or a one-line text prompt
 * (a note, the kiosk unlock code, masked).  Enter confirms and Esc
 * cancels; either way the dialog closes first and then calls `done`, which
 * may open the next dialog.  The dialog holds no app logic.
 */
#ifndef FT_DIALOG_H
#define FT_DIALOG_H

#include <stddef.h>
#include <wchar.h>

#include "fh_protocol.h"
#include "model.h"

struct app;

typedef enum dlg_kind {
  DLG_NONE = 0, /* no dialog open */
  DLG_CHOOSE,   /* pick one of items */
  DLG_TEXT      /* type a line of text */
} dlg_kind;

typedef struct dialog {
  dlg_kind kind;               /* what is open */
  char title[96];              /* first line of the box */
  const model_names *items;    /* DLG_CHOOSE: the choices (model-owned) */
  const char *const *labels;   /* DLG_CHOOSE: words drawn after each
                                  item, or NULL */
  size_t sel;                  /* DLG_CHOOSE: highlighted item */
  char text[FH_NOTE_MAX + 1];  /* DLG_TEXT: typed so far, UTF-8 */
  size_t len;                  /* bytes in text */
  int secret;                  /* DLG_TEXT: draw '*' instead of text */
  /* Called after the dialog closed: ok 1 on Enter, 0 on Esc; `d` still
   * holds the choice (items->v[sel]) or the text. */
  void (*done)(struct app *a, const struct dialog *d, int ok);
} dialog;

void ft_dialog_choose(struct app *a, const char *title, const model_names *items,
                   void (*done)(struct app *, const dialog *, int));
/* The same with labels[i] drawn after item i (the array outlives the
 * dialog). */
void ft_dialog_choose_labelled(struct app *a, const char *title,
                               const model_names *items,
                               const char *const *labels,
                               void (*done)(struct app *, const dialog *, int));
void ft_dialog_text(struct app *a, const char *title, int secret,
                 void (*done)(struct app *, const dialog *, int));
/* A key while a dialog is open (is_key: ch is a KEY_ code).  Always
 * consumes the key. */
void ft_dialog_key(struct app *a, wint_t ch, int is_key);
void ft_dialog_draw(struct app *a);

/* Line editing shared with the sign-in form: appends the character ch as
 * UTF-8 to buf (len bytes, NUL-terminated), at most max bytes in all;
 * 0, or -1 when it does not fit or is no character (buf unchanged). */
int ft_text_append(char *buf, size_t *len, size_t max, wint_t ch);
/* Removes the last character of buf (a whole UTF-8 sequence). */
void ft_text_backspace(char *buf, size_t *len);

#endif /* FT_DIALOG_H */
