/* request_encode.c -- struct fh_request into a client -> hub map.
 *
 * Design: the mirror of request_decode.c over the same key tables: t, id
 * (when has_id), then every key of the table that is required or present,
 * in table order.  An optional key is present when it differs from what the
 * decoder would assume for its absence: a non-empty string, a non-zero ts
 * or shift_start, a severity other than 2 (and 0, "unset"), since entries,
 * has_epoch.
 */
#include <errno.h>

#include "enc.h"
#include "req_fields.h"

/* 1 when field f of req is to be sent. */
static int present(const req_field *f, const fh_request *req) {
  const void *v = (const char *)req + f->off;
  if (f->required) return 1;
  switch (f->kind) {
  case RK_STR:
  case RK_TOKEN:
  case RK_SECRET: return ((const fh_strv *)v)->n > 0;
  case RK_INT: return *(const int64_t *)v != 0;
  case RK_SEVERITY: {
    uint8_t s = *(const uint8_t *)v;
    return s != 0 && s != 2;
  }
  case RK_SINCE: return req->u.sub.nsince > 0;
  case RK_EPOCH: return req->u.sub.has_epoch;
  case RK_BOOL: return *(const uint8_t *)v != 0;
  default: return 1;
  }
}

static void put_topics(enc *e, const fh_request *req) {
  fh__enc_array(e, (uint32_t)req->u.sub.ntopics);
  for (size_t i = 0; i < req->u.sub.ntopics; i++)
    fh__enc_strn(e, req->u.sub.topics[i].p, req->u.sub.topics[i].n);
}

static void put_since(enc *e, const fh_request *req) {
  fh__enc_map(e, (uint32_t)req->u.sub.nsince);
  for (size_t i = 0; i < req->u.sub.nsince; i++) {
    fh__enc_strn(e, req->u.sub.since[i].topic.p, req->u.sub.since[i].topic.n);
    fh__enc_uint(e, req->u.sub.since[i].seq);
  }
}

/* Writes the key and value of field f. */
static void put_field(enc *e, const req_field *f, const fh_request *req) {
  const void *v = (const char *)req + f->off;
  fh__enc_str(e, f->name);
  switch (f->kind) {
  case RK_STR:
  case RK_TOKEN:
  case RK_SECRET: {
    const fh_strv *s = v;
    fh__enc_strn(e, s->p, s->n);
    break;
  }
  case RK_UINT:
  case RK_EPOCH: fh__enc_uint(e, *(const uint64_t *)v); break;
  case RK_INT: fh__enc_int(e, *(const int64_t *)v); break;
  case RK_SEVERITY: fh__enc_uint(e, *(const uint8_t *)v); break;
  case RK_EQ_STATE:
    fh__enc_str(e, fh_eq_state_name(*(const fh_eq_state *)v));
    break;
  case RK_TOPICS: put_topics(e, req); break;
  case RK_SINCE: put_since(e, req); break;
  case RK_BOOL: fh__enc_bool(e, *(const uint8_t *)v); break;
  }
}

int fh_request_encode(fh_buf *out, const fh_request *req) {
  const req_spec *spec = fh__req_spec_of(req->type);
  uint32_t n = 0;
  enc e;
  int is_sub = req->type == FH_MSG_SUB || req->type == FH_MSG_UNSUB;
  if (spec == NULL) return -EINVAL;
  if (is_sub && (req->u.sub.ntopics > FH_TOPICS_MAX ||
                 req->u.sub.nsince > FH_TOPICS_MAX))
    return -EINVAL;
  for (size_t i = 0; i < spec->n; i++) n += present(&spec->fields[i], req);
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, req->type, n, req->has_id, req->id);
  for (size_t i = 0; i < spec->n; i++)
    if (present(&spec->fields[i], req)) put_field(&e, &spec->fields[i], req);
  return fh__enc_end(&e);
}
