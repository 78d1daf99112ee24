/* handover.h -- the shift handover of each line (PROTOCOL.md, "Shift
 * handover").
 *
 * Design: during a shift, notes for the next shift of a line collect in
 * memory and in one record "hon/<line>" (FH_T_SHIFTS), rewritten whole by
 * every handover.note in the write's transaction.  At the shift close
 * (shiftclock.c, the same transaction as the shift records) the hub builds
 * the handover of each line -- the notes, the andons still open, the
 * unclassified stops of the shift, the active production run, the shift's
 * OEE --
 * stores it under "hov/<line>/" + the shift start (history.h) and clears the
 * notes.  The line's last handover stays `pending` (carried by the
 * `line/<id>` topic) until handover.ack records who took the shift over.
 *
 * A handover is one msgpack map whose keys come in a fixed order, the two
 * acknowledgement keys last; the hub keeps the first nine pairs encoded
 * (`body`) and the acknowledgement apart, so acknowledging re-encodes two
 * keys and never decodes andons or stops.
 */
#ifndef FH_HUB_HANDOVER_H
#define FH_HUB_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

#include "fh_protocol.h"

struct hub;
struct session;

#define HANDOVER_NOTES_MAX 50  /* notes collected for one handover */
#define HANDOVER_LIST_MAX 100  /* open andons, unclassified stops kept */

typedef struct handover_note {
  char text[FH_HANDOVER_TEXT_MAX + 1]; /* the note */
  char by[FH_ID_MAX + 1];              /* who wrote it */
  char via[FH_ID_MAX + 1];             /* the kiosk it came through, "" */
  int64_t at;                          /* ms */
} handover_note;

/* One closed shift's handover. */
typedef struct handover_rec {
  int64_t shift_start;        /* ms; 0: none */
  fh_buf body;                /* the map's pairs before acked_by, encoded */
  char acked_by[FH_ID_MAX + 1]; /* who took it over, "" not yet */
  int64_t acked_at;           /* ms, 0 not yet */
} handover_rec;

/* The handover state of one line (in model_line). */
typedef struct handover_line {
  handover_note *notes;       /* for the next handover, oldest first;
                                 HANDOVER_NOTES_MAX slots once used */
  size_t nnotes;              /* entries used */
  handover_rec pending;       /* the last closed shift's while it is not
                                 acknowledged (shift_start 0: none) */
} handover_line;

/* Loads every line's notes and unacknowledged handover (shiftclock_init,
 * before a close of the shift the hub was down for). */
void handover_load(struct hub *h);
void handover_free(struct hub *h);

/* The close of line li's shift whose line record is rec: the handover is
 * queued into h->batch, becomes the line's pending one and is published
 * on line/<id>.  0 or -ENOMEM. */
int handover_close_line(struct hub *h, size_t li, const fh_oee *rec);

/* Appends line li's pending handover (a map) or nil: the `handover` of the
 * line/<id> snapshot.  0 or -ENOMEM. */
int handover_enc_pending(struct hub *h, size_t li, fh_buf *b);

/* Appends the stored handover of line's shift starting at start (a map)
 * or nil when there is none: the `handover` of shift.report.  0 or
 * -ENOMEM. */
int handover_enc_stored(struct hub *h, const char *line, int64_t start,
                        fh_buf *b);

/* What handover_writes.c shares with handover.c.  The encoders append one
 * handover map and return 0 or -ENOMEM: r as stored, or line li's as it
 * would be handed over now (the notes so far, the andons open now, the
 * shift's unclassified stops and running OEE). */
int handover_enc_rec(const handover_rec *r, fh_buf *b);
int handover_enc_draft(struct hub *h, size_t li, fh_buf *b);
/* Queue "hon/<line>" (deleted when there are no notes) or the record of r
 * into h->batch (h->enc is used).  0 or -ENOMEM. */
int handover_put_notes(struct hub *h, size_t li);
int handover_put_rec(struct hub *h, const char *line, const handover_rec *r);
/* The stored handover of line's shift starting at start into r (whose body
 * was fh_buf_init'ed).  0 or -ENOENT. */
int handover_get_rec(struct hub *h, const char *line, int64_t start,
                     handover_rec *r);
/* Makes room for one more note: 0, -ENOSPC (HANDOVER_NOTES_MAX) or
 * -ENOMEM. */
int handover_note_slot(handover_line *hl);
/* Publishes line li's pending handover: line/<id> upd {handover}. */
void handover_publish(struct hub *h, size_t li);

/* handover.note and handover.ack of session s (the key already checked:
 * writes.c). */
void handover_write(struct hub *h, struct session *s, const fh_request *req,
                    const char *key);

#endif
