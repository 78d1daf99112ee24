/* fh_protocol.h -- the floorhub wire protocol v1 (see protocol/PROTOCOL.md).
 *
 * Design: a WebSocket binary frame carries one or more msgpack maps, back to
 * back.  Decoding never trusts a count: fh_frame_next() walks one map with a
 * bounds-checked reader of our own (every array/map/str/bin count is checked
 * against the bytes that remain, nesting is capped at FH_DEPTH_MAX, strings
 * must be UTF-8) before any typed decoder looks at it, and the typed decoders
 * never allocate: string fields of requests are views into the frame, string
 * fields of entities are copied into fixed arrays with their limits checked.
 *
 * Encoding goes through msgpack-c's packer into an fh_buf, a growable buffer
 * that is reset and reused, so encoding on the hot path does not malloc once
 * the buffer has reached its working size.
 *
 * Functions return 0 or a negative error code (-errno style, or an
 * fh_err_code via struct fh_decode_err for decoders).
 */
#ifndef FH_PROTOCOL_H
#define FH_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "fh_limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- buffer */

/* A growable byte buffer.  fh_buf_reset() keeps the allocation. */
typedef struct fh_buf {
  uint8_t *data; /* bytes, owned; NULL until first growth */
  size_t len;    /* bytes in use */
  size_t cap;    /* bytes allocated */
  size_t head;   /* bytes reserved in front of data for the caller (LWS_PRE) */
} fh_buf;

/* head: bytes kept free in front of every encoding (libwebsockets needs
 * LWS_PRE before the payload).  fh_buf_payload() points after them; it is
 * valid once something has been appended (data is NULL before that). */
void fh_buf_init(fh_buf *b, size_t head);
void fh_buf_reset(fh_buf *b);
void fh_buf_free(fh_buf *b);
/* Appends n bytes.  Returns 0 or -ENOMEM (the buffer is unchanged). */
int fh_buf_append(fh_buf *b, const void *p, size_t n);
static inline uint8_t *fh_buf_payload(const fh_buf *b) { return b->data + b->head; }
static inline size_t fh_buf_payload_len(const fh_buf *b) { return b->len - b->head; }

/* ------------------------------------------------------------- the codes */

typedef enum fh_err_code {
  FH_E_NONE = 0,
  FH_E_BAD_REQUEST,
  FH_E_UNAUTHORIZED,
  FH_E_FORBIDDEN,
  FH_E_NOT_FOUND,
  FH_E_CONFLICT,
  FH_E_TOO_LARGE,
  FH_E_RATE_LIMITED,
  FH_E_UNAVAILABLE,
  FH_E_INTERNAL
} fh_err_code;

/* "bad_request", "unauthorized", ... ; "none" for FH_E_NONE. */
const char *fh_err_code_name(fh_err_code code);
/* The code named (name, len), or -1 when it is not a v1 code.  (added) */
int fh_err_code_from(const char *name, size_t len);

/* WebSocket close codes used by the hub. */
#define FH_CLOSE_GOING_AWAY 1001
#define FH_CLOSE_UNSUPPORTED 1003
#define FH_CLOSE_TOO_LARGE 1009
#define FH_CLOSE_UNAUTHENTICATED 4001
#define FH_CLOSE_SLOW_CONSUMER 4008

typedef enum fh_msg_type {
  FH_MSG_UNKNOWN = 0,
  /* client -> hub */
  FH_MSG_HELLO,
  FH_MSG_PING,
  FH_MSG_SUB,
  FH_MSG_UNSUB,
  FH_MSG_ANDON_RAISE,
  FH_MSG_ANDON_ACK,
  FH_MSG_ANDON_RESOLVE,
  FH_MSG_ANDON_CANCEL,
  FH_MSG_EQ_STATE,
  FH_MSG_EQ_COUNT,
  FH_MSG_EQ_TOTAL,
  FH_MSG_SHIFT_REPORT,
  FH_MSG_DT_CLASSIFY,
  FH_MSG_DT_SPLIT,
  FH_MSG_DT_LIST,
  FH_MSG_LOGIN,
  FH_MSG_LOGOUT,
  FH_MSG_OEE_HISTORY,
  FH_MSG_DT_PARETO,
  FH_MSG_OEE_SAMPLES,
  FH_MSG_RUN_START,
  FH_MSG_RUN_END,
  FH_MSG_PLAN_SET,
  FH_MSG_HANDOVER_NOTE,
  FH_MSG_HANDOVER_ACK,
  /* hub -> client */
  FH_MSG_WELCOME,
  FH_MSG_PONG,
  FH_MSG_OK,
  FH_MSG_ERR,
  FH_MSG_SNAP,
  FH_MSG_UPD,
  FH_MSG__COUNT
} fh_msg_type;

