/* gw_map.h -- floorgw's mapping file and what a message means through it.
 *
 * Design: the mapping (--map FILE, JSON) says for each equipment where its
 * state and its two counter totals come from: a plain MQTT topic filter
 * (`+` one level, a final `#` the rest) with an optional RFC 6901 JSON
 * pointer into the payload, or a Sparkplug B group / edge node / device /
 * metric.  The loader is strict like the plant file: unknown keys, wrong
 * types and bad values are refused with the JSON path of the offending
 * value, e.g. `equipment[1].state.codes."3"`.
 *
 * The state comes from a code map (code -> [state, reason?]; an unmapped
 * code gives `unknown`), from ordered boolean rules (the first rule whose
 * input has its `is` value wins, otherwise `else`), or, with neither, the
 * value is a state name itself.  Rule inputs arrive one by one (Sparkplug
 * metrics) or together (one JSON payload), so the last value of each rule
 * input is kept in the rule (runtime data, reset by a reload).
 *
 * gw_map_mqtt() and gw_map_metric() turn one input into gw_update calls of
 * the caller's sink, synchronously; they never keep the payload.  Only the
 * loader allocates.  Nothing here does I/O besides reading the file.
 */
#ifndef GW_MAP_H
#define GW_MAP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fh_protocol.h"

#define GW_CODES_MAX 256      /* entries in one state code map */
#define GW_RULES_MAX 16       /* rules of one equipment */
#define GW_PAYLOAD_MAX 65536  /* a plain MQTT payload parsed as JSON at most */
#define GW_REASON_NO_SIGNAL "no_signal" /* machine reason of a dead node's equipment */

/* Where one value comes from. */
typedef enum gw_src_kind {
  GW_SRC_NONE = 0,  /* not mapped */
  GW_SRC_MQTT,      /* topic (+ pointer) */
  GW_SRC_SPARKPLUG  /* group/node/device + metric */
} gw_src_kind;

typedef struct gw_source {
  gw_src_kind kind;   /* which of the members below are set */
  char *topic;        /* MQTT topic filter */
  char *pointer;      /* JSON pointer, NULL: the payload itself */
  char *group;        /* Sparkplug group id */
  char *node;         /* edge node id */
  char *device;       /* device id, NULL: the node's own metrics */
  char *metric;       /* metric name (NULL for a state source with rules) */
} gw_source;

/* One entry of a code map. */
typedef struct gw_code {
  char *code;         /* the code as text ("3", "RUN") */
  fh_eq_state state;  /* what it means */
  char *reason;       /* reason code, NULL if none */
} gw_code;

/* One boolean rule. */
typedef struct gw_rule {
  char *input;        /* metric name (Sparkplug) or JSON pointer (MQTT) */
  int is;             /* the value that makes the rule match, 0 or 1 */
  fh_eq_state state;  /* the state then */
  char *reason;       /* reason code, NULL if none */
  int last;           /* runtime: last value seen, -1 never */
} gw_rule;

typedef enum gw_state_mode {
  GW_STATE_NONE = 0,  /* no state mapped */
  GW_STATE_NAME,      /* the value is a state name */
  GW_STATE_CODES,     /* code map */
  GW_STATE_RULES      /* boolean rules + else */
} gw_state_mode;

typedef struct gw_equipment {
  char id[FH_ID_MAX + 1];   /* the hub's equipment id */
  gw_source state_src;      /* where the state value comes from */
  gw_state_mode mode;       /* how a value becomes a state */
  gw_code *codes;           /* GW_STATE_CODES: the map */
  size_t ncodes;            /* entries in codes */
  gw_rule rules[GW_RULES_MAX]; /* GW_STATE_RULES: in order */
  size_t nrules;            /* entries used in rules */
  fh_eq_state else_state;   /* GW_STATE_RULES: when no rule matches */
  gw_source good_src;       /* good_total, kind NONE if not mapped */
  gw_source reject_src;     /* reject_total, kind NONE if not mapped */
  uint64_t rollover;        /* counter rollover value, 0 = none */
} gw_equipment;

