/* classify.c -- giving a stop its reason (dt.classify) in three keys.
 *
 * The picker is drawn from the plant's reason tree: first the categories a
 * stop may take (unplanned, changeover, planned, small_stop: those with
 * leaves), each with its digit, then the leaves of the chosen category,
 * then the optional note, which Enter leaves empty.  So a reason takes a
 * category digit, a reason digit and Enter.  The write goes through
 * fh_client_send like every andon write: an idempotency key, kept in the
 * outbox until the hub answers, also across reconnects, so a classification
 * made offline shows as pending and takes effect once.  The stop list
 * shows "pending" until the hub's ok arrives.
 */
#include <string.h>

#include "actions.h"
#include "classify.h"
#include "permit.h"

int ft_classify_can(const app *a, const fh_downtime *d) {
  if (!ft_permit_allows(a->me.role, a->me.user, ACT_CLASSIFY, NULL)) return 0;
  return d == NULL || ft_actions_line_claimed(a, d->line);
}

const act_pending *ft_classify_pending_on(const app *a, uint64_t stop) {
  for (size_t i = 0; i < a->npend; i++)
    if (a->pend[i].verb == ACT_CLASSIFY && a->pend[i].stop == stop) return &a->pend[i];
  return NULL;
}

static void send_classify(app *a, const char *note) {
  act_flow *f = &a->flow;
  fh_request req;
  uint64_t id;
  act_pending *p;
  int rc;

  if (a->npend == APP_PENDING_MAX) {
    ft_app_status(a, CAP_BAD, "Too many actions waiting for the hub: try again later");
    return;
  }
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_DT_CLASSIFY;
  req.u.dt.event = f->stop;
  req.u.dt.reason = (fh_strv){f->choice, strlen(f->choice)};
  req.u.dt.note = (fh_strv){note, note ? strlen(note) : 0};
  if ((rc = fh_client_send(a->client, &req, NULL, &id)) != 0) {
    ft_app_status(a, CAP_BAD, "Classification could not be queued (error %d)", rc);
    return;
  }
  p = &a->pend[a->npend++];
  *p = (act_pending){.req = id, .verb = ACT_CLASSIFY, .stop = f->stop};
  memcpy(p->choice, f->choice, sizeof p->choice);
  ft_app_status(a, CAP_INFO, "Stop %llu: %s %s", (unsigned long long)f->stop, f->choice,
                a->online ? "sent, waiting for the hub"
                          : "pending: offline, sent when the hub is back");
}

static void nothing_sent(app *a) {
  ft_app_status(a, CAP_NORMAL, "Stop %llu: no reason given; it stays in the list (d)",
                (unsigned long long)a->flow.stop);
}

static void on_note(app *a, const dialog *d, int ok) {
  if (!ok) nothing_sent(a);
  else send_classify(a, d->text);
}

static void on_leaf(app *a, const dialog *d, int ok) {
  char title[96];

  if (!ok) {
    nothing_sent(a);
    return;
  }
  snprintf(a->flow.choice, sizeof a->flow.choice, "%s", d->items->v[d->sel]);
  snprintf(title, sizeof title, "Stop %llu (%s): note, optional; Enter sends",
           (unsigned long long)a->flow.stop, a->flow.choice);
  ft_dialog_text(a, title, 0, on_note);
}

/* Fills the picker with the leaves of category cat and opens it. */
static void choose_leaf(app *a, const char *cat) {
  const model_reason *leaves[APP_PICK_MAX];
  act_pick *p = &a->pick;
  size_t n = ft_model_leaves_of(&a->m, cat, leaves, APP_PICK_MAX);
  char title[96];

  if (n > APP_PICK_MAX) n = APP_PICK_MAX;
  for (size_t i = 0; i < n; i++) {
    snprintf(p->v[i], sizeof p->v[i], "%s", leaves[i]->code);
    snprintf(p->label[i], sizeof p->label[i], "%s", leaves[i]->name);
    p->lp[i] = p->label[i];
  }
  p->items = (model_names){p->v, n};
  snprintf(title, sizeof title, "Stop %llu, %s: reason", (unsigned long long)a->flow.stop, cat);
  ft_dialog_choose_labelled(a, title, &p->items, p->lp, on_leaf);
}

static void on_category(app *a, const dialog *d, int ok) {
  char cat[FH_KIND_MAX + 1];

  if (!ok) {
    nothing_sent(a);
    return;
  }
  snprintf(cat, sizeof cat, "%s", d->items->v[d->sel]);
  choose_leaf(a, cat);
}

void ft_classify_start(app *a, const fh_downtime *d, const char *why) {
  static const char *const words[] = {"breakdowns", "setup, adjustment",
                                      "breaks, meetings, no orders", "small stops"};
  static const char *const cats[] = {"unplanned", "changeover", "planned", "small_stop"};
  const char *list[APP_PICK_MAX];
  act_pick *p = &a->pick;
  size_t n = ft_model_stop_categories(&a->m, list, APP_PICK_MAX);
  char title[96];

  if (d == NULL || !ft_classify_can(a, d)) return;
  if (n == 0) {
    ft_app_status(a, CAP_WARN, "The plant's reason tree is not known yet");
    return;
  }
  memset(&a->flow, 0, sizeof a->flow);
  a->flow.verb = ACT_CLASSIFY;
  a->flow.stop = d->id;
  for (size_t i = 0; i < n; i++) {
    snprintf(p->v[i], sizeof p->v[i], "%s", list[i]);
    p->label[i][0] = '\0';
    for (size_t k = 0; k < sizeof cats / sizeof cats[0]; k++)
      if (strcmp(cats[k], list[i]) == 0) snprintf(p->label[i], sizeof p->label[i], "%s", words[k]);
    p->lp[i] = p->label[i];
  }
  p->items = (model_names){p->v, n};
  snprintf(title, sizeof title, "%sStop %llu on %s: category", why ? why : "",
           (unsigned long long)d->id, d->equipment);
  ft_dialog_choose_labelled(a, title, &p->items, p->lp, on_category);
}

void ft_classify_on_reply(app *a, const act_pending *p, const fh_event *ev) {
  fh_downtime d;
  fh_mp_cursor c = ev->body;

  if (ev->type != FH_MSG_OK) {
    ft_app_status(a, CAP_BAD, "Classification of stop %llu refused: %s: %.*s",
                  (unsigned long long)p->stop, fh_err_code_name(ev->code), (int)ev->msg.n,
                  ev->msg.p);
    return;
  }
  if (ev->body_key.n > 0 && fh_dec_downtime(&c, &d) == 0) ft_model_stop_put(&a->m, &d, NULL);
  ft_app_status(a, CAP_OK, "Stop %llu classified: %s%s", (unsigned long long)p->stop, p->choice,
                ev->replay ? " (it had been done already)" : "");
}