/* The wire name ("andon.raise"), or NULL for FH_MSG_UNKNOWN. */
const char *fh_msg_type_name(fh_msg_type t);
/* FH_MSG_UNKNOWN when the name is not a v1 type. */
fh_msg_type fh_msg_type_from(const char *name, size_t len);
/* 1 for the write requests (andon.*, eq.*, dt.classify, dt.split, run.*,
 * plan.set, handover.note, handover.ack), which carry a `key`. */
int fh_msg_is_write(fh_msg_type t);

/* The entities (andon, equipment, line, oee): fh_entities.h (included
 * here, after the codes and before the requests that name them). */
#include "fh_entities.h"

/* ------------------------------------------------------------- requests */

/* A view into the frame being decoded; valid only while that frame is. */
typedef struct fh_strv {
  const char *p; /* not NUL-terminated */
  size_t n;      /* bytes */
} fh_strv;

typedef struct fh_since {
  fh_strv topic; /* topic name */
  uint64_t seq;  /* last seq the client holds */
} fh_since;

/* A decoded client -> hub message.  Only the member of `u` that matches
 * `type` is set.  String views point into the decoded frame. */
typedef struct fh_request {
  fh_msg_type type;   /* FH_MSG_HELLO .. FH_MSG_LOGOUT */
  int has_id;         /* the request carried `id` */
  uint64_t id;        /* echoed in the reply */
  fh_strv key;        /* idempotency key (writes only; required there) */
  union {
    struct {
      fh_strv token;  /* JWT; empty when the upgrade carried one */
      fh_strv client; /* free-form client name, may be empty */
      fh_strv resume; /* session id of a previous welcome, may be empty */
    } hello;
    struct {
      size_t ntopics;                 /* 1..FH_TOPICS_MAX */
      fh_strv topics[FH_TOPICS_MAX];  /* topic names as sent */
      size_t nsince;                  /* 0..FH_TOPICS_MAX */
      fh_since since[FH_TOPICS_MAX];  /* resume points */
      int has_epoch;                  /* `epoch` given */
      uint64_t epoch;                 /* epoch the since seqs belong to */
    } sub; /* also used by unsub (since/epoch unused) */
    struct {
      fh_strv line;       /* required */
      fh_strv equipment;  /* optional */
      fh_strv kind;       /* required */
      uint8_t severity;   /* 1..3; 2 when absent */
      fh_strv note;       /* optional */
    } raise;
    struct {
      uint64_t andon;     /* required */
      fh_strv reason;     /* required for resolve */
      fh_strv note;       /* optional */
    } andon_op; /* andon.ack, andon.resolve, andon.cancel */
    struct {
      fh_strv equipment;  /* required */
      fh_eq_state state;  /* required */
      fh_strv reason;     /* optional */
      int64_t ts;         /* optional client time in ms, 0 when absent */
      fh_strv machine_reason; /* optional: the machine's own reason or code */
    } eq_state;
    struct {
      fh_strv equipment;  /* required */
      uint64_t good;      /* increment, required */
      uint64_t reject;    /* increment, required */
      fh_strv reject_reason; /* optional: a quality leaf of the reason tree */
    } eq_count;
    struct {
      fh_strv equipment;      /* required */
      uint64_t good_total;    /* the machine's counter, required */
      uint64_t reject_total;  /* the machine's counter, required */
      int64_t rollover;       /* optional: the counter wraps after this, 0 none
                                 (an integer, so that a negative value is
                                 refused by the hub naming it) */
      int64_t ts;             /* optional machine time in ms, 0 when absent */
    } eq_total;
    struct {
      fh_strv line;       /* required */
      int64_t shift_start;/* optional: that shift; 0 = last closed shift */
    } shift_report;
    struct {
      uint64_t event;     /* required: the downtime event's id */
      fh_strv reason;     /* required for classify, optional for split */
      fh_strv note;       /* classify: optional */
      int64_t at;         /* split: required, ms strictly inside the event */
    } dt; /* dt.classify, dt.split */
    struct {
      fh_strv line;       /* required */
      int64_t from;       /* required, ms */
      int64_t to;         /* required, ms */
      uint8_t unclassified; /* optional bool: only unclassified events */
    } dt_list;
    struct {
      fh_strv badge;      /* what the badge reader typed, or empty */
      fh_strv user;       /* user id (with pin), or empty */
      fh_strv pin;        /* 1..FH_PIN_MAX bytes when given */
    } login; /* logout has no keys */
    struct {
      fh_strv scope;      /* required: "line" or "plant" */
      fh_strv line;       /* scope line: required */
      fh_strv equipment;  /* scope equipment */
      int64_t from;       /* required, ms: shifts starting at or after */
      int64_t to;         /* required, ms, exclusive */
      fh_strv group;      /* required: shift, day, week, month */
      fh_strv by;         /* optional breakdown */
      int64_t cursor;     /* optional: the page starting there, 0 = first */
      int64_t top;        /* dt.pareto: optional, rows kept before "other" */
    } history; /* oee.history, dt.pareto and oee.samples */
    struct {
      fh_strv line;       /* required */
      fh_strv product;    /* run.start: required */
      fh_strv order;      /* run.start: optional work order */
      int64_t target_qty; /* run.start: optional, 0 when absent (an
                             integer, so that a negative value is refused
                             by the hub naming it) */
    } run; /* run.start, run.end */
    struct {
      fh_strv line;        /* required */
      int64_t shift_start; /* optional: a later shift; 0 = the current one */
      uint64_t target_qty; /* required: pieces */
    } plan; /* plan.set */
    struct {
      fh_strv line;        /* required */
      fh_strv text;        /* note: required, 1..FH_HANDOVER_TEXT_MAX */
      int64_t shift_start; /* ack: required, ms: the shift handed over */
    } handover; /* handover.note, handover.ack */
  } u;
} fh_request;

