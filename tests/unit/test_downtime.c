/* test_downtime.c -- stops (hub/rules/downtime.h) and their place in the
 * OEE accounting (oee.h), against hand-computed values.
 *
 * TZ=UTC, shift "early" 2024-01-15 06:00-14:00 with a break 10:00-10:30
 * (450 counted minutes), "late" 14:00-22:00.  T(h, m) is that day's time in
 * ms.  A stop is driven the way the hub drives it (hub/core/downtime.c):
 * dt_* on the event and oee_acc_stop_* on the accumulator.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "downtime.h"
#include "fh_test.h"
#include "oee.h"

#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define D0 (1705276800LL * 1000) /* 2024-01-15 00:00 UTC */
#define T(h, m) (D0 + (h) * HOUR + (m) * MIN)
#define EPS 1e-9

static const dt_limits LIM = {120 * SEC, 120 * SEC}; /* short_stop_s 120 */
static shift_def early_def, late_def;

static shift_window window(shift_def *d, const char *name, int start_h, int end_h,
                           int break_h) {
  shift_window w;
  setenv("TZ", "UTC", 1);
  tzset();
  memset(d, 0, sizeof *d);
  snprintf(d->name, sizeof d->name, "%s", name);
  d->start_min = (uint16_t)(start_h * 60);
  d->end_min = (uint16_t)(end_h * 60);
  d->nbreaks = 1;
  d->breaks[0].start_min = (uint16_t)(break_h * 60);
  d->breaks[0].end_min = (uint16_t)(break_h * 60 + 30);
  ASSERT_EQ(shift_window_at(d, 1, T(start_h, 1), &w), 0);
  return w;
}

/* The equipment: its accumulator and its open stop, as the hub keeps them. */
typedef struct eq {
  oee_acc acc;
  fh_eq_state state;
  dt_event ev;        /* the open (or last) stop */
  uint64_t next_id;
} eq;

/* A state change at ts, with the stop opening or closing as the hub does. */
static void change(eq *e, fh_eq_state s, int64_t ts) {
  int tr = dt_transition(e->state, s);
  oee_acc_state(&e->acc, s, NULL, ts);
  if (tr > 0) {
    dt_open(&e->ev, ++e->next_id, "L1", "P1", s, ts, NULL);
    oee_acc_stop_open(&e->acc, ts, FH_LOSS_UNCLASSIFIED);
  } else if (tr < 0) {
    dt_close(&e->ev, ts);
    dt_refresh(&e->ev, ts, &LIM);
    oee_acc_stop_close(&e->acc, e->ev.d.start, ts, dt_loss(&e->ev, &LIM));
  } else if (e->ev.d.end == 0 && e->next_id > 0) {
    dt_state(&e->ev, s, ts, NULL);
  }
  e->state = s;
}

/* Classifies the last (closed) stop with a reason of category cat. */
static void classify(eq *e, const char *reason, fh_loss cat) {
  fh_loss from = dt_loss(&e->ev, &LIM);
  dt_classify(&e->ev, reason, cat, NULL, "op-anna", e->ev.d.end);
  oee_acc_stop_move(&e->acc, e->ev.d.start, e->ev.d.end, from, dt_loss(&e->ev, &LIM));
}

