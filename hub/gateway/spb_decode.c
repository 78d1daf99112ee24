/* spb_decode.c -- the bounded Sparkplug B payload reader (spb_decode.h).
 *
 * Design: a cursor (p, end) walks one message; every read checks the bytes
 * that remain first, and a length-delimited field is only used after its
 * length has been compared with them (as a size_t difference, so a huge
 * varint cannot overflow a pointer).  The Payload is read by one loop; each
 * metrics field (2) is read by a second loop over a sub-cursor bounded by
 * that field's length.  Nested messages we do not use are skipped whole, so
 * there is no recursion and no depth to exhaust.  On error the offset of the
 * offending tag or value is kept for the log line.
 */
#include "spb_decode.h"

#include <math.h>
#include <string.h>

#include "fh_protocol.h"

/* Protobuf wire types. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* A read position inside one message. */
typedef struct cur {
  const uint8_t *base; /* start of the whole payload, for err_off */
  const uint8_t *p;    /* next byte */
  const uint8_t *end;  /* one past the message's last byte */
  size_t err_off;      /* where the last error was found */
} cur;

static int fail_at(cur *c, const uint8_t *at, int err) {
  c->err_off = (size_t)(at - c->base);
  return err;
}

static int read_varint(cur *c, uint64_t *v) {
  const uint8_t *start = c->p;
  uint64_t x = 0;
  for (unsigned shift = 0; shift < 70; shift += 7) {
    if (c->p == c->end) return fail_at(c, start, SPB_E_TRUNCATED);
    uint8_t b = *c->p++;
    if (shift == 63 && b > 1) return fail_at(c, start, SPB_E_VARINT);
    x |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = x;
      return 0;
    }
  }
  return fail_at(c, start, SPB_E_VARINT);
}

static int read_fixed(cur *c, size_t n, uint64_t *v) {
  uint64_t x = 0;
  if ((size_t)(c->end - c->p) < n) return fail_at(c, c->p, SPB_E_TRUNCATED);
  for (size_t i = 0; i < n; i++) x |= (uint64_t)c->p[i] << (8 * i);
  c->p += n;
  *v = x;
  return 0;
}

/* A length-delimited value: its bytes as [*p, *p + *n), cursor after it. */
static int read_len(cur *c, const uint8_t **p, size_t *n) {
  const uint8_t *at = c->p;
  uint64_t len;
  int rc = read_varint(c, &len);
  if (rc != 0) return rc;
  if (len > (uint64_t)(c->end - c->p)) return fail_at(c, at, SPB_E_TRUNCATED);
  *p = c->p;
  *n = (size_t)len;
  c->p += len;
  return 0;
}

/* One tag: field number and wire type; groups and reserved types refused. */
static int read_tag(cur *c, uint32_t *field, unsigned *wt) {
  const uint8_t *at = c->p;
  uint64_t tag;
  int rc = read_varint(c, &tag);
  if (rc != 0) return rc;
  *wt = (unsigned)(tag & 7);
  if (*wt != WT_VARINT && *wt != WT_I64 && *wt != WT_LEN && *wt != WT_I32)
    return fail_at(c, at, SPB_E_WIRETYPE);
  if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return fail_at(c, at, SPB_E_FIELD);
  *field = (uint32_t)(tag >> 3);
  return 0;
}

/* Skips the value of an unused field of wire type wt. */
static int skip_value(cur *c, unsigned wt) {
  uint64_t v;
  const uint8_t *p;
  size_t n;
  switch (wt) {
  case WT_VARINT: return read_varint(c, &v);
  case WT_I64: return read_fixed(c, 8, &v);
  case WT_I32: return read_fixed(c, 4, &v);
  default: return read_len(c, &p, &n);
  }
}

/* The wire type each Metric field we read must have; -1: skip any. */
static int metric_wire_type(uint32_t field) {
  switch (field) {
  case 1: case 15: return WT_LEN;
  case 2: case 3: case 4: case 7: case 10: case 11: case 14: return WT_VARINT;
  case 12: return WT_I32;
  case 13: return WT_I64;
  default: return -1;
  }
}

static int read_string(cur *c, const char **s, size_t *n) {
  const uint8_t *at = c->p, *p;
  int rc = read_len(c, &p, n);
  if (rc != 0) return rc;
  if (!fh_utf8_valid((const char *)p, *n)) return fail_at(c, at, SPB_E_UTF8);
  *s = (const char *)p;
  return 0;
}

