/* wsc.h -- the WebSocket client mechanics of floorbench (RFC 6455).
 *
 * Only what a benchmark client needs: a non-blocking TCP connect from a
 * chosen 127.0.0.x source address, the HTTP/1.1 upgrade request and the
 * check of its 101 answer, masked frames out and the header of unmasked
 * frames in.  Connection state, reading and writing are bench.c's; these
 * functions only build and parse bytes (and open the socket).
 *
 * Not done, on purpose: Sec-WebSocket-Accept is not verified (the servers
 * are known and local) and no extension is offered (no compression).
 */
#ifndef FB_WSC_H
#define FB_WSC_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

enum { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9,
       WS_PONG = 10 };

/* A parsed frame header. */
typedef struct ws_frame {
  int fin;          /* last frame of its message */
  int opcode;       /* WS_* */
  size_t hlen;      /* header bytes */
  uint64_t plen;    /* payload bytes after the header */
} ws_frame;

/* Opens a non-blocking socket bound to 127.0.0.`src_host` (port chosen at
 * connect time) and starts connecting to dst.  Returns the fd, or -errno
 * (then nothing is open). */
int wsc_connect(const struct sockaddr_in *dst, unsigned src_host);

/* Appends the upgrade request to tx.  subprotocol and bearer may be NULL.
 * Returns 0 or -ENOMEM (tx may then hold part of the request). */
int wsc_upgrade_request(fh_buf *tx, const struct sockaddr_in *dst,
                        const char *path, const char *subprotocol,
                        const char *bearer);

/* Looks at the start of a server's answer: returns the length of the
 * header block when it is complete and says 101, 0 when more bytes are
 * needed, -1 when the upgrade was refused or the bytes are not HTTP. */
long wsc_upgrade_response(const uint8_t *p, size_t n);

/* Appends one masked, final frame to tx.  0 or -ENOMEM (tx unchanged). */
int wsc_frame(fh_buf *tx, int opcode, const void *payload, size_t n);

/* Parses the frame header at p: 1 when the whole frame is in the n bytes,
 * 0 when more are needed, -1 when it is not a valid server frame (masked,
 * reserved bits or opcode, a fragmented or oversized control frame). */
int wsc_parse(const uint8_t *p, size_t n, ws_frame *f);

#endif
