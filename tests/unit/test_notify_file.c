/* test_notify_file.c -- the notify file loader (hub/plant/notify_file*.c).
 *
 * A complete file (the example plus a secret file) loads with every
 * reference resolved and the secret without its trailing newline; then each
 * rule of the format is broken once and the load must fail naming the
 * file, the JSON path and the problem, against the sample plant.
 */
#include <errno.h>
#include <unistd.h>

#include "fh_test.h"
#include "notify_file.h"
#include "plant.h"

static char dir[64], file[128], secret[128];

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  ASSERT_EQ(fputs(text, f) >= 0, 1);
  ASSERT_EQ(fclose(f), 0);
}

static plant *sample_plant(void) {
  plant *p = NULL;
  char err[256];
  ASSERT_EQ(plant_load(FH_SAMPLE_PLANT, &p, err, sizeof err), 0);
  return p;
}

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/fh_notify_XXXXXX");
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(file, sizeof file, "%s/notify.json", dir);
  snprintf(secret, sizeof secret, "%s/chat.secret", dir);
  write_text(secret, "s3cret\n");
}

static void teardown(void) {
  unlink(file);
  unlink(secret);
  rmdir(dir);
}

/* The example, with `%s` for the secret file. */
static const char *const good =
    "{\"public_url\": \"https://hub.example:7600/\", \"max_age_s\": 3600,\n"
    " \"channels\": [{\"id\": \"chat\", \"type\": \"webhook\", \"url\": "
    "\"https://chat.example/hooks/x\", \"format\": \"slack\", \"secret_file\": "
    "\"%s\", \"timeout_s\": 10},\n"
    "  {\"id\": \"mail\", \"type\": \"email\", \"smtp_url\": "
    "\"smtp://mail.example:587\", \"from\": \"floorhub@plant.example\"},\n"
    "  {\"id\": \"bus\", \"type\": \"mqtt\", \"url\": \"mqtt://127.0.0.1:1883\", "
    "\"topic_prefix\": \"floorhub/notify\"}],\n"
    " \"people\": [{\"id\": \"anna\", \"name\": \"Anna K.\", \"email\": "
    "\"anna@plant.example\"}],\n"
    " \"rosters\": [{\"role\": \"shift_manager\", \"shift\": \"early\", "
    "\"people\": [\"anna\"]}],\n"
    " \"rules\": [{\"on\": \"andon.escalated\", \"level\": 1, \"to\": "
    "[\"role:shift_manager\", \"channel:chat\"]},\n"
    "  {\"on\": \"andon.raised\", \"kinds\": [\"safety\"], \"min_severity\": 3, "
    "\"to\": [\"person:anna\", \"channel:bus\"], \"drop_if_acknowledged\": false},\n"
    "  {\"on\": \"downtime.unclassified_for\", \"after_s\": 600, \"to\": "
    "[\"role:maintenance\"]},\n"
    "  {\"on\": \"shift.closed\", \"to\": [\"role:production_manager\"]}]}\n";

