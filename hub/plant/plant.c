/* plant.c -- loading the plant layout and looking things up in it.
 *
 * Design: the file is read whole (at most PLANT_FILE_MAX bytes) and parsed
 * by jansson with duplicate keys rejected; syntax errors are reported with
 * jansson's line and column.  The sections are then read into one `plant`
 * (plant_parse.c reads the fixed tables, this file the lines and their
 * equipment), and two index arrays sorted by id are built: they find
 * duplicate ids at load and serve the lookups by binary search afterwards.
 */
#include "plant.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plant_parse.h"

static int out_of_memory(plant_ctx *c) {
  snprintf(c->err, c->errlen, "%s: out of memory", c->file);
  return -ENOMEM;
}

static int parse_equipment(plant_ctx *c, json_t *o, const char *path,
                           plant_equipment *e) {
  static const char *const keys[] = {"id", "name", "ideal_cycle_ms",
                                     "signal_timeout_s", NULL};
  json_t *cycle = json_object_get(o, "ideal_cycle_ms");
  int rc;

  if ((rc = plant_check_object(c, o, path, keys)) != 0 ||
      (rc = plant_get_id(c, o, path, "id", e->id)) != 0 ||
      (rc = plant_get_text(c, o, path, "name", 1, e->name,
                           sizeof e->name)) != 0)
    return rc;
  if (cycle == NULL) return plant_fail(c, path, "ideal_cycle_ms", "required");
  if (!json_is_integer(cycle) || json_integer_value(cycle) < 1 ||
      json_integer_value(cycle) > 86400000)
    return plant_fail(c, path, "ideal_cycle_ms",
                      "must be an integer 1..86400000");
  e->ideal_cycle_ms = (uint32_t)json_integer_value(cycle);
  e->signal_timeout_s = c->signal_timeout_s;
  return plant_get_seconds(c, o, path, "signal_timeout_s", &e->signal_timeout_s);
}

/* obj[key], the id of one equipment of line l, into *idx; absent: dflt. */
static int get_line_equipment(plant_ctx *c, json_t *o, const char *path,
                              const char *key, const plant *p,
                              const plant_line *l, size_t dflt, size_t *idx) {
  json_t *v = json_object_get(o, key);
  *idx = dflt;
  if (v == NULL) return 0;
  for (size_t i = l->first_equipment; json_is_string(v) &&
                                      i < l->first_equipment + l->nequipment; i++)
    if (strcmp(p->equipment[i].id, json_string_value(v)) == 0) {
      *idx = i;
      return 0;
    }
  return plant_fail(c, path, key, "must be the id of one of the line's equipment");
}

/* The line's constraint (default: the longest ideal cycle, the first of
 * equal ones) and output (default: the last equipment listed). */
static int parse_line_roles(plant_ctx *c, json_t *o, const char *path,
                            const plant *p, plant_line *l) {
  size_t slowest = l->first_equipment;
  size_t last = l->first_equipment + l->nequipment - 1;
  int rc;
  for (size_t i = l->first_equipment; i <= last; i++)
    if (p->equipment[i].ideal_cycle_ms > p->equipment[slowest].ideal_cycle_ms)
      slowest = i;
  if ((rc = get_line_equipment(c, o, path, "constraint", p, l, slowest,
                               &l->constraint)) != 0)
    return rc;
  return get_line_equipment(c, o, path, "output", p, l, last, &l->output);
}

/* Reads lines[li] and appends its equipment at p->equipment[p->nequipment]
 * (the array was sized by count_equipment). */
