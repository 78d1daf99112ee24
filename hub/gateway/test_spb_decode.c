/* test_spb_decode.c -- unit tests of the Sparkplug B payload reader.
 *
 * Design: every payload here is written out byte by byte, with the
 * protobuf encoding worked out by hand in the comment beside it (tag =
 * field << 3 | wire type; varints little-endian in 7-bit groups), so the
 * tests do not depend on a protobuf library that could share our mistakes.
 * The hostile cases name the error each must give.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fh_test.h"
#include "spb_decode.h"
#include "spb_encode.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* timestamp 1000, seq 5, then seven metrics. */
static const uint8_t good_payload[] = {
    0x08, 0xE8, 0x07, /* 1 varint: 1000 = 0x3E8 -> E8 07 */
    0x18, 0x05,       /* 3 varint: seq 5 */
    /* metric "Good" alias 7 UInt64 long 105, metadata skipped: 16 bytes */
    0x12, 0x10, 0x0A, 0x04, 'G', 'o', 'o', 'd', 0x10, 0x07, 0x20, 0x08,
    0x42, 0x02, 0x08, 0x01, /* 8 len: metadata {is_multi_part: 1}, skipped */
    0x58, 0x69,             /* 11 varint: 105 */
    /* metric alias 3 Boolean true: 6 bytes */
    0x12, 0x06, 0x10, 0x03, 0x20, 0x0B, 0x70, 0x01,
    /* metric "T" double 2.5 (0x4004000000000000): 12 bytes */
    0x12, 0x0C, 0x0A, 0x01, 'T', 0x69, 0, 0, 0, 0, 0, 0, 0x04, 0x40,
    /* metric "F" float 1.5 (0x3FC00000), timestamp 2000: 11 bytes */
    0x12, 0x0B, 0x0A, 0x01, 'F', 0x18, 0xD0, 0x0F, 0x65, 0, 0, 0xC0, 0x3F,
    /* metric Int32 int_value -2 = 0xFFFFFFFE -> FE FF FF FF 0F: 8 bytes */
    0x12, 0x08, 0x20, 0x03, 0x50, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F,
    /* metric "S" string "down": 9 bytes */
    0x12, 0x09, 0x0A, 0x01, 'S', 0x7A, 0x04, 'd', 'o', 'w', 'n',
    /* metric "N" is_null: 5 bytes */
    0x12, 0x05, 0x0A, 0x01, 'N', 0x38, 0x01,
    0x22, 0x02, 'u', '1', /* 4 len: uuid, skipped */
};

/* Offsets where a prefix of good_payload ends on a field boundary. */
static const size_t boundaries[] = {0, 3, 5, 23, 31, 45, 58, 68, 79, 86, 90};

static int decode(const uint8_t *b, size_t n, spb_payload *pl, spb_metric *m,
                  size_t cap) {
  pl->metrics = m;
  pl->cap = cap;
  return spb_decode(b, n, pl);
}

FH_TEST(a_hand_encoded_payload_decodes_field_by_field) {
  spb_metric m[8];
  spb_payload pl;
  int64_t i;

  ASSERT_EQ(decode(good_payload, sizeof good_payload, &pl, m, 8), 0);
  ASSERT_EQ(sizeof good_payload, 90);
  ASSERT(pl.has_timestamp && pl.has_seq);
  ASSERT_UINT_EQ(pl.timestamp, 1000);
  ASSERT_UINT_EQ(pl.seq, 5);
  ASSERT_EQ(pl.nmetrics, 7);
  ASSERT_EQ(m[0].name_n, 4);
  ASSERT_MEM_EQ(m[0].name, "Good", 4);
  ASSERT(m[0].has_alias);
  ASSERT_UINT_EQ(m[0].alias, 7);
  ASSERT_EQ(m[0].datatype, SPB_UINT64);
  ASSERT_EQ(m[0].kind, SPB_V_LONG);
  ASSERT_UINT_EQ(m[0].v.u, 105);
  ASSERT(m[1].name == NULL && m[1].has_alias && m[1].alias == 3);
  ASSERT_EQ(m[1].kind, SPB_V_BOOL);
  ASSERT_UINT_EQ(m[1].v.u, 1);
  ASSERT_EQ(m[2].kind, SPB_V_DOUBLE);
  ASSERT(m[2].v.d == 2.5);
  ASSERT_EQ(m[3].kind, SPB_V_FLOAT);
  ASSERT(m[3].v.d == 1.5);
  ASSERT_UINT_EQ(m[3].timestamp, 2000);
  ASSERT_EQ(m[4].kind, SPB_V_INT);
  ASSERT_EQ(spb_metric_int(&m[4], &i), 0);
  ASSERT_EQ(i, -2);
  ASSERT_EQ(m[5].kind, SPB_V_STRING);
  ASSERT_EQ(m[5].v.s.n, 4);
  ASSERT_MEM_EQ(m[5].v.s.p, "down", 4);
  ASSERT(m[6].is_null && m[6].kind == SPB_V_NONE);
  ASSERT_EQ(spb_metric_int(&m[6], &i), -1);
}

