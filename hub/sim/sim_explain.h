/* sim_explain.h -- floorsim's operator: the stops it explains (sim_explain.c).
 *
 * Design: with --operator-token-file floorsim opens a second connection
 * with that token (an operator's or a shift manager's: a gateway may not
 * classify) and subscribes to downtime/<line> of every line.  When the
 * simulation says an operator explains the stop that just ended
 * (SIM_EV_EXPLAIN), the equipment's wish waits until the hub shows that
 * stop closed; then a dt.classify goes out, unless the hub counts the stop
 * as short (no reason needed) or it was classified already.  A wish the
 * hub does not confirm within EXPLAIN_WAIT_MS is dropped.  Internal to
 * floorsim.
 */
#ifndef FH_SIM_EXPLAIN_H
#define FH_SIM_EXPLAIN_H

#include <stdint.h>

#include "sim_send.h"

#define EXPLAIN_WAIT_MS 10000 /* wall ms a wish waits for its closed stop */

/* Opens the operator's connection when o->operator_token is set.  0 or a
 * negative errno (nothing to close then). */
int explain_setup(drive *d);
/* Starts the connection (after the loop is set up). */
void explain_start(drive *d);
/* SIM_EV_EXPLAIN: the operator of ev->eq explains its last stop. */
void explain_on_sim(drive *d, const sim_event *ev, uint64_t now);
/* Sends the classifications whose stop the hub has shown closed. */
void explain_flush(drive *d, uint64_t now);
/* Requests of the operator's connection not answered yet. */
size_t explain_pending(const drive *d);
/* Closes the connection. */
void explain_close(drive *d);

#endif
