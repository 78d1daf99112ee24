/* pem_bundle.c -- checking a PEM bundle of certificates (see pem_bundle.h).
 *
 * PEM_read_bio_X509 on a memory BIO reads the certificates one by one; it
 * skips text between blocks (bundles carry comments) and stops with
 * PEM_R_NO_START_LINE at the end (blocks of other types are skipped, so
 * keys are looked for first).  Any other error is a certificate that does
 * not parse.
 */
#include "pem_bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "file.h"

/* The number of certificates in data, or -EBADMSG at the first one that
 * does not parse (its number in *bad). */
static int count_certs(const char *data, size_t len, int *bad) {
  BIO *bio = BIO_new_mem_buf(data, (int)len);
  X509 *x;
  int n = 0;
  unsigned long e;

  if (bio == NULL) return -ENOMEM;
  ERR_clear_error();
  while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
    X509_free(x);
    n++;
  }
  e = ERR_peek_last_error();
  BIO_free(bio);
  ERR_clear_error();
  if (n > 0 && ERR_GET_LIB(e) == ERR_LIB_PEM &&
      ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
    return n;
  *bad = n + 1;
  return n == 0 && ERR_GET_REASON(e) == PEM_R_NO_START_LINE ? 0 : -EBADMSG;
}

int pem_bundle_check(const char *path, char *why, size_t cap) {
  char buf[64];
  char *data = NULL;
  size_t len = 0;
  int rc = file_read_all(path, PEM_BUNDLE_MAX, &data, &len), bad = 0;

  if (rc != 0) {
    snprintf(why, cap, "%s", file_strerror(rc, PEM_BUNDLE_MAX, buf, sizeof buf));
    return rc;
  }
  if (memmem(data, len, "PRIVATE KEY-----", 16) != NULL) { /* also after a NUL */
    free(data);
    snprintf(why, cap, "holds a private key");
    return -EBADMSG;
  }
  rc = count_certs(data, len, &bad);
  free(data);
  if (rc > 0) return 0;
  if (rc == 0) {
    snprintf(why, cap, "no PEM certificate in it");
    return -EBADMSG;
  }
  if (rc == -EBADMSG) snprintf(why, cap, "certificate %d does not parse", bad);
  else snprintf(why, cap, "out of memory");
  return rc;
}
