/* tls.c -- how fh_client checks the hub's certificate on wss://.
 *
 * Design: lws's own checks are not used for the decision: its host name
 * check treats an IP address as a DNS name, and it reports a refusal as a
 * bare X509 error number.  Instead the client's SSL_CTX (one per fh_client,
 * handed over in LOAD_EXTRA_CLIENT_VERIFY_CERTS) gets the expected name:
 * an IP literal as an IP (matched against iPAddress SANs), anything else
 * as a host name (DNS SANs, no partial wildcards); every SSL made from it
 * inherits that.  The chain is checked against --ca-file, or the system's
 * CAs when none is given (lws loads them).  OpenSSL's verify callback comes
 * here through PERFORM_SERVER_CERT_VERIFICATION: the first failure is kept
 * in words (c->tls_why, "certificate has expired") and the handshake is
 * refused at once, so the offline reason names the hub and why.  With
 * --insecure nothing is checked (the application says so loudly).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "client_int.h"

void fh__tls_client_ctx(fh_client *c, void *ssl_ctx) {
  X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ssl_ctx);

  SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION);
  if (c->insecure) return;
  SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER, NULL);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, c->host) != 1) {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, c->host, 0);
  }
}

int fh__tls_verify(fh_client *c, void *store_ctx, int preverify_ok) {
  int err, depth;

  if (preverify_ok || c->insecure) return 0;
  err = X509_STORE_CTX_get_error(store_ctx);
  depth = X509_STORE_CTX_get_error_depth(store_ctx);
  if (c->tls_why[0] == '\0')
    snprintf(c->tls_why, sizeof c->tls_why, "%s%s",
             X509_verify_cert_error_string(err),
             depth > 0 ? " (in the chain)" : "");
  return 1; /* refuse */
}
