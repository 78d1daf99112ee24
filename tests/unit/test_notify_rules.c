/* test_notify_rules.c -- the notify rule matrix, rosters, the default
 * escalation, retry schedule, event keys, the one-line messages and what
 * a record whose andon moved on says (drop_if_acknowledged).
 *
 * The configuration, built by hand: channels chat (webhook), mail (email),
 * bus (mqtt); people anna (email), ben (email + webhook), carl (no
 * address); rosters shift_manager/early = anna, shift_manager/late = ben,
 * maintenance (any shift) = carl, ben.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fh_test.h"
#include "notify_rules.h"

#define T0 1700000000000LL
#define CHAT 0
#define MAIL 1
#define BUS 2
#define ANNA 0
#define BEN 1
#define CARL 2

static notify_channel channels[3];
static notify_person people[3];
static notify_roster rosters[3];
static notify_rule rules[8];
static notify_cfg cfg;

static void setup(void) {
  memset(channels, 0, sizeof channels);
  memset(people, 0, sizeof people);
  memset(rosters, 0, sizeof rosters);
  memset(rules, 0, sizeof rules);
  strcpy(channels[CHAT].id, "chat");
  channels[CHAT].type = NOTIFY_WEBHOOK;
  strcpy(channels[MAIL].id, "mail");
  channels[MAIL].type = NOTIFY_EMAIL;
  strcpy(channels[BUS].id, "bus");
  channels[BUS].type = NOTIFY_MQTT;
  strcpy(people[ANNA].id, "anna");
  strcpy(people[ANNA].email, "anna@x");
  strcpy(people[BEN].id, "ben");
  strcpy(people[BEN].email, "ben@x");
  strcpy(people[BEN].webhook, "http://127.0.0.1/ben");
  strcpy(people[CARL].id, "carl");
  rosters[0] = (notify_roster){FH_ROLE_SHIFT_MANAGER, "early", {ANNA}, 1};
  rosters[1] = (notify_roster){FH_ROLE_SHIFT_MANAGER, "late", {BEN}, 1};
  rosters[2] = (notify_roster){FH_ROLE_MAINTENANCE, "", {CARL, BEN}, 2};
  memset(&cfg, 0, sizeof cfg);
  cfg.channels = channels;
  cfg.nchannels = 3;
  cfg.people = people;
  cfg.npeople = 3;
  cfg.rosters = rosters;
  cfg.nrosters = 3;
  cfg.rules = rules;
  cfg.max_age_s = NOTIFY_MAX_AGE_S;
}

static fh_andon andon(const char *line, const char *kind, uint8_t sev,
                      uint32_t level) {
  fh_andon a;
  memset(&a, 0, sizeof a);
  a.id = 17;
  strcpy(a.line, line);
  strcpy(a.kind, kind);
  a.severity = sev;
  a.level = level;
  a.state = FH_ANDON_RAISED;
  a.raised_at = T0;
  strcpy(a.raised_by, "op1");
  return a;
}

static notify_rule rule(notify_on on, notify_to to) {
  notify_rule r;
  memset(&r, 0, sizeof r);
  r.on = on;
  r.to[0] = to;
  r.nto = 1;
  r.drop_if_acknowledged = 1;
  return r;
}

/* One rule, each filter alone and combined, against andons that pass or
 * miss it. */