/* Why a decode failed: the error code for the `err` reply and the offending
 * key ("t", "topics", ...) or "" when the map itself is broken. */
typedef struct fh_decode_err {
  fh_err_code code;            /* FH_E_BAD_REQUEST or FH_E_TOO_LARGE */
  char key[FH_KIND_MAX + 1];   /* offending key, may be "" */
  char msg[128];               /* human-readable, names the key */
  int has_id;                  /* the broken map still had a readable id */
  uint64_t id;                 /* ... which is this */
} fh_decode_err;

/* Iterates the maps of one frame.  `*off` starts at 0.  On success stores the
 * next map's [start, start+len) in *map and *map_len, advances *off and
 * returns 1; returns 0 at the end of the frame; returns -1 with `err` filled
 * when the bytes at *off are not one well-formed map within the limits
 * (truncated, a count larger than the bytes left, deeper than FH_DEPTH_MAX,
 * invalid UTF-8, not a map, a non-string key).  After -1 the rest of the frame
 * cannot be framed and must be dropped. */
int fh_frame_next(const uint8_t *frame, size_t frame_len, size_t *off,
                  const uint8_t **map, size_t *map_len, fh_decode_err *err);

/* Decodes one map (as returned by fh_frame_next) into a request.  Unknown
 * keys are ignored; nil for an optional key means absent.  Returns 0, or -1
 * with `err` filled: a missing or ill-typed required key is FH_E_BAD_REQUEST
 * naming that key; an unknown `t` names "t"; a known key given twice, an
 * empty required string or a string over its limit names that key (a token
 * over FH_TOKEN_MAX is FH_E_TOO_LARGE).  When the map's `id` was readable,
 * err->has_id/id carry it.  Nothing is allocated; `req` views point into
 * `map`. */
