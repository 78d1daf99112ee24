/* crash_common.h -- what crash_store and crash_writer agree on.
 *
 * The writer puts each key into the andons table with the key itself as
 * the value, plus one event whose data is the key, in the same batch; so a
 * store that survived a crash holds exactly as many events as keys.
 */
#ifndef FH_CRASH_COMMON_H
#define FH_CRASH_COMMON_H

/* Key of the n-th write of round r: unique per round and across rounds. */
#define CRASH_KEY_FMT "r%03d-%07lu"
/* Bytes of a key (without the NUL); a pipe line is a key and '\n'. */
#define CRASH_KEY_LEN 12
/* Largest batch the writer makes. */
#define CRASH_BATCH_MAX 64

#endif /* FH_CRASH_COMMON_H */
