/* export_http.c -- the CSV exports over HTTP:
 *
 *   GET /api/v1/export/{oee,downtime,andons}.csv?scope=&line=&equipment=
 *       &from=&to=&group=   with  Authorization: Bearer <token>
 *
 * The token is checked as a WebSocket's is (tokens_verify: the configured
 * keys or a session token of the hub's, not revoked) and never read
 * from the URL: 401 without a valid one; its `lines` claim limits the rows
 * (403 for a line or equipment outside it).  Every parameter is checked
 * before anything is sent: an unknown, repeated or bad one is 400 with a
 * one-line message naming it.  from/to are plant-zone dates or ISO 8601
 * times (iso_time.h), `to` exclusive.  The body is RFC 4180 CSV, sent as
 * `Content-Disposition: attachment`, a slice (~16 KiB, export.h) per
 * WRITEABLE: memory stays flat however long the range.  The length is not
 * known up front, so the response has no Content-Length and the connection
 * closes after the last byte (HTTP/1.1 allows it; every client reads it).
 * Each slice written restarts the connection's timeout (STALL_S): a year
 * of stops takes a minute to send.
 */
#include "export_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub.h"
#include "iso_time.h"
#include "log.h"
#include "session.h"
#include "tokens.h"

#define PREFIX "/api/v1/export/"
#define SLICE_BYTES 16384
/* A body whose client took nothing for this long is cut (each slice
 * written restarts it).  lws's own timeout of the transaction (the
 * server's timeout_secs, 5 s) would otherwise cut every export that
 * lasts longer, silently: the body ends, as a complete one does. */
#define STALL_S 30
#define PARAM_MAX 128   /* bytes of one name=value */

static hub *hub_of(struct lws *wsi) { return lws_context_user(lws_get_context(wsi)); }

/* The query's parameters, as given ("" when absent). */
typedef struct export_params {
  char scope[PARAM_MAX], line[PARAM_MAX], equipment[PARAM_MAX];
  char from[PARAM_MAX], to[PARAM_MAX], group[PARAM_MAX];
} export_params;

/* The slot of parameter name, or NULL when there is none. */
static char *param_slot(export_params *p, const char *name, size_t n) {
  static const char *const names[] = {"scope", "line", "equipment", "from", "to", "group"};
  char *slots[] = {p->scope, p->line, p->equipment, p->from, p->to, p->group};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0) return slots[i];
  return NULL;
}

/* Checks one "name=value" argument and keeps its value. */
static int read_param(export_params *p, const char *frag, char *why, size_t wlen) {
  const char *eq = strchr(frag, '=');
  size_t n = eq ? (size_t)(eq - frag) : strlen(frag);
  char *slot = param_slot(p, frag, n);
  if (slot == NULL) {
    snprintf(why, wlen, "unknown parameter '%.*s'", (int)(n > 32 ? 32 : n), frag);
    return -1;
  }
  if (eq == NULL || eq[1] == '\0' || slot[0] != '\0' || strlen(eq + 1) >= PARAM_MAX) {
    snprintf(why, wlen, "parameter '%.*s' must be given once, with a value of at most %d bytes",
             (int)n, frag, PARAM_MAX - 1);
    return -1;
  }
  snprintf(slot, PARAM_MAX, "%s", eq + 1);
  return 0;
}

/* Reads the URL arguments (lws keeps each one urldecoded as a fragment);
 * 0, or -1 with why naming the parameter. */
static int read_params(struct lws *wsi, export_params *p, char *why, size_t wlen) {
  int rc = 0;
  memset(p, 0, sizeof *p);
  for (int i = 0; rc == 0; i++) {
    int len = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
    char *frag = len > 0 ? malloc((size_t)len + 1) : NULL;
    if (len <= 0) break;
    if (frag == NULL || lws_hdr_copy_fragment(wsi, frag, len + 1, WSI_TOKEN_HTTP_URI_ARGS, i) < 0) {
      snprintf(why, wlen, "cannot read the parameters");
      rc = -1;
    } else {
      rc = read_param(p, frag, why, wlen);
    }
    free(frag);
  }
  return rc;
}

