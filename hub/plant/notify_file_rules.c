/* notify_file_rules.c -- the "rules" section of the notify file (see
 * notify_file.h).
 *
 * Design: a rule names its event (`on`), optional filters (lines, kinds,
 * min_severity, level), its addressees ("role:R", "person:P", "channel:C",
 * each resolved to an index here) and its options.  Keys that make no
 * sense for the event are refused (`level` outside andon.escalated,
 * `after_s` outside the *_for events), so a misplaced key never silently
 * widens a rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_file.h"
#include "notify_parse.h"

static int parse_to(plant_ctx *c, json_t *arr, const char *path,
                    notify_rule *r, const notify_cfg *n) {
  char tpath[PLANT_PATH_MAX];
  if (!json_is_array(arr) || json_array_size(arr) == 0 ||
      json_array_size(arr) > NOTIFY_TO_MAX)
    return plant_fail(c, path, "to", "must be an array of 1..%d addressees",
                      NOTIFY_TO_MAX);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *v = json_array_get(arr, i);
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    notify_to *to = &r->to[i];
    plant_path_at(tpath, sizeof tpath, path, "to", i);
    if (!strncmp(s, "role:", 5)) {
      to->kind = NOTIFY_TO_ROLE;
      to->index = fh_role_from(s + 5, strlen(s + 5));
      if (to->index < 0) return plant_fail(c, tpath, NULL, "unknown role '%s'", s + 5);
    } else if (!strncmp(s, "person:", 7)) {
      to->kind = NOTIFY_TO_PERSON;
      if ((to->index = notify_cfg_person(n, s + 7)) < 0)
        return plant_fail(c, tpath, NULL, "no person '%s'", s + 7);
    } else if (!strncmp(s, "channel:", 8)) {
      to->kind = NOTIFY_TO_CHANNEL;
      if ((to->index = notify_cfg_channel(n, s + 8)) < 0)
        return plant_fail(c, tpath, NULL, "no channel '%s'", s + 8);
      if (n->channels[to->index].type == NOTIFY_EMAIL)
        return plant_fail(c, tpath, NULL, "channel '%s' is e-mail: address "
                          "people or roles instead", s + 8);
    } else {
      return plant_fail(c, tpath, NULL,
                        "must be \"role:R\", \"person:P\" or \"channel:C\"");
    }
    r->nto = i + 1;
  }
  return 0;
}

/* lines or kinds: ids known to the plant (when given). */
static int parse_filter(plant_ctx *c, json_t *o, const char *path,
                        const char *key, char *dst, size_t width, size_t *count,
                        const plant *pl) {
  json_t *arr = json_object_get(o, key);
  char fpath[PLANT_PATH_MAX];
  if (arr == NULL) return 0;
  if (!json_is_array(arr) || json_array_size(arr) == 0 ||
      json_array_size(arr) > NOTIFY_FILTER_MAX)
    return plant_fail(c, path, key, "must be an array of 1..%d ids",
                      NOTIFY_FILTER_MAX);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *v = json_array_get(arr, i);
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t len = strlen(s);
    int known = pl == NULL || (key[0] == 'l' ? plant_line_find(pl, s, len) != NULL
                                             : plant_kind_valid(pl, s, len));
    plant_path_at(fpath, sizeof fpath, path, key, i);
    if (!plant_id_valid(s, len) || len >= width)
      return plant_fail(c, fpath, NULL, "must be an id of 1..%zu bytes", width - 1);
    if (!known)
      return plant_fail(c, fpath, NULL, "no %s '%s' in the plant file",
                        key[0] == 'l' ? "line" : "andon kind", s);
    memcpy(dst + i * width, s, len + 1);
    *count = i + 1;
  }
  return 0;
}

static int parse_on(plant_ctx *c, json_t *o, const char *path, notify_rule *r) {
  char on[40];
  int rc = notify_get_str(c, o, path, "on", 1, NULL, on, sizeof on), k;
  if (rc != 0) return rc;
  if ((k = notify_on_from(on)) < 0)
    return plant_fail(c, path, "on", "unknown event '%s' (andon.raised, "
                      "andon.escalated, andon.acknowledged, andon.resolved, "
                      "equipment.down_for, downtime.unclassified_for, "
                      "shift.closed)", on);
  r->on = (notify_on)k;
  return 0;
}