FH_TEST(rule_matrix) {
  static const struct {
    const char *line, *kind;
    uint8_t sev;
    uint32_t level;
    notify_on on;
    int want;
  } rows[] = {
      {"L1", "safety", 3, 1, NOTIFY_ON_ESCALATED, 1},
      {"L2", "safety", 3, 1, NOTIFY_ON_ESCALATED, 1},
      {"L3", "safety", 3, 1, NOTIFY_ON_ESCALATED, 0},   /* line */
      {"L1", "quality", 3, 1, NOTIFY_ON_ESCALATED, 0},  /* kind */
      {"L1", "material", 3, 1, NOTIFY_ON_ESCALATED, 1},
      {"L1", "safety", 1, 1, NOTIFY_ON_ESCALATED, 0},   /* severity */
      {"L1", "safety", 2, 1, NOTIFY_ON_ESCALATED, 1},
      {"L1", "safety", 3, 2, NOTIFY_ON_ESCALATED, 0},   /* level */
      {"L1", "safety", 3, 1, NOTIFY_ON_RAISED, 0},      /* on */
      {"L1", "safety", 3, 1, NOTIFY_ON_ACKNOWLEDGED, 0},
  };
  notify_rule r = rule(NOTIFY_ON_ESCALATED, (notify_to){NOTIFY_TO_CHANNEL, CHAT});
  strcpy(r.lines[0], "L1");
  strcpy(r.lines[1], "L2");
  r.nlines = 2;
  strcpy(r.kinds[0], "safety");
  strcpy(r.kinds[1], "material");
  r.nkinds = 2;
  r.min_severity = 2;
  r.level = 1;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    fh_andon a = andon(rows[i].line, rows[i].kind, rows[i].sev, rows[i].level);
    notify_event ev = {rows[i].on, &a, FH_ROLE_SHIFT_MANAGER, "early", 0, NULL, NULL, 0};
    if (notify_rule_matches(&r, &ev) != rows[i].want)
      FH_FAIL_("row %zu: got %d", i, !rows[i].want);
  }
}

/* equipment.down_for and shift.closed: only the lines filter applies. */
FH_TEST(non_andon_events_by_line) {
  notify_rule r = rule(NOTIFY_ON_EQUIPMENT_DOWN, (notify_to){NOTIFY_TO_CHANNEL, CHAT});
  notify_event ev = {NOTIFY_ON_EQUIPMENT_DOWN, NULL, -1, NULL, 0, "L2", "L2-ROB", 60};
  ASSERT_EQ(notify_rule_matches(&r, &ev), 1);
  strcpy(r.lines[0], "L1");
  r.nlines = 1;
  ASSERT_EQ(notify_rule_matches(&r, &ev), 0);
  ev.line = "L1";
  ASSERT_EQ(notify_rule_matches(&r, &ev), 1);
  ev.line = NULL;
  ASSERT_EQ(notify_rule_matches(&r, &ev), 0);
  r.nlines = 0;
  r.on = NOTIFY_ON_SHIFT_CLOSED;
  ev.on = NOTIFY_ON_SHIFT_CLOSED;
  ASSERT_EQ(notify_rule_matches(&r, &ev), 1);
}

FH_TEST(empty_filters_match_everything_of_the_event) {
  notify_rule r = rule(NOTIFY_ON_RAISED, (notify_to){NOTIFY_TO_CHANNEL, CHAT});
  fh_andon a = andon("L9", "help", 1, 0);
  notify_event ev = {NOTIFY_ON_RAISED, &a, -1, NULL, 0, NULL, NULL, 0};
  ASSERT_EQ(notify_rule_matches(&r, &ev), 1);
  ev.on = NOTIFY_ON_RESOLVED;
  ASSERT_EQ(notify_rule_matches(&r, &ev), 0);
  /* a repeat only matches a rule with repeat_s */
  ev.on = NOTIFY_ON_RAISED;
  ev.repeat = 2;
  ASSERT_EQ(notify_rule_matches(&r, &ev), 0);
  r.repeat_s = 300;
  ASSERT_EQ(notify_rule_matches(&r, &ev), 1);
}

/* role -> roster of the current shift; person -> email via the first
 * email channel and their webhook; channel -> the channel. */
