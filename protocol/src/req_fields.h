/* req_fields.h -- the keys of each client -> hub message, as data.
 *
 * Design: one table per request type lists its keys (besides `t` and `id`),
 * how each is typed, whether it is required, its length limit and where it
 * lives in struct fh_request.  The decoder and the encoder both walk these
 * tables, so a key is spelled, limited and placed exactly once.
 */
#ifndef FH_REQ_FIELDS_H
#define FH_REQ_FIELDS_H

#include <stddef.h>

#include "fh_protocol.h"

typedef enum req_kind {
  RK_STR,      /* fh_strv of at most `max` bytes; required ones non-empty */
  RK_TOKEN,    /* like RK_STR, but over `max` is FH_E_TOO_LARGE */
  RK_SECRET,   /* like RK_STR, but never empty even when optional (pin) */
  RK_UINT,     /* uint64_t */
  RK_INT,      /* int64_t; 0 when absent */
  RK_SEVERITY, /* uint8_t 1..3; 2 when absent */
  RK_EQ_STATE, /* fh_eq_state, sent as its name */
  RK_BOOL,     /* uint8_t 0 or 1, sent as a msgpack bool; 0 when absent */
  RK_TOPICS,   /* u.sub.topics / ntopics: array of 1..FH_TOPICS_MAX topics */
  RK_SINCE,    /* u.sub.since / nsince: map topic -> uint */
  RK_EPOCH     /* u.sub.epoch / has_epoch: uint */
} req_kind;

typedef struct req_field {
  const char *name; /* the wire key */
  req_kind kind;    /* how the value is typed */
  int required;     /* 1: a missing key is bad_request */
  size_t max;       /* RK_STR, RK_TOKEN: longest value in bytes */
  size_t off;       /* offset of the value in struct fh_request */
} req_field;

typedef struct req_spec {
  const req_field *fields; /* keys of the message besides t and id */
  size_t n;                /* entries in fields */
} req_spec;

/* The keys of request type t, or NULL when t is not a client -> hub type. */
const req_spec *fh__req_spec_of(fh_msg_type t);

/* The default of a field that is absent: severity 2, everything else 0. */
void fh__req_set_defaults(fh_request *req);

#endif /* FH_REQ_FIELDS_H */
