/* test_floorterm_downtime.c -- floorterm's stops and reason tree: the
 * plant snap's reason_tree, downtime/<id> snaps and upds (built with the
 * protocol's encoders, as the hub sends them), the newest-first order, the
 * "needs a reason" count, the news of a stop that ended needing a reason,
 * the picker's categories and leaves, the constraint rule, and the role
 * table's answer for dt.classify.
 */
#include <string.h>

#include "fh_test.h"
#include "model.h"
#include "permit.h"

static fh_buf buf; /* the message the current event points into */

static void decode(fh_event *ev) {
  size_t off = 0, len;
  const uint8_t *map;
  fh_decode_err err;
  ASSERT_EQ(fh_frame_next(buf.data, buf.len, &off, &map, &len, &err), 1);
  ASSERT_EQ(fh_event_decode(map, len, ev), 0);
}

static void node(const char *code, const char *cat, const char *parent, int leaf) {
  fh_enc_map(&buf, 5);
  fh_enc_str(&buf, "code");
  fh_enc_str(&buf, code);
  fh_enc_str(&buf, "name");
  fh_enc_str(&buf, leaf ? "A reason" : "A group");
  fh_enc_str(&buf, "category");
  fh_enc_str(&buf, cat);
  fh_enc_str(&buf, "parent");
  if (parent) fh_enc_str(&buf, parent);
  else fh_enc_nil(&buf);
  fh_enc_str(&buf, "leaf");
  fh_enc_bool(&buf, leaf);
}

/* A plant snap with line L1 and a reason tree of every category. */
static int plant_snap(model *m) {
  fh_line l;
  fh_event ev;

  memset(&l, 0, sizeof l);
  snprintf(l.id, sizeof l.id, "L1");
  fh_buf_reset(&buf);
  fh_enc_snap_begin(&buf, "plant", 0, 7);
  fh_enc_map(&buf, 3);
  fh_enc_str(&buf, "plant");
  fh_enc_str(&buf, "P");
  fh_enc_str(&buf, "lines");
  fh_enc_array(&buf, 1);
  fh_enc_line(&buf, &l);
  fh_enc_str(&buf, "reason_tree");
  fh_enc_array(&buf, 7);
  node("breakdown", "unplanned", NULL, 0);
  node("mechanical", "unplanned", "breakdown", 1);
  node("electrical", "unplanned", "breakdown", 1);
  node("setup", "changeover", NULL, 1);
  node("meeting", "planned", NULL, 1);
  node("scratch", "quality", NULL, 1);
  node("jam", "unplanned", NULL, 1);
  decode(&ev);
  return ft_model_apply(m, &ev, NULL);
}

static fh_downtime make_stop(uint64_t id, const char *eq, int64_t start, int64_t end) {
  fh_downtime d;
  memset(&d, 0, sizeof d);
  d.id = id;
  snprintf(d.line, sizeof d.line, "L1");
  snprintf(d.equipment, sizeof d.equipment, "%s", eq);
  d.start = start;
  d.end = end;
  d.duration_ms = end ? (uint64_t)(end - start) : 0;
  d.states[FH_EQ_DOWN] = d.duration_ms;
  return d;
}

/* A downtime/L1 snap of n stops, or an upd of one. */
static int stop_event(model *m, int snap, const fh_downtime *d, uint32_t n,
                      model_news *news) {
  fh_event ev;
  fh_buf_reset(&buf);
  if (snap) {
    fh_enc_snap_begin(&buf, "downtime/L1", 0, 7);
    fh_enc_map(&buf, 1);
    fh_enc_str(&buf, "events");
    fh_enc_array(&buf, n);
    for (uint32_t i = 0; i < n; i++) fh_enc_downtime(&buf, &d[i]);
  } else {
    fh_enc_upd_begin(&buf, "downtime/L1", 1);
    fh_enc_map(&buf, 1);
    fh_enc_str(&buf, "event");
    fh_enc_downtime(&buf, d);
  }
  decode(&ev);
  return ft_model_apply(m, &ev, news);
}

