/* test_gw_cache.c -- unit tests of the per-equipment cache, and of the
 * eq.total encoding it relies on.
 *
 * Design: the sender records each request and encodes it with the
 * protocol's encoder, so the tests see what would go on the wire; a
 * sender that refuses shows that nothing is lost then.
 */
#include <errno.h>
#include <string.h>

#include "fh_test.h"
#include "gw_cache.h"

static const char map_text[] =
    "{\"equipment\": [{\"id\": \"A\", \"source\": {\"mqtt\": {\"topic\": \"a\"}},"
    " \"counts\": {\"good_total\": {\"mqtt\": {\"topic\": \"a/c\", \"pointer\": \"/g\"}},"
    " \"reject_total\": {\"mqtt\": {\"topic\": \"a/c\", \"pointer\": \"/r\"}},"
    " \"rollover\": 2147483647}},"
    " {\"id\": \"B\", \"source\": {\"mqtt\": {\"topic\": \"b\"}}}]}";

/* What the sender saw. */
typedef struct sent {
  fh_request r[16];  /* the requests, in order */
  char eq[16][8];    /* their equipment ids (the views die with the call) */
  size_t n;          /* entries used */
  int refuse;        /* 1: return -ENOMEM */
  fh_buf enc;        /* the last encoding */
} sent;

static int sender(void *arg, const fh_request *r) {
  sent *s = arg;
  const fh_strv *eq = r->type == FH_MSG_EQ_STATE ? &r->u.eq_state.equipment
                                                : &r->u.eq_total.equipment;
  if (s->refuse) return -ENOMEM;
  ASSERT_LT(s->n, 16);
  s->r[s->n] = *r;
  snprintf(s->eq[s->n], sizeof s->eq[0], "%.*s", (int)eq->n, eq->p);
  s->n++;
  fh_buf_reset(&s->enc);
  ASSERT_EQ(fh_request_encode(&s->enc, r), 0);
  return 0;
}

static gw_map *load(void) {
  char err[256];
  gw_map *m;
  if (gw_map_parse(map_text, strlen(map_text), "m", &m, err, sizeof err) != 0)
    FH_FAIL_("%s", err);
  return m;
}

static void st(gw_cache *c, size_t eq, fh_eq_state s, const char *reason, int64_t ts) {
  gw_update u = {.eq = eq, .what = GW_UP_STATE, .state = s, .reason = reason};
  gw_cache_update(c, &u, ts);
}

static void tot(gw_cache *c, size_t eq, gw_what w, uint64_t v) {
  gw_update u = {.eq = eq, .what = w, .total = v};
  gw_cache_update(c, &u, 0);
}

FH_TEST(changes_are_sent_once_and_repeats_not_at_all) {
  gw_map *m = load();
  gw_cache c;
  sent s = {0};
  ASSERT_EQ(gw_cache_init(&c, m, sender, &s), 0);
  st(&c, 1, FH_EQ_DOWN, "mechanical", 1000);
  tot(&c, 0, GW_UP_GOOD, 100);
  ASSERT_EQ(gw_cache_flush(&c, 10), 1); /* the totals wait for reject_total */
  ASSERT(s.r[0].type == FH_MSG_EQ_STATE && s.r[0].u.eq_state.state == FH_EQ_DOWN);
  ASSERT_STR_EQ(s.eq[0], "B");
  ASSERT_EQ(s.r[0].u.eq_state.ts, 1000);
  ASSERT(gw_cache_idle(&c)); /* totals wait, they are not due */
  tot(&c, 0, GW_UP_REJECT, 3);
  st(&c, 1, FH_EQ_DOWN, "mechanical", 2000);
  ASSERT_EQ(gw_cache_flush(&c, 10), 1);
  ASSERT(s.r[1].type == FH_MSG_EQ_TOTAL);
  ASSERT_STR_EQ(s.eq[1], "A");
  ASSERT_UINT_EQ(s.r[1].u.eq_total.good_total, 100);
  ASSERT_UINT_EQ(s.r[1].u.eq_total.reject_total, 3);
  ASSERT_EQ(s.r[1].u.eq_total.rollover, 2147483647);
  tot(&c, 0, GW_UP_GOOD, 100);
  ASSERT_EQ(gw_cache_flush(&c, 10), 0);
  ASSERT(gw_cache_idle(&c));
  gw_cache_free(&c);
  fh_buf_free(&s.enc);
  gw_map_free(m);
}

