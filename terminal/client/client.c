/* client.c -- fh_client's public API, connection phases and reconnects.
 *
 * A connection goes IDLE -> CONNECTING -> HELLO (upgraded, hello queued) ->
 * ONLINE (welcome received).  Whatever ends it (an lws error, a close by
 * either side) lands in fh__client_lost(), which is idempotent: it drops the
 * per-connection state (control requests, a half-received message), marks
 * the outbox for resending, reports offline once, and arms the retry timer
 * with the current backoff, which then doubles up to the cap.  The welcome
 * resets the backoff.
 *
 * Closing is deferred to the next loop iteration through the same timer,
 * so fh_client_close() may be called from inside any callback.  The timer
 * then repeats until the lws context is destroyed (two steps on a foreign
 * loop, see conn.c), and the client is freed in the timer's close
 * callback.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libwebsockets.h>

#include "client_int.h"

int64_t fh__client_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fh__client_log(fh_client *c, const char *fmt, ...) {
  char line[512];
  va_list ap;

  if (c->cb.on_log == NULL || c->closing) return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  c->cb.on_log(c, line, c->arg);
}

/* Splits ws[s]://host[:port]/path into c->host, port, path, tls. */
static int parse_url(fh_client *c, const char *url) {
  char buf[512];
  const char *prot, *ads, *path;
  int port;

  if (strlen(url) >= sizeof buf) return -EINVAL;
  memcpy(buf, url, strlen(url) + 1);
  if (lws_parse_uri(buf, &prot, &ads, &port, &path) != 0) return -EINVAL;
  if (strcmp(prot, "ws") == 0) c->tls = 0;
  else if (strcmp(prot, "wss") == 0) c->tls = 1;
  else return -EINVAL;
  if (ads[0] == '\0' || strlen(ads) >= sizeof c->host) return -EINVAL;
  snprintf(c->host, sizeof c->host, "%s", ads);
  if ((size_t)snprintf(c->path, sizeof c->path, "/%s", path) >= sizeof c->path)
    return -EINVAL;
  c->port = port;
  return 0;
}

/* Random bytes for the key prefix and the jitter (not secret). */
static void seed(fh_client *c) {
  uint8_t r[8] = {0};
  size_t n = 0;

  if (uv_random(NULL, NULL, r, sizeof r, 0, NULL) != 0) {
    uint64_t t = uv_hrtime() ^ (uint64_t)fh__client_now_ms();
    memcpy(r, &t, sizeof r);
  }
  memcpy(&c->rand_state, r, sizeof r);
  c->rand_state |= 1;
  n = (size_t)snprintf(c->key_prefix, sizeof c->key_prefix, "%.20s-", c->name);
  for (size_t i = 0; i < 6 && n + 2 < sizeof c->key_prefix; i++, n += 2)
    snprintf(c->key_prefix + n, 3, "%02x", r[i]);
}

static void free_client(fh_client *c) {
  fh__outq_clear(&c->outbox);
  fh__outq_clear(&c->ctl);
  fh__subs_free(&c->subs);
  fh__rx_reset(c);
  fh_buf_free(&c->enc);
  free(c->url);
  free(c->ca_file);
  free(c->cert_file);
  free(c->key_file);
  free(c->token);
  free(c->name);
  free(c);
}

