/* plant.h -- the plant layout: lines, equipment, shifts, andon vocabulary,
 * products.
 *
 * Design: the layout is read once at start from a JSON file (jansson) into
 * one immutable `plant`; the hub never changes it.  Loading is strict: an
 * unknown key, a duplicate key or id, a bad time or a value out of range
 * fails the whole load with a message naming the file and the place (line
 * and column for JSON syntax, a JSON path such as
 * "lines[1].equipment[0].ideal_cycle_ms" for everything else), because a
 * typo that passed silently would show up later as wrong OEE or a lost
 * andon.  Equipment is stored in one array grouped by line; index arrays
 * sorted by id make the id lookups O(log n).
 *
 * The file format (every key other than those listed is an error):
 *
 * {
 *   "plant": "Sample Plant",               required, 1..128 bytes
 *   "timezone": "Europe/Berlin",           IANA name; default "UTC"
 *   "shifts": [                            required, 1..8 shifts
 *     {"name": "early", "start": "06:00", "end": "14:00",
 *      "breaks": [{"start": "09:00", "end": "09:15"}]}
 *   ],
 *   "escalation": [                        default: exactly these two steps
 *     {"after_s": 120, "role": "shift_manager"},
 *     {"after_s": 300, "role": "production_manager"}
 *   ],
 *   "andon_kinds": ["maintenance", "quality", "material", "safety", "help"],
 *   "reasons": ["mechanical", "electrical", "tooling", "material_shortage",
 *               "quality_defect", "operator", "changeover_overrun", "other"],
 *   "history_days": 730,                   shift records, stops: days kept
 *   "samples_days": 31,                    per-minute OEE samples: days kept
 *   "lines": [                             required, at least one line
 *     {"id": "L1", "name": "Press line 1", "area": "Stamping",
 *      "equipment": [{"id": "L1-PRESS1", "name": "Press 1",
 *                     "ideal_cycle_ms": 6000}]}
 *   ],
 *   "products": [                          optional, 0..PLANT_PRODUCTS_MAX
 *     {"id": "P-100", "name": "Bracket", "ideal_cycle_ms": 2000,
 *      "changeover_target_s": 900},
 *     {"id": "P-200", "name": "Panel",
 *      "ideal_cycle_ms": {"L1-PRESS1": 3000, "L2-WELD1": 50000}}
 *   ]
 * }
 *
 * Rules:
 *  - ids (lines, equipment) are 1..64 bytes of [A-Za-z0-9._-]; line ids are
 *    unique, equipment ids are unique across the whole plant.
 *  - names and areas are 1..128 bytes without control characters; a line's
 *    "area" may be omitted (""), every other name is required.
 *  - each line has 1..PLANT_EQUIPMENT_PER_LINE_MAX equipment; ideal_cycle_ms
 *    is an integer 1..86400000.
 *  - times are "HH:MM" (00:00..23:59) local wall-clock time of the plant's
 *    timezone; a shift whose end is not after its start crosses midnight
 *    (start == end is a 24 h shift).  Shifts may not overlap; shift names
 *    are unique.  Breaks (0..8 per shift) lie inside their shift, are not
 *    empty and do not overlap each other (shift_defs_check()).
 *  - escalation: 0..8 steps, after_s an integer 1..604800 (seconds since
 *    the andon was raised), strictly increasing; role one of the roles of
 *    roles.h.  An empty array disables escalation.
 *  - andon_kinds (1..16) and reasons (1..64): unique codes of 1..32 bytes
 *    of [A-Za-z0-9._-].  When absent, the defaults shown above are used.
 *  - products (plant_products.c): unique ids (as line ids), a name, and
 *    ideal_cycle_ms either one integer 1..86400000 (for every equipment
 *    the product runs on) or a map of 1..PLANT_CYCLES_PER_PRODUCT_MAX
 *    equipment ids (of any lines) to such integers; an equipment the map
 *    does not name keeps its own ideal_cycle_ms for that product.
 *    changeover_target_s, when given, is an integer 1..86400.
 *  - history_days and samples_days: integers 1..PLANT_HISTORY_DAYS_MAX.
 *  - the timezone must exist in the system's zoneinfo (TZDIR or
 *    /usr/share/zoneinfo); "UTC" is always accepted.
 */
