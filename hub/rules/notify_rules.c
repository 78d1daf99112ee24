/* notify_rules.c -- the rule matcher, retry schedule and messages (see
 * notify_rules.h).
 *
 * notify_targets() walks the rules in file order; each matching rule adds
 * the deliveries of its addressees, and a delivery already in the list
 * (same channel, same person) is not added twice, so a person on two
 * matching rules gets one message.  The default escalation (the plant
 * file's step role) is one more addressee when no andon.escalated rule
 * names the level.
 */
#include "notify_rules.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const on_names[NOTIFY_ON__COUNT] = {
    "andon.raised",       "andon.escalated",          "andon.acknowledged",
    "andon.resolved",     "equipment.down_for",       "downtime.unclassified_for",
    "shift.closed"};

const char *notify_on_name(notify_on on) {
  if (on == NOTIFY_ON_TEST) return "notify.test";
  return (unsigned)on < NOTIFY_ON__COUNT ? on_names[on] : "?";
}

int notify_on_from(const char *name) {
  for (int i = 0; i < NOTIFY_ON__COUNT; i++)
    if (!strcmp(on_names[i], name)) return i;
  return -1;
}

static int in_list(const char list[][FH_ID_MAX + 1], size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i], s)) return 1;
  return 0;
}

static int in_kinds(const notify_rule *r, const char *kind) {
  for (size_t i = 0; i < r->nkinds; i++)
    if (!strcmp(r->kinds[i], kind)) return 1;
  return 0;
}

int notify_rule_matches(const notify_rule *r, const notify_event *ev) {
  const fh_andon *a = ev->andon;
  if (r->on != ev->on) return 0;
  if (ev->repeat > 0 && r->repeat_s == 0) return 0;
  if (a == NULL) /* shift.closed, equipment.down_for: lines only */
    return (r->nlines == 0 ||
            (ev->line != NULL && in_list(r->lines, r->nlines, ev->line))) &&
           r->nkinds == 0 && r->min_severity == 0;
  if (r->nlines > 0 && !in_list(r->lines, r->nlines, a->line)) return 0;
  if (r->nkinds > 0 && !in_kinds(r, a->kind)) return 0;
  if (a->severity < r->min_severity) return 0;
  if (ev->on == NOTIFY_ON_ESCALATED && r->level != 0 && r->level != a->level)
    return 0;
  return 1;
}

void notify_entry_clear(notify_entry *e) {
  free(e->report);
  free(e->report_html);
  e->report = e->report_html = NULL;
}

/* ------------------------------------------------------------ targets */

typedef struct target_list {
  notify_target *out; /* the caller's array */
  size_t n;           /* used */
  size_t cap;         /* its size */
} target_list;

static void add(target_list *l, int rule, int channel, int person) {
  for (size_t i = 0; i < l->n; i++)
    if (l->out[i].channel == channel && l->out[i].person == person) return;
  if (l->n < l->cap) l->out[l->n++] = (notify_target){rule, channel, person};
}

static int first_email(const notify_cfg *c) {
  for (size_t i = 0; i < c->nchannels; i++)
    if (c->channels[i].type == NOTIFY_EMAIL) return (int)i;
  return -1;
}

static void add_person(const notify_cfg *c, target_list *l, int rule, int p) {
  int mail = first_email(c);
  if (c->people[p].email[0] != '\0' && mail >= 0) add(l, rule, mail, p);
  if (c->people[p].webhook[0] != '\0') add(l, rule, -1, p);
}

/* The roster of role for shift (exact match first, then one without a
 * shift), or NULL. */
static const notify_roster *roster_for(const notify_cfg *c, int role,
                                       const char *shift) {
  const notify_roster *any = NULL;
  for (size_t i = 0; i < c->nrosters; i++) {
    const notify_roster *r = &c->rosters[i];
    if ((int)r->role != role) continue;
    if (r->shift[0] == '\0') {
      if (any == NULL) any = r;
    } else if (shift != NULL && !strcmp(r->shift, shift)) {
      return r;
    }
  }
  return any;
}

static void add_role(const notify_cfg *c, target_list *l, int rule, int role,
                     const char *shift) {
  const notify_roster *r = roster_for(c, role, shift);
  if (r == NULL) return;
  for (size_t i = 0; i < r->npeople; i++) add_person(c, l, rule, r->people[i]);
}

/* An andon.escalated rule that names this level (or every level). */
static int has_level_rule(const notify_cfg *c, uint32_t level) {
  for (size_t i = 0; i < c->nrules; i++)
    if (c->rules[i].on == NOTIFY_ON_ESCALATED &&
        (c->rules[i].level == 0 || c->rules[i].level == level))
      return 1;
  return 0;
}

size_t notify_targets(const notify_cfg *cfg, const notify_event *ev,
                      notify_target *out, size_t cap) {
  target_list l = {out, 0, cap};
  for (size_t i = 0; i < cfg->nrules; i++) {
    const notify_rule *r = &cfg->rules[i];
    if (!notify_rule_matches(r, ev)) continue;
    for (size_t t = 0; t < r->nto; t++) {
      const notify_to *to = &r->to[t];
      if (to->kind == NOTIFY_TO_CHANNEL) add(&l, (int)i, to->index, -1);
      else if (to->kind == NOTIFY_TO_PERSON) add_person(cfg, &l, (int)i, to->index);
      else add_role(cfg, &l, (int)i, to->index, ev->shift);
    }
  }
  if (ev->on == NOTIFY_ON_ESCALATED && ev->repeat == 0 && ev->andon != NULL &&
      ev->level_role >= 0 && !has_level_rule(cfg, ev->andon->level))
    add_role(cfg, &l, -1, ev->level_role, ev->shift);
  return l.n;
}

