/* file.c -- reading small files whole (see file.h). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, size_t max, char **data, size_t *len) {
  struct stat st;
  ssize_t got = 1;
  size_t off = 0;
  int fd, rc = 0;

  *data = NULL;
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -errno;
  if (fstat(fd, &st) != 0) rc = -errno;
  else if (!S_ISREG(st.st_mode)) rc = -EINVAL;
  else if ((uintmax_t)st.st_size > max) rc = -EFBIG;
  else if ((*data = malloc((size_t)st.st_size + 1)) == NULL) rc = -ENOMEM;
  if (rc != 0) goto fail;
  while (off < (size_t)st.st_size &&
         (got = read(fd, *data + off, (size_t)st.st_size - off)) > 0)
    off += (size_t)got;
  if (got < 0) {
    rc = -errno;
    goto fail;
  }
  (*data)[off] = '\0';
  *len = off;
  close(fd);
  return 0;
fail:
  free(*data);
  *data = NULL;
  close(fd);
  return rc;
}

const char *file_strerror(int rc, size_t max, char *buf, size_t cap) {
  if (rc == -EFBIG) {
    snprintf(buf, cap, "larger than %zu bytes", max);
    return buf;
  }
  if (rc == -EINVAL) return "not a regular file";
  return strerror(-rc);
}
