/* floorctl.h -- the subcommands of floorctl, the hub's admin tool.
 *
 * Design: floorctl.c parses the subcommand name and hands the remaining
 * arguments to one function per subcommand.  Each returns the process exit
 * status: 0 on success, FLOORCTL_EXIT_FAIL (1) when the work failed,
 * FLOORCTL_EXIT_USAGE (2) on a usage error, having printed why on stderr.
 */
#ifndef FH_HUB_FLOORCTL_H
#define FH_HUB_FLOORCTL_H

#include <stdint.h>

#define FLOORCTL_EXIT_FAIL 1
#define FLOORCTL_EXIT_USAGE 2

/* floorctl token --key-file F --alg A --sub S --role R [--lines L1,L2]
 *               [--ttl 8h] [--iss X] [--aud Y] */
int floorctl_token(int argc, char **argv);
/* floorctl backup --data DIR OUT */
int floorctl_backup(int argc, char **argv);
/* floorctl events --data DIR [--since LSN] */
int floorctl_events(int argc, char **argv);
/* floorctl notify test --notify FILE --to PERSON [--plant FILE] */
int floorctl_notify(int argc, char **argv);
/* floorctl backfill (floorctl_backfill.c). */
int floorctl_backfill(int argc, char **argv);
/* floorctl history --data DIR --plant FILE [--scope S] [--line L]
 *                  [--equipment E] --from D --to D [--group G]
 *                  [--what oee|downtime] (floorctl_history.c). */
int floorctl_history(int argc, char **argv);

/* floorctl user add|set|disable|enable|unlock|list --data DIR --id ID
 *               [--name N] [--role R] [--lines L1,L2]
 *               [--pin-stdin | --password-stdin | --badge-stdin] */
int floorctl_user(int argc, char **argv);

/* floorctl_user_store.c: the store side of `floorctl user`. */
struct fh_store;
struct fh_batch;
struct fh_buf;
struct user_rec;
/* The user with that id into *u; -ENOENT when there is none. */
int floorctl_user_get(struct fh_store *s, const char *id, struct user_rec *u);
/* The store's badge index key; -ENOENT before the first badge. */
int floorctl_user_badge_key(struct fh_store *s, uint8_t *key);
/* Points the badge index entry idx at u (refusing a badge another user
 * holds), drops u's old entry and notes idx in u.  0 or an exit status. */
int floorctl_user_index(struct fh_store *s, struct fh_batch *b,
                        struct user_rec *u, const uint8_t *idx);
/* The public view of u (no secret, no hash) as a msgpack map; `locked`,
 * when not NULL, adds that key. */
int floorctl_user_public(struct fh_buf *out, const struct user_rec *u,
                         const int *locked);
/* Prints every user's public view as JSON lines; 0 or an exit status. */
int floorctl_user_list(struct fh_store *s);

/* Loads the plant file and makes its zone the local time (TZ), as the
 * hub does: shift calendars, days and printed times are the plant's.  0,
 * or FLOORCTL_EXIT_FAIL having said why. */
struct plant;
int floorctl_plant_load(const char *cmd, const char *path, struct plant **out);
/* Opens the store in dir read-only (beside a running hub too).  0, or
 * FLOORCTL_EXIT_FAIL having said why (floorctl_store.c). */
int floorctl_store_open_ro(const char *cmd, const char *dir, struct fh_store **s);

/* Prints "floorctl <cmd>: <message>" and a hint to stderr; returns
 * FLOORCTL_EXIT_USAGE. */
int floorctl_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The usage error for getopt_long's '?' (unknown option, missing value). */
int floorctl_bad_option(const char *cmd, char **argv);
/* Prints "floorctl <cmd>: <message>" to stderr; returns FLOORCTL_EXIT_FAIL. */
int floorctl_fail(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