/* Keys that belong to other events. */
static int check_keys_for_on(plant_ctx *c, json_t *o, const char *path,
                             const notify_rule *r, const plant *pl) {
  int timed = r->on == NOTIFY_ON_EQUIPMENT_DOWN ||
              r->on == NOTIFY_ON_DOWNTIME_UNCLASSIFIED;
  int andon = r->on <= NOTIFY_ON_RESOLVED;
  if (r->on != NOTIFY_ON_ESCALATED && json_object_get(o, "level") != NULL)
    return plant_fail(c, path, "level", "only for andon.escalated");
  if (timed && json_object_get(o, "after_s") == NULL)
    return plant_fail(c, path, "after_s", "required for %s", notify_on_name(r->on));
  if (!timed && json_object_get(o, "after_s") != NULL)
    return plant_fail(c, path, "after_s", "only for equipment.down_for and "
                      "downtime.unclassified_for");
  if (!andon && (json_object_get(o, "kinds") || json_object_get(o, "min_severity")))
    return plant_fail(c, path, json_object_get(o, "kinds") ? "kinds" : "min_severity",
                      "only for andon events");
  if (r->on == NOTIFY_ON_SHIFT_CLOSED && json_object_get(o, "lines"))
    return plant_fail(c, path, "lines", "not for shift.closed (the report "
                      "covers every line)");
  if ((r->on != NOTIFY_ON_RAISED && r->on != NOTIFY_ON_ESCALATED) &&
      json_object_get(o, "repeat_s") != NULL)
    return plant_fail(c, path, "repeat_s", "only for andon.raised and "
                      "andon.escalated");
  if (pl != NULL && r->level > pl->nescalation)
    return plant_fail(c, path, "level", "the plant file has %zu escalation "
                      "steps", pl->nescalation);
  return 0;
}

static int parse_rule(plant_ctx *c, json_t *o, const char *path,
                      notify_rule *r, const notify_cfg *n, const plant *pl) {
  static const char *const keys[] = {
      "on", "lines", "kinds", "min_severity", "level", "after_s", "to",
      "repeat_s", "drop_if_acknowledged", NULL};
  json_t *drop;
  uint32_t sev;
  int rc = plant_check_object(c, o, path, keys);

  if (rc == 0) rc = parse_on(c, o, path, r);
  if (rc == 0) rc = notify_get_u32(c, o, path, "level", 1, PLANT_ESCALATION_MAX, 0, &r->level);
  if (rc == 0) rc = check_keys_for_on(c, o, path, r, pl);
  if (rc == 0) rc = notify_get_u32(c, o, path, "min_severity", 1, 3, 0, &sev);
  if (rc == 0) rc = notify_get_u32(c, o, path, "after_s", 1, 7 * 86400, 0, &r->after_s);
  if (rc == 0) rc = notify_get_u32(c, o, path, "repeat_s", 60, 86400, 0, &r->repeat_s);
  if (rc == 0)
    rc = parse_filter(c, o, path, "lines", &r->lines[0][0], sizeof r->lines[0],
                      &r->nlines, pl);
  if (rc == 0)
    rc = parse_filter(c, o, path, "kinds", &r->kinds[0][0], sizeof r->kinds[0],
                      &r->nkinds, pl);
  if (rc == 0) rc = parse_to(c, json_object_get(o, "to"), path, r, n);
  if (rc != 0) return rc;
  r->min_severity = (uint8_t)sev;
  drop = json_object_get(o, "drop_if_acknowledged");
  if (drop != NULL && !json_is_boolean(drop))
    return plant_fail(c, path, "drop_if_acknowledged", "must be true or false");
  r->drop_if_acknowledged = drop == NULL || json_is_true(drop);
  return 0;
}

int notify_parse_rules(plant_ctx *c, json_t *arr, const plant *pl,
                       notify_cfg *n) {
  char path[PLANT_PATH_MAX];
  int rc;
  if (arr == NULL) return 0;
  if (!json_is_array(arr) || json_array_size(arr) > NOTIFY_RULES_MAX)
    return plant_fail(c, "", "rules", "must be an array of at most %d rules",
                      NOTIFY_RULES_MAX);
  n->rules = calloc(json_array_size(arr) + 1, sizeof *n->rules);
  if (n->rules == NULL) return plant_fail(c, "", "rules", "out of memory");
  for (size_t i = 0; i < json_array_size(arr); i++) {
    plant_path_at(path, sizeof path, "", "rules", i);
    if ((rc = parse_rule(c, json_array_get(arr, i), path, &n->rules[i], n, pl)) != 0)
      return rc;
    n->nrules = i + 1;
  }
  return 0;
}
