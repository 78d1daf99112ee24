/* tls.c -- certificate checks, hardening and reload of the TLS vhost.
 *
 * Design: one loader (load_pair) reads a certificate chain and its private
 * key into OpenSSL objects of our own and judges them: the key file is
 * opened once and its mode read from that descriptor (fstat), so the file
 * checked is the file read; a passphrase is never asked for (an encrypted
 * key is refused); the key must belong to the first certificate.  The start
 * (tls_files_check, before lws loads the same files) and SIGHUP
 * (tls_reload) share it, so a file the hub would refuse at start is refused
 * on reload too, and the SSL_CTX is touched only with a pair that passed.
 * Messages name the file and the reason, never key material.  With
 * --tls-client-ca the same SSL_CTX asks for client certificates; a
 * verified one is named by its subject CN (tls_peer_cn), which server.c
 * looks up in --tls-client-map.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"

const char tls_cipher_list[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
const char tls13_cipher_list[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
    "TLS_CHACHA20_POLY1305_SHA256";

/* A certificate chain and its key, as loaded by load_pair. */
typedef struct tls_pair {
  X509 *leaf;             /* the first certificate of the file */
  STACK_OF(X509) *chain;  /* the ones after it (intermediates), may be empty */
  EVP_PKEY *key;          /* the private key */
} tls_pair;

static void pair_free(tls_pair *p) {
  X509_free(p->leaf);
  sk_X509_pop_free(p->chain, X509_free);
  EVP_PKEY_free(p->key);
  memset(p, 0, sizeof *p);
}

/* Refuses to prompt for a passphrase: an encrypted key fails to load. */
static int no_passphrase(char *buf, int size, int rwflag, void *u) {
  (void)buf, (void)size, (void)rwflag, (void)u;
  return -1;
}

static int load_chain(const char *path, tls_pair *p, char *err, size_t errlen) {
  BIO *bio = BIO_new_file(path, "r");
  X509 *x;

  if (bio == NULL) {
    snprintf(err, errlen, "--tls-cert: cannot open %s: %s", path, strerror(errno));
    return -ENOENT;
  }
  p->leaf = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
  p->chain = sk_X509_new_null();
  while (p->leaf != NULL && p->chain != NULL &&
         (x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL)) != NULL) {
    if (!sk_X509_push(p->chain, x)) {
      X509_free(x);
      break;
    }
  }
  BIO_free(bio);
  /* The loop ends at the end of the file (PEM "no start line") or on a
   * block that is not a certificate: only the first is fine. */
  if (p->leaf == NULL || p->chain == NULL ||
      ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
    snprintf(err, errlen, "--tls-cert: %s: not a PEM certificate chain", path);
    ERR_clear_error();
    return -EINVAL;
  }
  ERR_clear_error();
  return 0;
}

static int load_key(const char *path, tls_pair *p, char *err, size_t errlen) {
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  FILE *fp;

  if (fd < 0) {
    snprintf(err, errlen, "--tls-key: cannot open %s: %s", path, strerror(errno));
    return -ENOENT;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
    snprintf(err, errlen, "--tls-key: %s is readable by group or others "
             "(mode %04o): it must be 0600 or stricter",
             path, (unsigned)(st.st_mode & 07777));
    close(fd);
    return -EPERM;
  }
  fp = fdopen(fd, "r");
  if (fp == NULL) {
    close(fd);
    snprintf(err, errlen, "--tls-key: %s: %s", path, strerror(errno));
    return -EIO;
  }
  p->key = PEM_read_PrivateKey(fp, NULL, no_passphrase, NULL);
  fclose(fp);
  ERR_clear_error();
  if (p->key == NULL) {
    snprintf(err, errlen, "--tls-key: %s: not an unencrypted PEM private key",
             path);
    return -EINVAL;
  }
  return 0;
}

