/* test_oee.c -- the OEE engine against hand-computed values.
 *
 * Unless a test says otherwise: TZ=UTC, shift "early" 2024-01-15 06:00-14:00
 * with a break 10:00-10:30, so a whole shift has 480 - 30 = 450 min of
 * planned time.  T(h, m) is that day's wall-clock time in ms.  The expected
 * values are worked out in the comments; ratios are compared to 1e-9.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fh_test.h"
#include "oee.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define D0 (1705276800LL * 1000) /* 2024-01-15 00:00 UTC */
#define T(h, m) (D0 + (h) * HOUR + (m) * MIN)
#define EPS 1e-9

static shift_def early_def, late_def;

static void use_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

static shift_def make_def(const char *name, int start_h, int end_h,
                          int break_h, int break_m) {
  shift_def d;
  memset(&d, 0, sizeof d);
  snprintf(d.name, sizeof d.name, "%s", name);
  d.start_min = (uint16_t)(start_h * 60);
  d.end_min = (uint16_t)(end_h * 60);
  d.nbreaks = 1;
  d.breaks[0].start_min = (uint16_t)(break_h * 60 + break_m);
  d.breaks[0].end_min = (uint16_t)(break_h * 60 + break_m + 30);
  return d;
}

/* The early shift of D0 (and the late one, 14-22 with break 18:00-18:30). */
static shift_window early(void) {
  shift_window w;
  use_tz("UTC");
  early_def = make_def("early", 6, 14, 10, 0);
  late_def = make_def("late", 14, 22, 18, 0);
  ASSERT_EQ(shift_window_at(&early_def, 1, T(7, 0), &w), 0);
  return w;
}

static void assert_no_nan(const fh_oee *o) {
  ASSERT(isfinite(o->availability) && isfinite(o->performance));
  ASSERT(isfinite(o->quality) && isfinite(o->oee));
  ASSERT(isfinite(o->mttr_s) && isfinite(o->mtbf_s));
}

FH_TEST(full_shift_known_values) {
  shift_window w = early();
  oee_acc a;
  fh_oee o, later;
  /* 06:00-07:00 running 60, 07:00-07:30 down "jam" 30, 07:30-12:00 running
   * 270 - 30 break = 240, 12:00-12:20 idle "no_operator" 20, 12:20-14:00
   * running 100.  run = 400 min, planned = 450 min. */
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&a, FH_EQ_DOWN, "jam", T(7, 0));
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(7, 30));
  oee_acc_state(&a, FH_EQ_IDLE, "no_operator", T(12, 0));
  oee_acc_state(&a, FH_EQ_RUNNING, "", T(12, 20));
  oee_acc_count(&a, 500, 15);
  oee_acc_count(&a, 200, 5);
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  ASSERT_STR_EQ(o.line, "press-1");
  ASSERT_STR_EQ(o.shift, "early");
  ASSERT_EQ(o.shift_start, T(6, 0));
  ASSERT_EQ(o.shift_end, T(14, 0));
  ASSERT_UINT_EQ(o.planned_ms, 450 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 400 * MIN);
  ASSERT_UINT_EQ(o.good, 700);
  ASSERT_UINT_EQ(o.reject, 20);
  ASSERT_DBL_NEAR(o.availability, 400.0 / 450, EPS);   /* 0.8889 */
  /* P = 30 s * 720 = 360 min / 400 min = 0.9 */
  ASSERT_DBL_NEAR(o.performance, 0.9, EPS);
  ASSERT_DBL_NEAR(o.quality, 700.0 / 720, EPS);        /* 0.9722 */
  ASSERT_DBL_NEAR(o.oee, 7.0 / 9, EPS);                /* 8/9*0.9*35/36 */
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_RUNNING], 400 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 30 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_IDLE], 20 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_UNKNOWN], 0);
  ASSERT_EQ(o.nreasons, 2);
  ASSERT_STR_EQ(o.reasons[0].reason, "jam");
  ASSERT_UINT_EQ(o.reasons[0].ms, 30 * MIN);
  ASSERT_STR_EQ(o.reasons[1].reason, "no_operator");
  ASSERT_UINT_EQ(o.reasons[1].ms, 20 * MIN);
  ASSERT_EQ(o.down_events, 1);
  ASSERT_DBL_NEAR(o.mttr_s, 1800, EPS);
  ASSERT_DBL_NEAR(o.mtbf_s, 24000, EPS);
  /* after the shift end nothing grows any more */
  oee_acc_compute(&a, T(15, 0), "press-1", &later);
  ASSERT_MEM_EQ(&o, &later, sizeof o);
}

