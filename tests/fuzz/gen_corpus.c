/* gen_corpus.c -- writes the seed corpus of the fuzz_decode target.
 *
 *   fh_gen_corpus tests/fuzz/corpus/decode
 *
 * Design: one file per message type, made with the library's own encoders
 * so the seeds are exactly what the hub and the clients send, plus a frame
 * of several maps and a few malformed frames (huge counts, deep nesting,
 * bad UTF-8, truncation).  The output is committed; rerun this tool only
 * when the protocol changes.
 */
#include <stdio.h>
#include <string.h>

#include "fh_protocol.h"
#include "samples.h"

static const char *dir;

static int save(const char *name, const void *p, size_t n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
    perror(path);
    return -1;
  }
  return 0;
}

static int save_buf(const char *name, const fh_buf *b) {
  return save(name, fh_buf_payload(b), fh_buf_payload_len(b));
}

static fh_strv sv(const char *s) { return (fh_strv){s, strlen(s)}; }

/* One request of each type, all optional keys present. */
static int requests(fh_buf *all) {
  fh_request r[11];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 11; i++) {
    r[i].type = (fh_msg_type)(FH_MSG_HELLO + i);
    r[i].has_id = 1;
    r[i].id = (uint64_t)i + 1;
    r[i].key = sv("k-1");
  }
  r[0].u.hello.token = sv("aaa.bbb.ccc");
  r[0].u.hello.client = sv("floorterm");
  r[0].u.hello.resume = sv("9f86d081884c7d65");
  for (int i = 2; i <= 3; i++) {
    r[i].u.sub.ntopics = 2;
    r[i].u.sub.topics[0] = sv("plant");
    r[i].u.sub.topics[1] = sv("line/L1");
  }
  r[2].u.sub.nsince = 1;
  r[2].u.sub.since[0].topic = sv("line/L1");
  r[2].u.sub.since[0].seq = 41;
  r[2].u.sub.has_epoch = 1;
  r[2].u.sub.epoch = 3;
  r[4].u.raise.line = sv("L1");
  r[4].u.raise.equipment = sv("press1");
  r[4].u.raise.kind = sv("material");
  r[4].u.raise.severity = 3;
  r[4].u.raise.note = sv("bin empty");
  for (int i = 5; i <= 7; i++) {
    r[i].u.andon_op.andon = 12;
    r[i].u.andon_op.note = sv("done");
  }
  r[6].u.andon_op.reason = sv("refilled");
  r[8].u.eq_state.equipment = sv("press1");
  r[8].u.eq_state.state = FH_EQ_DOWN;
  r[8].u.eq_state.reason = sv("jam");
  r[8].u.eq_state.ts = 1700000000000;
  r[9].u.eq_count.equipment = sv("press1");
  r[9].u.eq_count.good = 10;
  r[9].u.eq_count.reject = 1;
  r[10].u.shift_report.line = sv("L1");
  r[10].u.shift_report.shift_start = 1699999200000;
  fh_buf b;
  fh_buf_init(&b, 0);
  for (int i = 0; i < 11; i++) {
    char name[64];
    fh_buf_reset(&b);
    if (fh_request_encode(&b, &r[i]) < 0 ||
        fh_request_encode(all, &r[i]) < 0)
      return -1;
    snprintf(name, sizeof name, "req_%s", fh_msg_type_name(r[i].type));
    if (save_buf(name, &b) < 0) return -1;
  }
  fh_buf_free(&b);
  return 0;
}

