/* http_api.c -- POST /api/v1/login and POST /api/v1/logout (http.h).
 *
 * lws hands a POST's headers (LWS_CALLBACK_HTTP), then its body in pieces
 * (HTTP_BODY), then HTTP_BODY_COMPLETION.  The body is kept up to
 * API_BODY_MAX bytes; a Content-Length above that is answered 413 at once
 * and the connection closed (the rest is never read), as are a chunked
 * body (411: lws 4.1 reads no chunked request bodies) and, with
 * --allowed-origin, a browser's request from another Origin (403).  At completion the
 * body is parsed -- application/x-www-form-urlencoded or application/json,
 * anything else 415 -- into user and password, checked (400 naming the
 * field: missing, not text, too long), wiped, and handed to web_login.c;
 * the connection is parked (no WRITEABLE asked) until its answer comes
 * back, on the loop, through on_answer, which asks for WRITEABLE.  A
 * logout needs no body: the token is the Authorization header's (Bearer).
 * Error bodies are JSON {"code", "key", "msg"} like the WebSocket `err`.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "http.h"
#include "user.h"
#include "web_login.h"

#define API_BODY_MAX (16 * 1024) /* bytes of a POST body */
#define JSON_TYPE "application/json"

enum api_kind { API_LOGIN = 1, API_LOGOUT };

/* A POST in progress. */
typedef struct http_api {
  enum api_kind kind;       /* which endpoint */
  char *in;                 /* the body so far; wiped */
  size_t len;               /* its bytes */
  web_call *call;           /* the answer being made, NULL */
  struct lws *wsi;          /* the connection */
} http_api;

/* The fields of a sign-in. */
typedef struct login_fields {
  char user[FH_ID_MAX + 2];              /* one more: "too long" shows */
  size_t ulen;
  char password[USER_PASSWORD_MAX + 2];  /* wiped */
  size_t plen;
  int has_user, has_password;            /* the key was given */
} login_fields;

static void on_answer(void *arg, unsigned status, const char *body, size_t len) {
  struct lws *wsi = arg;
  http_pss *p = lws_wsi_user(wsi);
  if (p->api != NULL) p->api->call = NULL;
  http_answer(wsi, status, JSON_TYPE, body, len);
}

void http_api_done(http_pss *p) {
  http_api *a = p->api;
  if (a == NULL) return;
  if (a->call != NULL) web_call_cancel(a->call);
  if (a->in != NULL) explicit_bzero(a->in, a->len);
  free(a->in);
  free(a);
  p->api = NULL;
}

static int header_is(struct lws *wsi, enum lws_token_indexes t, const char *v) {
  char buf[128];
  return lws_hdr_copy(wsi, buf, sizeof buf, t) > 0 && strcmp(buf, v) == 0;
}

/* Answers what is refused before the body is read (and closes after):
 * another Origin than --allowed-origin, a body without Content-Length
 * (chunked), one over API_BODY_MAX.  1 when answered; *n: the length. */
static int refused_early(hub *h, struct lws *wsi, unsigned long long *n) {
  http_pss *p = lws_wsi_user(wsi);
  char buf[256];

  *n = 0;
  if (lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0)
    *n = strtoull(buf, NULL, 10);
  else if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
    *n = ULLONG_MAX;
  p->close_after = 1;
  if (h->cfg->allowed_origin[0] &&
      lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_ORIGIN) > 0 &&
      strcmp(buf, h->cfg->allowed_origin) != 0) {
    web_answer_error(on_answer, wsi, 403, "forbidden", "", "origin not allowed");
  } else if (*n == ULLONG_MAX) {
    web_answer_error(on_answer, wsi, 411, "bad_request", "", "a Content-Length "
                     "is required (no chunked bodies)");
  } else if (*n > API_BODY_MAX) {
    web_answer_error(on_answer, wsi, 413, "too_large", "", "the body is over "
                     "%d bytes", API_BODY_MAX);
  } else {
    p->close_after = 0;
    return 0;
  }
  return 1;
}

int http_api_post(hub *h, struct lws *wsi) {
  http_pss *p = lws_wsi_user(wsi);
  unsigned long long n;

  http_pss_reset(p); /* a request before on this connection (keep-alive) */
  if ((p->api = calloc(1, sizeof *p->api)) == NULL) return -1;
  p->api->wsi = wsi;
  if (header_is(wsi, WSI_TOKEN_POST_URI, "/api/v1/login")) p->api->kind = API_LOGIN;
  else if (header_is(wsi, WSI_TOKEN_POST_URI, "/api/v1/logout")) p->api->kind = API_LOGOUT;
  if (refused_early(h, wsi, &n)) return 0;
  return n == 0 ? http_api_complete(h, wsi) : 0; /* else: the body comes */
}

