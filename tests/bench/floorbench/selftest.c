/* selftest.c -- `floorbench selftest`: checks of the meter itself.
 *
 * A benchmark whose histogram or framing is wrong reports wrong numbers
 * without failing, so scripts/bench runs these first and stops when one
 * fails: the histogram's quantiles against a known distribution, the
 * WebSocket client frames (length forms, masking) and header parsing, the
 * upgrade answer check, the floorhub stamp carried in count increments,
 * the name parsers, and the reading of floorhub's split from /metrics
 * text (its quantiles worked out by hand).  Prints each failed check; returns the count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "split.h"
#include "wsc.h"

static int failed;

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "selftest: %s:%d: %s\n", __FILE__, __LINE__, #cond);  \
      failed++;                                                              \
    }                                                                        \
  } while (0)

static int within(uint64_t v, uint64_t want, double rel) {
  double d = (double)v - (double)want;
  return (d < 0 ? -d : d) <= rel * (double)want;
}

static void check_hist(void) {
  static hist h;
  hist_reset(&h);
  CHECK(hist_quantile(&h, 0.5) == 0);
  for (uint64_t v = 1; v <= 100000; v++) hist_record(&h, v * 1000);
  CHECK(h.n == 100000 && h.max == 100000000);
  CHECK(within(hist_quantile(&h, 0.50), 50000000, 0.01));
  CHECK(within(hist_quantile(&h, 0.99), 99000000, 0.01));
  CHECK(within(hist_quantile(&h, 0.999), 99900000, 0.01));
  CHECK(hist_quantile(&h, 1.0) == 100000000);
  hist_reset(&h);
  for (uint64_t v = 0; v < 100; v++) hist_record(&h, v); /* exact below 128 */
  CHECK(hist_quantile(&h, 0.5) == 49 && hist_quantile(&h, 0.01) == 0);
  hist_record(&h, 1ull << 50); /* beyond the range: max is still exact */
  CHECK(h.max == 1ull << 50 && hist_quantile(&h, 1.0) == 1ull << 50);
}

/* A masked client frame of n bytes: header form, mask, payload. */
static void check_client_frame(size_t n) {
  fh_buf b;
  uint8_t *payload = malloc(n), *f;
  size_t hlen = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
  for (size_t i = 0; i < n; i++) payload[i] = (uint8_t)(i * 7);
  fh_buf_init(&b, 0);
  CHECK(wsc_frame(&b, WS_BINARY, payload, n) == 0);
  f = b.data;
  CHECK(b.len == hlen + 4 + n && f[0] == 0x82 && (f[1] & 0x80));
  if (hlen == 4) CHECK((f[1] & 0x7f) == 126 && ((size_t)f[2] << 8 | f[3]) == n);
  if (hlen == 10) CHECK((f[1] & 0x7f) == 127 && ((size_t)f[8] << 8 | f[9]) == (n & 0xffff));
  for (size_t i = 0; i < n && b.len == hlen + 4 + n; i++)
    if ((uint8_t)(f[hlen + 4 + i] ^ f[hlen + (i & 3)]) != payload[i]) {
      CHECK(!"masked payload unmasks to the original");
      break;
    }
  fh_buf_free(&b);
  free(payload);
}

static void check_server_frames(void) {
  static const uint8_t text[] = {0x81, 0x03, 'a', 'b', 'c'};
  static const uint8_t mid[] = {0x02, 0x7e, 0x01, 0x00};       /* 256 bytes */
  static const uint8_t masked[] = {0x82, 0x81, 1, 2, 3, 4, 'x'};
  static const uint8_t big_ping[] = {0x89, 0x7e, 0x00, 0x80}; /* 128 > 125 */
  ws_frame f;
  CHECK(wsc_parse(text, sizeof text, &f) == 1 && f.fin && f.opcode == WS_TEXT &&
        f.hlen == 2 && f.plen == 3);
  CHECK(wsc_parse(text, 4, &f) == 0 && wsc_parse(text, 1, &f) == 0);
  CHECK(wsc_parse(mid, sizeof mid, &f) == 0 && !f.fin && f.plen == 256 && f.hlen == 4);
  CHECK(wsc_parse(masked, sizeof masked, &f) == -1);
  CHECK(wsc_parse(big_ping, sizeof big_ping, &f) == -1);
}

