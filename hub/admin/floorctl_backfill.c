/* floorctl_backfill.c -- `floorctl backfill`: a realistic history written
 * into a stopped hub's store, for tests, demos and benchmarks of history.
 *
 * Design: floorsim's model of the plant (sim_model.h) runs over the last N
 * days in simulated time, seeded, and its events go through the hub's own
 * accounting rules: an oee_acc per equipment and shift (oee.h), a stop per
 * equipment opened and closed by dt_transition() and classified the way an
 * operator would (a stop that is not short and has a reason of the plant's
 * tree gets that reason: dt_classify), and at every shift end the line
 * record measured at the constraint (oee_line_constraint) and each
 * equipment's, stored under the keys the hub uses (history.h).  The result is
 * what the hub would have stored had it watched those shifts; records of
 * the same shifts are replaced.  The closed stops are stored too (keyed by
 * id as the hub keys them, numbered after the largest id in the store, so
 * the hub, which continues after the largest, never reuses one); a stop
 * still open at the end is not.  Each stop gets its stop index entry
 * (stop_index.h) in the same batch, and the longest stop is kept when the
 * store's index was complete (else the hub builds it at its next start).
 * Andons are not written.  The history
 * ends at the start of the shift that is running now (or now, between
 * shifts), so the hub's open shift is untouched.  Records and stops are
 * committed a batch per shift.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "downtime.h"
#include "fh_storage.h"
#include "floorctl.h"
#include "history.h"
#include "oee.h"
#include "plant.h"
#include "sim_model.h"
#include "stop_index.h"

#define CMD "backfill"
#define DAY_MS (86400LL * 1000)

typedef struct bf_eq {
  oee_acc acc;          /* its accounting of the current shift */
  dt_event stop;        /* its open stop (when stop_open) */
  int stop_open;        /* a stop is open */
  fh_eq_state state;    /* its last state */
} bf_eq;

typedef struct backfill {
  const plant *p;       /* the layout */
  fh_store *store;      /* the hub's store */
  fh_batch *batch;      /* the records of the shift being closed */
  fh_buf enc;           /* encoding scratch */
  bf_eq *eqs;           /* parallel to p->equipment */
  shift_window win;     /* the shift being accounted (if in_shift) */
  int in_shift;         /* win is valid */
  int64_t next_check;   /* the next shift boundary to look at, ms */
  uint64_t next_stop;   /* ids of the simulated stops */
  uint64_t shifts;      /* shifts written */
  uint64_t stops;       /* stops written */
  uint64_t maxlen;      /* the longest stop in the store, ms (stop_index.h) */
  int indexed;          /* the store's stop index is complete: keep
                           DT_META_MAXLEN (else the hub builds it) */
  int rc;               /* first failure */
} backfill;

static dt_limits limits(const backfill *b, size_t li) {
  return plant_stop_limits(&b->p->lines[li]);
}

/* Puts the closed stop into the batch, under its id as the hub keys it,
 * with its stop index entry. */
static void put_stop(backfill *b, const dt_event *ev) {
  uint8_t key[8], ix[DT_INDEX_KEY_MAX], ixval[DT_INDEX_VAL_MAX];
  size_t ixlen = dt_index_key(ev->d.line, ev->d.start, ev->d.id, ix);
  size_t ixvlen = dt_index_value(&ev->d, ixval);
  dt_put_be64(ev->d.id, key);
  fh_buf_reset(&b->enc);
  if (b->rc == 0 && (dt_encode(ev, &b->enc) != 0 ||
                     fh_batch_put(b->batch, FH_T_DOWNTIME, key, sizeof key,
                                  fh_buf_payload(&b->enc), fh_buf_payload_len(&b->enc)) != 0 ||
                     fh_batch_put(b->batch, FH_T_STOP_INDEX, ix, ixlen, ixval, ixvlen) != 0))
    b->rc = -ENOMEM;
  if ((uint64_t)(ev->d.end - ev->d.start) > b->maxlen)
    b->maxlen = (uint64_t)(ev->d.end - ev->d.start);
  b->stops++;
}

/* The longest stop into the batch, while the store's index is complete. */
static void put_maxlen(backfill *b) {
  uint8_t v[8];
  dt_put_be64(b->maxlen, v);
  if (b->rc == 0 && b->indexed &&
      fh_batch_put(b->batch, FH_T_META, DT_META_MAXLEN, strlen(DT_META_MAXLEN), v, 8) != 0)
    b->rc = -ENOMEM;
}

/* Puts the record of owner id into the batch. */
static void put_record(backfill *b, hist_owner owner, const char *id, const fh_oee *rec) {
  uint8_t key[HIST_KEY_MAX];
  size_t klen = hist_record_key(owner, id, b->win.start_ms, key);
  fh_buf_reset(&b->enc);
  if (b->rc == 0 && (klen == 0 || fh_enc_oee(&b->enc, rec) != 0 ||
                     fh_batch_put(b->batch, FH_T_SHIFTS, key, klen, fh_buf_payload(&b->enc),
                                  fh_buf_payload_len(&b->enc)) != 0))
    b->rc = -ENOMEM;
}

