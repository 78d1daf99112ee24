/* webhook.c -- HTTP(S) POSTs of notifications, and the curl adapter the
 * e-mail driver shares (see deliver.h).
 *
 * The body is signed with HMAC-SHA256 under the channel's secret (OpenSSL
 * HMAC); the receiver recomputes it over the exact bytes it got.  No
 * redirects are followed and only http/https are allowed, so a URL cannot
 * be turned into another protocol; the transfer is bounded by timeout_s.
 * https verifies the server's chain (against the channel's ca_file, else
 * the system's CAs) and its host name, always.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "body.h"
#include "deliver.h"

typedef struct attempt {
  deliver_done done;  /* the sender's callback */
  void *arg;          /* its argument */
  int http;           /* judge by the HTTP status */
  char err[CURL_ERROR_SIZE]; /* curl's detail (CURLOPT_ERRORBUFFER) */
} attempt;

/* A TLS failure: curl's detail says which check failed ("SSL certificate
 * problem: unable to get local issuer certificate"); it holds no URL. */
static int tls_code(CURLcode res) {
  return res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CONNECT_ERROR ||
         res == CURLE_SSL_CACERT_BADFILE || res == CURLE_USE_SSL_FAILED;
}

static void curl_done(void *arg, CURLcode res, long status) {
  attempt *a = arg;
  char why[CURL_ERROR_SIZE + 64] = "";
  int ok = res == CURLE_OK && (!a->http || (status >= 200 && status < 300));
  if (res == CURLE_PEER_FAILED_VERIFICATION)
    snprintf(why, sizeof why, "certificate verify failed (%s)", a->err);
  else if (tls_code(res) && a->err[0])
    snprintf(why, sizeof why, "%s (%s)", curl_easy_strerror(res), a->err);
  else if (res != CURLE_OK)
    snprintf(why, sizeof why, "%s", curl_easy_strerror(res));
  else if (!ok)
    snprintf(why, sizeof why, "HTTP %ld", status);
  a->done(a->arg, ok, why); /* a itself is freed with the transfer */
}

int deliver_curl(curlloop *cl, CURL *easy, const curlloop_owned *own,
                 int http, const char *ca_file, deliver_done done, void *arg) {
  attempt *a = calloc(1, sizeof *a);
  curlloop_owned mine = *own;
  if (a == NULL) {
    curl_easy_cleanup(easy);
    curlloop_owned_free(own);
    return -EIO;
  }
  a->done = done;
  a->arg = arg;
  a->http = http;
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, a->err);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ca_file != NULL && ca_file[0]) curl_easy_setopt(easy, CURLOPT_CAINFO, ca_file);
  mine.mem = a; /* freed with the transfer, also when it is aborted */
  return curlloop_add(cl, easy, &mine, curl_done, a);
}

void webhook_signature(const void *key, size_t klen, const char *body,
                       size_t len, char *buf) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)body, len, mac, &n);
  strcpy(buf, "sha256=");
  for (unsigned int i = 0; i < n; i++) sprintf(buf + 7 + 2 * i, "%02x", mac[i]);
}

static size_t discard(char *p, size_t size, size_t n, void *arg) {
  (void)p;
  (void)arg;
  return size * n;
}

int webhook_start(curlloop *cl, const notify_channel *ch, const char *url,
                  const notify_entry *e, const char *note, deliver_done done,
                  void *arg) {
  char hdr[NOTIFY_EID_MAX + 64], sig[96];
  curlloop_owned own = {NULL, NULL, NULL, NULL};
  char *body = body_webhook(e, ch->format, note);
  CURL *easy = body ? curl_easy_init() : NULL;
  struct curl_slist *h;

  if (easy == NULL) {
    free(body);
    return -ENOMEM;
  }
  snprintf(hdr, sizeof hdr, "X-Floorhub-Event-Id: %s", e->id);
  h = curl_slist_append(NULL, "Content-Type: application/json");
  if (h) h = curl_slist_append(h, hdr);
  if (h && ch->secret_len > 0) {
    webhook_signature(ch->secret, ch->secret_len, body, strlen(body), sig);
    snprintf(hdr, sizeof hdr, "X-Floorhub-Signature: %s", sig);
    h = curl_slist_append(h, hdr);
  }
  own.headers = h;
  curl_easy_setopt(easy, CURLOPT_URL, url);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, (long)ch->timeout_s);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "floorhub/" FH_VERSION);
  free(body);
  if (h == NULL) {
    curl_easy_cleanup(easy);
    return -ENOMEM;
  }
  return deliver_curl(cl, easy, &own, 1, ch->ca_file, done, arg);
}
