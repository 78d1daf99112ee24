/* sc_floor.c -- the kernel's floor under fan-out, with no server at all.
 *
 * A forked writer sends each message to N loopback TCP connections with
 * one plain blocking send() per connection (a binary WebSocket frame with
 * a 128-byte payload that starts with the send time), --rate messages a
 * second for --window-s seconds; this process reads them the way
 * floorbench reads a server, from one epoll loop, and records
 * publish->deliver latency for every delivery.  No framework, no poll
 * changes, no parsing, no durability: what this measures is the least any
 * server on this machine needs to put one message on N sockets, one send()
 * per subscriber.  The report sets the servers' latency beside it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "scenario.h"

#define FLOOR_MSG 132 /* bytes per message: 4 header + 128 payload */
#define FLOOR_STAMP 4 /* offset of the send time */

typedef struct floor_pair {
  int *tx; /* server ends (the writer's) */
  int *rx; /* client ends (the reader's) */
  size_t n;
} floor_pair;

static void close_all(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0) close(fds[i]);
}

/* N connected loopback pairs; 0 or -1. */
static int open_pairs(floor_pair *p, size_t n) {
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  int one = 1, lfd = -1;

  p->n = n;
  p->tx = malloc(n * sizeof *p->tx);
  p->rx = malloc(n * sizeof *p->rx);
  if (p->tx == NULL || p->rx == NULL) goto fail;
  for (size_t i = 0; i < n; i++) p->tx[i] = p->rx[i] = -1;
  if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
      bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 128) != 0 ||
      getsockname(lfd, (struct sockaddr *)&a, &alen) != 0)
    goto fail;
  for (size_t i = 0; i < n; i++) {
    if ((p->rx[i] = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
        connect(p->rx[i], (struct sockaddr *)&a, sizeof a) != 0 ||
        (p->tx[i] = accept(lfd, NULL, NULL)) < 0)
      goto fail;
    setsockopt(p->tx[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  close(lfd);
  return 0;
fail:
  fprintf(stderr, "floorbench: floor: cannot open %zu pairs: %s\n", n,
          strerror(errno));
  if (lfd >= 0) close(lfd);
  if (p->tx && p->rx) {
    close_all(p->tx, n);
    close_all(p->rx, n);
  }
  free(p->tx);
  free(p->rx);
  return -1;
}

static void sleep_until(uint64_t t) {
  struct timespec ts = {(time_t)(t / 1000000000ull), (long)(t % 1000000000ull)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

/* The writer: a warm-up message (stamp 0: not measured, as a server's
 * connections have carried their snapshot before a step), then count
 * messages, each on every tx socket. */
static void writer(const floor_pair *p, uint64_t start, uint64_t period,
                   uint64_t count) {
  uint8_t msg[FLOOR_MSG] = {0x82, 126, 0, 128}; /* binary, 128 bytes */
  for (size_t i = 0; i < p->n; i++)
    if (send(p->tx[i], msg, sizeof msg, 0) != (ssize_t)sizeof msg) _exit(1);
  for (uint64_t k = 0; k < count; k++) {
    uint64_t t;
    sleep_until(start + k * period);
    t = now_ns();
    memcpy(msg + FLOOR_STAMP, &t, sizeof t);
    for (size_t i = 0; i < p->n; i++)
      if (send(p->tx[i], msg, sizeof msg, 0) != (ssize_t)sizeof msg) _exit(1);
  }
  _exit(0);
}

/* Reads whatever arrived on fd; every complete message is a delivery.
 * 1 at the end of the stream (the writer is done with this socket), 0, or
 * -1 on an error. */
static int drain(bench *b, int fd, uint8_t *partial, uint8_t *have) {
  uint8_t buf[FLOOR_MSG * 64];
  ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n == 0) return 1;
  if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
  for (ssize_t i = 0; i < n; i++) {
    partial[(*have)++] = buf[i];
    if (*have == FLOOR_MSG) {
      uint64_t t, now = now_ns();
      memcpy(&t, partial + FLOOR_STAMP, sizeof t);
      if (t != 0) {
        hist_record(&b->lat, now - t);
        b->delivered++;
      }
      *have = 0;
    }
  }
  return 0;
}

/* The reader: until every delivery arrived, every socket ended or the
 * deadline passed. */
static int reader(bench *b, const floor_pair *p, uint64_t want, uint64_t deadline) {
  int ep = epoll_create1(0);
  uint8_t(*partial)[FLOOR_MSG] = calloc(p->n, FLOOR_MSG);
  uint8_t *have = calloc(p->n, 1);
  struct epoll_event evs[256];
  size_t open = p->n;
  int rc = -1;

  if (ep < 0 || partial == NULL || have == NULL) goto out;
  for (size_t i = 0; i < p->n; i++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p->rx[i], &ev) != 0) goto out;
  }
  while (b->delivered < want && open > 0 && now_ns() < deadline) {
    int n = epoll_wait(ep, evs, 256, 100);
    for (int e = 0; e < n; e++) {
      size_t i = (size_t)evs[e].data.u64;
      int r = drain(b, p->rx[i], partial[i], &have[i]);
      if (r < 0) goto out;
      if (r > 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, p->rx[i], NULL);
        open--;
      }
    }
  }
  rc = 0;
out:
  if (ep >= 0) close(ep);
  free(partial);
  free(have);
  return rc;
}

static double cpu_s(const struct rusage *ru) {
  return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
         (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

int sc_floor(bench *b) {
  const opts *o = b->o;
  size_t nsubs = (size_t)o->subs;
  uint64_t period = (uint64_t)(1e9 / o->rate), count, start;
  floor_pair p;
  struct rusage self0, self1, child = {0};
  int status = 0, waited = 0, rc;
  pid_t pid;
  jout j;

  if (open_pairs(&p, nsubs) != 0) return 1;
  count = (uint64_t)(o->window_s * o->rate);
  start = now_ns() + 500000000ull; /* warmed up, both sides settled */
  getrusage(RUSAGE_SELF, &self0);
  if ((pid = fork()) == 0) {
    close_all(p.rx, nsubs);
    writer(&p, start, period, count);
  }
  close_all(p.tx, nsubs);
  rc = pid < 0 ? -1
               : reader(b, &p, count * nsubs,
                        start + count * period + 5000000000ull);
  getrusage(RUSAGE_SELF, &self1);
  close_all(p.rx, nsubs); /* a writer still sending gets EPIPE and stops */
  if (pid > 0 && (rc != 0 || b->delivered < count * nsubs)) kill(pid, SIGKILL);
  if (pid > 0) waited = wait4(pid, &status, 0, &child) == pid;
  free(p.tx);
  free(p.rx);
  jout_begin(&j, b, "floor");
  jout_int(&j, "subs", nsubs);
  jout_num(&j, "rate", o->rate);
  jout_int(&j, "sent", count);
  jout_int(&j, "delivered", b->delivered);
  jout_lat(&j, &b->lat);
  jout_num(&j, "writer_cpu_us_per_delivery",
           waited && count ? cpu_s(&child) * 1e6 / (double)(count * nsubs) : 0);
  jout_num(&j, "reader_cpu_us_per_delivery",
           count ? (cpu_s(&self1) - cpu_s(&self0)) * 1e6 / (double)(count * nsubs) : 0);
  jout_end(&j);
  return rc == 0 && waited && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                 b->delivered == count * nsubs
             ? 0
             : 1;
}
