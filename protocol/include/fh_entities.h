/* fh_entities.h -- the entities of the floorhub wire protocol v1 (PROTOCOL.md
 * section 6): andon, equipment, line, oee, run, plan, with their states and
 * the loss categories, as C structs.  Included by fh_protocol.h, which declares
 * their encoders and decoders. */
#ifndef FH_ENTITIES_H
#define FH_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "fh_limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fh_andon_state {
  FH_ANDON_RAISED = 0,
  FH_ANDON_ACKNOWLEDGED,
  FH_ANDON_RESOLVED,
  FH_ANDON_CANCELLED
} fh_andon_state;

typedef enum fh_eq_state {
  FH_EQ_RUNNING = 0,
  FH_EQ_IDLE,
  FH_EQ_DOWN,
  FH_EQ_BLOCKED,
  FH_EQ_STARVED,
  FH_EQ_CHANGEOVER,
  FH_EQ_PLANNED_STOP,
  FH_EQ_UNKNOWN,
  FH_EQ__COUNT
} fh_eq_state;

const char *fh_andon_state_name(fh_andon_state s);
int fh_andon_state_from(const char *name, size_t len); /* -1 if unknown */
const char *fh_eq_state_name(fh_eq_state s);
int fh_eq_state_from(const char *name, size_t len); /* -1 if unknown */

/* Times are milliseconds since the Unix epoch; 0 means "not yet" and is
 * encoded as nil.  Empty strings are encoded as nil where the field is
 * optional (equipment, acked_by, resolved_by, reason, note). */
typedef struct fh_andon {
  uint64_t id;                         /* assigned by the hub, from 1 */
  char line[FH_ID_MAX + 1];            /* line id */
  char equipment[FH_ID_MAX + 1];       /* equipment id, "" for the line */
  char kind[FH_KIND_MAX + 1];          /* one of the plant's andon kinds */
  uint8_t severity;                    /* 1 low, 2 medium, 3 line stopped */
  fh_andon_state state;                /* raised|acknowledged|resolved|cancelled */
  uint32_t level;                      /* escalation steps passed while raised */
  int64_t raised_at;                   /* ms */
  char raised_by[FH_ID_MAX + 1];       /* token sub, or the person signed in */
  char raised_via[FH_ID_MAX + 1];      /* kiosk raised at, "" directly */
  int64_t acked_at;                    /* ms, 0 = not acknowledged */
  char acked_by[FH_ID_MAX + 1];        /* token sub, or the person signed in */
  char acked_via[FH_ID_MAX + 1];       /* kiosk acknowledged at, "" directly */
  int64_t resolved_at;                 /* ms of resolve or cancel, 0 = open */
  char resolved_by[FH_ID_MAX + 1];     /* who resolved or cancelled */
  char reason[FH_KIND_MAX + 1];        /* resolve reason code */
  char note[FH_NOTE_MAX + 1];          /* last note given */
} fh_andon;

typedef struct fh_equipment {
  char id[FH_ID_MAX + 1];              /* plant file id */
  char line[FH_ID_MAX + 1];            /* owning line id */
  char name[FH_NAME_MAX + 1];          /* display name */
  fh_eq_state state;                   /* current state */
  int64_t since;                       /* ms, when the current state began */
  char reason[FH_KIND_MAX + 1];        /* reason code of the state, "" if none */
  uint64_t good;                       /* good count, current shift */
  uint64_t reject;                     /* reject count, current shift */
  uint32_t ideal_cycle_ms;             /* ideal cycle time per piece */
  char machine_reason[FH_KIND_MAX + 1]; /* the gateway's own reason or code
                                          ("no_signal" when data stopped),
                                          "" if none */
  int64_t last_data_at;                /* ms of the last eq.* from the
                                          gateway, 0 never */
} fh_equipment;

typedef struct fh_line {
  char id[FH_ID_MAX + 1];              /* plant file id */
  char name[FH_NAME_MAX + 1];          /* display name */
  char area[FH_NAME_MAX + 1];          /* plant area */
  fh_eq_state state;                   /* worst state of its equipment */
  uint32_t open_andons;                /* raised + acknowledged */
  uint32_t max_level;                  /* highest escalation level open */
  int64_t oldest_andon_at;             /* raised_at of the oldest open, 0 none */
  double oee;                          /* line OEE of the current shift, 0..1+ */
} fh_line;

/* A production run (PROTOCOL.md, "Production runs"): one product made on
 * one line from run.start to run.end (or the next run.start). */
