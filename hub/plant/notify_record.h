/* notify_record.h -- the stored form of an outbox record (notify_entry).
 *
 * Design: one compact JSON object per record (jansson), so a record is
 * readable with mdb_dump and tolerant of fields added later: unknown keys
 * are ignored on decode, missing optional ones get their zero value.  The
 * id is the table key and is stored in the value too.
 */
#ifndef FH_HUB_NOTIFY_RECORD_H
#define FH_HUB_NOTIFY_RECORD_H

#include <stddef.h>

#include "notify_rules.h"

/* Encodes e into *out (malloc'ed, NUL-terminated JSON, *len bytes without
 * the NUL).  0 or -ENOMEM. */
int notify_record_encode(const notify_entry *e, char **out, size_t *len);
/* Decodes len bytes into *e (the caller notify_entry_clear()s it).  0, or
 * -EBADMSG for a value that is not a record (then *e holds nothing to
 * free). */
int notify_record_decode(const void *data, size_t len, notify_entry *e);

#endif
