/* plant_parse.h -- the JSON readers behind plant_load() (internal to plant).
 *
 * Design: every reader takes the parse context, the object it reads from
 * and the JSON path of that object ("lines[1].equipment[0]"), and on a bad
 * value writes "<file>: <path>.<key>: <problem>" into the context's error
 * buffer and returns -EINVAL.  Readers never allocate: they fill fixed
 * arrays of the plant.
 */
#ifndef FH_HUB_PLANT_PARSE_H
#define FH_HUB_PLANT_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "plant.h"

#define PLANT_PATH_MAX 160 /* bytes of a JSON path in a message */

typedef struct plant_ctx {
  const char *file; /* the file name as given, first in every message */
  char *err;        /* the caller's message buffer */
  size_t errlen;    /* its size in bytes */
  uint32_t signal_timeout_s; /* the plant's, the default of its equipment */
} plant_ctx;

/* The ids of an array of structs that begin with their id. */
typedef struct id_table {
  const char *base; /* the first struct */
  size_t stride;    /* sizeof one struct */
} id_table;

/* order[] = 0..count-1 sorted by id.  Returns the position of the first of
 * two equal ids in order[], or count when the ids are unique. */
size_t plant_sort_ids(const id_table *t, size_t *order, size_t count);
/* Binary search of the n bytes at s in a table sorted by order[]: the
 * index of the match, or count. */
size_t plant_find_id(const id_table *t, const size_t *order, size_t count,
                     const char *s, size_t n);

/* Reads the JSON file at path (at most max bytes, duplicate keys refused)
 * into *root (the caller decrefs it).  Returns 0, or the code of
 * file_read_all / -EINVAL with err "<file>: <why>" or "<file>:L:C: <why>"
 * and *root NULL. */
int plant_json_read(const char *path, size_t max, json_t **root, char *err,
                    size_t errlen);

/* Writes "<file>: <path>[.<key>]: <problem>" and returns -EINVAL.  key may
 * be NULL. */
int plant_fail(plant_ctx *c, const char *path, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Writes "<path>.<key>" (or "<key>" at the top, path "") into buf.
 * Returns 0, or -1 when it was cut to fit (the message is still usable). */
int plant_path(char *buf, size_t cap, const char *path, const char *key);
/* Writes "<path>.<key>[<i>]" into buf; returns as plant_path. */
int plant_path_at(char *buf, size_t cap, const char *path, const char *key,
                  size_t i);

/* Fails on a value that is not an object, or that has a key not in the
 * NULL-terminated list `allowed`. */
int plant_check_object(plant_ctx *c, json_t *v, const char *path,
                       const char *const *allowed);

/* Reads obj[key] as display text of 1..cap-1 bytes without control
 * characters.  When the key is absent: fails if required, else dst = "". */
int plant_get_text(plant_ctx *c, json_t *obj, const char *path,
                   const char *key, int required, char *dst, size_t cap);
/* Reads obj[key] (required) as an id (plant_id_valid). */
int plant_get_id(plant_ctx *c, json_t *obj, const char *path,
                 const char *key, char *dst);

/* Readers of the optional top-level sections; an absent section (NULL)
 * gets the default documented in plant.h. */
int plant_parse_shifts(plant_ctx *c, json_t *arr, plant *p);
int plant_parse_escalation(plant_ctx *c, json_t *arr, plant *p);
int plant_parse_kinds(plant_ctx *c, json_t *arr, plant *p);
/* plant_reasons.c: the reason tree (or a flat list of codes). */
int plant_parse_reasons(plant_ctx *c, json_t *arr, plant *p);
/* plant_reasons.c: obj[key] as seconds 0..86400 into *dst; an absent key
 * keeps *dst. */
int plant_get_seconds(plant_ctx *c, json_t *obj, const char *path,
                      const char *key, uint32_t *dst);
/* plant_reasons.c: short_stop_s and reason_required_after_s of obj (the
 * top level, or a line with the plant's values as defaults). */
int plant_parse_stop_times(plant_ctx *c, json_t *obj, const char *path,
                           plant_stop_times *dst, const plant_stop_times *def);
int plant_parse_timezone(plant_ctx *c, json_t *v, plant *p);
/* plant_products.c: the products (after the lines and their indexes). */
int plant_parse_products(plant_ctx *c, json_t *arr, plant *p);
/* obj[key] as an integer lo..hi into *dst; an absent key keeps *dst. */
int plant_get_uint(plant_ctx *c, json_t *obj, const char *path, const char *key,
                   uint32_t lo, uint32_t hi, uint32_t *dst);

#endif
