/* test_gw_map.c -- unit tests of the mapping loader and of matching.
 *
 * Design: the issue's own example mapping is the fixture (plus a rules
 * case for plain MQTT); each refusal names the exact JSON path it must
 * report; matching is checked through a sink that records every update
 * and every value it could not use.
 */
#include <errno.h>
#include <string.h>

#include "fh_test.h"
#include "gw_map.h"

static const char example[] =
    "{\"equipment\": [\n"
    "  {\"id\": \"L1-PRESS1\", \"source\": {\"mqtt\": {\"topic\": \"plant/+/status\", "
    "\"pointer\": \"/state\"}},\n"
    "   \"state\": {\"codes\": {\"1\": [\"running\"], \"2\": [\"idle\"], "
    "\"3\": [\"down\", \"mechanical\"], \"4\": [\"starved\"]}},\n"
    "   \"counts\": {\"good_total\": {\"mqtt\": {\"topic\": \"plant/press1/counts\", "
    "\"pointer\": \"/good\"}},\n"
    "              \"reject_total\": {\"mqtt\": {\"topic\": \"plant/press1/counts\", "
    "\"pointer\": \"/scrap\"}}, \"rollover\": 2147483647}},\n"
    "  {\"id\": \"L2-WELD1\", \"source\": {\"sparkplug\": {\"group\": \"plant\", "
    "\"node\": \"body\", \"device\": \"weld1\"}},\n"
    "   \"state\": {\"rules\": [{\"metric\": \"Fault\", \"is\": true, \"state\": \"down\"}, "
    "{\"metric\": \"Running\", \"is\": true, \"state\": \"running\"}], \"else\": \"idle\"},\n"
    "   \"counts\": {\"good_total\": {\"metric\": \"Good\"}, "
    "\"reject_total\": {\"metric\": \"Scrap\"}}},\n"
    "  {\"id\": \"L3-OVEN\", \"source\": {\"mqtt\": {\"topic\": \"oven/#\"}}},\n"
    "  {\"id\": \"L3-PACK\", \"source\": {\"mqtt\": {\"topic\": \"pack/bits\"}},\n"
    "   \"state\": {\"rules\": [{\"pointer\": \"/a~1b/fault\", \"is\": true, \"state\": "
    "\"down\", \"reason\": \"electrical\"}, {\"pointer\": \"/run\", \"is\": true, "
    "\"state\": \"running\"}], \"else\": \"blocked\"}}\n"
    "]}\n";

/* What the sink saw. */
typedef struct seen {
  gw_update u[16];      /* updates, in order */
  size_t n;             /* entries in u */
  size_t refused;       /* values that could not be used */
  char why[128];        /* the last reason given */
} seen;

static void sink(void *arg, const gw_update *u, size_t eq, const char *why) {
  seen *s = arg;
  (void)eq;
  if (u == NULL) {
    s->refused++;
    snprintf(s->why, sizeof s->why, "%s", why);
  } else if (s->n < 16) {
    s->u[s->n++] = *u;
  }
}

static gw_map *load(const char *text) {
  char err[256];
  gw_map *m = NULL;
  int rc = gw_map_parse(text, strlen(text), "map.json", &m, err, sizeof err);
  if (rc != 0) FH_FAIL_("parse failed: %s", err);
  return m;
}

FH_TEST(the_issues_example_loads) {
  gw_map *m = load(example);
  const char *topics[8];
  ASSERT_EQ(m->neq, 4);
  ASSERT_STR_EQ(m->eq[0].id, "L1-PRESS1");
  ASSERT_EQ(m->eq[0].mode, GW_STATE_CODES);
  ASSERT_EQ(m->eq[0].ncodes, 4);
  ASSERT_UINT_EQ(m->eq[0].rollover, 2147483647);
  ASSERT_EQ(m->eq[1].mode, GW_STATE_RULES);
  ASSERT_EQ(m->eq[1].nrules, 2);
  ASSERT_EQ(m->eq[1].else_state, FH_EQ_IDLE);
  ASSERT_STR_EQ(m->eq[1].good_src.device, "weld1");
  ASSERT_STR_EQ(m->eq[1].reject_src.metric, "Scrap");
  ASSERT_EQ(m->eq[2].mode, GW_STATE_NAME);
  ASSERT_EQ(gw_map_topics(m, topics, 8), 4);
  ASSERT_STR_EQ(topics[0], "plant/+/status");
  ASSERT_STR_EQ(topics[1], "plant/press1/counts");
  ASSERT(gw_map_uses_node(m, "plant", "body"));
  ASSERT(!gw_map_uses_node(m, "plant", "paint"));
  gw_map_free(m);
}