/* Commits what the batch holds (with the longest stop so far). */
static void commit_batch(backfill *b) {
  put_maxlen(b);
  if (b->rc == 0) b->rc = fh_store_commit(b->store, b->batch, NULL);
  fh_batch_clear(b->batch);
}

/* Writes every line's and equipment's record of the shift in win and
 * commits them with the stops closed since the last commit. */
static void close_shift(backfill *b) {
  fh_oee rec;
  for (size_t li = 0; b->rc == 0 && li < b->p->nlines; li++) {
    const plant_line *pl = &b->p->lines[li];
    const oee_acc *accs[PLANT_EQUIPMENT_PER_LINE_MAX];
    for (size_t e = 0; e < pl->nequipment; e++) {
      accs[e] = &b->eqs[pl->first_equipment + e].acc;
      oee_acc_compute(accs[e], b->win.end_ms, b->p->equipment[pl->first_equipment + e].id,
                      &rec);
      put_record(b, HIST_EQUIPMENT, b->p->equipment[pl->first_equipment + e].id, &rec);
    }
    oee_line_constraint(accs, pl->nequipment, pl->constraint - pl->first_equipment,
                        pl->output - pl->first_equipment, b->win.end_ms, pl->id, &rec);
    put_record(b, HIST_LINE, pl->id, &rec);
  }
  commit_batch(b);
  b->shifts++;
}

/* Begins the shift in win on every equipment, in the state it is in. */
static void begin_shift(backfill *b) {
  for (size_t ei = 0; ei < b->p->nequipment; ei++) {
    bf_eq *q = &b->eqs[ei];
    dt_limits lim = limits(b, b->p->equipment[ei].line);
    oee_acc_begin(&q->acc, &b->win, b->p->equipment[ei].ideal_cycle_ms, q->state,
                  q->stop_open ? q->stop.d.machine_reason : NULL, b->win.start_ms);
    if (q->stop_open) oee_acc_stop_open(&q->acc, q->stop.d.start, dt_loss(&q->stop, &lim));
  }
}

/* Closes the shift that ended by t and begins the one holding t. */
static void roll(backfill *b, int64_t t) {
  while (b->rc == 0 && t >= b->next_check) {
    int64_t at = b->next_check;
    if (b->in_shift) close_shift(b);
    b->in_shift = shift_window_at(b->p->shifts, b->p->nshifts, at, &b->win) == 0;
    if (b->in_shift) {
      begin_shift(b);
      b->next_check = b->win.end_ms;
    } else if (shift_next(b->p->shifts, b->p->nshifts, at, &b->win) == 0) {
      b->next_check = b->win.start_ms;
    } else {
      b->next_check = INT64_MAX;
    }
  }
}

/* A state change of equipment ei: the stop opens, moves or closes. */
static void on_state(backfill *b, size_t ei, fh_eq_state to, const char *reason,
                     int64_t t) {
  bf_eq *q = &b->eqs[ei];
  const plant_equipment *pe = &b->p->equipment[ei];
  dt_limits lim = limits(b, pe->line);
  /* unknown before: no stop for the time not known (as the hub does) */
  int tr = dt_transition(q->stop_open || q->state != FH_EQ_UNKNOWN ? q->state
                         : FH_EQ_RUNNING, to);
  if (!q->stop_open && tr > 0) {
    dt_open(&q->stop, ++b->next_stop, b->p->lines[pe->line].id, pe->id, to, t, reason);
    q->stop_open = 1;
    if (b->in_shift) oee_acc_stop_open(&q->acc, t, FH_LOSS_UNCLASSIFIED);
  } else if (q->stop_open && tr < 0) {
    const plant_reason *leaf;
    dt_close(&q->stop, t);
    dt_refresh(&q->stop, t, &lim);
    leaf = plant_reason_leaf(b->p, q->stop.d.machine_reason,
                             strlen(q->stop.d.machine_reason));
    if (!q->stop.d.short_stop && leaf != NULL && leaf->category != FH_LOSS_QUALITY)
      dt_classify(&q->stop, leaf->code, leaf->category, NULL, "backfill", t);
    if (b->in_shift)
      oee_acc_stop_close(&q->acc, q->stop.d.start, t, dt_loss(&q->stop, &lim));
    put_stop(b, &q->stop);
    q->stop_open = 0;
  } else if (q->stop_open) {
    dt_state(&q->stop, to, t, reason);
  }
  q->state = to;
  if (b->in_shift) oee_acc_state(&q->acc, to, reason, t);
}

static void sink(void *arg, const sim_event *ev) {
  backfill *b = arg;
  roll(b, ev->t_ms);
  if (ev->type == SIM_EV_STATE)
    on_state(b, ev->eq, ev->state, ev->reason, ev->t_ms);
  else if (ev->type == SIM_EV_COUNT && b->in_shift) {
    oee_acc_count(&b->eqs[ev->eq].acc, ev->good, ev->reject);
    oee_acc_reject_reason(&b->eqs[ev->eq].acc, ev->reject_reason, ev->reject);
  }
}

