/* scenario.c -- what the scenarios share: the server and the clients. */
#include "scenario.h"

#include <stdio.h>
#include <string.h>

#include "server.h"
#include "token.h"

#define LISTEN_TIMEOUT_S 20
#define CONNECT_TIMEOUT_S 120
#define TOKEN_TTL_S (4 * 3600)

static int mint_tokens(bench *b) {
  if (b->ops != &target_floorhub) return 0;
  if (b->o->jwt_key_file == NULL) {
    fprintf(stderr, "floorbench: floorhub needs --jwt-key-file\n");
    return -1;
  }
  b->token_sub = token_mint(b->o->jwt_key_file, "bench-viewer", "viewer", TOKEN_TTL_S);
  b->token_pub = token_mint(b->o->jwt_key_file, "bench-gateway", "gateway", TOKEN_TTL_S);
  if (b->token_sub == NULL || b->token_pub == NULL) {
    fprintf(stderr, "floorbench: cannot sign tokens with %s\n", b->o->jwt_key_file);
    return -1;
  }
  return 0;
}

int scenario_start_server(bench *b) {
  int rc;
  if (mint_tokens(b) != 0) return -1;
  if (server_port_busy(b)) {
    fprintf(stderr, "floorbench: port %d is already in use\n", b->o->port);
    return -1;
  }
  if ((rc = server_start(b)) != 0) {
    fprintf(stderr, "floorbench: cannot start the server: %s\n", strerror(-rc));
    return -1;
  }
  if ((rc = server_wait_listening(b, LISTEN_TIMEOUT_S)) != 0) {
    fprintf(stderr, "floorbench: the server does not listen on %d: %s\n",
            b->o->port, strerror(-rc));
    return -1;
  }
  return 0;
}

int scenario_connect(bench *b, size_t first, size_t n) {
  size_t want = b->nready + n;
  bench_connect(b, first, n);
  if (bench_wait_ready(b, want, CONNECT_TIMEOUT_S)) return 0;
  fprintf(stderr, "floorbench: only %zu of %zu connections ready (%zu closed)\n",
          b->nready, want, b->nclosed);
  return -1;
}
