/* session.c -- one WebSocket connection: receive, queue, write, close.
 *
 * Receiving: a message that arrives in one piece is decoded straight from
 * lws's buffer; a fragmented one is reassembled in s->rx, which is freed
 * again as soon as the message is complete.  The size cap is enforced while
 * bytes arrive, so an oversized message never occupies more than the cap.
 *
 * Sending: the queue is a ring of references to shared msgs.  In WRITEABLE
 * one message is written directly from its shared bytes; when several are
 * waiting they are copied into the hub's scratch buffer and written as one
 * frame of concatenated maps (up to SEND_BATCH_MAX bytes).  A session whose
 * queue goes from empty to one entry is listed for WRITEABLE; the list is
 * handed to lws between poll phases (session_request_writes).
 *
 * Where the time goes (metrics.h): the arrival of each message is one
 * clock read (h->rx_ns, copied into the writes it makes); a measured
 * update whose last unwritten queue entry has just been written costs one
 * more.  Nothing else is read or allocated per delivery.
 */
#include "session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plant.h"
#include "topic.h"

#define DISCARD_MAX_BYTES (1u << 20) /* refused bytes read before closing */
#define DISCARD_MAX_MS 1000          /* ... or time spent reading them */
/* The close opcode of lws_write(): internal in lws 4.1's public header. */
#define LWS_WRITE_CLOSE_INTERNAL ((enum lws_write_protocol)4)

session *session_open(hub *h, struct lws *wsi, session *s) {
  memset(s, 0, sizeof *s);
  s->h = h;
  s->wsi = wsi;
  s->id = ++h->next_session_id;
  s->opened_ms = hub_mono_ms(s->h);
  s->last_rx_ms = s->opened_ms;
  s->tokens = h->cfg->rate_burst;
  s->tokens_ms = s->opened_ms;
  if (wsi != NULL) lws_get_peer_simple(wsi, s->peer, sizeof s->peer);
  else snprintf(s->peer, sizeof s->peer, "offline");
  s->next = h->sessions;
  if (h->sessions) h->sessions->prev = s;
  h->sessions = s;
  h->nsessions++;
  h->m.sessions_total++;
  return s;
}

/* Asks for WRITEABLE, deferred to session_request_writes() at the end of
 * the loop phase.  Inside an I/O callback (a commit's completion fanning an
 * update out to every subscriber, say), libuv 1.44's uv_poll_start() --
 * which lws calls for every POLLOUT change -- walks the whole array of
 * events the iteration is dispatching; outside it does not.  A session
 * without a connection (the dispatch fuzzer's) only queues. */
static void want_writable(session *s) {
  hub *h = s->h;
  if (s->wsi == NULL || s->write_wanted) return;
  s->write_wanted = 1;
  s->wprev = NULL;
  s->wnext = h->write_wanted;
  if (h->write_wanted != NULL) h->write_wanted->wprev = s;
  h->write_wanted = s;
}

static void unwant_writable(session *s) {
  if (!s->write_wanted) return;
  if (s->wprev != NULL) s->wprev->wnext = s->wnext;
  else s->h->write_wanted = s->wnext;
  if (s->wnext != NULL) s->wnext->wprev = s->wprev;
  s->write_wanted = 0;
}

void session_request_writes(hub *h) {
  session *s;
  while ((s = h->write_wanted) != NULL) {
    unwant_writable(s);
    lws_callback_on_writable(s->wsi);
  }
}

static void queue_drop(session *s) {
  while (s->qcount > 0) {
    s->q[s->qhead].m->unsent--; /* never written here: not measured */
    msg_unref(s->q[s->qhead].m);
    s->qhead = (s->qhead + 1) % s->qcap;
    s->qcount--;
  }
  free(s->q);
  s->q = NULL;
  s->qcap = s->qhead = 0;
  s->qbytes = 0;
}

void session_closed(session *s) {
  hub *h = s->h;
  if (h->on_session_close != NULL) h->on_session_close(h, s);
  unwant_writable(s);
  topic_unsubscribe_all(s);
  queue_drop(s);
  fh_buf_free(&s->rx);
  free(s->line_mask);
  free(s->tok_mask);
  s->line_mask = s->tok_mask = NULL;
  if (s->prev) s->prev->next = s->next;
  else h->sessions = s->next;
  if (s->next) s->next->prev = s->prev;
  h->nsessions--;
  log_debug("session %llu closed (%s)", (unsigned long long)s->id, s->peer);
}

