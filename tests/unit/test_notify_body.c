/* test_notify_body.c -- what a notification says (hub/notify/body.c) and
 * its webhook signature (hub/notify/webhook.c).
 *
 * The signature is checked against RFC 4231's HMAC-SHA256 test case 2; the
 * bodies are parsed back with jansson and compared key by key for the
 * json, slack and teams formats; the e-mail parts must carry the line, the
 * state note and the link, the HTML escaped.
 */
#include <string.h>

#include <jansson.h>

#include "body.h"
#include "deliver.h"
#include "fh_test.h"

static notify_entry entry(void) {
  notify_entry e;
  memset(&e, 0, sizeof e);
  strcpy(e.id, "andon-17-esc-1.chat");
  e.on = NOTIFY_ON_ESCALATED;
  strcpy(e.channel, "chat");
  strcpy(e.text, "ESCALATED L2 Body welding: maintenance andon #17 <&>");
  strcpy(e.link, "https://hub.example/#/andons");
  e.has_andon = 1;
  e.andon.id = 17;
  strcpy(e.andon.line, "L2");
  strcpy(e.andon.kind, "maintenance");
  e.andon.severity = 3;
  e.andon.level = 1;
  e.level_role = FH_ROLE_SHIFT_MANAGER;
  e.created_ms = 1700000000000LL;
  e.attempts = 2;
  return e;
}

static json_t *parse(char *s) {
  json_t *o = json_loads(s, 0, NULL);
  ASSERT(o != NULL);
  free(s);
  return o;
}

static const char *str(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  ASSERT(json_is_string(v));
  return json_string_value(v);
}

FH_TEST(signature_rfc4231_case2) {
  char sig[80];
  const char *data = "what do ya want for nothing?";
  webhook_signature("Jefe", 4, data, strlen(data), sig);
  ASSERT_STR_EQ(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

FH_TEST(json_body) {
  notify_entry e = entry();
  json_t *o = parse(body_webhook(&e, NOTIFY_FMT_JSON, ""));
  ASSERT_STR_EQ(str(o, "event_id"), "andon-17-esc-1.chat");
  ASSERT_STR_EQ(str(o, "event"), "andon.escalated");
  ASSERT_STR_EQ(str(o, "text"), e.text);
  ASSERT_STR_EQ(str(o, "link"), e.link);
  ASSERT_STR_EQ(str(o, "note"), "");
  ASSERT_STR_EQ(str(o, "role"), "shift_manager");
  ASSERT_EQ(json_integer_value(json_object_get(o, "attempt")), 3);
  ASSERT_EQ(json_integer_value(json_object_get(o, "level")), 1);
  ASSERT_STR_EQ(str(json_object_get(o, "andon"), "state"), "raised");
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(o, "andon"), "id")), 17);
  json_decref(o);
}

FH_TEST(slack_and_teams_bodies) {
  notify_entry e = entry();
  json_t *o = parse(body_webhook(&e, NOTIFY_FMT_SLACK, "acknowledged by mt2 at 10:44"));
  ASSERT_EQ(json_object_size(o), 1);
  ASSERT_STR_EQ(str(o, "text"), "ESCALATED L2 Body welding: maintenance andon #17 <&> "
                                "\xe2\x80\x94 now acknowledged by mt2 at 10:44\n"
                                "https://hub.example/#/andons");
  json_decref(o);
  o = parse(body_webhook(&e, NOTIFY_FMT_TEAMS, ""));
  ASSERT_STR_EQ(str(o, "@type"), "MessageCard");
  ASSERT_STR_EQ(str(o, "@context"), "https://schema.org/extensions");
  ASSERT_STR_EQ(str(o, "summary"), e.text);
  ASSERT(strstr(str(o, "text"), "https://hub.example/#/andons") != NULL);
  json_decref(o);
}

FH_TEST(mail_parts) {
  notify_entry e = entry();
  char *text = body_mail_text(&e, "resolved by mt2 at 11:02");
  char *html = body_mail_html(&e, "");
  ASSERT(strstr(text, "andon #17 <&> \xe2\x80\x94 now resolved by mt2 at 11:02\r\n") != NULL);
  ASSERT(strstr(text, "https://hub.example/#/andons\r\n") != NULL);
  ASSERT(strstr(html, "andon #17 &lt;&amp;&gt;</b>") != NULL);
  ASSERT(strstr(html, "<a href=\"https://hub.example/#/andons\">") != NULL);
  ASSERT(strstr(html, "<&>") == NULL);
  free(text);
  free(html);
  e.report = "Shift a report table";
  e.report_html = "<table></table>";
  text = body_mail_text(&e, "");
  html = body_mail_html(&e, "");
  ASSERT(strstr(text, "Shift a report table") != NULL);
  ASSERT(strstr(html, "<table></table>") != NULL);
  free(text);
  free(html);
}

FH_TEST_MAIN(FH_TEST_ENTRY(signature_rfc4231_case2), FH_TEST_ENTRY(json_body),
             FH_TEST_ENTRY(slack_and_teams_bodies), FH_TEST_ENTRY(mail_parts))
