/* tls.c -- floorbench's TLS client side (OpenSSL 3), see tls.h.
 *
 * The context asks for what the hub offers real clients (TLS 1.2 and 1.3,
 * OpenSSL's default cipher order, no compression), verifies the chain
 * against the given CA file only and checks the IP address connected to
 * against the certificate's subjectAltName.  Partial writes are allowed
 * and a retried write may come from a moved buffer: conn.c writes from
 * its tx buffer, which it compacts between writes.  Errors are mapped to
 * errno values so conn.c keeps one code path for plain and TLS sockets.
 * A certificate that does not verify is told apart (with OpenSSL's reason)
 * so that the run ends: the setup is wrong and nothing measured would be
 * TLS as a client does it; any other failed handshake is printed once.
 */
#include "tls.h"

#include <errno.h>
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

static SSL_CTX *ctx;      /* the one client context, NULL without --tls */
static int told_failure;  /* a failed handshake was printed */
static char session[96];  /* version and cipher of the first handshake */

int fb_tls_init(const char *ca_file) {
  ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == NULL) goto fail;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if (ca_file == NULL || SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
    fprintf(stderr, "floorbench: --tls needs a readable --ca-file (%s)\n",
            ca_file ? ca_file : "none given");
    goto fail;
  }
  return 0;
fail:
  ERR_print_errors_fp(stderr);
  fb_tls_free();
  return -1;
}

void fb_tls_free(void) {
  SSL_CTX_free(ctx);
  ctx = NULL;
}

SSL *fb_tls_new(int fd, const char *ip) {
  SSL *ssl = SSL_new(ctx);
  if (ssl == NULL) return NULL;
  if (SSL_set_fd(ssl, fd) != 1 ||
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip) != 1) {
    SSL_free(ssl);
    return NULL;
  }
  SSL_set_connect_state(ssl);
  return ssl;
}

/* Maps the outcome rc of an SSL call to errno; returns -1. */
static ssize_t fail_errno(SSL *ssl, int rc, int *want_write) {
  int e = SSL_get_error(ssl, rc);
  *want_write = e == SSL_ERROR_WANT_WRITE;
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    errno = EAGAIN;
    return -1;
  }
  if (e != SSL_ERROR_SYSCALL || errno == 0) errno = ECONNRESET;
  ERR_clear_error();
  return -1;
}

int fb_tls_handshake(SSL *ssl, int *want_write) {
  int rc = SSL_do_handshake(ssl);
  long vr;

  *want_write = 0;
  if (rc == 1) {
    if (session[0] == '\0')
      snprintf(session, sizeof session, "%s %s", SSL_get_version(ssl),
               SSL_get_cipher_name(ssl));
    return 1;
  }
  if (fail_errno(ssl, rc, want_write) < 0 && errno == EAGAIN) return 0;
  vr = SSL_get_verify_result(ssl);
  if (vr != X509_V_OK) { /* the setup is wrong: no number would mean a thing */
    fprintf(stderr, "floorbench: the server's certificate is refused: %s\n",
            X509_verify_cert_error_string(vr));
    return -2;
  }
  if (!told_failure) {
    told_failure = 1;
    fprintf(stderr, "floorbench: TLS handshake failed: the server hung up or "
                    "spoke no TLS\n");
  }
  return -1;
}

ssize_t fb_tls_read(SSL *ssl, void *buf, size_t n, int *want_write) {
  size_t got = 0;
  int rc = SSL_read_ex(ssl, buf, n, &got);
  *want_write = 0;
  if (rc == 1) return (ssize_t)got;
  if (SSL_get_error(ssl, rc) == SSL_ERROR_ZERO_RETURN) return 0;
  return fail_errno(ssl, rc, want_write);
}

ssize_t fb_tls_write(SSL *ssl, const void *buf, size_t n, int *want_write) {
  size_t put = 0;
  int rc = SSL_write_ex(ssl, buf, n, &put);
  *want_write = 0;
  if (rc == 1) return (ssize_t)put;
  return fail_errno(ssl, rc, want_write);
}

void fb_tls_close(SSL *ssl) { SSL_free(ssl); }

const char *fb_tls_session(void) { return session; }
