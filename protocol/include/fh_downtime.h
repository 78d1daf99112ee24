/* fh_downtime.h -- the downtime event entity of the wire protocol.
 *
 * A downtime event is derived by the hub from an equipment's states: it
 * opens when the equipment leaves `running` and closes when it runs again
 * (PROTOCOL.md, "Downtime").  Operators classify it with a reason of the
 * plant's reason tree (dt.classify) or cut it in two (dt.split).  This
 * header has the entity, its encoders and its decoder; the rules that
 * derive, classify and split events live in the hub (hub/rules/downtime.h).
 */
#ifndef FH_DOWNTIME_H
#define FH_DOWNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

#define FH_DT_LIST_MAX 2000   /* events in one dt.list answer */
#define FH_DT_SNAP_MAX 500    /* events in a downtime/<line> snapshot */

typedef struct fh_downtime {
  uint64_t id;                         /* from 1, plant-wide */
  char line[FH_ID_MAX + 1];            /* line id */
  char equipment[FH_ID_MAX + 1];       /* equipment id */
  int64_t start;                       /* ms: the equipment left running */
  int64_t end;                         /* ms: it ran again; 0 (nil) open */
  uint64_t duration_ms;                /* end - start, or now - start */
  uint64_t states[FH_EQ__COUNT];       /* ms per machine state inside */
  char machine_reason[FH_KIND_MAX + 1]; /* the gateway's reason, "" none */
  char reason[FH_KIND_MAX + 1];        /* classified reason code, "" none */
  char category[FH_KIND_MAX + 1];      /* its loss category, "" none */
  char classified_by[FH_ID_MAX + 1];   /* who classified it, "" none */
  int64_t classified_at;               /* ms, 0 none */
  char note[FH_NOTE_MAX + 1];          /* note given with the reason */
  uint8_t short_stop;                  /* "short": below short_stop_s */
  uint8_t needs_reason;                /* long enough and unclassified */
} fh_downtime;

/* Appends one event map to out.  0 or -ENOMEM. */
int fh_enc_downtime(fh_buf *out, const fh_downtime *d);
/* {t:"ok", id?, event: {...}, replay?: true} */
int fh_enc_ok_downtime(fh_buf *out, int has_id, uint64_t id,
                       const fh_downtime *d, int replay);
/* {t:"ok", id?, events: [n events], more?: true, replay?: true} */
int fh_enc_ok_downtimes(fh_buf *out, int has_id, uint64_t id,
                        const fh_downtime *evs, size_t n, int more,
                        int replay);
/* Reads one event map at the cursor (the rules of fh_dec_andon). */
int fh_dec_downtime(fh_mp_cursor *c, fh_downtime *d);

#endif
