/* mail.c -- notifications by e-mail through libcurl's SMTP (see deliver.h).
 *
 * One message per person: multipart/alternative with a text and an HTML
 * part (curl_mime), the subject the record's one line (RFC 2047 encoded
 * words, since it holds UTF-8), Message-ID <delivery id@floorhub> so a
 * mail client shows a resent message once.  smtp:// upgrades with STARTTLS
 * when the server offers it (CURLUSESSL_TRY), and insists on it when the
 * channel has a ca_file (CURLUSESSL_ALL: a server that does not offer it,
 * or a man in the middle who strips it, fails the attempt); smtps:// is
 * TLS from the start.  The certificate and host name are always verified.  The password comes from the channel's password_file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body.h"
#include "deliver.h"

#define WORD_RAW_MAX 45 /* bytes of UTF-8 per encoded word (60 in base64) */

static void base64(const unsigned char *in, size_t n, char *out) {
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                 (i + 2 < n ? in[i + 2] : 0);
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
    out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? tab[v & 63] : '=';
  }
  out[o] = '\0';
}

/* "Subject: =?UTF-8?B?...?=\r\n =?UTF-8?B?...?=", words cut between UTF-8
 * characters.  buf holds at least 3 * strlen(s) + 64 bytes. */
static void subject(const char *s, char *buf, size_t cap) {
  size_t n = strlen(s), i = 0, o;
  o = (size_t)snprintf(buf, cap, "Subject:");
  while (i < n && o + 100 < cap) {
    size_t len = n - i < WORD_RAW_MAX ? n - i : WORD_RAW_MAX;
    char enc[WORD_RAW_MAX / 3 * 4 + 8];
    while (len > 1 && i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
      len--;
    base64((const unsigned char *)s + i, len, enc);
    o += (size_t)snprintf(buf + o, cap - o, "%s=?UTF-8?B?%s?=", i ? "\r\n " : " ", enc);
    i += len;
  }
}

static struct curl_slist *headers(const notify_channel *ch, const notify_entry *e,
                                  const char *line) {
  char buf[3 * (NOTIFY_TEXT_MAX + 256) + 512], date[64];
  struct curl_slist *h = NULL, *next;
  time_t now = time(NULL);
  struct tm tm;

  localtime_r(&now, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
  for (int i = 0; i < 6; i++) {
    switch (i) {
      case 0: snprintf(buf, sizeof buf, "Date: %s", date); break;
      case 1: snprintf(buf, sizeof buf, "From: floorhub <%s>", ch->from); break;
      case 2: snprintf(buf, sizeof buf, "To: <%s>", e->to); break;
      case 3: snprintf(buf, sizeof buf, "Message-ID: <%s@floorhub>", e->id); break;
      case 4: snprintf(buf, sizeof buf, "X-Floorhub-Event-Id: %s", e->id); break;
      default: subject(line, buf, sizeof buf); break;
    }
    if ((next = curl_slist_append(h, buf)) == NULL) {
      curl_slist_free_all(h);
      return NULL;
    }
    h = next;
  }
  return h;
}

/* multipart/alternative (text, then HTML) inside the message. */
static curl_mime *make_mime(CURL *easy, const notify_entry *e, const char *note) {
  char *text = body_mail_text(e, note), *html = body_mail_html(e, note);
  curl_mime *mime = NULL, *alt = NULL;
  curl_mimepart *part;
  struct curl_slist *disp;
  int ok = text != NULL && html != NULL && (mime = curl_mime_init(easy)) != NULL &&
           (alt = curl_mime_init(easy)) != NULL;

  if (ok && (part = curl_mime_addpart(alt)) != NULL) {
    ok = curl_mime_data(part, text, CURL_ZERO_TERMINATED) == CURLE_OK &&
         curl_mime_type(part, "text/plain; charset=utf-8") == CURLE_OK;
  }
  if (ok && (part = curl_mime_addpart(alt)) != NULL) {
    ok = curl_mime_data(part, html, CURL_ZERO_TERMINATED) == CURLE_OK &&
         curl_mime_type(part, "text/html; charset=utf-8") == CURLE_OK;
  }
  if (ok && (part = curl_mime_addpart(mime)) != NULL &&
      curl_mime_subparts(part, alt) == CURLE_OK) {
    alt = NULL; /* owned by the part now */
    curl_mime_type(part, "multipart/alternative");
    disp = curl_slist_append(NULL, "Content-Disposition: inline");
    ok = disp != NULL && curl_mime_headers(part, disp, 1) == CURLE_OK;
  } else {
    ok = 0;
  }
  curl_mime_free(alt);
  free(text);
  free(html);
  if (!ok) {
    curl_mime_free(mime);
    return NULL;
  }
  return mime;
}

int mail_start(curlloop *cl, const notify_channel *ch, const notify_entry *e,
               const char *note, deliver_done done, void *arg) {
  char from[NOTIFY_ADDR_MAX + 3], to[NOTIFY_URL_MAX + 3], line[NOTIFY_TEXT_MAX + 256];
  curlloop_owned own = {NULL, NULL, NULL, NULL};
  CURL *easy = curl_easy_init();

  if (easy == NULL) return -ENOMEM;
  body_line(e, note, line, sizeof line);
  snprintf(from, sizeof from, "<%s>", ch->from);
  snprintf(to, sizeof to, "<%s>", e->to);
  own.rcpt = curl_slist_append(NULL, to);
  own.headers = headers(ch, e, line);
  own.mime = make_mime(easy, e, note);
  if (own.rcpt == NULL || own.headers == NULL || own.mime == NULL) {
    curl_easy_cleanup(easy);
    curlloop_owned_free(&own);
    return -ENOMEM;
  }
  curl_easy_setopt(easy, CURLOPT_URL, ch->url);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, (long)ch->timeout_s);
  curl_easy_setopt(easy, CURLOPT_USE_SSL,
                   (long)(ch->ca_file[0] ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, own.rcpt);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, own.headers);
  curl_easy_setopt(easy, CURLOPT_MIMEPOST, own.mime);
  if (ch->user[0]) {
    curl_easy_setopt(easy, CURLOPT_USERNAME, ch->user);
    curl_easy_setopt(easy, CURLOPT_PASSWORD, ch->password);
  }
  return deliver_curl(cl, easy, &own, 0, ch->ca_file, done, arg);
}