#ifndef FH_HUB_PLANT_H
#define FH_HUB_PLANT_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"
#include "downtime.h"
#include "fh_roles.h"
#include "shift.h"

#define PLANT_HISTORY_DAYS_DEFAULT 730 /* two years of shifts and stops */
#define PLANT_SAMPLES_DAYS_DEFAULT 31  /* a month of per-minute samples */
#define PLANT_HISTORY_DAYS_MAX 36500   /* a century: "keep everything" */
#define PLANT_TZ_MAX 64                  /* bytes of an IANA zone name */
#define PLANT_LINES_MAX 1024             /* lines in one plant */
#define PLANT_EQUIPMENT_PER_LINE_MAX 256 /* equipment on one line */
#define PLANT_ESCALATION_MAX 8           /* escalation steps */
#define PLANT_KINDS_MAX 16               /* andon kinds */
#define PLANT_REASONS_MAX 64             /* leaf reason codes */
#define PLANT_REASON_NODES_MAX 128       /* nodes of the reason tree */
#define PLANT_REASON_DEPTH_MAX 3         /* levels of the reason tree */
#define PLANT_SHORT_STOP_S_DEFAULT 120   /* short_stop_s when absent */
#define PLANT_SIGNAL_TIMEOUT_S_DEFAULT 300 /* signal_timeout_s when absent */
#define PLANT_FILE_MAX (4 * 1024 * 1024) /* bytes of the JSON file */
#define PLANT_PRODUCTS_MAX 4096          /* products in one plant */
#define PLANT_CYCLES_PER_PRODUCT_MAX 1024 /* equipment in one cycle map */

/* One node of the reason tree.  Only leaves are valid reasons. */
typedef struct plant_reason {
  char code[FH_KIND_MAX + 1];  /* unique plant-wide */
  char name[FH_NAME_MAX + 1];  /* display name (the code when absent) */
  fh_loss category;            /* its own, or its parent's */
  int parent;                  /* index in reason_nodes, -1 at the top */
  uint8_t depth;               /* 1 at the top .. PLANT_REASON_DEPTH_MAX */
  uint8_t leaf;                /* no children */
} plant_reason;

/* When a stop counts as short and when it needs a reason (seconds). */
typedef struct plant_stop_times {
  uint32_t short_stop_s;            /* a stop shorter than this is short */
  uint32_t reason_required_after_s; /* a stop this long needs a reason */
} plant_stop_times;

typedef struct plant_line {
  char id[FH_ID_MAX + 1];     /* unique line id, used in "line/<id>" */
  char name[FH_NAME_MAX + 1]; /* display name */
  char area[FH_NAME_MAX + 1]; /* plant area, may be "" */
  size_t first_equipment;     /* plant.equipment index of its first one */
  size_t nequipment;          /* its equipment count, from first_equipment */
  size_t constraint;          /* plant.equipment index of the constraint
                                 (default: the longest ideal_cycle_ms) */
  size_t output;              /* ... of the output (default: the last) */
  plant_stop_times stops;     /* the plant's, or the line's own */
} plant_line;

typedef struct plant_equipment {
  char id[FH_ID_MAX + 1];     /* unique across the plant */
  char name[FH_NAME_MAX + 1]; /* display name */
  uint32_t ideal_cycle_ms;    /* ideal time per piece, 1..86400000 */
  uint32_t signal_timeout_s;  /* no eq.* for this long: unknown, no_signal
                                 (its own or the plant's; 0 = off) */
  size_t line;                /* index of its line in plant.lines */
} plant_equipment;

/* One entry of a product's ideal cycle map. */
typedef struct plant_cycle {
  size_t equipment;           /* plant.equipment index */
  uint32_t ms;                /* the product's ideal cycle there, ms */
} plant_cycle;

/* A product (part, material) with its own ideal cycle times. */
typedef struct plant_product {
  char id[FH_ID_MAX + 1];     /* unique product id */
  char name[FH_NAME_MAX + 1]; /* display name */
  uint32_t ideal_cycle_ms;    /* on every equipment; 0: the map below */
  const plant_cycle *cycles;  /* the map, sorted by equipment index (into
                                 plant.cycles) */
  size_t ncycles;             /* entries of the map, 0 with a number */
  uint32_t changeover_target_s; /* 1..86400, 0 when not given */
} plant_product;

