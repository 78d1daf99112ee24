/* session.c -- what the hub connection tells floorterm.
 *
 * The welcome gives the identity (user, role, lines claim) and the hub's
 * clock; an admin token lifts the kiosk lock.  The plant snap gives the
 * lines, whose line/<id> and downtime/<id> topics are subscribed then.  Every snap and upd
 * goes into the model; the news it brings decides the bell: a new andon on
 * a watched line (the kiosk's line, or every line without --line), or an
 * escalation that calls the user's role, flashes that andon and beeps.  A
 * kiosk token's welcome, and the hub's unprompted one that signs a person
 * out, go to signin.c, as do the answers to login and logout.  On
 * a kiosk, a stop of its line's constraint that ended needing a reason
 * opens the reason picker for it (Esc dismisses it; the stop stays in the
 * list).
 */
#include <string.h>

#include <curses.h>

#include "actions.h"
#include "classify.h"
#include "runs.h"
#include "signin.h"
#include "views.h"

#define TOPIC_BUF (FH_ID_MAX + 16) /* "downtime/" + id */
#define SUB_BATCH 64               /* topics per sub */

void ft_ident_from(app_ident *id, const fh_event *ev) {
  fh_mp_cursor c = ev->lines;
  uint32_t n;

  snprintf(id->user, sizeof id->user, "%.*s", (int)ev->user.n, ev->user.p);
  snprintf(id->role, sizeof id->role, "%.*s", (int)ev->role.n, ev->role.p);
  id->nclaim = 0;
  if (fh_mp_read_array(&c, &n) == 0) {
    for (uint32_t i = 0; i < n && id->nclaim < FH_LINES_MAX; i++)
      if (fh_mp_read_strcpy(&c, id->claim[id->nclaim], sizeof id->claim[0]) == 0)
        id->nclaim++;
  }
}

static void take_identity(app *a, const fh_event *w) {
  ft_ident_from(&a->me, w);
  a->skew_ms = w->server_time - ft_app_wall_ms();
  if (a->locked && strcmp(a->me.role, "admin") == 0) {
    a->locked = 0;
    ft_app_log(a, "kiosk unlocked by an admin token");
  }
}

void ft_session_on_state(fh_client *c, const fh_client_state *st, void *arg) {
  app *a = arg;
  (void)c;

  a->online = st->online;
  a->dirty = 1;
  if (!st->online) {
    a->offline_since = st->since;
    snprintf(a->offline_reason, sizeof a->offline_reason, "%s", st->reason);
    ft_app_log(a, "offline: %s", st->reason);
    if (a->npend > 0)
      ft_app_status(a, CAP_WARN, "Offline: %zu action(s) pending, sent when the hub is back",
                 a->npend);
    ft_signin_on_offline(a);
    return;
  }
  a->ever_online = 1;
  take_identity(a, st->welcome);
  ft_app_log(a, "online as %s (%s)", a->me.user, a->me.role);
  if (a->npend > 0)
    ft_app_status(a, CAP_INFO, "Back online: sending %zu pending action(s)", a->npend);
  else
    ft_app_status(a, a->opt.insecure ? CAP_WARN : CAP_NORMAL, "Connected as %s (%s)%s",
                  a->me.user, a->me.role,
                  a->opt.insecure ? ", INSECURE: hub certificate not checked" : "");
  ft_signin_on_welcome(a, 0);
}

void ft_session_on_identity(fh_client *c, const fh_event *w, void *arg) {
  app *a = arg;
  (void)c;

  take_identity(a, w);
  ft_app_log(a, "the hub says we act as %s (%s)", a->me.user, a->me.role);
  ft_signin_on_welcome(a, 1);
  a->dirty = 1;
}

/* Subscribes line/<id>, downtime/<id> and oee/<id> (the scoreboard) of
 * every line of the plant (already known ones are skipped by the client). */
static void subscribe_lines(app *a) {
  static const char *const kinds[] = {"line", "downtime", "oee"};
  char bufs[SUB_BATCH][TOPIC_BUF];
  const char *topics[SUB_BATCH];
  size_t k = 0;

  for (size_t i = 0; i < a->m.nlines; i++) {
    for (size_t t = 0; t < 3; t++) {
      snprintf(bufs[k], sizeof bufs[k], "%s/%s", kinds[t], a->m.lines[i].line.id);
      topics[k] = bufs[k];
      k++;
    }
    if (k + 3 > SUB_BATCH || i + 1 == a->m.nlines) {
      if (fh_client_subscribe(a->client, topics, k) != 0)
        ft_app_log(a, "cannot subscribe the lines");
      k = 0;
    }
  }
  a->lines_subscribed = 1;
}