/* One of each hub message. */
static int hub_messages(fh_buf *all) {
  static const char *const lines[] = {"L1"};
  fh_welcome w = {1, 1, "op7", "operator", 1, lines, 1700000000000,
                  "floorhub/0.1.0", "9f86d081884c7d65", 3};
  fh_andon a = sample_andon(FH_ANDON_RESOLVED);
  fh_equipment e = sample_equipment();
  fh_oee o = sample_oee();
  fh_line l;
  fh_strv topics[1] = {{"plant", 5}};
  memset(&l, 0, sizeof l);
  strcpy(l.id, "L1");
  strcpy(l.name, "Line 1");
  l.state = FH_EQ_DOWN;
  l.open_andons = 1;
  l.oee = 0.5;
  fh_buf b;
  fh_buf_init(&b, 0);
  int rc = 0;
#define ONE(name, call)                                                      \
  do {                                                                       \
    fh_buf_reset(&b);                                                        \
    rc |= (call);                                                            \
    rc |= fh_buf_append(all, fh_buf_payload(&b), fh_buf_payload_len(&b));    \
    rc |= save_buf(name, &b);                                                \
  } while (0)
  ONE("hub_welcome", fh_enc_welcome(&b, &w));
  ONE("hub_pong", fh_enc_pong(&b, 1, 2, 1700000000000));
  ONE("hub_err", fh_enc_err(&b, 1, 3, FH_E_BAD_REQUEST, "line",
                            "missing key 'line'"));
  ONE("hub_ok", fh_enc_ok(&b, 1, 4));
  ONE("hub_ok_andon", fh_enc_ok_andon(&b, 1, 5, &a, 1));
  ONE("hub_ok_equipment", fh_enc_ok_equipment(&b, 1, 6, &e, 0));
  ONE("hub_ok_topics", fh_enc_ok_topics(&b, 1, 7, topics, 1));
  ONE("hub_ok_report", fh_enc_ok_report(&b, 1, 8, &o));
  ONE("hub_snap_line", fh_enc_snap_begin(&b, "line/L1", 1, 3) |
                           fh_enc_map(&b, 4) | fh_enc_str(&b, "line") |
                           fh_enc_line(&b, &l) | fh_enc_str(&b, "equipment") |
                           fh_enc_array(&b, 1) | fh_enc_equipment(&b, &e) |
                           fh_enc_str(&b, "andons") | fh_enc_array(&b, 1) |
                           fh_enc_andon(&b, &a) | fh_enc_str(&b, "oee") |
                           fh_enc_oee(&b, &o));
  ONE("hub_upd_andon", fh_enc_upd_begin(&b, "andon", 2) | fh_enc_map(&b, 1) |
                           fh_enc_str(&b, "andon") | fh_enc_andon(&b, &a));
#undef ONE
  fh_buf_free(&b);
  return rc ? -1 : 0;
}

static int malformed(void) {
  static const uint8_t array32[] = {0xdd, 0x04, 0x00, 0x00, 0x00};
  static const uint8_t map32_in_map[] = {0x81, 0xa1, 'a', 0xdf, 0xff,
                                         0xff, 0xff, 0xff, 0xc0, 0xc0};
  static const uint8_t str32[] = {0x81, 0xa1, 't', 0xdb, 0x04, 0x00, 0x00,
                                  0x00, 'p', 'i', 'n', 'g'};
  static const uint8_t deep[] = {0x81, 0xa1, 'a', 0x91, 0x91, 0x91, 0x91,
                                 0x91, 0x91, 0x91, 0x90};
  static const uint8_t surrogate[] = {0x82, 0xa1, 't', 0xa4, 'p', 'i', 'n',
                                      'g', 0xa3, 0xed, 0xa0, 0x80, 0x01};
  static const uint8_t truncated[] = {0x83, 0xa1, 't', 0xa4, 'p', 'i'};
  static const struct {
    const char *name;
    const uint8_t *p;
    size_t n;
  } files[] = {
      {"bad_array32", array32, sizeof array32},
      {"bad_map32_in_map", map32_in_map, sizeof map32_in_map},
      {"bad_str32", str32, sizeof str32},
      {"bad_deep", deep, sizeof deep},
      {"bad_surrogate_key", surrogate, sizeof surrogate},
      {"bad_truncated", truncated, sizeof truncated},
  };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if (save(files[i].name, files[i].p, files[i].n) < 0) return -1;
  return 0;
}

int main(int argc, char **argv) {
  fh_buf all;
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  fh_buf_init(&all, 0);
  if (requests(&all) < 0 || hub_messages(&all) < 0 || malformed() < 0)
    return 1;
  if (save("multi_all_messages", fh_buf_payload(&all),
           fh_buf_payload_len(&all)) < 0)
    return 1;
  fh_buf_free(&all);
  return 0;
}
