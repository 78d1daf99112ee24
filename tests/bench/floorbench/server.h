/* server.h -- the server under test and the meters (see server.c). */
#ifndef FB_SERVER_H
#define FB_SERVER_H

#include "fb.h"

/* A CPU / time meter started at the beginning of a measuring window. */
typedef struct meter {
  uint64_t t0;     /* start, ns */
  double self0;    /* floorbench CPU seconds at start */
  double server0;  /* server CPU seconds at start, -1 if unknown */
  double busy0;    /* CPU seconds of the whole machine at start */
} meter;

typedef struct meter_result {
  double elapsed_s;  /* wall time since meter_start */
  double self_cpu;   /* floorbench CPU: cores busy (1.0 = one core) */
  double server_cpu; /* server CPU: cores busy, -1 if unknown */
  double other_cpu;  /* cores busy with anything else on the machine */
} meter_result;

/* Starts o->server_argv (stdout and stderr to o->server_log).  0 or
 * -errno; the pid is in b->server_pid. */
int server_start(bench *b);
/* 1 when something already listens on the server's port. */
int server_port_busy(const bench *b);
/* Waits until the server's port accepts a TCP connection.  0, -ECHILD (the
 * server exited) or -ETIMEDOUT. */
int server_wait_listening(bench *b, double timeout_s);
/* SIGTERM, then SIGKILL after timeout_s; runs the loop while waiting. */
int server_stop(bench *b, double timeout_s);
/* VmRSS of the server in KiB, -1 if unknown. */
long server_rss_kib(const bench *b);

void meter_start(const bench *b, meter *m);
void meter_read(const bench *b, const meter *m, meter_result *r);

/* Raises RLIMIT_NOFILE to its hard limit (inherited by the server). */
void raise_fd_limit(void);

#endif