void session_close(session *s, uint16_t code, const char *why) {
  if (s->close_code != 0) return;
  s->close_code = code;
  snprintf(s->close_why, sizeof s->close_why, "%s", why);
  /* What is queued still goes out first (an err explaining the close),
   * except for a slow consumer, whose queue is the problem. */
  if (code == FH_CLOSE_SLOW_CONSUMER) queue_drop(s);
  want_writable(s);
  /* A stalled peer may never become writable: lws kills it then. */
  if (s->wsi != NULL) lws_set_timeout(s->wsi, PENDING_TIMEOUT_CLOSE_SEND, 2);
}

static int queue_grow(session *s) {
  uint32_t ncap = s->qcap ? s->qcap * 2 : 8;
  qent *nq = malloc(ncap * sizeof *nq);
  if (nq == NULL) return -ENOMEM;
  for (uint32_t i = 0; i < s->qcount; i++) nq[i] = s->q[(s->qhead + i) % s->qcap];
  free(s->q);
  s->q = nq;
  s->qcap = ncap;
  s->qhead = 0;
  return 0;
}

int session_send_msg(session *s, msg *m) {
  hub *h = s->h;
  if (s->close_code != 0) return -EPIPE;
  if (s->qbytes + m->len > h->cfg->queue_max_bytes) {
    h->m.slow_consumer_closes++;
    log_warn("session %llu (%s): send queue over %llu bytes, closing 4008",
             (unsigned long long)s->id, s->peer,
             (unsigned long long)h->cfg->queue_max_bytes);
    session_close(s, FH_CLOSE_SLOW_CONSUMER, "slow consumer");
    return -ENOBUFS;
  }
  if (s->qcount == s->qcap && queue_grow(s) != 0) {
    session_close(s, 1011, "out of memory");
    return -ENOMEM;
  }
  s->q[(s->qhead + s->qcount) % s->qcap] = (qent){msg_ref(m), hub_mono_ms(s->h)};
  m->unsent++;
  s->qcount++;
  s->qbytes += m->len;
  h->m.msgs_out[m->type]++;
  if (s->qcount == 1) want_writable(s);
  return 0;
}

int session_send(session *s, const fh_buf *b, fh_msg_type type) {
  msg *m = msg_new(b, type);
  int rc;
  if (m == NULL) {
    session_close(s, 1011, "out of memory");
    return -ENOMEM;
  }
  rc = session_send_msg(s, m);
  msg_unref(m);
  return rc;
}

void session_send_err(session *s, int has_id, uint64_t id, fh_err_code code,
                      const char *key, const char *fmt, ...) {
  hub *h = s->h;
  char text[256];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  h->m.errors_sent[code]++;
  fh_buf_reset(&h->enc);
  if (fh_enc_err(&h->enc, has_id, id, code, key, text) == 0)
    session_send(s, &h->enc, FH_MSG_ERR);
}

/* A measured update has been written to its last subscriber: its split
 * is observed, once (a later replay of it from the topic's ring is not). */
static void span_written(hub *h, msg *m) {
  metrics_span_observe(&h->m, &m->span, uv_hrtime());
  m->span.arrive_ns = 0;
}

/* Removes the first n entries (already written). */
static void queue_pop(session *s, uint32_t n) {
  while (n-- > 0) {
    qent *e = &s->q[s->qhead];
    if (--e->m->unsent == 0 && e->m->span.arrive_ns != 0)
      span_written(s->h, e->m);
    s->qbytes -= e->m->len;
    msg_unref(e->m);
    s->qhead = (s->qhead + 1) % s->qcap;
    s->qcount--;
  }
}

/* How many queued messages go into the next frame, and their bytes. */
static uint32_t batch_extent(const session *s, size_t *bytes) {
  uint32_t n = 0;
  size_t total = 0;
  while (n < s->qcount) {
    const msg *m = s->q[(s->qhead + n) % s->qcap].m;
    if (n > 0 && total + m->len > SEND_BATCH_MAX) break;
    total += m->len;
    n++;
  }
  *bytes = total;
  return n;
}

/* Sends the close frame ourselves: lws 4.1 drops the reason set with
 * lws_close_reason() when the close starts in SERVER_WRITEABLE (lws issue
 * #1159), so the peer would see 1006.  Then the connection is closed. */
