/* notify.c -- the sd_notify protocol, without linking libsystemd.
 *
 * systemd passes NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace); a state is one datagram such as "READY=1".  Outside systemd
 * the variable is unset and every call is a no-op that returns 0.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

int notify_send(const char *state) {
  const char *path = getenv("NOTIFY_SOCKET");
  struct sockaddr_un sa;
  size_t plen;
  socklen_t salen;
  ssize_t n;
  int fd;

  if (path == NULL || path[0] == '\0') return 0;
  plen = strlen(path);
  if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sa.sun_path)
    return -EINVAL;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, plen);
  if (path[0] == '@') sa.sun_path[0] = '\0';
  salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
  close(fd);
  return n < 0 ? -errno : 0;
}

uint64_t notify_watchdog_usec(void) {
  const char *usec = getenv("WATCHDOG_USEC");
  const char *pid = getenv("WATCHDOG_PID");
  if (usec == NULL) return 0;
  if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid()) return 0;
  return strtoull(usec, NULL, 10);
}