static void check_upgrade(void) {
  static const char ok[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x82";
  static const char no[] = "HTTP/1.1 403 Forbidden\r\n\r\n";
  CHECK(wsc_upgrade_response((const uint8_t *)ok, sizeof ok - 1) == (long)sizeof ok - 2);
  CHECK(wsc_upgrade_response((const uint8_t *)ok, 20) == 0);
  CHECK(wsc_upgrade_response((const uint8_t *)no, sizeof no - 1) == -1);
}

static void check_stamps_and_names(void) {
  static const uint64_t times[] = {0, 999999, 1000000, 2817123456789ull,
                                   999999999999ull, 1234567890123456ull};
  uint32_t line, item;
  uint64_t g, r, ts;
  for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
    stamp_to_counts(times[i], &g, &r);
    CHECK(g < STAMP_MOD && r < STAMP_MOD);
    CHECK(stamp_from_counts(g, r, times[i]) == times[i]);
    CHECK(stamp_from_counts(g, r, times[i] + 5000000) == times[i]);
  }
  CHECK(parse_equipment("L07-E10", 7, &line, &item) == 0 && line == 6 && item == 9);
  CHECK(parse_equipment("L07-E1x", 7, &line, &item) == -1);
  CHECK(parse_equipment("L00-E01", 7, &line, &item) == -1);
  CHECK(parse_stamp("t12345 xx", 9, &ts) == 0 && ts == 12345);
  CHECK(parse_stamp("x12345", 6, &ts) == -1 && parse_stamp("t", 1, &ts) == -1);
}

/* Two scrapes of one histogram family; the window saw 20 updates: 10 in
 * (0, 1 ms], 10 in (1, 2 ms] of the queue part. */
static void check_split(void) {
  static const char *const fmt =
      "# TYPE floorhub_update_%s_seconds histogram\n"
      "floorhub_update_%s_seconds_bucket{le=\"0.001\"} %d\n"
      "floorhub_update_%s_seconds_bucket{le=\"0.002\"} %d\n"
      "floorhub_update_%s_seconds_bucket{le=\"+Inf\"} %d\n"
      "floorhub_update_%s_seconds_sum %g\nfloorhub_update_%s_seconds_count %d\n";
  static const char *const parts[] = {"queue", "commit", "fanout"};
  char text[2][2048];
  split_snap a, b;
  for (int k = 0; k < 2; k++) {
    size_t o = 0;
    for (int p = 0; p < 3; p++)
      o += (size_t)snprintf(text[k] + o, sizeof text[k] - o, fmt, parts[p], parts[p],
                            5 + 10 * k, parts[p], 5 + 20 * k, parts[p], 6 + 20 * k,
                            parts[p], 0.01 + 0.03 * k, parts[p], 6 + 20 * k);
  }
  split_parse(text[0], &a);
  split_parse(text[1], &b);
  CHECK(a.ok && b.ok && b.part[0].nb == 3 && b.part[0].le[2] > 1e299);
  CHECK(b.part[0].count - a.part[0].count == 20);
  /* p50: rank 10 of 20, the end of the first bucket */
  CHECK(within((uint64_t)(split_quantile(&a.part[0], &b.part[0], 0.50) * 1e9), 1000000, 1e-6));
  /* p99: rank 19.8, 9.8 of the 10 in (1, 2 ms]: 1.98 ms */
  CHECK(within((uint64_t)(split_quantile(&a.part[0], &b.part[0], 0.99) * 1e9), 1980000, 1e-6));
  CHECK(split_quantile(&a.part[0], &a.part[0], 0.5) == 0); /* nothing observed */
}

int selftest(void) {
  check_hist();
  check_client_frame(5);
  check_client_frame(300);
  check_client_frame(70000);
  check_server_frames();
  check_upgrade();
  check_stamps_and_names();
  check_split();
  fprintf(stderr, "floorbench selftest: %s\n", failed ? "FAILED" : "ok");
  return failed;
}