int fh_client_new(fh_client **out, uv_loop_t *loop, const fh_client_opts *o) {
  fh_client *c;

  const char *token = o->token ? o->token : "";

  if (o->url == NULL || (token[0] == '\0' && o->cert_file == NULL) ||
      strlen(token) > FH_TOKEN_MAX || (o->cert_file == NULL) != (o->key_file == NULL))
    return -EINVAL;
  c = calloc(1, sizeof *c);
  if (c == NULL) return -ENOMEM;
  c->loop = loop;
  c->cb = o->cb;
  c->arg = o->arg;
  c->url = strdup(o->url);
  c->token = strdup(token);
  c->name = strdup(o->name && o->name[0] ? o->name : "fh_client");
  c->ca_file = o->ca_file && o->ca_file[0] ? strdup(o->ca_file) : NULL;
  c->insecure = o->insecure != 0;
  c->cert_file = o->cert_file ? strdup(o->cert_file) : NULL;
  c->key_file = o->key_file ? strdup(o->key_file) : NULL;
  fh_buf_init(&c->enc, 0);
  if (c->url == NULL || c->token == NULL || c->name == NULL ||
      (o->ca_file && o->ca_file[0] && c->ca_file == NULL) ||
      (o->cert_file && (c->cert_file == NULL || c->key_file == NULL))) {
    free_client(c);
    return -ENOMEM;
  }
  if (parse_url(c, o->url) != 0) {
    free_client(c);
    return -EINVAL;
  }
  c->msg_max = o->msg_max ? o->msg_max : FH_CLIENT_MSG_MAX_DEFAULT;
  c->backoff_min_ms = o->backoff_min_ms ? o->backoff_min_ms : FH_CLIENT_BACKOFF_MIN_MS;
  c->backoff_max_ms = o->backoff_max_ms ? o->backoff_max_ms : FH_CLIENT_BACKOFF_MAX_MS;
  if (c->backoff_max_ms < c->backoff_min_ms) c->backoff_max_ms = c->backoff_min_ms;
  c->backoff_ms = c->backoff_min_ms;
  c->next_id = 1;
  c->reported = -1;
  seed(c);
  if (fh__conn_context_new(c) != 0) {
    free_client(c);
    return -EIO;
  }
  uv_timer_init(loop, &c->retry);
  c->retry.data = c;
  *out = c;
  return 0;
}

static void attempt(fh_client *c) {
  c->phase = PHASE_CONNECTING;
  c->close_code = 0;
  c->reason[0] = '\0';
  if (fh__conn_connect(c) != 0 && c->phase == PHASE_CONNECTING)
    fh__client_lost(c, "cannot start a connection");
}

static void on_retry(uv_timer_t *t) {
  fh_client *c = t->data;
  if (!c->closing) attempt(c);
}

int fh_client_start(fh_client *c) {
  if (c->started) return -EALREADY;
  c->started = 1;
  c->offline_since = fh__client_now_ms();
  attempt(c);
  return 0;
}

void fh__client_report(fh_client *c, int online, const fh_event *welcome) {
  fh_client_state st;

  if (c->closing || c->reported == online) return;
  c->reported = online;
  memset(&st, 0, sizeof st);
  st.online = online;
  st.since = online ? fh__client_now_ms() : c->offline_since;
  st.welcome = welcome;
  st.close_code = online ? 0 : c->close_code;
  st.reason = online ? "" : c->reason;
  if (c->cb.on_state) c->cb.on_state(c, &st, c->arg);
}

/* The delay before the next attempt: the backoff minus up to a quarter. */
static uint32_t next_delay(fh_client *c) {
  uint32_t d = c->backoff_ms;
  c->rand_state ^= c->rand_state << 13;
  c->rand_state ^= c->rand_state >> 7;
  c->rand_state ^= c->rand_state << 17;
  d -= (uint32_t)(c->rand_state % (d / 4 + 1));
  c->backoff_ms = c->backoff_ms > c->backoff_max_ms / 2 ? c->backoff_max_ms
                                                         : c->backoff_ms * 2;
  return d;
}

void fh__client_lost(fh_client *c, const char *why) {
  int was_online = c->phase == PHASE_ONLINE;

  if (c->phase == PHASE_IDLE || c->closing) return;
  c->phase = PHASE_IDLE;
  c->wsi = NULL;
  fh__rx_reset(c);
  fh__outq_clear(&c->ctl);
  fh__outq_mark_unsent(&c->outbox);
  if (c->reason[0] == '\0') snprintf(c->reason, sizeof c->reason, "%s", why);
  if (was_online) c->offline_since = fh__client_now_ms();
  fh__client_log(c, "offline: %s", c->reason);
  fh__client_report(c, 0, NULL);
  uv_timer_start(&c->retry, on_retry, next_delay(c), 0);
}

