/* server.h -- libwebsockets on the hub's loop: the listener, the WebSocket
 * protocol callback (sessions, core/session.h) and the HTTP one (http.h).
 */
#ifndef FH_NET_SERVER_H
#define FH_NET_SERVER_H

#include "hub.h"

/* Creates the lws context on h->loop and its vhosts.  0 or a negative
 * errno code (logged). */
int server_start(hub *h);
/* The port the listener is bound to, -1 if none. */
int server_port(hub *h);
/* The port of the --listen-plain listener, -1 if none. */
int server_plain_port(hub *h);
/* SIGHUP: loads the TLS certificate and key again (tls.c); a bad file is
 * logged and the old certificate stays.  Nothing without TLS. */
void server_reload_tls(hub *h);
/* Destroys the lws context (closing every connection). */
void server_stop(hub *h);

#endif
