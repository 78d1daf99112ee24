/* event_decode.c -- hub -> client maps into struct fh_event.
 *
 * Design: one pass over the map with a key table: every key the hub sends
 * has one meaning and one type whatever the message (`key` is the err's
 * offending key here, never an idempotency key), so the table maps key ->
 * type and member, and a bit per key records what was seen.  After the pass
 * the bits are checked against the keys that message type requires.
 * Container values (data, the ok body, welcome lines) are not decoded: the
 * event keeps a cursor on them for fh_dec_* or the caller.
 */
#include <stddef.h>
#include <string.h>

#include "fh_protocol.h"

typedef enum ev_kind {
  EV_TYPE,  /* t: the message type */
  EV_ID,    /* id: uint, sets has_id */
  EV_STR,   /* fh_strv */
  EV_UINT,  /* uint64_t */
  EV_INT,   /* int64_t */
  EV_CODE,  /* err code name -> fh_err_code */
  EV_BOOL,  /* int */
  EV_LINES, /* welcome lines: array of str or nil, kept as a cursor */
  EV_DATA,  /* snap/upd data (the body cursor), an ok's handover: any
               value, kept as a cursor */
  EV_BODY   /* ok entity: the body cursor, the key goes to body_key */
} ev_kind;

typedef struct ev_field {
  const char *name; /* the wire key */
  size_t len;       /* strlen(name) */
  ev_kind kind;     /* how the value is typed */
  size_t off;       /* offset of the member in struct fh_event */
} ev_field;

/* Index of each key in fields[]; a bit per index records what was seen. */
enum {
  F_T, F_ID, F_TOPIC, F_SEQ, F_EPOCH, F_SERVER_TIME, F_CODE, F_MSG, F_KEY,
  F_USER, F_ROLE, F_SESSION, F_HUB, F_LINES, F_DATA, F_ANDON, F_EQUIPMENT,
  F_REPORT, F_TOPICS, F_EVENT, F_EVENTS, F_REPLAY, F_MORE, F_NAME,
  F_EXPIRES_AT, F_RUN, F_PLAN, F_ROWS, F_CURSOR, F_HANDOVER, NFIELDS
};

#define OFF(member) offsetof(fh_event, member)
#define FIELD(idx, key, kind, member) [idx] = {key, sizeof key - 1, kind, OFF(member)}

static const ev_field fields[NFIELDS] = {
    FIELD(F_T, "t", EV_TYPE, type),
    FIELD(F_ID, "id", EV_ID, id),
    FIELD(F_TOPIC, "topic", EV_STR, topic),
    FIELD(F_SEQ, "seq", EV_UINT, seq),
    FIELD(F_EPOCH, "epoch", EV_UINT, epoch),
    FIELD(F_SERVER_TIME, "server_time", EV_INT, server_time),
    FIELD(F_CODE, "code", EV_CODE, code),
    FIELD(F_MSG, "msg", EV_STR, msg),
    FIELD(F_KEY, "key", EV_STR, err_key),
    FIELD(F_USER, "user", EV_STR, user),
    FIELD(F_ROLE, "role", EV_STR, role),
    FIELD(F_SESSION, "session", EV_STR, session),
    FIELD(F_HUB, "hub", EV_STR, hub),
    FIELD(F_LINES, "lines", EV_LINES, lines),
    FIELD(F_DATA, "data", EV_DATA, body),
    FIELD(F_ANDON, "andon", EV_BODY, body),
    FIELD(F_EQUIPMENT, "equipment", EV_BODY, body),
    FIELD(F_REPORT, "report", EV_BODY, body),
    FIELD(F_TOPICS, "topics", EV_BODY, body),
    FIELD(F_EVENT, "event", EV_BODY, body),
    FIELD(F_EVENTS, "events", EV_BODY, body),
    FIELD(F_RUN, "run", EV_BODY, body),
    FIELD(F_PLAN, "plan", EV_BODY, body),
    FIELD(F_HANDOVER, "handover", EV_DATA, handover),
    FIELD(F_REPLAY, "replay", EV_BOOL, replay),
    FIELD(F_MORE, "more", EV_BOOL, more),
    FIELD(F_NAME, "name", EV_STR, name),
    FIELD(F_EXPIRES_AT, "expires_at", EV_INT, expires_at),
    FIELD(F_ROWS, "rows", EV_BODY, body),
    FIELD(F_CURSOR, "cursor", EV_INT, cursor),
};

