/* ent_fields.h -- the keys of each entity (andon, equipment, line, oee,
 * downtime) and of the history rows.
 *
 * Design: like req_fields.h for requests, one table per entity gives each
 * wire key, its type and its place in the C struct; entity_encode.c and
 * entity_decode.c both walk it, which is what makes decode(encode(x)) == x
 * hold by construction.  Values derived on encoding (andon ack_s, repair_s)
 * are not in the tables: the encoder appends them and the decoder skips
 * them like any unknown key.
 */
#ifndef FH_ENT_FIELDS_H
#define FH_ENT_FIELDS_H

#include <stddef.h>

#include "fh_downtime.h"
#include "fh_history.h"
#include "fh_protocol.h"

typedef enum ent_kind {
  EK_STR,         /* char[size], always sent as a str */
  EK_OPT_STR,     /* char[size], "" is sent as nil */
  EK_TIME,        /* int64_t ms, 0 is sent as nil */
  EK_U64,         /* uint64_t */
  EK_U32,         /* uint32_t */
  EK_U8,          /* uint8_t */
  EK_DOUBLE,      /* double, sent as float64 */
  EK_EQ_STATE,    /* fh_eq_state, sent as its name */
  EK_ANDON_STATE, /* fh_andon_state, sent as its name */
  EK_STATE_MS,    /* fh_oee.state_ms: map of every state name -> ms */
  EK_REASONS,     /* fh_oee.reasons / nreasons: map reason -> ms */
  EK_LOSSES,      /* fh_oee.losses: map of every time category -> ms */
  EK_REJECTS,     /* fh_oee.rejects / nrejects: map reason -> count */
  EK_BOOL,        /* uint8_t, sent as a msgpack bool */
  EK_OPT_U64,     /* uint64_t, 0 is sent as nil */
  EK_OPT_U32      /* uint32_t, 0 is sent as nil */
} ent_kind;

typedef struct ent_field {
  const char *name; /* the wire key */
  ent_kind kind;    /* how the value is typed */
  size_t off;       /* offset of the member in the entity struct */
  size_t size;      /* sizeof the member (the capacity of a char array) */
} ent_field;

typedef struct ent_desc {
  const ent_field *fields; /* keys in the order they are sent */
  size_t n;                /* entries in fields */
} ent_desc;

extern const ent_desc fh__ent_andon, fh__ent_equipment, fh__ent_line, fh__ent_oee,
    fh__ent_downtime, fh__ent_sample, fh__ent_run, fh__ent_plan, fh__ent_hist_row,
    fh__ent_pareto_row;

#endif /* FH_ENT_FIELDS_H */
