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
  EV_DATA,  /* snap/upd data: any value, kept as the body cursor */
  EV_BODY   /* ok entity: the body cursor, the key goes to body_key */
} ev_kind;

typedef struct ev_field {
  const char *name; /* the wire key */
  ev_kind kind;     /* how the value is typed */
  size_t off;       /* offset of the member in struct fh_event */
} ev_field;

#define OFF(member) offsetof(fh_event, member)

static const ev_field fields[] = {
    {"t", EV_TYPE, OFF(type)},
    {"id", EV_ID, OFF(id)},
    {"topic", EV_STR, OFF(topic)},
    {"seq", EV_UINT, OFF(seq)},
    {"epoch", EV_UINT, OFF(epoch)},
    {"server_time", EV_INT, OFF(server_time)},
    {"code", EV_CODE, OFF(code)},
    {"msg", EV_STR, OFF(msg)},
    {"key", EV_STR, OFF(err_key)},
    {"user", EV_STR, OFF(user)},
    {"role", EV_STR, OFF(role)},
    {"session", EV_STR, OFF(session)},
    {"hub", EV_STR, OFF(hub)},
    {"lines", EV_LINES, OFF(lines)},
    {"data", EV_DATA, OFF(body)},
    {"andon", EV_BODY, OFF(body)},
    {"equipment", EV_BODY, OFF(body)},
    {"report", EV_BODY, OFF(body)},
    {"topics", EV_BODY, OFF(body)},
    {"replay", EV_BOOL, OFF(replay)},
};

#define NFIELDS (sizeof fields / sizeof fields[0])
#define BIT(i) (1u << (i))

/* Bit of the key named name in fields[]. */
static uint32_t bit_of(const char *name) {
  for (size_t i = 0; i < NFIELDS; i++)
    if (strcmp(fields[i].name, name) == 0) return BIT(i);
  return 0;
}

/* The keys each hub message must carry, as bits of fields[]. */
static uint32_t required(fh_msg_type t) {
  static const char *const welcome[] = {"user", "role", "lines", "server_time",
                                        "hub", "session", "epoch", NULL};
  static const char *const pong[] = {"server_time", NULL};
  static const char *const err[] = {"code", "msg", NULL};
  static const char *const snap[] = {"topic", "seq", "epoch", "data", NULL};
  static const char *const upd[] = {"topic", "seq", "data", NULL};
  static const char *const none[] = {NULL};
  const char *const *keys = t == FH_MSG_WELCOME ? welcome
                            : t == FH_MSG_PONG  ? pong
                            : t == FH_MSG_ERR   ? err
                            : t == FH_MSG_SNAP  ? snap
                            : t == FH_MSG_UPD   ? upd
                                                : none;
  uint32_t bits = 0;
  for (size_t i = 0; keys[i]; i++) bits |= bit_of(keys[i]);
  return bits;
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
    if (strlen(fields[i].name) == key.n &&
        memcmp(fields[i].name, key.p, key.n) == 0)
      return (int)i;
  return -1;
}

int fh_event_decode(const uint8_t *map, size_t map_len, fh_event *ev) {
  const uint32_t bodies = bit_of("data") | bit_of("andon") |
                          bit_of("equipment") | bit_of("report") |
                          bit_of("topics");
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
    if ((seen & BIT(f)) || ((seen & bodies) && (BIT(f) & bodies))) return -1;
    seen |= BIT(f);
    if (read_field(&c, &fields[f], key, ev) < 0) return -1;
  }
  if (!(seen & BIT(0)) || c.p != c.end) return -1;
  uint32_t need = required(ev->type);
  return (seen & need) == need ? 0 : -1;
}
