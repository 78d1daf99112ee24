/* plant_reasons.c -- the reason tree of the plant file and the stop times.
 *
 * Design: `reasons` is an array of top-level nodes
 *   {"code", "name"?, "category"?, "children"?: [nodes]}
 * read depth first into plant.reason_nodes (a parent before its children),
 * at most PLANT_REASON_DEPTH_MAX levels.  A top-level node must name its
 * category; a child without one takes its parent's.  Codes are unique
 * across the whole tree.  A plain string in the array is a leaf of category
 * `unplanned` -- today's flat list of codes still loads as it did.  The
 * leaves, in tree order, are also copied into plant.reasons, the flat list
 * that validates every reason code (andon.resolve, eq.state, dt.classify)
 * and that older clients read from the plant snapshot.
 *
 * Stop times: `short_stop_s` (a stop shorter than this is a short stop,
 * default 120) and `reason_required_after_s` (a stop this long needs a
 * reason, default short_stop_s), plant-wide and per line; the reader of
 * such seconds serves `signal_timeout_s` too.
 */
#include <stdio.h>
#include <string.h>

#include "plant_parse.h"

#define STOP_S_MAX 86400 /* a day */

static const char *const default_reasons[] = {
    "mechanical", "electrical", "tooling",            "material_shortage",
    "quality_defect", "operator", "changeover_overrun", "other"};

/* The tree being read: where the next node and leaf go. */
typedef struct tree_ctx {
  plant_ctx *c;   /* for errors */
  plant *p;       /* the plant being filled */
} tree_ctx;

static int code_taken(const plant *p, const char *code) {
  for (size_t i = 0; i < p->nreason_nodes; i++)
    if (strcmp(p->reason_nodes[i].code, code) == 0) return 1;
  return 0;
}

/* Appends a node; its code and category are already checked. */
static int add_node(tree_ctx *t, const char *path, const plant_reason *n) {
  plant *p = t->p;
  if (p->nreason_nodes == PLANT_REASON_NODES_MAX)
    return plant_fail(t->c, path, NULL, "more than %d reasons in the tree",
                      PLANT_REASON_NODES_MAX);
  if (n->leaf && p->nreasons == PLANT_REASONS_MAX)
    return plant_fail(t->c, path, NULL, "more than %d leaf reasons",
                      PLANT_REASONS_MAX);
  p->reason_nodes[p->nreason_nodes++] = *n;
  if (n->leaf) snprintf(p->reasons[p->nreasons++], FH_KIND_MAX + 1, "%s", n->code);
  return 0;
}

/* A code string: 1..FH_KIND_MAX bytes of [A-Za-z0-9._-], unique. */
static int check_code(tree_ctx *t, json_t *v, const char *path,
                      const char *key, char *dst) {
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  if (s == NULL || len > FH_KIND_MAX || !plant_id_valid(s, len))
    return plant_fail(t->c, path, key, "must be 1..%d bytes of [A-Za-z0-9._-]",
                      FH_KIND_MAX);
  if (code_taken(t->p, s))
    return plant_fail(t->c, path, key, "duplicate reason code '%s'", s);
  memcpy(dst, s, len + 1);
  return 0;
}

/* The node's category: its own, or the parent's (-1 at the top: none). */
static int node_category(tree_ctx *t, json_t *o, const char *path,
                         int parent, fh_loss *out) {
  json_t *v = json_object_get(o, "category");
  int l;
  if (v == NULL) {
    if (parent < 0) return plant_fail(t->c, path, "category", "required on a top-level reason");
    *out = t->p->reason_nodes[parent].category;
    return 0;
  }
  l = json_is_string(v) ? fh_loss_from(json_string_value(v), json_string_length(v)) : -1;
  if (l <= FH_LOSS_UNCLASSIFIED || l >= FH_LOSS__COUNT)
    return plant_fail(t->c, path, "category", "must be one of unplanned, "
                      "changeover, planned, small_stop, quality");
  *out = (fh_loss)l;
  return 0;
}

static int parse_nodes(tree_ctx *t, json_t *arr, const char *path,
                       int parent, uint8_t depth);