int fh__client_queue_ctl(fh_client *c, fh_request *req) {
  fh_client_req pub;
  int rc;

  memset(&pub, 0, sizeof pub);
  req->has_id = 1;
  req->id = c->next_id;
  fh_buf_reset(&c->enc);
  rc = fh_request_encode(&c->enc, req);
  pub.id = c->next_id;
  pub.type = req->type;
  if (rc == 0 && fh__outq_push(&c->ctl, &pub, c->enc.data, c->enc.len) == NULL)
    rc = -ENOMEM;
  if (req->type == FH_MSG_LOGIN && c->enc.data != NULL)
    explicit_bzero(c->enc.data, c->enc.cap);
  if (rc != 0) return rc;
  c->next_id++;
  fh__conn_want_write(c);
  return 0;
}

int fh_client_login(fh_client *c, const fh_request *req, uint64_t *id) {
  fh_request r = *req;
  uint64_t next = c->next_id;
  int rc;

  if (c->closing || (r.type != FH_MSG_LOGIN && r.type != FH_MSG_LOGOUT)) return -EINVAL;
  if (c->phase != PHASE_ONLINE) return -ENOTCONN;
  rc = fh__client_queue_ctl(c, &r);
  if (rc == 0 && id != NULL) *id = next;
  return rc;
}

void fh__client_established(fh_client *c) {
  fh_request req;

  c->phase = PHASE_HELLO;
  memset(&req, 0, sizeof req);
  req.type = FH_MSG_HELLO;
  req.u.hello.token = (fh_strv){c->token, strlen(c->token)};
  req.u.hello.client = (fh_strv){c->name, strlen(c->name)};
  c->hello_id = c->next_id;
  if (fh__client_queue_ctl(c, &req) != 0) fh__conn_drop(c, 1011, "out of memory");
}

int fh_client_subscribe(fh_client *c, const char *const *topics, size_t n) {
  size_t before = c->subs.n;
  int rc = 0;

  for (size_t i = 0; i < n; i++) {
    size_t len = topics[i] ? strlen(topics[i]) : 0;
    if (len == 0 || len > FH_TOPIC_MAX) return -EINVAL;
  }
  for (size_t i = 0; i < n && rc >= 0; i++) rc = fh__subs_add(&c->subs, topics[i]);
  if (rc >= 0 && c->phase == PHASE_ONLINE && c->subs.n > before)
    rc = fh__client_queue_sub(c, before, c->subs.n, NULL);
  if (rc < 0) c->subs.n = before; /* added topics are at the end */
  return rc < 0 ? rc : 0;
}

/* Sends an unsub for the k topics of req when online. */
static int send_unsub(fh_client *c, fh_request *req, size_t k) {
  if (k == 0 || c->phase != PHASE_ONLINE) return 0;
  req->u.sub.ntopics = k;
  return fh__client_queue_ctl(c, req);
}

int fh_client_unsubscribe(fh_client *c, const char *const *topics, size_t n) {
  fh_request req;
  size_t k = 0;
  int rc = 0;

  memset(&req, 0, sizeof req);
  req.type = FH_MSG_UNSUB;
  for (size_t i = 0; i < n && rc == 0; i++) {
    if (topics[i] == NULL || fh__subs_find(&c->subs, topics[i], strlen(topics[i])) == NULL)
      continue;
    req.u.sub.topics[k++] = (fh_strv){topics[i], strlen(topics[i])};
    if (k == FH_TOPICS_MAX) {
      rc = send_unsub(c, &req, k);
      k = 0;
    }
  }
  if (rc == 0) rc = send_unsub(c, &req, k);
  if (rc != 0) return rc;
  for (size_t i = 0; i < n; i++)
    if (topics[i] != NULL) fh__subs_remove(&c->subs, topics[i]);
  return 0;
}

