/* signin.c -- the sign-in form, login and logout, and the idle keep-alive.
 *
 * The form has two fields: "badge or user" and "PIN".  Enter on the first
 * field sends it as a badge when it is all digits (what a badge reader
 * types, ending with Enter) and otherwise moves to the PIN; Tab (or an
 * arrow) moves between the fields; Enter on the PIN sends user + PIN; Esc
 * clears.  The typed bytes are wiped as soon as the login is handed to
 * fh_client_login (which keeps it on this connection only and wipes its
 * own copies), and never logged or drawn (the PIN, and a first field of
 * digits only, which is a badge, are shown as '*').
 *
 * The hub's answer decides everything: its ok makes the session the person
 * (their role and lines from the ok, their name in the title), an err is
 * said on the status line in words a person at a machine understands.
 * The idle sign-out is the hub's; floorterm only keeps a deadline to warn:
 * the login's expires_at gives the period, and every ping sent (on a key,
 * at most one per SIGNIN_PING_MS) starts it again.  The sign-in screen
 * returns when the hub says so (an unprompted welcome), when a logout is
 * answered, and at once when the connection ends (the hub signs the
 * person out with the session; writes they left pending are refused on
 * the next connection, which starts as the kiosk).
 */
#include <errno.h>
#include <string.h>

#include <curses.h>

#include "signin.h"
#include "views.h"

#define KEY_ESCAPE 27
#define CTRL_H 8
#define DEL 127

static void form_clear(app_signin *s) {
  explicit_bzero(s->who, sizeof s->who);
  explicit_bzero(s->pin, sizeof s->pin);
  s->wholen = s->pinlen = 0;
  s->field = 0;
}

/* The session is the kiosk again: the person's dialog and form go. */
static void become_kiosk(app *a) {
  a->sign.person = 0;
  a->sign.name[0] = '\0';
  a->me = a->sign.kiosk_id;
  a->dlg.kind = DLG_NONE;
  form_clear(&a->sign);
  a->dirty = 1;
}

void ft_signin_on_welcome(app *a, int hub_signed_out) {
  app_signin *s = &a->sign;
  int had = s->person;
  uint64_t now = uv_now(a->loop);

  s->kiosk = strcmp(a->me.role, "kiosk") == 0;
  s->req = 0;
  if (!s->kiosk) {
    s->person = 0;
    return;
  }
  s->kiosk_id = a->me;
  become_kiosk(a);
  if (!had || !hub_signed_out) return; /* a new connection: nobody yet */
  if (now + SIGNIN_PING_MS >= s->deadline)
    ft_app_status(a, CAP_WARN, "Signed out: no key was pressed for %lld s",
                  (long long)(s->idle_ms / 1000));
  else
    ft_app_status(a, CAP_WARN, "Signed out by the hub (the user was disabled or "
                  "locked, or their token ended)");
  ft_app_log(a, "the hub signed the person out");
}

void ft_signin_on_offline(app *a) {
  app_signin *s = &a->sign;

  if (!s->kiosk) return;
  if (s->person) {
    ft_app_log(a, "offline: %s's sign-in ended with the connection", a->me.user);
    become_kiosk(a);
    ft_app_status(a, CAP_WARN, "Offline: the sign-in ended with the connection; "
                  "sign in again when the hub is back");
  } else if (s->req != 0) {
    ft_app_status(a, CAP_WARN, "The connection was lost before the hub answered: "
                  "sign in again when it is back");
  }
  s->req = 0;
}

int ft_signin_showing(const app *a) { return a->sign.kiosk && !a->sign.person; }

static void send_login(app *a, int by_badge) {
  app_signin *s = &a->sign;
  fh_request req;
  int rc;

  memset(&req, 0, sizeof req);
  req.type = FH_MSG_LOGIN;
  if (by_badge) {
    req.u.login.badge = (fh_strv){s->who, s->wholen};
  } else {
    req.u.login.user = (fh_strv){s->who, s->wholen};
    req.u.login.pin = (fh_strv){s->pin, s->pinlen};
  }
  rc = fh_client_login(a->client, &req, &s->req);
  form_clear(s);
  if (rc == 0) {
    ft_app_log(a, "sign-in sent (%s)", by_badge ? "badge" : "user and PIN");
    ft_app_status(a, CAP_INFO, "Checking...");
    return;
  }
  s->req = 0;
  if (rc == -ENOTCONN)
    ft_app_status(a, CAP_WARN, "Not sent: the hub is offline; sign in when it is back");
  else
    ft_app_status(a, CAP_BAD, "The sign-in could not be sent (error %d)", rc);
}

int ft_signin_is_badge(const app_signin *s) {
  for (size_t i = 0; i < s->wholen; i++)
    if (s->who[i] < '0' || s->who[i] > '9') return 0;
  return s->wholen > 0;
}