FH_TEST(shift_with_every_kind_of_stop) {
  shift_window w = window(&early_def, "early", 6, 14, 10);
  eq e = {.state = FH_EQ_RUNNING};
  fh_oee o;

  oee_acc_begin(&e.acc, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  change(&e, FH_EQ_DOWN, T(7, 0));       /* breakdown, left unclassified */
  change(&e, FH_EQ_RUNNING, T(7, 40));   /* 40 min */
  ASSERT(e.ev.d.needs_reason);
  change(&e, FH_EQ_IDLE, T(8, 0));       /* 1 min: a short stop */
  change(&e, FH_EQ_RUNNING, T(8, 1));
  ASSERT(e.ev.d.short_stop);
  ASSERT(!e.ev.d.needs_reason);
  change(&e, FH_EQ_CHANGEOVER, T(9, 0)); /* 20 min, classified setup */
  change(&e, FH_EQ_RUNNING, T(9, 20));
  classify(&e, "setup", FH_LOSS_CHANGEOVER);
  change(&e, FH_EQ_DOWN, T(9, 50));      /* across the break: 20 counted */
  change(&e, FH_EQ_RUNNING, T(10, 40));
  classify(&e, "meeting", FH_LOSS_PLANNED);
  change(&e, FH_EQ_PLANNED_STOP, T(11, 0)); /* no stop: a planned stop */
  change(&e, FH_EQ_RUNNING, T(11, 30));
  ASSERT_UINT_EQ(e.next_id, 4);
  oee_acc_count(&e.acc, 600, 12); /* 20 rejects, 17 with reasons */
  oee_acc_reject_reason(&e.acc, "scratch", 12);
  oee_acc_count(&e.acc, 0, 5);
  oee_acc_reject_reason(&e.acc, "dent", 5);
  oee_acc_count(&e.acc, 0, 3);
  oee_acc_compute(&e.acc, T(14, 0), "P1", &o);

  /* running 60+20+59+30+20+150 = 339; down 40+20; idle 1; changeover 20;
   * planned_stop 30: 450 counted minutes */
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_RUNNING], 339 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 60 * MIN);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 40 * MIN);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_SMALL_STOP], 1 * MIN);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_CHANGEOVER], 20 * MIN);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_PLANNED], 20 * MIN);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNPLANNED], 0);
  ASSERT_UINT_EQ(o.small_stop_ms, 1 * MIN);
  ASSERT_UINT_EQ(o.not_monitored_ms, 0);
  /* planned = 450 - 30 planned_stop - 20 planned = 400; run = 339 + 1 */
  ASSERT_UINT_EQ(o.planned_ms, 400 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 340 * MIN);
  ASSERT_DBL_NEAR(o.availability, 0.85, EPS);
  ASSERT_DBL_NEAR(o.performance, 30.0 * 620 / (340 * 60), EPS); /* 0.91176 */
  ASSERT_DBL_NEAR(o.quality, 600.0 / 620, EPS);
  ASSERT_DBL_NEAR(o.oee, 0.75, EPS); /* 0.85 * 18000 / 20400 */
  /* rejects by reason, largest first; the 3 without one are in reject */
  ASSERT_UINT_EQ(o.reject, 20);
  ASSERT_UINT_EQ(o.nrejects, 2);
  ASSERT_STR_EQ(o.rejects[0].reason, "scratch");
  ASSERT_UINT_EQ(o.rejects[0].count, 12);
  ASSERT_STR_EQ(o.rejects[1].reason, "dent");
  ASSERT_UINT_EQ(o.rejects[1].count, 5);
}

FH_TEST(reclassify_moves_time_once) {
  shift_window w = window(&early_def, "early", 6, 14, 10);
  eq e = {.state = FH_EQ_RUNNING};
  fh_oee o;

  oee_acc_begin(&e.acc, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  change(&e, FH_EQ_DOWN, T(7, 0));
  change(&e, FH_EQ_RUNNING, T(7, 30));
  classify(&e, "meeting", FH_LOSS_PLANNED);
  classify(&e, "bearing", FH_LOSS_UNPLANNED); /* an operator corrects it */
  oee_acc_compute(&e.acc, T(8, 0), "P1", &o);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_PLANNED], 0);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNPLANNED], 30 * MIN);
  ASSERT_UINT_EQ(o.planned_ms, 120 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 90 * MIN);
}

FH_TEST(stop_across_shift_end) {
  shift_window w = window(&early_def, "early", 6, 14, 10);
  shift_window l = window(&late_def, "late", 14, 22, 18);
  eq e = {.state = FH_EQ_RUNNING};
  fh_oee o;

  oee_acc_begin(&e.acc, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  change(&e, FH_EQ_DOWN, T(13, 50));
  oee_acc_compute(&e.acc, T(14, 0), "P1", &o); /* the early shift closes */
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 10 * MIN);
  ASSERT_UINT_EQ(o.planned_ms, 450 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 440 * MIN);
  /* the late shift begins with the stop open since 13:50 */
  oee_acc_begin(&e.acc, &l, 30000, FH_EQ_DOWN, NULL, T(14, 0));
  oee_acc_stop_open(&e.acc, e.ev.d.start, FH_LOSS_UNCLASSIFIED);
  change(&e, FH_EQ_RUNNING, T(14, 20));
  oee_acc_compute(&e.acc, T(15, 0), "P1", &o);
  ASSERT_UINT_EQ(e.ev.d.duration_ms, 30 * MIN);
  ASSERT_UINT_EQ(o.losses[FH_LOSS_UNCLASSIFIED], 20 * MIN); /* its share */
  ASSERT_UINT_EQ(o.planned_ms, 60 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 40 * MIN);
}

