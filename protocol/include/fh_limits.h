/* fh_limits.h -- the limits of the floorhub wire protocol v1 (PROTOCOL.md
 * 1.2): lengths of ids, names and notes, counts of topics and lines.
 * Included by fh_protocol.h; every entity array is sized by them. */
#ifndef FH_LIMITS_H
#define FH_LIMITS_H

#define FH_PROTO_SUBPROTOCOL "floorhub.v1"
#define FH_PROTO_PATH "/ws"

/* Limits of the wire protocol.  The _MAX sizes are in bytes, without NUL. */
#define FH_FRAME_MAX_DEFAULT (64 * 1024) /* default cap of one WS message */
#define FH_DEPTH_MAX 8          /* nesting depth of containers in a map */
#define FH_ID_MAX 64            /* line / equipment ids, user names */
#define FH_KEY_MAX 64           /* idempotency key */
#define FH_KIND_MAX 32          /* andon kind, reason code, role, state */
#define FH_NAME_MAX 128         /* display names, areas, client names */
#define FH_NOTE_MAX 512         /* free text notes */
#define FH_TOPIC_MAX 80         /* "line/<id>", "oee/<id>" */
#define FH_TOPICS_MAX 64        /* topics in one sub/unsub */
#define FH_TOKEN_MAX 8192       /* JWT */
#define FH_LINES_MAX 64         /* line ids in a token's lines claim */
#define FH_OEE_REASONS_MAX 8    /* loss reasons kept per OEE record */
#define FH_PIN_MAX 64           /* login pin */
#define FH_BADGE_MAX 128        /* login badge (what the reader types) */
#define FH_HANDOVER_TEXT_MAX 500 /* one handover note */

#endif /* FH_LIMITS_H */