int fh_request_decode(const uint8_t *map, size_t map_len, fh_request *req,
                      fh_decode_err *err);

/* Encodes a request (clients: floorterm, floorsim, floorbench, tests).
 * Appends one map to `out`: t, id (when has_id), then each key of the type
 * that is required or present (a non-empty string, a non-zero ts or
 * shift_start, a severity other than 0 and 2, since entries, has_epoch).
 * Returns 0, -EINVAL (type is not a request, more than FH_TOPICS_MAX topics
 * or since entries) or -ENOMEM; on error nothing was appended.  The
 * encoder does not check limits: the hub does. */
int fh_request_encode(fh_buf *out, const fh_request *req);

/* ------------------------------------------------------ hub -> client */

typedef struct fh_welcome {
  uint64_t id;                          /* echoed request id, if has_id */
  int has_id;
  const char *user;                     /* token sub */
  const char *role;                     /* token role */
  size_t nlines;                        /* 0 = all lines */
  const char *const *lines;             /* the token's lines claim */
  int64_t server_time;                  /* ms */
  const char *hub;                      /* "floorhub/VERSION" */
  const char *session;                  /* session id (hex) */
  uint64_t epoch;                       /* current epoch */
} fh_welcome;

/* The answer to a kiosk's login (PROTOCOL.md 2.3). */
typedef struct fh_login_ok {
  uint64_t id;                          /* echoed request id, if has_id */
  int has_id;
  const char *user;                     /* the person's user id */
  const char *name;                     /* their display name (the id when
                                           the record has none) */
  const char *role;                     /* their role */
  size_t nlines;                        /* 0 = all lines */
  const char *const *lines;             /* theirs intersected with the kiosk's */
  int64_t expires_at;                   /* ms: the idle sign-out, if no
                                           request follows */
} fh_login_ok;

/* Each encoder appends one map to `out` and returns 0 or -ENOMEM; if it
 * returns an error, nothing was appended. */
int fh_enc_welcome(fh_buf *out, const fh_welcome *w);
int fh_enc_pong(fh_buf *out, int has_id, uint64_t id, int64_t server_time);
/* {t:"err", id?, code, msg, key?}; key may be NULL or "". */
int fh_enc_err(fh_buf *out, int has_id, uint64_t id, fh_err_code code,
               const char *key, const char *msg);
/* {t:"ok", id?} with no body (unsub, ...). */
int fh_enc_ok(fh_buf *out, int has_id, uint64_t id);
/* {t:"ok", id?, andon:{...}, replay?:true} */
int fh_enc_ok_andon(fh_buf *out, int has_id, uint64_t id, const fh_andon *a,
                    int replay);
/* {t:"ok", id?, equipment:{...}, replay?:true} */
int fh_enc_ok_equipment(fh_buf *out, int has_id, uint64_t id,
                        const fh_equipment *e, int replay);
/* {t:"ok", id?, run:{...}, replay?:true} -- run.start, run.end. */
int fh_enc_ok_run(fh_buf *out, int has_id, uint64_t id, const fh_run *r,
                  int replay);
/* {t:"ok", id?, plan:{...}, replay?:true} -- plan.set. */
int fh_enc_ok_plan(fh_buf *out, int has_id, uint64_t id, const fh_plan *p,
                   int replay);
/* {t:"ok", id?, topics:[...]} -- the topics accepted by a sub. */
int fh_enc_ok_topics(fh_buf *out, int has_id, uint64_t id,
                     const fh_strv *topics, size_t ntopics);
/* {t:"ok", id?, report:{oee...}} -- the answer to shift.report. */
int fh_enc_ok_report(fh_buf *out, int has_id, uint64_t id, const fh_oee *o);
/* {t:"ok", id?, report: <raw>, handover: ...} up to the handover's value,
 * which the caller appends next (a map or nil; like the snap data of
 * fh_enc_snap_begin: truncate out if appending it fails).  raw[0..n) is
 * the stored record of the shift (one msgpack map: its oee keys,
 * scoreboard, runs and by_product, as the hub stored it). */