FH_TEST(targets_by_addressee) {
  notify_target t[16];
  fh_andon a = andon("L1", "safety", 3, 0);
  notify_event ev = {NOTIFY_ON_RAISED, &a, -1, "early", 0, NULL, NULL, 0};
  size_t n;
  setup();
  rules[0] = rule(NOTIFY_ON_RAISED, (notify_to){NOTIFY_TO_ROLE, FH_ROLE_SHIFT_MANAGER});
  rules[0].to[1] = (notify_to){NOTIFY_TO_PERSON, BEN};
  rules[0].to[2] = (notify_to){NOTIFY_TO_CHANNEL, BUS};
  rules[0].nto = 3;
  cfg.nrules = 1;
  n = notify_targets(&cfg, &ev, t, 16);
  ASSERT_EQ(n, 4);
  ASSERT_EQ(t[0].channel, MAIL); ASSERT_EQ(t[0].person, ANNA);
  ASSERT_EQ(t[1].channel, MAIL); ASSERT_EQ(t[1].person, BEN);
  ASSERT_EQ(t[2].channel, -1);   ASSERT_EQ(t[2].person, BEN);
  ASSERT_EQ(t[3].channel, BUS);  ASSERT_EQ(t[3].person, -1);
  ASSERT_EQ(t[3].rule, 0);
  /* the late shift's roster is ben: deduplicated with person:ben */
  ev.shift = "late";
  n = notify_targets(&cfg, &ev, t, 16);
  ASSERT_EQ(n, 3);
  /* outside any shift: no shift_manager roster without a shift */
  ev.shift = NULL;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 3);
  /* a person without any address is reached on nothing */
  rules[0] = rule(NOTIFY_ON_RAISED, (notify_to){NOTIFY_TO_PERSON, CARL});
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 0);
  /* a roster without a shift applies in every shift */
  rules[0] = rule(NOTIFY_ON_RAISED, (notify_to){NOTIFY_TO_ROLE, FH_ROLE_MAINTENANCE});
  ev.shift = "early";
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 2); /* ben: mail + webhook */
  /* no email channel: people are reached on their webhook only */
  channels[MAIL].type = NOTIFY_MQTT;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 1);
}

/* Each plant step notifies its role's roster unless a rule names the
 * level (or every level). */
FH_TEST(default_escalation) {
  notify_target t[16];
  fh_andon a = andon("L1", "safety", 3, 1);
  notify_event ev = {NOTIFY_ON_ESCALATED, &a, FH_ROLE_SHIFT_MANAGER, "early", 0, NULL, NULL, 0};
  setup();
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 1);
  ASSERT_EQ(t[0].rule, -1);
  ASSERT_EQ(t[0].person, ANNA);
  /* a rule for level 2 leaves level 1 to the default */
  rules[0] = rule(NOTIFY_ON_ESCALATED, (notify_to){NOTIFY_TO_CHANNEL, CHAT});
  rules[0].level = 2;
  cfg.nrules = 1;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 1);
  ASSERT_EQ(t[0].person, ANNA);
  /* a rule for level 1 replaces it, even one whose filter misses */
  rules[0].level = 1;
  strcpy(rules[0].kinds[0], "quality");
  rules[0].nkinds = 1;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 0);
  rules[0].nkinds = 0;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 1);
  ASSERT_EQ(t[0].channel, CHAT);
  /* a rule for every level replaces every default */
  rules[0].level = 0;
  a.level = 2;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 1);
  ASSERT_EQ(t[0].channel, CHAT);
  /* no escalation role (level beyond the plant's steps): nothing */
  cfg.nrules = 0;
  ev.level_role = -1;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 16), 0);
}

FH_TEST(targets_capped) {
  notify_target t[2];
  fh_andon a = andon("L1", "safety", 3, 0);
  notify_event ev = {NOTIFY_ON_RAISED, &a, -1, "early", 0, NULL, NULL, 0};
  setup();
  rules[0] = rule(NOTIFY_ON_RAISED, (notify_to){NOTIFY_TO_CHANNEL, CHAT});
  rules[0].to[1] = (notify_to){NOTIFY_TO_CHANNEL, BUS};
  rules[0].to[2] = (notify_to){NOTIFY_TO_PERSON, ANNA};
  rules[0].nto = 3;
  cfg.nrules = 1;
  ASSERT_EQ(notify_targets(&cfg, &ev, t, 2), 2);
}

FH_TEST(repeat_count) {
  ASSERT_EQ(notify_repeat_count(0, T0, T0 + 3600000), 0);
  ASSERT_EQ(notify_repeat_count(300, T0, T0 + 299999), 0);
  ASSERT_EQ(notify_repeat_count(300, T0, T0 + 300000), 1);
  ASSERT_EQ(notify_repeat_count(300, T0, T0 + 1000000), 3);
  ASSERT_EQ(notify_repeat_count(300, T0, T0 - 5), 0);
}