FH_TEST(not_monitored_first_shift) {
  shift_window w = window(&early_def, "early", 6, 14, 10);
  eq e = {.state = FH_EQ_UNKNOWN};
  fh_oee o;

  /* a fresh install at 11:00: 06:00-11:00 (270 counted) is not monitored,
   * and so is 11:00-11:10 until the first state arrives */
  oee_acc_begin(&e.acc, &w, 30000, FH_EQ_UNKNOWN, NULL, T(11, 0));
  change(&e, FH_EQ_RUNNING, T(11, 10)); /* unknown -> running: no stop */
  ASSERT_UINT_EQ(e.next_id, 0);
  oee_acc_count(&e.acc, 100, 0);
  oee_acc_compute(&e.acc, T(12, 0), "P1", &o);
  ASSERT_UINT_EQ(o.not_monitored_ms, 280 * MIN);
  ASSERT_UINT_EQ(o.planned_ms, 50 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 50 * MIN);
  ASSERT_DBL_NEAR(o.availability, 1.0, EPS);
  ASSERT_DBL_NEAR(o.oee, 30.0 * 100 / (50 * 60), EPS); /* P = 1.0 */
}

FH_TEST(split_gives_each_part_its_states) {
  dt_event ev, before;
  dt_open(&ev, 1, "L1", "P1", FH_EQ_DOWN, T(7, 0), "jam");
  dt_state(&ev, FH_EQ_IDLE, T(7, 10), NULL);
  dt_state(&ev, FH_EQ_DOWN, T(7, 30), NULL);
  dt_close(&ev, T(7, 40));
  dt_classify(&ev, "bearing", FH_LOSS_UNPLANNED, "noisy", "mt-ben", T(7, 45));
  ASSERT_EQ(dt_split(&ev, T(7, 0), 9, T(8, 0), &before), -EDOM);  /* at start */
  ASSERT_EQ(dt_split(&ev, T(7, 40), 9, T(8, 0), &before), -EDOM); /* at end */
  ASSERT_EQ(dt_split(&ev, T(7, 20), 9, T(8, 0), &before), 0);
  dt_refresh(&before, T(8, 0), &LIM);
  dt_refresh(&ev, T(8, 0), &LIM);
  /* before [07:00, 07:20): down 10, idle 10; a new id, unclassified */
  ASSERT_UINT_EQ(before.d.id, 9);
  ASSERT_EQ(before.d.start, T(7, 0));
  ASSERT_EQ(before.d.end, T(7, 20));
  ASSERT_UINT_EQ(before.d.states[FH_EQ_DOWN], 10 * MIN);
  ASSERT_UINT_EQ(before.d.states[FH_EQ_IDLE], 10 * MIN);
  ASSERT_STR_EQ(before.d.reason, "");
  ASSERT_STR_EQ(before.d.machine_reason, "jam");
  ASSERT(before.d.needs_reason);
  /* after [07:20, 07:40): idle 10, down 10; keeps id and reason */
  ASSERT_UINT_EQ(ev.d.id, 1);
  ASSERT_EQ(ev.d.start, T(7, 20));
  ASSERT_UINT_EQ(ev.d.states[FH_EQ_IDLE], 10 * MIN);
  ASSERT_UINT_EQ(ev.d.states[FH_EQ_DOWN], 10 * MIN);
  ASSERT_UINT_EQ(ev.d.duration_ms, 20 * MIN);
  ASSERT_STR_EQ(ev.d.reason, "bearing");
  ASSERT_STR_EQ(ev.d.category, "unplanned");
}

