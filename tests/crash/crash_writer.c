/* crash_writer.c -- the process crash_store kills.
 *
 *   crash_writer DIR ROUND SEED
 *
 * Opens the store in DIR and writes unique keys forever in batches of a
 * random size (1..CRASH_BATCH_MAX): each key goes into the andons table
 * (value: the key) with one event (data: the key) in the same batch.  Only
 * after fh_store_commit() returned 0 does it write the batch's keys, one
 * per line, to stdout with a single write(2) (less than PIPE_BUF, so the
 * reader never sees half a batch).  It runs until it is killed; any store
 * error ends it with status 1, which crash_store reports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_common.h"
#include "fh_storage.h"

/* Queues one batch of `n` keys from number `first`; the keys, one per
 * line, go to out.  Returns the bytes written to out or -1. */
static int queue_batch(fh_batch *b, int round, unsigned long first, int n,
                       char *out) {
  char key[CRASH_KEY_LEN + 1];
  int used = 0;
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, CRASH_KEY_FMT, round, first + (unsigned long)i);
    if (fh_batch_put(b, FH_T_ANDONS, key, CRASH_KEY_LEN, key,
                     CRASH_KEY_LEN) != 0 ||
        fh_batch_event(b, (int64_t)(first + (unsigned long)i), "crash",
                       "crash.put", key, CRASH_KEY_LEN) != 0)
      return -1;
    memcpy(out + used, key, CRASH_KEY_LEN);
    out[used + CRASH_KEY_LEN] = '\n';
    used += CRASH_KEY_LEN + 1;
  }
  return used;
}

int main(int argc, char **argv) {
  static char out[CRASH_BATCH_MAX * (CRASH_KEY_LEN + 1)];
  char err[256] = "";
  fh_store_opts o;
  fh_store *s;
  if (argc != 4) {
    fprintf(stderr, "usage: crash_writer DIR ROUND SEED\n");
    return 2;
  }
  int round = atoi(argv[2]);
  srand((unsigned)strtoul(argv[3], NULL, 10) + (unsigned)round);
  fh_store_opts_init(&o);
  o.dir = argv[1];
  o.map_size = (size_t)4 << 20;
  int rc = fh_store_open(&s, &o, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "crash_writer: open: %s\n", err);
    return 1;
  }
  fh_batch *b = fh_batch_new();
  for (unsigned long next = 0; b != NULL;) {
    int n = 1 + rand() % CRASH_BATCH_MAX;
    fh_batch_clear(b);
    int len = queue_batch(b, round, next, n, out);
    if (len < 0) break;
    rc = fh_store_commit(s, b, NULL);
    if (rc != 0) {
      fprintf(stderr, "crash_writer: commit: %s\n", fh_store_strerror(rc));
      break;
    }
    if (write(STDOUT_FILENO, out, (size_t)len) != len) break;
    next += (unsigned long)n;
  }
  fh_batch_free(b);
  fh_store_close(s);
  return 1;
}
