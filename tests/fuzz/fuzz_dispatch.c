/* fuzz_dispatch.c -- libFuzzer target for the hub's request handler.
 *
 * Design: the hub's core in one process (tests/core/harness.h: the hub
 * without its network, the sample plant, an HS256 key, a store in a fresh
 * temporary folder and a clock of the harness's own) is set up once.  The
 * sessions have no connection; one per role is authenticated with an
 * identity filled here, one more is a maintenance user restricted to line
 * L2 and the last never authenticates.
 *
 * Per input the first byte picks the session and the rest is one WebSocket
 * message for session_handle_message(): the real handler (framing,
 * decoding, dispatch, the role table, writes, idempotency keys).  Then
 * the harness commits what it queued and answers the writers, and one
 * non-blocking turn of the loop runs the escalation and shift timers.
 * Replies pile up in the sessions' queues; a session that holds many, or
 * that the hub closed (4001 after a rejected hello, 4008 after its queue
 * overflowed), is recycled: session_closed() and opened again.  Open andons
 * accumulate in the model and make every snapshot larger, so the whole hub
 * is rebuilt on a fresh store every RESET_EVERY inputs.
 *
 * The clock starts at a fixed time inside a shift and moves TICK_MS per
 * input, so time-dependent paths do not depend on when the fuzzer runs,
 * and escalation deadlines (minutes) pass within a run.
 *
 * Seeds: tests/fuzz/corpus/dispatch (tests/reliability/gen_dispatch_corpus.py
 * writes them with the key CORE_HARNESS_KEY; the first byte of a seed names
 * its session as below).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "log.h"

#ifndef FH_SAMPLE_PLANT
#error "FH_SAMPLE_PLANT must name the sample plant file"
#endif

#define QUEUED_MAX 256      /* recycle a session holding more replies */
#define RESET_EVERY 20000   /* rebuild the hub after this many inputs */
#define TICK_MS 250         /* the clock moves this much per input */
#define NSESSIONS (FH_ROLE__COUNT + 2)
#define RESTRICTED (FH_ROLE__COUNT)      /* maintenance, lines ["L2"] */
#define UNAUTHENTICATED (FH_ROLE__COUNT + 1)

static core_harness t;                  /* the hub and its clock */
static session sessions[NSESSIONS];     /* see NSESSIONS */
static unsigned long inputs;            /* inputs since the last reset */

static void open_session(size_t i) {
  fh_identity who;
  char sub[FH_ID_MAX + 1];
  fh_role role = i == RESTRICTED ? FH_ROLE_MAINTENANCE : (fh_role)i;

  if (i == UNAUTHENTICATED) {
    core_harness_session(&t, &sessions[i], NULL);
    return;
  }
  snprintf(sub, sizeof sub, "fz-%s%s", fh_role_name(role),
           i == RESTRICTED ? "-l2" : "");
  core_harness_identity(&t, &who, role, sub, i == RESTRICTED ? "L2" : NULL);
  core_harness_session(&t, &sessions[i], &who);
}

static void hub_up(void) {
  core_harness_up(&t);
  for (size_t i = 0; i < NSESSIONS; i++) open_session(i);
  inputs = 0;
}

static void hub_down(void) {
  for (size_t i = 0; i < NSESSIONS; i++) session_closed(&sessions[i]);
  core_harness_down(&t);
}

static void cleanup(void) {
  for (size_t i = 0; i < NSESSIONS; i++) session_closed(&sessions[i]);
  core_harness_fini(&t);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  log_set_level(LOG_LVL_ERROR);
  core_harness_init(&t, FH_SAMPLE_PLANT);
  t.cfg.rate_per_s = 1000000000u; /* the rate limit would refuse most inputs */
  t.cfg.rate_burst = 1000000000u;
  t.cfg.queue_max_bytes = 256u << 10;
  t.cfg.map_size_max = 1ull << 30;
  hub_up();
  atexit(cleanup);
  return 0;
}

/* Recycles sessions that were closed or hold many replies. */
static void recycle(void) {
  for (size_t i = 0; i < NSESSIONS; i++) {
    session *s = &sessions[i];
    if (s->close_code == 0 && s->qcount <= QUEUED_MAX) continue;
    session_closed(s);
    open_session(i);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  if (++inputs > RESET_EVERY) {
    hub_down();
    hub_up();
  }
  t.clock_ms += TICK_MS;
  session_handle_message(&sessions[data[0] % NSESSIONS], data + 1, size - 1);
  core_harness_settle(&t);
  recycle();
  return 0;
}
