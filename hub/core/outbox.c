/* outbox.c -- notifications into the batch of their event (see outbox.h).
 *
 * Each delivery becomes one record keyed by its delivery id,
 * "<event>.<channel>[.<person>]" (e.g. "andon-17-esc-2.mail.anna"): the
 * event part is stable (notify_event_key), so a retry, a restart or a
 * replay carries the same id and receivers can drop duplicates.  The ids
 * queued in the current batch are collected in h->outbox_new; commit.c
 * hands them on with the batch and reports them after the commit.
 */
#include "downtime.h"
#include "outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "notify_record.h"

static int queue_entry(hub *h, const notify_entry *e) {
  int rc = outbox_update(h, e);
  if (rc == 0) rc = fh_buf_append(&h->outbox_new, e->id, strlen(e->id) + 1);
  return rc;
}

/* Fills the delivery part of e for target t; -ENOSPC when the id is too
 * long (never with ids of the notify file's limits). */
static int fill_target(const notify_cfg *c, const notify_target *t,
                       const char *event, notify_entry *e) {
  const char *ch = t->channel >= 0 ? c->channels[t->channel].id
                                   : NOTIFY_PEOPLE_CHANNEL;
  const notify_person *p = t->person >= 0 ? &c->people[t->person] : NULL;
  int n = snprintf(e->id, sizeof e->id, "%s.%s%s%s", event, ch, p ? "." : "",
                   p ? p->id : "");
  if (n < 0 || (size_t)n >= sizeof e->id) return -ENOSPC;
  snprintf(e->channel, sizeof e->channel, "%s", ch);
  snprintf(e->person, sizeof e->person, "%s", p ? p->id : "");
  e->to[0] = '\0';
  if (p != NULL)
    snprintf(e->to, sizeof e->to, "%s", t->channel >= 0 ? p->email : p->webhook);
  e->drop_if_ack = t->rule >= 0 ? c->rules[t->rule].drop_if_acknowledged : 1;
  return 0;
}

static void make_link(const notify_cfg *c, const char *frag, char *buf,
                      size_t cap) {
  size_t n = strlen(c->public_url);
  buf[0] = '\0';
  if (n > 0)
    snprintf(buf, cap, "%s%s%s", c->public_url,
             c->public_url[n - 1] == '/' ? "" : "/", frag);
}

/* Queues one record per delivery of ev, each a copy of *proto. */
static int queue_targets(hub *h, const notify_cfg *cfg, const notify_event *ev,
                         const char *event, const notify_entry *proto) {
  notify_target *t = malloc(NOTIFY_TARGETS_MAX * sizeof *t);
  notify_entry *e = malloc(sizeof *e);
  size_t n;
  int rc = 0;

  if (t == NULL || e == NULL) {
    rc = -ENOMEM;
    goto fail;
  }
  n = notify_targets(cfg, ev, t, NOTIFY_TARGETS_MAX);
  for (size_t i = 0; i < n && rc == 0; i++) {
    *e = *proto;
    rc = fill_target(cfg, &t[i], event, e);
    if (rc == 0) rc = queue_entry(h, e);
  }
  if (n > 0 && rc == 0)
    log_info("notify: %s queued for %zu deliveries", event, n);
fail:
  free(t);
  free(e);
  return rc;
}

static const char *current_shift(hub *h) {
  return h->model->in_shift && h->model->shift.def ? h->model->shift.def->name
                                                   : NULL;
}

/* The deliveries of andon event `on` (its repeat-th reminder, 0: the
 * event itself) under the rules of cfg. */
static int andon_event(hub *h, const notify_cfg *cfg, notify_on on,
                       const fh_andon *a, uint32_t repeat) {
  const plant *pl = h->plant;
  const plant_line *line = plant_line_find(pl, a->line, strlen(a->line));
  notify_event ev = {on, a, -1, current_shift(h), repeat, NULL, NULL, 0};
  notify_entry *proto;
  char event[NOTIFY_EID_MAX + 1];
  int64_t now = hub_now_ms(h);
  int rc;

  if (a->level > 0 && a->level <= pl->nescalation)
    ev.level_role = (int)pl->escalation[a->level - 1].role;
  if (notify_event_key(&ev, 0, event, sizeof event) != 0) return -ENOSPC;
  if ((proto = calloc(1, sizeof *proto)) == NULL) return -ENOMEM;
  proto->on = on;
  proto->has_andon = 1;
  proto->andon = *a;
  proto->level_role = ev.level_role;
  proto->created_ms = now;
  proto->next_ms = now;
  notify_andon_text(&ev, line ? line->name : NULL, now, proto->text,
                    sizeof proto->text);
  if (repeat > 0) {
    size_t len = strlen(proto->text);
    snprintf(proto->text + len, sizeof proto->text - len, " (reminder %u)", repeat);
  }
  make_link(cfg, "#/andons", proto->link, sizeof proto->link);
  rc = queue_targets(h, cfg, &ev, event, proto);
  free(proto);
  return rc;
}

