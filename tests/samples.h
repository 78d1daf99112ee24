/* samples.h -- sample entities shared by the protocol tests and the seed
 * corpus generator (tests/fuzz/gen_corpus.c): one andon, equipment, line
 * and OEE record with every field set to a value worth round-tripping. */
#ifndef FH_TESTS_SAMPLES_H
#define FH_TESTS_SAMPLES_H

#include <string.h>

#include "fh_protocol.h"

static inline fh_andon sample_andon(fh_andon_state state) {
  fh_andon a;
  memset(&a, 0, sizeof a);
  a.id = 12;
  strcpy(a.line, "L1");
  strcpy(a.equipment, "press1");
  strcpy(a.kind, "material");
  a.severity = 3;
  a.state = state;
  a.level = 2;
  a.raised_at = 1700000000000;
  strcpy(a.raised_by, "op7");
  if (state != FH_ANDON_RAISED) {
    a.acked_at = 1700000030500;
    strcpy(a.acked_by, "mt2");
  }
  if (state == FH_ANDON_RESOLVED || state == FH_ANDON_CANCELLED) {
    a.resolved_at = 1700000090000;
    strcpy(a.resolved_by, "mt2");
    strcpy(a.reason, "refilled");
  }
  strcpy(a.note, "bin empty \xc3\xa9");
  return a;
}

static inline fh_equipment sample_equipment(void) {
  fh_equipment e;
  memset(&e, 0, sizeof e);
  strcpy(e.id, "press1");
  strcpy(e.line, "L1");
  strcpy(e.name, "Press 1");
  e.state = FH_EQ_DOWN;
  e.since = 1700000000000;
  strcpy(e.reason, "jam");
  e.good = 120;
  e.reject = 3;
  e.ideal_cycle_ms = 1500;
  return e;
}

static inline fh_line sample_line(void) {
  fh_line l;
  memset(&l, 0, sizeof l);
  strcpy(l.id, "L1");
  strcpy(l.name, "Line 1");
  strcpy(l.area, "Body shop");
  l.state = FH_EQ_BLOCKED;
  l.open_andons = 4;
  l.max_level = 1;
  l.oldest_andon_at = 1700000000000;
  l.oee = 0.625;
  return l;
}

static inline fh_oee sample_oee(void) {
  fh_oee o;
  memset(&o, 0, sizeof o);
  strcpy(o.line, "L1");
  strcpy(o.shift, "early");
  o.shift_start = 1699999200000;
  o.shift_end = 1700028000000;
  o.planned_ms = 3600000;
  o.run_ms = 3000000;
  o.good = 1900;
  o.reject = 100;
  o.availability = 3000000.0 / 3600000.0;
  o.performance = 1.0625;
  o.quality = 0.95;
  o.oee = o.availability * 1.0 * o.quality;
  for (int s = 0; s < FH_EQ__COUNT; s++) o.state_ms[s] = (uint64_t)s * 1000 + 7;
  o.nreasons = 2;
  strcpy(o.reasons[0].reason, "jam");
  o.reasons[0].ms = 400000;
  strcpy(o.reasons[1].reason, "material");
  o.reasons[1].ms = 200000;
  o.down_events = 3;
  o.mttr_s = 133.25;
  o.mtbf_s = 1000.5;
  o.revision = 3;
  o.changed_at = 1700030000000;
  o.nrejects = 2;
  strcpy(o.rejects[0].reason, "scratch");
  o.rejects[0].count = 60;
  strcpy(o.rejects[1].reason, "dent");
  o.rejects[1].count = 25;
  return o;
}

#endif
