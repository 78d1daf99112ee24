/* dispatch.c -- one request map from a session: decode, check, answer.
 *
 * Before a session is authenticated only hello and ping are served; any
 * other request is answered `err unauthorized`.  Reads (sub, unsub,
 * shift.report) are answered at once; writes go to writes.c and are
 * answered after the group commit; login and logout go to login.c.  Every
 * map, even a bad one, counts as a request for the idle sign-out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "dt_pareto.h"
#include "handover.h"
#include "hub.h"
#include "log.h"
#include "login.h"
#include "tokens.h"
#include "model.h"
#include "oee_history.h"
#include "publish.h"
#include "oee_samples.h"
#include "session.h"
#include "stop_writes.h"
#include "topic.h"
#include "writes.h"

static void on_hello(hub *h, session *s, const fh_request *req) {
  fh_identity *who;
  auth_fail f;

  if (req->u.hello.resume.n > 0) {
    h->m.reconnects++;
    log_info("session %llu (%s): reconnect of session %.*s",
             (unsigned long long)s->id, s->peer, (int)req->u.hello.resume.n,
             req->u.hello.resume.p);
  }
  who = malloc(sizeof *who);
  if (who == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
    return;
  }
  if (req->u.hello.token.n == 0) {
    if (s->authed) { /* authenticated by the upgrade's header */
      session_identity(s, who);
      session_authenticate(s, who, req->has_id, req->id);
    } else {
      session_send_err(s, req->has_id, req->id, FH_E_UNAUTHORIZED, "token",
                       "a token is required");
    }
    free(who);
    return;
  }
  f = tokens_verify(h, req->u.hello.token.p, req->u.hello.token.n, who);
  if (f == AUTH_OK) {
    session_authenticate(s, who, req->has_id, req->id);
  } else {
    h->m.auth_failures[f]++;
    log_warn("session %llu (%s): token rejected: %s", (unsigned long long)s->id,
             s->peer, auth_fail_name(f));
    session_send_err(s, req->has_id, req->id, FH_E_UNAUTHORIZED, "token",
                     "token rejected: %s", auth_fail_name(f));
    session_close(s, FH_CLOSE_UNAUTHENTICATED, "invalid token");
  }
  free(who);
}

/* Resolves every topic of a sub/unsub; answers not_found for the first
 * unknown one, forbidden for one the role may not see, and returns -1
 * (then nothing is subscribed). */
static int resolve_topics(hub *h, session *s, const fh_request *req,
                          topic **out) {
  for (size_t i = 0; i < req->u.sub.ntopics; i++) {
    fh_strv n = req->u.sub.topics[i];
    out[i] = topic_find(h, n.p, n.n);
    if (out[i] == NULL) {
      session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "topics",
                       "unknown topic '%.*s'", (int)n.n, n.p);
      return -1;
    }
    if (!fh_role_may_topic(s->role, n.p, n.n)) {
      session_send_err(s, req->has_id, req->id, FH_E_FORBIDDEN, "topics",
                       "topic '%.*s' is for admin only", (int)n.n, n.p);
      return -1;
    }
  }
  return 0;
}

/* The since seq given for topic t, or -1. */
static int since_of(const fh_request *req, const topic *t, uint64_t *seq) {
  for (size_t i = 0; i < req->u.sub.nsince; i++) {
    fh_strv n = req->u.sub.since[i].topic;
    if (strlen(t->name) == n.n && memcmp(t->name, n.p, n.n) == 0) {
      *seq = req->u.sub.since[i].seq;
      return 0;
    }
  }
  return -1;
}

static void on_sub(hub *h, session *s, const fh_request *req) {
  topic *ts[FH_TOPICS_MAX];
  uint64_t seq;

  if (resolve_topics(h, s, req, ts) != 0) return;
  fh_buf_reset(&h->enc);
  if (fh_enc_ok_topics(&h->enc, req->has_id, req->id, req->u.sub.topics,
                       req->u.sub.ntopics) != 0 ||
      session_send(s, &h->enc, FH_MSG_OK) != 0)
    return;
  for (size_t i = 0; i < req->u.sub.ntopics && s->close_code == 0; i++) {
    if (topic_subscribe(ts[i], s) != 0) {
      session_close(s, 1011, "out of memory");
      return;
    }
    if (req->u.sub.has_epoch && req->u.sub.epoch == h->epoch &&
        since_of(req, ts[i], &seq) == 0 && topic_replay(ts[i], s, seq) == 0)
      continue;
    fh_buf_reset(&h->enc);
    if (publish_snapshot(h, ts[i], &h->enc) == 0)
      session_send(s, &h->enc, FH_MSG_SNAP);
  }
}

static void on_unsub(hub *h, session *s, const fh_request *req) {
  topic *ts[FH_TOPICS_MAX];
  if (resolve_topics(h, s, req, ts) != 0) return;
  for (size_t i = 0; i < req->u.sub.ntopics; i++) topic_unsubscribe(ts[i], s);
  fh_buf_reset(&h->enc);
  if (fh_enc_ok(&h->enc, req->has_id, req->id) == 0)
    session_send(s, &h->enc, FH_MSG_OK);
}

