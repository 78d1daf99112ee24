/* floorctl.c -- the hub's admin tool: mint tokens, back up the store, dump
 * the audit log, test the notifications.
 *
 * Design: a thin dispatcher.  `floorctl <command> [options]` passes argv
 * from the command name on to the command's function (floorctl_token.c,
 * floorctl_store.c, floorctl_notify.c, floorctl_history.c, ...), which
 * parses its own long options with getopt_long.
 * Exit status: 0 success, 1 runtime failure, 2 usage error.
 */
#include "floorctl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plant.h"

static const char usage_text[] =
    "usage: floorctl <command> [options]\n"
    "\n"
    "  token   --key-file F --alg HS256|RS256|ES256 --sub NAME --role ROLE\n"
    "          [--lines L1,L2] [--ttl 8h] [--iss X] [--aud Y]\n"
    "          print a signed token (for RS256/ES256 F is the private key\n"
    "          PEM; ttl in s, m, h or d)\n"
    "  backup  --data DIR OUT\n"
    "          hot, compacted copy of the store in DIR into the empty or\n"
    "          new directory OUT\n"
    "  events  --data DIR [--since LSN]\n"
    "          print the audit log as JSON lines {lsn, ts, actor, via, type, "
    "data}\n"
    "  user    add|set|disable|enable|unlock|list --data DIR --id ID\n"
    "          [--name NAME] [--role ROLE] [--lines L1,L2]\n"
    "          [--pin-stdin | --password-stdin | --badge-stdin]\n"
    "          the people who sign in (works beside a running hub; a\n"
    "          secret is read from stdin, one line)\n"
    "  backfill --data DIR --plant FILE --days N [--seed S]\n"
    "          write N days of simulated shift records (floorsim's model,\n"
    "          the hub's accounting) into a stopped hub's store\n"
    "  history --data DIR --plant FILE [--scope line|equipment|plant]\n"
    "          [--line L] [--equipment E] --from DATE --to DATE\n"
    "          [--group shift|day|week|month] [--what oee|downtime]\n"
    "          print the rows of the hub's oee.csv / downtime.csv export,\n"
    "          read offline (beside a running hub too): closed shift\n"
    "          records and closed stops only, no running shift\n"
    "  notify  test --notify FILE --to PERSON [--plant FILE]\n"
    "          send a test message to PERSON as the hub would (e-mail,\n"
    "          their webhook), once each; exit 0 when all were delivered\n"
    "\n"
    "Exit status: 0 ok, 1 failure, 2 usage error.\n";

__attribute__((format(printf, 2, 0)))
static void vreport(const char *cmd, const char *fmt, va_list ap) {
  fprintf(stderr, "floorctl%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

int floorctl_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(cmd, fmt, ap);
  va_end(ap);
  fprintf(stderr, "Try 'floorctl --help'.\n");
  return FLOORCTL_EXIT_USAGE;
}

int floorctl_bad_option(const char *cmd, char **argv) {
  return floorctl_usage(cmd, "unknown option or missing value: %s",
                        argv[optind - 1]);
}

int floorctl_fail(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(cmd, fmt, ap);
  va_end(ap);
  return FLOORCTL_EXIT_FAIL;
}

int floorctl_plant_load(const char *cmd, const char *path, plant **out) {
  char why[256] = "";
  if (plant_load(path, out, why, sizeof why) != 0)
    return floorctl_fail(cmd, "--plant: %s", why);
  setenv("TZ", (*out)->timezone, 1);
  tzset();
  return 0;
}

int main(int argc, char **argv) {
  static const struct {
    const char *name;                /* the command word */
    int (*run)(int argc, char **argv); /* its implementation */
  } commands[] = {
      {"token", floorctl_token},
      {"backup", floorctl_backup},
      {"events", floorctl_events},
      {"user", floorctl_user},
      {"notify", floorctl_notify},
      {"backfill", floorctl_backfill},
      {"history", floorctl_history},
  };

  if (argc < 2) return floorctl_usage(NULL, "missing command");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  return floorctl_usage(NULL, "unknown command '%s'", argv[1]);
}
