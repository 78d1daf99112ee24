/* sc_durable.c -- scenario 4: durable writes on floorhub (closed loop).
 *
 * --clients connections (admin tokens, one user each) keep --inflight
 * requests outstanding each.  Every request slot runs the cycle
 *   andon.raise, eq.count, andon.ack, eq.count, andon.resolve, eq.count
 * on its own line and equipment, each write with a fresh idempotency key;
 * the next request of a slot goes out as soon as the previous one is
 * answered.  (resolve closes the andon, as a plant does: open andons do not
 * pile up.)  The result is the ok replies per second during the window and
 * the time from sending a request to its ok.  The script runs it twice:
 * against the hub as configured (group commit) and with --commit-per-op.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "scenario.h"
#include "server.h"
#include "token.h"

#define WARMUP_S 1.0
#define DRAIN_S 10.0
#define TOKEN_TTL_S (4 * 3600)

typedef enum op { OP_RAISE, OP_COUNT1, OP_ACK, OP_COUNT2, OP_RESOLVE, OP_COUNT3,
                  OP__N } op;

typedef struct slot {
  op next;          /* the request to send next */
  int busy;         /* a request is outstanding */
  uint64_t req_id;  /* its id */
  uint64_t sent_ns; /* when it was sent */
  uint64_t andon;   /* the andon this slot works on, 0 before the raise */
  uint32_t line;    /* line index of the slot */
  uint32_t item;    /* equipment of that line */
} slot;

typedef struct writer {
  uint32_t nslots;  /* slots in use */
  uint64_t seq;     /* idempotency key counter */
  slot slots[];     /* nslots */
} writer;

/* The run's state, reached from the reply hook. */
typedef struct durable_run {
  int sending;      /* new requests may go out */
  uint64_t oks;     /* ok replies received inside the window */
  uint64_t errs;    /* err replies */
  size_t busy;      /* slots with a request outstanding */
} durable_run;

static durable_run run;

static fh_strv view(const char *s) { return (fh_strv){s, strlen(s)}; }

static int send_op(bench *b, conn *c, slot *s) {
  static fh_request req;
  writer *w = c->w;
  char key[FH_KEY_MAX + 1], line[32], eq[32];

  memset(&req, 0, sizeof req);
  snprintf(key, sizeof key, "%s-w%u-%llu", b->nonce, (unsigned)c->idx,
           (unsigned long long)++w->seq);
  snprintf(line, sizeof line, "L%02u", s->line + 1);
  equipment_name(s->line, s->item, eq, sizeof eq);
  req.key = view(key);
  switch (s->next) {
    case OP_RAISE:
      req.type = FH_MSG_ANDON_RAISE;
      req.u.raise.line = view(line);
      req.u.raise.equipment = view(eq);
      req.u.raise.kind = view("maintenance");
      break;
    case OP_ACK: req.type = FH_MSG_ANDON_ACK; req.u.andon_op.andon = s->andon; break;
    case OP_RESOLVE:
      req.type = FH_MSG_ANDON_RESOLVE;
      req.u.andon_op.andon = s->andon;
      req.u.andon_op.reason = view("mechanical");
      break;
    default:
      req.type = FH_MSG_EQ_COUNT;
      req.u.eq_count.equipment = view(eq);
      req.u.eq_count.good = 1;
      break;
  }
  if (target_fh_send(b, c, &req) != 0) return -1;
  s->busy = 1;
  s->req_id = req.id;
  s->sent_ns = now_ns();
  run.busy++;
  return 0;
}

/* The andon id of an ok to a raise, or 0. */
static uint64_t andon_id(const fh_event *ev) {
  fh_mp_cursor cur = ev->body;
  fh_andon a;
  if (ev->body_key.n != 5 || memcmp(ev->body_key.p, "andon", 5) != 0) return 0;
  return fh_dec_andon(&cur, &a) == 0 ? a.id : 0;
}

