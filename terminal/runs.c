/* runs.c -- run.start and run.end from floorterm (see runs.h). */
#include <string.h>

#include "actions.h"
#include "runs.h"

int ft_runs_can(const app *a, const char *line) {
  static const char *const roles[] = {"operator", "shift_manager", "production_manager",
                                      "admin"};
  if (line == NULL || line[0] == '\0' || !ft_actions_line_claimed(a, line)) return 0;
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
    if (strcmp(a->me.role, roles[i]) == 0) return 1;
  return 0;
}

static void send_run(app *a, fh_msg_type type, const char *product) {
  fh_request req;

  memset(&req, 0, sizeof req);
  req.type = type;
  req.u.run.line = (fh_strv){a->cur_line, strlen(a->cur_line)};
  if (product != NULL) req.u.run.product = (fh_strv){product, strlen(product)};
  if (fh_client_send(a->client, &req, NULL, NULL) != 0)
    ft_app_status(a, CAP_BAD, "Could not send the request");
  else
    ft_app_status(a, CAP_INFO, "%s sent%s", type == FH_MSG_RUN_START ? "Run start" : "Run end",
                  a->online ? "" : " (queued until the hub is back)");
}

static void on_product(app *a, const dialog *d, int ok) {
  if (!ok || d->sel >= a->m.nproducts) {
    ft_app_status(a, CAP_INFO, "Nothing sent");
    return;
  }
  send_run(a, FH_MSG_RUN_START, a->m.products[d->sel].id);
}

void ft_runs_start(app *a) {
  act_pick *p = &a->pick;
  size_t n = a->m.nproducts < APP_PICK_MAX ? a->m.nproducts : APP_PICK_MAX;
  char title[96];

  if (!ft_runs_can(a, a->cur_line)) return;
  if (n == 0) {
    ft_app_status(a, CAP_WARN, "The plant has no products");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    snprintf(p->v[i], sizeof p->v[i], "%.*s", (int)sizeof p->v[i] - 1, a->m.products[i].id);
    snprintf(p->label[i], sizeof p->label[i], "%s", a->m.products[i].name);
    p->lp[i] = p->label[i];
  }
  p->items = (model_names){p->v, n};
  snprintf(title, sizeof title, "Start a run on %s: product", a->cur_line);
  ft_dialog_choose_labelled(a, title, &p->items, p->lp, on_product);
}

void ft_runs_end(app *a) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  if (ml == NULL || ml->run.id == 0 || !ft_runs_can(a, a->cur_line)) return;
  send_run(a, FH_MSG_RUN_END, NULL);
}

void ft_runs_on_reply(app *a, const fh_client_req *req, const fh_event *ev) {
  const char *what = req->type == FH_MSG_RUN_START ? "started" : "ended";
  fh_run r;
  fh_mp_cursor c = ev->body;

  if (ev->type == FH_MSG_ERR) {
    ft_app_status(a, CAP_BAD, "Run not %s: %.*s", what, (int)ev->msg.n, ev->msg.p);
    return;
  }
  memset(&r, 0, sizeof r);
  if (fh_dec_run(&c, &r) != 0) {
    ft_app_status(a, CAP_OK, "Run %s", what);
    return;
  }
  ft_app_status(a, CAP_OK, "Run %llu of %s %s on %s", (unsigned long long)r.id, r.product,
                what, r.line);
}
