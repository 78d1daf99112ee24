/* app.h -- floorterm's state, shared by its modules.
 *
 * One app per process.  main.c owns the loop and the handles; client
 * events flow into the model (model.c) through session.c, keys into
 * input.c, and whatever changes sets `dirty`; the screen is redrawn (ui.c)
 * once per loop iteration at most, from a prepare handle, and by the 1 s
 * tick for the age counters.  Views read the app and the model; only
 * actions.c (andons) and classify.c (stops) send writes, and signin.c
 * signs people in and out at a kiosk token (`me` is then the person).
 */
#ifndef FT_APP_H
#define FT_APP_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <uv.h>

#include "caps.h"
#include "dialog.h"
#include "fh_client.h"
#include "model.h"
#include "permit.h"

#define APP_PENDING_MAX 32 /* actions awaiting the hub's answer */
#define APP_FLASH_MS 10000 /* how long a new andon flashes */
#define APP_PICK_MAX 64    /* entries of a reason picker */

typedef enum view_id {
  VIEW_BOARD = 0, /* every line */
  VIEW_LINE,      /* one line: equipment, OEE, andons */
  VIEW_ANDONS,    /* the andon queue */
  VIEW_REPORT,    /* the closed shift's report */
  VIEW_SCORE,     /* one line's scoreboard: target, actual, run, hours */
  VIEW_STOPS,     /* one line's stops, to give them reasons */
  VIEW__COUNT
} view_id;

/* What the command line asked for. */
typedef struct app_opts {
  const char *url;          /* ws://HOST:PORT/ws or wss:// */
  const char *ca_file;      /* --ca-file: CAs to trust, NULL = the system's */
  int insecure;             /* --insecure: no certificate check (never in
                               kiosk mode) */
  const char *token_file;   /* --token-file, or NULL (FLOORHUB_TOKEN) */
  const char *line;         /* --line: the home line; kiosk's line */
  int kiosk;                /* --kiosk */
  const char *unlock_code;  /* --unlock-code or FLOORTERM_UNLOCK_CODE */
  const char *log_path;     /* --log FILE, or NULL for no log */
} app_opts;

/* A write sent to the hub and not yet answered. */
typedef struct act_pending {
  uint64_t req;             /* fh_client request id */
  act_verb verb;            /* what it does */
  uint64_t andon;           /* target andon, 0 for a raise and classify */
  uint64_t stop;            /* target stop of a classify, 0 otherwise */
  char line[FH_ID_MAX + 1]; /* line of a raise */
  char choice[FH_KIND_MAX + 1]; /* the reason of a classify */
} act_pending;

/* An action being put together in dialogs (kind/reason, then the note). */
typedef struct act_flow {
  act_verb verb;               /* what it will do */
  uint64_t andon;              /* target andon (ack/resolve/cancel) */
  char line[FH_ID_MAX + 1];    /* target line (raise) */
  uint64_t stop;               /* target stop (classify) */
  char choice[FH_KIND_MAX + 1];/* kind or reason chosen */
} act_flow;

/* The entries of the reason picker on screen (categories, then leaves),
 * copied so that a plant snap during the dialog cannot pull them away. */
typedef struct act_pick {
  char v[APP_PICK_MAX][FH_KIND_MAX + 1];  /* codes (category names) */
  char label[APP_PICK_MAX][FH_NAME_MAX + 1]; /* words beside a code */
  const char *lp[APP_PICK_MAX];           /* label[i], for the dialog */
  model_names items;                      /* v as a name list */
} act_pick;

/* The report view's questions in flight (report_history.c); 0: none. */
typedef struct report_asks {
  uint64_t report;             /* shift.report */
  int64_t report_start;        /* ... the shift_start it asked (0: the
                                  last closed) */
  uint64_t shifts;             /* oee.history group shift: shift starts */
  int64_t shifts_from;         /* ... its from */
  uint64_t days;               /* oee.history group day: the day table */
  int64_t days_from;           /* ... its from */
  uint64_t top[MODEL_DAYS];    /* dt.pareto top 1 of each day */
  int step;                    /* a step (-1, +1) waiting for the shift
                                  starts, 0 none */
} report_asks;

/* Who the connection acts as: the welcome's identity, or a person's. */
typedef struct app_ident {
  char user[FH_ID_MAX + 1];    /* user id (token sub, or the person's) */
  char role[FH_KIND_MAX + 1];  /* role name */
  char claim[FH_LINES_MAX][FH_ID_MAX + 1]; /* lines; nclaim 0 = every line */
  size_t nclaim;               /* entries in claim */
} app_ident;

