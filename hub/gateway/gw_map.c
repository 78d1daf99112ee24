/* gw_map.c -- the mapping file loader (gw_map.h).
 *
 * Design: a walk over the JSON with a path stack (`ctx.path`): each reader
 * pushes its key or index, checks one object against its list of allowed
 * keys, and pops on the way out, so a failure anywhere reports the full
 * JSON path of the value at fault.  Object keys that are not identifiers
 * are quoted in the path (`codes."3"`).  Strings are copied out of the
 * jansson tree (owned by the map, freed by gw_map_free), and the tree is
 * dropped once the map is built.
 */
#include "gw_map.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 256

/* The loader's state. */
typedef struct ctx {
  const char *file;         /* file name for messages */
  char *err;                /* the caller's message buffer */
  size_t errlen;            /* ... and its size */
  char path[PATH_MAX_LEN];  /* JSON path of the value being read */
  size_t n;                 /* bytes used in path */
} ctx;

__attribute__((format(printf, 2, 3)))
static int fail(ctx *c, const char *fmt, ...) {
  va_list ap;
  int k = snprintf(c->err, c->errlen, "%s: %s: ", c->file,
                   c->n ? c->path : "top level");
  if (k >= 0 && (size_t)k < c->errlen) {
    va_start(ap, fmt);
    vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
    va_end(ap);
  }
  return -EINVAL;
}

static int is_ident(const char *s) {
  if (!isalpha((unsigned char)*s) && *s != '_') return 0;
  while (*++s)
    if (!isalnum((unsigned char)*s) && *s != '_') return 0;
  return 1;
}

/* Pushes ".key" (quoted unless an identifier) or "[i]"; returns the old
 * length for pop().  A path too long for the buffer is cut, never
 * overrun. */
static size_t push(ctx *c, const char *key, long idx) {
  size_t old = c->n, room = sizeof c->path - c->n;
  int k;
  if (key == NULL) k = snprintf(c->path + c->n, room, "[%ld]", idx);
  else if (is_ident(key)) k = snprintf(c->path + c->n, room, "%s%s", c->n ? "." : "", key);
  else k = snprintf(c->path + c->n, room, "%s\"%s\"", c->n ? "." : "", key);
  if (k > 0) c->n += (size_t)k < room ? (size_t)k : room - 1;
  return old;
}

static void pop(ctx *c, size_t old) {
  c->n = old;
  c->path[old] = '\0';
}

/* v must be an object whose keys are all in allowed (NULL-terminated). */
static int check_keys(ctx *c, json_t *v, const char *const *allowed) {
  const char *key;
  json_t *val;
  if (!json_is_object(v)) return fail(c, "must be an object");
  json_object_foreach(v, key, val) {
    size_t i = 0, old;
    while (allowed[i] && strcmp(allowed[i], key) != 0) i++;
    if (allowed[i] == NULL) {
      old = push(c, key, 0);
      fail(c, "unknown key");
      pop(c, old);
      return -EINVAL;
    }
  }
  return 0;
}

/* obj[key] as a copied non-empty string (NULL when absent and optional). */
static int get_str(ctx *c, json_t *obj, const char *key, int required, char **dst) {
  json_t *v = json_object_get(obj, key);
  size_t old = push(c, key, 0);
  int rc = 0;
  *dst = NULL;
  if (v == NULL) rc = required ? fail(c, "required") : 0;
  else if (!json_is_string(v) || json_string_length(v) == 0 ||
           strlen(json_string_value(v)) != json_string_length(v))
    rc = fail(c, "must be a non-empty string");
  else if ((*dst = strdup(json_string_value(v))) == NULL) rc = -ENOMEM;
  pop(c, old);
  return rc;
}

/* A state name at v into *st. */
static int get_state(ctx *c, json_t *v, fh_eq_state *st) {
  int s = json_is_string(v) ? fh_eq_state_from(json_string_value(v),
                                                json_string_length(v)) : -1;
  if (s < 0) return fail(c, "must be a state name (running, idle, down, ...)");
  *st = (fh_eq_state)s;
  return 0;
}

