/* sim_spb.c -- floorsim's Sparkplug B edge node (sim_spb.h).
 *
 * Design: the simulation's events land in one slot per equipment (state
 * code and totals, each with a changed flag).  The loop alternates
 * mosquitto_loop() (at most TICK_MS) and a tick: advance the simulation to
 * the wall clock times --speed, then, while connected, publish the births
 * when they are due (after a CONNACK or a rebirth command) or a DDATA for
 * each slot that changed.  A lost connection is retried every RETRY_MS
 * with the next bdSeq in the Will.  Metric aliases are 3 * equipment index
 * + 1..3, unique in the node as the spec wants.
 */
#include "sim_spb.h"

#include <errno.h>
#include <jansson.h>
#include <mosquitto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim_model.h"
#include "spb_decode.h"
#include "spb_encode.h"

#define TICK_MS 50             /* simulation and publishing step */
#define RETRY_MS 1000          /* reconnect delay */
#define PAYLOAD_MAX 512        /* one encoded payload */
#define REBIRTH "Node Control/Rebirth"

typedef struct slot {
  uint32_t code;          /* the State metric */
  uint64_t good, scrap;   /* the Good and Scrap totals */
  int code_changed;       /* code not yet published */
  int totals_changed;     /* totals not yet published */
} slot;

typedef struct edge {
  const spb_drive_opts *o; /* the options */
  struct mosquitto *mosq; /* the broker connection */
  sim sim;                /* the simulated plant */
  slot *slots;            /* one per plant->equipment */
  int connected;          /* CONNACK seen, no disconnect since */
  int birth_due;          /* publish the births at the next tick */
  uint64_t bdseq;         /* bdSeq of this session's NBIRTH and Will */
  unsigned seq;           /* seq of the last message, 0..255 */
  uint64_t published;     /* messages published */
  char topic_ncmd[300];   /* spBv1.0/G/NCMD/N */
} edge;

static volatile sig_atomic_t stop_signal; /* the signal that asks us to stop */

static void on_stop_signal(int sig) { stop_signal = sig; }

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The State code of a state and an optional reason. */
static uint32_t state_code(const plant *p, fh_eq_state st, const char *reason) {
  uint32_t code = ((uint32_t)st + 1) * 100;
  for (size_t i = 0; reason && i < p->nreasons; i++)
    if (strcmp(p->reasons[i], reason) == 0) return code + (uint32_t)i + 1;
  return code;
}

/* sim_sink: the event into its slot. */
static void on_sim_event(void *arg, const sim_event *ev) {
  edge *e = arg;
  slot *s = &e->slots[ev->eq];
  if (ev->type == SIM_EV_STATE) {
    s->code = state_code(e->o->p, ev->state, ev->reason);
    s->code_changed = 1;
    if (e->o->verbose)
      fprintf(stderr, "floorsim: %s -> %s%s%s (State %u)\n", e->o->p->equipment[ev->eq].id,
              fh_eq_state_name(ev->state), ev->reason ? " " : "",
              ev->reason ? ev->reason : "", s->code);
  } else if (ev->type == SIM_EV_COUNT) {
    s->good += ev->good;
    s->scrap += ev->reject;
    s->totals_changed |= ev->good > 0 || ev->reject > 0;
  }
}

static spb_metric metric(const char *name, uint64_t alias, uint32_t type, uint64_t v) {
  spb_metric m = {.name = name, .name_n = name ? strlen(name) : 0, .has_alias = alias != 0,
                  .alias = alias, .datatype = type, .v.u = v};
  m.kind = type == SPB_BOOLEAN ? SPB_V_BOOL : type == SPB_INT32 ? SPB_V_INT : SPB_V_LONG;
  return m;
}

/* Publishes metrics on spBv1.0/G/TYPE/N[/device]; seq: -1 none (NDEATH),
 * 0 restart at 0 (NBIRTH), 1 the next. */
static int publish(edge *e, const char *type, const char *device, spb_metric *m, size_t n,
                   int seq) {
  uint8_t buf[PAYLOAD_MAX];
  char topic[300];
  spb_payload p = {.has_timestamp = 1, .timestamp = (uint64_t)wall_ms(), .metrics = m,
                   .nmetrics = n, .has_seq = seq >= 0};
  size_t len;
  if (seq >= 0) p.seq = e->seq = seq == 0 ? 0 : (e->seq + 1) & 255;
  if ((len = spb_encode(&p, buf, sizeof buf)) == 0) return -ENOSPC;
  snprintf(topic, sizeof topic, "spBv1.0/%s/%s/%s%s%s", e->o->group, type, e->o->node,
           device ? "/" : "", device ? device : "");
  if (mosquitto_publish(e->mosq, NULL, topic, (int)len, buf, 0, false) != MOSQ_ERR_SUCCESS)
    return -EIO;
  e->published++;
  return 0;
}

/* NDEATH {bdSeq} into buf, for the Will and a clean stop; its length. */
static size_t death_payload(const edge *e, uint8_t *buf, size_t cap) {
  spb_metric m = metric("bdSeq", 0, SPB_INT64, e->bdseq);
  spb_payload p = {.has_timestamp = 1, .timestamp = (uint64_t)wall_ms(), .metrics = &m,
                   .nmetrics = 1};
  return spb_encode(&p, buf, cap);
}

