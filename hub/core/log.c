/* log.c -- stderr logging, one line per event (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static log_level threshold = LOG_LVL_INFO;
static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const int syslog_prio[] = {3, 4, 6, 7};

void log_set_level(log_level lvl) { threshold = lvl; }
log_level log_get_level(void) { return threshold; }

int log_level_from(const char *name) {
  for (int i = 0; i < 4; i++)
    if (strcmp(name, level_names[i]) == 0) return i;
  return -1;
}

void log_msg(log_level lvl, const char *fmt, ...) {
  char line[1024];
  size_t n = 0;
  va_list ap;

  if (lvl > threshold) return;
  if (getenv("JOURNAL_STREAM") != NULL) {
    n = (size_t)snprintf(line, sizeof line, "<%d>", syslog_prio[lvl]);
  } else {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof line - n, ".%03ldZ ",
                          ts.tv_nsec / 1000000);
  }
  n += (size_t)snprintf(line + n, sizeof line - n, "%s ", level_names[lvl]);
  va_start(ap, fmt);
  if (n < sizeof line) vsnprintf(line + n, sizeof line - n, fmt, ap);
  va_end(ap);
  n = strlen(line);
  if (n > sizeof line - 2) n = sizeof line - 2;
  for (size_t i = 0; i < n; i++)   /* one event, one line */
    if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
  line[n++] = '\n';
  fwrite(line, 1, n, stderr);
}