/* ------------------------------------------------------------ timing */

uint32_t notify_repeat_count(uint32_t repeat_s, int64_t since_ms,
                             int64_t now_ms) {
  if (repeat_s == 0 || now_ms <= since_ms) return 0;
  return (uint32_t)((now_ms - since_ms) / ((int64_t)repeat_s * 1000));
}

uint64_t notify_backoff_ms(uint32_t attempt, double jitter01) {
  uint64_t base = 4000;
  for (uint32_t i = 1; i < attempt && base < 600000; i++) base *= 2;
  if (base > 600000) base = 600000;
  double ms = (double)base * (0.8 + 0.4 * jitter01);
  return ms > 600000.0 ? 600000 : (uint64_t)ms;
}

/* ------------------------------------------------------------ text */

int notify_event_key(const notify_event *ev, int64_t ts, char *buf,
                     size_t cap) {
  static const char *const what[NOTIFY_ON__COUNT] = {
      "raised", "esc", "ack", "resolved", "down", "unclassified", "closed"};
  char rep[16] = "";
  int n;
  if (ev->repeat > 0) snprintf(rep, sizeof rep, "-r%" PRIu32, ev->repeat);
  if (ev->on == NOTIFY_ON_DOWNTIME_UNCLASSIFIED) /* ts: the stop's id */
    n = snprintf(buf, cap, "stop-%" PRId64 "-unclassified%" PRIu32, ts, ev->after_s);
  else if (ev->andon == NULL && ev->equipment != NULL)
    n = snprintf(buf, cap, "eq-%s-down%" PRIu32 "-%" PRId64, ev->equipment,
                 ev->after_s, ts);
  else if (ev->andon == NULL)
    n = snprintf(buf, cap, "shift-%" PRId64 "%s", ts, rep);
  else if (ev->on == NOTIFY_ON_ESCALATED)
    n = snprintf(buf, cap, "andon-%" PRIu64 "-esc-%" PRIu32 "%s", ev->andon->id,
                 ev->andon->level, rep);
  else
    n = snprintf(buf, cap, "andon-%" PRIu64 "-%s%s", ev->andon->id,
                 what[ev->on], rep);
  return n < 0 || (size_t)n >= cap ? -ENOSPC : 0;
}

static void hhmm(int64_t ms, char *buf, size_t cap) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  if (localtime_r(&t, &tm) == NULL) snprintf(buf, cap, "?");
  else strftime(buf, cap, "%H:%M", &tm);
}

void notify_state_note(const fh_andon *a, char *buf, size_t cap) {
  char at[16];
  buf[0] = '\0';
  if (a->state == FH_ANDON_ACKNOWLEDGED) {
    hhmm(a->acked_at, at, sizeof at);
    snprintf(buf, cap, "acknowledged by %s at %s", a->acked_by, at);
  } else if (a->state == FH_ANDON_RESOLVED || a->state == FH_ANDON_CANCELLED) {
    hhmm(a->resolved_at, at, sizeof at);
    snprintf(buf, cap, "%s by %s at %s", fh_andon_state_name(a->state),
             a->resolved_by, at);
  }
}

int notify_late_note(const notify_entry *e, const fh_andon *now, char *note,
                     size_t cap) {
  note[0] = '\0';
  if (!e->has_andon || (e->on != NOTIFY_ON_RAISED && e->on != NOTIFY_ON_ESCALATED) ||
      now == NULL || now->state == FH_ANDON_RAISED)
    return 0;
  if (e->drop_if_ack) return -1;
  notify_state_note(now, note, cap);
  return 0;
}

void notify_andon_text(const notify_event *ev, const char *line_name,
                       int64_t now_ms, char *buf, size_t cap) {
  static const char *const head[NOTIFY_ON__COUNT] = {
      "RAISED", "ESCALATED", "ACKNOWLEDGED", "RESOLVED", "DOWN", "UNCLASSIFIED",
      "SHIFT CLOSED"};
  const fh_andon *a = ev->andon;
  char tail[256] = "", note[160];
  int64_t age_min = (now_ms - a->raised_at) / 60000;

  if (ev->on == NOTIFY_ON_ESCALATED || ev->on == NOTIFY_ON_RAISED)
    snprintf(tail, sizeof tail, ", %" PRId64 " min unacknowledged", age_min);
  if (ev->on == NOTIFY_ON_ESCALATED && ev->level_role >= 0)
    snprintf(tail + strlen(tail), sizeof tail - strlen(tail),
             " (level %u \xe2\x86\x92 %s)", a->level,
             fh_role_name((fh_role)ev->level_role));
  notify_state_note(a, note, sizeof note);
  if (note[0] != '\0' && ev->on != NOTIFY_ON_RAISED &&
      ev->on != NOTIFY_ON_ESCALATED)
    snprintf(tail, sizeof tail, ", %s%s%s", note, a->reason[0] ? ", reason " : "",
             a->reason);
  snprintf(buf, cap, "%s %s%s%s: %s andon #%" PRIu64 ", severity %u%s",
           head[ev->on], a->line, line_name ? " " : "",
           line_name ? line_name : "", a->kind, a->id, a->severity, tail);
}
