/* deliver.h -- the channel drivers: one attempt of one delivery.
 *
 * Design: a driver builds the request from the record and its channel and
 * starts it on the loop; `done` fires exactly once when it finished (never
 * when the start failed), with ok = 1 when the receiver took it, else 0
 * and why ("HTTP 500", curl's or mosquitto's message).  Nothing a driver
 * says contains a secret.
 */
#ifndef FH_HUB_NOTIFY_DELIVER_H
#define FH_HUB_NOTIFY_DELIVER_H

#include "curl_loop.h"
#include "notify_rules.h"

typedef void (*deliver_done)(void *arg, int ok, const char *why);

/* Runs easy (with *own, not NULL) on cl and reports through done; http: a status
 * outside 2xx is a failure.  TLS always verifies the peer and its host
 * name, against the PEM bundle ca_file ("" or NULL: the system's CAs); a
 * failed verification reads "certificate verify failed (<curl's detail>)".
 * 0 or -EIO (own freed either way). */
int deliver_curl(curlloop *cl, CURL *easy, const curlloop_owned *own,
                 int http, const char *ca_file, deliver_done done, void *arg);

/* POSTs the body of e (the channel's format) to url, signed with the
 * channel's secret: X-Floorhub-Event-Id, X-Floorhub-Signature. */
int webhook_start(curlloop *cl, const notify_channel *ch, const char *url,
                  const notify_entry *e, const char *note, deliver_done done,
                  void *arg);
/* The signature header value "sha256=<hex>" of body under key (buf at
 * least 72 bytes). */
void webhook_signature(const void *key, size_t klen, const char *body,
                       size_t len, char *buf);

/* Sends e to e->to through the SMTP(S) server of ch: text and HTML,
 * Message-ID <id@floorhub>. */
int mail_start(curlloop *cl, const notify_channel *ch, const notify_entry *e,
               const char *note, deliver_done done, void *arg);

#endif
