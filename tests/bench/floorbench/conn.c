/* conn.c -- one client connection's I/O: connect, upgrade, read, write.
 *
 * Reading goes through one 64 KiB scratch buffer shared by every
 * connection: the bytes are parsed where they landed and only an
 * incomplete tail (half a frame) is kept in the connection's rx.  Writing
 * appends to the connection's tx; bench.c flushes every connection that
 * has something queued once per loop iteration, so a burst of publishes
 * costs one write(2).  A connection that fails or is closed by the server
 * keeps its buffers (they may be in use higher up the stack) until
 * conn_reset().  With --tls a TLS handshake (tls.c) runs between the TCP
 * connect and the upgrade, and io_read/io_write go through the connection's
 * SSL: the rest of the file does not know which kind of socket it has.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fb.h"
#include "wsc.h"

#define SCRATCH (64 * 1024)
#define COMPACT_MIN (64 * 1024) /* written tx bytes before moving the rest */
#define READS_MAX 4             /* reads per event: others get their turn */

static uint8_t scratch[SCRATCH];

static void watch(bench *b, conn *c, int op, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.u32 = c->idx};
  epoll_ctl(b->epfd, op, c->fd, &ev);
}

/* Arms EPOLLOUT (with EPOLLIN) when out, else EPOLLIN only. */
static void want_out(bench *b, conn *c, int out) {
  if (out == c->out_armed) return;
  watch(b, c, EPOLL_CTL_MOD, out ? EPOLLIN | EPOLLOUT : EPOLLIN);
  c->out_armed = out;
}

/* read(2) / send(2), or their TLS counterparts; *ww: TLS wants the
 * socket writable before it can go on. */
static ssize_t io_read(conn *c, void *p, size_t n, int *ww) {
  *ww = 0;
  return c->ssl ? fb_tls_read(c->ssl, p, n, ww) : read(c->fd, p, n);
}

static ssize_t io_write(conn *c, const void *p, size_t n, int *ww) {
  *ww = 0;
  return c->ssl ? fb_tls_write(c->ssl, p, n, ww) : send(c->fd, p, n, MSG_NOSIGNAL);
}

/* The connection is gone (failed, or closed by either side). */
static void conn_lost(bench *b, conn *c) {
  if (c->ssl) fb_tls_close(c->ssl);
  c->ssl = NULL;
  if (c->fd >= 0) close(c->fd); /* also leaves the epoll set */
  c->fd = -1;
  if (c->state == CS_CONNECTING || c->state == CS_TLS || c->state == CS_UPGRADING)
    b->handshakes--;
  if (c->ready) b->nready--;
  if (!c->closing) b->closes_by_server++;
  c->ready = 0;
  c->state = CS_CLOSED;
  b->nclosed++;
}

void conn_start(bench *b, conn *c) {
  unsigned src = 1 + c->idx % (unsigned)(b->o->src_addrs > 0 ? b->o->src_addrs : 1);
  int fd = wsc_connect(&b->dst, src);

  if (fd < 0) {
    fprintf(stderr, "floorbench: connect: %s\n", strerror(-fd));
    c->state = CS_CLOSED;
    c->closing = 1; /* not the server's doing */
    b->nclosed++;
    return;
  }
  c->fd = fd;
  c->started_ns = now_ns();
  c->state = CS_CONNECTING;
  c->out_armed = 1;
  b->handshakes++;
  watch(b, c, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT);
}

void conn_reset(bench *b, conn *c) {
  if (c->fd >= 0) {
    c->closing = 1;
    conn_lost(b, c);
  }
  c->state = CS_IDLE;
  c->ready = c->out_armed = c->closing = c->dirty = 0;
  c->nsnaps = 0;
  c->tx_off = 0;
  fh_buf_reset(&c->rx);
  fh_buf_reset(&c->tx);
  fh_buf_reset(&c->frag);
  fh_buf_reset(&c->app);
}

int conn_stream(bench *b, conn *c, const uint8_t *p, size_t n,
                stream_parse_fn parse) {
  size_t used;
  if (c->app.len == 0) { /* the common case: no copy */
    used = parse(b, c, p, n);
    return used < n ? fh_buf_append(&c->app, p + used, n - used) : 0;
  }
  if (fh_buf_append(&c->app, p, n) != 0) return -1;
  used = parse(b, c, c->app.data, c->app.len);
  memmove(c->app.data, c->app.data + used, c->app.len - used);
  c->app.len -= used;
  return 0;
}

void conn_flush(bench *b, conn *c) {
  int ww;
  while (c->fd >= 0 && c->tx.len > c->tx_off) {
    ssize_t w = io_write(c, c->tx.data + c->tx_off, c->tx.len - c->tx_off, &ww);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      /* TLS may want to read first: then EPOLLIN brings it back here */
      want_out(b, c, c->ssl == NULL || ww);
      if (c->tx_off >= COMPACT_MIN) {
        memmove(c->tx.data, c->tx.data + c->tx_off, c->tx.len - c->tx_off);
        c->tx.len -= c->tx_off;
        c->tx_off = 0;
      }
      return;
    }
    if (w <= 0) {
      conn_lost(b, c);
      return;
    }
    c->tx_off += (size_t)w;
  }
  fh_buf_reset(&c->tx);
  c->tx_off = 0;
  if (c->fd >= 0 && c->state != CS_CONNECTING && c->state != CS_TLS)
    want_out(b, c, 0);
  if (c->closing && c->fd >= 0) conn_lost(b, c);
}