int fh_enc_ok_report_begin(fh_buf *out, int has_id, uint64_t id,
                           const uint8_t *raw, size_t n);
/* {t:"ok", id?, <key>: <raw>, replay?:true}: an ok whose body is the
 * msgpack value already encoded in raw[0..n) (the hub's handover). */
int fh_enc_ok_raw(fh_buf *out, int has_id, uint64_t id, const char *key,
                  const void *raw, size_t n, int replay);
/* {t:"ok", id?, user, name, role, lines (nil when nlines is 0),
 * expires_at} -- the answer to login. */
int fh_enc_ok_login(fh_buf *out, const fh_login_ok *l);

/* Snapshots and updates are built in two steps so that the hub can write the
 * data map itself with the entity encoders below:
 *   fh_enc_snap_begin(out, topic, seq, epoch);  then exactly one data value,
 *   fh_enc_upd_begin(out, topic, seq);          then exactly one data value.
 * The data value for each topic is listed in PROTOCOL.md.  If writing the
 * data value fails, the message is incomplete: truncate `out` back to the
 * length it had before the _begin call. */
int fh_enc_snap_begin(fh_buf *out, const char *topic, uint64_t seq,
                      uint64_t epoch);
int fh_enc_upd_begin(fh_buf *out, const char *topic, uint64_t seq);

/* Raw building blocks for data values (maps/arrays of entities). */
int fh_enc_map(fh_buf *out, uint32_t n);
int fh_enc_array(fh_buf *out, uint32_t n);
int fh_enc_str(fh_buf *out, const char *s);
int fh_enc_uint(fh_buf *out, uint64_t v);
int fh_enc_nil(fh_buf *out);
/* (added) */
int fh_enc_strn(fh_buf *out, const char *s, size_t n);
int fh_enc_int(fh_buf *out, int64_t v);
int fh_enc_double(fh_buf *out, double v); /* always float64 */
int fh_enc_bool(fh_buf *out, int v);

int fh_enc_andon(fh_buf *out, const fh_andon *a);
int fh_enc_equipment(fh_buf *out, const fh_equipment *e);
int fh_enc_line(fh_buf *out, const fh_line *l);
int fh_enc_oee(fh_buf *out, const fh_oee *o);
int fh_enc_run(fh_buf *out, const fh_run *r);
int fh_enc_plan(fh_buf *out, const fh_plan *p);
/* The oee / run map with `extra` more keys counted in its header: the
 * caller appends exactly that many key/value pairs. */
int fh_enc_oee_map(fh_buf *out, const fh_oee *o, uint32_t extra);
int fh_enc_run_map(fh_buf *out, const fh_run *r, uint32_t extra);

/* --------------------------------------------------- client-side decoding */

/* A bounded msgpack cursor over validated bytes (from fh_frame_next), for
 * clients that read hub messages and for the storage layer. */
typedef struct fh_mp_cursor {
  const uint8_t *p;   /* next byte */
  const uint8_t *end; /* one past the last byte */
} fh_mp_cursor;

typedef enum fh_mp_kind {
  FH_MP_NIL, FH_MP_BOOL, FH_MP_UINT, FH_MP_INT, FH_MP_FLOAT, FH_MP_STR,
  FH_MP_BIN, FH_MP_ARRAY, FH_MP_MAP, FH_MP_EXT, FH_MP_INVALID
} fh_mp_kind;

/* Kind of the next value, without consuming it. */
fh_mp_kind fh_mp_peek(const fh_mp_cursor *c);
/* Each reader consumes one value and returns 0, or -1 (cursor unchanged) on a
 * type mismatch or truncation.  fh_mp_read_uint accepts non-negative ints;
 * fh_mp_read_int accepts any integer that fits int64; fh_mp_read_double
 * accepts floats and integers. */
