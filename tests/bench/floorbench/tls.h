/* tls.h -- TLS for floorbench's connections (OpenSSL), see tls.c.
 *
 * With --tls every connection runs a TLS handshake between the TCP connect
 * and the WebSocket upgrade, and its bytes go through SSL_read/SSL_write
 * instead of read/send.  The client checks what a real one would: the
 * chain against --ca-file (the bench's throwaway CA) and the address it
 * connected to (127.0.0.1) against the certificate's IP names, so a TLS
 * result is never the cost of a handshake that verified nothing.  One
 * SSL_CTX serves every connection; a connection owns its SSL object.
 */
#ifndef FB_TLS_H
#define FB_TLS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct ssl_st SSL;

/* Makes the client context: TLS 1.2 or newer, peer verification against
 * ca_file only.  0, or -1 after printing why on stderr. */
int fb_tls_init(const char *ca_file);
/* Frees the context (after every connection's SSL is freed). */
void fb_tls_free(void);
/* A client SSL on the connected socket fd that verifies ip (an IP
 * address literal) as the server's name; NULL when out of memory. */
SSL *fb_tls_new(int fd, const char *ip);

/* One step of the handshake: 1 done, 0 wants more (*want_write says the
 * socket must become writable first), -1 failed (printed once per run),
 * -2 the server's certificate did not verify (printed with OpenSSL's
 * reason: a refused certificate must not pass silently). */
int fb_tls_handshake(SSL *ssl, int *want_write);
/* Like read(2) / send(2) on a non-blocking socket: bytes, 0 at the end of
 * the stream, or -1 with errno (EAGAIN when the socket must become ready:
 * readable, or writable when *want_write is set). */
ssize_t fb_tls_read(SSL *ssl, void *buf, size_t n, int *want_write);
ssize_t fb_tls_write(SSL *ssl, const void *buf, size_t n, int *want_write);
/* Frees the SSL (no close_notify: the benchmark only hangs up). */
void fb_tls_close(SSL *ssl);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384": what the run's first handshake
 * negotiated ("" before one, or without --tls). */
const char *fb_tls_session(void);

#endif