/* First retry within 5 s, doubling, capped at 10 min, jitter +-20 %. */
FH_TEST(backoff) {
  ASSERT_EQ(notify_backoff_ms(1, 0.5), 4000);
  ASSERT_LE(notify_backoff_ms(1, 0.999), 5000);
  ASSERT_EQ(notify_backoff_ms(1, 0.0), 3200);
  ASSERT_EQ(notify_backoff_ms(2, 0.5), 8000);
  ASSERT_EQ(notify_backoff_ms(3, 0.5), 16000);
  ASSERT_EQ(notify_backoff_ms(8, 0.5), 512000);
  ASSERT_EQ(notify_backoff_ms(9, 0.5), 600000);
  ASSERT_EQ(notify_backoff_ms(40, 0.999), 600000);
  ASSERT_EQ(notify_backoff_ms(40, 0.0), 480000);
}

FH_TEST(event_keys) {
  char k[NOTIFY_EID_MAX + 1];
  fh_andon a = andon("L1", "safety", 3, 2);
  notify_event ev = {NOTIFY_ON_ESCALATED, &a, FH_ROLE_SHIFT_MANAGER, NULL, 0, NULL, NULL, 0};
  ASSERT_EQ(notify_event_key(&ev, 0, k, sizeof k), 0);
  ASSERT_STR_EQ(k, "andon-17-esc-2");
  ev.repeat = 3;
  ASSERT_EQ(notify_event_key(&ev, 0, k, sizeof k), 0);
  ASSERT_STR_EQ(k, "andon-17-esc-2-r3");
  ev = (notify_event){NOTIFY_ON_ACKNOWLEDGED, &a, -1, NULL, 0, NULL, NULL, 0};
  ASSERT_EQ(notify_event_key(&ev, 0, k, sizeof k), 0);
  ASSERT_STR_EQ(k, "andon-17-ack");
  ev = (notify_event){NOTIFY_ON_SHIFT_CLOSED, NULL, -1, "early", 0, NULL, NULL, 0};
  ASSERT_EQ(notify_event_key(&ev, T0, k, sizeof k), 0);
  ASSERT_STR_EQ(k, "shift-1700000000000");
  ASSERT_EQ(notify_event_key(&ev, T0, k, 8), -ENOSPC);
  ev = (notify_event){NOTIFY_ON_EQUIPMENT_DOWN, NULL, -1, NULL, 0, "L1", "L1-PRESS1", 600};
  ASSERT_EQ(notify_event_key(&ev, T0, k, sizeof k), 0);
  ASSERT_STR_EQ(k, "eq-L1-PRESS1-down600-1700000000000");
}

FH_TEST(messages) {
  char buf[NOTIFY_TEXT_MAX + 1];
  fh_andon a = andon("L2", "maintenance", 3, 1);
  notify_event ev = {NOTIFY_ON_ESCALATED, &a, FH_ROLE_SHIFT_MANAGER, NULL, 0, NULL, NULL, 0};
  setenv("TZ", "UTC", 1);
  notify_andon_text(&ev, "Body welding", T0 + 150000, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "ESCALATED L2 Body welding: maintenance andon #17, "
                     "severity 3, 2 min unacknowledged (level 1 \xe2\x86\x92 "
                     "shift_manager)");
  a.state = FH_ANDON_ACKNOWLEDGED;
  a.acked_at = 1700000640000LL; /* 22:24 UTC */
  strcpy(a.acked_by, "mt2");
  notify_state_note(&a, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "acknowledged by mt2 at 22:24");
  ev.on = NOTIFY_ON_ACKNOWLEDGED;
  notify_andon_text(&ev, NULL, T0, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "ACKNOWLEDGED L2: maintenance andon #17, severity 3, "
                     "acknowledged by mt2 at 22:24");
  a.state = FH_ANDON_RESOLVED;
  a.resolved_at = a.acked_at + 60000;
  strcpy(a.resolved_by, "mt2");
  strcpy(a.reason, "mechanical");
  ev.on = NOTIFY_ON_RESOLVED;
  notify_andon_text(&ev, NULL, T0, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "RESOLVED L2: maintenance andon #17, severity 3, "
                     "resolved by mt2 at 22:25, reason mechanical");
  a = andon("L1", "safety", 2, 0);
  notify_state_note(&a, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "");
}

