/* plant_products.c -- the `products` section of the plant file.
 *
 * Design: a product's ideal cycle is one number (the same on every
 * equipment it runs on) or a map from equipment ids to numbers; the map may
 * name equipment of several lines, and every name must be an equipment of
 * the plant, so this section is read after the lines and their id index.
 * All maps' entries live in one array (plant.cycles) that each product
 * points into, each map sorted by equipment index.  Product ids are
 * checked for duplicates and indexed by the same sorted-order array as
 * lines and equipment (plant_sort_ids).  Errors name the JSON path, e.g.
 * "products[1].ideal_cycle_ms.L9-X: no such equipment".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plant_parse.h"

static int no_memory(plant_ctx *c) {
  snprintf(c->err, c->errlen, "%s: out of memory", c->file);
  return -ENOMEM;
}

static int cycle_valid(json_t *v) {
  return json_is_integer(v) && json_integer_value(v) >= 1 &&
         json_integer_value(v) <= 86400000;
}

static int cmp_cycle(const void *a, const void *b) {
  size_t x = ((const plant_cycle *)a)->equipment;
  size_t y = ((const plant_cycle *)b)->equipment;
  return x < y ? -1 : x > y;
}

/* The map form of ideal_cycle_ms, appended at p->cycles[*used]. */
static int parse_cycle_map(plant_ctx *c, json_t *map, const char *path,
                           plant *p, size_t *used, plant_product *pr) {
  char mpath[PLANT_PATH_MAX];
  const char *eq;
  json_t *v;

  plant_path(mpath, sizeof mpath, path, "ideal_cycle_ms");
  if (json_object_size(map) < 1 ||
      json_object_size(map) > PLANT_CYCLES_PER_PRODUCT_MAX)
    return plant_fail(c, path, "ideal_cycle_ms", "must name 1..%d equipment",
                      PLANT_CYCLES_PER_PRODUCT_MAX);
  pr->cycles = &p->cycles[*used];
  json_object_foreach(map, eq, v) {
    const plant_equipment *pe = plant_equipment_find(p, eq, strlen(eq));
    if (pe == NULL) return plant_fail(c, mpath, eq, "no such equipment");
    if (!cycle_valid(v))
      return plant_fail(c, mpath, eq, "must be an integer 1..86400000");
    p->cycles[*used].equipment = (size_t)(pe - p->equipment);
    p->cycles[(*used)++].ms = (uint32_t)json_integer_value(v);
    pr->ncycles++;
  }
  qsort(&p->cycles[*used - pr->ncycles], pr->ncycles, sizeof *p->cycles,
        cmp_cycle);
  return 0;
}

static int parse_product(plant_ctx *c, json_t *o, const char *path, plant *p,
                         size_t *used, plant_product *pr) {
  static const char *const keys[] = {"id", "name", "ideal_cycle_ms",
                                     "changeover_target_s", NULL};
  json_t *cycle = json_object_get(o, "ideal_cycle_ms");
  json_t *target = json_object_get(o, "changeover_target_s");
  int rc;

  if ((rc = plant_check_object(c, o, path, keys)) != 0 ||
      (rc = plant_get_id(c, o, path, "id", pr->id)) != 0 ||
      (rc = plant_get_text(c, o, path, "name", 1, pr->name,
                           sizeof pr->name)) != 0)
    return rc;
  if (cycle == NULL) return plant_fail(c, path, "ideal_cycle_ms", "required");
  if (json_is_object(cycle)) {
    if ((rc = parse_cycle_map(c, cycle, path, p, used, pr)) != 0) return rc;
  } else if (cycle_valid(cycle)) {
    pr->ideal_cycle_ms = (uint32_t)json_integer_value(cycle);
  } else {
    return plant_fail(c, path, "ideal_cycle_ms", "must be an integer "
                      "1..86400000 or a map of equipment ids to such integers");
  }
  if (target == NULL) return 0;
  if (!json_is_integer(target) || json_integer_value(target) < 1 ||
      json_integer_value(target) > 86400)
    return plant_fail(c, path, "changeover_target_s",
                      "must be an integer 1..86400 (seconds)");
  pr->changeover_target_s = (uint32_t)json_integer_value(target);
  return 0;
}

/* Map entries in the whole section, for one allocation. */
static size_t count_cycles(json_t *arr) {
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *v = json_object_get(json_array_get(arr, i), "ideal_cycle_ms");
    size_t k = json_object_size(v);
    n += k < PLANT_CYCLES_PER_PRODUCT_MAX ? k : PLANT_CYCLES_PER_PRODUCT_MAX;
  }
  return n;
}

/* Sorts the ids into p->product_order and refuses a duplicate. */
static int index_products(plant_ctx *c, plant *p) {
  id_table t = {(const char *)p->products, sizeof *p->products};
  char path[PLANT_PATH_MAX];
  size_t dup, a, b;

  dup = plant_sort_ids(&t, p->product_order, p->nproducts);
  if (dup == p->nproducts) return 0;
  a = p->product_order[dup];
  b = p->product_order[dup + 1];
  plant_path_at(path, sizeof path, "", "products", a > b ? a : b);
  return plant_fail(c, path, "id", "duplicate product id '%s' (also "
                    "products[%zu])", p->products[a].id, a < b ? a : b);
}

int plant_parse_products(plant_ctx *c, json_t *arr, plant *p) {
  char path[PLANT_PATH_MAX];
  size_t n = json_array_size(arr), used = 0;
  int rc;

  if (arr == NULL) return 0;
  if (!json_is_array(arr) || n > PLANT_PRODUCTS_MAX)
    return plant_fail(c, "", "products", "must be an array of 0..%d products",
                      PLANT_PRODUCTS_MAX);
  p->products = calloc(n ? n : 1, sizeof *p->products);
  p->product_order = calloc(n ? n : 1, sizeof *p->product_order);
  p->cycles = calloc(count_cycles(arr) + 1, sizeof *p->cycles);
  if (p->products == NULL || p->product_order == NULL || p->cycles == NULL)
    return no_memory(c);
  for (size_t i = 0; i < n; i++) {
    plant_path_at(path, sizeof path, "", "products", i);
    rc = parse_product(c, json_array_get(arr, i), path, p, &used,
                       &p->products[i]);
    if (rc != 0) return rc;
    p->nproducts = i + 1;
  }
  return index_products(c, p);
}