FH_TEST(mid_shift_includes_open_interval) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&a, FH_EQ_DOWN, "jam", T(7, 0));
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(7, 30));
  /* at 10:15: elapsed 255 - 15 break = 240 planned; run 60 + 150 = 210 */
  oee_acc_compute(&a, T(10, 15), "press-1", &o);
  ASSERT_UINT_EQ(o.planned_ms, 240 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 210 * MIN);
  ASSERT_DBL_NEAR(o.availability, 0.875, EPS);
  /* compute does not change the accumulator */
  ASSERT_UINT_EQ(a.state_ms[FH_EQ_RUNNING], 60 * MIN);
  ASSERT_EQ(a.since, T(7, 30));
}

FH_TEST(planned_stop_not_planned_time) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  /* 06:00-08:00 planned_stop 120 min, then running 360 - 30 = 330 min.
   * planned = 480 - 30 - 120 = 330, A = 1; P = 600 * 30 s = 300 min / 330 */
  oee_acc_begin(&a, &w, 30000, FH_EQ_PLANNED_STOP, "no_order", T(6, 0));
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(8, 0));
  oee_acc_count(&a, 600, 0);
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  ASSERT_UINT_EQ(o.planned_ms, 330 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 330 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_PLANNED_STOP], 120 * MIN);
  ASSERT_DBL_NEAR(o.availability, 1.0, EPS);
  ASSERT_DBL_NEAR(o.performance, 300.0 / 330, EPS);
  ASSERT_DBL_NEAR(o.quality, 1.0, EPS);
  ASSERT_DBL_NEAR(o.oee, 300.0 / 330, EPS);
  ASSERT_EQ(o.nreasons, 1);
  ASSERT_STR_EQ(o.reasons[0].reason, "no_order");
}

FH_TEST(no_counts_gives_zero_not_nan) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  assert_no_nan(&o);
  ASSERT_DBL_NEAR(o.availability, 1.0, EPS);
  ASSERT(o.performance == 0.0);
  ASSERT(o.quality == 0.0);
  ASSERT(o.oee == 0.0);
  ASSERT(o.mttr_s == 0.0 && o.mtbf_s == 0.0);
  ASSERT_EQ(o.down_events, 0);
}

FH_TEST(zero_planned_time_all_zero) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  /* whole shift planned_stop */
  oee_acc_begin(&a, &w, 30000, FH_EQ_PLANNED_STOP, NULL, T(6, 0));
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  assert_no_nan(&o);
  ASSERT_UINT_EQ(o.planned_ms, 0);
  ASSERT(o.availability == 0.0 && o.performance == 0.0);
  ASSERT(o.quality == 0.0 && o.oee == 0.0);
  /* counts without run time: P stays 0 (not inf), Q has its own
   * denominator (10 / 10), OEE is 0 */
  oee_acc_count(&a, 10, 0);
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  assert_no_nan(&o);
  ASSERT(o.performance == 0.0 && o.availability == 0.0 && o.oee == 0.0);
  ASSERT_DBL_NEAR(o.quality, 1.0, EPS);
  /* now == shift start: nothing elapsed */
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_compute(&a, T(6, 0), "press-1", &o);
  assert_no_nan(&o);
  ASSERT_UINT_EQ(o.planned_ms, 0);
  ASSERT_UINT_EQ(o.run_ms, 0);
  ASSERT(o.availability == 0.0 && o.performance == 0.0);
  ASSERT(o.quality == 0.0 && o.oee == 0.0);
}

