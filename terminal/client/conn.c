/* conn.c -- the libwebsockets side of fh_client.
 *
 * One lws context per client, created on the application's libuv loop
 * (LWS_SERVER_OPTION_LIBUV with foreign_loops), without a listener.  The
 * protocol callback translates lws events into client_* calls: established
 * -> hello, receive -> fh__rx_fragment, writeable -> one batch of queued maps,
 * error/closed -> fh__client_lost.  Bytes are written only here, in the
 * WRITEABLE callback, with LWS_PRE bytes of headroom (c->tx is an fh_buf
 * with that head).  lws's own log lines go to the newest client's on_log.
 *
 * Destroying a context on a foreign libuv loop takes two calls (lws 4.1):
 * the first closes lws's uv handles, which close asynchronously; the
 * second, once no handle of the loop is still closing, frees the context
 * and clears c->ctx through info.pcontext.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

#include "client_int.h"

#define BATCH_MAX (16 * 1024) /* bytes of maps per written message */
#define RX_CHUNK (64 * 1024)  /* lws rx buffer: pieces of a message */

static fh_client *log_sink; /* receives lws's log lines */

static void lws_log_emit(int level, const char *line) {
  size_t n = strlen(line);
  (void)level;
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
  if (log_sink != NULL) fh__client_log(log_sink, "lws: %.*s", (int)n, line);
}

/* Appends every unsent entry of l (hello only before the welcome) to tx;
 * sets *secret when one of them is a login. */
static void batch_list(fh_client *c, out_list *l, int *secret) {
  for (out_req *r = l->head; r != NULL; r = r->next) {
    if (r->sent) continue;
    if (c->phase != PHASE_ONLINE && r->pub.type != FH_MSG_HELLO) continue;
    if (fh_buf_payload_len(&c->tx) > 0 &&
        fh_buf_payload_len(&c->tx) + r->len > BATCH_MAX)
      return;
    if (fh_buf_append(&c->tx, r->bytes, r->len) != 0) return;
    r->sent = 1;
    r->pub.sends++;
    if (r->pub.type == FH_MSG_LOGIN) *secret = 1;
  }
}

static int on_writable(fh_client *c, struct lws *wsi) {
  size_t len;
  int secret = 0, rc;

  if (c->closing || c->phase < PHASE_HELLO) return 0;
  fh_buf_reset(&c->tx);
  batch_list(c, &c->ctl, &secret);
  batch_list(c, &c->outbox, &secret);
  len = fh_buf_payload_len(&c->tx);
  if (len == 0) return 0;
  rc = lws_write(wsi, fh_buf_payload(&c->tx), len, LWS_WRITE_BINARY);
  if (secret) explicit_bzero(fh_buf_payload(&c->tx), len);
  if (rc < (int)len) {
    fh__client_log(c, "write failed: closing");
    return -1;
  }
  if (c->phase == PHASE_ONLINE &&
      (fh__outq_has_unsent(&c->ctl) || fh__outq_has_unsent(&c->outbox)))
    lws_callback_on_writable(wsi);
  return 0;
}

static int on_receive(fh_client *c, struct lws *wsi, const uint8_t *in,
                      size_t len) {
  int code = fh__rx_fragment(c, in, len, lws_is_first_fragment(wsi),
                         lws_is_final_fragment(wsi),
                         lws_remaining_packet_payload(wsi),
                         lws_frame_is_binary(wsi));
  if (code == 0) return 0;
  lws_close_reason(wsi, (enum lws_close_status)code, NULL, 0);
  return -1;
}

