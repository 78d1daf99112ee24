/* encode.c -- the hub -> client messages and the raw building blocks.
 *
 * Design: each message is enc_msg_head() (t and the echoed id) followed by
 * its keys in the order PROTOCOL.md lists them; the key count is computed
 * up front because a msgpack map header carries it.  snap and upd are
 * written in two steps (the head, then one data value written by the hub
 * with the entity encoders and the raw blocks), so the hub never builds an
 * intermediate tree.
 */
#include "enc.h"

int fh_enc_welcome(fh_buf *out, const fh_welcome *w) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_WELCOME, 7, w->has_id, w->id);
  enc_str(&e, "user");
  enc_str(&e, w->user);
  enc_str(&e, "role");
  enc_str(&e, w->role);
  enc_str(&e, "lines");
  if (w->nlines == 0) {
    enc_nil(&e);
  } else {
    enc_array(&e, (uint32_t)w->nlines);
    for (size_t i = 0; i < w->nlines; i++) enc_str(&e, w->lines[i]);
  }
  enc_str(&e, "server_time");
  enc_int(&e, w->server_time);
  enc_str(&e, "hub");
  enc_str(&e, w->hub);
  enc_str(&e, "session");
  enc_str(&e, w->session);
  enc_str(&e, "epoch");
  enc_uint(&e, w->epoch);
  return enc_end(&e);
}

int fh_enc_pong(fh_buf *out, int has_id, uint64_t id, int64_t server_time) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_PONG, 1, has_id, id);
  enc_str(&e, "server_time");
  enc_int(&e, server_time);
  return enc_end(&e);
}

int fh_enc_err(fh_buf *out, int has_id, uint64_t id, fh_err_code code,
               const char *key, const char *msg) {
  int with_key = key != NULL && key[0] != '\0';
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_ERR, with_key ? 3 : 2, has_id, id);
  enc_str(&e, "code");
  enc_str(&e, fh_err_code_name(code));
  enc_str(&e, "msg");
  enc_str(&e, msg ? msg : "");
  if (with_key) {
    enc_str(&e, "key");
    enc_str(&e, key);
  }
  return enc_end(&e);
}

int fh_enc_ok(fh_buf *out, int has_id, uint64_t id) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_OK, 0, has_id, id);
  return enc_end(&e);
}

/* Writes the entity at obj (see the callers). */
typedef void (*put_fn)(enc *e, const void *obj);

static void put_andon(enc *e, const void *obj) { enc_andon(e, obj); }
static void put_equipment(enc *e, const void *obj) { enc_equipment(e, obj); }
static void put_report(enc *e, const void *obj) { enc_oee(e, obj); }

/* {t:"ok", id?, <key>: entity, replay?: true} */
static int ok_entity(fh_buf *out, int has_id, uint64_t id, const char *key,
                     put_fn put, const void *obj, int replay) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_OK, replay ? 2 : 1, has_id, id);
  enc_str(&e, key);
  put(&e, obj);
  if (replay) {
    enc_str(&e, "replay");
    enc_bool(&e, 1);
  }
  return enc_end(&e);
}

int fh_enc_ok_andon(fh_buf *out, int has_id, uint64_t id, const fh_andon *a,
                    int replay) {
  return ok_entity(out, has_id, id, "andon", put_andon, a, replay);
}

int fh_enc_ok_equipment(fh_buf *out, int has_id, uint64_t id,
                        const fh_equipment *eq, int replay) {
  return ok_entity(out, has_id, id, "equipment", put_equipment, eq, replay);
}

int fh_enc_ok_report(fh_buf *out, int has_id, uint64_t id, const fh_oee *o) {
  return ok_entity(out, has_id, id, "report", put_report, o, 0);
}

int fh_enc_ok_topics(fh_buf *out, int has_id, uint64_t id,
                     const fh_strv *topics, size_t ntopics) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_OK, 1, has_id, id);
  enc_str(&e, "topics");
  enc_array(&e, (uint32_t)ntopics);
  for (size_t i = 0; i < ntopics; i++)
    enc_strn(&e, topics[i].p, topics[i].n);
  return enc_end(&e);
}

int fh_enc_snap_begin(fh_buf *out, const char *topic, uint64_t seq,
                      uint64_t epoch) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_SNAP, 4, 0, 0);
  enc_str(&e, "topic");
  enc_str(&e, topic);
  enc_str(&e, "seq");
  enc_uint(&e, seq);
  enc_str(&e, "epoch");
  enc_uint(&e, epoch);
  enc_str(&e, "data");
  return enc_end(&e);
}

int fh_enc_upd_begin(fh_buf *out, const char *topic, uint64_t seq) {
  enc e;
  enc_begin(&e, out);
  enc_msg_head(&e, FH_MSG_UPD, 3, 0, 0);
  enc_str(&e, "topic");
  enc_str(&e, topic);
  enc_str(&e, "seq");
  enc_uint(&e, seq);
  enc_str(&e, "data");
  return enc_end(&e);
}