static fh_strv strv(const char *s) { return (fh_strv){s, strlen(s)}; }

/* Builds the query from the parameters.  0, or the HTTP status with why. */
static int make_query(hub *h, const export_params *p, const uint64_t *mask, export_kind kind,
                      export_query *q, char *why, size_t wlen) {
  history_scope_args a = {strv(p->scope), strv(p->line), strv(p->equipment), 0, 0};
  history_scope_err err;
  int g = hist_group_parse(p->group[0] ? p->group : "day", p->group[0] ? strlen(p->group) : 3);
  if (a.scope.n == 0) a.scope = strv(p->equipment[0] ? "equipment" : p->line[0] ? "line" : "plant");
  memset(q, 0, sizeof *q);
  q->kind = kind;
  if (p->from[0] == '\0' || iso_time_parse(p->from, &q->from) != 0)
    return snprintf(why, wlen, "from must be a date (2026-11-01) or an ISO 8601 time"), 400;
  if (p->to[0] == '\0' || iso_time_parse(p->to, &q->to) != 0)
    return snprintf(why, wlen, "to must be a date (2026-12-01) or an ISO 8601 time"), 400;
  if (g < 0 || (kind != EXPORT_OEE && p->group[0]))
    return snprintf(why, wlen, "group must be shift, day, week or month (oee.csv only)"), 400;
  q->group = (hist_group)g;
  a.from = q->from;
  a.to = q->to;
  if (history_scope_check(h, mask, &a, &q->scope, &err) == 0) return 0;
  snprintf(why, wlen, "%s: %s", err.key, err.why);
  return err.code == FH_E_FORBIDDEN ? 403 : 400;
}

/* The token of "Authorization: Bearer"; 0, or 401 with why. */
static int authorize(hub *h, struct lws *wsi, fh_identity *who, char *why, size_t wlen) {
  static const char bearer[] = "Bearer ";
  int len = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  char *hdr = len > 0 ? malloc((size_t)len + 1) : NULL;
  auth_fail f = AUTH_E_MALFORMED;
  if (hdr != NULL && lws_hdr_copy(wsi, hdr, len + 1, WSI_TOKEN_HTTP_AUTHORIZATION) >= 0 &&
      strncmp(hdr, bearer, sizeof bearer - 1) == 0)
    f = tokens_verify(h, hdr + sizeof bearer - 1, strlen(hdr + sizeof bearer - 1), who);
  if (hdr != NULL) explicit_bzero(hdr, (size_t)len + 1); /* the token */
  free(hdr);
  if (f == AUTH_OK) return 0;
  h->m.auth_failures[f]++;
  snprintf(why, wlen, "%s", len <= 0 ? "an Authorization: Bearer token is required"
                                     : auth_fail_name(f));
  return 401;
}

/* Writes the status line and headers; body_len or LWS_ILLEGAL_HTTP_CONTENT_LEN. */
static int send_headers(struct lws *wsi, unsigned status, const char *ctype,
                        lws_filepos_t body_len, const char *attachment) {
  uint8_t hdr[LWS_PRE + 768], *start = hdr + LWS_PRE, *pos = start, *end = hdr + sizeof hdr - 1;
  char disp[160];
  if (lws_add_http_common_headers(wsi, status, ctype, body_len, &pos, end) ||
      lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                   (const unsigned char *)"no-store", 8, &pos, end))
    return -1;
  if (attachment != NULL) {
    int n = snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", attachment);
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                    (const unsigned char *)disp, n, &pos, end))
      return -1;
  }
  if (lws_finalize_write_http_header(wsi, start, &pos, end)) return -1;
  lws_callback_on_writable(wsi);
  return 0;
}

