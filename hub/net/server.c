/* server.c -- libwebsockets on the hub's libuv loop.
 *
 * One vhost on --listen: TLS (wss:// and https://) when --tls-cert is
 * given, with the hardening of tls.c and an HSTS header on every response;
 * beside it, with --listen-plain, a second, plain vhost with the same
 * protocols and mounts (for loopback: Prometheus on the host, tests).  Protocol 0 is floorhub.v1 (so a client that names
 * no subprotocol still speaks it); upgrades are accepted only on /ws, only
 * from the allowed Origin when one is configured, and only while the
 * session count is below --max-connections.  Plain HTTP goes to three
 * mounts: /healthz and /metrics are answered by http.c, POST /api/v1/login
 * and /api/v1/logout by http_api.c (the dashboard's sign-in), everything else is
 * served from --web-root (the dashboard) when one is given, else 404.
 * Idle connections are pinged after --idle-ping-s and dropped after
 * --idle-hangup-s without any traffic from the peer.  session_tick() does
 * this from the hub's 1 s tick rather than lws's retry_and_idle_policy:
 * lws 4.1 keeps those deadlines in one sorted list that every connection
 * and every received frame re-inserts into (a walk of the whole list), which
 * made a storm of 5,000 reconnects take seconds.  The policy handed to lws
 * has both times 0 (without a policy lws would use its own default, which
 * pings and hangs up after five minutes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "export_http.h"
#include "http.h"
#include "hub.h"
#include "log.h"
#include "server.h"
#include "session.h"
#include "tls.h"
#include "tokens.h"

#define HEADER_MAX 12288 /* header bytes: an 8 KiB token in Authorization */

static hub *hub_of(struct lws *wsi) {
  return lws_context_user(lws_get_context(wsi));
}

/* 0 when the upgrade may go on; else the reason it is refused. */
static const char *upgrade_refusal(hub *h, struct lws *wsi) {
  char buf[256];

  if (h->stopping) return "shutting down";
  if (lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_GET_URI) <= 0 ||
      strcmp(buf, FH_PROTO_PATH) != 0)
    return "not the WebSocket endpoint";
  if (h->cfg->allowed_origin[0] &&
      (lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_ORIGIN) <= 0 ||
       strcmp(buf, h->cfg->allowed_origin) != 0))
    return "origin not allowed";
  if (h->nsessions >= h->cfg->max_connections) return "connection limit";
  return NULL;
}