FH_TEST(loads_the_example) {
  char text[4096], err[256] = "";
  notify_cfg *n = NULL;
  plant *p = sample_plant();
  setup();
  snprintf(text, sizeof text, good, secret);
  write_text(file, text);
  ASSERT_EQ(notify_file_load(file, p, &n, err, sizeof err), 0);
  ASSERT_STR_EQ(n->public_url, "https://hub.example:7600/");
  ASSERT_EQ(n->max_age_s, 3600);
  ASSERT_EQ(n->nchannels, 3);
  ASSERT_EQ(n->channels[0].type, NOTIFY_WEBHOOK);
  ASSERT_EQ(n->channels[0].format, NOTIFY_FMT_SLACK);
  ASSERT_EQ(n->channels[0].secret_len, 6);
  ASSERT_STR_EQ(n->channels[0].secret, "s3cret");
  ASSERT_EQ(n->channels[0].max_in_flight, NOTIFY_IN_FLIGHT);
  ASSERT_EQ(n->channels[1].type, NOTIFY_EMAIL);
  ASSERT_STR_EQ(n->channels[1].url, "smtp://mail.example:587");
  ASSERT_EQ(n->channels[1].timeout_s, 10);
  ASSERT_EQ(n->channels[2].type, NOTIFY_MQTT);
  ASSERT_EQ(n->npeople, 1);
  ASSERT_EQ(n->nrosters, 1);
  ASSERT_EQ(n->rosters[0].role, FH_ROLE_SHIFT_MANAGER);
  ASSERT_EQ(n->nrules, 4);
  ASSERT_EQ(n->rules[0].on, NOTIFY_ON_ESCALATED);
  ASSERT_EQ(n->rules[0].level, 1);
  ASSERT_EQ(n->rules[0].to[1].kind, NOTIFY_TO_CHANNEL);
  ASSERT_EQ(n->rules[0].to[1].index, 0);
  ASSERT_EQ(n->rules[0].drop_if_acknowledged, 1);
  ASSERT_EQ(n->rules[1].min_severity, 3);
  ASSERT_EQ(n->rules[1].drop_if_acknowledged, 0);
  ASSERT_EQ(n->rules[2].on, NOTIFY_ON_DOWNTIME_UNCLASSIFIED);
  ASSERT_EQ(n->rules[2].after_s, 600);
  ASSERT_EQ(notify_cfg_channel(n, "bus"), 2);
  ASSERT_EQ(notify_cfg_person(n, "nobody"), -1);
  notify_cfg_free(n);
  /* without a plant the references to it are not checked */
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), 0);
  notify_cfg_free(n);
  plant_free(p);
  teardown();
}

/* Each broken file and the message it must give (after "<file>: "). */
FH_TEST(errors_name_the_path) {
  static const struct {
    const char *json;
    const char *msg;
  } cases[] = {
      {"{\"channel\": []}", "channel: unknown key"},
      {"{\"max_age_s\": 10}", "max_age_s: must be an integer 60..2592000"},
      {"{\"public_url\": \"ftp://x\"}", "public_url: must be a http:// or https:// URL"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"fax\"}]}",
       "channels[0].type: must be webhook, email or mqtt"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"webhook\"}]}",
       "channels[0].url: required"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"webhook\", \"url\": \"http://a\", "
       "\"format\": \"xml\"}]}", "channels[0].format: must be json, slack or teams"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"webhook\", \"url\": \"http://a\", "
       "\"secret_file\": \"/nonexistent/s\"}]}",
       "channels[0].secret_file: /nonexistent/s: No such file or directory"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"email\", \"smtp_url\": \"http://a\", "
       "\"from\": \"a@b\"}]}", "channels[0].smtp_url: must be a smtp:// or smtps:// URL"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"mqtt\", \"url\": \"mqtt://a\", "
       "\"from\": \"a@b\"}]}", "channels[0].from: only for email channels"},
      {"{\"channels\": [{\"id\": \"c\", \"type\": \"mqtt\", \"url\": \"mqtt://a\"}, "
       "{\"id\": \"c\", \"type\": \"mqtt\", \"url\": \"mqtt://b\"}]}",
       "channels[1].id: channel 'c' is defined twice"},
      {"{\"channels\": [{\"id\": \"webhook\", \"type\": \"mqtt\", \"url\": \"mqtt://a\"}]}",
       "channels[0].id: channel 'webhook' is reserved"},
      {"{\"people\": [{\"id\": \"a\", \"name\": \"A\", \"email\": \"nope\"}]}",
       "people[0].email: must be an address like name@host"},
      {"{\"people\": [{\"id\": \"a\"}]}", "people[0].name: required"},
      {"{\"rosters\": [{\"role\": \"boss\", \"people\": []}]}",
       "rosters[0].role: unknown role 'boss'"},
      {"{\"rosters\": [{\"role\": \"operator\", \"shift\": \"brunch\", \"people\": []}]}",
       "rosters[0].shift: no shift 'brunch' in the plant file"},
      {"{\"people\": [{\"id\": \"a\", \"name\": \"A\"}], \"rosters\": [{\"role\": "
       "\"operator\", \"people\": [\"a\", \"b\"]}]}", "rosters[0].people[1]: no person 'b'"},
      {"{\"rules\": [{\"on\": \"andon.exploded\", \"to\": [\"role:operator\"]}]}",
       "rules[0].on: unknown event 'andon.exploded'"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"to\": [\"person:zed\"]}]}",
       "rules[0].to[0]: no person 'zed'"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"to\": [\"anna\"]}]}",
       "rules[0].to[0]: must be \"role:R\", \"person:P\" or \"channel:C\""},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"to\": []}]}",
       "rules[0].to: must be an array of 1..16 addressees"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"level\": 1, \"to\": [\"role:operator\"]}]}",
       "rules[0].level: only for andon.escalated"},
      {"{\"rules\": [{\"on\": \"andon.escalated\", \"level\": 3, \"to\": [\"role:operator\"]}]}",
       "rules[0].level: the plant file has 2 escalation steps"},
      {"{\"rules\": [{\"on\": \"equipment.down_for\", \"to\": [\"role:operator\"]}]}",
       "rules[0].after_s: required for equipment.down_for"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"lines\": [\"L7\"], \"to\": [\"role:operator\"]}]}",
       "rules[0].lines[0]: no line 'L7' in the plant file"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"kinds\": [\"fire\"], \"to\": [\"role:operator\"]}]}",
       "rules[0].kinds[0]: no andon kind 'fire' in the plant file"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"min_severity\": 4, \"to\": [\"role:operator\"]}]}",
       "rules[0].min_severity: must be an integer 1..3"},
      {"{\"rules\": [{\"on\": \"andon.acknowledged\", \"repeat_s\": 60, \"to\": [\"role:operator\"]}]}",
       "rules[0].repeat_s: only for andon.raised and andon.escalated"},
      {"{\"rules\": [{\"on\": \"andon.raised\", \"drop_if_acknowledged\": 1, \"to\": "
       "[\"role:operator\"]}]}", "rules[0].drop_if_acknowledged: must be true or false"},
      {"{\"channels\": [{\"id\": \"m\", \"type\": \"email\", \"smtp_url\": \"smtp://a\", "
       "\"from\": \"a@b\"}], \"rules\": [{\"on\": \"andon.raised\", \"to\": [\"channel:m\"]}]}",
       "rules[0].to[0]: channel 'm' is e-mail: address people or roles instead"},
  };
  plant *p = sample_plant();
  setup();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char err[512] = "", want[512];
    notify_cfg *n = (notify_cfg *)1;
    write_text(file, cases[i].json);
    snprintf(want, sizeof want, "%s: %s", file, cases[i].msg);
    ASSERT_EQ(notify_file_load(file, p, &n, err, sizeof err), -EINVAL);
    ASSERT(n == NULL);
    if (strncmp(err, want, strlen(want)) != 0)
      FH_FAIL_("case %zu:\n    got  %s\n    want %s", i, err, want);
  }
  plant_free(p);
  teardown();
}