int outbox_andon(hub *h, notify_on on, const fh_andon *a) {
  return h->notify == NULL ? 0 : andon_event(h, h->notify, on, a, 0);
}

int outbox_andon_repeat(hub *h, size_t rule, const fh_andon *a, uint32_t n) {
  notify_cfg one;
  if (h->notify == NULL || rule >= h->notify->nrules) return -EINVAL;
  one = *h->notify;
  one.rules = &h->notify->rules[rule];
  one.nrules = 1;
  return andon_event(h, &one, one.rules[0].on, a, n);
}

int outbox_equipment_down(hub *h, size_t rule, size_t ei, int64_t now) {
  const plant_equipment *pe = &h->plant->equipment[ei];
  const plant_line *line = &h->plant->lines[pe->line];
  const fh_equipment *eq = &h->model->eqs[ei].e;
  const notify_rule *r;
  notify_cfg one;
  notify_event ev = {NOTIFY_ON_EQUIPMENT_DOWN, NULL, -1, current_shift(h), 0,
                     line->id, pe->id, 0};
  notify_entry *proto;
  char event[NOTIFY_EID_MAX + 1];
  int rc;

  if (h->notify == NULL || rule >= h->notify->nrules) return -EINVAL;
  one = *h->notify;
  r = one.rules = &h->notify->rules[rule];
  one.nrules = 1;
  ev.after_s = r->after_s;
  if (notify_event_key(&ev, eq->since, event, sizeof event) != 0) return -ENOSPC;
  if ((proto = calloc(1, sizeof *proto)) == NULL) return -ENOMEM;
  proto->on = NOTIFY_ON_EQUIPMENT_DOWN;
  proto->level_role = -1;
  proto->created_ms = proto->next_ms = now;
  snprintf(proto->text, sizeof proto->text, "DOWN %s %s: %s down for %lld min%s%s",
           line->id, line->name, pe->name, (long long)((now - eq->since) / 60000),
           eq->reason[0] ? ", reason " : "", eq->reason);
  make_link(&one, "#/", proto->link, sizeof proto->link);
  rc = queue_targets(h, &one, &ev, event, proto);
  free(proto);
  return rc;
}

int outbox_stop_unclassified(hub *h, size_t rule, const dt_event *ev,
                             int64_t now) {
  const plant_equipment *pe =
      plant_equipment_find(h->plant, ev->d.equipment, strlen(ev->d.equipment));
  const plant_line *line;
  notify_cfg one;
  notify_event nev = {NOTIFY_ON_DOWNTIME_UNCLASSIFIED, NULL, -1, current_shift(h),
                      0, ev->d.line, ev->d.equipment, 0};
  notify_entry *proto;
  char event[NOTIFY_EID_MAX + 1], frag[FH_ID_MAX + 16];
  int rc;

  if (h->notify == NULL || rule >= h->notify->nrules || pe == NULL) return -EINVAL;
  line = &h->plant->lines[pe->line];
  one = *h->notify;
  one.rules = &h->notify->rules[rule];
  one.nrules = 1;
  nev.after_s = one.rules[0].after_s;
  if (notify_event_key(&nev, (int64_t)ev->d.id, event, sizeof event) != 0) return -ENOSPC;
  if ((proto = calloc(1, sizeof *proto)) == NULL) return -ENOMEM;
  proto->on = NOTIFY_ON_DOWNTIME_UNCLASSIFIED;
  proto->level_role = -1;
  proto->created_ms = proto->next_ms = now;
  snprintf(proto->text, sizeof proto->text,
           "UNCLASSIFIED %s %.80s: stop %llu of %.80s, %lld min without a reason%s",
           line->id, line->name, (unsigned long long)ev->d.id, pe->name,
           (long long)((now - ev->d.start) / 60000), ev->d.end ? "" : " (still stopped)");
  snprintf(frag, sizeof frag, "#/downtime/%s", line->id);
  make_link(&one, frag, proto->link, sizeof proto->link);
  rc = queue_targets(h, &one, &nev, event, proto);
  free(proto);
  return rc;
}