/* A whole message (or the last frame of a fragmented one). */
static int deliver(bench *b, conn *c, const ws_frame *f, const uint8_t *p) {
  int rc;
  if (f->fin && c->frag.len == 0 && f->opcode != WS_CONT)
    return b->ops->on_message(b, c, p, f->plen);
  if (fh_buf_append(&c->frag, p, f->plen) != 0) return -ENOMEM;
  if (!f->fin) return 0;
  rc = b->ops->on_message(b, c, c->frag.data, c->frag.len);
  fh_buf_reset(&c->frag);
  return rc;
}

static int on_frame(bench *b, conn *c, const ws_frame *f, const uint8_t *p) {
  switch (f->opcode) {
    case WS_PING: return bench_send(b, c, WS_PONG, p, f->plen);
    case WS_PONG: return 0;
    case WS_CLOSE: /* answer with the same code, then hang up */
      bench_send(b, c, WS_CLOSE, p, f->plen >= 2 ? 2 : 0);
      b->closes_by_server++;
      c->closing = 1;
      return 0;
    default: return deliver(b, c, f, p);
  }
}

/* Parses what it can of p; returns the bytes consumed or -1. */
static long parse(bench *b, conn *c, const uint8_t *p, size_t n) {
  size_t off = 0;
  ws_frame f;
  int rc;

  if (c->state == CS_UPGRADING) {
    long h = wsc_upgrade_response(p, n);
    if (h <= 0) return h;
    off = (size_t)h;
    c->state = CS_OPEN;
    b->handshakes--;
    c->upgraded_ns = now_ns();
    if (b->ops->on_open(b, c) != 0) return -1;
  }
  while (c->state == CS_OPEN && !c->closing &&
         (rc = wsc_parse(p + off, n - off, &f)) != 0) {
    if (rc < 0 || on_frame(b, c, &f, p + off + f.hlen) != 0) return -1;
    off += f.hlen + f.plen;
  }
  return (long)off;
}

/* Feeds n fresh bytes through the parser, keeping any incomplete tail. */
static int feed(bench *b, conn *c, const uint8_t *p, size_t n) {
  const uint8_t *src = p;
  size_t len = n;
  long used;

  if (c->rx.len > 0) {
    if (fh_buf_append(&c->rx, p, n) != 0) return -1;
    src = c->rx.data;
    len = c->rx.len;
  }
  used = parse(b, c, src, len);
  if (used < 0) return -1;
  if (c->state != CS_OPEN && c->state != CS_UPGRADING) return 0;
  if (src == c->rx.data) {
    memmove(c->rx.data, c->rx.data + used, len - (size_t)used);
    c->rx.len = len - (size_t)used;
    return 0;
  }
  return fh_buf_append(&c->rx, p + used, n - (size_t)used) ? -1 : 0;
}

/* A short read ends the turn on a plain socket; SSL_read returns one
 * record (16 KiB at most) at a time, so a TLS socket reads on. */
static void on_readable(bench *b, conn *c) {
  int ww;
  for (int reads = 0; reads < READS_MAX; reads++) {
    ssize_t n = io_read(c, scratch, sizeof scratch, &ww);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (ww) want_out(b, c, 1);
      return;
    }
    if (n <= 0 || feed(b, c, scratch, (size_t)n) != 0) {
      conn_lost(b, c);
      return;
    }
    if (c->fd < 0 || c->closing || (c->ssl == NULL && (size_t)n < sizeof scratch))
      return;
  }
}

static void start_upgrade(bench *b, conn *c) {
  c->state = CS_UPGRADING;
  if (wsc_upgrade_request(&c->tx, &b->dst, b->ops->path, b->ops->subprotocol,
                          b->ops->bearer ? b->ops->bearer(b, c) : NULL) != 0) {
    conn_lost(b, c);
    return;
  }
  conn_flush(b, c);
}

/* One step of the TLS handshake; the upgrade follows once it is done. */
static void on_tls(bench *b, conn *c) {
  int ww, rc = fb_tls_handshake(c->ssl, &ww);
  if (rc < 0) {
    if (rc == -2) b->fatal = 1;
    conn_lost(b, c);
    return;
  }
  want_out(b, c, rc == 0 && ww);
  if (rc == 1) start_upgrade(b, c);
}

static void on_connected(bench *b, conn *c) {
  char ip[INET_ADDRSTRLEN];
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    conn_lost(b, c);
    return;
  }
  if (!b->o->tls) {
    start_upgrade(b, c);
    return;
  }
  inet_ntop(AF_INET, &b->dst.sin_addr, ip, sizeof ip);
  if ((c->ssl = fb_tls_new(c->fd, ip)) == NULL) {
    conn_lost(b, c);
    return;
  }
  c->state = CS_TLS;
  on_tls(b, c);
}

void conn_event(bench *b, conn *c, uint32_t events) {
  if (c->state == CS_CONNECTING) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(b, c);
    return;
  }
  if (c->state == CS_TLS) {
    on_tls(b, c);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(b, c);
  /* TLS: a write that waited for a read goes on after it */
  if (c->fd >= 0 && ((events & EPOLLOUT) || (c->ssl && c->tx.len > c->tx_off)))
    conn_flush(b, c);
  if (c->fd >= 0 && c->closing) conn_flush(b, c);
}
