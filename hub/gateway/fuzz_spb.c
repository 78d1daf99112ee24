/* fuzz_spb.c -- libFuzzer target for the Sparkplug B payload reader.
 *
 * Design: the input is one MQTT payload.  Beyond "no crash, no sanitizer
 * report" the target aborts when an invariant breaks: the decoder must not
 * allocate at all (counted through the sanitizer's malloc hooks around the
 * call), every string view lies inside the input, the metric count stays
 * within the cap, an error is one of spb_err with its offset inside the
 * input.  The input is also decoded again with a cap of 2, which must give
 * the same metrics when there are at most 2, and SPB_E_TOO_MANY when there
 * are more.  A payload that decodes is written again by spb_encode: never
 * longer than the input (it drops what we do not read, and writes minimal
 * varints) and read back to the same metrics.
 */
#include <sanitizer/allocator_interface.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spb_decode.h"
#include "spb_encode.h"

#define CAP 64

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) abort();                                                    \
  } while (0)

static volatile int counting; /* 1 while spb_decode runs */
static volatile size_t allocs; /* allocations seen while counting */

static void on_malloc(const volatile void *p, size_t n) {
  (void)p;
  (void)n;
  if (counting) allocs++;
}

static void on_free(const volatile void *p) { (void)p; }

static void check_view(const void *p, size_t n, const uint8_t *buf, size_t len) {
  if (p == NULL) {
    CHECK(n == 0);
    return;
  }
  CHECK((const uint8_t *)p >= buf && n <= len &&
        (const uint8_t *)p + n <= buf + len);
}

static int decode_counted(const uint8_t *d, size_t n, spb_payload *pl) {
  int rc;
  counting = 1;
  rc = spb_decode(d, n, pl);
  counting = 0;
  CHECK(allocs == 0);
  return rc;
}

/* The same metric as far as the wire carries it (a null has no value). */
static int same_metric(const spb_metric *a, const spb_metric *b) {
  if ((a->name == NULL) != (b->name == NULL) || a->name_n != b->name_n ||
      (a->name && memcmp(a->name, b->name, a->name_n) != 0) || a->has_alias != b->has_alias ||
      (a->has_alias && a->alias != b->alias) || a->timestamp != b->timestamp ||
      a->datatype != b->datatype || a->is_null != b->is_null)
    return 0;
  if (a->is_null) return 1;
  if (a->kind != b->kind) return 0;
  switch (a->kind) {
  case SPB_V_FLOAT:
  case SPB_V_DOUBLE: return memcmp(&a->v.d, &b->v.d, sizeof a->v.d) == 0;
  case SPB_V_STRING: return a->v.s.n == b->v.s.n && memcmp(a->v.s.p, b->v.s.p, a->v.s.n) == 0;
  case SPB_V_NONE: return 1;
  default: return a->v.u == b->v.u;
  }
}

static void check_reencode(const spb_payload *pl, size_t size) {
  static uint8_t out[4096 + 64];
  static spb_metric m3[CAP];
  spb_payload back = {.metrics = m3, .cap = CAP};
  size_t n = spb_encode(pl, out, sizeof out);
  CHECK(n <= size);
  if (n == 0) return; /* nothing to write */
  CHECK(spb_decode(out, n, &back) == 0 && back.nmetrics == pl->nmetrics);
  CHECK(back.has_seq == pl->has_seq && (!pl->has_seq || back.seq == pl->seq));
  for (size_t i = 0; i < back.nmetrics; i++) CHECK(same_metric(&pl->metrics[i], &m3[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static spb_metric m[CAP], m2[CAP];
  static int hooked;
  spb_payload pl = {.metrics = m, .cap = CAP};
  spb_payload small = {.metrics = m2, .cap = 2};
  int rc, rc2;

  if (!hooked) hooked = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) + 1;
  rc = decode_counted(data, size, &pl);
  CHECK(pl.nmetrics <= CAP);
  if (rc != 0) {
    CHECK(rc <= SPB_E_TRUNCATED && rc >= SPB_E_INVAL);
    CHECK(pl.err_off <= size);
    CHECK(strcmp(spb_strerror(rc), "unknown error") != 0);
  }
  for (size_t i = 0; i < pl.nmetrics; i++) {
    int64_t v;
    check_view(m[i].name, m[i].name_n, data, size);
    if (m[i].kind == SPB_V_STRING) check_view(m[i].v.s.p, m[i].v.s.n, data, size);
    (void)spb_metric_int(&m[i], &v);
  }
  rc2 = decode_counted(data, size, &small);
  if (rc == 0 && pl.nmetrics <= 2) CHECK(rc2 == 0 && small.nmetrics == pl.nmetrics);
  if (rc == 0 && pl.nmetrics > 2) CHECK(rc2 == SPB_E_TOO_MANY);
  for (size_t i = 0; rc == 0 && i < small.nmetrics; i++)
    CHECK(memcmp(&m[i], &m2[i], sizeof m[i]) == 0);
  if (rc == 0 && size <= 4096) check_reencode(&pl, size);
  return 0;
}