FH_TEST(syntax_and_duplicates) {
  char err[256], want[256];
  notify_cfg *n;
  setup();
  write_text(file, "{\"max_age_s\": 60,\n \"max_age_s\": 70}");
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), -EINVAL);
  snprintf(want, sizeof want, "%s:2:", file);
  ASSERT_EQ(strncmp(err, want, strlen(want)), 0);
  ASSERT(strstr(err, "duplicate") != NULL);
  unlink(file);
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), -ENOENT);
  teardown();
}

FH_TEST(secret_without_newline_only) {
  char text[4096], err[256];
  notify_cfg *n = NULL;
  setup();
  write_text(secret, "abc\r\n");
  snprintf(text, sizeof text, good, secret);
  write_text(file, text);
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), 0);
  ASSERT_EQ(n->channels[0].secret_len, 3);
  notify_cfg_free(n);
  write_text(secret, "two\nlines\n");
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), 0);
  ASSERT_STR_EQ(n->channels[0].secret, "two\nlines");
  notify_cfg_free(n);
  write_text(secret, "\n");
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), -EINVAL);
  ASSERT(strstr(err, "must hold 1..256 bytes") != NULL);
  ASSERT(strstr(err, "two") == NULL);
  teardown();
}

FH_TEST_MAIN(FH_TEST_ENTRY(loads_the_example), FH_TEST_ENTRY(errors_name_the_path),
             FH_TEST_ENTRY(syntax_and_duplicates),
             FH_TEST_ENTRY(secret_without_newline_only))
