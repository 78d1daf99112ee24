/* pem_bundle.h -- checking a PEM bundle of CA certificates (a notify
 * channel's ca_file) before a TLS library is given its path.
 *
 * Design: the file is read whole (file_read_all, at most PEM_BUNDLE_MAX
 * bytes); every CERTIFICATE block in it must parse, at least one is
 * required, and a private key in it is refused (a CA bundle never holds
 * one: it is a mix-up of files, and the key would be read by everyone).  So a typo, a directory, a key file or a
 * truncated bundle fails when the settings are loaded, with a reason,
 * instead of at the first delivery as an opaque TLS error.  The file is
 * read again by libcurl / libmosquitto at each connection (they take a
 * path), so a renewed bundle needs no reload.
 */
#ifndef FH_HUB_PEM_BUNDLE_H
#define FH_HUB_PEM_BUNDLE_H

#include <stddef.h>

#define PEM_BUNDLE_MAX (4 * 1024 * 1024) /* bytes of a CA bundle */

/* 0 when path is a readable regular file of 1 or more PEM certificates
 * and nothing else; else a negative code with why (cap bytes) saying what
 * is wrong ("No such file or directory", "no PEM certificate in it",
 * "certificate 2 does not parse", "holds a private key"). */
int pem_bundle_check(const char *path, char *why, size_t cap);

#endif