/* Replaces the first `from` of the example by `to` and expects err. */
static void refused(const char *from, const char *to, const char *want) {
  char text[4096], err[256];
  const char *at = strstr(example, from);
  gw_map *m = (gw_map *)1;
  ASSERT(at != NULL);
  snprintf(text, sizeof text, "%.*s%s%s", (int)(at - example), example, to,
           at + strlen(from));
  ASSERT_EQ(gw_map_parse(text, strlen(text), "map.json", &m, err, sizeof err), -EINVAL);
  ASSERT(m == NULL);
  if (strstr(err, want) == NULL) FH_FAIL_("error '%s' lacks '%s'", err, want);
}

/* An edit of the example (first `from` -> `to`) and the error it gives. */
static const struct {
  const char *from;  /* text of the example to replace (its first place) */
  const char *to;    /* what to put there */
  const char *want;  /* a part of the error message it must give */
} refusals[] = {
    {"\"3\": [\"down\"", "\"3\": [\"broken\"",
          "map.json: equipment[0].state.codes.\"3\": must be a state name"},
    {"\"rollover\"", "\"rollower\"", "equipment[0].counts.rollower: unknown key"},
    {"2147483647", "-1", "equipment[0].counts.rollover: must be a positive"},
    {"\"is\": true, \"state\": \"running\"", "\"is\": 1, \"state\": \"running\"",
          "equipment[1].state.rules[1].is: must be true or false"},
    {"\"pointer\": \"/run\"", "\"metric\": \"run\"",
          "equipment[3].state.rules[1]: a rule of an mqtt source names its input with "
          "'pointer'"},
    {"\"L2-WELD1\"", "\"L1-PRESS1\"", "equipment[1]: equipment 'L1-PRESS1' is mapped twice"},
    {"\"L2-WELD1\"", "\"L2 WELD\"", "equipment[1].id: must be 1..64 bytes"},
    {"\"pointer\": \"/state\"", "\"pointer\": \"state\"",
          "equipment[0].source.mqtt: a JSON pointer starts with '/'"},
    {"plant/+/status", "plant/a+/status",
          "equipment[0].source.mqtt: '+' must be a whole topic level"},
    {"{\"metric\": \"Good\"}", "{\"metric\": \"Good\", \"mqtt\": {}}",
          "equipment[1].counts.good_total: needs exactly one of mqtt, sparkplug, metric"},
    {"\"reject_total\": {\"metric\": \"Scrap\"}", "\"rollover\": 5",
          "equipment[1].counts.reject_total: required"},
    {"\"device\": \"weld1\"", "\"device\": \"weld1\", \"metric\": \"State\"",
          "equipment[1]: with rules, the metrics are named by the rules"},
    {"{\"equipment\"", "{\"equipmen\": 1, \"equipment\"", "map.json: equipmen: unknown key"},
    {"]}\n", "]", "map.json:"},
};

FH_TEST(every_refusal_names_its_json_path) {
  for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
    refused(refusals[i].from, refusals[i].to, refusals[i].want);
}

FH_TEST(topic_filters_match_by_level) {
  ASSERT(gw_topic_match("a/+/c", "a/b/c", 5));
  ASSERT(gw_topic_match("a/+/c", "a//c", 4));
  ASSERT(!gw_topic_match("a/+/c", "a/b/c/d", 7));
  ASSERT(!gw_topic_match("a/+/c", "a/b", 3));
  ASSERT(gw_topic_match("a/#", "a/b/c", 5));
  ASSERT(gw_topic_match("#", "x", 1));
  ASSERT(!gw_topic_match("a/b", "a/bc", 4));
  ASSERT(gw_topic_match("a/b", "a/b/zzz", 3)); /* only the first 3 bytes count */
}