/* A refusal: status and one line of text, then the connection is done. */
static int refuse(struct lws *wsi, export_pss *p, unsigned status, const char *why) {
  fh_buf_reset(&p->buf);
  if (fh_buf_append(&p->buf, why, strlen(why)) != 0 || fh_buf_append(&p->buf, "\n", 1) != 0)
    return -1;
  p->final = 1;
  return send_headers(wsi, status, "text/plain; charset=utf-8", fh_buf_payload_len(&p->buf),
                      NULL);
}

static int serve(hub *h, struct lws *wsi, export_pss *p) {
  char uri[128], why[256];
  export_params params;
  fh_identity who;
  export_query q;
  int kind, status;

  memset(p, 0, sizeof *p);
  fh_buf_init(&p->buf, LWS_PRE);
  if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
    /* another method: with a body, lws wants it read before the answer */
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) return 0;
    return refuse(wsi, p, 405, "only GET is served here");
  }
  if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
      strncmp(uri, PREFIX, strlen(PREFIX)) != 0 || (kind = export_kind_from(uri + strlen(PREFIX))) < 0)
    return refuse(wsi, p, 404, "no such export: oee.csv, downtime.csv, andons.csv and runs.csv exist");
  if ((status = authorize(h, wsi, &who, why, sizeof why)) != 0) return refuse(wsi, p, 401, why);
  snprintf(p->who, sizeof p->who, "%s", who.sub);
  if (read_params(wsi, &params, why, sizeof why) != 0) return refuse(wsi, p, 400, why);
  if (session_mask_for(h, &who, &p->mask) != 0) return -1;
  if ((status = make_query(h, &params, p->mask, (export_kind)kind, &q, why, sizeof why)) != 0)
    return refuse(wsi, p, (unsigned)status, why);
  if (export_begin(h, &q, &p->job) != 0) {
    export_end(&p->job);
    return refuse(wsi, p, 503, "cannot read the store");
  }
  p->started = 1;
  lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, STALL_S);
  return send_headers(wsi, 200, "text/csv; charset=utf-8", LWS_ILLEGAL_HTTP_CONTENT_LEN,
                      export_file_name((export_kind)kind));
}

/* Writes the slice in buf (making the next one first when it is empty). */
static int writable(struct lws *wsi, export_pss *p) {
  size_t n;
  if (p->done) return lws_http_transaction_completed(wsi) ? -1 : 0;
  if (p->started && fh_buf_payload_len(&p->buf) == 0) {
    int more = export_next(&p->job, &p->buf, SLICE_BYTES);
    if (more < 0) return -1; /* out of memory or the store: cut short */
    p->final = more == 0;
  }
  n = fh_buf_payload_len(&p->buf);
  if (lws_write(wsi, fh_buf_payload(&p->buf), n,
                p->final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
    return -1;
  p->bytes += n;
  fh_buf_reset(&p->buf);
  lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, STALL_S);
  if (p->final && p->started)
    log_info("export %s for %s: %llu bytes", export_file_name(p->job.q.kind), p->who,
             (unsigned long long)p->bytes);
  p->done = p->final;
  lws_callback_on_writable(wsi);
  return 0;
}

static void finish(export_pss *p) {
  if (p->started) export_end(&p->job);
  p->started = 0;
  free(p->mask);
  p->mask = NULL;
  fh_buf_free(&p->buf);
}

int export_http_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         void *user, void *in, size_t len) {
  export_pss *p = user;
  switch (reason) {
    case LWS_CALLBACK_HTTP: return serve(hub_of(wsi), wsi, p);
    case LWS_CALLBACK_HTTP_BODY: return 0; /* not ours to read: dropped */
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: return refuse(wsi, p, 405, "only GET is served here");
    case LWS_CALLBACK_HTTP_WRITEABLE: return p != NULL ? writable(wsi, p) : -1;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
      if (p != NULL) finish(p);
      return 0;
    default: return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}
