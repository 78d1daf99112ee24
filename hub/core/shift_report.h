/* shift_report.h -- the report of a closed shift for its notifications.
 *
 * Design: built at the close from the line records just computed and the
 * andons still open, as text (a fixed-width table) and as HTML (a table),
 * and stored with the shift.closed outbox records (outbox.h).
 */
#ifndef FH_HUB_SHIFT_REPORT_H
#define FH_HUB_SHIFT_REPORT_H

#include "hub.h"

/* Appends the report of the n line records (one shift) to text and html,
 * each NUL-terminated.  0, -EINVAL (no records) or -ENOMEM. */
int shift_report_build(hub *h, const fh_oee *recs, size_t n, fh_buf *text,
                       fh_buf *html);

#endif
