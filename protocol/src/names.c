/* names.c -- the wire names of codes, message types and states.
 *
 * Design: one table per enum, indexed by the enum value, and one lookup
 * helper shared by every *_from() function, so each name is spelled once.
 * Lookups compare (pointer, length) pairs because decoders hand us views
 * into a frame that are not NUL-terminated.
 */
#include <string.h>

#include "fh_protocol.h"

static const char *const err_names[] = {
    [FH_E_NONE] = "none",
    [FH_E_BAD_REQUEST] = "bad_request",
    [FH_E_UNAUTHORIZED] = "unauthorized",
    [FH_E_FORBIDDEN] = "forbidden",
    [FH_E_NOT_FOUND] = "not_found",
    [FH_E_CONFLICT] = "conflict",
    [FH_E_TOO_LARGE] = "too_large",
    [FH_E_RATE_LIMITED] = "rate_limited",
    [FH_E_UNAVAILABLE] = "unavailable",
    [FH_E_INTERNAL] = "internal",
};

static const char *const msg_names[FH_MSG__COUNT] = {
    [FH_MSG_UNKNOWN] = NULL,
    [FH_MSG_HELLO] = "hello",
    [FH_MSG_PING] = "ping",
    [FH_MSG_SUB] = "sub",
    [FH_MSG_UNSUB] = "unsub",
    [FH_MSG_ANDON_RAISE] = "andon.raise",
    [FH_MSG_ANDON_ACK] = "andon.ack",
    [FH_MSG_ANDON_RESOLVE] = "andon.resolve",
    [FH_MSG_ANDON_CANCEL] = "andon.cancel",
    [FH_MSG_EQ_STATE] = "eq.state",
    [FH_MSG_EQ_COUNT] = "eq.count",
    [FH_MSG_EQ_TOTAL] = "eq.total",
    [FH_MSG_SHIFT_REPORT] = "shift.report",
    [FH_MSG_DT_CLASSIFY] = "dt.classify",
    [FH_MSG_DT_SPLIT] = "dt.split",
    [FH_MSG_DT_LIST] = "dt.list",
    [FH_MSG_LOGIN] = "login",
    [FH_MSG_LOGOUT] = "logout",
    [FH_MSG_OEE_HISTORY] = "oee.history",
    [FH_MSG_DT_PARETO] = "dt.pareto",
    [FH_MSG_OEE_SAMPLES] = "oee.samples",
    [FH_MSG_RUN_START] = "run.start",
    [FH_MSG_RUN_END] = "run.end",
    [FH_MSG_PLAN_SET] = "plan.set",
    [FH_MSG_HANDOVER_NOTE] = "handover.note",
    [FH_MSG_HANDOVER_ACK] = "handover.ack",
    [FH_MSG_WELCOME] = "welcome",
    [FH_MSG_PONG] = "pong",
    [FH_MSG_OK] = "ok",
    [FH_MSG_ERR] = "err",
    [FH_MSG_SNAP] = "snap",
    [FH_MSG_UPD] = "upd",
};

static const char *const loss_names[FH_LOSS__COUNT] = {
    [FH_LOSS_UNCLASSIFIED] = "unclassified",
    [FH_LOSS_UNPLANNED] = "unplanned",
    [FH_LOSS_CHANGEOVER] = "changeover",
    [FH_LOSS_PLANNED] = "planned",
    [FH_LOSS_SMALL_STOP] = "small_stop",
    [FH_LOSS_QUALITY] = "quality",
};

/* The write requests: they carry an idempotency key. */
static const unsigned char is_write[FH_MSG__COUNT] = {
    [FH_MSG_ANDON_RAISE] = 1, [FH_MSG_ANDON_ACK] = 1,
    [FH_MSG_ANDON_RESOLVE] = 1, [FH_MSG_ANDON_CANCEL] = 1,
    [FH_MSG_EQ_STATE] = 1, [FH_MSG_EQ_COUNT] = 1, [FH_MSG_EQ_TOTAL] = 1,
    [FH_MSG_DT_CLASSIFY] = 1, [FH_MSG_DT_SPLIT] = 1,
    [FH_MSG_RUN_START] = 1, [FH_MSG_RUN_END] = 1, [FH_MSG_PLAN_SET] = 1,
    [FH_MSG_HANDOVER_NOTE] = 1, [FH_MSG_HANDOVER_ACK] = 1,
};

static const char *const andon_state_names[] = {
    [FH_ANDON_RAISED] = "raised",
    [FH_ANDON_ACKNOWLEDGED] = "acknowledged",
    [FH_ANDON_RESOLVED] = "resolved",
    [FH_ANDON_CANCELLED] = "cancelled",
};

static const char *const eq_state_names[FH_EQ__COUNT] = {
    [FH_EQ_RUNNING] = "running",
    [FH_EQ_IDLE] = "idle",
    [FH_EQ_DOWN] = "down",
    [FH_EQ_BLOCKED] = "blocked",
    [FH_EQ_STARVED] = "starved",
    [FH_EQ_CHANGEOVER] = "changeover",
    [FH_EQ_PLANNED_STOP] = "planned_stop",
    [FH_EQ_UNKNOWN] = "unknown",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Index of the entry of names[0..n) equal to (s, len), or -1.  NULL
 * entries never match. */
static int find(const char *const *names, size_t n, const char *s,
                size_t len) {
  if (s == NULL) return -1;
  for (size_t i = 0; i < n; i++)
    if (names[i] && strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
      return (int)i;
  return -1;
}

/* names[i] when i is in range, else NULL. */
static const char *name_at(const char *const *names, size_t n, int i) {
  return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

const char *fh_err_code_name(fh_err_code code) {
  const char *s = name_at(err_names, COUNT_OF(err_names), (int)code);
  return s ? s : "internal";
}

int fh_err_code_from(const char *name, size_t len) {
  return find(err_names, COUNT_OF(err_names), name, len);
}

const char *fh_msg_type_name(fh_msg_type t) {
  return name_at(msg_names, COUNT_OF(msg_names), (int)t);
}

fh_msg_type fh_msg_type_from(const char *name, size_t len) {
  int i = find(msg_names, COUNT_OF(msg_names), name, len);
  return i < 0 ? FH_MSG_UNKNOWN : (fh_msg_type)i;
}

int fh_msg_is_write(fh_msg_type t) {
  return (unsigned)t < FH_MSG__COUNT && is_write[t];
}

const char *fh_loss_name(fh_loss l) {
  return name_at(loss_names, COUNT_OF(loss_names), (int)l);
}

int fh_loss_from(const char *name, size_t len) {
  return find(loss_names, COUNT_OF(loss_names), name, len);
}

const char *fh_andon_state_name(fh_andon_state s) {
  return name_at(andon_state_names, COUNT_OF(andon_state_names), (int)s);
}

int fh_andon_state_from(const char *name, size_t len) {
  return find(andon_state_names, COUNT_OF(andon_state_names), name, len);
}

const char *fh_eq_state_name(fh_eq_state s) {
  return name_at(eq_state_names, COUNT_OF(eq_state_names), (int)s);
}

int fh_eq_state_from(const char *name, size_t len) {
  return find(eq_state_names, COUNT_OF(eq_state_names), name, len);
}
