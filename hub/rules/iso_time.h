/* iso_time.h -- dates and times of the exports in the plant's time zone.
 *
 * The hub runs with TZ set to the plant's zone (plant file `timezone`), so
 * local time here is the plant's.  A date "2026-11-01" means that day's
 * local midnight; a time "2026-11-01T06:00" or "...T06:00:00" is local
 * too, and with "Z" or an offset ("+01:00", "-0500") it is that instant.
 * Formatted times carry the local offset ("2026-11-01T06:00:00+01:00"),
 * with ".mmm" when the milliseconds are not zero: what ISO 8601 and every
 * spreadsheet read back as the same instant.
 */
#ifndef FH_HUB_ISO_TIME_H
#define FH_HUB_ISO_TIME_H

#include <stddef.h>
#include <stdint.h>

#define ISO_TIME_LEN 30 /* "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM" and the NUL */

/* Parses s (a date or a time, see above) into ms since the epoch.  0, or
 * -EINVAL when s is neither (also a month 13, a 31 April, trailing text). */
int iso_time_parse(const char *s, int64_t *ms);

/* Writes ms as a local time with its offset into buf (ISO_TIME_LEN bytes). */
void iso_time_format(int64_t ms, char buf[ISO_TIME_LEN]);

#endif