static void on_enter(app *a) {
  app_signin *s = &a->sign;

  if (s->field == 0) {
    if (ft_signin_is_badge(s)) send_login(a, 1);
    else if (s->wholen > 0) s->field = 1;
    return;
  }
  if (s->wholen == 0) s->field = 0;
  else if (s->pinlen == 0) ft_app_status(a, CAP_WARN, "Type the PIN, then Enter");
  else send_login(a, 0);
}

void ft_signin_key(app *a, wint_t ch, int is_key) {
  app_signin *s = &a->sign;
  char *buf = s->field ? s->pin : s->who;
  size_t *len = s->field ? &s->pinlen : &s->wholen;

  a->dirty = 1;
  if (s->req != 0) return; /* the hub is checking */
  if ((is_key && ch == KEY_ENTER) || (!is_key && (ch == '\n' || ch == '\r')))
    on_enter(a);
  else if (!is_key && ch == KEY_ESCAPE)
    form_clear(s);
  else if ((!is_key && ch == '\t') || (is_key && (ch == KEY_UP || ch == KEY_DOWN)))
    s->field = !s->field;
  else if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == CTRL_H || ch == DEL)))
    ft_text_backspace(buf, len);
  else if (!is_key && ch >= 0x20)
    ft_text_append(buf, len, s->field ? FH_PIN_MAX : FH_BADGE_MAX, ch);
}

void ft_signin_activity(app *a) {
  app_signin *s = &a->sign;
  uint64_t now = uv_now(a->loop);
  fh_request req;

  if (!s->person || !a->online || now - s->last_ping < SIGNIN_PING_MS) return;
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_PING;
  if (fh_client_send(a->client, &req, NULL, NULL) != 0) {
    ft_app_log(a, "cannot queue a ping");
    return;
  }
  s->last_ping = now;
  s->deadline = now + (uint64_t)s->idle_ms;
}

void ft_signin_logout(app *a) {
  fh_request req;
  int rc;

  if (!a->sign.person || a->sign.req != 0) return;
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_LOGOUT;
  rc = fh_client_login(a->client, &req, &a->sign.req);
  if (rc == 0) {
    ft_app_status(a, CAP_INFO, "Signing out...");
    return;
  }
  a->sign.req = 0;
  if (rc == -ENOTCONN) { /* the session, and the sign-in with it, ended */
    become_kiosk(a);
    ft_app_status(a, CAP_OK, "Signed out");
  } else {
    ft_app_status(a, CAP_BAD, "The sign-out could not be sent (error %d)", rc);
  }
}

static void signed_in(app *a, const fh_event *ev) {
  app_signin *s = &a->sign;
  int64_t left = ev->expires_at - ft_app_now_ms(a);

  if (left < 0) left = 0;
  ft_ident_from(&a->me, ev);
  snprintf(s->name, sizeof s->name, "%.*s", (int)ev->name.n, ev->name.p);
  if (s->name[0] == '\0') snprintf(s->name, sizeof s->name, "%s", a->me.user);
  s->person = 1;
  s->idle_ms = (left + 500) / 1000 * 1000;
  s->last_ping = uv_now(a->loop);
  s->deadline = s->last_ping + (uint64_t)left;
  ft_app_log(a, "signed in: %s (%s)", a->me.user, a->me.role);
  ft_app_status(a, CAP_OK, "Signed in: %s (%s). Ctrl-O signs out", s->name, a->me.role);
}

static void refused(app *a, const fh_event *ev) {
  int user_locked = ev->err_key.n > 0 && !(ev->err_key.n == 1 && ev->err_key.p[0] == 't');

  switch (ev->code) {
    case FH_E_UNAUTHORIZED:
      ft_app_status(a, CAP_BAD, "Sign-in refused: badge or PIN not recognised");
      break;
    case FH_E_RATE_LIMITED:
      ft_app_status(a, CAP_BAD, "Sign-in refused: too many attempts, wait (%s)",
                    user_locked ? "this user is locked until an admin unlocks them"
                                : "this kiosk takes no sign-in for a minute");
      break;
    default:
      ft_app_status(a, CAP_BAD, "Sign-in refused: %s: %.*s", fh_err_code_name(ev->code),
                    (int)ev->msg.n, ev->msg.p);
      break;
  }
}

void ft_signin_on_reply(app *a, const fh_client_req *req, const fh_event *ev) {
  app_signin *s = &a->sign;

  if (req->id != s->req) return;
  s->req = 0;
  if (req->type == FH_MSG_LOGOUT && ev->type == FH_MSG_OK) {
    ft_app_log(a, "signed out: %s", a->me.user);
    become_kiosk(a);
    ft_app_status(a, CAP_OK, "Signed out");
  } else if (req->type == FH_MSG_LOGOUT) {
    ft_app_status(a, CAP_BAD, "Sign-out refused: %.*s", (int)ev->msg.n, ev->msg.p);
  } else if (ev->type == FH_MSG_OK) {
    signed_in(a, ev);
  } else {
    refused(a, ev);
  }
}