FH_TEST(every_prefix_is_refused_unless_it_ends_between_fields) {
  spb_metric m[8];
  spb_payload pl;
  size_t b = 0;

  for (size_t n = 0; n <= sizeof good_payload; n++) {
    int at_boundary = b < COUNT_OF(boundaries) && boundaries[b] == n;
    int rc = decode(good_payload, n, &pl, m, 8);
    if (at_boundary) {
      ASSERT_EQ(rc, 0);
      ASSERT_EQ(pl.nmetrics, b < 3 ? 0 : (b - 2 < 7 ? b - 2 : 7));
      b++;
    } else {
      ASSERT_EQ(rc, SPB_E_TRUNCATED);
      ASSERT_LE(pl.err_off, n);
    }
  }
  ASSERT_EQ(b, COUNT_OF(boundaries));
}

/* One hostile payload and the error it must give. */
typedef struct hostile {
  const char *what;     /* for the failure message */
  uint8_t bytes[24];    /* the payload */
  size_t n;             /* its length */
  int err;              /* the expected error */
} hostile;

static const hostile hostiles[] = {
    {"metrics of length 2^32-1 in 6 bytes", {0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 6,
     SPB_E_TRUNCATED},
    {"length 2^64-1", {0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01},
     11, SPB_E_TRUNCATED},
    {"an 11-byte varint",
     {0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 12,
     SPB_E_VARINT},
    {"a 10th varint byte over 1",
     {0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, 11, SPB_E_VARINT},
    {"timestamp as bytes", {0x0A, 0x00}, 2, SPB_E_WIRETYPE},
    {"metrics as varint", {0x10, 0x01}, 2, SPB_E_WIRETYPE},
    {"a metric name as varint", {0x12, 0x02, 0x08, 0x01}, 4, SPB_E_WIRETYPE},
    {"a double as fixed32", {0x12, 0x05, 0x6D, 0, 0, 0, 0}, 7, SPB_E_WIRETYPE},
    {"a start group", {0x0B}, 1, SPB_E_WIRETYPE},
    {"wire type 7", {0x0F, 0x00}, 2, SPB_E_WIRETYPE},
    {"field number 0", {0x00, 0x00}, 2, SPB_E_FIELD},
    {"a metric length past the payload", {0x12, 0x05, 0x0A, 0x01, 'x'}, 5,
     SPB_E_TRUNCATED},
    {"a name length past its metric", {0x12, 0x03, 0x0A, 0x05, 'x', 'y', 'z'}, 7,
     SPB_E_TRUNCATED},
    {"a fixed64 cut short", {0x12, 0x04, 0x69, 0, 0, 0}, 6, SPB_E_TRUNCATED},
    {"a name that is not UTF-8", {0x12, 0x03, 0x0A, 0x01, 0xFF}, 5, SPB_E_UTF8},
    {"a string value that is a surrogate",
     {0x12, 0x05, 0x7A, 0x03, 0xED, 0xA0, 0x80}, 7, SPB_E_UTF8},
};

FH_TEST(hostile_payloads_give_their_error) {
  spb_metric m[4];
  spb_payload pl;
  for (size_t i = 0; i < COUNT_OF(hostiles); i++) {
    int rc = decode(hostiles[i].bytes, hostiles[i].n, &pl, m, 4);
    if (rc != hostiles[i].err)
      FH_FAIL_("%s: got %d (%s), want %d", hostiles[i].what, rc, spb_strerror(rc),
               hostiles[i].err);
    ASSERT_LT(pl.err_off, hostiles[i].n);
  }
}

FH_TEST(more_metrics_than_the_cap_is_an_error_not_a_truncation) {
  spb_metric m[8];
  spb_payload pl;
  ASSERT_EQ(decode(good_payload, sizeof good_payload, &pl, m, 6), SPB_E_TOO_MANY);
  ASSERT_EQ(pl.err_off, 79); /* the tag of the seventh metric */
  ASSERT_EQ(decode(good_payload, sizeof good_payload, &pl, NULL, 0), SPB_E_TOO_MANY);
  ASSERT_EQ(decode(good_payload, 5, &pl, NULL, 0), 0);
  ASSERT_EQ(spb_decode(good_payload, 5, NULL), SPB_E_INVAL);
}

/* A metric whose properties (9) nest `depth` empty messages in field 9. */
static size_t nested(uint8_t *buf, size_t cap, size_t depth) {
  size_t start = cap, len = 0;
  for (size_t d = 0; d < depth; d++) {
    uint8_t v[10];
    size_t nv = 0;
    for (size_t x = len; ; x >>= 7) {
      v[nv++] = (uint8_t)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
      if (x <= 0x7f) break;
    }
    start -= nv;
    memcpy(buf + start, v, nv);
    buf[--start] = 0x4A; /* field 9, wire type 2 */
    len = cap - start;
  }
  memmove(buf, buf + start, len);
  return len;
}

FH_TEST(deep_nesting_in_skipped_fields_costs_nothing) {
  static uint8_t buf[1 << 20];
  static uint8_t payload[(1 << 20) + 8];
  spb_metric m[2];
  spb_payload pl;
  size_t n = nested(buf, sizeof buf, 100000), off = 0;

  /* metrics field 2 around it: tag, then the varint length */
  payload[off++] = 0x12;
  for (size_t x = n + 3; ; x >>= 7) {
    payload[off++] = (uint8_t)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
    if (x <= 0x7f) break;
  }
  memcpy(payload + off, (uint8_t[]){0x0A, 0x01, 'D'}, 3);
  memcpy(payload + off + 3, buf, n);
  ASSERT_EQ(decode(payload, off + 3 + n, &pl, m, 2), 0);
  ASSERT_EQ(pl.nmetrics, 1);
  ASSERT_MEM_EQ(m[0].name, "D", 1);
  ASSERT_EQ(decode(payload, off + 2 + n, &pl, m, 2), SPB_E_TRUNCATED);
}

FH_TEST(integers_follow_the_datatype) {
  spb_metric m = {.kind = SPB_V_INT, .datatype = SPB_UINT32, .v.u = 0xFFFFFFFEu};
  int64_t i;
  ASSERT_EQ(spb_metric_int(&m, &i), 0);
  ASSERT_EQ(i, 4294967294LL);
  m.datatype = SPB_INT8;
  ASSERT_EQ(spb_metric_int(&m, &i), 0);
  ASSERT_EQ(i, -2);
  m = (spb_metric){.kind = SPB_V_LONG, .datatype = SPB_UINT64, .v.u = UINT64_MAX};
  ASSERT_EQ(spb_metric_int(&m, &i), -1);
  m.datatype = SPB_INT64;
  ASSERT_EQ(spb_metric_int(&m, &i), 0);
  ASSERT_EQ(i, -1);
  m = (spb_metric){.kind = SPB_V_DOUBLE, .v.d = 3.5};
  ASSERT_EQ(spb_metric_int(&m, &i), -1);
  m.v.d = 2147483647.0;
  ASSERT_EQ(spb_metric_int(&m, &i), 0);
  ASSERT_EQ(i, 2147483647);
  m.v.d = NAN;
  ASSERT_EQ(spb_metric_int(&m, &i), -1);
  m = (spb_metric){.kind = SPB_V_STRING};
  ASSERT_EQ(spb_metric_int(&m, &i), -1);
}

/* Reads a seed of fuzz/corpus/spb (Google's encoder, gen_spb_seeds.py). */
static size_t read_seed(const char *name, uint8_t *buf, size_t cap) {
  char path[512];
  FILE *fp;
  size_t n;
  snprintf(path, sizeof path, "%s/%s", FH_SPB_SEEDS, name);
  fp = fopen(path, "rb");
  ASSERT(fp != NULL);
  n = fread(buf, 1, cap, fp);
  fclose(fp);
  ASSERT_LT(n, cap);
  return n;
}

FH_TEST(payloads_of_googles_encoder_decode_the_same) {
  uint8_t buf[1024];
  spb_metric m[16];
  spb_payload pl;
  size_t n = read_seed("nbirth", buf, sizeof buf);
  int64_t i;

  ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
  ASSERT(pl.has_seq && pl.seq == 0 && pl.timestamp == 1767225600000ULL);
  ASSERT_EQ(pl.nmetrics, 8);
  ASSERT_MEM_EQ(m[1].name, "Node Control/Rebirth", 20);
  ASSERT(m[1].kind == SPB_V_BOOL && m[1].v.u == 0);
  ASSERT(m[3].alias == 2 && m[3].kind == SPB_V_LONG && m[3].v.u == 105);
  ASSERT(m[5].kind == SPB_V_FLOAT && m[5].v.d == 61.5);
  ASSERT(m[6].kind == SPB_V_DOUBLE && m[6].v.d == 12.25);
  ASSERT(m[7].kind == SPB_V_STRING && m[7].v.s.n == 4);
  n = read_seed("ddata_alias", buf, sizeof buf);
  ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
  ASSERT(pl.seq == 7 && pl.nmetrics == 2 && m[0].name == NULL);
  ASSERT(m[0].alias == 2 && m[0].v.u == 2147483647 && m[0].timestamp == 1767225600900ULL);
  ASSERT_EQ(spb_metric_int(&m[1], &i), 0);
  ASSERT_EQ(i, -3);
  n = read_seed("null_metric", buf, sizeof buf);
  ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
  ASSERT(pl.seq == 255 && m[0].is_null && m[0].datatype == SPB_BOOLEAN);
}

/* The seeds of gen_npm_seeds.py: the npm sparkplug-client edge node's own
 * encoding (protobufjs) of the values the script gave it. */
FH_TEST(payloads_of_the_npm_edge_node_decode_the_same) {
  uint8_t buf[1024];
  spb_metric m[16];
  spb_payload pl;
  size_t n = read_seed("npm_dbirth", buf, sizeof buf);
  int64_t i;

  ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
  ASSERT(pl.has_seq && pl.seq == 1 && pl.nmetrics == 6);
  ASSERT(m[0].name_n == 5 && memcmp(m[0].name, "Fault", 5) == 0 && m[0].alias == 1);
  ASSERT(m[0].kind == SPB_V_BOOL && m[0].v.u == 0);
  ASSERT(m[1].alias == 2 && m[1].kind == SPB_V_LONG && m[1].v.u == 2147483647);
  ASSERT(m[3].kind == SPB_V_FLOAT && m[3].v.d == 61.5);
  ASSERT(m[4].kind == SPB_V_STRING && m[4].v.s.n == 4 && memcmp(m[4].v.s.p, "auto", 4) == 0);
  ASSERT_EQ(spb_metric_int(&m[5], &i), 0);
  ASSERT_EQ(i, -3);
  n = read_seed("npm_ddata_alias", buf, sizeof buf);
  ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
  ASSERT(pl.seq == 2 && pl.nmetrics == 2 && m[0].name == NULL && m[0].alias == 2);
  ASSERT(m[0].v.u == 531 && m[1].alias == 1 && m[1].v.u == 1);
  n = read_seed("npm_ndeath", buf, sizeof buf);
  ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
  ASSERT(pl.nmetrics == 1 && m[0].name_n == 5 && memcmp(m[0].name, "bdSeq", 5) == 0);
  ASSERT_EQ(spb_metric_int(&m[0], &i), 0);
  ASSERT_EQ(i, 0);
}

/* spb_encode writes what it is given in field-number order, as Google's
 * encoder does: a seed decoded and encoded again is the same bytes. */
FH_TEST(spb_encode_writes_googles_bytes_again) {
  static const char *const seeds[] = {"nbirth", "ddata_alias", "ndeath", "null_metric"};
  uint8_t buf[1024], out[1024];
  spb_metric m[16];
  spb_payload pl;
  for (size_t i = 0; i < COUNT_OF(seeds); i++) {
    size_t n = read_seed(seeds[i], buf, sizeof buf), k;
    ASSERT_EQ(decode(buf, n, &pl, m, 16), 0);
    k = spb_encode(&pl, out, sizeof out);
    if (k != n || memcmp(out, buf, n) != 0) FH_FAIL_("%s: %zu bytes, want %zu", seeds[i], k, n);
    ASSERT_EQ(spb_encode(&pl, out, n - 1), 0); /* one byte short: nothing */
  }
}

FH_TEST_MAIN(FH_TEST_ENTRY(payloads_of_googles_encoder_decode_the_same),
             FH_TEST_ENTRY(spb_encode_writes_googles_bytes_again),
             FH_TEST_ENTRY(payloads_of_the_npm_edge_node_decode_the_same),
             FH_TEST_ENTRY(a_hand_encoded_payload_decodes_field_by_field),
             FH_TEST_ENTRY(every_prefix_is_refused_unless_it_ends_between_fields),
             FH_TEST_ENTRY(hostile_payloads_give_their_error),
             FH_TEST_ENTRY(more_metrics_than_the_cap_is_an_error_not_a_truncation),
             FH_TEST_ENTRY(deep_nesting_in_skipped_fields_costs_nothing),
             FH_TEST_ENTRY(integers_follow_the_datatype))
