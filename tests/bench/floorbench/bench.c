/* bench.c -- the connections of a run and the epoll loop that drives them.
 *
 * The connection array is allocated once, at the size the scenario asks
 * for, so pointers to connections (pacers hold them) never move.  Connects
 * are queued and started at most max_handshakes at a time (256 unless a
 * scenario wants a storm): a server's listen backlog is finite and a SYN
 * dropped there costs a one-second retransmit that would be measured as
 * the server's fault.  An iteration of the loop: start queued connects,
 * wait for events (1 ms while publishers are paced), handle them, let the
 * pacers publish, write what every connection has queued.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "fb.h"
#include "wsc.h"

#define EVENTS_MAX 512
#define HANDSHAKES_DEFAULT 256

int bench_init(bench *b, const opts *o, const target_ops *ops, size_t capacity) {
  uint64_t r = now_ns() ^ ((uint64_t)getpid() << 32);

  memset(b, 0, sizeof *b);
  b->o = o;
  b->ops = ops;
  b->capacity = capacity;
  b->max_handshakes = HANDSHAKES_DEFAULT;
  b->dst.sin_family = AF_INET;
  b->dst.sin_port = htons((uint16_t)o->port);
  b->dst.sin_addr.s_addr = htonl(0x7f000001);
  snprintf(b->nonce, sizeof b->nonce, "%08llx", (unsigned long long)(r % 0xffffffffu));
  hist_reset(&b->lat);
  hist_reset(&b->setup);
  fh_buf_init(&b->scratch, 0);
  b->epfd = epoll_create1(EPOLL_CLOEXEC);
  b->conns = calloc(capacity ? capacity : 1, sizeof *b->conns);
  b->flush = calloc(capacity ? capacity : 1, sizeof *b->flush);
  b->connect_q = calloc(capacity ? capacity : 1, sizeof *b->connect_q);
  if (b->epfd < 0 || b->conns == NULL || b->flush == NULL || b->connect_q == NULL)
    return -ENOMEM;
  return 0;
}

void bench_free(bench *b) {
  for (size_t i = 0; i < b->nconns; i++) {
    conn *c = &b->conns[i];
    conn_reset(b, c);
    fh_buf_free(&c->rx);
    fh_buf_free(&c->tx);
    fh_buf_free(&c->frag);
    fh_buf_free(&c->app);
    free(c->w);
    free(c->counts);
  }
  for (size_t i = 0; b->token_writer != NULL && i < b->nconns; i++)
    free(b->token_writer[i]);
  free(b->token_writer);
  free(b->token_sub);
  free(b->token_pub);
  free(b->conns);
  free(b->flush);
  free(b->connect_q);
  free(b->pacers);
  fh_buf_free(&b->scratch);
  if (b->epfd >= 0) close(b->epfd);
}

size_t bench_add(bench *b, size_t n, conn_role role) {
  size_t first = b->nconns;
  if (first + n > b->capacity) {
    fprintf(stderr, "floorbench: more connections than planned (%zu)\n", b->capacity);
    exit(1);
  }
  for (size_t i = first; i < first + n; i++) {
    conn *c = &b->conns[i];
    c->fd = -1;
    c->idx = (uint32_t)i;
    c->role = role;
    fh_buf_init(&c->rx, 0);
    fh_buf_init(&c->tx, 0);
    fh_buf_init(&c->frag, 0);
    fh_buf_init(&c->app, 0);
  }
  b->nconns += n;
  return first;
}

void bench_connect(bench *b, size_t first, size_t n) {
  for (size_t i = first; i < first + n; i++) {
    size_t slot = (b->connect_head + b->connect_len) % b->capacity;
    b->connect_q[slot] = (uint32_t)i;
    b->connect_len++;
  }
}

static void start_connects(bench *b) {
  while (b->connect_len > 0 && b->handshakes < b->max_handshakes) {
    conn *c = &b->conns[b->connect_q[b->connect_head]];
    b->connect_head = (b->connect_head + 1) % b->capacity;
    b->connect_len--;
    conn_start(b, c);
  }
}

static void flush_all(bench *b) {
  for (size_t i = 0; i < b->nflush; i++) {
    conn *c = b->flush[i];
    c->dirty = 0;
    if (c->fd >= 0 && c->state != CS_CONNECTING) conn_flush(b, c);
  }
  b->nflush = 0;
}

int bench_send(bench *b, conn *c, int opcode, const void *p, size_t n) {
  if (c->fd < 0 || c->closing) return 0; /* gone: nothing to send to */
  if (wsc_frame(&c->tx, opcode, p, n) != 0) return -ENOMEM;
  if (opcode == WS_CLOSE) c->closing = 1;
  if (!c->dirty) {
    c->dirty = 1;
    b->flush[b->nflush++] = c;
  }
  return 0;
}

int bench_run(bench *b, uint64_t deadline, int (*done)(bench *, void *),
              void *arg) {
  struct epoll_event evs[EVENTS_MAX];

  for (;;) {
    uint64_t now = now_ns();
    int timeout, n;
    if (done != NULL && done(b, arg)) return 1;
    if (now >= deadline || b->fatal) return 0;
    start_connects(b);
    timeout = b->npacers > 0 ? 1 : (int)((deadline - now) / 1000000 + 1);
    if (timeout > 10) timeout = 10;
    n = epoll_wait(b->epfd, evs, EVENTS_MAX, timeout);
    for (int i = 0; i < n; i++) {
      conn *c = &b->conns[evs[i].data.u32];
      if (c->fd >= 0) conn_event(b, c, evs[i].events);
    }
    if (b->npacers > 0) pacers_tick(b, now_ns());
    flush_all(b);
  }
}

static int enough_ready(bench *b, void *arg) {
  return b->nready >= *(size_t *)arg;
}

int bench_wait_ready(bench *b, size_t want, double timeout_s) {
  return bench_run(b, now_ns() + (uint64_t)(timeout_s * 1e9), enough_ready, &want);
}

void bench_sleep(bench *b, double s) {
  bench_run(b, now_ns() + (uint64_t)(s * 1e9), NULL, NULL);
}

void bench_drop_all(bench *b) {
  for (size_t i = 0; i < b->nconns; i++) conn_reset(b, &b->conns[i]);
  b->nflush = 0;
  b->connect_head = b->connect_len = 0;
  b->handshakes = b->nready = b->nclosed = 0;
}

void bench_conn_ready(bench *b, conn *c) {
  if (c->ready) return;
  c->ready = 1;
  b->nready++;
  hist_record(&b->setup, now_ns() - c->started_ns);
}

void bench_window(bench *b, double s) {
  b->win_start = (now_ns() / 1000 + 1) * 1000;
  b->win_end = b->win_start + (uint64_t)(s * 1e6) * 1000;
  b->delivered = b->stale = b->acks = b->errors = 0;
  hist_reset(&b->lat);
}

void bench_delivery(bench *b, uint64_t ts) { bench_delivery_at(b, ts, now_ns()); }

void bench_delivery_at(bench *b, uint64_t ts, uint64_t now) {
  if (ts >= b->win_start && ts < b->win_end) {
    b->delivered++;
    hist_record(&b->lat, now > ts ? now - ts : 0);
  } else {
    b->stale++;
  }
}
