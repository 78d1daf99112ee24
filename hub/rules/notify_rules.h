/* notify_rules.h -- who is notified of what: the notify settings, the rule
 * matcher, the retry schedule and the one-line messages.
 *
 * Design: the notify file (hub/plant/notify_file.c reads it) becomes one
 * immutable `notify_cfg`: channels, people, rosters and rules, every
 * reference already resolved to an index.  When something happens (an
 * andon raised, escalated, acknowledged or resolved, a shift closed) the
 * hub describes it in a `notify_event` and notify_targets() says which
 * deliveries it causes: each is one channel (or a person's own webhook)
 * and, for e-mail, one person.  The hub turns each into an outbox record
 * (`notify_entry`) in the same transaction as the event itself; the
 * senders (hub/notify) deliver the records.
 *
 * Everything here is a pure function of its inputs and the injected time:
 * no I/O, no clock, no allocation except notify_entry_free's fields.
 */
#ifndef FH_HUB_NOTIFY_RULES_H
#define FH_HUB_NOTIFY_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "fh_roles.h"

#define NOTIFY_CHANNELS_MAX 32      /* channels in a notify file */
#define NOTIFY_PEOPLE_MAX 512       /* people */
#define NOTIFY_ROSTERS_MAX 128      /* rosters */
#define NOTIFY_ROSTER_PEOPLE_MAX 32 /* people on one roster */
#define NOTIFY_RULES_MAX 128        /* rules */
#define NOTIFY_TO_MAX 16            /* addressees of one rule */
#define NOTIFY_FILTER_MAX 16        /* lines or kinds in one rule */
#define NOTIFY_URL_MAX 512          /* bytes of a URL */
#define NOTIFY_ADDR_MAX 254         /* bytes of an e-mail address */
#define NOTIFY_SECRET_MAX 256       /* bytes of a secret or password */
#define NOTIFY_PATH_MAX 511         /* bytes of a file name (ca_file) */
#define NOTIFY_TEXT_MAX 400         /* bytes of the one-line message */
#define NOTIFY_EID_MAX 200          /* bytes of an event id */
#define NOTIFY_TARGETS_MAX 256      /* deliveries of one event */
#define NOTIFY_IN_FLIGHT 4          /* default per channel in flight */
#define NOTIFY_MAX_AGE_S 86400      /* default max_age_s */
#define NOTIFY_PEOPLE_CHANNEL "webhook" /* channel label of people's own
                                           webhooks */

typedef enum notify_on {
  NOTIFY_ON_RAISED = 0,       /* andon.raised */
  NOTIFY_ON_ESCALATED,        /* andon.escalated (per level) */
  NOTIFY_ON_ACKNOWLEDGED,     /* andon.acknowledged */
  NOTIFY_ON_RESOLVED,         /* andon.resolved */
  NOTIFY_ON_EQUIPMENT_DOWN,   /* equipment.down_for (after_s) */
  NOTIFY_ON_DOWNTIME_UNCLASSIFIED, /* downtime.unclassified_for (after_s):
                                      a stop without a reason that long */
  NOTIFY_ON_SHIFT_CLOSED,     /* shift.closed */
  NOTIFY_ON__COUNT
} notify_on;
/* The event of `floorctl notify test` messages: not a rule's `on`. */
#define NOTIFY_ON_TEST NOTIFY_ON__COUNT

typedef enum notify_type { NOTIFY_WEBHOOK = 0, NOTIFY_EMAIL, NOTIFY_MQTT } notify_type;
typedef enum notify_format { NOTIFY_FMT_JSON = 0, NOTIFY_FMT_SLACK, NOTIFY_FMT_TEAMS } notify_format;

typedef struct notify_channel {
  char id[FH_ID_MAX + 1];            /* "chat", the `channel` label */
  notify_type type;                  /* webhook | email | mqtt */
  char url[NOTIFY_URL_MAX + 1];      /* webhook url, smtp_url or mqtt url */
  notify_format format;              /* webhook body shape */
  char secret[NOTIFY_SECRET_MAX + 1]; /* webhook HMAC key (secret_file) */
  size_t secret_len;                 /* 0: no signature */
  char from[NOTIFY_ADDR_MAX + 1];    /* email: the sender address */
  char user[FH_NAME_MAX + 1];        /* email: SMTP user, "" none */
  char password[NOTIFY_SECRET_MAX + 1]; /* email: from password_file */
  char topic_prefix[FH_NAME_MAX + 1]; /* mqtt: "floorhub/notify" */
  char ca_file[NOTIFY_PATH_MAX + 1]; /* PEM CAs that verify the server;
                                        "" = the system's */
  uint32_t timeout_s;                /* one attempt at most this long */
  uint32_t max_in_flight;            /* deliveries in flight at most */
} notify_channel;

