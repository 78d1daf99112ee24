/* file.h -- reading small configuration files whole (plant layout, keys).
 *
 * Design: one read of a regular file into a malloc'ed, NUL-terminated
 * buffer, with a size cap so that a wrong path (a device, a huge log) fails
 * at once instead of filling memory.
 */
#ifndef FH_HUB_FILE_H
#define FH_HUB_FILE_H

#include <stddef.h>

/* Reads the regular file at path, at most max bytes.  Returns 0 with *data
 * (malloc'ed, NUL-terminated, the caller frees it) and *len (without the
 * NUL); or -EFBIG (larger than max), -EINVAL (not a regular file), -ENOMEM
 * or the -errno of open/read, and then *data is NULL. */
int file_read_all(const char *path, size_t max, char **data, size_t *len);

/* The message for a code of file_read_all, e.g. "No such file or
 * directory" or "larger than 65536 bytes" (buf holds it if needed). */
const char *file_strerror(int rc, size_t max, char *buf, size_t cap);

#endif