FH_TEST(state_change_on_shift_boundary) {
  shift_window w = early(), w2;
  oee_acc old_acc, new_acc;
  fh_oee o;
  ASSERT_EQ(shift_window_at(&late_def, 1, T(14, 0), &w2), 0);
  oee_acc_begin(&old_acc, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  /* without any event the open interval stops at 14:00: run 450 min */
  oee_acc_compute(&old_acc, T(15, 0), "press-1", &o);
  ASSERT_UINT_EQ(o.run_ms, 450 * MIN);
  /* "down" at exactly 14:00 belongs to the late shift */
  oee_acc_state(&old_acc, FH_EQ_DOWN, "jam", T(14, 0));
  oee_acc_begin(&new_acc, &w2, 30000, FH_EQ_DOWN, "jam", T(14, 0));
  oee_acc_compute(&old_acc, T(15, 0), "press-1", &o);
  ASSERT_UINT_EQ(o.run_ms, 450 * MIN);
  ASSERT_UINT_EQ(o.planned_ms, 450 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 0);
  ASSERT_EQ(o.down_events, 0);
  ASSERT_EQ(o.nreasons, 0);
  oee_acc_compute(&new_acc, T(15, 0), "press-1", &o);
  ASSERT_STR_EQ(o.shift, "late");
  ASSERT_EQ(o.shift_start, T(14, 0));
  ASSERT_UINT_EQ(o.planned_ms, 60 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 60 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_UNKNOWN], 0);
  ASSERT_EQ(o.down_events, 1);
  ASSERT_DBL_NEAR(o.mttr_s, 3600, EPS);
}

FH_TEST(state_change_inside_break) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  /* running 06:00-10:10 = 240 (10:00-10:10 is break), down 10:10-11:00 =
   * 30 (20 min of it is break), running 11:00-14:00 = 180 */
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&a, FH_EQ_DOWN, "jam", T(10, 10));
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(11, 0));
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  ASSERT_UINT_EQ(o.planned_ms, 450 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 420 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 30 * MIN);
  ASSERT_DBL_NEAR(o.availability, 420.0 / 450, EPS);
  ASSERT_EQ(o.down_events, 1);
  ASSERT_DBL_NEAR(o.mttr_s, 1800, EPS);
}

FH_TEST(late_event_is_clamped) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&a, FH_EQ_DOWN, NULL, T(8, 0));
  /* a ts before `since` is taken as `since`: the down lasted 0 */
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(7, 0));
  ASSERT_EQ(a.since, T(8, 0));
  oee_acc_compute(&a, T(9, 0), "press-1", &o);
  ASSERT_UINT_EQ(o.run_ms, 180 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 0);
}

FH_TEST(begin_mid_shift_is_not_monitored) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  /* hub started at 08:00 with no stored accounting: 06:00-08:00 is not
   * monitored -- neither planned nor run, and not a loss */
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(8, 0));
  oee_acc_compute(&a, T(9, 0), "press-1", &o);
  ASSERT_UINT_EQ(o.not_monitored_ms, 120 * MIN);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_UNKNOWN], 0);
  ASSERT_UINT_EQ(o.run_ms, 60 * MIN);
  ASSERT_UINT_EQ(o.planned_ms, 60 * MIN);
  ASSERT_DBL_NEAR(o.availability, 1.0, EPS);
}

FH_TEST(down_at_shift_start_is_an_event) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  /* down since 05:00 (before the shift): counted from 06:00 */
  oee_acc_begin(&a, &w, 30000, FH_EQ_DOWN, "jam", T(5, 0));
  oee_acc_compute(&a, T(7, 0), "press-1", &o);
  ASSERT_EQ(o.down_events, 1);
  ASSERT_UINT_EQ(o.state_ms[FH_EQ_DOWN], 60 * MIN);
  ASSERT_UINT_EQ(o.planned_ms, 60 * MIN);
  ASSERT_DBL_NEAR(o.mttr_s, 3600, EPS);
  ASSERT(o.mtbf_s == 0.0);
}