typedef struct plant_escalation {
  uint32_t after_s;           /* seconds after raise at which this step fires */
  fh_role role;               /* role to call at this step */
} plant_escalation;

typedef struct plant {
  char name[FH_NAME_MAX + 1];             /* plant display name */
  char timezone[PLANT_TZ_MAX + 1];        /* IANA zone of the shift times */
  plant_line *lines;                      /* nlines lines, in file order */
  size_t nlines;                          /* >= 1 */
  plant_equipment *equipment;             /* all equipment, grouped by line */
  size_t nequipment;                      /* >= nlines */
  shift_def shifts[SHIFTS_MAX];           /* shift calendar, in file order */
  size_t nshifts;                         /* 1..SHIFTS_MAX */
  plant_escalation escalation[PLANT_ESCALATION_MAX]; /* after_s increasing */
  size_t nescalation;                     /* 0..PLANT_ESCALATION_MAX */
  char kinds[PLANT_KINDS_MAX][FH_KIND_MAX + 1];      /* andon kinds */
  size_t nkinds;                          /* 1..PLANT_KINDS_MAX */
  char reasons[PLANT_REASONS_MAX][FH_KIND_MAX + 1];  /* leaf codes */
  size_t nreasons;                        /* 1..PLANT_REASONS_MAX */
  plant_reason reason_nodes[PLANT_REASON_NODES_MAX]; /* the tree, in file
                                             order (a parent before its
                                             children) */
  size_t nreason_nodes;                   /* nodes used */
  plant_stop_times stops;                 /* plant-wide stop times */
  uint32_t signal_timeout_s;              /* plant-wide default, 300 */
  plant_product *products;                /* nproducts, in file order */
  size_t nproducts;                       /* 0..PLANT_PRODUCTS_MAX */
  plant_cycle *cycles;                    /* every product's map entries */
  size_t *product_order;                  /* product indexes sorted by id */
  uint32_t history_days;                  /* shift records and stops kept */
  uint32_t samples_days;                  /* per-minute samples kept */
  size_t *line_order;                     /* line indexes sorted by id */
  size_t *equipment_order;                /* equipment indexes sorted by id */
} plant;

/* Loads and validates the layout at path.  Returns 0 with *out set (free it
 * with plant_free), or -ENOENT (no such file), another -errno when the file
 * cannot be read, -EINVAL (bad content) or -ENOMEM; then *out is NULL and
 * err holds one line naming the file, the place and the problem, e.g.
 *   "plant.json:12:5: '}' expected near '\"id\"'"
 *   "plant.json: lines[1].equipment[0].ideal_cycle_ms: must be an integer
 *    1..86400000" */
int plant_load(const char *path, plant **out, char *err, size_t errlen);
/* Frees a plant from plant_load; NULL is allowed. */
void plant_free(plant *p);

/* The line / equipment with the id given by n bytes at id, or NULL. */
const plant_line *plant_line_find(const plant *p, const char *id, size_t n);
const plant_equipment *plant_equipment_find(const plant *p, const char *id,
                                            size_t n);
/* The stop times of a line as the downtime rules take them (ms). */
dt_limits plant_stop_limits(const plant_line *l);
/* The product with the id given by n bytes at id, or NULL. */
const plant_product *plant_product_find(const plant *p, const char *id,
                                        size_t n);
/* The ideal cycle (ms) of equipment index ei while making product pr: the
 * product's number, its map entry for ei, or else (pr NULL, or a map that
 * does not name ei) the equipment's own ideal_cycle_ms. */
uint32_t plant_ideal_cycle(const plant *p, const plant_product *pr, size_t ei);

/* 1 if the n bytes at s are one of the plant's andon kinds / reasons. */
int plant_kind_valid(const plant *p, const char *s, size_t n);
int plant_reason_valid(const plant *p, const char *s, size_t n);
/* The leaf reason with that code, or NULL (unknown, or not a leaf). */
const plant_reason *plant_reason_leaf(const plant *p, const char *s,
                                      size_t n);

/* 1 if the n bytes at s are a valid id: 1..FH_ID_MAX bytes of
 * [A-Za-z0-9._-].  Used for line and equipment ids and a token's lines. */
int plant_id_valid(const char *s, size_t n);
/* 1 if the n bytes at s are display text: 1..max bytes, no control
 * characters (names here, a token's sub). */
int plant_text_valid(const char *s, size_t n, size_t max);

#endif
