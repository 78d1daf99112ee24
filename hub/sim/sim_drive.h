/* sim_drive.h -- floorsim's connection of the simulated plant to a hub.
 *
 * Design: one libuv loop runs a tick timer, the signal handlers and an
 * fh_client (the shared WebSocket client: hello, reconnect, resend).  Each
 * tick advances the simulation to the wall clock times --speed and sends
 * what it produced as the gateway would: eq.state, eq.count and now and
 * then andon.raise.  What the simulation produces is merged per equipment
 * until it can be sent (the latest state wins, counts add up), so being
 * offline or over the --rate cap delays and coalesces the updates but
 * never queues without bound.  Andons are raised only while fewer than
 * DRIVE_OWN_ANDONS_MAX of this gateway's andons are open (read from the
 * andon topic), so an unattended demo does not pile them up.
 */
#ifndef FH_SIM_DRIVE_H
#define FH_SIM_DRIVE_H

#include <stdint.h>

#include "plant.h"

#define DRIVE_OWN_ANDONS_MAX 3  /* open andons raised by floorsim at most */

typedef struct drive_opts {
  const char *url;        /* ws://HOST:PORT/ws or wss:// */
  const char *ca_file;    /* wss: CAs to trust, NULL = the system's */
  int insecure;           /* wss: no certificate check (--insecure) */
  const char *cert_file;  /* wss: client certificate, NULL = none */
  const char *key_file;   /* its private key */
  const char *token;      /* gateway JWT ("" with a client certificate);
                             never logged */
  const char *operator_token; /* an operator's JWT to classify stops with,
                             NULL = none (sim_explain.h); never logged */
  const plant *p;         /* the plant to simulate */
  double speed;           /* simulated ms per wall ms, > 0 */
  uint64_t seed;          /* seed of the simulation */
  double rate;            /* requests per second at most, > 0 */
  double duration_s;      /* wall seconds to run; 0 = until a signal */
  int verbose;            /* log every state change */
} drive_opts;

/* Runs until the duration has passed or SIGINT/SIGTERM arrived, then
 * sends what is still pending and waits a few seconds for the answers.
 * Returns 0 when the hub accepted every write it answered and answered
 * all of them, 1 otherwise, or a negative errno when the client could not
 * be set up (nothing ran then). */
int drive_run(const drive_opts *o);

#endif