#define BIT(i) (1u << (i))
/* Keys holding the message's one body: at most one of them per map. */
#define BODIES (BIT(F_DATA) | BIT(F_ANDON) | BIT(F_EQUIPMENT) | BIT(F_REPORT) | \
                BIT(F_TOPICS) | BIT(F_EVENT) | BIT(F_EVENTS) | BIT(F_RUN) | \
                BIT(F_PLAN) | BIT(F_ROWS))

/* The keys each hub message must carry. */
static uint32_t required(fh_msg_type t) {
  switch (t) {
  case FH_MSG_WELCOME:
    return BIT(F_USER) | BIT(F_ROLE) | BIT(F_LINES) | BIT(F_SERVER_TIME) |
           BIT(F_HUB) | BIT(F_SESSION) | BIT(F_EPOCH);
  case FH_MSG_PONG: return BIT(F_SERVER_TIME);
  case FH_MSG_ERR: return BIT(F_CODE) | BIT(F_MSG);
  case FH_MSG_SNAP: return BIT(F_TOPIC) | BIT(F_SEQ) | BIT(F_EPOCH) | BIT(F_DATA);
  case FH_MSG_UPD: return BIT(F_TOPIC) | BIT(F_SEQ) | BIT(F_DATA);
  default: return 0;
  }
}

/* Keeps a cursor on the value at c (which is then skipped). */
static int keep_value(fh_mp_cursor *c, fh_mp_cursor *dst) {
  fh_mp_cursor start = *c;
  if (fh_mp_skip(c) < 0) return -1;
  dst->p = start.p;
  dst->end = c->p;
  return 0;
}

/* Reads a str naming a type or code with `from`; -1 if unknown. */
static int read_name(fh_mp_cursor *c, int (*from)(const char *, size_t),
                     int *v) {
  fh_strv s;
  if (fh_mp_read_str(c, &s) < 0) return -1;
  *v = from(s.p, s.n);
  return *v < 0 ? -1 : 0;
}

/* fh_msg_type_from with the int signature of read_name; hub types only. */
static int hub_type_from(const char *name, size_t len) {
  fh_msg_type t = fh_msg_type_from(name, len);
  return t >= FH_MSG_WELCOME && t <= FH_MSG_UPD ? (int)t : -1;
}

/* Reads the value of field f into ev. */
static int read_field(fh_mp_cursor *c, const ev_field *f, fh_strv key,
                      fh_event *ev) {
  void *v = (char *)ev + f->off;
  int i;
  fh_mp_kind k = fh_mp_peek(c);
  switch (f->kind) {
  case EV_TYPE:
    if (read_name(c, hub_type_from, &i) < 0) return -1;
    ev->type = (fh_msg_type)i;
    return 0;
  case EV_ID:
    ev->has_id = 1;
    return fh_mp_read_uint(c, v);
  case EV_STR: return fh_mp_read_str(c, v);
  case EV_UINT: return fh_mp_read_uint(c, v);
  case EV_INT: return fh_mp_read_int(c, v);
  case EV_CODE:
    if (read_name(c, fh_err_code_from, &i) < 0) return -1;
    ev->code = (fh_err_code)i;
    return 0;
  case EV_BOOL: return fh_mp_read_bool(c, v);
  case EV_LINES:
    if (k != FH_MP_ARRAY && k != FH_MP_NIL) return -1;
    return keep_value(c, v);
  case EV_BODY:
    ev->body_key = key;
    return keep_value(c, v);
  case EV_DATA: return keep_value(c, v);
  }
  return -1;
}

/* The table index of key, or -1. */
static int lookup(fh_strv key) {
  for (size_t i = 0; i < NFIELDS; i++)
    if (fields[i].len == key.n &&
        memcmp(fields[i].name, key.p, key.n) == 0)
      return (int)i;
  return -1;
}

int fh_event_decode(const uint8_t *map, size_t map_len, fh_event *ev) {
  uint32_t n, seen = 0;
  memset(ev, 0, sizeof *ev);
  if (map == NULL) return -1;
  fh_mp_cursor c = {map, map + map_len};
  if (fh_mp_read_map(&c, &n) < 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    fh_strv key;
    if (fh_mp_read_str(&c, &key) < 0) return -1;
    int f = lookup(key);
    if (f < 0) {
      if (fh_mp_skip(&c) < 0) return -1;
      continue;
    }
    if ((seen & BIT(f)) || ((seen & BODIES) && (BIT(f) & BODIES))) return -1;
    seen |= BIT(f);
    if (read_field(&c, &fields[f], key, ev) < 0) return -1;
  }
  if (!(seen & BIT(F_T)) || c.p != c.end) return -1;
  uint32_t need = required(ev->type);
  return (seen & need) == need ? 0 : -1;
}