static int check_reason(ctx *c, const char *r) {
  size_t n = r ? strlen(r) : 0;
  if (r && n > FH_KIND_MAX) return fail(c, "a reason is at most %d bytes", FH_KIND_MAX);
  return 0;
}

/* A JSON pointer must be "" or start with '/'. */
static int check_pointer(ctx *c, const char *p) {
  if (p && p[0] != '/') return fail(c, "a JSON pointer starts with '/'");
  return 0;
}

static int check_filter(ctx *c, const char *t) {
  for (const char *p = t; *p; p++) {
    if (*p == '+' && ((p > t && p[-1] != '/') || (p[1] && p[1] != '/')))
      return fail(c, "'+' must be a whole topic level");
    if (*p == '#' && (p[1] || (p > t && p[-1] != '/')))
      return fail(c, "'#' must be the last topic level");
  }
  return 0;
}

static int read_mqtt(ctx *c, json_t *v, gw_source *s) {
  static const char *const keys[] = {"topic", "pointer", NULL};
  json_t *ptr = json_object_get(v, "pointer");
  size_t old = push(c, "mqtt", 0);
  int rc = check_keys(c, v, keys);
  s->kind = GW_SRC_MQTT;
  if (rc == 0) rc = get_str(c, v, "topic", 1, &s->topic);
  if (rc == 0) rc = check_filter(c, s->topic);
  /* "" points at the whole payload, as no pointer does */
  if (rc == 0 && !(json_is_string(ptr) && json_string_length(ptr) == 0))
    rc = get_str(c, v, "pointer", 0, &s->pointer);
  if (rc == 0) rc = check_pointer(c, s->pointer);
  pop(c, old);
  return rc;
}

static int read_sparkplug(ctx *c, json_t *v, gw_source *s) {
  static const char *const keys[] = {"group", "node", "device", "metric", NULL};
  size_t old = push(c, "sparkplug", 0);
  int rc = check_keys(c, v, keys);
  s->kind = GW_SRC_SPARKPLUG;
  if (rc == 0) rc = get_str(c, v, "group", 1, &s->group);
  if (rc == 0) rc = get_str(c, v, "node", 1, &s->node);
  if (rc == 0) rc = get_str(c, v, "device", 0, &s->device);
  if (rc == 0) rc = get_str(c, v, "metric", 0, &s->metric);
  pop(c, old);
  return rc;
}

static int dup_opt(const char *src, char **dst) {
  *dst = NULL;
  return src && (*dst = strdup(src)) == NULL ? -ENOMEM : 0;
}

/* {"mqtt": ...} | {"sparkplug": ...} | {"metric": NAME}; the last only
 * beside a Sparkplug `base` (the equipment's source), whose group, node
 * and device it takes. */
static int read_source(ctx *c, json_t *v, const gw_source *base, gw_source *s) {
  static const char *const keys[] = {"mqtt", "sparkplug", "metric", NULL};
  json_t *mq = json_object_get(v, "mqtt"), *sp = json_object_get(v, "sparkplug");
  int rc = check_keys(c, v, keys), given;
  if (rc != 0) return rc;
  given = (mq != NULL) + (sp != NULL) + (json_object_get(v, "metric") != NULL);
  if (given != 1) return fail(c, "needs exactly one of mqtt, sparkplug, metric");
  if (mq) return read_mqtt(c, mq, s);
  if (sp) return read_sparkplug(c, sp, s);
  if (base == NULL || base->kind != GW_SRC_SPARKPLUG)
    return fail(c, "metric needs a sparkplug source of the equipment");
  s->kind = GW_SRC_SPARKPLUG;
  if ((rc = get_str(c, v, "metric", 1, &s->metric)) != 0) return rc;
  if (dup_opt(base->group, &s->group) || dup_opt(base->node, &s->node) ||
      dup_opt(base->device, &s->device))
    return -ENOMEM;
  return 0;
}