typedef struct notify_person {
  char id[FH_ID_MAX + 1];            /* "anna" */
  char name[FH_NAME_MAX + 1];        /* "Anna K." */
  char email[NOTIFY_ADDR_MAX + 1];   /* "" none */
  char webhook[NOTIFY_URL_MAX + 1];  /* "" none */
} notify_person;

typedef struct notify_roster {
  fh_role role;                      /* whose roster */
  char shift[FH_NAME_MAX + 1];       /* shift name; "" = any shift */
  uint16_t people[NOTIFY_ROSTER_PEOPLE_MAX]; /* notify_cfg.people indexes */
  size_t npeople;                    /* entries used in people */
} notify_roster;

typedef enum notify_to_kind { NOTIFY_TO_ROLE = 0, NOTIFY_TO_PERSON, NOTIFY_TO_CHANNEL } notify_to_kind;

typedef struct notify_to {
  notify_to_kind kind;               /* role:R | person:P | channel:C */
  int index;                         /* role number, person or channel index */
} notify_to;

typedef struct notify_rule {
  notify_on on;                      /* the event */
  char lines[NOTIFY_FILTER_MAX][FH_ID_MAX + 1]; /* only these lines */
  size_t nlines;                     /* 0: every line */
  char kinds[NOTIFY_FILTER_MAX][FH_KIND_MAX + 1]; /* only these kinds */
  size_t nkinds;                     /* 0: every kind */
  uint8_t min_severity;              /* 0: any */
  uint32_t level;                    /* andon.escalated: 0 = every level */
  uint32_t after_s;                  /* *_for rules: how long */
  notify_to to[NOTIFY_TO_MAX];       /* addressees */
  size_t nto;                        /* entries used in to (>= 1) */
  uint32_t repeat_s;                 /* 0: once; else again every repeat_s
                                        while still unacknowledged */
  int drop_if_acknowledged;          /* default 1 */
} notify_rule;

typedef struct notify_cfg {
  char public_url[NOTIFY_URL_MAX + 1]; /* dashboard address, "" none */
  uint32_t max_age_s;                /* give up on a delivery after */
  notify_channel *channels;          /* nchannels */
  size_t nchannels;                  /* their number */
  notify_person *people;             /* npeople */
  size_t npeople;                    /* their number */
  notify_roster *rosters;            /* nrosters */
  size_t nrosters;                   /* their number */
  notify_rule *rules;                /* nrules, in file order */
  size_t nrules;                     /* their number */
} notify_cfg;

/* What happened.  For andon events `andon` is the andon after the change
 * and `level_role` the role of escalation step `andon->level` (-1 none). */
typedef struct notify_event {
  notify_on on;                      /* what */
  const fh_andon *andon;             /* andon events, else NULL */
  int level_role;                    /* escalated: role of the level */
  const char *shift;                 /* the current (or closed) shift's
                                        name, NULL when outside shifts */
  uint32_t repeat;                   /* 0: first; n: the n-th repeat */
  const char *line;                  /* equipment.down_for: its line */
  const char *equipment;             /* equipment.down_for: its id */
  uint32_t after_s;                  /* equipment.down_for: the rule's */
} notify_event;

/* One delivery: a channel, and the person reached on it (or -1). */
typedef struct notify_target {
  int rule;                          /* the rule, -1: default escalation */
  int channel;                       /* channel index; -1: the person's
                                        own webhook */
  int person;                        /* person index or -1 (channel:C) */
} notify_target;

/* One outbox record: a delivery waiting to be sent.  Written by the hub in
 * the transaction of its event (key: id), updated after each failed
 * attempt, deleted once delivered or given up. */
