/* dispatch.h -- one request map from a session: decode, check, answer.
 *
 * The session layer hands every decoded map of a message here through the
 * hub's on_map hook (hub_state_open sets it to dispatch_map).  Reads are
 * answered at once; writes go to writes_handle (writes.h) and are answered
 * after the group commit.  A new message type is decoded in protocol/ and
 * routed in dispatch.c.
 */
#ifndef FH_HUB_DISPATCH_H
#define FH_HUB_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"
#include "session.h"

/* One decoded map from session s; every outcome is answered to s. */
void dispatch_map(hub *h, session *s, const uint8_t *map, size_t len);

#endif