FH_TEST(while_the_hub_is_away_only_the_latest_is_kept_and_all_is_resent) {
  gw_map *m = load();
  gw_cache c;
  sent s = {0};
  ASSERT_EQ(gw_cache_init(&c, m, sender, &s), 0);
  s.refuse = 1;
  st(&c, 0, FH_EQ_RUNNING, NULL, 0);
  tot(&c, 0, GW_UP_GOOD, 5);
  tot(&c, 0, GW_UP_REJECT, 0);
  ASSERT_EQ(gw_cache_flush(&c, 10), 0);
  st(&c, 0, FH_EQ_IDLE, NULL, 0);
  tot(&c, 0, GW_UP_GOOD, 9);
  s.refuse = 0;
  ASSERT_EQ(gw_cache_flush(&c, 10), 2);
  ASSERT_EQ(s.r[0].u.eq_state.state, FH_EQ_IDLE);
  ASSERT_UINT_EQ(s.r[1].u.eq_total.good_total, 9);
  gw_cache_mark_all(&c); /* the hub came back */
  ASSERT_EQ(gw_cache_flush(&c, 1), 1); /* within the budget */
  ASSERT_EQ(gw_cache_flush(&c, 10), 1);
  ASSERT_EQ(s.n, 4);
  ASSERT(s.r[2].type == FH_MSG_EQ_STATE && s.r[3].type == FH_MSG_EQ_TOTAL);
  ASSERT_EQ(c.states_sent + c.totals_sent, 4);
  gw_cache_free(&c);
  fh_buf_free(&s.enc);
  gw_map_free(m);
}

/* Positions c after key in the map at c; -1 when absent. */
static int find_key(fh_mp_cursor c, const char *key, fh_mp_cursor *at) {
  uint32_t n;
  fh_strv k;
  if (fh_mp_read_map(&c, &n) != 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    if (fh_mp_read_str(&c, &k) != 0) return -1;
    if (k.n == strlen(key) && memcmp(k.p, key, k.n) == 0) return *at = c, 0;
    if (fh_mp_skip(&c) != 0) return -1;
  }
  return -1;
}

