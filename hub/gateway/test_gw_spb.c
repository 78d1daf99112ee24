/* test_gw_spb.c -- unit tests of the Sparkplug B host state machine.
 *
 * Design: payloads are built by a few lines of protobuf encoding here (the
 * decoder itself is tested against hand-computed bytes and Google's
 * encoder in test_spb_decode.c); the callbacks record what the host asked
 * for, and each test walks one edge node through births, data, gaps and
 * deaths.
 */
#include <errno.h>
#include <string.h>

#include "fh_test.h"
#include "gw_spb.h"
#include "spb_decode.h"

/* A metric to encode: name or NULL, alias or -1, a long value. */
typedef struct tm_ {
  const char *name;  /* NULL: by alias only */
  long alias;        /* -1: none */
  long value;        /* long_value */
} tm_;

static size_t varint(uint8_t *b, uint64_t v) {
  size_t n = 0;
  do {
    b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return n;
}

/* Payload with seq (seq < 0: none) and the metrics. */
static size_t payload(uint8_t *b, long seq, const tm_ *m, size_t nm) {
  size_t off = 0;
  if (seq >= 0) b[off++] = 0x18, off += varint(b + off, (uint64_t)seq);
  for (size_t i = 0; i < nm; i++) {
    uint8_t x[128];
    size_t k = 0;
    if (m[i].name) {
      x[k++] = 0x0A;
      x[k++] = (uint8_t)strlen(m[i].name);
      memcpy(x + k, m[i].name, strlen(m[i].name));
      k += strlen(m[i].name);
    }
    if (m[i].alias >= 0) x[k++] = 0x10, k += varint(x + k, (uint64_t)m[i].alias);
    x[k++] = 0x20, x[k++] = SPB_INT64;
    x[k++] = 0x58, k += varint(x + k, (uint64_t)m[i].value);
    b[off++] = 0x12, off += varint(b + off, k);
    memcpy(b + off, x, k);
    off += k;
  }
  return off;
}

/* What the callbacks saw. */
typedef struct rec {
  char names[32][64];  /* metric names, "dev:name" for device metrics */
  long values[32];     /* ... and their values */
  size_t n;            /* entries used */
  int rebirths;        /* rebirth requests */
  int deaths;          /* dead calls */
  char dead[64];       /* the last dead device, "*" for the node */
} rec;

static void on_metric(void *arg, const char *g, const char *nd, const char *dev,
                      const char *name, size_t n, const gw_value *v, uint64_t ts) {
  rec *r = arg;
  (void)g, (void)nd, (void)ts;
  if (r->n == 32) return;
  snprintf(r->names[r->n], 64, "%s%s%.*s", dev ? dev : "", dev ? ":" : "", (int)n, name);
  r->values[r->n++] = v->kind == GW_V_INT ? (long)v->i : -999;
}

static void on_rebirth(void *arg, const char *g, const char *nd) {
  rec *r = arg;
  ASSERT_STR_EQ(g, "plant");
  ASSERT_STR_EQ(nd, "body");
  r->rebirths++;
}

static void on_dead(void *arg, const char *g, const char *nd, const char *dev) {
  rec *r = arg;
  (void)g, (void)nd;
  r->deaths++;
  snprintf(r->dead, sizeof r->dead, "%s", dev ? dev : "*");
}

static gw_spb *host(rec *r) {
  gw_spb_callbacks cb = {on_metric, on_rebirth, on_dead, NULL};
  gw_spb *h;
  memset(r, 0, sizeof *r);
  ASSERT_EQ(gw_spb_new(&h, &cb, r), 0);
  return h;
}

static int send(gw_spb *h, const char *topic, long seq, const tm_ *m, size_t nm,
                uint64_t now) {
  uint8_t b[1024];
  size_t n = payload(b, seq, m, nm);
  return gw_spb_message(h, topic, strlen(topic), b, n, now);
}

#define NB "spBv1.0/plant/NBIRTH/body"
#define ND "spBv1.0/plant/NDATA/body"
#define NDEATH "spBv1.0/plant/NDEATH/body"
#define DB "spBv1.0/plant/DBIRTH/body/weld1"
#define DD "spBv1.0/plant/DDATA/body/weld1"

static const tm_ birth[] = {{"bdSeq", -1, 4}, {"Good", 1, 100}};

FH_TEST(births_name_aliases_and_data_uses_them) {
  rec r;
  gw_spb *h = host(&r);
  ASSERT_EQ(send(h, NB, 0, birth, 2, 1000), 0);
  ASSERT_EQ(send(h, DB, 1, (tm_[]){{"Fault", 2, 0}}, 1, 1000), 0);
  ASSERT_EQ(send(h, ND, 2, (tm_[]){{NULL, 1, 105}}, 1, 1000), 0);
  ASSERT_EQ(send(h, DD, 3, (tm_[]){{NULL, 2, 1}, {NULL, 99, 5}}, 2, 1000), 0);
  ASSERT_EQ(r.n, 5);
  ASSERT_STR_EQ(r.names[1], "Good");
  ASSERT_STR_EQ(r.names[2], "weld1:Fault");
  ASSERT_STR_EQ(r.names[3], "Good");
  ASSERT_EQ(r.values[3], 105);
  ASSERT_STR_EQ(r.names[4], "weld1:Fault");
  ASSERT_EQ(r.values[4], 1);
  ASSERT_EQ(gw_spb_get_stats(h)->unknown_alias, 1);
  ASSERT_EQ(r.rebirths, 0);
  gw_spb_free(h);
}

FH_TEST(seq_wraps_after_255) {
  rec r;
  gw_spb *h = host(&r);
  ASSERT_EQ(send(h, NB, 254, birth, 2, 1000), 0);
  ASSERT_EQ(send(h, ND, 255, (tm_[]){{NULL, 1, 1}}, 1, 1000), 0);
  ASSERT_EQ(send(h, ND, 0, (tm_[]){{NULL, 1, 2}}, 1, 1000), 0);
  ASSERT_EQ(send(h, ND, 1, (tm_[]){{NULL, 1, 3}}, 1, 1000), 0);
  ASSERT_EQ(r.n, 5);
  ASSERT_EQ(r.values[4], 3);
  ASSERT_EQ(gw_spb_get_stats(h)->gaps, 0);
  gw_spb_free(h);
}

FH_TEST(a_gap_asks_for_one_rebirth_and_drops_data_until_it_comes) {
  rec r;
  gw_spb *h = host(&r);
  ASSERT_EQ(send(h, NB, 0, birth, 2, 1000), 0);
  ASSERT_EQ(send(h, ND, 2, (tm_[]){{NULL, 1, 7}}, 1, 1000), 0); /* 1 is missing */
  ASSERT_EQ(r.rebirths, 1);
  ASSERT_EQ(send(h, ND, 3, (tm_[]){{NULL, 1, 8}}, 1, 2000), 0);
  ASSERT_EQ(r.rebirths, 1); /* not again within GW_SPB_REBIRTH_MS */
  ASSERT_EQ(send(h, ND, 4, (tm_[]){{NULL, 1, 9}}, 1, 1000 + GW_SPB_REBIRTH_MS), 0);
  ASSERT_EQ(r.rebirths, 2);
  ASSERT_EQ(r.n, 2); /* only the birth's metrics */
  ASSERT_EQ(send(h, ND, 1, (tm_[]){{NULL, 1, 9}}, 1, 9000), 0); /* no seq check while unborn */
  ASSERT_EQ(r.n, 2);
  ASSERT_EQ(send(h, NB, 0, birth, 2, 9000), 0);
  ASSERT_EQ(send(h, ND, 1, (tm_[]){{NULL, 1, 10}}, 1, 9000), 0);
  ASSERT_EQ(r.n, 5);
  ASSERT_EQ(r.values[4], 10);
  ASSERT_EQ(gw_spb_get_stats(h)->gaps, 1);
  ASSERT_EQ(send(h, ND, -1, (tm_[]){{NULL, 1, 11}}, 1, 90000), 0); /* no seq: a gap */
  ASSERT_EQ(r.rebirths, 3);
  gw_spb_free(h);
}

FH_TEST(data_before_a_birth_asks_for_one) {
  rec r;
  gw_spb *h = host(&r);
  ASSERT_EQ(send(h, ND, 5, (tm_[]){{"Good", -1, 1}}, 1, 1000), 0);
  ASSERT_EQ(r.rebirths, 1);
  ASSERT_EQ(r.n, 0);
  ASSERT_EQ(send(h, NB, 0, birth, 2, 1000), 0);
  ASSERT_EQ(send(h, DD, 1, (tm_[]){{"Fault", -1, 1}}, 1, 7000), 0); /* device not born */
  ASSERT_EQ(r.rebirths, 2);
  ASSERT_EQ(r.n, 2);
  gw_spb_free(h);
}

FH_TEST(only_the_ndeath_of_the_current_birth_kills) {
  rec r;
  gw_spb *h = host(&r);
  ASSERT_EQ(send(h, NB, 0, birth, 2, 1000), 0);
  ASSERT_EQ(send(h, DB, 1, (tm_[]){{"Fault", 2, 0}}, 1, 1000), 0);
  ASSERT_EQ(send(h, NDEATH, -1, (tm_[]){{"bdSeq", -1, 3}}, 1, 1000), 0);
  ASSERT_EQ(r.deaths, 0);
  ASSERT_EQ(gw_spb_get_stats(h)->stale, 1);
  ASSERT_EQ(send(h, "spBv1.0/plant/DDEATH/body/weld1", 2, NULL, 0, 1000), 0);
  ASSERT_EQ(r.deaths, 1);
  ASSERT_STR_EQ(r.dead, "weld1");
  ASSERT_EQ(send(h, NDEATH, -1, (tm_[]){{"bdSeq", -1, 4}}, 1, 1000), 0);
  ASSERT_EQ(r.deaths, 2);
  ASSERT_STR_EQ(r.dead, "*");
  ASSERT_EQ(send(h, NDEATH, -1, (tm_[]){{"bdSeq", -1, 4}}, 1, 1000), 0);
  ASSERT_EQ(r.deaths, 2); /* once */
  gw_spb_free(h);
}

FH_TEST(bad_topics_and_payloads_are_refused_and_counted) {
  rec r;
  gw_spb *h = host(&r);
  const uint8_t bad[] = {0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  const char *topics[] = {"spBv1.0/plant/NBIRTH", "spBv1.0/plant/NDATA/body/d/x",
                          "spBv1.0/plant/DDATA/body", "spBv1.0/plant/NDATA/body/dev",
                          "spBv1.0//NDATA/body", "spAv1.0/plant/NDATA/body"};
  for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++)
    ASSERT_EQ(gw_spb_message(h, topics[i], strlen(topics[i]), NULL, 0, 1), -EINVAL);
  ASSERT_EQ(gw_spb_message(h, NB, strlen(NB), bad, sizeof bad, 1), SPB_E_TRUNCATED);
  ASSERT_EQ(gw_spb_get_stats(h)->refused, 7);
  ASSERT_EQ(gw_spb_message(h, "spBv1.0/STATE/x", 15, bad, sizeof bad, 1), 0);
  ASSERT_EQ(gw_spb_message(h, "spBv1.0/plant/NCMD/body", 23, bad, sizeof bad, 1), 0);
  ASSERT_EQ(r.n + (size_t)r.rebirths + (size_t)r.deaths, 0);
  gw_spb_free(h);
}

FH_TEST(the_rebirth_command_decodes) {
  uint8_t b[64];
  spb_metric m[2];
  spb_payload pl = {.metrics = m, .cap = 2};
  size_t n = gw_spb_rebirth_payload(b, sizeof b, 1767225600000ULL);
  ASSERT_GT(n, 0);
  ASSERT_EQ(gw_spb_rebirth_payload(b, n - 1, 1767225600000ULL), 0);
  ASSERT_EQ(spb_decode(b, n, &pl), 0);
  ASSERT(pl.has_timestamp && pl.timestamp == 1767225600000ULL && !pl.has_seq);
  ASSERT_EQ(pl.nmetrics, 1);
  ASSERT_EQ(m[0].name_n, 20);
  ASSERT_MEM_EQ(m[0].name, "Node Control/Rebirth", 20);
  ASSERT(m[0].datatype == SPB_BOOLEAN && m[0].kind == SPB_V_BOOL && m[0].v.u == 1);
}

FH_TEST_MAIN(FH_TEST_ENTRY(births_name_aliases_and_data_uses_them),
             FH_TEST_ENTRY(seq_wraps_after_255),
             FH_TEST_ENTRY(a_gap_asks_for_one_rebirth_and_drops_data_until_it_comes),
             FH_TEST_ENTRY(data_before_a_birth_asks_for_one),
             FH_TEST_ENTRY(only_the_ndeath_of_the_current_birth_kills),
             FH_TEST_ENTRY(bad_topics_and_payloads_are_refused_and_counted),
             FH_TEST_ENTRY(the_rebirth_command_decodes))