typedef struct notify_entry {
  char id[NOTIFY_EID_MAX + 1];       /* delivery id "<event>.<channel>[.<person>]":
                                        X-Floorhub-Event-Id, Message-ID */
  notify_on on;                      /* the event */
  char channel[FH_ID_MAX + 1];       /* channel id, NOTIFY_PEOPLE_CHANNEL for
                                        a person's own webhook */
  char person[FH_ID_MAX + 1];        /* the person reached, "" for channel:C */
  char to[NOTIFY_URL_MAX + 1];       /* their e-mail address or webhook URL */
  char text[NOTIFY_TEXT_MAX + 1];    /* the one-line message */
  char link[NOTIFY_URL_MAX + 1];     /* dashboard link, "" without public_url */
  int has_andon;                     /* andon events: `andon` is set */
  fh_andon andon;                    /* the andon as of the event */
  int level_role;                    /* escalated: the level's role, or -1 */
  int drop_if_ack;                   /* drop when no longer true at send */
  char *report;                      /* shift.closed: the report as text
                                        (malloc'ed), else NULL */
  char *report_html;                 /* ... and as an HTML table */
  int64_t created_ms;                /* when the event happened */
  int64_t next_ms;                   /* next attempt not before */
  uint32_t attempts;                 /* attempts made so far */
} notify_entry;

/* Frees the report strings of e (not e itself). */
void notify_entry_clear(notify_entry *e);

/* The deliveries ev causes, deduplicated by (channel, person), at most cap
 * (NOTIFY_TARGETS_MAX is always enough for one rule set of the limits
 * above... up to the cap; the rest are cut).  Returns their number.
 * Unless cfg has an andon.escalated rule for the level (its `level` or 0),
 * an escalation reaches the roster of ev->level_role.  A role reaches the
 * people of its roster for ev->shift (a roster without shift when none
 * fits).  A person is reached by e-mail through the first email channel
 * (if they have an address) and on their own webhook (if any). */
size_t notify_targets(const notify_cfg *cfg, const notify_event *ev,
                      notify_target *out, size_t cap);

/* 1 when rule r applies to ev (on, lines, kinds, min_severity, level). */
int notify_rule_matches(const notify_rule *r, const notify_event *ev);

/* How many repeats of a rule with repeat_s are due at now_ms for an event
 * at since_ms (0 when repeat_s is 0). */
uint32_t notify_repeat_count(uint32_t repeat_s, int64_t since_ms,
                             int64_t now_ms);

/* The delay before retry number `attempt` (1 = after the first failure):
 * 4 s, doubling, at most 600 s, each times (0.8 + 0.4 * jitter01), with
 * jitter01 in [0, 1). */
uint64_t notify_backoff_ms(uint32_t attempt, double jitter01);

/* The event id part of ev ("andon-17-esc-2", "andon-17-raised-r3",
 * "shift-<start ms>", "eq-L1-PRESS1-down600-<since ms>") into buf; ts is the
 * shift start for shift.closed, the down period's start for
 * equipment.down_for.
 * Returns 0 or -ENOSPC. */
int notify_event_key(const notify_event *ev, int64_t ts, char *buf,
                     size_t cap);

/* The one-line message of an andon event, for a phone's lock screen:
 *   "ESCALATED L2 Body welding: maintenance andon #17, severity 3, 2 min
 *    unacknowledged (level 1 -> shift_manager)"
 * line_name may be NULL; times in the local zone (the hub sets TZ). */
void notify_andon_text(const notify_event *ev, const char *line_name,
                       int64_t now_ms, char *buf, size_t cap);

/* "acknowledged by mt2 at 10:44" / "resolved by mt2 at 10:52" /
 * "cancelled by op1 at 10:50"; "" for a raised andon. */
void notify_state_note(const fh_andon *a, char *buf, size_t cap);

/* What a record says when its turn comes, given its andon now (NULL: no
 * longer known): an andon.raised / andon.escalated record (a reminder
 * too) whose andon is no longer raised returns -1 when the record has
 * drop_if_ack (not sent), else 0 with note its state now ("acknowledged
 * by mt2 at 10:44"); any other record, or one still true, 0 and "". */
int notify_late_note(const notify_entry *e, const fh_andon *now, char *note,
                     size_t cap);

/* The names of the `on` values ("andon.raised"...); -1 when unknown. */
const char *notify_on_name(notify_on on);
int notify_on_from(const char *name);

#endif