static int write_close(session *s) {
  uint8_t frame[LWS_PRE + 2 + sizeof s->close_why];
  size_t n = strlen(s->close_why);

  frame[LWS_PRE] = (uint8_t)(s->close_code >> 8);
  frame[LWS_PRE + 1] = (uint8_t)s->close_code;
  memcpy(frame + LWS_PRE + 2, s->close_why, n);
  lws_write(s->wsi, frame + LWS_PRE, 2 + n, LWS_WRITE_CLOSE_INTERNAL);
  return -1;
}

/* A one-byte payload: lws 4.1 does not report the pong of an empty ping
 * (LWS_CALLBACK_RECEIVE_PONG), and the pong is what proves the peer alive. */
static int write_ping(session *s) {
  uint8_t frame[LWS_PRE + 1] = {0};
  s->ping_due = 0;
  s->ping_sent = 1;
  if (lws_write(s->wsi, frame + LWS_PRE, 1, LWS_WRITE_PING) < 0) return -1;
  if (s->qcount > 0) want_writable(s);
  return 0;
}

int session_writable(session *s) {
  hub *h = s->h;
  size_t bytes;
  uint32_t n;
  uint8_t *payload;
  int wrote;

  if (s->close_code != 0 && s->qcount == 0) return write_close(s);
  if (s->ping_due) return write_ping(s);
  if (s->qcount == 0) return 0;
  n = batch_extent(s, &bytes);
  if (n == 1) {
    payload = msg_payload(s->q[s->qhead].m);
  } else {
    fh_buf_reset(&h->out);
    for (uint32_t i = 0; i < n; i++) {
      msg *m = s->q[(s->qhead + i) % s->qcap].m;
      if (fh_buf_append(&h->out, msg_payload(m), m->len) != 0) return -1;
    }
    payload = fh_buf_payload(&h->out);
  }
  wrote = lws_write(s->wsi, payload, bytes, LWS_WRITE_BINARY);
  if (wrote < (int)bytes) return -1;
  h->m.bytes_out += bytes;
  h->m.frames_out++;
  queue_pop(s, n);
  if (s->qcount > 0 || s->close_code != 0) want_writable(s);
  return 0;
}

static int rate_allow(session *s) {
  const hub_config *c = s->h->cfg;
  uint64_t now = hub_mono_ms(s->h);
  s->tokens += (double)(now - s->tokens_ms) * c->rate_per_s / 1000.0;
  if (s->tokens > c->rate_burst) s->tokens = c->rate_burst;
  s->tokens_ms = now;
  if (s->tokens < 1.0) return 0;
  s->tokens -= 1.0;
  return 1;
}

void session_handle_message(session *s, const uint8_t *frame, size_t len) {
  hub *h = s->h;
  size_t off = 0;
  const uint8_t *map;
  size_t map_len;
  fh_decode_err err;
  int rc;

  h->m.bytes_in += len;
  h->rx_ns = uv_hrtime();
  while (s->close_code == 0 &&
         (rc = fh_frame_next(frame, len, &off, &map, &map_len, &err)) != 0) {
    if (rc < 0) {
      h->m.msgs_in_invalid++;
      session_send_err(s, err.has_id, err.id, err.code, err.key, "%s", err.msg);
      break; /* the rest of the frame cannot be framed */
    }
    if (!rate_allow(s)) {
      fh_request req; /* decoded only for the id the reply echoes */
      int ok = fh_request_decode(map, map_len, &req, &err) == 0;
      h->m.rate_limited++;
      session_send_err(s, ok ? req.has_id : err.has_id, ok ? req.id : err.id,
                       FH_E_RATE_LIMITED, "", "more than %u requests per second",
                       (unsigned)h->cfg->rate_per_s);
      continue;
    }
    if (h->on_map != NULL) h->on_map(h, s, map, map_len);
  }
  h->rx_ns = 0; /* writes made outside a request are the hub's own */
}

static int close_now(session *s, uint16_t code, const char *why) {
  lws_close_reason(s->wsi, (enum lws_close_status)code, (unsigned char *)why,
                   strlen(why));
  return -1;
}

/* A refused message is read to its end before the close: closing a socket
 * with unread data makes the kernel send a reset, and the peer would see
 * 1006 instead of the close code.  The bytes are dropped as they come, and
 * a peer that never ends its message is closed anyway after
 * DISCARD_MAX_BYTES or DISCARD_MAX_MS (session_tick). */
