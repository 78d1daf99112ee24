/* plant_parse.c -- JSON readers of the plant file (see plant_parse.h).
 *
 * Design: small readers that each check one kind of value (text, id, time,
 * code list) and name the JSON path on failure, and the readers of the
 * sections that are plain tables (shifts, escalation, kinds, timezone).
 * Lines and equipment, which need allocation and the id indexes, are read
 * in plant.c; the reason tree in plant_reasons.c.
 */
#include "plant_parse.h"
#include "file.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ESCALATION_AFTER_MAX (7 * 86400)

static const char *const default_kinds[] = {"maintenance", "quality",
                                            "material", "safety", "help"};

int plant_json_read(const char *path, size_t max, json_t **root, char *err,
                    size_t errlen) {
  json_error_t jerr;
  char *buf = NULL, why[64];
  size_t len = 0;
  int rc = file_read_all(path, max, &buf, &len);

  *root = NULL;
  if (rc != 0) {
    snprintf(err, errlen, "%s: %s", path, file_strerror(rc, max, why, sizeof why));
    return rc;
  }
  *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
  free(buf);
  if (*root != NULL) return 0;
  snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
  return -EINVAL;
}

int plant_fail(plant_ctx *c, const char *path, const char *key,
               const char *fmt, ...) {
  char where[PLANT_PATH_MAX];
  va_list ap;
  int n;

  plant_path(where, sizeof where, path, key);
  n = snprintf(c->err, c->errlen, "%s: %s: ", c->file, where);
  if (n >= 0 && (size_t)n < c->errlen) {
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return -EINVAL;
}

/* Appends s to the string in buf (cap bytes); -1 when it had to be cut. */
static int append(char *buf, size_t cap, const char *s) {
  size_t n = strlen(buf), m = strlen(s);

  if (n + m < cap) {
    memcpy(buf + n, s, m + 1);
    return 0;
  }
  memcpy(buf + n, s, cap - n - 1);
  buf[cap - 1] = '\0';
  return -1;
}

int plant_path(char *buf, size_t cap, const char *path, const char *key) {
  buf[0] = '\0';
  if (key == NULL) return append(buf, cap, path[0] ? path : "top level");
  if (path[0] != '\0' && (append(buf, cap, path) || append(buf, cap, ".")))
    return -1;
  return append(buf, cap, key);
}

int plant_path_at(char *buf, size_t cap, const char *path, const char *key,
                  size_t i) {
  char index[24];

  snprintf(index, sizeof index, "[%zu]", i);
  if (plant_path(buf, cap, path, key) != 0) return -1;
  return append(buf, cap, index);
}

int plant_check_object(plant_ctx *c, json_t *v, const char *path,
                       const char *const *allowed) {
  const char *key;
  json_t *val;

  if (!json_is_object(v)) return plant_fail(c, path, NULL, "must be an object");
  json_object_foreach(v, key, val) {
    size_t i = 0;
    while (allowed[i] != NULL && strcmp(allowed[i], key) != 0) i++;
    if (allowed[i] == NULL) return plant_fail(c, path, key, "unknown key");
  }
  return 0;
}

int plant_get_text(plant_ctx *c, json_t *obj, const char *path,
                   const char *key, int required, char *dst, size_t cap) {
  json_t *v = json_object_get(obj, key);
  size_t n;

  dst[0] = '\0';
  if (v == NULL) return required ? plant_fail(c, path, key, "required") : 0;
  if (!json_is_string(v)) return plant_fail(c, path, key, "must be a string");
  n = json_string_length(v);
  if (!plant_text_valid(json_string_value(v), n, cap - 1))
    return plant_fail(c, path, key,
                      "must be 1..%zu bytes without control characters",
                      cap - 1);
  memcpy(dst, json_string_value(v), n + 1);
  return 0;
}

int plant_get_id(plant_ctx *c, json_t *obj, const char *path,
                 const char *key, char *dst) {
  json_t *v = json_object_get(obj, key);

  if (v == NULL) return plant_fail(c, path, key, "required");
  if (!json_is_string(v) ||
      !plant_id_valid(json_string_value(v), json_string_length(v)))
    return plant_fail(c, path, key, "must be 1..%d bytes of [A-Za-z0-9._-]",
                      FH_ID_MAX);
  memcpy(dst, json_string_value(v), json_string_length(v) + 1);
  return 0;
}

static int digit(char ch) { return ch >= '0' && ch <= '9' ? ch - '0' : -1; }

/* obj[key] as "HH:MM" in minutes after midnight. */
static int get_hhmm(plant_ctx *c, json_t *obj, const char *path,
                    const char *key, uint16_t *min) {
  json_t *v = json_object_get(obj, key);
  const char *s = json_string_value(v);
  int h1, h2, m1, m2;

  if (v == NULL) return plant_fail(c, path, key, "required");
  if (s == NULL || json_string_length(v) != 5 || s[2] != ':' ||
      (h1 = digit(s[0])) < 0 || (h2 = digit(s[1])) < 0 ||
      (m1 = digit(s[3])) < 0 || (m2 = digit(s[4])) < 0 ||
      h1 * 10 + h2 > 23 || m1 > 5)
    return plant_fail(c, path, key, "must be a time \"HH:MM\" (00:00..23:59)");
  *min = (uint16_t)((h1 * 10 + h2) * 60 + m1 * 10 + m2);
  return 0;
}

/* Reads the break times; shift_defs_check() judges where they lie. */
static int parse_breaks(plant_ctx *c, json_t *arr, const char *path,
                        shift_def *s) {
  static const char *const keys[] = {"start", "end", NULL};
  char bpath[PLANT_PATH_MAX];
  int rc;

  if (arr == NULL) return 0;
  if (!json_is_array(arr) || json_array_size(arr) > SHIFT_BREAKS_MAX)
    return plant_fail(c, path, "breaks", "must be an array of 0..%d breaks",
                      SHIFT_BREAKS_MAX);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *b = json_array_get(arr, i);
    shift_break *sb = &s->breaks[i];

    plant_path_at(bpath, sizeof bpath, path, "breaks", i);
    if ((rc = plant_check_object(c, b, bpath, keys)) != 0 ||
        (rc = get_hhmm(c, b, bpath, "start", &sb->start_min)) != 0 ||
        (rc = get_hhmm(c, b, bpath, "end", &sb->end_min)) != 0)
      return rc;
    s->nbreaks = i + 1;
  }
  return 0;
}