int http_api_body(struct lws *wsi, const void *in, size_t len) {
  http_pss *p = lws_wsi_user(wsi);
  http_api *a = p->api;
  char *nb;

  /* Nothing (lws may say "no more" so), or already answered (403, 411,
   * 413): read and dropped until the answer is out and closes. */
  if (len == 0 || p->ready) return 0;
  if (a == NULL || a->len + len > API_BODY_MAX) return -1; /* beyond its length */
  if ((nb = realloc(a->in, a->len + len + 1)) == NULL) return -1;
  a->in = nb;
  memcpy(a->in + a->len, in, len);
  a->len += len;
  return 0;
}

/* The media type of the request (before any ';'), lowercase, or "". */
static void media_type(struct lws *wsi, char *out, size_t n) {
  int len = lws_hdr_copy(wsi, out, (int)n, WSI_TOKEN_HTTP_CONTENT_TYPE);
  if (len <= 0) len = 0;
  out[len] = '\0';
  out[strcspn(out, "; \t")] = '\0';
  for (char *c = out; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes n bytes of a form value into out (cap bytes, NUL
 * added); -EINVAL on a bad escape, -E2BIG when it does not fit. */
static int form_decode(const char *s, size_t n, char *out, size_t cap,
                       size_t *outlen) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (c == '+') c = ' ';
    else if (c == '%') {
      int hi;
      if (i + 2 >= n) return -EINVAL;
      hi = hexval(s[i + 1]);
      int lo = hexval(s[i + 2]);
      if (hi < 0 || lo < 0) return -EINVAL;
      c = hi << 4 | lo;
      i += 2;
    }
    if (o + 1 >= cap) return -E2BIG;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  *outlen = o;
  return 0;
}

/* Stores one field of a sign-in; a message for the client on error (in
 * why), naming name. */
static int put_field(login_fields *f, const char *name, const char *v,
                     size_t n, int form, char *why, size_t whylen) {
  int pw = strcmp(name, "password") == 0;
  char *out = pw ? f->password : f->user;
  size_t cap = pw ? sizeof f->password : sizeof f->user;
  size_t *len = pw ? &f->plen : &f->ulen;
  int *has = pw ? &f->has_password : &f->has_user;
  int rc = 0;

  if (*has) {
    snprintf(why, whylen, "'%s' is given twice", name);
    return -EINVAL;
  }
  *has = 1;
  if (form) rc = form_decode(v, n, out, cap, len);
  else if (n + 1 > cap) rc = -E2BIG;
  else {
    memcpy(out, v, n);
    out[n] = '\0';
    *len = n;
  }
  if (rc == -EINVAL) snprintf(why, whylen, "'%s': a bad %% escape", name);
  else if (rc == -E2BIG)
    snprintf(why, whylen, "'%s' is longer than %zu bytes", name, cap - 2);
  return rc;
}

/* key=value&... (other keys are ignored). */
static int parse_form(const char *s, size_t n, login_fields *f, char *key,
                      char *why, size_t whylen) {
  for (size_t i = 0; i < n;) {
    size_t end = i, eq;
    while (end < n && s[end] != '&') end++;
    for (eq = i; eq < end && s[eq] != '='; eq++) {}
    const char *name = (eq - i == 4 && !memcmp(s + i, "user", 4)) ? "user"
                       : (eq - i == 8 && !memcmp(s + i, "password", 8)) ? "password"
                       : NULL;
    if (name != NULL) {
      const char *v = eq < end ? s + eq + 1 : s + end;
      size_t vn = eq < end ? end - eq - 1 : 0;
      strcpy(key, name);
      if (put_field(f, name, v, vn, 1, why, whylen) != 0) return -EINVAL;
    }
    i = end + 1;
  }
  return 0;
}

/* {"user": "...", "password": "..."} (other keys are ignored). */
static int parse_json(const char *s, size_t n, login_fields *f, char *key,
                      char *why, size_t whylen) {
  static const char *const names[2] = {"user", "password"};
  json_t *root = json_loadb(s, n, JSON_REJECT_DUPLICATES, NULL);
  int rc = -EINVAL;

  if (!json_is_object(root)) {
    snprintf(why, whylen, "the body is not a JSON object");
    goto fail;
  }
  for (int i = 0; i < 2; i++) {
    json_t *v = json_object_get(root, names[i]);
    if (v == NULL) continue;
    strcpy(key, names[i]);
    if (!json_is_string(v)) {
      snprintf(why, whylen, "'%s' must be a string", names[i]);
      goto fail;
    }
    if (put_field(f, names[i], json_string_value(v), json_string_length(v), 0,
                  why, whylen) != 0)
      goto fail;
  }
  rc = 0;
fail:
  if (json_is_object(root)) { /* wipe jansson's copy of the password */
    json_t *pw = json_object_get(root, "password");
    if (json_is_string(pw))
      explicit_bzero((char *)json_string_value(pw), json_string_length(pw));
  }
  json_decref(root);
  return rc;
}

/* Reads the body into f; 0, or -1 after answering 400 / 415. */
static int read_login(struct lws *wsi, http_api *a, login_fields *f) {
  char type[128], key[16] = "", why[128];
  int rc;

  media_type(wsi, type, sizeof type);
  if (strcmp(type, "application/x-www-form-urlencoded") == 0) {
    rc = parse_form(a->in ? a->in : "", a->len, f, key, why, sizeof why);
  } else if (strcmp(type, JSON_TYPE) == 0) {
    rc = parse_json(a->in ? a->in : "", a->len, f, key, why, sizeof why);
  } else {
    web_answer_error(on_answer, wsi, 415, "bad_request", "", "the body must be "
                     "application/x-www-form-urlencoded or application/json");
    return -1;
  }
  if (rc == 0 && (!f->has_user || f->ulen == 0)) {
    strcpy(key, "user");
    snprintf(why, sizeof why, "missing key 'user'");
    rc = -EINVAL;
  } else if (rc == 0 && memchr(f->user, '\0', f->ulen) != NULL) {
    strcpy(key, "user");
    snprintf(why, sizeof why, "'user' holds a NUL byte");
    rc = -EINVAL;
  } else if (rc == 0 && (!f->has_password || f->plen == 0)) {
    strcpy(key, "password");
    snprintf(why, sizeof why, "missing key 'password'");
    rc = -EINVAL;
  }
  if (rc != 0) web_answer_error(on_answer, wsi, 400, "bad_request", key, "%s", why);
  return rc;
}

static void start_login(hub *h, struct lws *wsi, http_api *a) {
  login_fields *f = calloc(1, sizeof *f);
  char peer[64];

  if (f == NULL) {
    web_answer_error(on_answer, wsi, 500, "internal", "", "out of memory");
    return;
  }
  if (read_login(wsi, a, f) == 0) {
    lws_get_peer_simple(wsi, peer, sizeof peer);
    a->call = web_login(h, peer, f->user, f->password, f->plen, on_answer, wsi);
  }
  explicit_bzero(f, sizeof *f);
  free(f);
}

/* The Bearer token of the Authorization header; answers 401 when none. */
static void start_logout(hub *h, struct lws *wsi, http_api *a) {
  static const char bearer[] = "Bearer ";
  int len = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  char *hdr = len > 0 ? malloc((size_t)len + 1) : NULL;

  if (hdr == NULL || lws_hdr_copy(wsi, hdr, len + 1, WSI_TOKEN_HTTP_AUTHORIZATION) < 0 ||
      strncmp(hdr, bearer, sizeof bearer - 1) != 0) {
    web_answer_error(on_answer, wsi, 401, "unauthorized", "token",
                     "an Authorization: Bearer <token> header is required");
  } else {
    const char *tok = hdr + sizeof bearer - 1;
    a->call = web_logout(h, tok, strlen(tok), on_answer, wsi);
  }
  if (hdr != NULL) explicit_bzero(hdr, (size_t)len);
  free(hdr);
}

int http_api_complete(hub *h, struct lws *wsi) {
  http_pss *p = lws_wsi_user(wsi);
  http_api *a = p->api;

  if (a == NULL) return -1;
  if (p->ready) return 0; /* answered before the body came (413, ...) */
  if (a->kind == API_LOGIN) start_login(h, wsi, a);
  else if (a->kind == API_LOGOUT) start_logout(h, wsi, a);
  else web_answer_error(on_answer, wsi, 404, "not_found", "", "no such endpoint");
  if (a->in != NULL) explicit_bzero(a->in, a->len);
  return 0;
}
