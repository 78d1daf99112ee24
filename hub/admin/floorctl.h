/* floorctl.h -- the subcommands of floorctl, the hub's admin tool.
 *
 * Design: floorctl.c parses the subcommand name and hands the remaining
 * arguments to one function per subcommand.  Each returns the process exit
 * status: 0 on success, FLOORCTL_EXIT_FAIL (1) when the work failed,
 * FLOORCTL_EXIT_USAGE (2) on a usage error, having printed why on stderr.
 */
#ifndef FH_HUB_FLOORCTL_H
#define FH_HUB_FLOORCTL_H

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
