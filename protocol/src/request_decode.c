/* request_decode.c -- client -> hub maps into struct fh_request.
 *
 * Design: two passes over the map.  The first finds `t` and `id` wherever
 * they are (so that an error found later can still echo the id, and so that
 * key order does not matter); the second looks every other key up in the
 * message's table (req_fields.c), reads it with its type and limit checked,
 * and ignores keys that are not in the table.  Strings stay views into the
 * map; nothing is allocated.  Every error names its key in err->key and in
 * err->msg.  A key that appears twice is refused rather than guessed at.
 */
#include <string.h>

#include "decode_err.h"
#include "req_fields.h"

/* What the first pass found for `t` or `id`. */
typedef enum found { ABSENT = 0, FOUND, ILL_TYPED, TWICE } found;

static int str_is(fh_strv s, const char *lit) {
  return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static int malformed(fh_decode_err *err) {
  return fh__derr_set(err, FH_E_BAD_REQUEST, NULL, "malformed map");
}

/* Notes where the value of `t` or `id` is and skips it.  Returns -1 when
 * the value cannot be skipped (a malformed map). */
static int note_once(fh_mp_cursor *c, found *f, fh_mp_cursor *value) {
  *value = *c;
  *f = *f == ABSENT ? FOUND : TWICE;
  return fh_mp_skip(c);
}

/* Error for `t` or `id` found in state f, or 0. */
static int report(found f, const char *key, const char *type,
                  fh_decode_err *err) {
  if (f == ABSENT) return fh__derr_set(err, FH_E_BAD_REQUEST, key,
                                   "missing key '%s'", key);
  if (f == ILL_TYPED) return fh__derr_set(err, FH_E_BAD_REQUEST, key,
                                      "key '%s' must be %s", key, type);
  if (f == TWICE) return fh__derr_set(err, FH_E_BAD_REQUEST, key,
                                  "key '%s' given twice", key);
  return 0;
}

/* Pass 1: `t` and `id`.  Sets req->type, has_id, id. */
static int read_head(fh_mp_cursor c, fh_request *req, fh_decode_err *err) {
  found t_found = ABSENT, id_found = ABSENT;
  fh_mp_cursor t_at = c, id_at = c;
  fh_strv t = {NULL, 0}, key;
  uint32_t n;
  if (fh_mp_read_map(&c, &n) < 0) return malformed(err);
  for (uint32_t i = 0; i < n; i++) {
    int rc;
    if (fh_mp_read_str(&c, &key) < 0) return malformed(err);
    if (str_is(key, "t"))
      rc = note_once(&c, &t_found, &t_at);
    else if (str_is(key, "id"))
      rc = note_once(&c, &id_found, &id_at);
    else
      rc = fh_mp_skip(&c);
    if (rc < 0) return malformed(err);
  }
  if (c.p != c.end) return malformed(err);
  if (id_found == FOUND && fh_mp_read_uint(&id_at, &req->id) < 0)
    id_found = ILL_TYPED;
  req->has_id = id_found == FOUND;
  if (t_found == FOUND && fh_mp_read_str(&t_at, &t) < 0) t_found = ILL_TYPED;
  if (report(t_found, "t", "a string", err) < 0) return -1;
  if (id_found != ABSENT &&
      report(id_found, "id", "an unsigned integer", err) < 0)
    return -1;
  req->type = fh_msg_type_from(t.p, t.n);
  if (fh__req_spec_of(req->type) == NULL)
    return fh__derr_set(err, FH_E_BAD_REQUEST, "t",
                    "key 't' names no request type");
  return 0;
}

/* Checks a string value against [min, max] bytes and UTF-8.  `code` is the
 * error for a value over max. */
static int check_text(fh_strv v, const char *key, size_t min, size_t max,
                      fh_err_code code, fh_decode_err *err) {
  if (v.n > max)
    return fh__derr_set(err, code, key, "key '%s' is longer than %zu bytes", key,
                    max);
  if (v.n < min)
    return fh__derr_set(err, FH_E_BAD_REQUEST, key, "key '%s' must not be empty",
                    key);
  if (!fh_utf8_valid(v.p, v.n))
    return fh__derr_set(err, FH_E_BAD_REQUEST, key, "key '%s' is not UTF-8", key);
  return 0;
}

static int ill_typed(const char *key, const char *type, fh_decode_err *err) {
  return fh__derr_set(err, FH_E_BAD_REQUEST, key, "key '%s' must be %s", key,
                  type);
}

/* RK_TOPICS: an array of 1..FH_TOPICS_MAX topic names. */
static int read_topics(fh_mp_cursor *c, const req_field *f, fh_request *req,
                       fh_decode_err *err) {
  uint32_t n;
  if (fh_mp_read_array(c, &n) < 0 || n == 0 || n > FH_TOPICS_MAX)
    return fh__derr_set(err, FH_E_BAD_REQUEST, f->name,
                    "key '%s' must be an array of 1 to %d topics", f->name,
                    FH_TOPICS_MAX);
  for (uint32_t i = 0; i < n; i++) {
    fh_strv *topic = &req->u.sub.topics[i];
    if (fh_mp_read_str(c, topic) < 0)
      return ill_typed(f->name, "an array of strings", err);
    if (check_text(*topic, f->name, 1, f->max, FH_E_BAD_REQUEST, err) < 0)
      return -1;
  }
  req->u.sub.ntopics = n;
  return 0;
}

/* RK_SINCE: a map of at most FH_TOPICS_MAX topic -> seq. */
static int read_since(fh_mp_cursor *c, const req_field *f, fh_request *req,
                      fh_decode_err *err) {
  uint32_t n;
  if (fh_mp_read_map(c, &n) < 0)
    return ill_typed(f->name, "a map of topic to unsigned integer", err);
  if (n > FH_TOPICS_MAX)
    return fh__derr_set(err, FH_E_BAD_REQUEST, f->name,
                    "key '%s' holds more than %d topics", f->name,
                    FH_TOPICS_MAX);
  for (uint32_t i = 0; i < n; i++) {
    fh_since *s = &req->u.sub.since[i];
    if (fh_mp_read_str(c, &s->topic) < 0 || fh_mp_read_uint(c, &s->seq) < 0)
      return ill_typed(f->name, "a map of topic to unsigned integer", err);
    if (check_text(s->topic, f->name, 1, f->max, FH_E_BAD_REQUEST, err) < 0)
      return -1;
  }
  req->u.sub.nsince = n;
  return 0;
}

/* RK_STR, RK_TOKEN, RK_SECRET, RK_EQ_STATE: a string value.  A secret's
 * value never appears in an error message (none of them quote values). */
static int read_text(fh_mp_cursor *c, const req_field *f, void *dst,
                     fh_decode_err *err) {
  fh_strv v;
  if (fh_mp_read_str(c, &v) < 0) return ill_typed(f->name, "a string", err);
  if (f->kind == RK_EQ_STATE) {
    int s = fh_eq_state_from(v.p, v.n);
    if (s < 0) return ill_typed(f->name, "an equipment state", err);
    *(fh_eq_state *)dst = (fh_eq_state)s;
    return 0;
  }
  fh_err_code over = f->kind == RK_TOKEN ? FH_E_TOO_LARGE : FH_E_BAD_REQUEST;
  size_t min = f->required || f->kind == RK_SECRET ? 1 : 0;
  if (check_text(v, f->name, min, f->max, over, err) < 0)
    return -1;
  *(fh_strv *)dst = v;
  return 0;
}

/* RK_UINT, RK_INT, RK_SEVERITY, RK_EPOCH: a number. */
static int read_number(fh_mp_cursor *c, const req_field *f, void *dst,
                       fh_request *req, fh_decode_err *err) {
  uint64_t u;
  if (f->kind == RK_INT)
    return fh_mp_read_int(c, dst) < 0 ? ill_typed(f->name, "an integer", err)
                                      : 0;
  if (fh_mp_read_uint(c, &u) < 0)
    return ill_typed(f->name, "an unsigned integer", err);
  if (f->kind == RK_SEVERITY) {
    if (u < 1 || u > 3) return ill_typed(f->name, "1, 2 or 3", err);
    *(uint8_t *)dst = (uint8_t)u;
    return 0;
  }
  *(uint64_t *)dst = u;
  if (f->kind == RK_EPOCH) req->u.sub.has_epoch = 1;
  return 0;
}

/* RK_BOOL: true or false. */
static int read_bool(fh_mp_cursor *c, const req_field *f, void *dst,
                     fh_decode_err *err) {
  int v;
  if (fh_mp_read_bool(c, &v) < 0) return ill_typed(f->name, "a boolean", err);
  *(uint8_t *)dst = v ? 1 : 0;
  return 0;
}

/* Reads the value of field f at the cursor into req. */
static int read_field(fh_mp_cursor *c, const req_field *f, fh_request *req,
                      fh_decode_err *err) {
  void *dst = (char *)req + f->off;
  if (!f->required && fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c);
  switch (f->kind) {
  case RK_TOPICS: return read_topics(c, f, req, err);
  case RK_SINCE: return read_since(c, f, req, err);
  case RK_STR:
  case RK_TOKEN:
  case RK_SECRET:
  case RK_EQ_STATE: return read_text(c, f, dst, err);
  case RK_BOOL: return read_bool(c, f, dst, err);
  default: return read_number(c, f, dst, req, err);
  }
}

/* The table entry for key, or NULL. */
static const req_field *lookup(const req_spec *spec, fh_strv key) {
  for (size_t i = 0; i < spec->n; i++)
    if (str_is(key, spec->fields[i].name)) return &spec->fields[i];
  return NULL;
}

/* Pass 2: every key of the message's table. */
static int read_body(fh_mp_cursor c, fh_request *req, fh_decode_err *err) {
  const req_spec *spec = fh__req_spec_of(req->type);
  uint32_t n, seen = 0;
  fh_strv key;
  if (fh_mp_read_map(&c, &n) < 0) return malformed(err);
  for (uint32_t i = 0; i < n; i++) {
    if (fh_mp_read_str(&c, &key) < 0) return malformed(err);
    const req_field *f = lookup(spec, key);
    if (f == NULL) { /* t, id and unknown keys */
      if (fh_mp_skip(&c) < 0) return malformed(err);
      continue;
    }
    uint32_t bit = 1u << (f - spec->fields);
    if (seen & bit)
      return fh__derr_set(err, FH_E_BAD_REQUEST, f->name, "key '%s' given twice",
                      f->name);
    seen |= bit;
    if (read_field(&c, f, req, err) < 0) return -1;
  }
  for (size_t i = 0; i < spec->n; i++)
    if (spec->fields[i].required && !(seen & (1u << i)))
      return fh__derr_set(err, FH_E_BAD_REQUEST, spec->fields[i].name,
                      "missing key '%s'", spec->fields[i].name);
  return 0;
}

int fh_request_decode(const uint8_t *map, size_t map_len, fh_request *req,
                      fh_decode_err *err) {
  fh__derr_clear(err);
  memset(req, 0, sizeof *req);
  if (map == NULL) return malformed(err);
  fh_mp_cursor c = {map, map + map_len};
  if (read_head(c, req, err) < 0) goto fail;
  fh__req_set_defaults(req);
  if (read_body(c, req, err) < 0) goto fail;
  return 0;
fail:
  err->has_id = req->has_id;
  err->id = req->id;
  return -1;
}