static int parse_line(plant_ctx *c, json_t *o, size_t li, plant *p) {
  static const char *const keys[] = {"id", "name", "area", "equipment",
                                     "constraint", "output", "short_stop_s",
                                     "reason_required_after_s", NULL};
  plant_line *l = &p->lines[li];
  char lpath[PLANT_PATH_MAX], epath[PLANT_PATH_MAX];
  json_t *eqs;
  int rc;

  plant_path_at(lpath, sizeof lpath, "", "lines", li);
  if ((rc = plant_check_object(c, o, lpath, keys)) != 0 ||
      (rc = plant_get_id(c, o, lpath, "id", l->id)) != 0 ||
      (rc = plant_get_text(c, o, lpath, "name", 1, l->name,
                           sizeof l->name)) != 0 ||
      (rc = plant_get_text(c, o, lpath, "area", 0, l->area,
                           sizeof l->area)) != 0)
    return rc;
  eqs = json_object_get(o, "equipment");
  if (!json_is_array(eqs) || json_array_size(eqs) < 1 ||
      json_array_size(eqs) > PLANT_EQUIPMENT_PER_LINE_MAX)
    return plant_fail(c, lpath, "equipment", "must be an array of 1..%d "
                      "equipment", PLANT_EQUIPMENT_PER_LINE_MAX);
  l->first_equipment = p->nequipment;
  for (size_t i = 0; i < json_array_size(eqs); i++) {
    plant_equipment *e = &p->equipment[p->nequipment];
    plant_path_at(epath, sizeof epath, lpath, "equipment", i);
    if ((rc = parse_equipment(c, json_array_get(eqs, i), epath, e)) != 0)
      return rc;
    e->line = li;
    p->nequipment++;
    l->nequipment++;
  }
  p->nlines = li + 1;
  if ((rc = plant_parse_stop_times(c, o, lpath, &l->stops, &p->stops)) != 0)
    return rc;
  return parse_line_roles(c, o, lpath, p, l);
}

/* Upper bound of the equipment in the file, for one allocation. */
static size_t count_equipment(json_t *lines) {
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(lines); i++) {
    json_t *eqs = json_object_get(json_array_get(lines, i), "equipment");
    size_t k = json_array_size(eqs);
    n += k < PLANT_EQUIPMENT_PER_LINE_MAX ? k : PLANT_EQUIPMENT_PER_LINE_MAX;
  }
  return n;
}

static int parse_lines(plant_ctx *c, json_t *lines, plant *p) {
  size_t neq;
  int rc;

  if (lines == NULL) return plant_fail(c, "", "lines", "required");
  if (!json_is_array(lines) || json_array_size(lines) < 1 ||
      json_array_size(lines) > PLANT_LINES_MAX)
    return plant_fail(c, "", "lines", "must be an array of 1..%d lines",
                      PLANT_LINES_MAX);
  neq = count_equipment(lines);
  p->lines = calloc(json_array_size(lines), sizeof *p->lines);
  p->equipment = calloc(neq ? neq : 1, sizeof *p->equipment);
  if (p->lines == NULL || p->equipment == NULL)
    return out_of_memory(c);
  for (size_t i = 0; i < json_array_size(lines); i++)
    if ((rc = parse_line(c, json_array_get(lines, i), i, p)) != 0) return rc;
  return 0;
}

static const char *id_at(const id_table *t, size_t i) {
  return t->base + i * t->stride;
}

static int cmp_order(const void *a, const void *b, void *arg) {
  return strcmp(id_at(arg, *(const size_t *)a), id_at(arg, *(const size_t *)b));
}

/* order[] = 0..count-1 sorted by id.  Returns the position of the first of
 * two equal ids in order[], or count when the ids are unique. */
size_t plant_sort_ids(const id_table *t, size_t *order, size_t count) {
  for (size_t i = 0; i < count; i++) order[i] = i;
  qsort_r(order, count, sizeof *order, cmp_order, (void *)t);
  for (size_t i = 1; i < count; i++)
    if (strcmp(id_at(t, order[i - 1]), id_at(t, order[i])) == 0) return i - 1;
  return count;
}

/* "lines[i].equipment[j]" of equipment index e. */
static void equipment_path(const plant *p, size_t e, char *buf, size_t cap) {
  size_t li = p->equipment[e].line;
  snprintf(buf, cap, "lines[%zu].equipment[%zu]", li,
           e - p->lines[li].first_equipment);
}