/* 1 for the types fh_client_send queues: the writes and reads of the
 * application; not hello, sub and unsub (the client's own) nor login and
 * logout (they belong to the connection: fh_client_login). */
static int app_request(fh_msg_type t) {
  if (t == FH_MSG_OEE_HISTORY || t == FH_MSG_DT_PARETO) return 1;
  if (t == FH_MSG_HANDOVER_NOTE || t == FH_MSG_HANDOVER_ACK) return 1;
  if (t == FH_MSG_RUN_START || t == FH_MSG_RUN_END || t == FH_MSG_PLAN_SET) return 1;
  return t >= FH_MSG_PING && t <= FH_MSG_DT_LIST && t != FH_MSG_SUB && t != FH_MSG_UNSUB;
}

int fh_client_send(fh_client *c, const fh_request *req, void *data,
                   uint64_t *id) {
  fh_request r = *req;
  fh_client_req pub;
  char key[FH_KEY_MAX + 1];
  int rc;

  if (c->closing || !app_request(r.type) || r.key.n > FH_KEY_MAX) return -EINVAL;
  memset(&pub, 0, sizeof pub);
  if (fh_msg_is_write(r.type) && r.key.n == 0) {
    snprintf(key, sizeof key, "%s-%llu", c->key_prefix,
             (unsigned long long)++c->key_seq);
    r.key = (fh_strv){key, strlen(key)};
  }
  if (fh_msg_is_write(r.type)) memcpy(pub.key, r.key.p, r.key.n);
  r.has_id = 1;
  r.id = c->next_id;
  fh_buf_reset(&c->enc);
  rc = fh_request_encode(&c->enc, &r);
  if (rc != 0) return rc;
  pub.id = c->next_id;
  pub.type = r.type;
  pub.data = data;
  if (fh__outq_push(&c->outbox, &pub, c->enc.data, c->enc.len) == NULL) return -ENOMEM;
  c->next_id++;
  if (c->phase == PHASE_ONLINE) fh__conn_want_write(c);
  if (id != NULL) *id = pub.id;
  return 0;
}

const fh_client_req *fh_client_find(const fh_client *c, uint64_t id) {
  const out_req *r = fh__outq_find(&c->outbox, id);
  return r ? &r->pub : NULL;
}

size_t fh_client_pending(const fh_client *c) { return c->outbox.n; }

int fh_client_online(const fh_client *c) { return c->phase == PHASE_ONLINE; }

int fh_client_set_token(fh_client *c, const char *token) {
  char *t;

  if (token == NULL || token[0] == '\0' || strlen(token) > FH_TOKEN_MAX) return -EINVAL;
  t = strdup(token);
  if (t == NULL) return -ENOMEM;
  free(c->token);
  c->token = t;
  return 0;
}

static void on_closed(uv_handle_t *h) { free_client(h->data); }

#define DESTROY_POLL_MS 5      /* how often the lws teardown is checked */
#define DESTROY_POLLS_MAX 2000 /* give up after 10 s (leak rather than hang) */

/* Runs from the retry timer after fh_client_close: destroys the lws
 * context in its steps, then closes the timer, whose close callback frees
 * the client. */
static void on_close_timer(uv_timer_t *t) {
  fh_client *c = t->data;

  if (fh__conn_context_destroy(c)) {
    uv_close((uv_handle_t *)t, on_closed);
  } else if (++c->destroy_polls > DESTROY_POLLS_MAX) {
    /* lws never finished: the client stays allocated (lws may still call
     * into it) rather than the loop staying alive forever */
    uv_close((uv_handle_t *)t, NULL);
  }
}

void fh_client_close(fh_client *c) {
  if (c == NULL || c->closing) return;
  c->closing = 1;
  fh__outq_clear(&c->outbox);
  fh__outq_clear(&c->ctl);
  uv_timer_stop(&c->retry);
  uv_timer_start(&c->retry, on_close_timer, 0, DESTROY_POLL_MS);
}
