/* ent_fields.c -- the entity key tables (see ent_fields.h and the
 * "Entities" section of PROTOCOL.md, which lists the same keys). */
#include "ent_fields.h"

#define F(type, member, kind)                                                \
  { #member, kind, offsetof(type, member), sizeof(((type *)0)->member) }
#define DESC(a) {a, sizeof(a) / sizeof((a)[0])}

static const ent_field andon[] = {
    F(fh_andon, id, EK_U64),
    F(fh_andon, line, EK_STR),
    F(fh_andon, equipment, EK_OPT_STR),
    F(fh_andon, kind, EK_STR),
    F(fh_andon, severity, EK_U8),
    F(fh_andon, state, EK_ANDON_STATE),
    F(fh_andon, level, EK_U32),
    F(fh_andon, raised_at, EK_TIME),
    F(fh_andon, raised_by, EK_STR),
    F(fh_andon, raised_via, EK_OPT_STR),
    F(fh_andon, acked_at, EK_TIME),
    F(fh_andon, acked_by, EK_OPT_STR),
    F(fh_andon, acked_via, EK_OPT_STR),
    F(fh_andon, resolved_at, EK_TIME),
    F(fh_andon, resolved_by, EK_OPT_STR),
    F(fh_andon, reason, EK_OPT_STR),
    F(fh_andon, note, EK_OPT_STR),
};

static const ent_field equipment[] = {
    F(fh_equipment, id, EK_STR),
    F(fh_equipment, line, EK_STR),
    F(fh_equipment, name, EK_STR),
    F(fh_equipment, state, EK_EQ_STATE),
    F(fh_equipment, since, EK_TIME),
    F(fh_equipment, reason, EK_OPT_STR),
    F(fh_equipment, good, EK_U64),
    F(fh_equipment, reject, EK_U64),
    F(fh_equipment, ideal_cycle_ms, EK_U32),
    F(fh_equipment, machine_reason, EK_OPT_STR),
    F(fh_equipment, last_data_at, EK_TIME),
};

static const ent_field line[] = {
    F(fh_line, id, EK_STR),
    F(fh_line, name, EK_STR),
    F(fh_line, area, EK_STR),
    F(fh_line, state, EK_EQ_STATE),
    F(fh_line, open_andons, EK_U32),
    F(fh_line, max_level, EK_U32),
    F(fh_line, oldest_andon_at, EK_TIME),
    F(fh_line, oee, EK_DOUBLE),
};

static const ent_field oee[] = {
    F(fh_oee, line, EK_STR),
    F(fh_oee, shift, EK_STR),
    F(fh_oee, shift_start, EK_TIME),
    F(fh_oee, shift_end, EK_TIME),
    F(fh_oee, planned_ms, EK_U64),
    F(fh_oee, run_ms, EK_U64),
    F(fh_oee, good, EK_U64),
    F(fh_oee, reject, EK_U64),
    F(fh_oee, availability, EK_DOUBLE),
    F(fh_oee, performance, EK_DOUBLE),
    F(fh_oee, quality, EK_DOUBLE),
    F(fh_oee, oee, EK_DOUBLE),
    F(fh_oee, state_ms, EK_STATE_MS),
    F(fh_oee, reasons, EK_REASONS),
    F(fh_oee, down_events, EK_U32),
    F(fh_oee, mttr_s, EK_DOUBLE),
    F(fh_oee, mtbf_s, EK_DOUBLE),
    F(fh_oee, not_monitored_ms, EK_U64),
    F(fh_oee, small_stop_ms, EK_U64),
    F(fh_oee, losses, EK_LOSSES),
    F(fh_oee, revision, EK_U32),
    F(fh_oee, changed_at, EK_TIME),
    {"rejects_by_reason", EK_REJECTS, offsetof(fh_oee, rejects),
     sizeof(((fh_oee *)0)->rejects)},
};

static const ent_field downtime[] = {
    F(fh_downtime, id, EK_U64),
    F(fh_downtime, line, EK_STR),
    F(fh_downtime, equipment, EK_STR),
    F(fh_downtime, start, EK_TIME),
    F(fh_downtime, end, EK_TIME),
    F(fh_downtime, duration_ms, EK_U64),
    F(fh_downtime, states, EK_STATE_MS),
    F(fh_downtime, machine_reason, EK_OPT_STR),
    F(fh_downtime, reason, EK_OPT_STR),
    F(fh_downtime, category, EK_OPT_STR),
    F(fh_downtime, classified_by, EK_OPT_STR),
    F(fh_downtime, classified_at, EK_TIME),
    F(fh_downtime, note, EK_OPT_STR),
    {"short", EK_BOOL, offsetof(fh_downtime, short_stop), 1},
    F(fh_downtime, needs_reason, EK_BOOL),
};

static const ent_field sample[] = {
    F(fh_sample, t, EK_TIME),
    F(fh_sample, availability, EK_DOUBLE),
    F(fh_sample, performance, EK_DOUBLE),
    F(fh_sample, quality, EK_DOUBLE),
    F(fh_sample, oee, EK_DOUBLE),
    F(fh_sample, good, EK_U64),
    F(fh_sample, reject, EK_U64),
    F(fh_sample, state, EK_EQ_STATE),
};

static const ent_field run[] = {
    F(fh_run, id, EK_U64),
    F(fh_run, line, EK_STR),
    F(fh_run, product, EK_STR),
    F(fh_run, order, EK_OPT_STR),
    F(fh_run, target_qty, EK_OPT_U64),
    F(fh_run, started_at, EK_TIME),
    F(fh_run, started_by, EK_STR),
    F(fh_run, ended_at, EK_TIME),
    F(fh_run, ended_by, EK_OPT_STR),
    F(fh_run, good, EK_U64),
    F(fh_run, reject, EK_U64),
    F(fh_run, changeover_ms, EK_U64),
    F(fh_run, changeover_target_s, EK_OPT_U32),
};

static const ent_field plan[] = {
    F(fh_plan, line, EK_STR),
    F(fh_plan, shift_start, EK_TIME),
    F(fh_plan, target_qty, EK_U64),
    F(fh_plan, set_by, EK_STR),
    F(fh_plan, set_at, EK_TIME),
};

/* The rows of the history answers (fh_history.h); decoded by clients. */
static const ent_field hist_row[] = {
    F(fh_hist_row, start, EK_TIME),
    F(fh_hist_row, end, EK_TIME),
    F(fh_hist_row, planned_ms, EK_U64),
    F(fh_hist_row, run_ms, EK_U64),
    F(fh_hist_row, not_monitored_ms, EK_U64),
    F(fh_hist_row, good, EK_U64),
    F(fh_hist_row, reject, EK_U64),
    F(fh_hist_row, availability, EK_DOUBLE),
    F(fh_hist_row, performance, EK_DOUBLE),
    F(fh_hist_row, quality, EK_DOUBLE),
    F(fh_hist_row, oee, EK_DOUBLE),
    F(fh_hist_row, open, EK_BOOL),
    F(fh_hist_row, equipment, EK_OPT_STR),
};

static const ent_field pareto_row[] = {
    F(fh_pareto_row, reason, EK_OPT_STR),
    F(fh_pareto_row, category, EK_OPT_STR),
    F(fh_pareto_row, ms, EK_U64),
    F(fh_pareto_row, count, EK_U64),
    F(fh_pareto_row, share, EK_DOUBLE),
    F(fh_pareto_row, cum_share, EK_DOUBLE),
};

const ent_desc fh__ent_andon = DESC(andon);
const ent_desc fh__ent_equipment = DESC(equipment);
const ent_desc fh__ent_line = DESC(line);
const ent_desc fh__ent_oee = DESC(oee);
const ent_desc fh__ent_downtime = DESC(downtime);
const ent_desc fh__ent_sample = DESC(sample);
const ent_desc fh__ent_run = DESC(run);
const ent_desc fh__ent_plan = DESC(plan);
const ent_desc fh__ent_hist_row = DESC(hist_row);
const ent_desc fh__ent_pareto_row = DESC(pareto_row);