int outbox_shift_closed(hub *h, const char *shift, int64_t start_ms,
                        const char *text, const char *html) {
  notify_event ev = {NOTIFY_ON_SHIFT_CLOSED, NULL, -1, shift, 0, NULL, NULL, 0};
  notify_entry *proto;
  char event[NOTIFY_EID_MAX + 1];
  int rc;

  if (h->notify == NULL) return 0;
  if (notify_event_key(&ev, start_ms, event, sizeof event) != 0) return -ENOSPC;
  if ((proto = calloc(1, sizeof *proto)) == NULL) return -ENOMEM;
  proto->on = NOTIFY_ON_SHIFT_CLOSED;
  proto->level_role = -1;
  proto->created_ms = proto->next_ms = hub_now_ms(h);
  snprintf(proto->text, sizeof proto->text, "SHIFT CLOSED %s: %s", shift,
           h->plant->name);
  make_link(h->notify, "#/", proto->link, sizeof proto->link);
  proto->report = (char *)text; /* borrowed while queued (copied) */
  proto->report_html = (char *)html;
  rc = queue_targets(h, h->notify, &ev, event, proto);
  free(proto);
  return rc;
}

static int get_cb(void *arg, const void *key, size_t klen, const void *val,
                  size_t vlen) {
  (void)key;
  (void)klen;
  return notify_record_decode(val, vlen, arg) == 0 ? 1 : -EBADMSG;
}

int outbox_get(hub *h, const char *id, notify_entry *e) {
  int rc = fh_store_get(h->store, FH_T_OUTBOX, id, strlen(id), get_cb, e);
  return rc == 1 ? 0 : rc;
}

typedef struct scan_ctx {
  int (*cb)(void *arg, notify_entry *e); /* the caller's */
  void *arg;                             /* its argument */
} scan_ctx;

static int scan_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  scan_ctx *sc = arg;
  notify_entry e;
  if (notify_record_decode(val, vlen, &e) != 0) {
    log_warn("notify: outbox record '%.*s' is unreadable; skipped", (int)klen,
             (const char *)key);
    return 0;
  }
  return sc->cb(sc->arg, &e);
}

int outbox_scan(hub *h, int (*cb)(void *arg, notify_entry *e), void *arg) {
  scan_ctx sc = {cb, arg};
  return fh_store_scan(h->store, FH_T_OUTBOX, NULL, 0, scan_cb, &sc);
}

int outbox_update(hub *h, const notify_entry *e) {
  char *val = NULL;
  size_t len = 0;
  int rc = notify_record_encode(e, &val, &len);
  if (rc == 0)
    rc = fh_batch_put(h->batch, FH_T_OUTBOX, e->id, strlen(e->id), val, len);
  free(val);
  return rc;
}

int outbox_delete(hub *h, const char *id) {
  return fh_batch_del(h->batch, FH_T_OUTBOX, id, strlen(id));
}

static int andon_cb(void *arg, const void *key, size_t klen, const void *val,
                    size_t vlen) {
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  (void)key;
  (void)klen;
  return fh_dec_andon(&c, arg) == 0 ? 1 : -EBADMSG;
}

int outbox_andon_now(hub *h, uint64_t id, fh_andon *out) {
  const fh_andon *a = model_andon_find(h->model, id);
  uint8_t key[8];
  if (a != NULL) {
    *out = *a;
    return 0;
  }
  memset(out, 0, sizeof *out);
  model_andon_key(id, key);
  return fh_store_get(h->store, FH_T_ANDONS, key, sizeof key, andon_cb, out) == 1
             ? 0 : -ENOENT;
}

void outbox_committed(hub *h, const fh_buf *ids) {
  if (ids->len > 0 && h->on_outbox != NULL)
    h->on_outbox(h->outbox_arg, (const char *)ids->data, ids->len);
}
