/* notify_parse.h -- the readers behind notify_file_load() (internal to
 * plant): the shared value readers and the rules section.
 *
 * Design: as plant_parse.h -- each reader takes the context, the object,
 * its JSON path, and fails with plant_fail() naming the path.
 */
#ifndef FH_HUB_NOTIFY_PARSE_H
#define FH_HUB_NOTIFY_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "notify_rules.h"
#include "plant.h"
#include "plant_parse.h"

/* obj[key] as a string of 1..cap-1 bytes without control characters; when
 * schemes (NULL-terminated, e.g. {"http://", "https://", NULL}) is given
 * it must start with one of them.  Absent: fails if required, else "". */
int notify_get_str(plant_ctx *c, json_t *obj, const char *path,
                   const char *key, int required, const char *const *schemes,
                   char *dst, size_t cap);
/* obj[key] as an integer lo..hi; absent: *dst = def. */
int notify_get_u32(plant_ctx *c, json_t *obj, const char *path,
                   const char *key, uint32_t lo, uint32_t hi, uint32_t def,
                   uint32_t *dst);

/* The "rules" array (required references resolved against n's channels
 * and people, and the plant pl when not NULL). */
int notify_parse_rules(plant_ctx *c, json_t *arr, const plant *pl,
                       notify_cfg *n);

#endif
