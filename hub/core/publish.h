/* publish.h -- what each topic's snap and upd carry (PROTOCOL.md, Topics).
 *
 * The publish_* functions encode one update per topic it concerns, once,
 * and hand it to topic_publish_enc() for fan-out.  They are called only
 * after the change they describe has been committed.
 */
#ifndef FH_HUB_PUBLISH_H
#define FH_HUB_PUBLISH_H

#include "hub.h"
#include "topic.h"

/* Appends a whole snap message of topic t to out. 0 or -ENOMEM. */
int publish_snapshot(hub *h, topic *t, fh_buf *out);

void publish_andon(hub *h, const fh_andon *a);
void publish_equipment(hub *h, const fh_equipment *e);
void publish_line_summary(hub *h, size_t li);
void publish_oee(hub *h, size_t li);
/* The plant's current shift changed (or ended): {shift: {...} | nil}. */
void publish_shift(hub *h);

/* Starts an upd of t in h->enc with a one-key data map {key: <the caller
 * appends the value>}; then topic_publish_enc(h, t).  0 or -ENOMEM. */
int publish_upd_begin(hub *h, topic *t, const char *key);

/* Publishes the summaries of every line marked dirty. */
void publish_dirty_lines(hub *h);

#endif