static void on_reply(bench *b, conn *c, const fh_event *ev) {
  writer *w = c->w;
  uint64_t now = now_ns();
  slot *s = NULL;

  for (uint32_t i = 0; w != NULL && i < w->nslots && s == NULL; i++)
    if (w->slots[i].busy && ev->has_id && w->slots[i].req_id == ev->id) s = &w->slots[i];
  if (s == NULL) return;
  s->busy = 0;
  run.busy--;
  if (s->sent_ns >= b->win_start && s->sent_ns < b->win_end)
    hist_record(&b->lat, now - s->sent_ns);
  if (ev->type == FH_MSG_OK) {
    if (now >= b->win_start && now < b->win_end) run.oks++;
    if (s->next == OP_RAISE) s->andon = andon_id(ev);
    s->next = (op)((s->next + 1) % OP__N);
  } else {
    run.errs++;
    s->next = OP_RAISE; /* start the cycle over with a new andon */
  }
  if (run.sending) send_op(b, c, s);
}

static int add_writers(bench *b) {
  const opts *o = b->o;
  size_t first = bench_add(b, (size_t)o->clients, ROLE_WRITER);
  b->token_writer = calloc(b->nconns, sizeof *b->token_writer);
  if (b->token_writer == NULL) return -1;
  for (size_t i = first; i < b->nconns; i++) {
    conn *c = &b->conns[i];
    char user[32];
    writer *w = calloc(1, sizeof *w + (size_t)o->inflight * sizeof(slot));
    if (w == NULL) return -1;
    w->nslots = (uint32_t)o->inflight;
    for (uint32_t k = 0; k < w->nslots; k++) {
      uint32_t n = (uint32_t)i * w->nslots + k;
      w->slots[k].line = n % (uint32_t)o->lines;
      w->slots[k].item = (n / (uint32_t)o->lines) % (uint32_t)o->equipment;
    }
    c->w = w;
    snprintf(user, sizeof user, "bench-w%zu", i);
    b->token_writer[i] = token_mint(o->jwt_key_file, user, "admin", TOKEN_TTL_S);
    if (b->token_writer[i] == NULL) return -1;
  }
  return 0;
}

static int drained(bench *b, void *arg) {
  (void)b;
  (void)arg;
  return run.busy == 0;
}

int sc_durable(bench *b) {
  const opts *o = b->o;
  meter m;
  meter_result mr;
  jout j;

  if (b->ops != &target_floorhub) {
    fprintf(stderr, "floorbench: durable writes are a floorhub scenario\n");
    return 1;
  }
  if (scenario_start_server(b) != 0 || add_writers(b) != 0) return 1;
  if (scenario_connect(b, 0, b->nconns) != 0) return 1;
  memset(&run, 0, sizeof run);
  b->on_reply = on_reply;
  run.sending = 1;
  bench_window(b, 1e6); /* nothing counts during the warm-up */
  b->win_start = b->win_end;
  for (size_t i = 0; i < b->nconns; i++)
    for (uint32_t k = 0; k < b->conns[i].w->nslots; k++)
      send_op(b, &b->conns[i], &b->conns[i].w->slots[k]);
  bench_sleep(b, WARMUP_S);
  bench_window(b, o->window_s);
  meter_start(b, &m);
  bench_run(b, b->win_end, NULL, NULL);
  meter_read(b, &m, &mr);
  run.sending = 0;
  bench_run(b, now_ns() + (uint64_t)(DRAIN_S * 1e9), drained, NULL);
  jout_begin(&j, b, "writes");
  jout_int(&j, "clients", (uint64_t)o->clients);
  jout_int(&j, "inflight", (uint64_t)o->inflight);
  jout_int(&j, "oks", run.oks);
  jout_num(&j, "ops_per_s", (double)run.oks / o->window_s);
  jout_int(&j, "errors", run.errs);
  jout_int(&j, "unanswered", run.busy);
  jout_lat(&j, &b->lat);
  jout_meter(&j, &mr);
  jout_end(&j);
  return 0;
}
