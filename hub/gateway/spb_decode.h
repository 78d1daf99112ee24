/* spb_decode.h -- a bounded reader of Sparkplug B payloads (protobuf wire).
 *
 * Design: Sparkplug B (spec 3.0) carries a protobuf `Payload` message:
 * timestamp (1, uint64), metrics (2, repeated Metric), seq (3, uint64),
 * uuid (4), body (5).  A Metric has name (1), alias (2), timestamp (3),
 * datatype (4), is_historical (5), is_transient (6), is_null (7), metadata
 * (8), properties (9) and one value: int (10, uint32), long (11, uint64),
 * float (12, fixed32), double (13, fixed64), boolean (14), string (15),
 * bytes (16), dataset (17), template (18), extension (19).  We read only
 * what floorgw maps; everything else is skipped by its wire type.
 *
 * Why our own reader rather than nanopb: nanopb's generated decoder either
 * mallocs repeated fields and strings (PB_ENABLE_MALLOC, so a hostile
 * payload decides how much we allocate) or needs fixed-size arrays for
 * every string, which truncates metric names silently; and the Sparkplug
 * .proto nests DataSet/Template/PropertySet recursively, which nanopb
 * decodes recursively.  The subset we need is two flat levels (Payload,
 * Metric) of five wire types, about 200 lines we can reason about and fuzz
 * completely.  This reader allocates nothing and never recurses: the
 * nested messages we do not use (metadata, properties, dataset, template,
 * extension) are skipped by their length, so depth costs nothing.  Every
 * length is checked against the bytes that remain before it is used.
 * Metrics go into the caller's fixed array; strings are views into the
 * payload, valid while the payload is, and must be UTF-8.
 */
#ifndef SPB_DECODE_H
#define SPB_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Errors, all negative.  SPB_E_TOO_MANY: more metrics than the caller's
 * array holds (nothing is truncated silently). */
typedef enum spb_err {
  SPB_E_TRUNCATED = -1001, /* a value runs past the end of its message */
  SPB_E_VARINT = -1002,    /* a varint longer than 10 bytes */
  SPB_E_WIRETYPE = -1003,  /* groups, reserved wire types, or a known field
                              with the wrong wire type */
  SPB_E_FIELD = -1004,     /* field number 0 */
  SPB_E_UTF8 = -1005,      /* a name or string value that is not UTF-8 */
  SPB_E_TOO_MANY = -1006,  /* more metrics than the caller's cap */
  SPB_E_INVAL = -1007      /* NULL arguments */
} spb_err;

/* Sparkplug B data types (spec 3.0, 6.4.16) that floorgw reads. */
enum {
  SPB_INT8 = 1, SPB_INT16 = 2, SPB_INT32 = 3, SPB_INT64 = 4,
  SPB_UINT8 = 5, SPB_UINT16 = 6, SPB_UINT32 = 7, SPB_UINT64 = 8,
  SPB_FLOAT = 9, SPB_DOUBLE = 10, SPB_BOOLEAN = 11, SPB_STRING = 12,
  SPB_DATETIME = 13, SPB_TEXT = 14
};

/* Which value field a metric carried (the last one wins, as in protobuf). */
typedef enum spb_kind {
  SPB_V_NONE = 0, /* no value we read (absent, bytes, dataset, ...) */
  SPB_V_INT,      /* int_value (uint32 on the wire) in v.u */
  SPB_V_LONG,     /* long_value (uint64) in v.u */
  SPB_V_FLOAT,    /* float_value, widened into v.d */
  SPB_V_DOUBLE,   /* double_value in v.d */
  SPB_V_BOOL,     /* boolean_value, 0 or 1 in v.u */
  SPB_V_STRING    /* string_value in v.s / v.sn */
} spb_kind;

/* One decoded metric.  Strings are views into the payload. */
typedef struct spb_metric {
  const char *name;   /* metric name, NULL when absent (data by alias) */
  size_t name_n;      /* bytes of name */
  int has_alias;      /* alias was present */
  uint64_t alias;     /* alias given in the birth, used in data messages */
  uint64_t timestamp; /* ms since the Unix epoch, 0 when absent */
  uint32_t datatype;  /* SPB_INT8 ..., 0 when absent */
  int is_null;        /* is_null was true */
  spb_kind kind;      /* which member of v is set */
  union {
    uint64_t u;       /* SPB_V_INT, SPB_V_LONG, SPB_V_BOOL */
    double d;         /* SPB_V_FLOAT, SPB_V_DOUBLE */
    struct {
      const char *p;  /* SPB_V_STRING: bytes, not NUL-terminated */
      size_t n;       /* ... and their count */
    } s;
  } v;
} spb_metric;

/* A decoded payload.  The caller sets metrics and cap. */
typedef struct spb_payload {
  int has_timestamp;   /* timestamp was present */
  uint64_t timestamp;  /* ms since the Unix epoch */
  int has_seq;         /* seq was present */
  uint64_t seq;        /* 0..255 in valid Sparkplug, not checked here */
  spb_metric *metrics; /* the caller's array */
  size_t cap;          /* entries in metrics */
  size_t nmetrics;     /* entries filled */
  size_t err_off;      /* on error: offset in the payload where it was found */
} spb_payload;

/* Decodes buf[0..len) into out (its metrics/cap set by the caller; the rest
 * is overwritten).  Returns 0, or an spb_err with out->err_off set.  Never
 * allocates, never reads outside buf, never recurses. */
int spb_decode(const uint8_t *buf, size_t len, spb_payload *out);

/* A short English text for an spb_err ("truncated", ...). */
const char *spb_strerror(int err);

/* The metric's value as a signed integer, honouring its datatype (an Int8/
 * Int16/Int32 int_value is sign-extended from 32 bits, an Int64 long_value
 * is two's complement); floats must be whole.  0, or -1 when there is no
 * integer (null, string, fraction, out of range). */
int spb_metric_int(const spb_metric *m, int64_t *out);

#endif /* SPB_DECODE_H */