FH_TEST(reason_tree_gives_categories_and_leaves) {
  model m;
  const char *cats[8];
  const model_reason *leaves[8];

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  ASSERT_EQ(plant_snap(&m), 0);
  ASSERT_EQ(m.nrtree, 7);
  ASSERT_STR_EQ(m.rtree[1].parent, "breakdown");
  ASSERT_STR_EQ(m.rtree[0].parent, "");
  ASSERT_EQ(m.rtree[0].leaf, 0);
  /* the fixed order, only categories with leaves, never quality */
  ASSERT_EQ(ft_model_stop_categories(&m, cats, 8), 3);
  ASSERT_STR_EQ(cats[0], "unplanned");
  ASSERT_STR_EQ(cats[1], "changeover");
  ASSERT_STR_EQ(cats[2], "planned");
  ASSERT_EQ(ft_model_stop_categories(&m, cats, 1), 1);
  /* leaves only, in tree order */
  ASSERT_EQ(ft_model_leaves_of(&m, "unplanned", leaves, 8), 3);
  ASSERT_STR_EQ(leaves[0]->code, "mechanical");
  ASSERT_STR_EQ(leaves[1]->code, "electrical");
  ASSERT_STR_EQ(leaves[2]->code, "jam");
  ASSERT_EQ(ft_model_leaves_of(&m, "unplanned", leaves, 1), 3); /* counted past cap */
  ASSERT_EQ(ft_model_leaves_of(&m, "small_stop", leaves, 8), 0);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(a_broken_reason_tree_keeps_the_plant_as_it_was) {
  model m;
  fh_event ev;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  ASSERT_EQ(plant_snap(&m), 0);
  fh_buf_reset(&buf);
  fh_enc_snap_begin(&buf, "plant", 1, 7);
  fh_enc_map(&buf, 1);
  fh_enc_str(&buf, "reason_tree");
  fh_enc_array(&buf, 1);
  fh_enc_map(&buf, 1);
  fh_enc_str(&buf, "name"); /* a node without a code */
  fh_enc_str(&buf, "x");
  decode(&ev);
  ASSERT_NE(ft_model_apply(&m, &ev, NULL), 0);
  ASSERT_EQ(m.nrtree, 7);
  ASSERT_EQ(m.nlines, 1);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(stops_snap_then_updates_newest_first) {
  model m;
  model_news news;
  fh_downtime v[3];
  model_line *ml;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  ASSERT_EQ(plant_snap(&m), 0);
  v[0] = make_stop(1, "P1", 1000, 5000);
  v[0].needs_reason = 1;
  v[1] = make_stop(2, "P2", 9000, 9500);
  v[1].short_stop = 1;
  v[2] = make_stop(3, "P1", 7000, 8000);
  v[2].needs_reason = 1;
  snprintf(v[2].reason, sizeof v[2].reason, "setup"); /* classified: no longer counted */
  ASSERT_EQ(stop_event(&m, 1, v, 3, &news), 0);
  ml = ft_model_line_find(&m, "L1");
  ASSERT(ml->has_stops);
  ASSERT_EQ(ml->nstops, 3);
  ASSERT_UINT_EQ(ml->stops[0].id, 2);
  ASSERT_UINT_EQ(ml->stops[1].id, 3);
  ASSERT_UINT_EQ(ml->stops[2].id, 1);
  ASSERT_EQ(ft_model_stops_needing(ml), 1);
  ASSERT_EQ(news.nrestarted, 0); /* what the snap holds is not news */

  /* a new stop opens, then closes needing a reason: news once */
  v[0] = make_stop(4, "P1", 10000, 0);
  ASSERT_EQ(stop_event(&m, 0, &v[0], 1, &news), 0);
  ASSERT_EQ(news.nrestarted, 0);
  ASSERT_EQ(ml->nstops, 4);
  ASSERT_UINT_EQ(ml->stops[0].id, 4);
  v[0] = make_stop(4, "P1", 10000, 12000);
  v[0].needs_reason = 1;
  ASSERT_EQ(stop_event(&m, 0, &v[0], 1, &news), 0);
  ASSERT_EQ(news.nrestarted, 1);
  ASSERT_UINT_EQ(news.restarted[0], 4);
  ASSERT_EQ(ml->nstops, 4);
  ASSERT_EQ(ft_model_stops_needing(ml), 2);
  ASSERT_EQ(ft_model_stop_find(&m, 4)->end, 12000);
  /* classified: an upd of a closed stop is no news, and the count drops */
  snprintf(v[0].reason, sizeof v[0].reason, "jam");
  v[0].needs_reason = 0;
  ASSERT_EQ(stop_event(&m, 0, &v[0], 1, &news), 0);
  ASSERT_EQ(news.nrestarted, 0);
  ASSERT_EQ(ft_model_stops_needing(ml), 1);
  ASSERT_STR_EQ(ft_model_stop_find(&m, 4)->reason, "jam");
  ASSERT(ft_model_stop_find(&m, 99) == NULL);

  /* a short stop that ends is no news either */
  v[0] = make_stop(5, "P1", 13000, 13300);
  v[0].short_stop = 1;
  ASSERT_EQ(stop_event(&m, 0, &v[0], 1, &news), 0);
  ASSERT_EQ(news.nrestarted, 0);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(a_broken_stops_snap_keeps_the_list) {
  model m;
  fh_downtime d = make_stop(1, "P1", 1000, 5000);
  fh_event ev;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  ASSERT_EQ(plant_snap(&m), 0);
  ASSERT_EQ(stop_event(&m, 1, &d, 1, NULL), 0);
  fh_buf_reset(&buf);
  fh_enc_snap_begin(&buf, "downtime/L1", 3, 7);
  fh_enc_map(&buf, 1);
  fh_enc_str(&buf, "events");
  fh_enc_array(&buf, 2);
  fh_enc_downtime(&buf, &d);
  fh_enc_str(&buf, "not a stop");
  decode(&ev);
  ASSERT_NE(ft_model_apply(&m, &ev, NULL), 0);
  ASSERT_EQ(ft_model_line_find(&m, "L1")->nstops, 1);
  /* a stop of a line that is not in the plant is ignored */
  snprintf(d.line, sizeof d.line, "L9");
  ASSERT_EQ(ft_model_stop_put(&m, &d, NULL), 0);
  ASSERT_EQ(ft_model_line_find(&m, "L1")->nstops, 1);
  /* a new plant snap keeps the line's stops */
  ASSERT_EQ(plant_snap(&m), 0);
  ASSERT_EQ(ft_model_line_find(&m, "L1")->nstops, 1);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(the_list_keeps_at_most_the_newest_stops) {
  model m;
  fh_downtime d;
  model_line *ml;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  ASSERT_EQ(plant_snap(&m), 0);
  for (uint64_t i = 1; i <= MODEL_STOPS_MAX + 5; i++) {
    d = make_stop(i, "P1", (int64_t)i * 1000, (int64_t)i * 1000 + 500);
    ASSERT_EQ(ft_model_stop_put(&m, &d, NULL), 0);
  }
  ml = ft_model_line_find(&m, "L1");
  ASSERT_EQ(ml->nstops, MODEL_STOPS_MAX);
  ASSERT_UINT_EQ(ml->stops[0].id, MODEL_STOPS_MAX + 5);
  ASSERT_UINT_EQ(ml->stops[MODEL_STOPS_MAX - 1].id, 6);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(constraint_is_the_first_longest_cycle) {
  fh_equipment eq[3];
  model_line ml;

  memset(eq, 0, sizeof eq);
  memset(&ml, 0, sizeof ml);
  snprintf(eq[0].id, sizeof eq[0].id, "DEST");
  eq[0].ideal_cycle_ms = 5000;
  snprintf(eq[1].id, sizeof eq[1].id, "PRESS1");
  eq[1].ideal_cycle_ms = 6000;
  snprintf(eq[2].id, sizeof eq[2].id, "PRESS2");
  eq[2].ideal_cycle_ms = 6000;
  ASSERT(ft_model_constraint(&ml) == NULL);
  ml.eq = eq;
  ml.neq = 3;
  ASSERT_STR_EQ(ft_model_constraint(&ml)->id, "PRESS1");
}

FH_TEST(classify_follows_the_role_table) {
  ASSERT_EQ(ft_permit_allows("operator", "op1", ACT_CLASSIFY, NULL), 1);
  ASSERT_EQ(ft_permit_allows("maintenance", "m1", ACT_CLASSIFY, NULL), 1);
  ASSERT_EQ(ft_permit_allows("shift_manager", "s1", ACT_CLASSIFY, NULL), 1);
  ASSERT_EQ(ft_permit_allows("viewer", "v1", ACT_CLASSIFY, NULL), 0);
  ASSERT_EQ(ft_permit_allows("gateway", "g1", ACT_CLASSIFY, NULL), 0);
  ASSERT_EQ(ft_permit_allows("kiosk", "k1", ACT_CLASSIFY, NULL), 0);
  ASSERT_EQ(ft_permit_allows("", "", ACT_CLASSIFY, NULL), 0);
}

FH_TEST_MAIN(FH_TEST_ENTRY(reason_tree_gives_categories_and_leaves),
             FH_TEST_ENTRY(a_broken_reason_tree_keeps_the_plant_as_it_was),
             FH_TEST_ENTRY(stops_snap_then_updates_newest_first),
             FH_TEST_ENTRY(a_broken_stops_snap_keeps_the_list),
             FH_TEST_ENTRY(the_list_keeps_at_most_the_newest_stops),
             FH_TEST_ENTRY(constraint_is_the_first_longest_cycle),
             FH_TEST_ENTRY(classify_follows_the_role_table))