FH_TEST(json_pointers_follow_rfc_6901) {
  json_t *doc = json_loads("{\"a/b\": {\"m~n\": [10, 20]}, \"\": 7}", 0, NULL);
  ASSERT(doc != NULL);
  ASSERT(gw_json_pointer(doc, "") == doc);
  ASSERT_EQ(json_integer_value(gw_json_pointer(doc, "/a~1b/m~0n/1")), 20);
  ASSERT_EQ(json_integer_value(gw_json_pointer(doc, "/")), 7);
  ASSERT(gw_json_pointer(doc, "/a~1b/m~0n/01") == NULL);
  ASSERT(gw_json_pointer(doc, "/a~1b/m~0n/2") == NULL);
  ASSERT(gw_json_pointer(doc, "/a~1b/m~0n/-") == NULL);
  ASSERT(gw_json_pointer(doc, "/a~2b") == NULL);
  ASSERT(gw_json_pointer(doc, "a") == NULL);
  json_decref(doc);
}

static int mqtt(gw_map *m, const char *topic, const char *payload, seen *s) {
  memset(s, 0, sizeof *s);
  return gw_map_mqtt(m, topic, strlen(topic), (const uint8_t *)payload, strlen(payload),
                     sink, s);
}

FH_TEST(plain_topics_give_states_and_totals) {
  gw_map *m = load(example);
  seen s;
  ASSERT_EQ(mqtt(m, "plant/press1/status", "{\"state\": 3}", &s), 1);
  ASSERT(s.u[0].eq == 0 && s.u[0].what == GW_UP_STATE && s.u[0].state == FH_EQ_DOWN);
  ASSERT_STR_EQ(s.u[0].reason, "mechanical");
  ASSERT_EQ(mqtt(m, "plant/press1/status", "{\"state\": \"9\"}", &s), 1);
  ASSERT(s.u[0].state == FH_EQ_UNKNOWN && s.u[0].unmapped && s.u[0].reason == NULL);
  ASSERT_STR_EQ(s.u[0].code, "9");
  ASSERT_EQ(mqtt(m, "plant/press1/status", "{\"state\": 1.0}", &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_RUNNING);
  ASSERT_EQ(mqtt(m, "plant/press1/status", "{\"other\": 1}", &s), 0);
  ASSERT_EQ(s.refused, 1);
  ASSERT_STR_EQ(s.why, "no value at the JSON pointer");
  ASSERT_EQ(mqtt(m, "plant/press1/counts", "{\"good\": 105, \"scrap\": 3}", &s), 2);
  ASSERT(s.u[0].what == GW_UP_GOOD && s.u[0].total == 105);
  ASSERT(s.u[1].what == GW_UP_REJECT && s.u[1].total == 3);
  ASSERT_EQ(mqtt(m, "plant/press1/counts", "{\"good\": -1, \"scrap\": 2.5}", &s), 0);
  ASSERT_EQ(s.refused, 2);
  ASSERT_EQ(mqtt(m, "plant/press1/counts", "not json", &s), 0);
  ASSERT_STR_EQ(s.why, "the payload is not JSON (or too large)");
  ASSERT_EQ(mqtt(m, "oven/zone/1", "changeover", &s), 1); /* a bare state name */
  ASSERT(s.u[0].eq == 2 && s.u[0].state == FH_EQ_CHANGEOVER);
  ASSERT_EQ(mqtt(m, "oven/zone/1", "\"idle\"", &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_IDLE);
  ASSERT_EQ(mqtt(m, "oven/zone/1", "42", &s), 0);
  ASSERT_EQ(mqtt(m, "elsewhere", "1", &s), 0);
  ASSERT_EQ(s.refused, 0);
  gw_map_free(m);
}

FH_TEST(plain_rules_keep_their_inputs_between_messages) {
  gw_map *m = load(example);
  seen s;
  ASSERT_EQ(mqtt(m, "pack/bits", "{\"run\": true}", &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_RUNNING);
  ASSERT_EQ(mqtt(m, "pack/bits", "{\"a/b\": {\"fault\": 1}}", &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_DOWN);
  ASSERT_STR_EQ(s.u[0].reason, "electrical");
  ASSERT_EQ(mqtt(m, "pack/bits", "{\"a/b\": {\"fault\": false}, \"run\": false}", &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_BLOCKED);
  ASSERT_EQ(mqtt(m, "pack/bits", "{\"x\": 1}", &s), 0);
  gw_map_free(m);
}

static int metric(gw_map *m, const char *dev, const char *name, gw_value v, seen *s) {
  memset(s, 0, sizeof *s);
  return gw_map_metric(m, "plant", "body", dev, name, strlen(name), &v, sink, s);
}

FH_TEST(sparkplug_metrics_drive_rules_and_totals) {
  gw_map *m = load(example);
  gw_value t = {.kind = GW_V_BOOL, .i = 1}, f = {.kind = GW_V_BOOL, .i = 0};
  seen s;
  ASSERT_EQ(metric(m, "weld1", "Running", t, &s), 1);
  ASSERT(s.u[0].eq == 1 && s.u[0].state == FH_EQ_RUNNING);
  ASSERT_EQ(metric(m, "weld1", "Fault", t, &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_DOWN); /* Fault comes first */
  ASSERT_EQ(metric(m, "weld1", "Fault", f, &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_RUNNING);
  ASSERT_EQ(metric(m, "weld1", "Running", f, &s), 1);
  ASSERT_EQ(s.u[0].state, FH_EQ_IDLE); /* else */
  ASSERT_EQ(metric(m, "weld1", "Good", (gw_value){.kind = GW_V_INT, .i = 7}, &s), 1);
  ASSERT(s.u[0].what == GW_UP_GOOD && s.u[0].total == 7);
  ASSERT_EQ(metric(m, "weld1", "Scrap", (gw_value){.kind = GW_V_DOUBLE, .d = 2}, &s), 1);
  ASSERT(s.u[0].what == GW_UP_REJECT && s.u[0].total == 2);
  ASSERT_EQ(metric(m, "weld2", "Good", (gw_value){.kind = GW_V_INT, .i = 7}, &s), 0);
  ASSERT_EQ(metric(m, NULL, "Good", (gw_value){.kind = GW_V_INT, .i = 7}, &s), 0);
  ASSERT_EQ(metric(m, "weld1", "Scrap", (gw_value){.kind = GW_V_NULL}, &s), 0);
  ASSERT_EQ(s.refused, 1);
  gw_map_free(m);
}

FH_TEST(a_dead_node_or_device_gives_unknown_no_signal) {
  gw_map *m = load(example);
  seen s;
  memset(&s, 0, sizeof s);
  ASSERT_EQ(gw_map_dead(m, "plant", "body", NULL, sink, &s), 1);
  ASSERT(s.u[0].eq == 1 && s.u[0].state == FH_EQ_UNKNOWN && s.u[0].reason == NULL);
  ASSERT_STR_EQ(s.u[0].machine_reason, "no_signal");
  ASSERT_EQ(gw_map_dead(m, "plant", "body", "weld1", sink, &s), 1);
  ASSERT_EQ(gw_map_dead(m, "plant", "body", "weld2", sink, &s), 0);
  ASSERT_EQ(gw_map_dead(m, "plant", "paint", NULL, sink, &s), 0);
  gw_map_free(m);
}

FH_TEST(a_missing_file_is_named) {
  char err[256];
  gw_map *m;
  ASSERT_EQ(gw_map_load("/nonexistent/map.json", &m, err, sizeof err), -ENOENT);
  ASSERT(strstr(err, "/nonexistent/map.json") != NULL);
}

FH_TEST_MAIN(FH_TEST_ENTRY(the_issues_example_loads),
             FH_TEST_ENTRY(every_refusal_names_its_json_path),
             FH_TEST_ENTRY(topic_filters_match_by_level),
             FH_TEST_ENTRY(json_pointers_follow_rfc_6901),
             FH_TEST_ENTRY(plain_topics_give_states_and_totals),
             FH_TEST_ENTRY(plain_rules_keep_their_inputs_between_messages),
             FH_TEST_ENTRY(sparkplug_metrics_drive_rules_and_totals),
             FH_TEST_ENTRY(a_dead_node_or_device_gives_unknown_no_signal),
             FH_TEST_ENTRY(a_missing_file_is_named))
