/* handover.c -- the shift handover on floorterm's screens: the block of
 * the line view, the board's "handover not acknowledged" row, and taking a
 * shift over (`h`: handover.ack, PROTOCOL.md section 12).
 *
 * The handover comes with the line/<id> topic (model_handover.c) and is
 * there until someone acknowledges it.  Taking over is a write like an
 * andon acknowledge: fh_client_send gives it its idempotency key, it is
 * remembered in a->pend (the screen says "sent" or "pending"), and done
 * only when the hub's ok arrives; the hub's upd {handover: nil} then
 * clears the block.
 */
#include <string.h>

#include <curses.h>

#include "actions.h"
#include "draw.h"
#include "handover.h"
#include "permit.h"
#include "views.h"

static const act_pending *pending_on(const app *a, const char *line) {
  for (size_t i = 0; i < a->npend; i++)
    if (a->pend[i].verb == ACT_TAKEOVER && strcmp(a->pend[i].line, line) == 0)
      return &a->pend[i];
  return NULL;
}

int ft_handover_can(const app *a, const model_line *ml) {
  return ml != NULL && ml->ho.pending &&
         ft_permit_allows(a->me.role, a->me.user, ACT_TAKEOVER, NULL) &&
         ft_actions_line_claimed(a, ml->line.id) && pending_on(a, ml->line.id) == NULL;
}

void ft_handover_ack(app *a) {
  const model_line *ml = ft_model_line_find(&a->m, a->cur_line);
  fh_request req;
  uint64_t id;

  if (a->view != VIEW_LINE || !ft_handover_can(a, ml)) return;
  if (a->npend == APP_PENDING_MAX) {
    ft_app_status(a, CAP_BAD, "Too many actions waiting for the hub: try again later");
    return;
  }
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_HANDOVER_ACK;
  req.u.handover.line = (fh_strv){ml->line.id, strlen(ml->line.id)};
  req.u.handover.shift_start = ml->ho.shift_start;
  if (fh_client_send(a->client, &req, NULL, &id) != 0) {
    ft_app_status(a, CAP_BAD, "Taking over %s could not be queued", ml->line.id);
    return;
  }
  a->pend[a->npend] = (act_pending){.req = id, .verb = ACT_TAKEOVER};
  snprintf(a->pend[a->npend].line, sizeof a->pend[a->npend].line, "%s", ml->line.id);
  a->npend++;
  ft_app_status(a, CAP_INFO, "Handover of %s %s", ml->line.id,
                a->online ? "sent, waiting for the hub" : "pending: offline, sent when the hub is back");
}

void ft_handover_on_reply(app *a, const act_pending *p, const fh_event *ev) {
  if (ev->type == FH_MSG_OK)
    ft_app_status(a, CAP_OK, "Handover of %s taken over%s", p->line,
                  ev->replay ? " (it had been done already)" : "");
  else
    ft_app_status(a, CAP_BAD, "Taking over %s refused: %s: %.*s", p->line,
                  fh_err_code_name(ev->code), (int)ev->msg.n, ev->msg.p);
}

int ft_handover_draw(app *a, int y, int rows, const model_line *ml) {
  const model_handover *h = &ml->ho;
  char pct[16];
  int used = 0;

  if (!h->pending || rows <= 0) return 0;
  ft_draw_fmt(&a->caps, y, 1, COLS - 2, ft_caps_attr(&a->caps, CAP_BAD),
              "HANDOVER not acknowledged: shift %s %s %zu notes, %u open andons, "
              "%u unclassified stops, OEE %s%s", h->shift, a->caps.g.dot, h->nnotes,
              h->open_andons, h->unclassified, ft_fmt_pct(pct, sizeof pct, h->oee),
              pending_on(a, ml->line.id) ? " (taking over...)" : "");
  used++;
  for (size_t i = 0; i < h->nnotes && i < MODEL_HO_NOTES && used < rows && used < 4; i++)
    ft_draw_fmt(&a->caps, y + used++, 3, COLS - 4, PLAIN, "note: %s (%s)", h->notes[i].text,
                h->notes[i].by);
  return used;
}

void ft_handover_board_row(app *a, int y) {
  char buf[200];
  size_t n = 0, len = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < a->m.nlines; i++) {
    if (!a->m.lines[i].ho.pending) continue;
    n++;
    if (len + strlen(a->m.lines[i].line.id) + 2 < sizeof buf)
      len += (size_t)snprintf(buf + len, sizeof buf - len, " %s", a->m.lines[i].line.id);
  }
  if (n > 0)
    ft_draw_fmt(&a->caps, y, 2, COLS - 4, ft_caps_attr(&a->caps, CAP_BAD),
                "handover not acknowledged:%s %s open the line, h takes over", buf, a->caps.g.dot);
}