static int build_indexes(plant_ctx *c, plant *p) {
  id_table lines = {(const char *)p->lines, sizeof *p->lines};
  id_table eqs = {(const char *)p->equipment, sizeof *p->equipment};
  char first[PLANT_PATH_MAX], second[PLANT_PATH_MAX];
  size_t dup, a, b;

  p->line_order = calloc(p->nlines, sizeof *p->line_order);
  p->equipment_order = calloc(p->nequipment, sizeof *p->equipment_order);
  if (p->line_order == NULL || p->equipment_order == NULL)
    return out_of_memory(c);
  dup = plant_sort_ids(&lines, p->line_order, p->nlines);
  if (dup < p->nlines) {
    a = p->line_order[dup];
    b = p->line_order[dup + 1];
    plant_path_at(second, sizeof second, "", "lines", a > b ? a : b);
    return plant_fail(c, second, "id", "duplicate line id '%s' (also "
                      "lines[%zu])", p->lines[a].id, a < b ? a : b);
  }
  dup = plant_sort_ids(&eqs, p->equipment_order, p->nequipment);
  if (dup < p->nequipment) {
    a = p->equipment_order[dup];
    b = p->equipment_order[dup + 1];
    equipment_path(p, a < b ? a : b, first, sizeof first);
    equipment_path(p, a > b ? a : b, second, sizeof second);
    return plant_fail(c, second, "id", "duplicate equipment id '%s' (also "
                      "%s)", p->equipment[a].id, first);
  }
  return 0;
}

static int parse_plant(plant_ctx *c, json_t *root, plant *p) {
  static const char *const keys[] = {"plant", "timezone", "shifts",
                                     "escalation", "andon_kinds", "reasons",
                                     "short_stop_s", "reason_required_after_s",
                                     "signal_timeout_s", "history_days",
                                     "samples_days", "lines", "products",
                                     NULL};
  int rc;

  if ((rc = plant_check_object(c, root, "", keys)) != 0 ||
      (rc = plant_get_text(c, root, "", "plant", 1, p->name,
                           sizeof p->name)) != 0 ||
      (rc = plant_parse_timezone(c, json_object_get(root, "timezone"), p)) ||
      (rc = plant_parse_shifts(c, json_object_get(root, "shifts"), p)) ||
      (rc = plant_parse_escalation(c, json_object_get(root, "escalation"),
                                   p)) ||
      (rc = plant_parse_kinds(c, json_object_get(root, "andon_kinds"), p)) ||
      (rc = plant_parse_reasons(c, json_object_get(root, "reasons"), p)) ||
      (rc = plant_parse_stop_times(c, root, "", &p->stops, NULL)) ||
      (rc = plant_get_seconds(c, root, "", "signal_timeout_s", &p->signal_timeout_s)) ||
      (c->signal_timeout_s = p->signal_timeout_s, 0) ||
      (rc = plant_get_uint(c, root, "", "history_days", 1, PLANT_HISTORY_DAYS_MAX,
                           &p->history_days)) ||
      (rc = plant_get_uint(c, root, "", "samples_days", 1, PLANT_HISTORY_DAYS_MAX,
                           &p->samples_days)) ||
      (rc = parse_lines(c, json_object_get(root, "lines"), p)) ||
      (rc = build_indexes(c, p)))
    return rc;
  return plant_parse_products(c, json_object_get(root, "products"), p);
}

int plant_load(const char *path, plant **out, char *err, size_t errlen) {
  plant_ctx c = {path, err, errlen, PLANT_SIGNAL_TIMEOUT_S_DEFAULT};
  json_t *root = NULL;
  plant *p = NULL;
  int rc;

  *out = NULL;
  if ((rc = plant_json_read(path, PLANT_FILE_MAX, &root, err, errlen)) != 0)
    return rc;
  p = calloc(1, sizeof *p);
  if (p == NULL) {
    rc = out_of_memory(&c);
    goto fail;
  }
  p->signal_timeout_s = PLANT_SIGNAL_TIMEOUT_S_DEFAULT;
  p->history_days = PLANT_HISTORY_DAYS_DEFAULT;
  p->samples_days = PLANT_SAMPLES_DAYS_DEFAULT;
  if ((rc = parse_plant(&c, root, p)) != 0) goto fail;
  json_decref(root);
  *out = p;
  return 0;
fail:
  plant_free(p);
  json_decref(root);
  return rc;
}

