/* req_fields.c -- the request key tables (see req_fields.h and the
 * "Requests" section of PROTOCOL.md, which lists the same keys). */
#include "req_fields.h"

#define OFF(member) offsetof(fh_request, member)
#define KEY_FIELD {"key", RK_STR, 1, FH_KEY_MAX, OFF(key)}
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const req_field hello[] = {
    {"token", RK_TOKEN, 0, FH_TOKEN_MAX, OFF(u.hello.token)},
    {"client", RK_STR, 0, FH_NAME_MAX, OFF(u.hello.client)},
    {"resume", RK_STR, 0, FH_ID_MAX, OFF(u.hello.resume)},
};

static const req_field sub[] = {
    {"topics", RK_TOPICS, 1, FH_TOPIC_MAX, OFF(u.sub.topics)},
    {"since", RK_SINCE, 0, FH_TOPIC_MAX, OFF(u.sub.since)},
    {"epoch", RK_EPOCH, 0, 0, OFF(u.sub.epoch)},
};

static const req_field unsub[] = {
    {"topics", RK_TOPICS, 1, FH_TOPIC_MAX, OFF(u.sub.topics)},
};

static const req_field raise[] = {
    KEY_FIELD,
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.raise.line)},
    {"equipment", RK_STR, 0, FH_ID_MAX, OFF(u.raise.equipment)},
    {"kind", RK_STR, 1, FH_KIND_MAX, OFF(u.raise.kind)},
    {"severity", RK_SEVERITY, 0, 0, OFF(u.raise.severity)},
    {"note", RK_STR, 0, FH_NOTE_MAX, OFF(u.raise.note)},
};

static const req_field ack[] = {
    KEY_FIELD,
    {"andon", RK_UINT, 1, 0, OFF(u.andon_op.andon)},
    {"note", RK_STR, 0, FH_NOTE_MAX, OFF(u.andon_op.note)},
};

static const req_field resolve[] = {
    KEY_FIELD,
    {"andon", RK_UINT, 1, 0, OFF(u.andon_op.andon)},
    {"reason", RK_STR, 1, FH_KIND_MAX, OFF(u.andon_op.reason)},
    {"note", RK_STR, 0, FH_NOTE_MAX, OFF(u.andon_op.note)},
};

static const req_field eq_state[] = {
    KEY_FIELD,
    {"equipment", RK_STR, 1, FH_ID_MAX, OFF(u.eq_state.equipment)},
    {"state", RK_EQ_STATE, 1, 0, OFF(u.eq_state.state)},
    {"reason", RK_STR, 0, FH_KIND_MAX, OFF(u.eq_state.reason)},
    {"ts", RK_INT, 0, 0, OFF(u.eq_state.ts)},
    {"machine_reason", RK_STR, 0, FH_KIND_MAX, OFF(u.eq_state.machine_reason)},
};

static const req_field eq_count[] = {
    KEY_FIELD,
    {"equipment", RK_STR, 1, FH_ID_MAX, OFF(u.eq_count.equipment)},
    {"good", RK_UINT, 1, 0, OFF(u.eq_count.good)},
    {"reject", RK_UINT, 1, 0, OFF(u.eq_count.reject)},
    {"reject_reason", RK_STR, 0, FH_KIND_MAX, OFF(u.eq_count.reject_reason)},
};

static const req_field eq_total[] = {
    KEY_FIELD,
    {"equipment", RK_STR, 1, FH_ID_MAX, OFF(u.eq_total.equipment)},
    {"good_total", RK_UINT, 1, 0, OFF(u.eq_total.good_total)},
    {"reject_total", RK_UINT, 1, 0, OFF(u.eq_total.reject_total)},
    {"rollover", RK_INT, 0, 0, OFF(u.eq_total.rollover)},
    {"ts", RK_INT, 0, 0, OFF(u.eq_total.ts)},
};

static const req_field shift_report[] = {
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.shift_report.line)},
    {"shift_start", RK_INT, 0, 0, OFF(u.shift_report.shift_start)},
};

static const req_field dt_classify[] = {
    KEY_FIELD,
    {"event", RK_UINT, 1, 0, OFF(u.dt.event)},
    {"reason", RK_STR, 1, FH_KIND_MAX, OFF(u.dt.reason)},
    {"note", RK_STR, 0, FH_NOTE_MAX, OFF(u.dt.note)},
};

static const req_field dt_split[] = {
    KEY_FIELD,
    {"event", RK_UINT, 1, 0, OFF(u.dt.event)},
    {"at", RK_INT, 1, 0, OFF(u.dt.at)},
    {"reason", RK_STR, 0, FH_KIND_MAX, OFF(u.dt.reason)},
};

static const req_field dt_list[] = {
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.dt_list.line)},
    {"from", RK_INT, 1, 0, OFF(u.dt_list.from)},
    {"to", RK_INT, 1, 0, OFF(u.dt_list.to)},
    {"unclassified", RK_BOOL, 0, 0, OFF(u.dt_list.unclassified)},
};

/* badge, or user and pin: which pair is the hub's check (login.c). */
static const req_field login[] = {
    {"badge", RK_SECRET, 0, FH_BADGE_MAX, OFF(u.login.badge)},
    {"user", RK_STR, 0, FH_ID_MAX, OFF(u.login.user)},
    {"pin", RK_SECRET, 0, FH_PIN_MAX, OFF(u.login.pin)},
};