static void start_discard(session *s, uint16_t code) {
  fh_buf_free(&s->rx);
  s->rx_discard = code;
  s->rx_discard_ms = hub_mono_ms(s->h);
  s->rx_discarded = 0;
}

static int discard(session *s, size_t len, int message_ends) {
  s->rx_discarded += len;
  if (message_ends || s->rx_discarded > DISCARD_MAX_BYTES)
    return close_now(s, s->rx_discard, s->rx_discard == FH_CLOSE_TOO_LARGE
                                           ? "message too large"
                                           : "binary frames only");
  return 0;
}

void session_heard(session *s) {
  s->last_rx_ms = hub_mono_ms(s->h);
  s->ping_sent = 0;
}

int session_receive(session *s, const uint8_t *in, size_t len) {
  hub *h = s->h;
  struct lws *wsi = s->wsi;
  int first = lws_is_first_fragment(wsi), last = lws_is_final_fragment(wsi);
  size_t remaining = lws_remaining_packet_payload(wsi);
  int ends = last && remaining == 0;

  session_heard(s);
  if (s->rx_discard) return discard(s, len, ends);
  if (s->close_code != 0) return 0;
  if (first && s->rx.len == 0 && !lws_frame_is_binary(wsi)) {
    h->m.text_frame_closes++;
    start_discard(s, FH_CLOSE_UNSUPPORTED);
    return discard(s, len, ends);
  }
  if (s->rx.len + len + remaining > h->cfg->frame_max) {
    h->m.too_large_closes++;
    start_discard(s, FH_CLOSE_TOO_LARGE);
    return discard(s, len, ends);
  }
  if (s->rx.len == 0 && ends) {
    session_handle_message(s, in, len); /* the common case: no copy */
    return 0;
  }
  if (fh_buf_append(&s->rx, in, len) != 0)
    return close_now(s, 1011, "out of memory");
  if (ends) {
    session_handle_message(s, s->rx.data, s->rx.len);
    fh_buf_free(&s->rx);
  }
  return 0;
}

void session_tick(session *s, uint64_t now_mono, int64_t now_ms) {
  hub *h = s->h;
  /* The ring stays allocated while messages flow (no malloc/free per
   * delivery); an idle session gives it back here. */
  if (s->qcount == 0 && s->q != NULL) queue_drop(s);
  if (s->close_code != 0) return;
  if (s->rx_discard && now_mono - s->rx_discard_ms > DISCARD_MAX_MS) {
    session_close(s, s->rx_discard, s->rx_discard == FH_CLOSE_TOO_LARGE
                                        ? "message too large"
                                        : "binary frames only");
    return;
  }
  if (!s->authed && now_mono - s->opened_ms >= h->cfg->auth_timeout_ms) {
    h->m.auth_timeouts++;
    session_close(s, FH_CLOSE_UNAUTHENTICATED, "not authenticated in time");
  } else if (s->authed && now_ms >= s->exp_ms) {
    h->m.auth_expired++;
    log_info("session %llu (%s): token of %s expired, closing 4001",
             (unsigned long long)s->id, s->peer, s->user);
    session_close(s, FH_CLOSE_UNAUTHENTICATED, "token expired");
  } else if (now_mono - s->last_rx_ms >= 1000ull * h->cfg->idle_hangup_s) {
    log_info("session %llu (%s): silent for %u s, closing",
             (unsigned long long)s->id, s->peer, (unsigned)h->cfg->idle_hangup_s);
    h->m.idle_closes++;
    session_close(s, FH_CLOSE_GOING_AWAY, "no answer to ping");
  } else if (!s->ping_sent && !s->ping_due &&
             now_mono - s->last_rx_ms >= 1000ull * h->cfg->idle_ping_s) {
    s->ping_due = 1;
    want_writable(s);
  } else if (s->qcount > 0 &&
             now_mono - s->q[s->qhead].queued_ms > h->cfg->queue_max_age_ms) {
    h->m.slow_consumer_closes++;
    log_warn("session %llu (%s): oldest queued message older than %u ms, "
             "closing 4008", (unsigned long long)s->id, s->peer,
             (unsigned)h->cfg->queue_max_age_ms);
    session_close(s, FH_CLOSE_SLOW_CONSUMER, "slow consumer");
  }
}