static int births(edge *e) {
  spb_metric nb[2] = {metric("bdSeq", 0, SPB_INT64, e->bdseq),
                      metric(REBIRTH, 0, SPB_BOOLEAN, 0)};
  int rc = publish(e, "NBIRTH", NULL, nb, 2, 0);
  for (size_t i = 0; rc == 0 && i < e->o->p->nequipment; i++) {
    slot *s = &e->slots[i];
    spb_metric m[3] = {metric("State", 3 * i + 1, SPB_INT32, s->code),
                       metric("Good", 3 * i + 2, SPB_UINT64, s->good),
                       metric("Scrap", 3 * i + 3, SPB_UINT64, s->scrap)};
    rc = publish(e, "DBIRTH", e->o->p->equipment[i].id, m, 3, 1);
    s->code_changed = s->totals_changed = 0;
  }
  e->birth_due = rc != 0;
  if (rc == 0)
    fprintf(stderr, "floorsim: births published: NBIRTH and %zu DBIRTHs, bdSeq %llu\n",
            e->o->p->nequipment, (unsigned long long)e->bdseq);
  return rc;
}

/* A DDATA, by alias, for every equipment whose metrics changed. */
static int data(edge *e) {
  for (size_t i = 0; i < e->o->p->nequipment; i++) {
    slot *s = &e->slots[i];
    spb_metric m[3];
    size_t n = 0;
    int rc;
    if (s->code_changed) m[n++] = metric(NULL, 3 * i + 1, SPB_INT32, s->code);
    if (s->totals_changed) {
      m[n++] = metric(NULL, 3 * i + 2, SPB_UINT64, s->good);
      m[n++] = metric(NULL, 3 * i + 3, SPB_UINT64, s->scrap);
    }
    if (n == 0) continue;
    if ((rc = publish(e, "DDATA", e->o->p->equipment[i].id, m, n, 1)) != 0) return rc;
    s->code_changed = s->totals_changed = 0;
  }
  return 0;
}

static void on_connect(struct mosquitto *m, void *arg, int rc) {
  edge *e = arg;
  if (rc != 0) {
    fprintf(stderr, "floorsim: the broker refused us: %s\n", mosquitto_connack_string(rc));
    return;
  }
  e->connected = 1;
  e->birth_due = 1;
  mosquitto_subscribe(m, NULL, e->topic_ncmd, 0);
  fprintf(stderr, "floorsim: connected to %s:%d, edge node %s/%s, bdSeq %llu\n", e->o->host,
          e->o->port, e->o->group, e->o->node, (unsigned long long)e->bdseq);
}

/* NCMD: a rebirth request (Node Control/Rebirth = true) gives the births. */
static void on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg) {
  edge *e = arg;
  spb_metric ms[8];
  spb_payload p = {.metrics = ms, .cap = 8};
  (void)m;
  if (spb_decode(msg->payload, (size_t)msg->payloadlen, &p) != 0) return;
  for (size_t i = 0; i < p.nmetrics; i++)
    if (ms[i].name && ms[i].name_n == strlen(REBIRTH) &&
        memcmp(ms[i].name, REBIRTH, ms[i].name_n) == 0 && ms[i].kind == SPB_V_BOOL &&
        ms[i].v.u) {
      fprintf(stderr, "floorsim: rebirth requested\n");
      e->birth_due = 1;
    }
}

/* The Will for the next connect: an NDEATH with the next bdSeq. */
static int set_will(edge *e) {
  uint8_t buf[64];
  char topic[300];
  size_t n = death_payload(e, buf, sizeof buf);
  snprintf(topic, sizeof topic, "spBv1.0/%s/NDEATH/%s", e->o->group, e->o->node);
  return mosquitto_will_set(e->mosq, topic, (int)n, buf, 0, false) == MOSQ_ERR_SUCCESS ? 0
                                                                                     : -EIO;
}

static int edge_setup(edge *e, const spb_drive_opts *o) {
  char id[64];
  memset(e, 0, sizeof *e);
  e->o = o;
  snprintf(e->topic_ncmd, sizeof e->topic_ncmd, "spBv1.0/%s/NCMD/%s", o->group, o->node);
  snprintf(id, sizeof id, "floorsim-%.40s-%d", o->node, (int)getpid());
  if ((e->slots = calloc(o->p->nequipment, sizeof *e->slots)) == NULL) return -ENOMEM;
  if ((e->mosq = mosquitto_new(id, true, e)) == NULL) return -ENOMEM;
  mosquitto_connect_callback_set(e->mosq, on_connect);
  mosquitto_message_callback_set(e->mosq, on_message);
  if (sim_init(&e->sim, o->p, o->seed, wall_ms(), on_sim_event, e) != 0) return -ENOMEM;
  return set_will(e);
}

