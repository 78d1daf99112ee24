/* scenario.h -- the scenarios and what they share (see scenario.c).
 *
 * Each scenario starts the server (floorbench runs it: server.c), builds
 * its connections, measures and prints JSON lines; it returns 0, or 1 when
 * it could not measure (the server did not start, clients could not
 * connect), after printing why on stderr.
 */
#ifndef FB_SCENARIO_H
#define FB_SCENARIO_H

#include "fb.h"

/* Starts the server, waits until it listens and, for floorhub, mints the
 * subscriber and publisher tokens.  0 or -1. */
int scenario_start_server(bench *b);
/* Connects [first, first+n) and waits (up to 120 s) until all are ready.
 * 0 or -1. */
int scenario_connect(bench *b, size_t first, size_t n);

int sc_fanout(bench *b);
int sc_plant(bench *b);
int sc_memory(bench *b);
int sc_durable(bench *b);
int sc_storm(bench *b);
/* No server: N loopback sockets written by a plain send() loop (sc_floor.c). */
int sc_floor(bench *b);

#endif
