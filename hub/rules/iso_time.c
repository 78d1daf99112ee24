/* iso_time.c -- dates and times of the exports (see iso_time.h). */
#include "iso_time.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v) {
  *v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (**p < '0' || **p > '9') return -1;
    *v = *v * 10 + (**p - '0');
  }
  return 0;
}

static int expect(const char **p, char c) { return *(*p)++ == c ? 0 : -1; }

/* "Z", "+HH:MM", "+HHMM", "-..." at p into seconds east of UTC. */
static int offset(const char *p, long *east) {
  int sign, hh, mm;
  if (p[0] == 'Z' && p[1] == '\0') return *east = 0, 0;
  if (*p != '+' && *p != '-') return -1;
  sign = *p++ == '-' ? -1 : 1;
  if (digits(&p, 2, &hh) != 0) return -1;
  if (*p == ':') p++;
  if (digits(&p, 2, &mm) != 0 || *p != '\0' || hh > 23 || mm > 59) return -1;
  *east = sign * (hh * 3600L + mm * 60L);
  return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d) {
  int64_t era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m) {
  static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : n[m - 1];
}

int iso_time_parse(const char *s, int64_t *ms) {
  struct tm tm;
  const char *p = s;
  int y, mo, d, hh = 0, mi = 0, ss = 0;
  long east;
  if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
      expect(&p, '-') || digits(&p, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
      d > days_in_month(y, mo))
    return -EINVAL;
  if (*p == 'T') {
    p++;
    if (digits(&p, 2, &hh) || expect(&p, ':') || digits(&p, 2, &mi) || hh > 23 || mi > 59)
      return -EINVAL;
    if (*p == ':' && (p++, digits(&p, 2, &ss) || ss > 59)) return -EINVAL;
  }
  if (*p != '\0') { /* an instant: UTC plus the offset */
    if (s[10] != 'T' || offset(p, &east) != 0) return -EINVAL;
    *ms = ((days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss) - east) * 1000;
    return 0;
  }
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = hh;
  tm.tm_min = mi;
  tm.tm_sec = ss;
  tm.tm_isdst = -1; /* the zone's rules decide */
  *ms = (int64_t)mktime(&tm) * 1000;
  return 0;
}

void iso_time_format(int64_t ms, char buf[ISO_TIME_LEN]) {
  time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int frac = (int)(ms - (int64_t)t * 1000);
  struct tm tm;
  long east;
  int n;
  localtime_r(&t, &tm);
  east = tm.tm_gmtoff;
  n = (int)strftime(buf, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
  if (frac != 0) n += snprintf(buf + n, (size_t)(ISO_TIME_LEN - n), ".%03d", frac);
  snprintf(buf + n, (size_t)(ISO_TIME_LEN - n), "%c%02ld:%02ld", east < 0 ? '-' : '+',
           (east < 0 ? -east : east) / 3600, (east < 0 ? -east : east) % 3600 / 60);
}
