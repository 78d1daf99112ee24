/* tls.h -- the hub's TLS listener settings: certificate checks, the
 * OpenSSL context's hardening and the certificate reload on SIGHUP.
 *
 * lws loads --tls-cert (the whole chain) and --tls-key into the TLS
 * vhost's SSL_CTX at start; server.c hands that SSL_CTX to tls_setup()
 * from lws's LOAD_EXTRA_SERVER_VERIFY_CERTS callback and keeps it in
 * h->tls_ctx.  tls_reload() loads the files anew into objects of its own,
 * checks them whole (mode, chain, key matches the certificate) and only
 * then puts them into that SSL_CTX: new handshakes use the new certificate,
 * connections already open keep theirs, and a bad file changes nothing.
 */
#ifndef FH_NET_TLS_H
#define FH_NET_TLS_H

#include <stddef.h>

#include "hub.h"

/* Checks the certificate and key files as the hub would load them: the key
 * file's mode (no bit for group or others), a PEM chain in cert, an
 * unencrypted PEM key in key that belongs to the first certificate.
 * Returns 0, or a negative errno code with err naming the file and why. */
int tls_files_check(const char *cert, const char *key, char *err,
                    size_t errlen);

/* The TLS vhost's SSL_CTX ctx: TLS 1.2 and 1.3 only, no compression, no
 * renegotiation, the server's cipher preference, ECDHE groups
 * X25519/P-256/P-384; with --tls-client-ca, client certificates verified
 * against that file only (required or optional).  0 or -EINVAL (logged). */
int tls_setup(hub *h, void *ctx);

/* The subject CN of the connection's client certificate, if it sent one
 * and it verified, and the certificate's notAfter.  0, -ENOENT (no
 * certificate, or no TLS), -EPERM (not verified) or -EINVAL (no CN). */
int tls_peer_cn(struct lws *wsi, char *cn, size_t cap, int64_t *not_after_ms);

/* Loads h->cfg->tls_cert and tls_key again into h->tls_ctx.  Returns 0, or
 * a negative errno code with err saying why (the old certificate stays). */
int tls_reload(hub *h, char *err, size_t errlen);

/* The TLS 1.2 cipher list and the TLS 1.3 suites the vhost offers. */
extern const char tls_cipher_list[];
extern const char tls13_cipher_list[];

#endif