FH_TEST(on_names) {
  for (int i = 0; i < NOTIFY_ON__COUNT; i++)
    ASSERT_EQ(notify_on_from(notify_on_name((notify_on)i)), i);
  ASSERT_EQ(notify_on_from("andon.exploded"), -1);
}

/* drop_if_acknowledged: a raise or escalation (a reminder too) whose
 * andon moved on before its turn is dropped with the flag, else sent with
 * the state now; other events, and andons still raised or unknown, go as
 * they are.  Times in UTC: 1700000640000 is 22:24. */
FH_TEST(late_note_matrix) {
  static const struct {
    notify_on on;
    fh_andon_state now;  /* FH_ANDON_RAISED .. ; -1: andon unknown */
    int drop, want_rc;
    const char *want;
  } rows[] = {
      {NOTIFY_ON_RAISED, FH_ANDON_RAISED, 1, 0, ""},
      {NOTIFY_ON_RAISED, FH_ANDON_ACKNOWLEDGED, 1, -1, ""},
      {NOTIFY_ON_RAISED, FH_ANDON_ACKNOWLEDGED, 0, 0, "acknowledged by mt2 at 22:24"},
      {NOTIFY_ON_ESCALATED, FH_ANDON_ACKNOWLEDGED, 1, -1, ""},
      {NOTIFY_ON_ESCALATED, FH_ANDON_ACKNOWLEDGED, 0, 0, "acknowledged by mt2 at 22:24"},
      {NOTIFY_ON_ESCALATED, FH_ANDON_RESOLVED, 1, -1, ""},
      {NOTIFY_ON_ESCALATED, FH_ANDON_RESOLVED, 0, 0, "resolved by mt2 at 22:25"},
      {NOTIFY_ON_RAISED, FH_ANDON_CANCELLED, 0, 0, "cancelled by mt2 at 22:25"},
      {NOTIFY_ON_ESCALATED, (fh_andon_state)-1, 1, 0, ""},
      {NOTIFY_ON_ACKNOWLEDGED, FH_ANDON_RESOLVED, 1, 0, ""},
      {NOTIFY_ON_RESOLVED, FH_ANDON_RESOLVED, 1, 0, ""},
  };
  setenv("TZ", "UTC", 1);
  tzset();
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    notify_entry e;
    fh_andon now = andon("L1", "safety", 3, 1);
    char note[160] = "x";
    int rc;
    memset(&e, 0, sizeof e);
    e.on = rows[i].on;
    e.has_andon = 1;
    e.andon = now;
    e.drop_if_ack = rows[i].drop;
    now.state = rows[i].now;
    strcpy(now.acked_by, "mt2");
    strcpy(now.resolved_by, "mt2");
    now.acked_at = 1700000640000LL;
    now.resolved_at = now.acked_at + 60000;
    rc = notify_late_note(&e, (int)rows[i].now < 0 ? NULL : &now, note, sizeof note);
    if (rc != rows[i].want_rc || strcmp(note, rows[i].want) != 0)
      FH_FAIL_("row %zu: got %d '%s'", i, rc, note);
  }
}

FH_TEST_MAIN(FH_TEST_ENTRY(rule_matrix), FH_TEST_ENTRY(non_andon_events_by_line),
             FH_TEST_ENTRY(empty_filters_match_everything_of_the_event),
             FH_TEST_ENTRY(targets_by_addressee), FH_TEST_ENTRY(default_escalation),
             FH_TEST_ENTRY(targets_capped), FH_TEST_ENTRY(repeat_count),
             FH_TEST_ENTRY(backoff), FH_TEST_ENTRY(event_keys),
             FH_TEST_ENTRY(messages), FH_TEST_ENTRY(on_names),
             FH_TEST_ENTRY(late_note_matrix))
