/* test_notify_file.c -- the notify file loader (hub/plant/notify_file*.c).
 *
 * A complete file (the example plus a secret file) loads with every
 * reference resolved and the secret without its trailing newline; then each
 * rule of the format is broken once and the load must fail naming the
 * file, the JSON path and the problem, against the sample plant.  A
 * channel's ca_file is checked as a PEM bundle (hub/plant/pem_bundle.c).
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

/* A self-signed CA certificate (EC P-256, valid until 2126): only parsed. */
static const char ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBlzCCAT2gAwIBAgIUUlb5eRLap8/0tIIQhQ0n5XGn468wCgYIKoZIzj0EAwIw\n"
    "IDEeMBwGA1UEAwwVZmxvb3JodWItdW5pdC10ZXN0LWNhMCAXDTI2MTIwNDIwMTAw\n"
    "OVoYDzIxMjYxMTEwMjAxMDA5WjAgMR4wHAYDVQQDDBVmbG9vcmh1Yi11bml0LXRl\n"
    "c3QtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARb+OCyqQVj1gCP0yWV50Q0\n"
    "+sc9bch1LyXggQTaZZLd41IbSTRpU2Z47ui25s7aq6W5gOStyGpdHGvivSU6lBgr\n"
    "o1MwUTAdBgNVHQ4EFgQUv8knHmbujm748bMHpkYbmFX2eTEwHwYDVR0jBBgwFoAU\n"
    "v8knHmbujm748bMHpkYbmFX2eTEwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD\n"
    "AgNIADBFAiEAqo8IKMY3661LBMRtol3NTsZSX55SOiYlRcfzuR/jmeYCIA5QW+vy\n"
    "6FCX0Dsneisi6Aitt+HAQI+qHu12mR5ahr+A\n"
    "-----END CERTIFICATE-----\n";

/* A channels array with ca_file %s third, its URL the given one. */
static void write_ca_case(const char *url, const char *type, const char *ca) {
  char text[2048];
  snprintf(text, sizeof text,
           "{\"channels\": [{\"id\": \"a\", \"type\": \"mqtt\", \"url\": \"mqtt://x\"},"
           " {\"id\": \"b\", \"type\": \"mqtt\", \"url\": \"mqtts://x\"},"
           " {\"id\": \"c\", \"type\": \"%s\", \"%s\": \"%s\", %s"
           "\"ca_file\": \"%s\"}]}",
           type, strcmp(type, "email") ? "url" : "smtp_url", url,
           strcmp(type, "email") ? "" : "\"from\": \"f@x\", ", ca);
  write_text(file, text);
}

/* ca_file: kept for a TLS URL when it is a readable PEM bundle; every other
 * case names channels[2].ca_file and says what is wrong. */
FH_TEST(ca_file_checked) {
  static const struct {
    const char *url, *type, *content; /* content NULL: ca is the path */
    const char *ca, *msg;
  } cases[] = {
      {"https://h/x", "webhook", NULL, "/nonexistent/ca.pem",
       "/nonexistent/ca.pem: No such file or directory"},
      {"https://h/x", "webhook", NULL, "/tmp", "/tmp: not a regular file"},
      {"smtps://h", "email", "not a certificate\n", "ca.pem",
       "ca.pem: no PEM certificate in it"},
      {"mqtts://h", "mqtt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
       "ca.pem", "ca.pem: certificate 1 does not parse"},
      {"https://h/x", "webhook", "-----BEGIN PRIVATE KEY-----\n", "ca.pem",
       "ca.pem: holds a private key"},
      {"http://h/x", "webhook", "", "ca.pem", "only for a TLS URL (https://)"},
      {"mqtt://h", "mqtt", "", "ca.pem", "only for a TLS URL (mqtts://)"},
  };
  char ca[160], path[192], err[512], want[512], two[2 * sizeof ca_pem + 64];
  notify_cfg *n = NULL;
  setup();
  snprintf(ca, sizeof ca, "%s/ca.pem", dir);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int named = cases[i].content != NULL, in_dir;
    if (named) write_text(ca, cases[i].content);
    write_ca_case(cases[i].url, cases[i].type, named ? ca : cases[i].ca);
    in_dir = !strncmp(cases[i].msg, "ca.pem", 6); /* the message names it */
    snprintf(want, sizeof want, "%s: channels[2].ca_file: %s%s%s", file,
             in_dir ? dir : "", in_dir ? "/" : "", cases[i].msg);
    ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), -EINVAL);
    if (strcmp(err, want) != 0)
      FH_FAIL_("case %zu:\n    got  %s\n    want %s", i, err, want);
  }
  /* two certificates (a bundle), the second cut short: the second is bad */
  snprintf(two, sizeof two, "# a comment\n%s%.200s", ca_pem, ca_pem);
  write_text(ca, two);
  write_ca_case("https://h/x", "webhook", ca);
  ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), -EINVAL);
  ASSERT(strstr(err, "certificate 2 does not parse") != NULL);
  snprintf(two, sizeof two, "# a comment\n%s\n%s", ca_pem, ca_pem);
  write_text(ca, two);
  for (int k = 0; k < 3; k++) {
    static const char *const urls[][2] = {
        {"https://h/x", "webhook"}, {"smtp://h:587", "email"}, {"mqtts://h", "mqtt"}};
    write_ca_case(urls[k][0], urls[k][1], ca);
    ASSERT_EQ(notify_file_load(file, NULL, &n, err, sizeof err), 0);
    ASSERT_STR_EQ(n->channels[2].ca_file, ca);
    ASSERT_STR_EQ(n->channels[1].ca_file, "");
    notify_cfg_free(n);
  }
  snprintf(path, sizeof path, "%s", ca);
  unlink(path);
  teardown();
}

FH_TEST_MAIN(FH_TEST_ENTRY(loads_the_example), FH_TEST_ENTRY(errors_name_the_path),
             FH_TEST_ENTRY(syntax_and_duplicates),
             FH_TEST_ENTRY(secret_without_newline_only), FH_TEST_ENTRY(ca_file_checked))
