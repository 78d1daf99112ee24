/* oee_samples.h -- one OEE sample per line and minute of the running shift,
 * and the oee.samples request (oee_samples.c). */
#ifndef FH_HUB_OEE_SAMPLES_H
#define FH_HUB_OEE_SAMPLES_H

#include "hub.h"
#include "session.h"

#define SAMPLE_EVERY_MS 60000 /* one sample a minute */

/* 1 when now is in another minute than the last sample: the caller then
 * recomputes every line's OEE before samples_take (so a sample is what
 * oee/<line> published at that moment). */
int samples_due(const hub *h, int64_t now);
/* Puts the sample of every line at now's minute into the batch (the next
 * group commit stores it). */
void samples_take(hub *h, int64_t now);
/* Answers oee.samples: ok {samples, cursor?} or an err naming the key. */
void oee_samples_handle(hub *h, session *s, const fh_request *req);

#endif