/* The sequence of the restart test, in two halves. */
static void restart_first_half(oee_acc *a, const shift_window *w) {
  oee_acc_begin(a, w, 20000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(a, FH_EQ_DOWN, "jam", T(7, 0));
  oee_acc_count(a, 100, 5);
  oee_acc_state(a, FH_EQ_RUNNING, NULL, T(7, 30));
  oee_acc_count(a, 200, 3);
  oee_acc_state(a, FH_EQ_DOWN, "tool", T(9, 0));
}

static void restart_second_half(oee_acc *a) {
  oee_acc_state(a, FH_EQ_RUNNING, NULL, T(11, 0));
  oee_acc_count(a, 400, 2);
}

FH_TEST(restart_mid_shift_continues) {
  shift_window w = early();
  oee_acc straight, restored;
  fh_oee o1, o2;
  fh_buf b;
  fh_buf_init(&b, 0);
  restart_first_half(&straight, &w);
  /* the hub stores at 09:30 and restarts; the down since 09:00 goes on */
  ASSERT_EQ(oee_acc_encode(&straight, &b), 0);
  memset(&restored, 0x77, sizeof restored);
  ASSERT_EQ(oee_acc_decode(&restored, fh_buf_payload(&b),
                           fh_buf_payload_len(&b)), 0);
  ASSERT(restored.win.def == NULL);
  ASSERT_STR_EQ(restored.shift, "early");
  ASSERT_EQ(restored.state, FH_EQ_DOWN);
  ASSERT_STR_EQ(restored.reason, "tool");
  ASSERT_EQ(restored.since, T(9, 0));
  ASSERT_EQ(restored.win.break_start_ms[0], T(10, 0));
  restart_second_half(&straight);
  restart_second_half(&restored);
  oee_acc_compute(&straight, T(13, 0), "press-1", &o1);
  oee_acc_compute(&restored, T(13, 0), "press-1", &o2);
  ASSERT_MEM_EQ(&o1, &o2, sizeof o1);
  /* run 60 + 90 + 120 = 270; down 30 + (120 - 30 break) = 120;
   * planned 420 - 30 = 390; pieces 710 * 20 s = 14200 s */
  ASSERT_UINT_EQ(o2.run_ms, 270 * MIN);
  ASSERT_UINT_EQ(o2.state_ms[FH_EQ_DOWN], 120 * MIN);
  ASSERT_UINT_EQ(o2.planned_ms, 390 * MIN);
  ASSERT_DBL_NEAR(o2.availability, 270.0 / 390, EPS);
  ASSERT_DBL_NEAR(o2.performance, 14200.0 / 16200, EPS);
  ASSERT_DBL_NEAR(o2.quality, 700.0 / 710, EPS);
  ASSERT_DBL_NEAR(o2.oee, 270.0 / 390 * 14200.0 / 16200 * 700.0 / 710, EPS);
  ASSERT_EQ(o2.down_events, 2);
  ASSERT_DBL_NEAR(o2.mttr_s, 3600, EPS);
  ASSERT_DBL_NEAR(o2.mtbf_s, 8100, EPS);
  ASSERT_STR_EQ(o2.reasons[0].reason, "tool");
  ASSERT_UINT_EQ(o2.reasons[0].ms, 90 * MIN);
  fh_buf_free(&b);
}

FH_TEST(decode_rejects_bad_bytes) {
  shift_window w = early();
  oee_acc a, before;
  fh_buf b;
  static const uint8_t version_only[] = {0x81, 0xa1, 'v', 0x01};
  static const uint8_t not_a_map[] = {0x93, 0x01, 0x02, 0x03};
  fh_buf_init(&b, 0);
  restart_first_half(&a, &w);
  memcpy(&before, &a, sizeof a);
  ASSERT_EQ(oee_acc_encode(&a, &b), 0);
  ASSERT_EQ(oee_acc_decode(&a, fh_buf_payload(&b), fh_buf_payload_len(&b) - 1),
            -EINVAL);
  ASSERT_EQ(oee_acc_decode(&a, version_only, sizeof version_only), -EINVAL);
  ASSERT_EQ(oee_acc_decode(&a, not_a_map, sizeof not_a_map), -EINVAL);
  ASSERT_EQ(oee_acc_decode(&a, fh_buf_payload(&b), 0), -EINVAL);
  /* version 2 is not ours: "v" is the first value, a positive fixint */
  fh_buf_payload(&b)[3] = 0x02;
  ASSERT_EQ(oee_acc_decode(&a, fh_buf_payload(&b), fh_buf_payload_len(&b)),
            -EINVAL);
  ASSERT_MEM_EQ(&a, &before, sizeof a);
  /* a negative time cannot be stored */
  a.since = -1;
  fh_buf_reset(&b);
  ASSERT_EQ(oee_acc_encode(&a, &b), -ERANGE);
  fh_buf_free(&b);
}

FH_TEST(line_oee_from_sums) {
  shift_window w = early();
  oee_acc eq1, eq2;
  const oee_acc *accs[2] = {&eq1, &eq2};
  fh_oee line, o1, o2;
  /* eq1 (ideal 30 s): running all shift 450 min, 800 good -> 400 min ideal.
   * eq2 (ideal 60 s): down "jam" 08:00-09:00, run 390 min, 300 good + 20
   * reject -> 320 min ideal. */
  oee_acc_begin(&eq1, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_count(&eq1, 800, 0);
  oee_acc_begin(&eq2, &w, 60000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&eq2, FH_EQ_DOWN, "jam", T(8, 0));
  oee_acc_state(&eq2, FH_EQ_RUNNING, NULL, T(9, 0));
  oee_acc_count(&eq2, 300, 20);
  oee_line_compute(accs, 2, T(14, 0), "L1", &line);
  ASSERT_STR_EQ(line.line, "L1");
  ASSERT_STR_EQ(line.shift, "early");
  ASSERT_UINT_EQ(line.planned_ms, 900 * MIN);
  ASSERT_UINT_EQ(line.run_ms, 840 * MIN);
  ASSERT_UINT_EQ(line.good, 1100);
  ASSERT_UINT_EQ(line.reject, 20);
  ASSERT_DBL_NEAR(line.availability, 840.0 / 900, EPS);
  ASSERT_DBL_NEAR(line.performance, 720.0 / 840, EPS);
  ASSERT_DBL_NEAR(line.quality, 1100.0 / 1120, EPS);
  ASSERT_DBL_NEAR(line.oee, 44.0 / 56, EPS); /* 14/15 * 6/7 * 55/56 */
  ASSERT_UINT_EQ(line.state_ms[FH_EQ_DOWN], 60 * MIN);
  ASSERT_EQ(line.down_events, 1);
  ASSERT_DBL_NEAR(line.mttr_s, 3600, EPS);
  ASSERT_DBL_NEAR(line.mtbf_s, 50400, EPS);
  /* not the mean of the equipment OEEs (8/9 and 2/3 -> 0.7778) */
  oee_acc_compute(&eq1, T(14, 0), "eq1", &o1);
  oee_acc_compute(&eq2, T(14, 0), "eq2", &o2);
  ASSERT_DBL_NEAR(o1.oee, 8.0 / 9, EPS);
  ASSERT_DBL_NEAR(o2.oee, 2.0 / 3, EPS);
  ASSERT(fabs(line.oee - (o1.oee + o2.oee) / 2) > 0.005);
  /* no equipment: a zero record */
  oee_line_compute(accs, 0, T(14, 0), "L2", &line);
  assert_no_nan(&line);
  ASSERT_STR_EQ(line.line, "L2");
  ASSERT_UINT_EQ(line.planned_ms, 0);
  ASSERT(line.oee == 0.0);
}

FH_TEST(performance_raw_but_capped_in_oee) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  /* run 450 min; 1000 pieces * 30 s = 500 min -> P = 10/9 */
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_count(&a, 1000, 0);
  oee_acc_compute(&a, T(14, 0), "press-1", &o);
  ASSERT_DBL_NEAR(o.performance, 500.0 / 450, EPS);
  ASSERT_DBL_NEAR(o.oee, 1.0, EPS);
}

FH_TEST(reasons_ranked_largest_first) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  char name[8];
  int64_t t = T(6, 0);
  /* r01..r10 for 1..10 min from 06:00 to 06:55, r03 again 20 min (23 in
   * all), then r11 open from 07:15: 30 min at 07:45 */
  oee_acc_begin(&a, &w, 30000, FH_EQ_IDLE, "r01", t);
  for (int i = 2; i <= 10; i++) {
    t += (i - 1) * MIN;
    snprintf(name, sizeof name, "r%02d", i);
    oee_acc_state(&a, FH_EQ_IDLE, name, t);
  }
  oee_acc_state(&a, FH_EQ_IDLE, "r03", T(6, 55));
  oee_acc_state(&a, FH_EQ_DOWN, "r11", T(7, 15));
  oee_acc_compute(&a, T(7, 45), "press-1", &o);
  ASSERT_EQ(o.nreasons, FH_OEE_REASONS_MAX);
  ASSERT_STR_EQ(o.reasons[0].reason, "r11");
  ASSERT_UINT_EQ(o.reasons[0].ms, 30 * MIN);
  ASSERT_STR_EQ(o.reasons[1].reason, "r03");
  ASSERT_UINT_EQ(o.reasons[1].ms, 23 * MIN);
  for (int k = 2; k < FH_OEE_REASONS_MAX; k++) { /* r10, r09, ... r05 */
    snprintf(name, sizeof name, "r%02d", 12 - k);
    ASSERT_STR_EQ(o.reasons[k].reason, name);
    ASSERT_UINT_EQ(o.reasons[k].ms, (uint64_t)(12 - k) * MIN);
  }
}