/* One pass of the loop: network, then the tick when it is due. */
static void edge_pass(edge *e, int64_t start, int64_t *next_tick, int64_t *retry_at) {
  int64_t now = wall_ms();
  if (*retry_at && now >= *retry_at) {
    e->bdseq++;
    *retry_at = set_will(e) == 0 && mosquitto_reconnect(e->mosq) == MOSQ_ERR_SUCCESS
                    ? 0 : now + RETRY_MS;
  }
  if (!*retry_at && mosquitto_loop(e->mosq, TICK_MS, 1) != MOSQ_ERR_SUCCESS) {
    if (e->connected) fprintf(stderr, "floorsim: connection to the broker lost\n");
    e->connected = 0;
    *retry_at = now + RETRY_MS;
  }
  if (*retry_at) {
    struct timespec ts = {0, TICK_MS * 1000000L};
    nanosleep(&ts, NULL);
  }
  if ((now = wall_ms()) < *next_tick) return;
  *next_tick = now + TICK_MS;
  sim_advance(&e->sim, start + (int64_t)((double)(now - start) * e->o->speed));
  if (e->connected && (e->birth_due ? births(e) : data(e)) != 0)
    fprintf(stderr, "floorsim: cannot publish\n");
}

/* A clean stop: the NDEATH, then the disconnect. */
static void edge_stop(edge *e) {
  uint8_t buf[64];
  char topic[300];
  size_t n = death_payload(e, buf, sizeof buf);
  if (!e->connected) return;
  snprintf(topic, sizeof topic, "spBv1.0/%s/NDEATH/%s", e->o->group, e->o->node);
  mosquitto_publish(e->mosq, NULL, topic, (int)n, buf, 0, false);
  for (int i = 0; i < 4; i++) mosquitto_loop(e->mosq, 10, 1);
  mosquitto_disconnect(e->mosq);
  mosquitto_loop(e->mosq, 10, 1);
}

int spb_drive_run(const spb_drive_opts *o) {
  edge e;
  int64_t start = wall_ms(), next_tick = start, retry_at = 0;
  int rc = 1;

  mosquitto_lib_init();
  signal(SIGINT, on_stop_signal);
  signal(SIGTERM, on_stop_signal);
  if (edge_setup(&e, o) != 0) goto fail;
  if (mosquitto_connect(e.mosq, o->host, o->port, 10) != MOSQ_ERR_SUCCESS) {
    fprintf(stderr, "floorsim: cannot connect to %s:%d yet; retrying\n", o->host, o->port);
    retry_at = start + RETRY_MS;
  }
  fprintf(stderr, "floorsim: Sparkplug B to %s:%d, %zu equipment, speed %g, seed %llu\n",
          o->host, o->port, o->p->nequipment, o->speed, (unsigned long long)o->seed);
  while (!stop_signal && (o->duration_s <= 0 || wall_ms() - start < o->duration_s * 1000))
    edge_pass(&e, start, &next_tick, &retry_at);
  edge_stop(&e);
  fprintf(stderr, "floorsim: stopping (%s); %llu messages published\n",
          stop_signal ? "signal" : "duration reached", (unsigned long long)e.published);
  rc = 0;
fail:
  if (e.mosq) mosquitto_destroy(e.mosq);
  if (e.sim.eq) sim_free(&e.sim);
  free(e.slots);
  mosquitto_lib_cleanup();
  return rc;
}

/* {"301": ["down", "mechanical"], ...}: every state alone, and down and
 * starved with every reason of the plant. */
static json_t *codes(const plant *p) {
  json_t *c = json_object();
  char key[16];
  for (int st = 0; c && st < FH_EQ_UNKNOWN; st++) {
    snprintf(key, sizeof key, "%u", state_code(p, (fh_eq_state)st, NULL));
    json_object_set_new(c, key, json_pack("[s]", fh_eq_state_name((fh_eq_state)st)));
    if (st != FH_EQ_DOWN && st != FH_EQ_STARVED) continue;
    for (size_t r = 0; r < p->nreasons; r++) {
      snprintf(key, sizeof key, "%u", state_code(p, (fh_eq_state)st, p->reasons[r]));
      json_object_set_new(c, key, json_pack("[ss]", fh_eq_state_name((fh_eq_state)st),
                                            p->reasons[r]));
    }
  }
  return c;
}

int spb_print_map(FILE *fp, const spb_drive_opts *o) {
  json_t *eqs = json_array(), *root = json_pack("{so}", "equipment", eqs);
  int rc = root ? 0 : -ENOMEM;
  for (size_t i = 0; rc == 0 && i < o->p->nequipment; i++) {
    json_t *e = json_pack(
        "{ss s{s{ssssssss}} s{so} s{s{ss}s{ss}}}", "id", o->p->equipment[i].id, "source",
        "sparkplug", "group", o->group, "node", o->node, "device", o->p->equipment[i].id,
        "metric", "State", "state", "codes", codes(o->p), "counts", "good_total", "metric",
        "Good", "reject_total", "metric", "Scrap");
    if (e == NULL || json_array_append_new(eqs, e) != 0) rc = -ENOMEM;
  }
  if (rc == 0 && (json_dumpf(root, fp, JSON_INDENT(1)) != 0 || fputc('\n', fp) == EOF))
    rc = -EIO;
  json_decref(root);
  return rc;
}