int plant_parse_shifts(plant_ctx *c, json_t *arr, plant *p) {
  static const char *const keys[] = {"name", "start", "end", "breaks", NULL};
  char spath[PLANT_PATH_MAX], why[256];
  int rc;

  if (arr == NULL) return plant_fail(c, "", "shifts", "required");
  if (!json_is_array(arr) || json_array_size(arr) < 1 ||
      json_array_size(arr) > SHIFTS_MAX)
    return plant_fail(c, "", "shifts", "must be an array of 1..%d shifts",
                      SHIFTS_MAX);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_array_get(arr, i);
    shift_def *s = &p->shifts[i];

    plant_path_at(spath, sizeof spath, "", "shifts", i);
    if ((rc = plant_check_object(c, o, spath, keys)) != 0 ||
        (rc = plant_get_text(c, o, spath, "name", 1, s->name,
                             sizeof s->name)) != 0 ||
        (rc = get_hhmm(c, o, spath, "start", &s->start_min)) != 0 ||
        (rc = get_hhmm(c, o, spath, "end", &s->end_min)) != 0 ||
        (rc = parse_breaks(c, json_object_get(o, "breaks"), spath, s)) != 0)
      return rc;
    for (size_t j = 0; j < i; j++)
      if (strcmp(p->shifts[j].name, s->name) == 0)
        return plant_fail(c, spath, "name", "duplicate shift name '%s'",
                          s->name);
    p->nshifts = i + 1;
  }
  /* overlaps, breaks outside their shift or overlapping each other */
  if (shift_defs_check(p->shifts, p->nshifts, why, sizeof why) != 0)
    return plant_fail(c, "", "shifts", "%s", why);
  return 0;
}

int plant_parse_escalation(plant_ctx *c, json_t *arr, plant *p) {
  static const char *const keys[] = {"after_s", "role", NULL};
  char epath[PLANT_PATH_MAX];
  int rc;

  if (arr == NULL) {
    p->escalation[0] = (plant_escalation){120, FH_ROLE_SHIFT_MANAGER};
    p->escalation[1] = (plant_escalation){300, FH_ROLE_PRODUCTION_MANAGER};
    p->nescalation = 2;
    return 0;
  }
  if (!json_is_array(arr) || json_array_size(arr) > PLANT_ESCALATION_MAX)
    return plant_fail(c, "", "escalation", "must be an array of 0..%d steps",
                      PLANT_ESCALATION_MAX);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_array_get(arr, i);
    json_t *after = json_object_get(o, "after_s");
    json_t *role = json_object_get(o, "role");
    int r;

    plant_path_at(epath, sizeof epath, "", "escalation", i);
    if ((rc = plant_check_object(c, o, epath, keys)) != 0) return rc;
    if (!json_is_integer(after) || json_integer_value(after) < 1 ||
        json_integer_value(after) > ESCALATION_AFTER_MAX)
      return plant_fail(c, epath, "after_s", "must be an integer 1..%d",
                        ESCALATION_AFTER_MAX);
    if (i > 0 && json_integer_value(after) <= p->escalation[i - 1].after_s)
      return plant_fail(c, epath, "after_s", "must be greater than the "
                        "previous step's (%u)", p->escalation[i - 1].after_s);
    if (!json_is_string(role))
      return plant_fail(c, epath, "role", "must be a role name");
    r = fh_role_from(json_string_value(role), json_string_length(role));
    if (r < 0)
      return plant_fail(c, epath, "role", "unknown role '%s'",
                        json_string_value(role));
    p->escalation[i].after_s = (uint32_t)json_integer_value(after);
    p->escalation[i].role = (fh_role)r;
    p->nescalation = i + 1;
  }
  return 0;
}

