/* test_floorterm_model.c -- floorterm's client-side model and role table:
 * snaps and upds of the plant, line/<id> and andon topics (built with the
 * protocol's encoders, as the hub sends them), the news that rings the
 * bell, the queue order, escalation roles, shift andon statistics, and
 * ft_permit_allows() against PROTOCOL.md 2.2.
 */
#include <string.h>

#include "fh_test.h"
#include "model.h"
#include "permit.h"

static fh_buf buf; /* the message the current event points into */

/* Decodes the one map in buf into ev. */
static void decode(fh_event *ev) {
  size_t off = 0, len;
  const uint8_t *map;
  fh_decode_err err;
  ASSERT_EQ(fh_frame_next(buf.data, buf.len, &off, &map, &len, &err), 1);
  ASSERT_EQ(fh_event_decode(map, len, ev), 0);
}

static fh_line make_line(const char *id, const char *name) {
  fh_line l;
  memset(&l, 0, sizeof l);
  snprintf(l.id, sizeof l.id, "%s", id);
  snprintf(l.name, sizeof l.name, "%s", name);
  l.state = FH_EQ_UNKNOWN;
  return l;
}

static fh_andon make_andon(uint64_t id, const char *line, fh_andon_state st,
                           uint32_t level, int64_t raised_at) {
  fh_andon a;
  memset(&a, 0, sizeof a);
  a.id = id;
  snprintf(a.line, sizeof a.line, "%s", line);
  snprintf(a.kind, sizeof a.kind, "material");
  snprintf(a.raised_by, sizeof a.raised_by, "op1");
  a.state = st;
  a.level = level;
  a.raised_at = raised_at;
  a.severity = 2;
  return a;
}

static void strs(const char *const *v, uint32_t n) {
  ASSERT_EQ(fh_enc_array(&buf, n), 0);
  for (uint32_t i = 0; i < n; i++) ASSERT_EQ(fh_enc_str(&buf, v[i]), 0);
}

/* The plant snap of a two-line plant with two escalation steps. */
static void plant_snap(model *m) {
  static const char *const kinds[] = {"material", "safety"};
  static const char *const reasons[] = {"mechanical", "other"};
  fh_line l1 = make_line("L1", "Press line 1"), l2 = make_line("L2", "Body shop");
  fh_event ev;

  fh_buf_reset(&buf);
  ASSERT_EQ(fh_enc_snap_begin(&buf, "plant", 0, 7), 0);
  fh_enc_map(&buf, 6);
  fh_enc_str(&buf, "plant");
  fh_enc_str(&buf, "Sample Plant");
  fh_enc_str(&buf, "lines");
  fh_enc_array(&buf, 2);
  fh_enc_line(&buf, &l1);
  fh_enc_line(&buf, &l2);
  fh_enc_str(&buf, "kinds");
  strs(kinds, 2);
  fh_enc_str(&buf, "reasons");
  strs(reasons, 2);
  fh_enc_str(&buf, "escalation");
  fh_enc_array(&buf, 2);
  for (int i = 0; i < 2; i++) {
    fh_enc_map(&buf, 2);
    fh_enc_str(&buf, "after_s");
    fh_enc_uint(&buf, i ? 300 : 120);
    fh_enc_str(&buf, "role");
    fh_enc_str(&buf, i ? "production_manager" : "shift_manager");
  }
  fh_enc_str(&buf, "shift");
  fh_enc_map(&buf, 3);
  fh_enc_str(&buf, "name");
  fh_enc_str(&buf, "early");
  fh_enc_str(&buf, "start");
  fh_enc_int(&buf, 1000);
  fh_enc_str(&buf, "end");
  fh_enc_int(&buf, 9000);
  decode(&ev);
  ASSERT_EQ(ft_model_apply(m, &ev, NULL), 0);
}

/* An andon topic snap with the n andons, or an upd of one andon. */
static int andon_event(model *m, int snap, const fh_andon *a, uint32_t n,
                       model_news *news) {
  fh_event ev;
  fh_buf_reset(&buf);
  if (snap) {
    fh_enc_snap_begin(&buf, "andon", 0, 7);
    fh_enc_map(&buf, 1);
    fh_enc_str(&buf, "andons");
    fh_enc_array(&buf, n);
    for (uint32_t i = 0; i < n; i++) fh_enc_andon(&buf, &a[i]);
  } else {
    fh_enc_upd_begin(&buf, "andon", 1);
    fh_enc_map(&buf, 1);
    fh_enc_str(&buf, "andon");
    fh_enc_andon(&buf, a);
  }
  decode(&ev);
  return ft_model_apply(m, &ev, news);
}

