/* body.c -- message bodies (see body.h).
 *
 * JSON through jansson (escaping done right once); the e-mail parts are
 * plain text and a small HTML page, the record's text HTML-escaped.
 */
#include "body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void body_line(const notify_entry *e, const char *note, char *buf, size_t cap) {
  snprintf(buf, cap, "%s%s%s", e->text, note[0] ? " \xe2\x80\x94 now " : "", note);
}

static json_t *andon_obj(const fh_andon *a) {
  return json_pack("{sI ss ss ss si ss si sI ss sI ss sI ss ss ss}",
                   "id", (json_int_t)a->id, "line", a->line, "equipment",
                   a->equipment, "kind", a->kind, "severity", a->severity,
                   "state", fh_andon_state_name(a->state), "level", (int)a->level,
                   "raised_at", (json_int_t)a->raised_at, "raised_by", a->raised_by,
                   "acked_at", (json_int_t)a->acked_at, "acked_by", a->acked_by,
                   "resolved_at", (json_int_t)a->resolved_at, "resolved_by",
                   a->resolved_by, "reason", a->reason, "note", a->note);
}

static json_t *json_body(const notify_entry *e, const char *line, const char *note) {
  json_t *o = json_pack("{ss ss ss ss ss sI sI ss}", "event_id", e->id, "event",
                        notify_on_name(e->on), "text", line, "link", e->link,
                        "note", note, "created_at", (json_int_t)e->created_ms,
                        "attempt", (json_int_t)e->attempts + 1, "person", e->person);
  if (o == NULL) return NULL;
  if (e->has_andon) {
    json_object_set_new(o, "andon", andon_obj(&e->andon));
    json_object_set_new(o, "level", json_integer(e->andon.level));
    if (e->level_role >= 0)
      json_object_set_new(o, "role", json_string(fh_role_name((fh_role)e->level_role)));
  }
  if (e->report != NULL) json_object_set_new(o, "report", json_string(e->report));
  return o;
}

char *body_webhook(const notify_entry *e, notify_format fmt, const char *note) {
  char line[NOTIFY_TEXT_MAX + 256], full[sizeof line + NOTIFY_URL_MAX + 2];
  json_t *o;
  char *out;

  body_line(e, note, line, sizeof line);
  snprintf(full, sizeof full, "%s%s%s", line, e->link[0] ? "\n" : "", e->link);
  if (fmt == NOTIFY_FMT_SLACK)
    o = json_pack("{ss}", "text", full);
  else if (fmt == NOTIFY_FMT_TEAMS)
    o = json_pack("{ss ss ss ss}", "@type", "MessageCard", "@context",
                  "https://schema.org/extensions", "summary", line, "text", full);
  else
    o = json_body(e, line, note);
  if (o == NULL) return NULL;
  out = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return out;
}

char *body_mail_text(const notify_entry *e, const char *note) {
  char line[NOTIFY_TEXT_MAX + 256];
  const char *rep = e->report ? e->report : "";
  size_t cap;
  char *out;

  body_line(e, note, line, sizeof line);
  cap = strlen(line) + strlen(e->link) + strlen(rep) + 64;
  if ((out = malloc(cap)) == NULL) return NULL;
  snprintf(out, cap, "%s\r\n\r\n%s%s%s%s-- \r\nfloorhub\r\n", line, rep,
           rep[0] ? "\r\n" : "", e->link, e->link[0] ? "\r\n\r\n" : "");
  return out;
}

/* Appends s to out (at *n of cap) with &, <, >, " escaped. */
static void escape(const char *s, char *out, size_t cap, size_t *n) {
  for (; *s && *n + 7 < cap; s++) {
    const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                    : *s == '"' ? "&quot;" : NULL;
    if (r != NULL) {
      memcpy(out + *n, r, strlen(r));
      *n += strlen(r);
    } else {
      out[(*n)++] = *s;
    }
  }
  out[*n] = '\0';
}

char *body_mail_html(const notify_entry *e, const char *note) {
  char line[NOTIFY_TEXT_MAX + 256];
  const char *rep = e->report_html ? e->report_html : "";
  size_t cap, n = 0;
  char *out;

  body_line(e, note, line, sizeof line);
  cap = 6 * (strlen(line) + 2 * strlen(e->link)) + strlen(rep) + 256;
  if ((out = malloc(cap)) == NULL) return NULL;
  n = (size_t)snprintf(out, cap, "<!DOCTYPE html>\r\n<html><body>\r\n<p><b>");
  escape(line, out, cap, &n);
  n += (size_t)snprintf(out + n, cap - n, "</b></p>\r\n%s\r\n", rep);
  if (e->link[0]) {
    n += (size_t)snprintf(out + n, cap - n, "<p><a href=\"");
    escape(e->link, out, cap, &n);
    n += (size_t)snprintf(out + n, cap - n, "\">");
    escape(e->link, out, cap, &n);
    n += (size_t)snprintf(out + n, cap - n, "</a></p>\r\n");
  }
  snprintf(out + n, cap - n, "</body></html>\r\n");
  return out;
}
