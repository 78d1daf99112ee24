/* actions.c -- raise, acknowledge, resolve, cancel.
 *
 * Who may do what is permit.c.  A verb starts from a key on the current
 * selection.  Raise asks for the
 * kind (the plant's list) and an optional note; resolve for the reason
 * (the plant's list) and a note; cancel for a note (Esc keeps the andon);
 * ack is sent at once.  Every write goes through fh_client_send, which
 * gives it an idempotency key and keeps it until the hub answers, also
 * across reconnects.  The write is remembered in a->pend so that the
 * screen can say "pending"; it is reported done only when the hub's ok
 * arrives (an ok with replay:true is the result of the first execution).
 * Classifying a stop is classify.c; its answer is handed over there.
 */
#include <string.h>

#include "actions.h"
#include "classify.h"
#include "handover.h"
#include "permit.h"
#include "views.h"

int ft_actions_line_claimed(const app *a, const char *line) {
  if (a->me.nclaim == 0 || strcmp(a->me.role, "admin") == 0) return 1;
  for (size_t i = 0; i < a->me.nclaim; i++)
    if (strcmp(a->me.claim[i], line) == 0) return 1;
  return 0;
}

int ft_actions_can(const app *a, act_verb v, const fh_andon *andon,
                const char *line) {
  if (!ft_permit_allows(a->me.role, a->me.user, v, andon)) return 0;
  if (v == ACT_RAISE) return line != NULL && ft_actions_line_claimed(a, line);
  return andon == NULL || ft_actions_line_claimed(a, andon->line);
}

const char *ft_actions_verb_name(act_verb v) {
  static const char *const names[ACT__COUNT] = {"Raise", "Acknowledge",
                                                "Resolve", "Cancel", "Classify",
                                                "Take over"};
  return (unsigned)v < ACT__COUNT ? names[v] : "?";
}

/* "raised", "acknowledged", ...: what the andon is after the verb. */
static const char *verb_done(act_verb v) {
  static const char *const names[ACT__COUNT] = {"raised", "acknowledged",
                                                "resolved", "cancelled", "classified",
                                                "taken over"};
  return (unsigned)v < ACT__COUNT ? names[v] : "?";
}

const act_pending *ft_actions_pending_on(const app *a, uint64_t andon) {
  for (size_t i = 0; i < a->npend; i++)
    if (andon != 0 && a->pend[i].andon == andon) return &a->pend[i];
  return NULL;
}

/* Sends the write the flow describes, with an optional note. */
static void send_flow(app *a, const char *note) {
  act_flow *f = &a->flow;
  static const fh_msg_type types[ACT__COUNT] = {FH_MSG_ANDON_RAISE, FH_MSG_ANDON_ACK,
                                                FH_MSG_ANDON_RESOLVE, FH_MSG_ANDON_CANCEL,
                                                FH_MSG_DT_CLASSIFY};
  fh_request req;
  uint64_t id;
  fh_strv note_v = {note, note ? strlen(note) : 0};
  int rc;

  if (a->npend == APP_PENDING_MAX) {
    ft_app_status(a, CAP_BAD, "Too many actions waiting for the hub: try again later");
    return;
  }
  memset(&req, 0, sizeof req);
  req.type = types[f->verb];
  if (f->verb == ACT_RAISE) {
    req.u.raise.line = (fh_strv){f->line, strlen(f->line)};
    req.u.raise.kind = (fh_strv){f->choice, strlen(f->choice)};
    req.u.raise.note = note_v;
  } else {
    req.u.andon_op.andon = f->andon;
    req.u.andon_op.reason = (fh_strv){f->choice, strlen(f->choice)};
    req.u.andon_op.note = note_v;
  }
  rc = fh_client_send(a->client, &req, NULL, &id);
  if (rc != 0) {
    ft_app_status(a, CAP_BAD, "%s could not be queued (error %d)", ft_actions_verb_name(f->verb), rc);
    return;
  }
  a->pend[a->npend++] = (act_pending){.req = id, .verb = f->verb, .andon = f->andon};
  memcpy(a->pend[a->npend - 1].line, f->line, sizeof f->line);
  if (f->verb == ACT_RAISE)
    ft_app_status(a, CAP_INFO, "Raise on %s (%s) %s", f->line, f->choice,
               a->online ? "sent, waiting for the hub" : "pending: offline, sent when the hub is back");
  else
    ft_app_status(a, CAP_INFO, "%s of andon %llu %s", ft_actions_verb_name(f->verb),
               (unsigned long long)f->andon,
               a->online ? "sent, waiting for the hub" : "pending: offline, sent when the hub is back");
}