/* "codes": {"3": ["down", "mechanical"], ...} */
static int read_codes(ctx *c, json_t *v, gw_equipment *e) {
  const char *key;
  json_t *val;
  size_t i = 0;
  if (!json_is_object(v) || json_object_size(v) == 0)
    return fail(c, "must be a non-empty object of code: [state, reason?]");
  if (json_object_size(v) > GW_CODES_MAX) return fail(c, "at most %d codes", GW_CODES_MAX);
  if ((e->codes = calloc(json_object_size(v), sizeof *e->codes)) == NULL) return -ENOMEM;
  json_object_foreach(v, key, val) {
    gw_code *k = &e->codes[i++];
    size_t n = json_array_size(val), old = push(c, key, 0);
    int rc = 0;
    e->ncodes = i;
    if (!json_is_array(val) || n < 1 || n > 2) rc = fail(c, "must be [state] or [state, reason]");
    else if ((rc = get_state(c, json_array_get(val, 0), &k->state)) != 0) {
    } else if (n == 2 && (!json_is_string(json_array_get(val, 1)) ||
                          json_string_length(json_array_get(val, 1)) == 0))
      rc = fail(c, "the reason must be a non-empty string");
    else if ((k->code = strdup(key)) == NULL ||
             dup_opt(n == 2 ? json_string_value(json_array_get(val, 1)) : NULL, &k->reason))
      rc = -ENOMEM;
    if (rc == 0) rc = check_reason(c, k->reason);
    if (rc != 0) return rc;
    pop(c, old);
  }
  return 0;
}

/* One rule: {"metric" | "pointer": ..., "is": bool, "state": S, "reason"?} */
static int read_rule(ctx *c, json_t *v, int mqtt, gw_rule *r) {
  static const char *const keys[] = {"metric", "pointer", "is", "state", "reason", NULL};
  const char *in = mqtt ? "pointer" : "metric";
  json_t *is = json_object_get(v, "is");
  int rc = check_keys(c, v, keys);
  size_t old;
  r->last = -1;
  if (rc == 0 && json_object_get(v, mqtt ? "metric" : "pointer"))
    rc = fail(c, "a rule of a%s source names its input with '%s'",
              mqtt ? "n mqtt" : " sparkplug", in);
  if (rc == 0) rc = get_str(c, v, in, 1, &r->input);
  if (rc == 0 && mqtt) rc = check_pointer(c, r->input);
  if (rc == 0) rc = get_str(c, v, "reason", 0, &r->reason);
  if (rc == 0) rc = check_reason(c, r->reason);
  if (rc != 0) return rc;
  old = push(c, "is", 0);
  if (!json_is_boolean(is)) return fail(c, "must be true or false");
  r->is = json_is_true(is);
  pop(c, old);
  old = push(c, "state", 0);
  if ((rc = get_state(c, json_object_get(v, "state"), &r->state)) != 0) return rc;
  pop(c, old);
  return 0;
}

static int read_rules(ctx *c, json_t *v, gw_equipment *e) {
  size_t n = json_array_size(v);
  int mqtt = e->state_src.kind == GW_SRC_MQTT;
  if (!json_is_array(v) || n == 0) return fail(c, "must be a non-empty array of rules");
  if (n > GW_RULES_MAX) return fail(c, "at most %d rules", GW_RULES_MAX);
  for (size_t i = 0; i < n; i++) {
    size_t old = push(c, NULL, (long)i);
    int rc = read_rule(c, json_array_get(v, i), mqtt, &e->rules[i]);
    e->nrules = i + 1;
    if (rc != 0) return rc;
    pop(c, old);
  }
  return 0;
}

/* "state": {"codes": {...}} | {"rules": [...], "else": S}; absent: the value
 * is a state name. */