void plant_free(plant *p) {
  if (p == NULL) return;
  free(p->products);
  free(p->cycles);
  free(p->product_order);
  free(p->line_order);
  free(p->equipment_order);
  free(p->lines);
  free(p->equipment);
  free(p);
}

/* strcmp of a NUL-terminated id against n bytes. */
static int id_cmp(const char *id, const char *s, size_t n) {
  size_t len = strlen(id);
  int r = memcmp(id, s, len < n ? len : n);
  if (r != 0) return r;
  return len < n ? -1 : len > n;
}

/* Binary search of n bytes at s in an id table sorted by order[]; returns
 * the index of the match or count. */
size_t plant_find_id(const id_table *t, const size_t *order, size_t count,
                     const char *s, size_t n) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = id_cmp(id_at(t, order[mid]), s, n);
    if (r == 0) return order[mid];
    if (r < 0) lo = mid + 1;
    else hi = mid;
  }
  return count;
}

const plant_line *plant_line_find(const plant *p, const char *id, size_t n) {
  id_table t = {(const char *)p->lines, sizeof *p->lines};
  size_t i = plant_find_id(&t, p->line_order, p->nlines, id, n);
  return i < p->nlines ? &p->lines[i] : NULL;
}

dt_limits plant_stop_limits(const plant_line *l) {
  return (dt_limits){(uint64_t)l->stops.short_stop_s * 1000,
                     (uint64_t)l->stops.reason_required_after_s * 1000};
}

const plant_equipment *plant_equipment_find(const plant *p, const char *id,
                                            size_t n) {
  id_table t = {(const char *)p->equipment, sizeof *p->equipment};
  size_t i = plant_find_id(&t, p->equipment_order, p->nequipment, id, n);
  return i < p->nequipment ? &p->equipment[i] : NULL;
}

const plant_product *plant_product_find(const plant *p, const char *id,
                                        size_t n) {
  id_table t = {(const char *)p->products, sizeof *p->products};
  size_t i = plant_find_id(&t, p->product_order, p->nproducts, id, n);
  return i < p->nproducts ? &p->products[i] : NULL;
}

uint32_t plant_ideal_cycle(const plant *p, const plant_product *pr,
                           size_t ei) {
  if (pr != NULL && pr->ideal_cycle_ms != 0) return pr->ideal_cycle_ms;
  for (size_t i = 0; pr != NULL && i < pr->ncycles; i++)
    if (pr->cycles[i].equipment == ei) return pr->cycles[i].ms;
  return p->equipment[ei].ideal_cycle_ms;
}

static int code_in(const char (*codes)[FH_KIND_MAX + 1], size_t count,
                   const char *s, size_t n) {
  for (size_t i = 0; i < count; i++)
    if (id_cmp(codes[i], s, n) == 0) return 1;
  return 0;
}

int plant_kind_valid(const plant *p, const char *s, size_t n) {
  return code_in((const char (*)[FH_KIND_MAX + 1])p->kinds, p->nkinds, s, n);
}

int plant_reason_valid(const plant *p, const char *s, size_t n) {
  return code_in((const char (*)[FH_KIND_MAX + 1])p->reasons, p->nreasons, s,
                 n);
}

int plant_id_valid(const char *s, size_t n) {
  if (s == NULL || n == 0 || n > FH_ID_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
        !(ch >= '0' && ch <= '9') && ch != '.' && ch != '_' && ch != '-')
      return 0;
  }
  return 1;
}

int plant_text_valid(const char *s, size_t n, size_t max) {
  if (s == NULL || n == 0 || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
  return 1;
}