static void on_note(app *a, const dialog *d, int ok) {
  if (!ok) {
    ft_app_status(a, CAP_NORMAL, "%s: nothing was sent", ft_actions_verb_name(a->flow.verb));
    return;
  }
  send_flow(a, d->text);
}

static void on_choice(app *a, const dialog *d, int ok) {
  char title[96];

  if (!ok) {
    ft_app_status(a, CAP_NORMAL, "%s: nothing was sent", ft_actions_verb_name(a->flow.verb));
    return;
  }
  snprintf(a->flow.choice, sizeof a->flow.choice, "%s", d->items->v[d->sel]);
  snprintf(title, sizeof title, "%s (%s): note, optional", ft_actions_verb_name(a->flow.verb),
           a->flow.choice);
  ft_dialog_text(a, title, 0, on_note);
}

void ft_actions_start(app *a, act_verb v) {
  const fh_andon *an = v == ACT_RAISE ? NULL : ft_ui_selected_andon(a);
  const char *line = v == ACT_RAISE ? ft_ui_target_line(a) : NULL;
  char title[96];

  if ((v != ACT_RAISE && an == NULL) || !ft_actions_can(a, v, an, line)) return;
  memset(&a->flow, 0, sizeof a->flow);
  a->flow.verb = v;
  if (v == ACT_RAISE) {
    if (a->m.kinds.n == 0) {
      ft_app_status(a, CAP_WARN, "The plant's andon kinds are not known yet");
      return;
    }
    snprintf(a->flow.line, sizeof a->flow.line, "%s", line);
    snprintf(title, sizeof title, "Raise an andon on %s: kind", line);
    ft_dialog_choose(a, title, &a->m.kinds, on_choice);
    return;
  }
  a->flow.andon = an->id;
  if (v == ACT_ACK) {
    send_flow(a, NULL);
  } else if (v == ACT_RESOLVE) {
    snprintf(title, sizeof title, "Resolve andon %llu: reason", (unsigned long long)an->id);
    ft_dialog_choose(a, title, &a->m.reasons, on_choice);
  } else {
    snprintf(title, sizeof title, "Cancel andon %llu: note (optional), Esc keeps it",
             (unsigned long long)an->id);
    ft_dialog_text(a, title, 0, on_note);
  }
}

static void report_done(app *a, const act_pending *p, const fh_event *ev) {
  fh_andon an;
  fh_mp_cursor c = ev->body;
  const char *again = ev->replay ? " (it had been done already)" : "";

  memset(&an, 0, sizeof an);
  if (ev->body_key.n > 0) fh_dec_andon(&c, &an);
  if (p->verb == ACT_RAISE)
    ft_app_status(a, CAP_OK, "Andon %llu raised on %s%s", (unsigned long long)an.id,
               p->line, again);
  else
    ft_app_status(a, CAP_OK, "Andon %llu %s%s", (unsigned long long)p->andon,
               verb_done(p->verb), again);
}

void ft_actions_on_reply(app *a, const fh_client_req *req, const fh_event *ev) {
  act_pending p;
  size_t i;

  for (i = 0; i < a->npend && a->pend[i].req != req->id; i++) {}
  if (i == a->npend) return;
  p = a->pend[i];
  a->pend[i] = a->pend[--a->npend];
  if (p.verb == ACT_CLASSIFY) {
    ft_classify_on_reply(a, &p, ev);
    return;
  }
  if (p.verb == ACT_TAKEOVER) {
    ft_handover_on_reply(a, &p, ev);
    return;
  }
  if (ev->type == FH_MSG_OK) {
    report_done(a, &p, ev);
    return;
  }
  if (p.verb == ACT_RAISE)
    ft_app_status(a, CAP_BAD, "Raise on %s refused: %s: %.*s", p.line,
               fh_err_code_name(ev->code), (int)ev->msg.n, ev->msg.p);
  else
    ft_app_status(a, CAP_BAD, "%s of andon %llu refused: %s: %.*s",
               ft_actions_verb_name(p.verb), (unsigned long long)p.andon,
               fh_err_code_name(ev->code), (int)ev->msg.n, ev->msg.p);
}