static int read_state(ctx *c, json_t *v, gw_equipment *e) {
  static const char *const keys[] = {"codes", "rules", "else", NULL};
  json_t *codes = json_object_get(v, "codes"), *rules = json_object_get(v, "rules");
  json_t *els = json_object_get(v, "else");
  size_t old;
  int rc;

  e->mode = GW_STATE_NAME;
  e->else_state = FH_EQ_UNKNOWN;
  if (v == NULL) return 0;
  if ((rc = check_keys(c, v, keys)) != 0) return rc;
  if (codes && rules) return fail(c, "codes and rules exclude each other");
  if (els && !rules) return fail(c, "else goes with rules");
  old = push(c, codes ? "codes" : "rules", 0);
  if (codes) e->mode = GW_STATE_CODES, rc = read_codes(c, codes, e);
  else if (rules) e->mode = GW_STATE_RULES, rc = read_rules(c, rules, e);
  pop(c, old);
  if (rc != 0 || els == NULL) return rc;
  old = push(c, "else", 0);
  rc = get_state(c, els, &e->else_state);
  pop(c, old);
  return rc;
}

/* "counts": {"good_total": SRC, "reject_total": SRC, "rollover": N} */
static int read_counts(ctx *c, json_t *v, gw_equipment *e) {
  static const char *const keys[] = {"good_total", "reject_total", "rollover", NULL};
  static const char *const names[2] = {"good_total", "reject_total"};
  gw_source *dst[2] = {&e->good_src, &e->reject_src};
  json_t *roll = json_object_get(v, "rollover");
  int rc = check_keys(c, v, keys);

  for (int i = 0; rc == 0 && i < 2; i++) {
    json_t *src = json_object_get(v, names[i]);
    size_t old = push(c, names[i], 0);
    if (src == NULL) rc = fail(c, "required (the hub takes both totals together)");
    else rc = read_source(c, src, &e->state_src, dst[i]);
    pop(c, old);
  }
  if (rc == 0 && roll != NULL) {
    size_t old = push(c, "rollover", 0);
    if (!json_is_integer(roll) || json_integer_value(roll) < 1)
      rc = fail(c, "must be a positive integer");
    else e->rollover = (uint64_t)json_integer_value(roll);
    pop(c, old);
  }
  return rc;
}

static int read_id(ctx *c, json_t *obj, char *dst) {
  json_t *v = json_object_get(obj, "id");
  size_t old = push(c, "id", 0), n = json_string_length(v);
  const char *s = json_string_value(v);
  int ok = json_is_string(v) && n >= 1 && n <= FH_ID_MAX;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-';
  if (!ok) return fail(c, "must be 1..%d bytes of [A-Za-z0-9._-]", FH_ID_MAX);
  memcpy(dst, s, n + 1);
  pop(c, old);
  return 0;
}

/* The state source must name a value unless rules name their own. */
static int check_state_source(ctx *c, const gw_equipment *e) {
  const gw_source *s = &e->state_src;
  if (e->mode == GW_STATE_NONE || s->kind != GW_SRC_SPARKPLUG) return 0;
  if (e->mode == GW_STATE_RULES && s->metric)
    return fail(c, "with rules, the metrics are named by the rules, not the source");
  if (e->mode != GW_STATE_RULES && s->metric == NULL)
    return fail(c, "source.sparkplug needs the metric that carries the state");
  return 0;
}

static int read_equipment(ctx *c, json_t *v, gw_equipment *e) {
  static const char *const keys[] = {"id", "source", "state", "counts", NULL};
  static const char *const src_keys[] = {"mqtt", "sparkplug", NULL};
  json_t *src = json_object_get(v, "source"), *state = json_object_get(v, "state");
  json_t *counts = json_object_get(v, "counts");
  size_t old;
  int rc;

  if ((rc = check_keys(c, v, keys)) != 0 || (rc = read_id(c, v, e->id)) != 0) return rc;
  if (src == NULL && state != NULL) return fail(c, "state needs a source");
  if (src == NULL && counts == NULL) return fail(c, "maps nothing: needs source or counts");
  old = push(c, "source", 0);
  if (src && (rc = check_keys(c, src, src_keys)) == 0)
    rc = read_source(c, src, NULL, &e->state_src);
  pop(c, old);
  if (rc == 0 && src) {
    old = push(c, "state", 0);
    rc = read_state(c, state, e);
    pop(c, old);
  }
  if (rc == 0) rc = check_state_source(c, e);
  if (rc == 0 && counts) {
    old = push(c, "counts", 0);
    rc = read_counts(c, counts, e);
    pop(c, old);
  }
  return rc;
}