static void on_peer_close(fh_client *c, const uint8_t *in, size_t len) {
  if (len >= 2) {
    c->close_code = (in[0] << 8) | in[1];
    if (c->reason[0] != '\0') return; /* a refused hello said more */
    snprintf(c->reason, sizeof c->reason, "hub closed %d%s%.*s", c->close_code,
             len > 2 ? ": " : "", (int)(len - 2), (const char *)in + 2);
  }
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
                    void *user, void *in, size_t len) {
  struct lws_context *ctx = lws_get_context(wsi);
  fh_client *c = ctx ? lws_context_user(ctx) : NULL;
  char why[sizeof c->tls_why + 320];

  if (c == NULL || c->closing) return 0;
  switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      c->wsi = wsi;
      fh__client_established(c);
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      return on_receive(c, wsi, in, len);
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      return on_writable(c, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      on_peer_close(c, in, len);
      return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      if (c->tls_why[0])
        snprintf(why, sizeof why, "hub %s:%d: TLS certificate refused: %s",
                 c->host, c->port, c->tls_why);
      else
        snprintf(why, sizeof why, "%.*s", in ? (int)len : 0, in ? (char *)in : "");
      fh__client_lost(c, why[0] ? why : "connection failed");
      return 0;
    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
      if (user != NULL) fh__tls_client_ctx(c, user);
      return 0;
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
      return fh__tls_verify(c, user, (int)len);
    case LWS_CALLBACK_CLIENT_CLOSED:
      fh__client_lost(c, "connection closed");
      return 0;
    case LWS_CALLBACK_WSI_DESTROY:
      if (wsi == c->wsi) fh__client_lost(c, "connection closed");
      return 0;
    default:
      return 0;
  }
}

static const struct lws_protocols protocols[] = {
    {FH_PROTO_SUBPROTOCOL, callback, 0, RX_CHUNK, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

/* lws pings an idle connection and drops it when no pong comes back. */
static const lws_retry_bo_t idle_policy = {
    .secs_since_valid_ping = 10, .secs_since_valid_hangup = 25};

int fh__conn_context_new(fh_client *c) {
  struct lws_context_creation_info info;
  void *loops[1] = {c->loop};

  fh_buf_init(&c->tx, LWS_PRE);
  log_sink = c;
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.options = LWS_SERVER_OPTION_LIBUV;
  if (c->tls) info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.client_ssl_ca_filepath = c->ca_file; /* NULL: the system's CAs */
  info.client_ssl_cert_filepath = c->cert_file; /* a gateway's, or NULL */
  info.client_ssl_private_key_filepath = c->key_file;
  info.foreign_loops = loops;
  info.protocols = protocols;
  info.user = c;
  info.pcontext = &c->ctx; /* lws clears it when the context is freed */
  info.timeout_secs = 5; /* connect and upgrade */
  c->ctx = lws_create_context(&info);
  return c->ctx ? 0 : -EIO;
}

int fh__conn_connect(fh_client *c) {
  struct lws_client_connect_info ci;

  memset(&ci, 0, sizeof ci);
  ci.context = c->ctx;
  ci.address = c->host;
  ci.port = c->port;
  ci.path = c->path;
  ci.host = c->host;
  ci.origin = c->host;
  ci.protocol = FH_PROTO_SUBPROTOCOL;
  /* The host name is checked by tls.c (see there), not by lws. */
  ci.ssl_connection = c->tls ? LCCSCF_USE_SSL | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK : 0;
  if (c->tls && c->insecure)
    ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_ALLOW_EXPIRED |
                         LCCSCF_ALLOW_INSECURE;
  c->tls_why[0] = '\0';
  ci.retry_and_idle_policy = &idle_policy;
  ci.pwsi = &c->wsi;
  return lws_client_connect_via_info(&ci) ? 0 : -EIO;
}

void fh__conn_want_write(fh_client *c) {
  if (c->wsi != NULL && c->phase >= PHASE_HELLO) lws_callback_on_writable(c->wsi);
}

void fh__conn_drop(fh_client *c, int code, const char *why) {
  if (c->wsi == NULL) return;
  lws_close_reason(c->wsi, (enum lws_close_status)code, (unsigned char *)why,
                   strlen(why));
  lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

/* Counts closing handles other than `self` (uv_walk callback). */
static void count_closing(uv_handle_t *h, void *arg) {
  struct { const uv_handle_t *self; int n; } *w = arg;
  if (h != w->self && uv_is_closing(h)) w->n++;
}

int fh__conn_context_destroy(fh_client *c) {
  struct { const uv_handle_t *self; int n; } w = {(uv_handle_t *)&c->retry, 0};

  if (c->ctx == NULL) return 1;
  c->wsi = NULL;
  if (!c->destroying) {
    c->destroying = 1;
    lws_context_destroy(c->ctx); /* closes lws's uv handles */
    return c->ctx == NULL;
  }
  uv_walk(c->loop, count_closing, &w);
  if (w.n == 0) lws_context_destroy(c->ctx); /* frees; sets c->ctx NULL */
  if (c->ctx != NULL) return 0;
  if (log_sink == c) log_sink = NULL;
  fh_buf_free(&c->tx);
  return 1;
}