FH_TEST(reasons_overflow_into_other) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  char name[8];
  /* 20 reasons of 1 min each, q39 down to q20: the first 15 (q39..q25)
   * are kept by name, the last 5 go to "other" */
  oee_acc_begin(&a, &w, 30000, FH_EQ_IDLE, "q39", T(6, 0));
  for (int i = 2; i <= 21; i++) {
    snprintf(name, sizeof name, "q%02d", 40 - i);
    oee_acc_state(&a, i == 21 ? FH_EQ_RUNNING : FH_EQ_IDLE,
                  i == 21 ? NULL : name, T(6, i - 1));
  }
  ASSERT_EQ(a.nreasons, OEE_ACC_REASONS_MAX);
  ASSERT_STR_EQ(a.reasons[OEE_ACC_REASONS_MAX - 1].reason, "other");
  oee_acc_compute(&a, T(7, 0), "press-1", &o);
  ASSERT_STR_EQ(o.reasons[0].reason, "other");
  ASSERT_UINT_EQ(o.reasons[0].ms, 5 * MIN);
  ASSERT_STR_EQ(o.reasons[1].reason, "q25"); /* equal times: by name */
  ASSERT_UINT_EQ(o.reasons[1].ms, 1 * MIN);
}

FH_TEST(mttr_mtbf_two_down_periods) {
  shift_window w = early();
  oee_acc a;
  fh_oee o;
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_state(&a, FH_EQ_DOWN, "a", T(7, 0));
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(7, 10));
  oee_acc_state(&a, FH_EQ_DOWN, "b", T(9, 0));
  oee_acc_state(&a, FH_EQ_DOWN, "c", T(9, 5)); /* same period */
  /* ongoing at 09:10: down 10 + 10 = 20 min over 2 periods, run 170 min */
  oee_acc_compute(&a, T(9, 10), "press-1", &o);
  ASSERT_EQ(o.down_events, 2);
  ASSERT_DBL_NEAR(o.mttr_s, 600, EPS);
  ASSERT_DBL_NEAR(o.mtbf_s, 5100, EPS);
  /* completed at 09:20; at 12:00: down 30 min, run 60 + 110 + 160 - 30
   * break = 300 min */
  oee_acc_state(&a, FH_EQ_RUNNING, NULL, T(9, 20));
  oee_acc_compute(&a, T(12, 0), "press-1", &o);
  ASSERT_EQ(o.down_events, 2);
  ASSERT_UINT_EQ(o.run_ms, 300 * MIN);
  ASSERT_DBL_NEAR(o.mttr_s, 900, EPS);
  ASSERT_DBL_NEAR(o.mtbf_s, 9000, EPS);
}

