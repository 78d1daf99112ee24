/* body.h -- what a delivery says: webhook bodies, e-mail parts, MQTT
 * payloads, built from an outbox record.
 *
 * Design: every body is made at send time from the stored record and a
 * `note`: the andon's state now when it changed since the event ("" when
 * it did not), so a late message says what is true.  The JSON shapes:
 *   json   {"event_id", "event", "text", "link", "note", "created_at",
 *           "attempt", "person", "andon": {...}, "level", "role"}
 *   slack  {"text": "<text>\n<link>"}   (Slack, Mattermost)
 *   teams  {"@type": "MessageCard", "@context": "https://schema.org/extensions",
 *           "summary": text, "text": text + link}
 * Strings are malloc'ed; NULL means out of memory.
 */
#ifndef FH_HUB_NOTIFY_BODY_H
#define FH_HUB_NOTIFY_BODY_H

#include "notify_rules.h"

/* The one line with the note: "<text> -- now <note>" (buf, cap bytes). */
void body_line(const notify_entry *e, const char *note, char *buf, size_t cap);
/* A webhook body (also the MQTT payload: json). */
char *body_webhook(const notify_entry *e, notify_format fmt, const char *note);
/* The e-mail's text and HTML parts. */
char *body_mail_text(const notify_entry *e, const char *note);
char *body_mail_html(const notify_entry *e, const char *note);

#endif