typedef struct bf_args {
  const char *data;     /* --data DIR */
  const char *plant;    /* --plant FILE */
  long days;            /* --days N */
  unsigned long long seed; /* --seed S */
} bf_args;

static int parse_args(int argc, char **argv, bf_args *a) {
  static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                       {"plant", required_argument, NULL, 'p'},
                                       {"days", required_argument, NULL, 'n'},
                                       {"seed", required_argument, NULL, 's'},
                                       {NULL, 0, NULL, 0}};
  char *end;
  int c;
  memset(a, 0, sizeof *a);
  a->seed = 1;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'd': a->data = optarg; break;
      case 'p': a->plant = optarg; break;
      case 'n':
        a->days = strtol(optarg, &end, 10);
        if (*end != '\0' || a->days < 1 || a->days > 3660)
          return floorctl_usage(CMD, "--days must be 1..3660, not '%s'", optarg);
        break;
      case 's':
        a->seed = strtoull(optarg, &end, 10);
        if (*end != '\0' || optarg[0] == '\0' || optarg[0] == '-')
          return floorctl_usage(CMD, "--seed must be an unsigned integer");
        break;
      default: return floorctl_bad_option(CMD, argv);
    }
  }
  if (a->data == NULL || a->plant == NULL || a->days == 0)
    return floorctl_usage(CMD, "--data DIR, --plant FILE and --days N are required");
  if (optind != argc) return floorctl_usage(CMD, "unexpected argument '%s'", argv[optind]);
  return 0;
}

static int max_id_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  uint64_t *max = arg, id = 0;
  (void)val;
  (void)vlen;
  for (size_t i = 0; klen == 8 && i < 8; i++) id = id << 8 | ((const uint8_t *)key)[i];
  if (id > *max) *max = id;
  return 0;
}

static int maxlen_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  backfill *b = arg;
  (void)key;
  (void)klen;
  if (vlen == 8) b->maxlen = dt_get_be64(val);
  b->indexed = vlen == 8;
  return 0;
}

/* Where the history ends: the start of the running shift, or now. */
static int64_t history_end(const plant *p, int64_t now) {
  shift_window w;
  return shift_window_at(p->shifts, p->nshifts, now, &w) == 0 ? w.start_ms : now;
}

static int run(backfill *b, const bf_args *a) {
  struct timeval tv;
  sim s;
  int64_t now, from, end;
  int rc;
  gettimeofday(&tv, NULL);
  now = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
  end = history_end(b->p, now);
  from = end - a->days * DAY_MS;
  b->next_check = from;
  if ((rc = fh_store_scan(b->store, FH_T_DOWNTIME, NULL, 0, max_id_cb, &b->next_stop)) < 0)
    return rc;
  rc = fh_store_get(b->store, FH_T_META, DT_META_MAXLEN, strlen(DT_META_MAXLEN),
                    maxlen_cb, b);
  if (rc == -ENOENT) b->indexed = b->next_stop == 0; /* no stops: complete */
  else if (rc < 0) return rc;
  if (sim_init(&s, b->p, a->seed, from, sink, b) != 0) return -ENOMEM;
  sim_advance(&s, end);
  roll(b, end);
  if (fh_batch_count(b->batch) > 0) commit_batch(b); /* stops after the last shift */
  sim_free(&s);
  return b->rc;
}

int floorctl_backfill(int argc, char **argv) {
  char why[256] = "";
  plant *p = NULL;
  fh_store_opts o;
  backfill b;
  bf_args a;
  int rc = parse_args(argc, argv, &a);

  if (rc != 0) return rc;
  memset(&b, 0, sizeof b);
  fh_buf_init(&b.enc, 0);
  if ((rc = floorctl_plant_load(CMD, a.plant, &p)) != 0) return rc;
  fh_store_opts_init(&o);
  o.dir = a.data;
  b.p = p;
  if ((rc = fh_store_open(&b.store, &o, why, sizeof why)) != 0) {
    rc = floorctl_fail(CMD, "--data: %s", why[0] ? why : fh_store_strerror(rc));
    goto fail;
  }
  b.eqs = calloc(p->nequipment, sizeof *b.eqs);
  b.batch = fh_batch_new();
  for (size_t ei = 0; b.eqs != NULL && ei < p->nequipment; ei++)
    b.eqs[ei].state = FH_EQ_UNKNOWN;
  rc = b.eqs == NULL || b.batch == NULL ? -ENOMEM : run(&b, &a);
  if (rc != 0) rc = floorctl_fail(CMD, "%s", fh_store_strerror(rc));
  else
    printf("%llu shifts of %zu lines and %llu stops written\n",
           (unsigned long long)b.shifts, p->nlines, (unsigned long long)b.stops);
fail:
  fh_batch_free(b.batch);
  free(b.eqs);
  fh_buf_free(&b.enc);
  fh_store_close(b.store);
  plant_free(p);
  return rc;
}