FH_TEST(dst_night_planned_time) {
  shift_def night = make_def("night", 22, 6, 4, 0);
  shift_window w;
  oee_acc a;
  fh_oee o;
  use_tz("Europe/Berlin");
  /* 2024-03-30 22:00 CET .. 03-31 06:00 CEST is 7 h; minus 30 min break */
  ASSERT_EQ(shift_window_at(&night, 1, 1711843200LL * 1000, &w), 0);
  oee_acc_begin(&a, &w, 30000, FH_EQ_RUNNING, NULL, w.start_ms);
  oee_acc_compute(&a, w.end_ms, "press-1", &o);
  ASSERT_UINT_EQ(o.planned_ms, 390 * MIN);
  ASSERT_UINT_EQ(o.run_ms, 390 * MIN);
}

/* Production runs: Performance weighs each count with the ideal cycle of the
 * product made when it arrived.  A line of S (the constraint, own ideal
 * 2.5 s) and O (the output, own ideal 1 s), both running the whole early
 * shift except S in changeover 09:00-09:30:
 *   06:00-09:00 product A: 2.0 s at S, 0.8 s at O; O 5000 good, S 100 reject
 *   09:30-14:00 product B: 3.0 s at S, does not name O (O's own 1 s);
 *               O 4000 good and 50 reject
 * S run time: 180 + 270 - 30 (break) = 420 min = 25200 s.
 * Line: (5000 + 100) * 2 s + (4000 + 50) * 3 s = 10200 + 12150 = 22350 s,
 *   P = 22350 / 25200 = 0.886904...; with the machine's own 2.5 s for every
 *   piece it would have been 9150 * 2.5 / 25200 = 0.9077.
 * O: 5000 * 0.8 s + 4050 * 1 s = 8050 s over 450 min: P = 8050 / 27000.
 * S: 100 * 2 s = 200 s over 25200 s. */