FH_TEST(split_open_stop_and_overflow) {
  dt_event ev, before;
  dt_open(&ev, 3, "L1", "P1", FH_EQ_DOWN, T(7, 0), NULL);
  ASSERT_EQ(dt_split(&ev, T(7, 30), 4, T(7, 20), &before), -EDOM); /* future */
  ASSERT_EQ(dt_split(&ev, T(7, 10), 4, T(7, 20), &before), 0);
  dt_refresh(&ev, T(7, 20), &LIM);
  ASSERT_EQ(ev.d.end, 0);
  ASSERT_UINT_EQ(ev.d.states[FH_EQ_DOWN], 10 * MIN);
  for (int i = 1; i <= DT_SEGMENTS_MAX; i++)
    dt_state(&ev, i % 2 ? FH_EQ_IDLE : FH_EQ_DOWN, T(7, 10) + i * SEC, NULL);
  ASSERT(ev.seg_overflow);
  dt_refresh(&ev, T(7, 20), &LIM); /* the totals stay exact */
  ASSERT_UINT_EQ(ev.d.states[FH_EQ_DOWN] + ev.d.states[FH_EQ_IDLE], 10 * MIN);
  ASSERT_EQ(dt_split(&ev, T(7, 15), 5, T(7, 20), &before), -E2BIG);
}

FH_TEST(store_record_round_trip) {
  dt_event ev, back;
  fh_buf b;
  dt_open(&ev, 7, "L2", "L2-WELD1", FH_EQ_BLOCKED, T(9, 0), "E42");
  dt_state(&ev, FH_EQ_STARVED, T(9, 5), NULL);
  dt_classify(&ev, "setup", FH_LOSS_CHANGEOVER, "die change", "sm-eva", T(9, 6));
  dt_refresh(&ev, T(9, 6), &LIM);
  fh_buf_init(&b, 0);
  ASSERT_EQ(dt_encode(&ev, &b), 0);
  ASSERT_EQ(dt_decode(&back, fh_buf_payload(&b), fh_buf_payload_len(&b)), 0);
  ASSERT_MEM_EQ(&back.d, &ev.d, sizeof ev.d);
  ASSERT_EQ(back.nseg, 2);
  ASSERT_EQ(back.cur, FH_EQ_STARVED);
  ASSERT_EQ(back.cur_since, T(9, 5));
  /* truncated and empty records are refused */
  ASSERT_EQ(dt_decode(&back, fh_buf_payload(&b), fh_buf_payload_len(&b) - 1), -EINVAL);
  ASSERT_EQ(dt_decode(&back, (const uint8_t *)"\x80", 1), -EINVAL);
  fh_buf_free(&b);
}

/* Stores and restores the accumulator: the copy equals it. */
static void round_trip(oee_acc *a) {
  oee_acc back;
  fh_buf b;
  fh_buf_init(&b, 0);
  ASSERT_EQ(oee_acc_encode(a, &b), 0);
  memset(&back, 0, sizeof back);
  ASSERT_EQ(oee_acc_decode(&back, fh_buf_payload(&b), fh_buf_payload_len(&b)), 0);
  back.win.def = a->win.def; /* not stored */
  ASSERT_UINT_EQ(back.nrejects, a->nrejects);
  for (size_t i = 0; i < a->nrejects; i++) {
    ASSERT_STR_EQ(back.rejects[i].reason, a->rejects[i].reason);
    ASSERT_UINT_EQ(back.rejects[i].ms, a->rejects[i].ms);
  }
  *a = back;
  fh_buf_free(&b);
}