/* The value of a Metric field we read (its wire type already checked). */
static int metric_field(cur *c, uint32_t field, spb_metric *m) {
  uint64_t v = 0;
  float f;
  int rc;
  if (field == 1) return read_string(c, &m->name, &m->name_n);
  if (field == 15) {
    m->kind = SPB_V_STRING;
    return read_string(c, &m->v.s.p, &m->v.s.n);
  }
  if (field == 12 || field == 13) rc = read_fixed(c, field == 12 ? 4 : 8, &v);
  else rc = read_varint(c, &v);
  if (rc != 0) return rc;
  switch (field) {
  case 2: m->has_alias = 1; m->alias = v; break;
  case 3: m->timestamp = v; break;
  case 4: m->datatype = (uint32_t)v; break;
  case 7: m->is_null = v != 0; break;
  case 10: m->kind = SPB_V_INT; m->v.u = (uint32_t)v; break;
  case 11: m->kind = SPB_V_LONG; m->v.u = v; break;
  case 12: {
    uint32_t bits = (uint32_t)v;
    memcpy(&f, &bits, sizeof f);
    m->kind = SPB_V_FLOAT;
    m->v.d = f;
    break;
  }
  case 13: m->kind = SPB_V_DOUBLE; memcpy(&m->v.d, &v, 8); break;
  default: m->kind = SPB_V_BOOL; m->v.u = v != 0; break;
  }
  return 0;
}

/* One Metric message, [p, p + n) of the payload. */
static int read_metric(cur *outer, const uint8_t *p, size_t n, spb_metric *m) {
  cur c = {outer->base, p, p + n, 0};
  uint32_t field;
  unsigned wt;
  int rc = 0;

  memset(m, 0, sizeof *m);
  while (rc == 0 && c.p < c.end) {
    const uint8_t *at = c.p;
    if ((rc = read_tag(&c, &field, &wt)) != 0) break;
    int want = metric_wire_type(field);
    if (want < 0) rc = skip_value(&c, wt);
    else if ((unsigned)want != wt) rc = fail_at(&c, at, SPB_E_WIRETYPE);
    else rc = metric_field(&c, field, m);
  }
  outer->err_off = c.err_off;
  return rc;
}

/* One field of the Payload at the cursor (tag already read). */
static int payload_field(cur *c, const uint8_t *at, uint32_t field, unsigned wt,
                         spb_payload *out) {
  const uint8_t *p;
  size_t n;
  int rc;

  if (field == 1 || field == 3) {
    uint64_t v;
    if (wt != WT_VARINT) return fail_at(c, at, SPB_E_WIRETYPE);
    if ((rc = read_varint(c, &v)) != 0) return rc;
    if (field == 1) out->has_timestamp = 1, out->timestamp = v;
    else out->has_seq = 1, out->seq = v;
    return 0;
  }
  if (field != 2) return skip_value(c, wt);
  if (wt != WT_LEN) return fail_at(c, at, SPB_E_WIRETYPE);
  if ((rc = read_len(c, &p, &n)) != 0) return rc;
  if (out->nmetrics == out->cap) return fail_at(c, at, SPB_E_TOO_MANY);
  if ((rc = read_metric(c, p, n, &out->metrics[out->nmetrics])) != 0) return rc;
  out->nmetrics++;
  return 0;
}

int spb_decode(const uint8_t *buf, size_t len, spb_payload *out) {
  cur c = {buf, buf, buf + len, 0};
  uint32_t field;
  unsigned wt;
  int rc = 0;

  if (out == NULL || (buf == NULL && len > 0) || (out->metrics == NULL && out->cap))
    return SPB_E_INVAL;
  out->has_timestamp = out->has_seq = 0;
  out->timestamp = out->seq = 0;
  out->nmetrics = out->err_off = 0;
  while (rc == 0 && c.p < c.end) {
    const uint8_t *at = c.p;
    if ((rc = read_tag(&c, &field, &wt)) == 0)
      rc = payload_field(&c, at, field, wt, out);
  }
  out->err_off = rc ? c.err_off : 0;
  return rc;
}

const char *spb_strerror(int err) {
  switch (err) {
  case 0: return "ok";
  case SPB_E_TRUNCATED: return "truncated (a length runs past the end)";
  case SPB_E_VARINT: return "varint longer than 10 bytes";
  case SPB_E_WIRETYPE: return "wrong or unsupported wire type";
  case SPB_E_FIELD: return "field number 0";
  case SPB_E_UTF8: return "string is not UTF-8";
  case SPB_E_TOO_MANY: return "more metrics than the decoder's cap";
  case SPB_E_INVAL: return "invalid arguments";
  default: return "unknown error";
  }
}

/* v as a signed integer of the metric's datatype. */
static int64_t signed_of(const spb_metric *m) {
  switch (m->datatype) {
  case SPB_INT8:
  case SPB_INT16:
  case SPB_INT32: return (int64_t)(int32_t)(uint32_t)m->v.u;
  default: return (int64_t)m->v.u;
  }
}

int spb_metric_int(const spb_metric *m, int64_t *out) {
  if (m->is_null) return -1;
  switch (m->kind) {
  case SPB_V_INT:
  case SPB_V_BOOL: *out = signed_of(m); return 0;
  case SPB_V_LONG:
    if (m->datatype == SPB_UINT64 && m->v.u > INT64_MAX) return -1;
    *out = (int64_t)m->v.u;
    return 0;
  case SPB_V_FLOAT:
  case SPB_V_DOUBLE:
    if (!(m->v.d >= -9.2e18 && m->v.d <= 9.2e18) || m->v.d != floor(m->v.d))
      return -1;
    *out = (int64_t)m->v.d;
    return 0;
  default: return -1;
  }
}
