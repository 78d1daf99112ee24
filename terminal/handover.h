/* handover.h -- the shift handover in floorterm (handover.c). */
#ifndef FT_HANDOVER_H
#define FT_HANDOVER_H

#include "app.h"

/* 1 when this user may take over ml's pending handover now (the role,
 * the lines claim, none already sent). */
int ft_handover_can(const app *a, const model_line *ml);
/* `h` in the line view: handover.ack of the shown line's handover. */
void ft_handover_ack(app *a);
/* The hub answered our handover.ack (ok or err). */
void ft_handover_on_reply(app *a, const act_pending *p, const fh_event *ev);
/* Draws ml's pending handover from row y, at most rows rows; returns the
 * rows used (0 when none is pending). */
int ft_handover_draw(app *a, int y, int rows, const model_line *ml);
/* The board's row naming the lines whose handover is not acknowledged
 * (nothing when none). */
void ft_handover_board_row(app *a, int y);

#endif
