/* wsc.c -- WebSocket client bytes: connect, upgrade, frames (see wsc.h).
 *
 * Masking keys come from a xorshift generator seeded once from the clock:
 * RFC 6455 asks for unpredictable keys to protect proxies, which a local
 * benchmark does not have, and the XOR itself is what costs the CPU a real
 * client pays.
 */
#include "wsc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define CONTROL_MAX 125 /* payload bytes of a control frame */

static uint64_t rng_state;

static uint64_t rng_next(void) {
  uint64_t x = rng_state;
  if (x == 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull + (uint64_t)getpid() + 1;
  }
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return x;
}

int wsc_connect(const struct sockaddr_in *dst, unsigned src_host) {
  struct sockaddr_in src;
  int one = 1, fd, rc;

  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  memset(&src, 0, sizeof src);
  src.sin_family = AF_INET;
  src.sin_addr.s_addr = htonl((127u << 24) | (src_host & 0xffffffu));
  /* The port is picked at connect() with the whole 4-tuple known, so each
   * source address has its own ephemeral range. */
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) goto fail;
  rc = connect(fd, (const struct sockaddr *)dst, sizeof *dst);
  if (rc != 0 && errno != EINPROGRESS) goto fail;
  return fd;
fail:
  rc = -errno;
  close(fd);
  return rc;
}

static void base64(const uint8_t *in, size_t n, char *out) {
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    out[o++] = tab[v >> 18 & 63];
    out[o++] = tab[v >> 12 & 63];
    out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? tab[v & 63] : '=';
  }
  out[o] = '\0';
}

int wsc_upgrade_request(fh_buf *tx, const struct sockaddr_in *dst,
                        const char *path, const char *subprotocol,
                        const char *bearer) {
  uint8_t nonce[16];
  char key[32], head[512];
  int n;

  for (size_t i = 0; i < sizeof nonce; i += 8) {
    uint64_t r = rng_next();
    memcpy(nonce + i, &r, 8);
  }
  base64(nonce, sizeof nonce, key);
  n = snprintf(head, sizeof head,
               "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n",
               path, (unsigned)ntohs(dst->sin_port), key);
  if (subprotocol != NULL)
    n += snprintf(head + n, sizeof head - (size_t)n,
                  "Sec-WebSocket-Protocol: %s\r\n", subprotocol);
  if (fh_buf_append(tx, head, (size_t)n) != 0) return -ENOMEM;
  if (bearer != NULL && (fh_buf_append(tx, "Authorization: Bearer ", 22) ||
                         fh_buf_append(tx, bearer, strlen(bearer)) ||
                         fh_buf_append(tx, "\r\n", 2)))
    return -ENOMEM;
  return fh_buf_append(tx, "\r\n", 2) ? -ENOMEM : 0;
}

long wsc_upgrade_response(const uint8_t *p, size_t n) {
  static const char ok[] = "HTTP/1.1 101";
  const uint8_t *end;

  if (n >= sizeof ok - 1 && memcmp(p, ok, sizeof ok - 1) != 0) return -1;
  end = memmem(p, n, "\r\n\r\n", 4);
  if (end == NULL) return n > 16384 ? -1 : 0;
  return (long)(end - p) + 4;
}

int wsc_frame(fh_buf *tx, int opcode, const void *payload, size_t n) {
  uint8_t head[14];
  size_t hlen = 2, start = tx->len;
  uint32_t mask = (uint32_t)rng_next();
  uint8_t *out;

  head[0] = (uint8_t)(0x80 | opcode);
  if (n < 126) {
    head[1] = (uint8_t)(0x80 | n);
  } else if (n <= 0xffff) {
    head[1] = 0x80 | 126;
    head[2] = (uint8_t)(n >> 8);
    head[3] = (uint8_t)n;
    hlen = 4;
  } else {
    head[1] = 0x80 | 127;
    for (int i = 0; i < 8; i++) head[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
    hlen = 10;
  }
  memcpy(head + hlen, &mask, 4);
  hlen += 4;
  if (fh_buf_append(tx, head, hlen) != 0) return -ENOMEM;
  if (fh_buf_append(tx, payload, n) != 0) {
    tx->len = start;
    return -ENOMEM;
  }
  out = tx->data + start + hlen;
  for (size_t i = 0; i < n; i++) out[i] ^= head[hlen - 4 + (i & 3)];
  return 0;
}

int wsc_parse(const uint8_t *p, size_t n, ws_frame *f) {
  uint64_t len;
  size_t hlen = 2;

  if (n < 2) return 0;
  if ((p[0] & 0x70) != 0 || (p[1] & 0x80) != 0) return -1; /* RSV, mask */
  f->fin = p[0] >> 7;
  f->opcode = p[0] & 0x0f;
  len = p[1] & 0x7f;
  if (len == 126) {
    if (n < 4) return 0;
    len = (uint64_t)p[2] << 8 | p[3];
    hlen = 4;
  } else if (len == 127) {
    if (n < 10) return 0;
    len = 0;
    for (int i = 0; i < 8; i++) len = len << 8 | p[2 + i];
    hlen = 10;
  }
  if (f->opcode >= WS_CLOSE && (!f->fin || len > CONTROL_MAX)) return -1;
  if ((f->opcode > WS_BINARY && f->opcode < WS_CLOSE) || f->opcode > WS_PONG)
    return -1;
  f->hlen = hlen;
  f->plen = len;
  return n - hlen >= len ? 1 : 0;
}