static const req_field oee_history[] = {
    {"scope", RK_STR, 1, FH_KIND_MAX, OFF(u.history.scope)},
    {"line", RK_STR, 0, FH_ID_MAX, OFF(u.history.line)},
    {"equipment", RK_STR, 0, FH_ID_MAX, OFF(u.history.equipment)},
    {"from", RK_INT, 1, 0, OFF(u.history.from)},
    {"to", RK_INT, 1, 0, OFF(u.history.to)},
    {"group", RK_STR, 1, FH_KIND_MAX, OFF(u.history.group)},
    {"by", RK_STR, 0, FH_KIND_MAX, OFF(u.history.by)},
    {"cursor", RK_INT, 0, 0, OFF(u.history.cursor)},
};

static const req_field run_start[] = {
    KEY_FIELD,
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.run.line)},
    {"product", RK_STR, 1, FH_ID_MAX, OFF(u.run.product)},
    {"order", RK_STR, 0, FH_ID_MAX, OFF(u.run.order)},
    {"target_qty", RK_INT, 0, 0, OFF(u.run.target_qty)},
};

static const req_field run_end[] = {
    KEY_FIELD,
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.run.line)},
};

static const req_field plan_set[] = {
    KEY_FIELD,
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.plan.line)},
    {"shift_start", RK_INT, 0, 0, OFF(u.plan.shift_start)},
    {"target_qty", RK_UINT, 1, 0, OFF(u.plan.target_qty)},
};

/* dt.pareto shares the history struct: the same scope and range. */
static const req_field dt_pareto[] = {
    {"scope", RK_STR, 1, FH_KIND_MAX, OFF(u.history.scope)},
    {"line", RK_STR, 0, FH_ID_MAX, OFF(u.history.line)},
    {"equipment", RK_STR, 0, FH_ID_MAX, OFF(u.history.equipment)},
    {"from", RK_INT, 1, 0, OFF(u.history.from)},
    {"to", RK_INT, 1, 0, OFF(u.history.to)},
    {"top", RK_INT, 0, 0, OFF(u.history.top)},
};

static const req_field oee_samples[] = {
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.history.line)},
    {"from", RK_INT, 1, 0, OFF(u.history.from)},
    {"to", RK_INT, 1, 0, OFF(u.history.to)},
    {"cursor", RK_INT, 0, 0, OFF(u.history.cursor)},
};

static const req_field handover_note[] = {
    KEY_FIELD,
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.handover.line)},
    {"text", RK_STR, 1, FH_HANDOVER_TEXT_MAX, OFF(u.handover.text)},
};

static const req_field handover_ack[] = {
    KEY_FIELD,
    {"line", RK_STR, 1, FH_ID_MAX, OFF(u.handover.line)},
    {"shift_start", RK_INT, 1, 0, OFF(u.handover.shift_start)},
};

#define SPEC(a) {a, COUNT_OF(a)}

/* andon.ack and andon.cancel take the same keys. */
static const req_spec specs[FH_MSG__COUNT] = {
    [FH_MSG_HELLO] = SPEC(hello),
    [FH_MSG_PING] = {NULL, 0},
    [FH_MSG_SUB] = SPEC(sub),
    [FH_MSG_UNSUB] = SPEC(unsub),
    [FH_MSG_ANDON_RAISE] = SPEC(raise),
    [FH_MSG_ANDON_ACK] = SPEC(ack),
    [FH_MSG_ANDON_RESOLVE] = SPEC(resolve),
    [FH_MSG_ANDON_CANCEL] = SPEC(ack),
    [FH_MSG_EQ_STATE] = SPEC(eq_state),
    [FH_MSG_EQ_COUNT] = SPEC(eq_count),
    [FH_MSG_EQ_TOTAL] = SPEC(eq_total),
    [FH_MSG_SHIFT_REPORT] = SPEC(shift_report),
    [FH_MSG_LOGIN] = SPEC(login),
    [FH_MSG_LOGOUT] = {NULL, 0},
    [FH_MSG_DT_CLASSIFY] = SPEC(dt_classify),
    [FH_MSG_DT_SPLIT] = SPEC(dt_split),
    [FH_MSG_DT_LIST] = SPEC(dt_list),
    [FH_MSG_OEE_HISTORY] = SPEC(oee_history),
    [FH_MSG_DT_PARETO] = SPEC(dt_pareto),
    [FH_MSG_OEE_SAMPLES] = SPEC(oee_samples),
    [FH_MSG_RUN_START] = SPEC(run_start),
    [FH_MSG_RUN_END] = SPEC(run_end),
    [FH_MSG_PLAN_SET] = SPEC(plan_set),
    [FH_MSG_HANDOVER_NOTE] = SPEC(handover_note),
    [FH_MSG_HANDOVER_ACK] = SPEC(handover_ack),
};

const req_spec *fh__req_spec_of(fh_msg_type t) {
  if (t < FH_MSG_HELLO || t >= FH_MSG_WELCOME) return NULL;
  return &specs[t];
}

void fh__req_set_defaults(fh_request *req) {
  if (req->type == FH_MSG_ANDON_RAISE) req->u.raise.severity = 2;
}