static int load_pair(const char *cert, const char *key, tls_pair *p,
                     char *err, size_t errlen) {
  int rc;

  memset(p, 0, sizeof *p);
  if ((rc = load_key(key, p, err, errlen)) != 0 ||
      (rc = load_chain(cert, p, err, errlen)) != 0)
    goto fail;
  if (X509_check_private_key(p->leaf, p->key) != 1) {
    ERR_clear_error();
    snprintf(err, errlen, "--tls-key: %s is not the key of the certificate "
             "in %s", key, cert);
    rc = -EINVAL;
    goto fail;
  }
  return 0;
fail:
  pair_free(p);
  return rc;
}

int tls_files_check(const char *cert, const char *key, char *err,
                    size_t errlen) {
  tls_pair p;
  int rc = load_pair(cert, key, &p, err, errlen);
  if (rc == 0) pair_free(&p);
  return rc;
}

/* Client certificates: only the --tls-client-ca file's CAs verify them
 * (a store of its own replaces whatever lws loaded, the system's CAs
 * included), the clientAuth purpose, asked for in every handshake and,
 * when required, a handshake without one fails. */
static int client_certs(const hub_config *cfg, SSL_CTX *c) {
  X509_STORE *store = X509_STORE_new();
  STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->tls_client_ca);
  int mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;

  if (store == NULL || names == NULL ||
      X509_STORE_load_file(store, cfg->tls_client_ca) != 1) {
    X509_STORE_free(store);
    sk_X509_NAME_pop_free(names, X509_NAME_free);
    ERR_clear_error();
    log_error("--tls-client-ca: %s: not a PEM file of CA certificates",
              cfg->tls_client_ca);
    return -EINVAL;
  }
  SSL_CTX_set_cert_store(c, store);
  SSL_CTX_set_client_CA_list(c, names);
  SSL_CTX_set_purpose(c, X509_PURPOSE_SSL_CLIENT);
  if (strcmp(cfg->tls_client_cert, "required") == 0)
    mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(c, mode, NULL);
  return 0;
}

int tls_setup(hub *h, void *ctx) {
  SSL_CTX *c = ctx;

  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                         SSL_OP_CIPHER_SERVER_PREFERENCE |
                         SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  SSL_CTX_set1_groups_list(c, "X25519:P-256:P-384");
  ERR_clear_error();
  if (h->cfg->tls_client_ca[0] && client_certs(h->cfg, c) != 0) return -EINVAL;
  return 0;
}

int tls_peer_cn(struct lws *wsi, char *cn, size_t cap, int64_t *not_after_ms) {
  SSL *ssl = lws_get_ssl(wsi);
  X509 *x = ssl ? SSL_get0_peer_certificate(ssl) : NULL;
  struct tm tm;
  int n;

  if (x == NULL) return -ENOENT;
  if (SSL_get_verify_result(ssl) != X509_V_OK) return -EPERM;
  n = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
                                (int)cap);
  if (n <= 0 || (size_t)n >= cap || strlen(cn) != (size_t)n ||
      ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1) {
    ERR_clear_error();
    return -EINVAL;
  }
  *not_after_ms = (int64_t)timegm(&tm) * 1000;
  return 0;
}

int tls_reload(hub *h, char *err, size_t errlen) {
  tls_pair p;
  int rc;

  if (h->tls_ctx == NULL) {
    snprintf(err, errlen, "no TLS listener");
    return -ENOENT;
  }
  rc = load_pair(h->cfg->tls_cert, h->cfg->tls_key, &p, err, errlen);
  if (rc != 0) return rc;
  if (SSL_CTX_use_cert_and_key(h->tls_ctx, p.leaf, p.key, p.chain, 1) != 1) {
    ERR_clear_error();
    snprintf(err, errlen, "--tls-cert: %s: OpenSSL refused the certificate",
             h->cfg->tls_cert);
    rc = -EINVAL;
  }
  pair_free(&p);
  return rc;
}
