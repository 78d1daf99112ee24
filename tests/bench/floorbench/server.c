/* server.c -- the server under test: start, stop, restart, and its meters.
 *
 * floorbench runs the server itself (the command after `--`), so it knows
 * the pid whose CPU time (/proc/PID/stat, utime + stime) and resident
 * memory (/proc/PID/status, VmRSS) it reports, and it can restart it for
 * the reconnect storm.  While waiting for the server to stop, the loop
 * keeps running: a server that closes its clients gracefully waits for
 * their close frames.  The meter also reads floorbench's own CPU time
 * (getrusage), which says whether the load generator was the bottleneck,
 * and what the rest of the machine used meanwhile (/proc/stat): on a shared
 * machine a window where other work took a core is not a clean number.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fb.h"
#include "server.h"

int server_start(bench *b) {
  pid_t pid;
  int fd;

  fflush(NULL);
  pid = fork();
  if (pid < 0) return -errno;
  if (pid == 0) {
    fd = open(b->o->server_log ? b->o->server_log : "/dev/null",
              O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execvp(b->o->server_argv[0], b->o->server_argv);
    fprintf(stderr, "floorbench: exec %s: %s\n", b->o->server_argv[0], strerror(errno));
    _exit(127);
  }
  b->server_pid = pid;
  return 0;
}

/* 1 when a TCP connect to the server's port succeeds. */
static int port_open(const bench *b) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;
  if (fd < 0) return 0;
  ok = connect(fd, (const struct sockaddr *)&b->dst, sizeof b->dst) == 0;
  close(fd);
  return ok;
}

int server_port_busy(const bench *b) { return port_open(b); }

int server_wait_listening(bench *b, double timeout_s) {
  uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
  int status;
  while (now_ns() < deadline) {
    if (waitpid(b->server_pid, &status, WNOHANG) == b->server_pid) {
      fprintf(stderr, "floorbench: the server exited (status %d) before listening\n",
              status);
      b->server_pid = 0;
      return -ECHILD;
    }
    if (port_open(b)) return 0;
    usleep(2000);
  }
  return -ETIMEDOUT;
}

static int reaped(bench *b) {
  int status;
  return waitpid(b->server_pid, &status, WNOHANG) == b->server_pid;
}

int server_stop(bench *b, double timeout_s) {
  uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
  if (b->server_pid <= 0) return 0;
  kill(b->server_pid, SIGTERM);
  while (!reaped(b)) {
    if (now_ns() >= deadline) {
      fprintf(stderr, "floorbench: the server ignored SIGTERM; killing it\n");
      kill(b->server_pid, SIGKILL);
      waitpid(b->server_pid, NULL, 0);
      break;
    }
    if (b->fatal) usleep(5000); /* the loop would return at once */
    else bench_sleep(b, 0.005);
  }
  b->server_pid = 0;
  return 0;
}

/* CPU seconds (user + system) of pid, or -1. */
static double proc_cpu_s(pid_t pid) {
  char path[64], buf[1024], *p;
  unsigned long long ut, st;
  ssize_t n;
  int fd;

  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -1;
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  p = strrchr(buf, ')'); /* the command name may hold spaces */
  if (p == NULL ||
      sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
             &st) != 2)
    return -1;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

long server_rss_kib(const bench *b) {
  char path[64], line[256];
  long kib = -1;
  FILE *f;

  snprintf(path, sizeof path, "/proc/%d/status", (int)b->server_pid);
  if ((f = fopen(path, "r")) == NULL) return -1;
  while (fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  fclose(f);
  return kib;
}

static double self_cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds the whole machine spent busy (/proc/stat, all cores). */
static double machine_busy_s(void) {
  unsigned long long v[8] = {0};
  FILE *f = fopen("/proc/stat", "r");
  int n;
  if (f == NULL) return -1;
  n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
             &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  fclose(f);
  if (n != 8) return -1;
  /* user nice system idle iowait irq softirq steal: all but idle, iowait */
  return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
         (double)sysconf(_SC_CLK_TCK);
}

void meter_start(const bench *b, meter *m) {
  m->t0 = now_ns();
  m->self0 = self_cpu_s();
  m->server0 = b->server_pid > 0 ? proc_cpu_s(b->server_pid) : -1;
  m->busy0 = machine_busy_s();
}

void meter_read(const bench *b, const meter *m, meter_result *r) {
  double server1 = b->server_pid > 0 ? proc_cpu_s(b->server_pid) : -1;
  double busy1 = machine_busy_s();
  r->elapsed_s = (double)(now_ns() - m->t0) / 1e9;
  r->self_cpu = (self_cpu_s() - m->self0) / r->elapsed_s;
  r->server_cpu = m->server0 >= 0 && server1 >= 0
                      ? (server1 - m->server0) / r->elapsed_s : -1;
  r->other_cpu = (busy1 - m->busy0) / r->elapsed_s - r->self_cpu -
                 (r->server_cpu > 0 ? r->server_cpu : 0);
  if (r->other_cpu < 0) r->other_cpu = 0;
}

void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
}
