/* harness.h -- the hub's core in one process, without sockets.
 *
 * Design: the hub without its network (hub_state_open: store, model,
 * topics, clocks) on a store in a fresh temporary directory (under /dev/shm
 * when it exists, so that the fsync of every commit costs nothing), with a
 * plant file, an HS256 key and a clock of the harness's own that moves only
 * when the caller moves it.  The key file and the store's files and folder
 * are removed as soon as they are open (LMDB works on its open
 * descriptors): a run that crashes leaves nothing behind.  Sessions have no
 * connection (session_open with a NULL wsi); what the hub sends them stays
 * in their queues, where core_harness_reply() reads it.
 *
 * Used by the dispatch fuzzer (tests/fuzz/fuzz_dispatch.c), the
 * in-process core test (tests/core/test_core.c) and the re-accounting
 * benchmark (tests/bench/bench_reaccount.c).
 */
#ifndef FH_TESTS_CORE_HARNESS_H
#define FH_TESTS_CORE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"
#include "session.h"

/* The HS256 key of the harness's hub; the fuzz seeds' tokens are signed
 * with it.  A test-only value, like the one of tests/e2e/fhtest.py. */
#define CORE_HARNESS_KEY "fuzz-dispatch-key-0123456789abcdef0123456789"
#define CORE_HARNESS_CLOCK_START_MS 1736143200000LL /* Mon 2025-01-06 07:00,
                                                       Berlin */

typedef struct core_harness {
  hub h;                    /* the hub without network */
  hub_config cfg;           /* its settings (config_defaults, then the
                               caller's changes before core_harness_up) */
  uv_loop_t loop;           /* its loop; run only with UV_RUN_NOWAIT */
  int64_t clock_ms;         /* what hub_now_ms() answers */
  char store_dir[256];      /* the current store's folder (already gone) */
} core_harness;

/* Loads the plant file and the key, makes the loop and sets the clock.
 * Aborts with a message on any failure (a test set-up, not a test). */
void core_harness_init(core_harness *t, const char *plant_file);
/* Opens the hub on a new store (the plant and key stay loaded). */
void core_harness_up(core_harness *t);
/* Closes the hub (the caller closed its sessions first). */
void core_harness_down(core_harness *t);
/* core_harness_down, then frees the loop, the key and the plant. */
void core_harness_fini(core_harness *t);

/* An identity of that role for sub, on one line (NULL: every line),
 * valid for a year from the harness's clock. */
void core_harness_identity(core_harness *t, fh_identity *who, fh_role role,
                           const char *sub, const char *line);
/* Opens a session in mem; authenticates it as who unless who is NULL. */
session *core_harness_session(core_harness *t, session *mem,
                              const fh_identity *who);
/* Commits what is queued and runs the due timers once. */
void core_harness_settle(core_harness *t);
/* Drops what the hub queued for s, unread (a benchmark's replies);
 * returns how many of them were `err` (printed to stderr). */
size_t core_harness_drain(session *s);

#endif