FH_TEST(eq_total_goes_on_the_wire_with_its_keys) {
  fh_request r = {.type = FH_MSG_EQ_TOTAL, .has_id = 1, .id = 9};
  fh_request back;
  fh_decode_err err;
  fh_buf b;
  fh_mp_cursor c, at;
  fh_strv v;
  uint64_t u;
  uint32_t n;
  int64_t i;

  fh_buf_init(&b, 0);
  r.key = (fh_strv){"k1", 2};
  r.u.eq_total.equipment = (fh_strv){"L1-PRESS1", 9};
  r.u.eq_total.good_total = 105;
  r.u.eq_total.reject_total = 3;
  ASSERT_EQ(fh_request_encode(&b, &r), 0);
  c = (fh_mp_cursor){fh_buf_payload(&b), fh_buf_payload(&b) + fh_buf_payload_len(&b)};
  at = c;
  ASSERT_EQ(fh_mp_read_map(&at, &n), 0);
  ASSERT_EQ(n, 6); /* t, id, key, equipment, good_total, reject_total */
  ASSERT_EQ(find_key(c, "t", &at), 0);
  ASSERT(fh_mp_read_str(&at, &v) == 0 && v.n == 8 && memcmp(v.p, "eq.total", 8) == 0);
  ASSERT(find_key(c, "good_total", &at) == 0 && fh_mp_read_uint(&at, &u) == 0 && u == 105);
  ASSERT(find_key(c, "reject_total", &at) == 0 && fh_mp_read_uint(&at, &u) == 0 && u == 3);
  ASSERT_EQ(find_key(c, "rollover", &at), -1);
  ASSERT_EQ(find_key(c, "ts", &at), -1);
  r.u.eq_total.rollover = 2147483647;
  r.u.eq_total.ts = 1767225600000LL;
  fh_buf_reset(&b);
  ASSERT_EQ(fh_request_encode(&b, &r), 0);
  c = (fh_mp_cursor){fh_buf_payload(&b), fh_buf_payload(&b) + fh_buf_payload_len(&b)};
  ASSERT(find_key(c, "rollover", &at) == 0 && fh_mp_read_int(&at, &i) == 0 && i == 2147483647);
  ASSERT(find_key(c, "ts", &at) == 0 && fh_mp_read_int(&at, &i) == 0 && i == 1767225600000LL);
  ASSERT_EQ(fh_msg_is_write(FH_MSG_EQ_TOTAL), 1);
  /* The hub's decoder reads back what floorgw sends. */
  ASSERT_EQ(fh_request_decode(fh_buf_payload(&b), fh_buf_payload_len(&b), &back, &err), 0);
  ASSERT_EQ(back.type, FH_MSG_EQ_TOTAL);
  ASSERT(back.has_id && back.id == 9);
  ASSERT_UINT_EQ(back.u.eq_total.good_total, 105);
  ASSERT_UINT_EQ(back.u.eq_total.reject_total, 3);
  ASSERT_EQ(back.u.eq_total.rollover, 2147483647);
  ASSERT_EQ(back.u.eq_total.ts, 1767225600000LL);
  fh_buf_free(&b);
}

/* An unmapped code and a dead node are the machine's reasons, not the
 * plant's: they go out as machine_reason, and a change of it alone is a
 * change. */
FH_TEST(unmapped_codes_and_dead_nodes_go_out_as_machine_reason) {
  gw_map *m = load();
  gw_cache c;
  sent s = {0};
  gw_update u = {.eq = 1, .what = GW_UP_STATE, .state = FH_EQ_UNKNOWN, .unmapped = 1,
                 .code = "7"};
  ASSERT_EQ(gw_cache_init(&c, m, sender, &s), 0);
  gw_cache_update(&c, &u, 0);
  ASSERT_EQ(gw_cache_flush(&c, 10), 1);
  ASSERT(s.r[0].u.eq_state.state == FH_EQ_UNKNOWN && s.r[0].u.eq_state.reason.n == 0);
  ASSERT_MEM_EQ(s.r[0].u.eq_state.machine_reason.p, "7", 2);
  u = (gw_update){.eq = 1, .what = GW_UP_STATE, .state = FH_EQ_UNKNOWN,
                  .machine_reason = GW_REASON_NO_SIGNAL};
  gw_cache_update(&c, &u, 0);
  ASSERT_EQ(gw_cache_flush(&c, 10), 1);
  ASSERT_EQ(s.r[1].u.eq_state.machine_reason.n, 9);
  ASSERT_MEM_EQ(s.r[1].u.eq_state.machine_reason.p, "no_signal", 9);
  gw_cache_update(&c, &u, 0);
  ASSERT_EQ(gw_cache_flush(&c, 10), 0);
  st(&c, 1, FH_EQ_UNKNOWN, NULL, 0);
  ASSERT_EQ(gw_cache_flush(&c, 10), 1);
  ASSERT_EQ(s.r[2].u.eq_state.machine_reason.n, 0);
  gw_cache_free(&c);
  fh_buf_free(&s.enc);
  gw_map_free(m);
}

FH_TEST_MAIN(FH_TEST_ENTRY(changes_are_sent_once_and_repeats_not_at_all),
             FH_TEST_ENTRY(unmapped_codes_and_dead_nodes_go_out_as_machine_reason),
             FH_TEST_ENTRY(while_the_hub_is_away_only_the_latest_is_kept_and_all_is_resent),
             FH_TEST_ENTRY(eq_total_goes_on_the_wire_with_its_keys))