/* One element of a reasons or children array at path. */
static int parse_node(tree_ctx *t, json_t *v, const char *path, int parent,
                      uint8_t depth) {
  static const char *const keys[] = {"code", "name", "category", "children", NULL};
  plant_reason n = {.parent = parent, .depth = depth, .leaf = 1,
                    .category = FH_LOSS_UNPLANNED};
  json_t *kids;
  int rc, self;

  if (json_is_string(v)) { /* the flat format: a leaf, unplanned */
    if (parent >= 0) n.category = t->p->reason_nodes[parent].category;
    if ((rc = check_code(t, v, path, NULL, n.code)) != 0) return rc;
    snprintf(n.name, sizeof n.name, "%s", n.code);
    return add_node(t, path, &n);
  }
  if ((rc = plant_check_object(t->c, v, path, keys)) != 0 ||
      (rc = check_code(t, json_object_get(v, "code"), path, "code", n.code)) != 0 ||
      (rc = plant_get_text(t->c, v, path, "name", 0, n.name, sizeof n.name)) != 0 ||
      (rc = node_category(t, v, path, parent, &n.category)) != 0)
    return rc;
  if (n.name[0] == '\0') snprintf(n.name, sizeof n.name, "%s", n.code);
  kids = json_object_get(v, "children");
  n.leaf = kids == NULL;
  if (!n.leaf && depth == PLANT_REASON_DEPTH_MAX)
    return plant_fail(t->c, path, "children", "at most %d levels of reasons",
                      PLANT_REASON_DEPTH_MAX);
  self = (int)t->p->nreason_nodes;
  if ((rc = add_node(t, path, &n)) != 0) return rc;
  return n.leaf ? 0 : parse_nodes(t, kids, path, self, (uint8_t)(depth + 1));
}

/* The array `reasons` (path "") or `children` of the node at path. */
static int parse_nodes(tree_ctx *t, json_t *arr, const char *path,
                       int parent, uint8_t depth) {
  const char *key = parent < 0 ? "reasons" : "children";
  char npath[PLANT_PATH_MAX];
  int rc;

  if (!json_is_array(arr) || json_array_size(arr) < 1)
    return plant_fail(t->c, path, key, "must be a non-empty array of reasons");
  for (size_t i = 0; i < json_array_size(arr); i++) {
    plant_path_at(npath, sizeof npath, path, key, i);
    if ((rc = parse_node(t, json_array_get(arr, i), npath, parent, depth)) != 0)
      return rc;
  }
  return 0;
}

int plant_parse_reasons(plant_ctx *c, json_t *arr, plant *p) {
  tree_ctx t = {c, p};
  json_t *defaults;
  int rc;

  p->nreason_nodes = p->nreasons = 0;
  if (arr != NULL) return parse_nodes(&t, arr, "", -1, 1);
  defaults = json_array();
  for (size_t i = 0; i < sizeof default_reasons / sizeof *default_reasons; i++)
    json_array_append_new(defaults, json_string(default_reasons[i]));
  rc = parse_nodes(&t, defaults, "", -1, 1);
  json_decref(defaults);
  return rc;
}

const plant_reason *plant_reason_leaf(const plant *p, const char *s,
                                      size_t n) {
  for (size_t i = 0; i < p->nreason_nodes; i++) {
    const plant_reason *r = &p->reason_nodes[i];
    if (r->leaf && strlen(r->code) == n && memcmp(r->code, s, n) == 0) return r;
  }
  return NULL;
}

int plant_get_seconds(plant_ctx *c, json_t *obj, const char *path,
                       const char *key, uint32_t *dst) {
  json_t *v = json_object_get(obj, key);
  if (v == NULL) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      json_integer_value(v) > STOP_S_MAX)
    return plant_fail(c, path, key, "must be an integer 0..%d (seconds)", STOP_S_MAX);
  *dst = (uint32_t)json_integer_value(v);
  return 0;
}

int plant_parse_stop_times(plant_ctx *c, json_t *obj, const char *path,
                           plant_stop_times *dst, const plant_stop_times *def) {
  int has_required = json_object_get(obj, "reason_required_after_s") != NULL;
  int rc;

  *dst = def ? *def : (plant_stop_times){PLANT_SHORT_STOP_S_DEFAULT,
                                         PLANT_SHORT_STOP_S_DEFAULT};
  if ((rc = plant_get_seconds(c, obj, path, "short_stop_s", &dst->short_stop_s)) != 0 ||
      (rc = plant_get_seconds(c, obj, path, "reason_required_after_s",
                        &dst->reason_required_after_s)) != 0)
    return rc;
  /* reason_required_after_s follows short_stop_s unless given */
  if (!has_required && (def == NULL || json_object_get(obj, "short_stop_s")))
    dst->reason_required_after_s = dst->short_stop_s;
  return 0;
}