/* A token in the upgrade's Authorization header authenticates at once. */
static void header_auth(hub *h, session *s) {
  static const char bearer[] = "Bearer ";
  int len = lws_hdr_total_length(s->wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  char *hdr;
  fh_identity *who;
  auth_fail f;

  if (len <= 0) return;
  hdr = malloc((size_t)len + 1);
  who = malloc(sizeof *who);
  if (hdr == NULL || who == NULL ||
      lws_hdr_copy(s->wsi, hdr, len + 1, WSI_TOKEN_HTTP_AUTHORIZATION) < 0) {
    f = AUTH_E_INTERNAL;
  } else if (strncmp(hdr, bearer, sizeof bearer - 1) != 0) {
    f = AUTH_E_MALFORMED;
  } else {
    const char *tok = hdr + sizeof bearer - 1;
    f = tokens_verify(h, tok, strlen(tok), who);
  }
  if (f == AUTH_OK) {
    session_authenticate(s, who, 0, 0);
  } else {
    h->m.auth_failures[f]++;
    log_warn("session %llu (%s): header token rejected: %s",
             (unsigned long long)s->id, s->peer, auth_fail_name(f));
    session_send_err(s, 0, 0, FH_E_UNAUTHORIZED, "token", "token rejected: %s",
                     auth_fail_name(f));
    session_close(s, FH_CLOSE_UNAUTHENTICATED, "invalid token");
  }
  free(hdr);
  free(who);
}

/* A verified client certificate whose CN is in --tls-client-map
 * authenticates at once, until the certificate's notAfter.  0 when it did;
 * otherwise the token decides (header or hello). */
static int cert_auth(hub *h, session *s) {
  char cn[FH_ID_MAX + 2];
  const fh_identity *mapped;
  fh_identity *who;
  int64_t not_after;
  int rc;

  if (h->certmap.n == 0 || tls_peer_cn(s->wsi, cn, sizeof cn, &not_after) != 0)
    return -ENOENT;
  if ((mapped = auth_certmap_find(&h->certmap, cn)) == NULL) {
    log_info("session %llu (%s): certificate CN '%s' not in --tls-client-map",
             (unsigned long long)s->id, s->peer, cn);
    return -ENOENT;
  }
  if ((who = malloc(sizeof *who)) == NULL) return -ENOMEM;
  *who = *mapped;
  who->exp_ms = not_after;
  log_info("session %llu (%s): client certificate CN '%s'",
           (unsigned long long)s->id, s->peer, cn);
  rc = session_authenticate(s, who, 0, 0);
  free(who);
  return rc;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason,
                       void *user, void *in, size_t len) {
  hub *h;
  session *s = user;
  const char *refusal;

  switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      h = hub_of(wsi);
      refusal = upgrade_refusal(h, wsi);
      if (refusal == NULL) return 0;
      h->m.sessions_refused++;
      log_info("upgrade refused: %s", refusal);
      return -1;
    case LWS_CALLBACK_ESTABLISHED:
      h = hub_of(wsi);
      session_open(h, wsi, s);
      if (cert_auth(h, s) != 0) header_auth(h, s);
      return 0;
    case LWS_CALLBACK_RECEIVE:
      return session_receive(s, in, len);
    case LWS_CALLBACK_RECEIVE_PONG:
      session_heard(s);
      return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      return session_writable(s);
    case LWS_CALLBACK_CLOSED:
      if (s->h != NULL) session_closed(s);
      return 0;
    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
      /* A vhost's SSL_CTX is made: user is that SSL_CTX, in the vhost. */
      if (in != NULL && user != NULL &&
          strcmp(lws_get_vhost_name(in), "floorhub") == 0) {
        if (tls_setup(hub_of(wsi), user) != 0) return 1;
        hub_of(wsi)->tls_ctx = user;
      }
      return 0;
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         void *user, void *in, size_t len) {
  char path[128];

  switch (reason) {
    case LWS_CALLBACK_HTTP:
      if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0)
        return http_api_post(hub_of(wsi), wsi);
      if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) <= 0) path[0] = 0;
      return http_serve(hub_of(wsi), wsi, path);
    case LWS_CALLBACK_HTTP_BODY:
      return http_api_body(wsi, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
      return http_api_complete(hub_of(wsi), wsi);
    case LWS_CALLBACK_HTTP_WRITEABLE:
      return http_writable(wsi);
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
      http_done(wsi);
      return 0;
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

/* lws keeps an rx buffer of this size per connection for its whole life:
 * requests are small (a hello with a token is the largest), larger
 * messages arrive in pieces and are reassembled by session.c, so 512 bytes
 * keep an idle subscribed connection near 3 KiB instead of 6. */
#define RX_CHUNK 512
/* What one send() may take.  Left 0, lws would cap every send at RX_CHUNK
 * and park the rest of a frame in a heap copy that goes out one loop
 * iteration (two POLLOUT changes, another send) per 512 bytes: a batch or
 * a snapshot of a few KiB then took several iterations.  Only a limit: no
 * memory is allocated for it. */
#define TX_CHUNK SEND_BATCH_MAX

static const struct lws_protocols protocols[] = {
    {FH_PROTO_SUBPROTOCOL, ws_callback, sizeof(session), RX_CHUNK, 0, NULL,
     TX_CHUNK},
    {"fh-http", http_callback, sizeof(http_pss), 0, 0, NULL, 0},
    {"fh-export", export_http_callback, sizeof(export_pss), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

static const struct lws_http_mount mount_export = {
    .mountpoint = "/api/v1/export", .mountpoint_len = 14, .origin = "fh-export",
    .origin_protocol = LWSMPRO_CALLBACK};
static const struct lws_http_mount mount_metrics = {
    .mount_next = &mount_export, .mountpoint = "/metrics", .mountpoint_len = 8,
    .origin = "fh-http", .origin_protocol = LWSMPRO_CALLBACK};
static const struct lws_http_mount mount_api = {
    .mount_next = &mount_metrics, .mountpoint = "/api", .mountpoint_len = 4,
    .origin = "fh-http", .origin_protocol = LWSMPRO_CALLBACK};
static const struct lws_http_mount mount_healthz = {
    .mount_next = &mount_api, .mountpoint = "/healthz",
    .mountpoint_len = 8, .origin = "fh-http",
    .origin_protocol = LWSMPRO_CALLBACK};
static struct lws_http_mount mount_web = {
    .mount_next = &mount_healthz, .mountpoint = "/", .mountpoint_len = 1,
    .def = "index.html", .origin_protocol = LWSMPRO_FILE,
    .cache_max_age = 300, .cache_reusable = 1, .cache_revalidate = 1,
    .cache_intermediaries = 0};
static struct lws_http_mount mount_404 = {
    .mount_next = &mount_healthz, .mountpoint = "/", .mountpoint_len = 1,
    .origin = "fh-http", .origin_protocol = LWSMPRO_CALLBACK};

static void on_write_prepare(uv_prepare_t *p) { session_request_writes(p->data); }
static void on_write_check(uv_check_t *c) { session_request_writes(c->data); }

/* The WRITEABLE requests queued by session.c are made outside the I/O
 * callbacks: before the poll phase (for what timers queued) and after it
 * (for what the I/O callbacks queued), so nothing waits an extra turn. */
static void write_handles_start(hub *h) {
  uv_prepare_init(h->loop, &h->write_prepare);
  uv_check_init(h->loop, &h->write_check);
  h->write_prepare.data = h->write_check.data = h;
  uv_prepare_start(&h->write_prepare, on_write_prepare);
  uv_check_start(&h->write_check, on_write_check);
}

static void lws_log_emit(int level, const char *line) {
  size_t n = strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
  log_msg(level == LLL_ERR ? LOG_LVL_ERROR : LOG_LVL_WARN, "lws: %.*s",
          (int)n, line);
}

/* Strict-Transport-Security on every https response of the TLS vhost
 * (lws adds a vhost's `headers` to each response it starts). */
static char hsts_value[32];
static const struct lws_protocol_vhost_options hsts_header = {
    NULL, NULL, "Strict-Transport-Security:", hsts_value};

/* The settings the context and both vhosts share. */
static void base_info(hub *h, struct lws_context_creation_info *info,
                      void **loops) {
  memset(info, 0, sizeof *info);
  h->idle_policy.secs_since_valid_ping = 0;   /* session_tick() pings */
  h->idle_policy.secs_since_valid_hangup = 0; /* ... and hangs up */
  info->options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DISABLE_IPV6 |
                  LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  if (h->cfg->tls_cert[0])
    info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info->foreign_loops = loops;
  info->protocols = protocols;
  info->user = h;
  info->retry_and_idle_policy = &h->idle_policy;
  info->max_http_header_data = HEADER_MAX;
  info->timeout_secs = 5;         /* handshakes (TLS and HTTP) */
  info->timeout_secs_ah_idle = 5; /* a partial upgrade that stalls */
  if (h->cfg->web_root[0]) {
    mount_web.origin = h->cfg->web_root;
    info->mounts = &mount_web;
  } else {
    info->mounts = &mount_404;
  }
}

/* One listening vhost on l; TLS when tls is 1. */
static struct lws_vhost *vhost_new(hub *h, struct lws_context_creation_info *info,
                                   const hub_listen *l, int tls) {
  struct lws_vhost *v;

  info->port = l->port; /* 0: the kernel picks a free port */
  info->iface = l->addr;
  info->vhost_name = tls ? "floorhub" : "floorhub-plain";
  info->ssl_cert_filepath = tls ? h->cfg->tls_cert : NULL;
  info->ssl_private_key_filepath = tls ? h->cfg->tls_key : NULL;
  info->ssl_cipher_list = tls ? tls_cipher_list : NULL;
  info->tls1_3_plus_cipher_list = tls ? tls13_cipher_list : NULL;
  info->ssl_options_set = tls ? (long)(SSL_OP_NO_COMPRESSION |
                                       SSL_OP_CIPHER_SERVER_PREFERENCE |
                                       SSL_OP_NO_RENEGOTIATION)
                              : 0;
  info->headers = tls && h->cfg->hsts_max_age ? &hsts_header : NULL;
  /* HTTP/1.1 only: WebSockets and the dashboard work as over plain
   * HTTP (no WebSocket over h2 streams). */
  info->alpn = tls ? "http/1.1" : NULL;
  v = lws_create_vhost(h->lws, info);
  if (v == NULL) log_error("cannot listen on %s:%d%s", l->addr, l->port,
                           tls ? " (TLS)" : "");
  return v;
}

int server_start(hub *h) {
  struct lws_context_creation_info info;
  void *loops[1] = {h->loop};
  int tls = h->cfg->tls_cert[0] != '\0';

  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);
  snprintf(hsts_value, sizeof hsts_value, "max-age=%u", h->cfg->hsts_max_age);
  base_info(h, &info, loops);
  h->lws = lws_create_context(&info);
  if (h->lws == NULL) {
    log_error("cannot create the lws context");
    return -ENOMEM;
  }
  h->vhost = vhost_new(h, &info, &h->cfg->listen, tls);
  if (h->vhost != NULL && tls && h->tls_ctx == NULL) {
    log_error("--tls-cert: the TLS context was not created");
    h->vhost = NULL;
  }
  if (h->vhost != NULL && h->cfg->listen_plain.port >= 0)
    h->vhost_plain = vhost_new(h, &info, &h->cfg->listen_plain, 0);
  if (h->vhost == NULL ||
      (h->cfg->listen_plain.port >= 0 && h->vhost_plain == NULL)) {
    lws_context_destroy(h->lws);
    h->lws = NULL;
    h->vhost = h->vhost_plain = NULL;
    h->tls_ctx = NULL;
    return -EADDRINUSE;
  }
  write_handles_start(h);
  return 0;
}

int server_port(hub *h) {
  return h->vhost ? lws_get_vhost_listen_port(h->vhost) : -1;
}

int server_plain_port(hub *h) {
  return h->vhost_plain ? lws_get_vhost_listen_port(h->vhost_plain) : -1;
}

void server_reload_tls(hub *h) {
  char err[768];

  if (h->tls_ctx == NULL) return;
  if (tls_reload(h, err, sizeof err) != 0)
    log_error("SIGHUP: certificate not reloaded, the old one stays: %s", err);
  else
    log_info("SIGHUP: certificate reloaded from %s", h->cfg->tls_cert);
  if (h->cfg->tls_client_map[0] == '\0') return;
  if (auth_certmap_load(h->cfg->tls_client_map, &h->certmap, err, sizeof err) != 0)
    log_error("SIGHUP: --tls-client-map not reloaded, the old one stays: %s", err);
  else
    log_info("SIGHUP: --tls-client-map reloaded: %zu certificate(s)", h->certmap.n);
}

void server_stop(hub *h) {
  if (h->lws != NULL) lws_context_destroy(h->lws);
  h->lws = NULL;
  h->vhost = h->vhost_plain = NULL;
  h->tls_ctx = NULL;
  if (h->write_check.loop != NULL && /* after lws: its sessions are gone */
      !uv_is_closing((uv_handle_t *)&h->write_check)) {
    uv_close((uv_handle_t *)&h->write_prepare, NULL);
    uv_close((uv_handle_t *)&h->write_check, NULL);
  }
}