int fh_mp_read_nil(fh_mp_cursor *c);
int fh_mp_read_bool(fh_mp_cursor *c, int *v);
int fh_mp_read_uint(fh_mp_cursor *c, uint64_t *v);
int fh_mp_read_int(fh_mp_cursor *c, int64_t *v);
int fh_mp_read_double(fh_mp_cursor *c, double *v);
int fh_mp_read_str(fh_mp_cursor *c, fh_strv *v);
int fh_mp_read_map(fh_mp_cursor *c, uint32_t *n);
int fh_mp_read_array(fh_mp_cursor *c, uint32_t *n);
/* Skips one whole value (with everything nested in it). */
int fh_mp_skip(fh_mp_cursor *c);
/* Copies a str value into dst (cap bytes incl. NUL); nil gives "".  Returns
 * -1 when the value is not a str/nil, does not fit or holds a NUL byte. */
int fh_mp_read_strcpy(fh_mp_cursor *c, char *dst, size_t cap);

/* A decoded hub -> client message.  `body` is the cursor positioned at the
 * value of `data` (snap/upd) or of the entity key of an ok (`andon`,
 * `equipment`, `report`, `topics`), or empty. */
typedef struct fh_event {
  fh_msg_type type;          /* WELCOME, PONG, OK, ERR, SNAP, UPD */
  int has_id;
  uint64_t id;
  fh_strv topic;             /* snap, upd */
  uint64_t seq;              /* snap, upd */
  uint64_t epoch;            /* snap, welcome */
  int64_t server_time;       /* welcome, pong */
  fh_err_code code;          /* err */
  fh_strv msg;               /* err */
  fh_strv err_key;           /* err: offending key, may be empty */
  fh_strv body_key;          /* ok: "andon" | "equipment" | "report" |
                                "topics" | "event" | "events" | "run" |
                                "plan" | "rows" | "" */
  int replay;                /* ok: the result of a replayed idempotency key */
  int more;                  /* ok of dt.list: the answer was cut */
  int64_t cursor;            /* ok of oee.history: the next page's cursor,
                                0 when this is the last page */
  fh_strv user, role, session; /* welcome; user, role also ok of login */
  fh_strv name;              /* ok of login: the person's display name */
  int64_t expires_at;        /* ok of login: the idle sign-out, ms */
  fh_strv hub;               /* welcome: "floorhub/VERSION" (added) */
  fh_mp_cursor lines;        /* welcome: the `lines` value, an array of str
                                or nil (= all lines) (added) */
  fh_mp_cursor body;         /* see above; p == end when absent */
  fh_mp_cursor handover;     /* ok of handover.note, handover.ack and
                                shift.report: the `handover` value (a map
                                or nil); p == end when absent */
} fh_event;

/* Decodes one map (from fh_frame_next) sent by the hub.  Returns 0, or -1
 * when it is not a hub message: `t` missing or not a hub type, a known key
 * of the wrong type or given twice, two body keys, or a key the type
 * requires missing (welcome: user, role, lines, server_time, hub, session,
 * epoch; pong: server_time; err: code, msg; snap: topic, seq, epoch, data;
 * upd: topic, seq, data).  Unknown keys are skipped. */
int fh_event_decode(const uint8_t *map, size_t map_len, fh_event *ev);

/* Entity decoders: read one entity map at the cursor.  The struct is zeroed
 * first; unknown keys are skipped; missing keys and nil keep the zero value.
 * Return 0 with the cursor after the map, or -1 (wrong type, string too
 * long for its array, unknown state name) with the cursor unchanged. */
int fh_dec_andon(fh_mp_cursor *c, fh_andon *a);
int fh_dec_equipment(fh_mp_cursor *c, fh_equipment *e);
int fh_dec_line(fh_mp_cursor *c, fh_line *l);
int fh_dec_oee(fh_mp_cursor *c, fh_oee *o);
int fh_dec_run(fh_mp_cursor *c, fh_run *r);
int fh_dec_plan(fh_mp_cursor *c, fh_plan *p);

/* 1 if the n bytes are valid UTF-8 (no overlongs, no surrogates). */
int fh_utf8_valid(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* FH_PROTOCOL_H */