FH_TEST(plant_snap_fills_the_model) {
  model m;
  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  plant_snap(&m);
  ASSERT_STR_EQ(m.plant, "Sample Plant");
  ASSERT_EQ(m.nlines, 2);
  ASSERT_STR_EQ(m.lines[1].line.name, "Body shop");
  ASSERT_EQ(m.kinds.n, 2);
  ASSERT_STR_EQ(m.kinds.v[1], "safety");
  ASSERT_STR_EQ(m.reasons.v[0], "mechanical");
  ASSERT_EQ(m.nesc, 2);
  ASSERT_STR_EQ(ft_model_esc_role(&m, 1), "shift_manager");
  ASSERT_STR_EQ(ft_model_esc_role(&m, 2), "production_manager");
  ASSERT(ft_model_esc_role(&m, 0) == NULL);
  ASSERT(ft_model_esc_role(&m, 3) == NULL);
  ASSERT_STR_EQ(m.shift, "early");
  ASSERT_EQ(m.shift_end, 9000);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(a_broken_snap_leaves_the_model_as_it_was) {
  model m;
  fh_event ev;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  plant_snap(&m);
  fh_buf_reset(&buf);
  fh_enc_snap_begin(&buf, "plant", 1, 7);
  fh_enc_map(&buf, 2);
  fh_enc_str(&buf, "plant");
  fh_enc_str(&buf, "Other");
  fh_enc_str(&buf, "lines");
  fh_enc_str(&buf, "not an array");
  decode(&ev);
  ASSERT_NE(ft_model_apply(&m, &ev, NULL), 0);
  ASSERT_STR_EQ(m.plant, "Sample Plant");
  ASSERT_EQ(m.nlines, 2);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(line_snap_and_updates) {
  model m;
  fh_event ev;
  fh_line l = make_line("L1", "Press line 1");
  fh_equipment e;
  fh_oee o;
  model_line *ml;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  plant_snap(&m);
  memset(&e, 0, sizeof e);
  snprintf(e.id, sizeof e.id, "P1");
  snprintf(e.line, sizeof e.line, "L1");
  e.state = FH_EQ_RUNNING;
  memset(&o, 0, sizeof o);
  snprintf(o.line, sizeof o.line, "L1");
  o.oee = 0.7;
  o.availability = 0.8;
  fh_buf_reset(&buf);
  fh_enc_snap_begin(&buf, "line/L1", 5, 7);
  fh_enc_map(&buf, 4);
  fh_enc_str(&buf, "line");
  fh_enc_line(&buf, &l);
  fh_enc_str(&buf, "equipment");
  fh_enc_array(&buf, 1);
  fh_enc_equipment(&buf, &e);
  fh_enc_str(&buf, "andons");
  fh_enc_array(&buf, 0);
  fh_enc_str(&buf, "oee");
  fh_enc_oee(&buf, &o);
  decode(&ev);
  ASSERT_EQ(ft_model_apply(&m, &ev, NULL), 0);
  ml = ft_model_line_find(&m, "L1");
  ASSERT(ml != NULL && ml->has_detail && ml->has_oee);
  ASSERT_EQ(ml->neq, 1);
  ASSERT_DBL_NEAR(ml->oee.availability, 0.8, 1e-9);

  e.state = FH_EQ_DOWN; /* an upd of the equipment replaces it */
  fh_buf_reset(&buf);
  fh_enc_upd_begin(&buf, "line/L1", 6);
  fh_enc_map(&buf, 1);
  fh_enc_str(&buf, "equipment");
  fh_enc_equipment(&buf, &e);
  decode(&ev);
  ASSERT_EQ(ft_model_apply(&m, &ev, NULL), 0);
  ASSERT_EQ(ml->neq, 1);
  ASSERT_EQ(ml->eq[0].state, FH_EQ_DOWN);

  ASSERT_STR_EQ(ft_model_shift_name(&m), "early");
  o.shift_start = 9000; /* the next shift's first OEE record */
  snprintf(o.shift, sizeof o.shift, "late");
  fh_buf_reset(&buf);
  fh_enc_upd_begin(&buf, "line/L1", 7);
  fh_enc_map(&buf, 1);
  fh_enc_str(&buf, "oee");
  fh_enc_oee(&buf, &o);
  decode(&ev);
  ASSERT_EQ(ft_model_apply(&m, &ev, NULL), 0);
  ASSERT_STR_EQ(ft_model_shift_name(&m), "late");

  plant_snap(&m); /* a new plant snap keeps the line's details */
  ml = ft_model_line_find(&m, "L1");
  ASSERT_EQ(ml->neq, 1);
  ASSERT_EQ(ml->has_oee, 1);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(news_for_new_andons_and_escalations_only_after_the_first_snap) {
  model m;
  model_news news;
  fh_andon old = make_andon(1, "L1", FH_ANDON_RAISED, 0, 100);
  fh_andon a;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  ASSERT_EQ(andon_event(&m, 1, &old, 1, &news), 0);
  ASSERT_EQ(news.nraised, 0); /* what was there at start is not news */
  a = make_andon(2, "L2", FH_ANDON_RAISED, 0, 200);
  ASSERT_EQ(andon_event(&m, 0, &a, 1, &news), 0);
  ASSERT_EQ(news.nraised, 1);
  ASSERT_UINT_EQ(news.raised[0], 2);
  ASSERT_EQ(andon_event(&m, 0, &a, 1, &news), 0); /* seen already */
  ASSERT_EQ(news.nraised, 0);
  a.level = 1;
  ASSERT_EQ(andon_event(&m, 0, &a, 1, &news), 0);
  ASSERT_EQ(news.nescalated, 1);
  ASSERT_EQ(ft_model_andon_find(&m, 2)->level, 1);
  a.state = FH_ANDON_RESOLVED;
  ASSERT_EQ(andon_event(&m, 0, &a, 1, &news), 0);
  ASSERT_EQ(news.nraised + news.nescalated, 0);
  ASSERT_EQ(m.nandons, 2); /* closed andons stay for the report */
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(queue_order_is_unacknowledged_then_level_then_age) {
  model m;
  fh_andon v[5];
  const fh_andon *q[5];

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  v[0] = make_andon(1, "L1", FH_ANDON_ACKNOWLEDGED, 0, 10);
  v[1] = make_andon(2, "L1", FH_ANDON_RAISED, 0, 20);
  v[2] = make_andon(3, "L2", FH_ANDON_RAISED, 1, 30);
  v[3] = make_andon(4, "L1", FH_ANDON_RAISED, 0, 15);
  v[4] = make_andon(5, "L1", FH_ANDON_CANCELLED, 0, 5);
  ASSERT_EQ(andon_event(&m, 1, v, 5, NULL), 0);
  ASSERT_EQ(ft_model_open_andons(&m, NULL, q, 5), 4);
  ASSERT_UINT_EQ(q[0]->id, 3);
  ASSERT_UINT_EQ(q[1]->id, 4);
  ASSERT_UINT_EQ(q[2]->id, 2);
  ASSERT_UINT_EQ(q[3]->id, 1);
  ASSERT_EQ(ft_model_open_andons(&m, "L1", q, 5), 3);
  ASSERT_EQ(ft_model_open_andons(&m, "L1", q, 1), 3); /* counted past cap */
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(escalation_calls_the_roles_of_the_steps_reached) {
  model m;
  fh_andon a = make_andon(1, "L1", FH_ANDON_RAISED, 0, 0);

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  plant_snap(&m);
  ASSERT_EQ(ft_model_esc_calls(&m, &a, "shift_manager"), 0);
  a.level = 1;
  ASSERT_EQ(ft_model_esc_calls(&m, &a, "shift_manager"), 1);
  ASSERT_EQ(ft_model_esc_calls(&m, &a, "production_manager"), 0);
  a.level = 2;
  ASSERT_EQ(ft_model_esc_calls(&m, &a, "production_manager"), 1);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(andon_stats_of_a_shift) {
  model m;
  fh_andon v[4];
  model_andon_stats st;

  ft_model_init(&m);
  fh_buf_init(&buf, 0);
  v[0] = make_andon(1, "L1", FH_ANDON_RESOLVED, 0, 1000);
  v[0].acked_at = 31000;   /* 30 s to ack */
  v[0].resolved_at = 91000; /* 60 s to repair */
  v[1] = make_andon(2, "L1", FH_ANDON_CANCELLED, 0, 2000);
  v[2] = make_andon(3, "L1", FH_ANDON_ACKNOWLEDGED, 0, 3000);
  v[2].acked_at = 13000;   /* 10 s to ack */
  v[3] = make_andon(4, "L1", FH_ANDON_RAISED, 0, 99000); /* after the shift */
  ASSERT_EQ(andon_event(&m, 1, v, 4, NULL), 0);
  ft_model_andon_stats_of(&m, "L1", 0, 50000, &st);
  ASSERT_EQ(st.raised, 3);
  ASSERT_EQ(st.acked, 2);
  ASSERT_EQ(st.resolved, 1);
  ASSERT_EQ(st.cancelled, 1);
  ASSERT_EQ(st.open, 1);
  ASSERT_DBL_NEAR(st.ack_mean_s, 20.0, 1e-9);
  ASSERT_DBL_NEAR(st.repair_mean_s, 60.0, 1e-9);
  ft_model_andon_stats_of(&m, "L2", 0, 50000, &st);
  ASSERT_EQ(st.raised, 0);
  ft_model_free(&m);
  fh_buf_free(&buf);
}

FH_TEST(permit_follows_the_role_table) {
  fh_andon a = make_andon(1, "L1", FH_ANDON_RAISED, 0, 0);

  ASSERT_EQ(ft_permit_allows("viewer", "v1", ACT_RAISE, NULL), 0);
  ASSERT_EQ(ft_permit_allows("operator", "op1", ACT_RAISE, NULL), 1);
  ASSERT_EQ(ft_permit_allows("gateway", "gw", ACT_RAISE, NULL), 1);
  ASSERT_EQ(ft_permit_allows("viewer", "v1", ACT_ACK, &a), 0);
  ASSERT_EQ(ft_permit_allows("operator", "op2", ACT_ACK, &a), 0);
  ASSERT_EQ(ft_permit_allows("maintenance", "mt1", ACT_ACK, &a), 1);
  ASSERT_EQ(ft_permit_allows("quality", "q1", ACT_RESOLVE, &a), 1);
  ASSERT_EQ(ft_permit_allows("operator", "op2", ACT_RESOLVE, &a), 0);
  a.level = 1; /* escalated: only the managers acknowledge */
  ASSERT_EQ(ft_permit_allows("maintenance", "mt1", ACT_ACK, &a), 0);
  ASSERT_EQ(ft_permit_allows("shift_manager", "sm1", ACT_ACK, &a), 1);
  ASSERT_EQ(ft_permit_allows("maintenance", "mt1", ACT_RESOLVE, &a), 1);
  /* cancel: own andons, or the managers */
  ASSERT_EQ(ft_permit_allows("operator", "op1", ACT_CANCEL, &a), 1);
  ASSERT_EQ(ft_permit_allows("operator", "op2", ACT_CANCEL, &a), 0);
  ASSERT_EQ(ft_permit_allows("production_manager", "pm", ACT_CANCEL, &a), 1);
  ASSERT_EQ(ft_permit_allows("viewer", "v1", ACT_CANCEL, NULL), 0);
  /* nothing on closed andons, no second ack */
  a.state = FH_ANDON_ACKNOWLEDGED;
  ASSERT_EQ(ft_permit_allows("admin", "adm", ACT_ACK, &a), 0);
  ASSERT_EQ(ft_permit_allows("admin", "adm", ACT_RESOLVE, &a), 1);
  a.state = FH_ANDON_RESOLVED;
  ASSERT_EQ(ft_permit_allows("admin", "adm", ACT_CANCEL, &a), 0);
  ASSERT_EQ(ft_permit_allows("", "", ACT_RAISE, NULL), 0); /* before the welcome */
}

/* An oee.history answer of rows (start, end, oee, open) into buf. */
static void history_answer(fh_event *ev, const int64_t (*se)[2], size_t n, int open_last) {
  fh_hist_row rows[10];
  memset(rows, 0, sizeof rows);
  for (size_t i = 0; i < n; i++) {
    rows[i].start = se[i][0];
    rows[i].end = se[i][1];
    rows[i].oee = 0.1 * (double)i;
    rows[i].good = 100 + i;
  }
  if (open_last) rows[n - 1].open = 1;
  fh_buf_reset(&buf);
  ASSERT_EQ(fh_enc_ok_history(&buf, 1, 1, rows, n, 0, 0), 0);
  decode(ev);
}

/* The day table keeps whole days (a row starting before `from` holds
 * part of its day), the last 7 of them; the shift starts skip the running
 * shift, merge in order, and steps stop at both ends. */
FH_TEST(history_days_and_shift_steps) {
  static const int64_t days[9][2] = {{0, 100}, {100, 200}, {200, 300}, {300, 400},
                                     {400, 500}, {500, 600}, {600, 700}, {700, 800},
                                     {800, 900}};
  static const int64_t late[3][2] = {{500, 580}, {600, 680}, {700, 780}};
  static const int64_t early[2][2] = {{300, 380}, {600, 680}};
  model m;
  fh_event ev;
  ft_model_init(&m);
  ft_model_hist_reset(&m, "L1");
  history_answer(&ev, days, 9, 1);
  ft_model_hist_days(&m, &ev, 50); /* {0, 100} is a partial day */
  ASSERT_EQ(m.hist.days_state, REPORT_OK);
  ASSERT_EQ(m.hist.ndays, 7);      /* 8 whole days, the last 7 kept */
  ASSERT_EQ(m.hist.days[0].row.start, 200);
  ASSERT_EQ(m.hist.days[6].row.start, 800);
  ASSERT_EQ(m.hist.days[6].row.open, 1);
  ASSERT_EQ(m.hist.days[6].row.good, 108);

  history_answer(&ev, late, 3, 1);  /* the running shift is not one to step to */
  ASSERT_EQ(ft_model_hist_shifts(&m, &ev, 500), 0);
  ASSERT_EQ(m.hist.nshifts, 2);
  history_answer(&ev, early, 2, 0); /* older ones, one already known */
  ASSERT_EQ(ft_model_hist_shifts(&m, &ev, 300), 0);
  ASSERT_EQ(m.hist.nshifts, 3);
  ASSERT_EQ(m.hist.shifts_from, 300);
  ASSERT_EQ(m.hist.shifts[0], 300);
  ASSERT_EQ(m.hist.shifts[2], 600);
  ASSERT_EQ(ft_model_hist_step(&m, 600, -1), 500);
  ASSERT_EQ(ft_model_hist_step(&m, 600, -2), 300);
  ASSERT_EQ(ft_model_hist_step(&m, 300, -1), 0);  /* older: not known */
  ASSERT_EQ(ft_model_hist_step(&m, 500, 1), 600);
  ASSERT_EQ(ft_model_hist_step(&m, 600, 1), 0);   /* the last closed one */
  ASSERT_EQ(ft_model_hist_step(&m, 450, -1), 0);  /* not a known start */

  fh_buf_reset(&buf);  /* an err leaves the table in words */
  ASSERT_EQ(fh_enc_err(&buf, 1, 2, FH_E_FORBIDDEN, "line", "line L1 is not yours"), 0);
  decode(&ev);
  ft_model_hist_days(&m, &ev, 0);
  ASSERT_EQ(m.hist.days_state, REPORT_ERR);
  ASSERT_EQ(m.hist.ndays, 0);
  ASSERT(strstr(m.hist.err, "line L1 is not yours") != NULL);
  ft_model_free(&m);
}

FH_TEST_MAIN(FH_TEST_ENTRY(plant_snap_fills_the_model),
             FH_TEST_ENTRY(a_broken_snap_leaves_the_model_as_it_was),
             FH_TEST_ENTRY(line_snap_and_updates),
             FH_TEST_ENTRY(news_for_new_andons_and_escalations_only_after_the_first_snap),
             FH_TEST_ENTRY(queue_order_is_unacknowledged_then_level_then_age),
             FH_TEST_ENTRY(escalation_calls_the_roles_of_the_steps_reached),
             FH_TEST_ENTRY(andon_stats_of_a_shift),
             FH_TEST_ENTRY(permit_follows_the_role_table),
             FH_TEST_ENTRY(history_days_and_shift_steps))
