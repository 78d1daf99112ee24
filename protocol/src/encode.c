/* encode.c -- the hub -> client messages and the raw building blocks.
 *
 * Design: each message is fh__enc_msg_head() (t and the echoed id) followed by
 * its keys in the order PROTOCOL.md lists them; the key count is computed
 * up front because a msgpack map header carries it.  snap and upd are
 * written in two steps (the head, then one data value written by the hub
 * with the entity encoders and the raw blocks), so the hub never builds an
 * intermediate tree.
 */
#include <errno.h>

#include "enc.h"

/* user, role and lines (nil when there are none): welcome and login. */
static void put_who(enc *e, const char *user, const char *role,
                    const char *const *lines, size_t nlines) {
  fh__enc_str(e, "user");
  fh__enc_str(e, user);
  fh__enc_str(e, "role");
  fh__enc_str(e, role);
  fh__enc_str(e, "lines");
  if (nlines == 0) {
    fh__enc_nil(e);
  } else {
    fh__enc_array(e, (uint32_t)nlines);
    for (size_t i = 0; i < nlines; i++) fh__enc_str(e, lines[i]);
  }
}

int fh_enc_ok_login(fh_buf *out, const fh_login_ok *l) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 5, l->has_id, l->id);
  put_who(&e, l->user, l->role, l->lines, l->nlines);
  fh__enc_str(&e, "name");
  fh__enc_str(&e, l->name);
  fh__enc_str(&e, "expires_at");
  fh__enc_int(&e, l->expires_at);
  return fh__enc_end(&e);
}

int fh_enc_welcome(fh_buf *out, const fh_welcome *w) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_WELCOME, 7, w->has_id, w->id);
  put_who(&e, w->user, w->role, w->lines, w->nlines);
  fh__enc_str(&e, "server_time");
  fh__enc_int(&e, w->server_time);
  fh__enc_str(&e, "hub");
  fh__enc_str(&e, w->hub);
  fh__enc_str(&e, "session");
  fh__enc_str(&e, w->session);
  fh__enc_str(&e, "epoch");
  fh__enc_uint(&e, w->epoch);
  return fh__enc_end(&e);
}

int fh_enc_pong(fh_buf *out, int has_id, uint64_t id, int64_t server_time) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_PONG, 1, has_id, id);
  fh__enc_str(&e, "server_time");
  fh__enc_int(&e, server_time);
  return fh__enc_end(&e);
}

int fh_enc_err(fh_buf *out, int has_id, uint64_t id, fh_err_code code,
               const char *key, const char *msg) {
  int with_key = key != NULL && key[0] != '\0';
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_ERR, with_key ? 3 : 2, has_id, id);
  fh__enc_str(&e, "code");
  fh__enc_str(&e, fh_err_code_name(code));
  fh__enc_str(&e, "msg");
  fh__enc_str(&e, msg ? msg : "");
  if (with_key) {
    fh__enc_str(&e, "key");
    fh__enc_str(&e, key);
  }
  return fh__enc_end(&e);
}

int fh_enc_ok(fh_buf *out, int has_id, uint64_t id) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 0, has_id, id);
  return fh__enc_end(&e);
}

/* Writes the entity at obj (see the callers). */
typedef void (*put_fn)(enc *e, const void *obj);

static void put_andon(enc *e, const void *obj) { fh__enc_andon(e, obj); }
static void put_equipment(enc *e, const void *obj) { fh__enc_equipment(e, obj); }
static void put_report(enc *e, const void *obj) { fh__enc_oee(e, obj); }

/* {t:"ok", id?, <key>: entity, replay?: true} */
static int ok_entity(fh_buf *out, int has_id, uint64_t id, const char *key,
                     put_fn put, const void *obj, int replay) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, replay ? 2 : 1, has_id, id);
  fh__enc_str(&e, key);
  put(&e, obj);
  if (replay) {
    fh__enc_str(&e, "replay");
    fh__enc_bool(&e, 1);
  }
  return fh__enc_end(&e);
}

int fh_enc_ok_andon(fh_buf *out, int has_id, uint64_t id, const fh_andon *a,
                    int replay) {
  return ok_entity(out, has_id, id, "andon", put_andon, a, replay);
}

int fh_enc_ok_equipment(fh_buf *out, int has_id, uint64_t id,
                        const fh_equipment *eq, int replay) {
  return ok_entity(out, has_id, id, "equipment", put_equipment, eq, replay);
}