FH_TEST(line_at_the_constraint) {
  shift_window w = window(&early_def, "early", 6, 14, 10);
  oee_acc a, b, c;
  const oee_acc *accs[3] = {&a, &b, &c};
  fh_oee o;
  /* A (20 s) -> B (30 s, the constraint) -> C (25 s, the output), all
   * running the whole shift (450 min = 27000 s) */
  oee_acc_begin(&a, &w, 20000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_begin(&b, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_begin(&c, &w, 25000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&b, FH_EQ_DOWN, NULL, T(7, 0)); /* B down 45 min */
  oee_acc_state(&b, FH_EQ_RUNNING, NULL, T(7, 45));
  oee_acc_count(&a, 900, 10);
  oee_acc_reject_reason(&a, "dent", 10);
  oee_acc_count(&b, 850, 15);
  oee_acc_reject_reason(&b, "scratch", 15);
  oee_acc_count(&b, 0, 5);
  oee_acc_reject_reason(&b, "dent", 5);
  oee_acc_count(&c, 800, 20);
  oee_acc_reject_reason(&c, "scratch", 20);
  round_trip(&b); /* the rejects by reason are stored with the accounting */
  oee_line_constraint(accs, 3, 1, 2, T(14, 0), "L1", &o);
  /* planned 450, run 405 (B's); good 800 (C's); reject 10+20+20 = 50 */
  ASSERT_UINT_EQ(o.planned_ms, 450 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 405 * MIN);
  ASSERT_UINT_EQ(o.good, 800);
  ASSERT_UINT_EQ(o.reject, 50);
  ASSERT_DBL_NEAR(o.availability, 0.9, EPS);
  ASSERT_DBL_NEAR(o.performance, 30.0 * 850 / (405 * 60), EPS); /* 1.0494 */
  ASSERT_DBL_NEAR(o.quality, 800.0 / 850, EPS);
  ASSERT_DBL_NEAR(o.oee, 0.9 * 1.0 * (800.0 / 850), EPS); /* P capped */
  /* scrapped anywhere: scratch 15 + 20 = 35, dent 10 + 5 = 15 */
  ASSERT_UINT_EQ(o.nrejects, 2);
  ASSERT_STR_EQ(o.rejects[0].reason, "scratch");
  ASSERT_UINT_EQ(o.rejects[0].count, 35);
  ASSERT_STR_EQ(o.rejects[1].reason, "dent");
  ASSERT_UINT_EQ(o.rejects[1].count, 15);
}

/* A run's changeover (runs.h): the stop's time in machine state changeover
 * inside the window, or all its time there once classified in category
 * changeover.  Stop 08:00-09:00: down 08:00, changeover 08:10, idle 08:40;
 * window 08:20-09:30.  Changeover state inside: 08:20-08:40 = 20 min. */
FH_TEST(changeover_inside_a_window) {
  dt_event ev;

  dt_open(&ev, 1, "L1", "PRESS", FH_EQ_DOWN, T(8, 0), NULL);
  dt_state(&ev, FH_EQ_CHANGEOVER, T(8, 10), NULL);
  /* open, up to `to` 08:30: 08:20-08:30 */
  ASSERT_UINT_EQ(dt_changeover_ms(&ev, T(8, 20), T(8, 30)), 10 * MIN);
  dt_state(&ev, FH_EQ_IDLE, T(8, 40), NULL);
  dt_close(&ev, T(9, 0));
  ASSERT_UINT_EQ(dt_changeover_ms(&ev, T(8, 20), T(9, 30)), 20 * MIN);
  ASSERT_UINT_EQ(dt_changeover_ms(&ev, T(7, 0), T(9, 30)), 30 * MIN);
  ASSERT_UINT_EQ(dt_changeover_ms(&ev, T(9, 0), T(9, 30)), 0);
  /* classified as a changeover reason: the whole overlap, 08:20-09:00 */
  dt_classify(&ev, "setup", FH_LOSS_CHANGEOVER, NULL, "op1", T(9, 5));
  ASSERT_UINT_EQ(dt_changeover_ms(&ev, T(8, 20), T(9, 30)), 40 * MIN);
}

static const fh_test_entry tests[] = {
    FH_TEST_ENTRY(shift_with_every_kind_of_stop),
    FH_TEST_ENTRY(reclassify_moves_time_once),
    FH_TEST_ENTRY(stop_across_shift_end),
    FH_TEST_ENTRY(not_monitored_first_shift),
    FH_TEST_ENTRY(split_gives_each_part_its_states),
    FH_TEST_ENTRY(split_open_stop_and_overflow),
    FH_TEST_ENTRY(store_record_round_trip),
    FH_TEST_ENTRY(line_at_the_constraint),
    FH_TEST_ENTRY(changeover_inside_a_window),
};

int main(int argc, char **argv) {
  return fh_test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