/* A list of unique codes (andon kinds, reasons) into dst[max]. */
static int parse_codes(plant_ctx *c, json_t *arr, const char *key,
                       char (*dst)[FH_KIND_MAX + 1], size_t max, size_t *n) {
  char cpath[PLANT_PATH_MAX];

  if (!json_is_array(arr) || json_array_size(arr) < 1 ||
      json_array_size(arr) > max)
    return plant_fail(c, "", key, "must be an array of 1..%zu codes", max);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *v = json_array_get(arr, i);
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);

    plant_path_at(cpath, sizeof cpath, "", key, i);
    if (s == NULL || len > FH_KIND_MAX || !plant_id_valid(s, len))
      return plant_fail(c, cpath, NULL, "must be 1..%d bytes of "
                        "[A-Za-z0-9._-]", FH_KIND_MAX);
    for (size_t j = 0; j < i; j++)
      if (strcmp(dst[j], s) == 0)
        return plant_fail(c, cpath, NULL, "duplicate code '%s'", s);
    memcpy(dst[i], s, len + 1);
    *n = i + 1;
  }
  return 0;
}

static void default_codes(const char *const *src, size_t count,
                          char (*dst)[FH_KIND_MAX + 1], size_t *n) {
  for (size_t i = 0; i < count; i++)
    snprintf(dst[i], sizeof dst[i], "%s", src[i]);
  *n = count;
}

int plant_parse_kinds(plant_ctx *c, json_t *arr, plant *p) {
  if (arr == NULL) {
    default_codes(default_kinds, sizeof default_kinds / sizeof *default_kinds,
                  p->kinds, &p->nkinds);
    return 0;
  }
  return parse_codes(c, arr, "andon_kinds", p->kinds, PLANT_KINDS_MAX,
                     &p->nkinds);
}

/* An IANA name: letters, digits and / _ + - with no leading slash. */
static int tz_name_valid(const char *s, size_t n) {
  if (n == 0 || n > PLANT_TZ_MAX || s[0] == '/') return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
        !(ch >= '0' && ch <= '9') && ch != '/' && ch != '_' && ch != '+' &&
        ch != '-')
      return 0;
  }
  return 1;
}

int plant_parse_timezone(plant_ctx *c, json_t *v, plant *p) {
  const char *dir = getenv("TZDIR");
  char file[PATH_MAX];
  struct stat st;

  if (v == NULL) {
    snprintf(p->timezone, sizeof p->timezone, "UTC");
    return 0;
  }
  if (!json_is_string(v) ||
      !tz_name_valid(json_string_value(v), json_string_length(v)))
    return plant_fail(c, "", "timezone", "must be an IANA time zone name "
                      "such as \"Europe/Berlin\"");
  memcpy(p->timezone, json_string_value(v), json_string_length(v) + 1);
  if (strcmp(p->timezone, "UTC") == 0) return 0;
  if (dir == NULL || dir[0] == '\0') dir = "/usr/share/zoneinfo";
  snprintf(file, sizeof file, "%s/%s", dir, p->timezone);
  if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
    return plant_fail(c, "", "timezone", "unknown time zone '%s' (no %s)",
                      p->timezone, file);
  return 0;
}

int plant_get_uint(plant_ctx *c, json_t *obj, const char *path, const char *key,
                   uint32_t lo, uint32_t hi, uint32_t *dst) {
  json_t *v = json_object_get(obj, key);
  if (v == NULL) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)lo ||
      json_integer_value(v) > (json_int_t)hi)
    return plant_fail(c, path, key, "must be an integer %u..%u", lo, hi);
  *dst = (uint32_t)json_integer_value(v);
  return 0;
}