typedef struct report_find {
  int64_t want;    /* shift start asked for, 0 = the last one */
  int found;       /* a record was copied into raw */
  int nomem;       /* copying it failed */
  int64_t start;   /* its shift start */
  fh_buf raw;      /* the record as stored (its map is sent as is) */
} report_find;

static int report_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  report_find *rf = arg;
  fh_mp_cursor c = {val, (const uint8_t *)val + vlen};
  fh_oee o;
  (void)key;
  (void)klen;
  memset(&o, 0, sizeof o);
  if (fh_dec_oee(&c, &o) != 0) return 0;
  if (rf->want != 0 && o.shift_start != rf->want) return 0;
  fh_buf_reset(&rf->raw);
  rf->nomem = fh_buf_append(&rf->raw, val, vlen) != 0;
  rf->start = o.shift_start;
  rf->found = 1;
  return rf->want != 0; /* exact match: stop; last one: go on */
}

/* shift.report: the stored record of the line's closed shift (its OEE,
 * scoreboard, runs and by_product: shiftclock.c) sent as stored, and its
 * handover (handover.h). */
static void on_shift_report(hub *h, session *s, const fh_request *req) {
  char line[FH_ID_MAX + 1];
  uint8_t prefix[HIST_KEY_MAX];
  report_find rf = {req->u.shift_report.shift_start, 0, 0, 0, {0}};
  fh_strv l = req->u.shift_report.line;
  int n = snprintf(line, sizeof line, "%.*s", (int)l.n, l.p);

  if (n < 0 || model_line_index(h, line) < 0) {
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND, "line",
                     "no line '%s'", line);
    return;
  }
  fh_buf_init(&rf.raw, 0);
  fh_store_scan(h->store, FH_T_SHIFTS, prefix, hist_record_prefix(HIST_LINE, line, prefix),
                report_cb, &rf);
  fh_buf_reset(&h->enc);
  if (!rf.found)
    session_send_err(s, req->has_id, req->id, FH_E_NOT_FOUND,
                     rf.want ? "shift_start" : "line",
                     "no closed shift of line '%s'%s", line,
                     rf.want ? " starts then" : " yet");
  else if (rf.nomem)
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, NULL, "out of memory");
  else if (fh_enc_ok_report_begin(&h->enc, req->has_id, req->id, rf.raw.data,
                                  rf.raw.len) == 0 &&
           handover_enc_stored(h, line, rf.start, &h->enc) == 0)
    session_send(s, &h->enc, FH_MSG_OK);
  fh_buf_free(&rf.raw);
}

void dispatch_map(hub *h, session *s, const uint8_t *map, size_t len) {
  fh_request req;
  fh_decode_err err;

  s->last_req_ms = hub_mono_ms(h); /* the idle sign-out counts requests */
  if (fh_request_decode(map, len, &req, &err) != 0) {
    h->m.msgs_in_invalid++;
    session_send_err(s, err.has_id, err.id, err.code, err.key, "%s", err.msg);
    return;
  }
  h->m.msgs_in[req.type]++;
  if (!s->authed && req.type != FH_MSG_HELLO && req.type != FH_MSG_PING) {
    session_send_err(s, req.has_id, req.id, FH_E_UNAUTHORIZED, "t",
                     "authenticate first: send hello with a token");
    return;
  }
  switch (req.type) {
    case FH_MSG_HELLO: on_hello(h, s, &req); break;
    case FH_MSG_PING:
      fh_buf_reset(&h->enc);
      if (fh_enc_pong(&h->enc, req.has_id, req.id, hub_now_ms(h)) == 0)
        session_send(s, &h->enc, FH_MSG_PONG);
      break;
    case FH_MSG_SUB: on_sub(h, s, &req); break;
    case FH_MSG_UNSUB: on_unsub(h, s, &req); break;
    case FH_MSG_SHIFT_REPORT: on_shift_report(h, s, &req); break;
    case FH_MSG_DT_LIST: stop_list_handle(h, s, &req); break;
    case FH_MSG_OEE_HISTORY: oee_history_handle(h, s, &req); break;
    case FH_MSG_DT_PARETO: dt_pareto_handle(h, s, &req); break;
    case FH_MSG_OEE_SAMPLES: oee_samples_handle(h, s, &req); break;
    case FH_MSG_LOGIN: login_handle(h, s, &req); break;
    case FH_MSG_LOGOUT: login_logout(h, s, &req); break;
    default:
      if (fh_msg_is_write(req.type)) writes_handle(h, s, &req);
      else
        session_send_err(s, req.has_id, req.id, FH_E_BAD_REQUEST, "t",
                         "'%s' is not a request", fh_msg_type_name(req.type));
  }
}