typedef struct gw_map {
  gw_equipment *eq;         /* in file order */
  size_t neq;               /* entries in eq */
} gw_map;

/* A value from a payload or a metric. */
typedef enum gw_vkind { GW_V_NULL = 0, GW_V_BOOL, GW_V_INT, GW_V_DOUBLE,
                        GW_V_STRING } gw_vkind;

typedef struct gw_value {
  gw_vkind kind;      /* which member is set */
  int64_t i;          /* GW_V_BOOL (0/1), GW_V_INT */
  double d;           /* GW_V_DOUBLE */
  const char *s;      /* GW_V_STRING, not NUL-terminated */
  size_t n;           /* ... its bytes */
} gw_value;

/* What one input means for one equipment. */
typedef enum gw_what { GW_UP_STATE, GW_UP_GOOD, GW_UP_REJECT } gw_what;

typedef struct gw_update {
  size_t eq;          /* index in map->eq */
  gw_what what;       /* state or one of the totals */
  fh_eq_state state;  /* GW_UP_STATE */
  const char *reason; /* GW_UP_STATE: reason code or NULL (the map's) */
  uint64_t total;     /* GW_UP_GOOD / GW_UP_REJECT */
  const char *machine_reason; /* GW_UP_STATE: a static machine reason
                         (GW_REASON_NO_SIGNAL) or NULL */
  int unmapped;       /* GW_UP_STATE: an unmapped code gave `unknown` */
  char code[64];      /* ... and that code as text: the machine reason
                         sent to the hub, and for the log */
} gw_update;

/* Receives each update; also told about a value that could not be used
 * (u == NULL, why says what, eq names the equipment). */
typedef void (*gw_sink)(void *arg, const gw_update *u, size_t eq, const char *why);

/* Loads and checks the mapping.  0 and *out, or -EINVAL with the file, the
 * JSON path and the problem in err, -ENOENT etc. when unreadable, -ENOMEM. */
int gw_map_load(const char *path, gw_map **out, char *err, size_t errlen);
/* Same from text (tests).  `name` stands for the file in messages. */
int gw_map_parse(const char *text, size_t len, const char *name, gw_map **out,
                 char *err, size_t errlen);
void gw_map_free(gw_map *m);

/* 1 when an MQTT topic matches a filter (`+`, final `#`). */
int gw_topic_match(const char *filter, const char *topic, size_t topic_n);

/* Resolves an RFC 6901 pointer ("" is the whole document, ~0 is ~, ~1 is
 * /) in a jansson document; NULL when absent or malformed. */
json_t *gw_json_pointer(json_t *doc, const char *ptr);

/* A plain MQTT message: every mapped value it carries, to sink.  Returns the
 * number of updates made (0 when nothing matched). */
int gw_map_mqtt(gw_map *m, const char *topic, size_t topic_n,
                const uint8_t *payload, size_t len, gw_sink sink, void *arg);

/* One Sparkplug metric (device NULL or "" for node metrics): updates to
 * sink.  Returns the number of updates made. */
int gw_map_metric(gw_map *m, const char *group, const char *node,
                  const char *device, const char *metric, size_t metric_n,
                  const gw_value *v, gw_sink sink, void *arg);

/* A Sparkplug node (device NULL: with all its devices) or one device went
 * away: every equipment whose state it feeds gets `unknown` with reason
 * GW_REASON_NO_SIGNAL.  Returns the number of updates made. */
int gw_map_dead(gw_map *m, const char *group, const char *node, const char *device,
                gw_sink sink, void *arg);

/* 1 when any equipment is fed by that Sparkplug node. */
int gw_map_uses_node(const gw_map *m, const char *group, const char *node);

/* The distinct MQTT topic filters of the map, into out[0..cap); returns
 * their count (may exceed cap: then only cap were stored). */
size_t gw_map_topics(const gw_map *m, const char **out, size_t cap);

#endif /* GW_MAP_H */
