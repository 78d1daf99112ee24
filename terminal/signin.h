/* signin.h -- people signing in at a kiosk (PROTOCOL.md 2.3).
 *
 * A token with role kiosk may read and nothing else; the people who walk up
 * sign in on its session.  While nobody is signed in floorterm shows the
 * sign-in screen instead of the view: a badge reader types digits and
 * Enter, or the person types their user, Tab (or Enter), their PIN (drawn
 * as '*') and Enter.  Signed in, the session acts as them (their role,
 * their lines within the kiosk's) and their name is in the title; Ctrl-O
 * signs out.  Keys pressed while signed in send a `ping` (at most one a
 * second), the only thing that keeps the hub's idle sign-out
 * (--kiosk-idle-logout-s) away; 10 s before it a countdown line warns.
 * The hub's sign-out (its unprompted welcome) or a new connection shows
 * the sign-in screen again.
 */
#ifndef FT_SIGNIN_H
#define FT_SIGNIN_H

#include <wchar.h>

#include "app.h"

#define SIGNIN_WARN_MS 10000 /* the countdown line shows this long before */
#define SIGNIN_PING_MS 1000  /* at most one ping per this while keys come */

/* A welcome arrived and a->me holds its identity: a kiosk role shows the
 * sign-in screen.  hub_signed_out: it was the hub's unprompted welcome
 * (idle sign-out, the user disabled) rather than a new connection's; the
 * status line then says why. */
void ft_signin_on_welcome(app *a, int hub_signed_out);
/* The connection was lost: the person's sign-in ended with it (the
 * sign-in screen shows), a login in flight gets no answer. */
void ft_signin_on_offline(app *a);
/* 1 when the first field holds a badge (digits only, not empty). */
int ft_signin_is_badge(const app_signin *s);
/* 1 while the sign-in screen replaces the view. */
int ft_signin_showing(const app *a);
/* A key on the sign-in screen. */
void ft_signin_key(app *a, wint_t ch, int is_key);
/* Any key while a person is signed in: a ping when the last is a second
 * old, which moves the idle sign-out on. */
void ft_signin_activity(app *a);
/* Ctrl-O: signs the person out (logout). */
void ft_signin_logout(app *a);
/* The hub answered the login or logout of req. */
void ft_signin_on_reply(app *a, const fh_client_req *req, const fh_event *ev);
/* The sign-in screen in the body rows, and its help line. */
void ft_signin_draw(app *a, int top, int rows);
void ft_signin_help_draw(app *a, int y);
/* The idle countdown on row y when it is due; 1 if drawn. */
int ft_signin_countdown_draw(app *a, int y);

#endif /* FT_SIGNIN_H */
