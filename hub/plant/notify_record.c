/* notify_record.c -- outbox records as JSON (see notify_record.h).
 *
 * Design: a table of the string fields (name, offset, size) drives both
 * directions for the entry and for its andon, so a field is named once;
 * numbers and the two optional report strings are handled by hand.
 */
#include "notify_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

typedef struct str_field {
  const char *name; /* JSON key */
  size_t off;       /* offset in the struct */
  size_t size;      /* size of the char array */
} str_field;

#define EF(f) {#f, offsetof(notify_entry, f), sizeof(((notify_entry *)0)->f)}
#define AF(f) {#f, offsetof(fh_andon, f), sizeof(((fh_andon *)0)->f)}

static const str_field entry_strs[] = {EF(id), EF(channel), EF(person), EF(to),
                                       EF(text), EF(link)};
static const str_field andon_strs[] = {AF(line),   AF(equipment), AF(kind),
                                       AF(raised_by), AF(acked_by),
                                       AF(resolved_by), AF(reason), AF(note)};
#define NSTRS(t) (sizeof t / sizeof t[0])

static int put_strs(json_t *o, const void *base, const str_field *f, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (json_object_set_new(o, f[i].name,
                            json_string((const char *)base + f[i].off)) != 0)
      return -1;
  return 0;
}

static int get_strs(json_t *o, void *base, const str_field *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    json_t *v = json_object_get(o, f[i].name);
    char *dst = (char *)base + f[i].off;
    if (v == NULL) continue;
    if (!json_is_string(v) || json_string_length(v) >= f[i].size) return -1;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
  }
  return 0;
}

static json_t *andon_json(const fh_andon *a) {
  json_t *o = json_pack("{sI sI sI sI sI sI sI}", "id", (json_int_t)a->id,
                        "severity", (json_int_t)a->severity, "state",
                        (json_int_t)a->state, "level", (json_int_t)a->level,
                        "raised_at", (json_int_t)a->raised_at, "acked_at",
                        (json_int_t)a->acked_at, "resolved_at",
                        (json_int_t)a->resolved_at);
  if (o != NULL && put_strs(o, a, andon_strs, NSTRS(andon_strs)) != 0) {
    json_decref(o);
    o = NULL;
  }
  return o;
}

int notify_record_encode(const notify_entry *e, char **out, size_t *len) {
  json_t *o = json_pack("{si si si sI sI sI}", "v", 1, "on", (int)e->on,
                        "drop_if_ack", e->drop_if_ack, "created_ms",
                        (json_int_t)e->created_ms, "next_ms",
                        (json_int_t)e->next_ms, "attempts",
                        (json_int_t)e->attempts);
  int rc = o == NULL ? -1 : put_strs(o, e, entry_strs, NSTRS(entry_strs));
  *out = NULL;
  if (rc == 0 && e->has_andon)
    rc = json_object_set_new(o, "andon", andon_json(&e->andon));
  if (rc == 0 && e->has_andon)
    rc = json_object_set_new(o, "level_role", json_integer(e->level_role));
  if (rc == 0 && e->report != NULL)
    rc = json_object_set_new(o, "report", json_string(e->report));
  if (rc == 0 && e->report_html != NULL)
    rc = json_object_set_new(o, "report_html", json_string(e->report_html));
  if (rc == 0) *out = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (*out == NULL) return -ENOMEM;
  *len = strlen(*out);
  return 0;
}

static int get_int(json_t *o, const char *key, json_int_t lo, json_int_t hi,
                   json_int_t *v) {
  json_t *j = json_object_get(o, key);
  *v = 0;
  if (j == NULL) return 0;
  if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi)
    return -1;
  *v = json_integer_value(j);
  return 0;
}

static int decode_andon(json_t *o, fh_andon *a) {
  json_int_t id, sev, state, level, raised, acked, resolved;
  if (!json_is_object(o) || get_int(o, "id", 0, INT64_MAX, &id) ||
      get_int(o, "severity", 0, 255, &sev) || get_int(o, "state", 0, 3, &state) ||
      get_int(o, "level", 0, UINT32_MAX, &level) ||
      get_int(o, "raised_at", INT64_MIN, INT64_MAX, &raised) ||
      get_int(o, "acked_at", INT64_MIN, INT64_MAX, &acked) ||
      get_int(o, "resolved_at", INT64_MIN, INT64_MAX, &resolved) ||
      get_strs(o, a, andon_strs, NSTRS(andon_strs)))
    return -1;
  a->id = (uint64_t)id;
  a->severity = (uint8_t)sev;
  a->state = (fh_andon_state)state;
  a->level = (uint32_t)level;
  a->raised_at = raised;
  a->acked_at = acked;
  a->resolved_at = resolved;
  return 0;
}

static char *dup_opt(json_t *o, const char *key, int *bad) {
  json_t *v = json_object_get(o, key);
  char *s;
  if (v == NULL) return NULL;
  if (!json_is_string(v) || (s = strdup(json_string_value(v))) == NULL) {
    *bad = 1;
    return NULL;
  }
  return s;
}

int notify_record_decode(const void *data, size_t len, notify_entry *e) {
  json_t *o = json_loadb(data, len, 0, NULL), *a;
  json_int_t on, drop, created, next, attempts, role;
  int bad = 0;

  memset(e, 0, sizeof *e);
  if (!json_is_object(o) || get_int(o, "on", 0, NOTIFY_ON__COUNT - 1, &on) ||
      get_int(o, "drop_if_ack", 0, 1, &drop) ||
      get_int(o, "created_ms", INT64_MIN, INT64_MAX, &created) ||
      get_int(o, "next_ms", INT64_MIN, INT64_MAX, &next) ||
      get_int(o, "attempts", 0, UINT32_MAX, &attempts) ||
      get_int(o, "level_role", -1, FH_ROLE__COUNT, &role) ||
      get_strs(o, e, entry_strs, NSTRS(entry_strs)) || e->id[0] == '\0')
    bad = 1;
  if (!bad && (a = json_object_get(o, "andon")) != NULL) {
    e->has_andon = 1;
    bad = decode_andon(a, &e->andon);
  }
  e->report = bad ? NULL : dup_opt(o, "report", &bad);
  e->report_html = bad ? NULL : dup_opt(o, "report_html", &bad);
  json_decref(o);
  if (bad) {
    notify_entry_clear(e);
    memset(e, 0, sizeof *e);
    return -EBADMSG;
  }
  e->on = (notify_on)on;
  e->drop_if_ack = (int)drop;
  e->created_ms = created;
  e->next_ms = next;
  e->attempts = (uint32_t)attempts;
  e->level_role = e->has_andon ? (int)role : -1;
  return 0;
}