static int watched(const app *a, const char *line) {
  return a->opt.line == NULL || strcmp(a->opt.line, line) == 0;
}

static void alert(app *a, uint64_t id) {
  a->flash_andon = id;
  a->flash_until = uv_now(a->loop) + APP_FLASH_MS;
  beep();
}

/* A kiosk offers the picker for a stop of its line's constraint that just
 * ended needing a reason, unless a dialog is open already. */
static void offer_picker(app *a, const model_news *news) {
  const model_line *ml;
  const fh_equipment *k;

  if (!a->opt.kiosk || a->opt.line == NULL || a->dlg.kind != DLG_NONE) return;
  ml = ft_model_line_find(&a->m, a->opt.line);
  k = ml ? ft_model_constraint(ml) : NULL;
  for (size_t i = 0; k != NULL && i < news->nrestarted; i++) {
    const fh_downtime *d = ft_model_stop_find(&a->m, news->restarted[i]);
    if (d == NULL || strcmp(d->line, ml->line.id) != 0 || strcmp(d->equipment, k->id) != 0 ||
        ft_classify_pending_on(a, d->id) != NULL || !ft_classify_can(a, d))
      continue;
    beep();
    ft_classify_start(a, d, "Running again: ");
    ft_app_status(a, CAP_ALERT, "Stop %llu of %s needs a reason: pick it, or Esc (it stays "
                  "in the list, d)", (unsigned long long)d->id, d->equipment);
    return;
  }
}

static void on_news(app *a, const model_news *news) {
  offer_picker(a, news);
  for (size_t i = 0; i < news->nraised; i++) {
    const fh_andon *an = ft_model_andon_find(&a->m, news->raised[i]);
    if (an == NULL || !watched(a, an->line)) continue;
    alert(a, an->id);
    ft_app_status(a, CAP_ALERT, "NEW ANDON %llu on %s: %s (raised by %s)",
               (unsigned long long)an->id, an->line, an->kind, an->raised_by);
  }
  for (size_t i = 0; i < news->nescalated; i++) {
    const fh_andon *an = ft_model_andon_find(&a->m, news->escalated[i]);
    const char *role = an ? ft_model_esc_role(&a->m, an->level) : NULL;
    if (role == NULL || strcmp(role, a->me.role) != 0) continue;
    alert(a, an->id);
    ft_app_status(a, CAP_ALERT, "ESCALATED: andon %llu on %s reached level %u: %s is called",
               (unsigned long long)an->id, an->line, an->level, role);
  }
}

void ft_session_on_event(fh_client *c, const fh_event *ev, void *arg) {
  app *a = arg;
  model_news news;
  int rc;
  (void)c;

  rc = ft_model_apply(&a->m, ev, &news);
  if (rc != 0) {
    ft_app_log(a, "could not apply %s of %.*s (%d)", fh_msg_type_name(ev->type),
            (int)ev->topic.n, ev->topic.p, rc);
    return;
  }
  if (ev->type == FH_MSG_SNAP && ev->topic.n == 5 && memcmp(ev->topic.p, "plant", 5) == 0)
    subscribe_lines(a);
  on_news(a, &news);
  a->dirty = 1;
}

void ft_session_on_reply(fh_client *c, const fh_client_req *req,
                      const fh_event *ev, void *arg) {
  app *a = arg;
  (void)c;

  a->dirty = 1;
  if (req->type == FH_MSG_SHIFT_REPORT || req->type == FH_MSG_OEE_HISTORY ||
      req->type == FH_MSG_DT_PARETO) {
    ft_report_on_reply(a, req, ev);
    return;
  }
  if (req->type == FH_MSG_LOGIN || req->type == FH_MSG_LOGOUT) {
    ft_signin_on_reply(a, req, ev);
    return;
  }
  if (req->type == FH_MSG_PING) return; /* a kiosk's keep-alive */
  if (req->type == FH_MSG_RUN_START || req->type == FH_MSG_RUN_END) {
    ft_runs_on_reply(a, req, ev);
    return;
  }
  if (req->type == FH_MSG_SUB || req->type == FH_MSG_UNSUB) {
    if (ev->type == FH_MSG_ERR)
      ft_app_status(a, CAP_BAD, "The hub refused a subscription: %.*s", (int)ev->msg.n,
                 ev->msg.p);
    return;
  }
  ft_actions_on_reply(a, req, ev);
}

void ft_session_on_log(fh_client *c, const char *line, void *arg) {
  (void)c;
  ft_app_log(arg, "client: %s", line);
}
