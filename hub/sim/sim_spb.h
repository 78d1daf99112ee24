/* sim_spb.h -- floorsim --sparkplug: the simulated plant as a Sparkplug B
 * edge node on an MQTT broker, as a plant's PLCs would publish it.
 *
 * Design: instead of writing to the hub, the simulation feeds one edge node
 * (group and node id from the options) with one device per equipment (the
 * device id is the equipment id), each with three metrics in the layout of
 * a typical PLC tag set: `State` (Int32, a state code), `Good` and `Scrap`
 * (UInt64, absolute counters since floorsim started).  The state code is
 * (state + 1) * 100 + (index of the reason in the plant's reasons + 1), or
 * (state + 1) * 100 without a reason: running 100, down mechanical 301.
 * floorgw reads them through the mapping spb_print_map() prints, so the
 * demo goes through the real ingest path.  Andons are not machine data
 * and are not simulated in this mode.
 *
 * Sparkplug B (spec 3.0) as an edge node: the Will is an NDEATH with the
 * session's bdSeq, incremented before every reconnect; after each CONNACK
 * an NBIRTH (bdSeq, Node Control/Rebirth) and a DBIRTH per device with
 * aliases; then a DDATA per device whose metrics changed, by alias, seq
 * 0-255 wrapping; an NCMD Node Control/Rebirth = true gives the births
 * again; SIGINT/SIGTERM publish the NDEATH and stop.  One thread: libuv is
 * not needed, mosquitto_loop() runs in floorsim's own loop with the tick.
 */
#ifndef FH_SIM_SPB_H
#define FH_SIM_SPB_H

#include <stdint.h>
#include <stdio.h>

#include "plant.h"

typedef struct spb_drive_opts {
  const char *host;       /* broker host (an address or a local name) */
  int port;               /* broker port */
  const char *group;      /* Sparkplug group id */
  const char *node;       /* Sparkplug edge node id */
  const plant *p;         /* the plant to simulate */
  double speed;           /* simulated ms per wall ms, > 0 */
  uint64_t seed;          /* seed of the simulation */
  double duration_s;      /* wall seconds to run; 0 = until a signal */
  int verbose;            /* log every state change */
} spb_drive_opts;

/* Runs until the duration passed or SIGINT/SIGTERM; 0, or 1 when the
 * broker could not be set up. */
int spb_drive_run(const spb_drive_opts *o);

/* Prints the floorgw mapping of this edge node's devices to the plant's
 * equipment (JSON); 0 or -ENOMEM. */
int spb_print_map(FILE *fp, const spb_drive_opts *o);

#endif