/* The sign-in of people at a kiosk token's session (signin.c). */
typedef struct app_signin {
  int kiosk;                   /* the welcome's role is kiosk */
  int person;                  /* someone is signed in */
  app_ident kiosk_id;          /* the kiosk's own identity, from the welcome */
  char name[FH_NAME_MAX + 1];  /* the signed-in person's display name */
  int field;                   /* the form's field: 0 badge or user, 1 PIN */
  char who[FH_BADGE_MAX + 1];  /* typed badge or user id; wiped when sent */
  size_t wholen;               /* bytes in who */
  char pin[FH_PIN_MAX + 1];    /* typed PIN, drawn as '*'; wiped when sent */
  size_t pinlen;               /* bytes in pin */
  uint64_t req;                /* login or logout in flight, 0 none */
  int64_t idle_ms;             /* the hub's idle sign-out (from the login) */
  uint64_t last_ping;          /* uv_now() of the last ping sent */
  uint64_t deadline;           /* uv_now() ms of the idle sign-out */
} app_signin;

typedef struct app {
  uv_loop_t *loop;             /* the one loop */
  app_opts opt;                /* command line */
  char *token;                 /* JWT, owned; never logged or drawn */
  fh_client *client;           /* the hub connection */
  model m;                     /* the plant as last heard */
  caps caps;                   /* what the terminal can show */
  FILE *log;                   /* --log, or NULL */
  int curses_on;               /* newterm ran and endwin did not */
  void *screen;                /* the curses SCREEN, freed at exit */

  app_ident me;                /* who we act as: the welcome's identity,
                                  or the person signed in at a kiosk */
  int64_t skew_ms;             /* hub clock - our clock, from the welcome */

  int online;                  /* the welcome of this connection arrived */
  int ever_online;             /* some connection got a welcome */
  int64_t offline_since;       /* ms, for the OFFLINE banner */
  char offline_reason[160];    /* why, in words, for the banner */
  struct timespec token_mtime; /* of --token-file when last read */
  int lines_subscribed;        /* the line/<id> topics were subscribed */

  view_id view;                /* the view on screen */
  size_t sel[VIEW__COUNT];     /* selected row per view */
  char cur_line[FH_ID_MAX + 1];/* line of the line and report views */
  int locked;                  /* kiosk lock in force */
  app_signin sign;             /* people signing in at a kiosk token */
  dialog dlg;                  /* the open dialog, if any */
  act_flow flow;               /* the action the dialog builds */
  act_pick pick;               /* the reason picker's entries */
  act_pending pend[APP_PENDING_MAX]; /* writes awaiting an answer */
  size_t npend;                /* entries in pend */
  char status[256];            /* the status line */
  cap_style status_style;      /* how it is drawn */
  report_asks ask;             /* the report view's questions in flight */
  uint64_t flash_andon;        /* andon that flashes, 0 none */
  uint64_t flash_until;        /* uv_now() ms when the flash ends */
  int quit_armed;              /* q pressed once with writes pending */
  int dirty;                   /* the screen needs a redraw */
  int stopping;                /* ft_app_stop ran */
  int exit_code;               /* process exit status */

  uv_poll_t input;             /* stdin readable */
  uv_timer_t tick;             /* 1 s: age counters, clock, flash */
  uv_prepare_t redraw;         /* draws when dirty, once per iteration */
  uv_signal_t sig_term;        /* SIGTERM */
  uv_signal_t sig_int;         /* SIGINT */
  uv_signal_t sig_hup;         /* SIGHUP */
  uv_signal_t sig_winch;       /* SIGWINCH */
} app;

/* main.c */
/* Leaves: restores the terminal, closes the client and the handles; the
 * loop then ends.  Safe to call more than once. */
void ft_app_stop(app *a, int exit_code);
/* Wall-clock ms by our clock. */
int64_t ft_app_wall_ms(void);
/* Wall-clock ms as the hub sees it (our clock + skew). */
int64_t ft_app_now_ms(const app *a);
void ft_app_log(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the status line and marks the screen dirty. */
void ft_app_status(app *a, cap_style style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* token.c */
/* Reads the token: the file when path is given, else $FLOORHUB_TOKEN;
 * trailing white space is dropped.  A malloc'ed string, or NULL with a
 * message in err. */
char *ft_token_load(const char *path, char *err, size_t errlen);
/* While offline: re-reads a changed --token-file for the next attempt. */
void ft_token_reload(app *a);

/* session.c: the client's callbacks. */
/* The user, role and lines of a welcome or of a login's ok into id. */
void ft_ident_from(app_ident *id, const fh_event *ev);
void ft_session_on_state(fh_client *c, const fh_client_state *st, void *arg);
void ft_session_on_event(fh_client *c, const fh_event *ev, void *arg);
void ft_session_on_reply(fh_client *c, const fh_client_req *req,
                      const fh_event *ev, void *arg);
void ft_session_on_log(fh_client *c, const char *line, void *arg);
void ft_session_on_identity(fh_client *c, const fh_event *w, void *arg);

#endif /* FT_APP_H */