static int read_map(ctx *c, json_t *root, gw_map *m) {
  static const char *const keys[] = {"equipment", NULL};
  json_t *arr = json_object_get(root, "equipment");
  size_t n = json_array_size(arr), old;
  int rc = check_keys(c, root, keys);

  if (rc != 0) return rc;
  old = push(c, "equipment", 0);
  if (!json_is_array(arr) || n == 0) return fail(c, "must be a non-empty array");
  if ((m->eq = calloc(n, sizeof *m->eq)) == NULL) return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    size_t at = push(c, NULL, (long)i);
    m->neq = i + 1;
    if ((rc = read_equipment(c, json_array_get(arr, i), &m->eq[i])) != 0) return rc;
    for (size_t j = 0; j < i; j++)
      if (strcmp(m->eq[j].id, m->eq[i].id) == 0)
        return fail(c, "equipment '%s' is mapped twice (first at [%zu])", m->eq[i].id, j);
    pop(c, at);
  }
  pop(c, old);
  return 0;
}

int gw_map_parse(const char *text, size_t len, const char *name, gw_map **out,
                 char *err, size_t errlen) {
  ctx c = {.file = name, .err = err, .errlen = errlen};
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  gw_map *m = NULL;
  int rc;

  *out = NULL;
  if (root == NULL) {
    snprintf(err, errlen, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
    return -EINVAL;
  }
  if ((m = calloc(1, sizeof *m)) == NULL) rc = -ENOMEM;
  else rc = read_map(&c, root, m);
  json_decref(root);
  if (rc == -ENOMEM) snprintf(err, errlen, "%s: out of memory", name);
  if (rc != 0) goto fail;
  *out = m;
  return 0;
fail:
  gw_map_free(m);
  return rc;
}

int gw_map_load(const char *path, gw_map **out, char *err, size_t errlen) {
  FILE *fp = fopen(path, "rb");
  char *text = NULL;
  long n;
  int rc;

  *out = NULL;
  if (fp == NULL) {
    rc = -errno;
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return rc;
  }
  if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
    rc = -EIO;
    snprintf(err, errlen, "%s: cannot read", path);
    goto fail;
  }
  if ((text = malloc((size_t)n + 1)) == NULL) {
    rc = -ENOMEM;
    goto fail;
  }
  if (fread(text, 1, (size_t)n, fp) != (size_t)n) {
    rc = -EIO;
    snprintf(err, errlen, "%s: cannot read", path);
    goto fail;
  }
  rc = gw_map_parse(text, (size_t)n, path, out, err, errlen);
fail:
  free(text);
  fclose(fp);
  return rc;
}

static void free_source(gw_source *s) {
  free(s->topic);
  free(s->pointer);
  free(s->group);
  free(s->node);
  free(s->device);
  free(s->metric);
}

void gw_map_free(gw_map *m) {
  if (m == NULL) return;
  for (size_t i = 0; i < m->neq; i++) {
    gw_equipment *e = &m->eq[i];
    free_source(&e->state_src);
    free_source(&e->good_src);
    free_source(&e->reject_src);
    for (size_t k = 0; k < e->ncodes; k++) {
      free(e->codes[k].code);
      free(e->codes[k].reason);
    }
    free(e->codes);
    for (size_t k = 0; k < e->nrules; k++) {
      free(e->rules[k].input);
      free(e->rules[k].reason);
    }
  }
  free(m->eq);
  free(m);
}