FH_TEST(run_products_weigh_performance) {
  shift_window w = early();
  oee_acc sa, oa, back;
  const oee_acc *accs[2] = {&sa, &oa};
  fh_oee line, o, s;
  fh_buf b;

  oee_acc_begin(&sa, &w, 2500, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_begin(&oa, &w, 1000, FH_EQ_RUNNING, NULL, T(6, 0));
  oee_acc_count_run(&oa, 5000, 0, 800, 2000);
  oee_acc_count_run(&sa, 0, 100, 2000, 2000);
  oee_acc_state(&sa, FH_EQ_CHANGEOVER, NULL, T(9, 0));
  oee_acc_state(&sa, FH_EQ_RUNNING, NULL, T(9, 30));
  oee_acc_count_run(&oa, 4000, 50, 1000, 3000);
  oee_line_constraint(accs, 2, 0, 1, T(14, 0), "L1", &line);
  ASSERT_UINT_EQ(line.run_ms, 420 * MIN);
  ASSERT_UINT_EQ(line.planned_ms, 450 * MIN);
  ASSERT_UINT_EQ(line.good, 9000);
  ASSERT_UINT_EQ(line.reject, 150);
  ASSERT_DBL_NEAR(line.performance, 22350.0 / 25200, EPS);
  ASSERT_DBL_NEAR(line.availability, 420.0 / 450, EPS);
  oee_acc_compute(&oa, T(14, 0), "O", &o);
  ASSERT_DBL_NEAR(o.performance, 8050.0 / 27000, EPS);
  oee_acc_compute(&sa, T(14, 0), "S", &s);
  ASSERT_DBL_NEAR(s.performance, 200.0 / 25200, EPS);
  /* counts outside a run keep the machine's own cycle: 100 more good at O
   * weigh S's own 2.5 s in the line figure (+250 s) */
  oee_acc_count(&oa, 100, 0);
  oee_line_constraint(accs, 2, 0, 1, T(14, 0), "L1", &line);
  ASSERT_DBL_NEAR(line.performance, 22600.0 / 25200, EPS);
  /* so do the counts by hour bucket (the scoreboard), and a bucket out of
   * range is ignored */
  oee_acc_hour_count(&oa, 0, 5000, 0);
  oee_acc_hour_count(&oa, 3, 4000, 50);
  oee_acc_hour_count(&oa, TARGET_HOURS_MAX, 1, 1);
  /* the run sums survive the store */
  fh_buf_init(&b, 0);
  ASSERT_EQ(oee_acc_encode(&oa, &b), 0);
  memset(&back, 0, sizeof back);
  ASSERT_EQ(oee_acc_decode(&back, fh_buf_payload(&b), fh_buf_payload_len(&b)),
            0);
  ASSERT_UINT_EQ(back.run_good, 9000);
  ASSERT_UINT_EQ(back.run_ideal_ms, 8050000);
  ASSERT_UINT_EQ(back.run_line_good_ms, 22000000);
  ASSERT_UINT_EQ(back.run_line_reject_ms, 150000);
  ASSERT_UINT_EQ(back.hour_good[0], 5000);
  ASSERT_UINT_EQ(back.hour_good[3], 4000);
  ASSERT_UINT_EQ(back.hour_reject[3], 50);
  ASSERT_UINT_EQ(back.hour_good[1] + back.hour_reject[1], 0);
  ASSERT_UINT_EQ(back.hour_good[TARGET_HOURS_MAX - 1], 0);
  fh_buf_free(&b);
}

FH_TEST_MAIN(FH_TEST_ENTRY(full_shift_known_values),
             FH_TEST_ENTRY(mid_shift_includes_open_interval),
             FH_TEST_ENTRY(planned_stop_not_planned_time),
             FH_TEST_ENTRY(no_counts_gives_zero_not_nan),
             FH_TEST_ENTRY(zero_planned_time_all_zero),
             FH_TEST_ENTRY(state_change_on_shift_boundary),
             FH_TEST_ENTRY(state_change_inside_break),
             FH_TEST_ENTRY(late_event_is_clamped),
             FH_TEST_ENTRY(begin_mid_shift_is_not_monitored),
             FH_TEST_ENTRY(down_at_shift_start_is_an_event),
             FH_TEST_ENTRY(restart_mid_shift_continues),
             FH_TEST_ENTRY(decode_rejects_bad_bytes),
             FH_TEST_ENTRY(line_oee_from_sums),
             FH_TEST_ENTRY(performance_raw_but_capped_in_oee),
             FH_TEST_ENTRY(reasons_ranked_largest_first),
             FH_TEST_ENTRY(reasons_overflow_into_other),
             FH_TEST_ENTRY(mttr_mtbf_two_down_periods),
             FH_TEST_ENTRY(dst_night_planned_time),
             FH_TEST_ENTRY(run_products_weigh_performance))
