/* server.h -- libwebsockets on the hub's loop: the listener, the WebSocket
 * protocol callback (sessions, core/session.h) and the HTTP one (http.h).
 */
#ifndef FH_NET_SERVER_H
#define FH_NET_SERVER_H

#include "hub.h"

/* Creates the lws context on h->loop and listens.  0 or -1. */
int server_start(hub *h);
/* The port the listener is bound to, -1 if none. */
int server_port(hub *h);
/* Destroys the lws context (closing every connection). */
void server_stop(hub *h);

#endif
