/* http.c -- /healthz, /metrics, 404 (405 for a GET of the POST API) on the
 * hub's port, and the writing of every answer of fh-http.
 *
 * The body is built when the request arrives (LWS_CALLBACK_HTTP), or later
 * for an answer that waits for work (http_api.c calls http_answer when it
 * is made); the headers are written at the first HTTP_WRITEABLE after
 * that, and the body in the following ones, one lws_write each, as lws
 * wants.
 * /healthz is 200 while the store takes writes (the last commit succeeded
 * and the map is below its cap) and 503 otherwise.  /metrics is Prometheus
 * text: counters from metrics.h plus gauges read off the live state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "model.h"
#include "session.h"

/* Appends printf output to the body; on OOM the body is marked failed. */
static void body_printf(http_pss *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void body_printf(http_pss *p, const char *fmt, ...) {
  va_list ap;
  int n;
  if (p->failed) return;
  for (;;) {
    size_t room = p->cap - p->len;
    va_start(ap, fmt);
    n = vsnprintf(p->body ? p->body + LWS_PRE + p->len : NULL,
                  p->body ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) break;
    if (p->body && (size_t)n < room) {
      p->len += (size_t)n;
      return;
    }
    size_t ncap = p->cap ? p->cap * 2 : 8192;
    while (ncap < p->len + (size_t)n + 1) ncap *= 2;
    char *nb = realloc(p->body, LWS_PRE + ncap);
    if (nb == NULL) break;
    p->body = nb;
    p->cap = ncap;
  }
  p->failed = 1;
}

static int store_writable(hub *h) {
  fh_store_stats st;
  if (h->store_full) return 0;
  if (fh_store_stats_get(h->store, &st) != 0) return 0;
  return st.used_bytes + (1u << 20) < st.map_size_max;
}

static void healthz(hub *h, http_pss *p) {
  int ok = store_writable(h);
  p->status = ok ? 200 : 503;
  p->ctype = "application/json";
  body_printf(p, "{\"status\":\"%s\",\"store\":\"%s\",\"epoch\":%llu,"
                 "\"sessions\":%zu}\n", ok ? "ok" : "unavailable",
              ok ? "writable" : "not writable", (unsigned long long)h->epoch,
              h->nsessions);
}

static void counter(http_pss *p, const char *name, const char *help,
                    uint64_t v) {
  body_printf(p, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
              name, name, (unsigned long long)v);
}

static void gauge(http_pss *p, const char *name, const char *help, double v) {
  body_printf(p, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help,
              name, name, v);
}

static void by_type(http_pss *p, const char *name, const char *help,
                    const uint64_t *v) {
  body_printf(p, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
  for (int t = 1; t < FH_MSG__COUNT; t++)
    body_printf(p, "%s{type=\"%s\"} %llu\n", name,
                fh_msg_type_name((fh_msg_type)t), (unsigned long long)v[t]);
}

/* A histogram of ns observations against nb bounds (ns), in seconds. */
static void histogram(http_pss *p, const char *name, const char *help,
                      const metrics_hist *hs, const uint64_t *bounds, size_t nb) {
  uint64_t cum = 0;
  body_printf(p, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  for (size_t b = 0; b < nb; b++) {
    cum += hs->bucket[b];
    body_printf(p, "%s_bucket{le=\"%g\"} %llu\n", name, (double)bounds[b] / 1e9,
                (unsigned long long)cum);
  }
  cum += hs->bucket[nb];
  body_printf(p, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.9g\n%s_count %llu\n",
              name, (unsigned long long)cum, name, (double)hs->sum_ns / 1e9, name,
              (unsigned long long)cum);
}

static void metrics_text(hub *h, http_pss *p) {
  const metrics *m = &h->m;
  size_t subs = 0, by_level[PLANT_ESCALATION_MAX + 1] = {0};

  for (session *s = h->sessions; s != NULL; s = s->next) subs += s->nsubs;
  for (size_t i = 0; i < h->model->nandons; i++) {
    const fh_andon *a = h->model->andons[i];
    if (a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED)
      by_level[a->level <= PLANT_ESCALATION_MAX ? a->level : PLANT_ESCALATION_MAX]++;
  }
  p->status = 200;
  p->ctype = "text/plain; version=0.0.4";
  gauge(p, "floorhub_connections", "WebSocket sessions open", (double)h->nsessions);
  gauge(p, "floorhub_subscriptions", "subscriptions held", (double)subs);
  counter(p, "floorhub_sessions_total", "sessions established", m->sessions_total);
  counter(p, "floorhub_sessions_refused_total", "upgrades refused", m->sessions_refused);
  by_type(p, "floorhub_messages_in_total", "requests received by type", m->msgs_in);
  counter(p, "floorhub_messages_invalid_total", "maps that failed to decode", m->msgs_in_invalid);
  by_type(p, "floorhub_messages_out_total", "messages queued by type", m->msgs_out);
  counter(p, "floorhub_bytes_in_total", "payload bytes received", m->bytes_in);
  counter(p, "floorhub_bytes_out_total", "payload bytes written", m->bytes_out);
  counter(p, "floorhub_frames_out_total", "frames written", m->frames_out);
  counter(p, "floorhub_deliveries_total", "updates queued to subscribers", m->deliveries);
  counter(p, "floorhub_slow_consumer_closes_total", "sessions closed with 4008", m->slow_consumer_closes);
  counter(p, "floorhub_too_large_closes_total", "sessions closed with 1009", m->too_large_closes);
  counter(p, "floorhub_text_frame_closes_total", "sessions closed with 1003", m->text_frame_closes);
  counter(p, "floorhub_auth_timeouts_total", "sessions closed unauthenticated", m->auth_timeouts);
  counter(p, "floorhub_auth_expired_total", "sessions closed on token expiry", m->auth_expired);
  counter(p, "floorhub_idle_closes_total", "sessions closed after no answer to pings", m->idle_closes);
  body_printf(p, "# HELP floorhub_auth_failures_total tokens rejected by reason\n"
                 "# TYPE floorhub_auth_failures_total counter\n");
  for (int f = 1; f < AUTH_FAIL__COUNT; f++)
    body_printf(p, "floorhub_auth_failures_total{reason=\"%s\"} %llu\n",
                auth_fail_name((auth_fail)f), (unsigned long long)m->auth_failures[f]);
  body_printf(p, "# HELP floorhub_errors_total err replies by code\n"
                 "# TYPE floorhub_errors_total counter\n");
  for (int c = 1; c <= FH_E_INTERNAL; c++)
    body_printf(p, "floorhub_errors_total{code=\"%s\"} %llu\n",
                fh_err_code_name((fh_err_code)c), (unsigned long long)m->errors_sent[c]);
  counter(p, "floorhub_rate_limited_total", "requests refused by the rate limit", m->rate_limited);
  counter(p, "floorhub_commits_total", "successful commits", m->commits);
  counter(p, "floorhub_commit_failures_total", "failed commits", m->commit_failures);
  counter(p, "floorhub_committed_writes_total", "writes committed", m->commit_writes);
  counter(p, "floorhub_idempotent_replays_total", "writes answered from a stored key", m->idem_replays);
  counter(p, "floorhub_reconnects_total", "hellos with resume", m->reconnects);
  counter(p, "floorhub_logins_total", "people signed in (kiosks, dashboard)", m->logins);
  counter(p, "floorhub_login_failures_total", "sign-ins refused (wrong, unknown, disabled)",
          m->login_failures);
  counter(p, "floorhub_login_kiosk_refusals_total", "kiosks and client addresses that began refusing sign-ins",
          m->login_kiosk_refusals);
  counter(p, "floorhub_login_user_locks_total", "users locked after failed sign-ins",
          m->login_user_locks);
  histogram(p, "floorhub_commit_seconds", "commit latency", &m->commit,
            metrics_commit_bounds, METRICS_COMMIT_BUCKETS);
  histogram(p, "floorhub_update_queue_seconds",
            "per update: its request's arrival to the start of its commit",
            &m->upd_queue, metrics_split_bounds, METRICS_SPLIT_BUCKETS);
  histogram(p, "floorhub_update_commit_seconds",
            "per update: the commit storing it", &m->upd_commit,
            metrics_split_bounds, METRICS_SPLIT_BUCKETS);
  histogram(p, "floorhub_update_fanout_seconds",
            "per update: its commit's end to the write to its last subscriber",
            &m->upd_fanout, metrics_split_bounds, METRICS_SPLIT_BUCKETS);
  body_printf(p, "# HELP floorhub_open_andons open andons by escalation level\n"
                 "# TYPE floorhub_open_andons gauge\n");
  for (size_t l = 0; l <= h->plant->nescalation; l++)
    body_printf(p, "floorhub_open_andons{level=\"%zu\"} %zu\n", l, by_level[l]);
  fh_buf more; /* the plant's gauges, then the notification senders' */
  fh_buf_init(&more, 0);
  if (metrics_plant_text(h, &more) != 0 ||
      (h->on_metrics != NULL && h->on_metrics(h->metrics_arg, &more) != 0))
    p->failed = 1;
  else if (more.len > 0)
    body_printf(p, "%.*s", (int)more.len, (char *)more.data);
  fh_buf_free(&more);
}

int http_serve(hub *h, struct lws *wsi, const char *path) {
  http_pss *p = lws_wsi_user(wsi);

  http_pss_reset(p); /* a request before on this connection (keep-alive) */
  if (!strcmp(path, "/healthz")) {
    healthz(h, p);
  } else if (!strcmp(path, "/metrics")) {
    metrics_text(h, p);
  } else if (!strcmp(path, "/api/v1/login") || !strcmp(path, "/api/v1/logout")) {
    p->status = 405;
    p->ctype = "application/json";
    body_printf(p, "{\"code\":\"bad_request\",\"key\":\"\",\"msg\":"
                   "\"use POST\"}");
  } else {
    p->status = 404;
    p->ctype = "text/plain";
    body_printf(p, "not found\n");
  }
  if (p->failed) return -1;
  p->ready = 1;
  lws_callback_on_writable(wsi);
  return 0;
}

void http_answer(struct lws *wsi, unsigned status, const char *ctype,
                 const char *body, size_t len) {
  http_pss *p = lws_wsi_user(wsi);
  p->status = status;
  p->ctype = ctype;
  p->len = 0;
  body_printf(p, "%.*s", (int)len, body);
  p->ready = 1;
  lws_callback_on_writable(wsi);
}

static int write_headers(struct lws *wsi, http_pss *p) {
  uint8_t hdr[LWS_PRE + 512], *start = hdr + LWS_PRE, *pos = start,
                              *end = hdr + sizeof hdr - 1;
  if (lws_add_http_common_headers(wsi, p->status, p->ctype, p->len, &pos, end) ||
      lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                   (const unsigned char *)"no-store", 8, &pos, end) ||
      (p->close_after &&
       lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
                                    (const unsigned char *)"close", 5, &pos, end)) ||
      lws_finalize_write_http_header(wsi, start, &pos, end))
    return -1;
  p->hdr_sent = 1;
  lws_callback_on_writable(wsi);
  return 0;
}

int http_writable(struct lws *wsi) {
  http_pss *p = lws_wsi_user(wsi);
  size_t chunk;
  int final;

  if (p == NULL || p->failed) return -1;
  if (!p->ready) return 0; /* parked: the answer is being made */
  if (!p->hdr_sent) return write_headers(wsi, p);
  if (p->len == 0 || p->body == NULL) /* headers only */
    return p->close_after || lws_http_transaction_completed(wsi) ? -1 : 0;
  chunk = p->len - p->sent;
  if (chunk > 16384) chunk = 16384;
  final = p->sent + chunk == p->len;
  /* The bytes before body + LWS_PRE + sent are headroom (already sent). */
  if (lws_write(wsi, (unsigned char *)p->body + LWS_PRE + p->sent, chunk,
                final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)chunk)
    return -1;
  p->sent += chunk;
  if (!final) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  if (p->close_after) return -1;
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

void http_pss_reset(http_pss *p) {
  http_api_done(p);
  if (p->body != NULL) explicit_bzero(p->body, LWS_PRE + p->cap); /* a token */
  free(p->body);
  memset(p, 0, sizeof *p);
}

void http_done(struct lws *wsi) {
  http_pss *p = lws_wsi_user(wsi);
  if (p != NULL) http_pss_reset(p);
}