typedef struct fh_run {
  uint64_t id;                         /* assigned by the hub, from 1 */
  char line[FH_ID_MAX + 1];            /* line id */
  char product[FH_ID_MAX + 1];         /* product id of the plant file */
  char order[FH_ID_MAX + 1];           /* work order, "" (nil) none */
  uint64_t target_qty;                 /* pieces ordered, 0 (nil) none */
  int64_t started_at;                  /* ms */
  char started_by[FH_ID_MAX + 1];      /* token sub, or the person signed in */
  int64_t ended_at;                    /* ms, 0 (nil) while active */
  char ended_by[FH_ID_MAX + 1];        /* who ended it, "" (nil) active */
  uint64_t good;                       /* the line's good pieces in the run */
  uint64_t reject;                     /* the line's rejects in the run */
  uint64_t changeover_ms;              /* changeover before its first
                                          running period */
  uint32_t changeover_target_s;        /* the product's, 0 (nil) none */
} fh_run;

/* A line's production target for one shift (plan.set). */
typedef struct fh_plan {
  char line[FH_ID_MAX + 1];            /* line id */
  int64_t shift_start;                 /* ms, the shift's start */
  uint64_t target_qty;                 /* pieces for the whole shift */
  char set_by[FH_ID_MAX + 1];          /* who set it */
  int64_t set_at;                      /* ms */
} fh_plan;

/* Loss categories of stop time (PROTOCOL.md, "Downtime"): where a stop's
 * time goes once classified (unclassified until then).  `quality` is for
 * rejects and has no time. */
typedef enum fh_loss {
  FH_LOSS_UNCLASSIFIED = 0, /* a stop without a reason: availability loss */
  FH_LOSS_UNPLANNED,        /* breakdowns: availability loss */
  FH_LOSS_CHANGEOVER,       /* setup and adjustment: availability loss */
  FH_LOSS_PLANNED,          /* excluded from planned time */
  FH_LOSS_SMALL_STOP,       /* short stops: performance loss (in run time) */
  FH_LOSS__TIME,            /* categories above carry time */
  FH_LOSS_QUALITY = FH_LOSS__TIME, /* reject reasons only */
  FH_LOSS__COUNT
} fh_loss;

/* The category's wire name ("small_stop"), NULL when out of range. */
const char *fh_loss_name(fh_loss l);
/* The category named by the n bytes at name, or -1. */
int fh_loss_from(const char *name, size_t n);

typedef struct fh_oee {
  char line[FH_ID_MAX + 1];            /* line id (or equipment id, per-eq) */
  char shift[FH_NAME_MAX + 1];         /* shift name */
  int64_t shift_start;                 /* ms */
  int64_t shift_end;                   /* ms, planned end of the shift */
  uint64_t planned_ms;                 /* elapsed - breaks - planned stops */
  uint64_t run_ms;                     /* time in running */
  uint64_t good;                       /* good count */
  uint64_t reject;                     /* reject count */
  double availability;                 /* run / planned */
  double performance;                  /* raw: ideal * (good+reject) / run */
  double quality;                      /* good / (good + reject) */
  double oee;                          /* A * P(capped at 1) * Q */
  uint64_t state_ms[FH_EQ__COUNT];     /* time per state this shift */
  size_t nreasons;                     /* entries used in reasons[] */
  struct {
    char reason[FH_KIND_MAX + 1];      /* reason code given with a state */
    uint64_t ms;                       /* time spent with that reason */
  } reasons[FH_OEE_REASONS_MAX];       /* losses by reason, largest first */
  uint32_t down_events;                /* number of down periods */
  double mttr_s;                       /* mean down duration, 0 if none */
  double mtbf_s;                       /* run time / down events, 0 if none */
  uint64_t not_monitored_ms;           /* shift time before the hub knew the
                                          state: neither planned nor run */
  uint64_t small_stop_ms;              /* short stops: counted in run time */
  uint64_t losses[FH_LOSS__TIME];      /* stop time by loss category */
  uint32_t revision;                   /* closed shift record: 1 at the
                                          close, +1 per re-accounting; 0 in
                                          the running shift's */
  int64_t changed_at;                  /* ms of the last re-accounting, 0
                                          (nil) when never re-accounted */
  size_t nrejects;                     /* entries used in rejects[] */
  struct {
    char reason[FH_KIND_MAX + 1];      /* an eq.count's reject_reason */
    uint64_t count;                    /* rejects counted with it */
  } rejects[FH_OEE_REASONS_MAX];       /* rejects_by_reason, largest first */
} fh_oee;

#ifdef __cplusplus
}
#endif
#endif /* FH_ENTITIES_H */