static void put_downtime(enc *e, const void *obj) { fh__enc_downtime(e, obj); }

int fh_enc_ok_downtime(fh_buf *out, int has_id, uint64_t id,
                       const fh_downtime *d, int replay) {
  return ok_entity(out, has_id, id, "event", put_downtime, d, replay);
}

int fh_enc_ok_downtimes(fh_buf *out, int has_id, uint64_t id,
                        const fh_downtime *evs, size_t n, int more,
                        int replay) {
  enc e;
  if (n > UINT32_MAX) return -EINVAL;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 1 + (more != 0) + (replay != 0), has_id, id);
  fh__enc_str(&e, "events");
  fh__enc_array(&e, (uint32_t)n);
  for (size_t i = 0; i < n; i++) fh__enc_downtime(&e, &evs[i]);
  if (more) {
    fh__enc_str(&e, "more");
    fh__enc_bool(&e, 1);
  }
  if (replay) {
    fh__enc_str(&e, "replay");
    fh__enc_bool(&e, 1);
  }
  return fh__enc_end(&e);
}

static void put_run(enc *e, const void *obj) { fh__enc_run(e, obj); }

int fh_enc_ok_run(fh_buf *out, int has_id, uint64_t id, const fh_run *r,
                  int replay) {
  return ok_entity(out, has_id, id, "run", put_run, r, replay);
}

static void put_plan(enc *e, const void *obj) { fh__enc_plan(e, obj); }

int fh_enc_ok_plan(fh_buf *out, int has_id, uint64_t id, const fh_plan *p,
                   int replay) {
  return ok_entity(out, has_id, id, "plan", put_plan, p, replay);
}

int fh_enc_ok_report(fh_buf *out, int has_id, uint64_t id, const fh_oee *o) {
  return ok_entity(out, has_id, id, "report", put_report, o, 0);
}

int fh_enc_ok_report_begin(fh_buf *out, int has_id, uint64_t id,
                           const uint8_t *raw, size_t n) {
  size_t start = out->len;
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 2, has_id, id);
  fh__enc_str(&e, "report");
  if (fh__enc_end(&e) != 0) return -ENOMEM;
  if (fh_buf_append(out, raw, n) == 0 && fh_enc_str(out, "handover") == 0) return 0;
  out->len = start;
  return -ENOMEM;
}

int fh_enc_ok_topics(fh_buf *out, int has_id, uint64_t id,
                     const fh_strv *topics, size_t ntopics) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, 1, has_id, id);
  fh__enc_str(&e, "topics");
  fh__enc_array(&e, (uint32_t)ntopics);
  for (size_t i = 0; i < ntopics; i++)
    fh__enc_strn(&e, topics[i].p, topics[i].n);
  return fh__enc_end(&e);
}

int fh_enc_snap_begin(fh_buf *out, const char *topic, uint64_t seq,
                      uint64_t epoch) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_SNAP, 4, 0, 0);
  fh__enc_str(&e, "topic");
  fh__enc_str(&e, topic);
  fh__enc_str(&e, "seq");
  fh__enc_uint(&e, seq);
  fh__enc_str(&e, "epoch");
  fh__enc_uint(&e, epoch);
  fh__enc_str(&e, "data");
  return fh__enc_end(&e);
}

int fh_enc_upd_begin(fh_buf *out, const char *topic, uint64_t seq) {
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_UPD, 3, 0, 0);
  fh__enc_str(&e, "topic");
  fh__enc_str(&e, topic);
  fh__enc_str(&e, "seq");
  fh__enc_uint(&e, seq);
  fh__enc_str(&e, "data");
  return fh__enc_end(&e);
}

int fh_enc_ok_raw(fh_buf *out, int has_id, uint64_t id, const char *key,
                  const void *raw, size_t n, int replay) {
  size_t start = out->len;
  enc e;
  fh__enc_begin(&e, out);
  fh__enc_msg_head(&e, FH_MSG_OK, replay ? 2 : 1, has_id, id);
  if (replay) {
    fh__enc_str(&e, "replay");
    fh__enc_bool(&e, 1);
  }
  fh__enc_str(&e, key);
  if (fh__enc_end(&e) != 0) return -ENOMEM;
  if (fh_buf_append(out, raw, n) != 0) {
    out->len = start;
    return -ENOMEM;
  }
  return 0;
}
