/* sim_send.h -- floorsim's side of the protocol: what waits to be sent,
 * sending it within the rate cap, and the hub's answers (sim_send.c).
 * Internal to floorsim: the state of one run is the `drive` below, owned
 * by sim_drive.c.
 */
#ifndef FH_SIM_SEND_H
#define FH_SIM_SEND_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "fh_client.h"
#include "sim_drive.h"
#include "sim_model.h"

#define DRIVE_ANDON_QUEUE 8     /* andon raises waiting to be sent */
#define DRIVE_INFLIGHT_MAX 256  /* requests in the client's outbox at most */
#define DRIVE_COUNT_EVERY_MS 1000 /* counts go out at most this often */

/* What the simulation produced for one equipment and the hub has not
 * been sent yet. */
typedef struct pending_eq {
  int has_state;          /* a state change waits */
  fh_eq_state state;      /* the latest state */
  const char *reason;     /* its reason code, or NULL */
  int64_t t_ms;           /* simulated time of the change */
  uint64_t good;          /* good pieces not yet sent */
  uint64_t reject;        /* rejects not yet sent */
  const char *reject_reason; /* their quality reason, or NULL */
} pending_eq;

/* The operator's view of one equipment (sim_explain.c). */
typedef struct explain_eq {
  const char *want;       /* the reason to give its last stop, or NULL */
  uint64_t want_at;       /* uv_now() when the simulation asked */
  uint64_t stop_id;       /* its newest stop seen on downtime/<line> */
  uint8_t stop_closed;    /* that stop has ended */
  uint8_t stop_short;     /* ... is short: it needs no reason */
  uint8_t stop_classified; /* ... has a reason */
  uint64_t done_id;       /* the last stop we classified */
} explain_eq;

/* An andon raise waiting to be sent. */
typedef struct pending_andon {
  size_t eq;              /* equipment index */
  const char *kind;       /* plant andon kind */
  uint8_t severity;       /* 1..3 */
  const char *note;       /* static note */
} pending_andon;

typedef struct drive {
  const drive_opts *o;    /* the run's options */
  uv_loop_t loop;         /* floorsim's own loop */
  uv_timer_t tick;        /* TICK_MS timer */
  uv_signal_t sigint;     /* Ctrl-C: stop */
  uv_signal_t sigterm;    /* SIGTERM: stop */
  fh_client *client;      /* the connection to the hub */
  fh_client *op;          /* the operator's connection, NULL without
                             --operator-token-file (sim_explain.h) */
  explain_eq *ex;         /* per equipment, plant order (with op) */
  sim sim;                /* the simulated plant */
  uint64_t wall_start;    /* uv_now() when the run started */
  int64_t sim_start;      /* simulated ms at that moment (wall clock) */
  pending_eq *pend;       /* per equipment, plant order */
  const char **runs;      /* per line: the product of a run.start that
                             waits (sent before the states), or NULL */
  pending_andon andons[DRIVE_ANDON_QUEUE]; /* raises waiting, oldest first */
  size_t nandons;         /* entries used in andons */
  size_t raises_inflight; /* andon.raise sent, not answered */
  uint64_t own_open[DRIVE_OWN_ANDONS_MAX * 4]; /* ids of our open andons */
  size_t nown_open;       /* entries used in own_open */
  int andons_known;       /* own_open is filled from an andon snapshot */
  char user[FH_ID_MAX + 1]; /* our token's sub, from welcome */
  double tokens;          /* rate bucket: requests that may go now */
  uint64_t last_refill;   /* uv_now() of the last refill */
  uint64_t last_counts;   /* uv_now() when counts last went out */
  size_t next_eq;         /* round-robin start of the next flush */
  int stopping;           /* no more simulation, flushing */
  uint64_t stop_deadline; /* uv_now() after which we give up waiting */
  int closed;             /* handles closed */
  uint64_t sent;          /* requests handed to the client */
  uint64_t accepted;      /* ok replies */
  uint64_t replays;       /* ... of which replay:true */
  uint64_t refused;       /* err replies */
  uint64_t explained;     /* dt.classify accepted */
  size_t unanswered;      /* requests still pending at the end */
} drive;

/* sim_sink: merges one simulation event into what is pending. */
void send_on_sim_event(void *arg, const sim_event *ev);
/* Adds rate * elapsed to the bucket (capped at one second's worth). */
void send_refill(drive *d, uint64_t now);
/* Sends what is pending, as far as the bucket and the outbox cap allow. */
void send_flush(drive *d, uint64_t now);
/* 1 when nothing waits to be sent. */
int send_idle(const drive *d);
/* Positions c at the value of key in the map at c; -1 when absent. */
int send_map_find(fh_mp_cursor *c, const char *key);
/* fh_client callbacks. */
void send_on_reply(fh_client *c, const fh_client_req *req, const fh_event *ev,
                   void *arg);
void send_on_event(fh_client *c, const fh_event *ev, void *arg);

#endif
