/* sc_fanout.c -- scenario 1: one publisher, N subscribers of one topic.
 *
 * The offered rate steps up (x2) from --start-rate deliveries/s until a
 * step fails, then bisects twice between the last pass and the first
 * failure (a first step that fails halves instead).  A failed step is run
 * once more before it counts: on a shared machine one stall of another
 * tenant (the "other CPU" column) would otherwise end the climb early, for
 * any server alike.  A step publishes for
 * --window-s seconds and then waits up to 1 s + the p99 bound for the
 * stragglers; it passes when
 *   - the pacer queued all it was asked to (the server kept reading),
 *   - at least 99.9 % of sent x N deliveries arrived,
 *   - the p99 publish->deliver latency is within the bound: --p99-bound-ms
 *     per 1,000 subscribers (at least --p99-bound-ms): writing one message
 *     to 5,000 sockets alone takes tens of ms on any server, so a fixed
 *     bound would fail every step there without anything falling behind,
 *   - the server sent no err and no subscriber was dropped.
 * The highest passing step gives the sustained deliveries/s; one more
 * window at half that rate gives the latency percentiles to report.
 * Every step is printed (phase "step"), then "half" and "summary".
 * With --rates the search is skipped: one step at each of the given
 * deliveries/s (phase "fixed"), the same load for every server or
 * transport (scripts/bench's tls scenario: plain against TLS, and the
 * equal-rate comparison of every server).
 * On floorhub over plain ws:// every step also reads the hub's split of
 * each update's time (split.c) from /metrics before the window and after
 * its stragglers, and prints it with the step (split_* keys).
 */
#include <math.h>
#include <stdio.h>

#include "out.h"
#include "scenario.h"
#include "split.h"

#define DELIVERED_MIN 0.999 /* share of sent x N that must arrive */
#define SENT_MIN 0.97       /* share of the offered messages actually sent */
#define BISECTIONS 2
#define SETTLE_S 0.3        /* quiet time before a step */
#define FIXED_MAX 16        /* --rates: steps at most */

/* The p99 bound of a step with nsubs subscribers, in ns. */
static double p99_bound_ns(const opts *o, size_t nsubs) {
  double scale = (double)nsubs / 1000.0;
  return o->p99_bound_ms * 1e6 * (scale > 1 ? scale : 1);
}

typedef struct step_result {
  double rate;         /* offered messages/s */
  uint64_t sent;       /* messages published */
  uint64_t delivered;  /* deliveries of those */
  double deliv_per_s;  /* delivered / window */
  int pass;            /* see the file comment */
  meter_result m;      /* CPU during the window */
  split_snap s0, s1;   /* floorhub: its /metrics split before, after */
} step_result;

/* The hub's split now, on floorhub over ws:// (zeroed otherwise). */
static void split_measure(bench *b, split_snap *s) {
  if (b->ops == &target_floorhub && !b->o->tls) split_read(b->o->port, s);
  else s->ok = 0;
}

static int all_delivered(bench *b, void *arg) {
  return b->delivered >= *(uint64_t *)arg;
}

static void run_step(bench *b, conn *pub, double rate, size_t nsubs,
                     step_result *r) {
  const opts *o = b->o;
  double bound = p99_bound_ns(o, nsubs);
  uint64_t want, grace = (uint64_t)(1e9 + bound);
  uint64_t skipped, closes = b->closes_by_server;
  meter m;

  bench_sleep(b, SETTLE_S);
  split_measure(b, &r->s0);
  pacers_clear(b);
  pacer_add(b, pub, rate, 1);
  bench_window(b, o->window_s);
  pacers_start(b, b->win_end);
  meter_start(b, &m);
  bench_run(b, b->win_end, NULL, NULL);
  meter_read(b, &m, &r->m);
  r->sent = pacers_sent(b);
  skipped = pacers_skipped(b);
  pacers_clear(b);
  want = r->sent * nsubs;
  bench_run(b, b->win_end + grace, all_delivered, &want);
  split_measure(b, &r->s1);
  r->rate = rate;
  r->delivered = b->delivered;
  r->deliv_per_s = (double)b->delivered / o->window_s;
  r->pass = skipped == 0 && r->sent + 1 >= SENT_MIN * rate * o->window_s &&
            (double)r->delivered >= DELIVERED_MIN * (double)want &&
            (double)hist_quantile(&b->lat, 0.99) <= bound &&
            b->errors == 0 && b->closes_by_server == closes &&
            b->nready == nsubs + 1;
}

static void print_step(bench *b, const char *phase, const step_result *r,
                       size_t nsubs) {
  jout j;
  jout_begin(&j, b, phase);
  jout_int(&j, "subs", nsubs);
  jout_num(&j, "p99_bound_ms", p99_bound_ns(b->o, nsubs) / 1e6);
  jout_num(&j, "rate", r->rate);
  jout_int(&j, "sent", r->sent);
  jout_int(&j, "delivered", r->delivered);
  jout_num(&j, "deliv_per_s", r->deliv_per_s);
  jout_int(&j, "pass", (uint64_t)r->pass);
  jout_int(&j, "errors", b->errors);
  jout_lat(&j, &b->lat);
  jout_meter(&j, &r->m);
  jout_split(&j, &r->s0, &r->s1);
  jout_end(&j);
}

/* After a failed step: make sure every connection is back and idle. */
static int recover(bench *b, size_t nconns) {
  if (b->nready == nconns) return 0;
  fprintf(stderr, "floorbench: %zu of %zu connections lost; reconnecting\n",
          nconns - b->nready, nconns);
  bench_drop_all(b);
  bench_connect(b, 0, nconns);
  return bench_wait_ready(b, nconns, 120) ? 0 : -1;
}

/* Steps the rate; returns the best passing step (rate 0 if none). */
static step_result search(bench *b, conn *pub, size_t nsubs) {
  const opts *o = b->o;
  step_result best = {0}, r;
  double rate = o->start_rate / (double)nsubs, fail_rate = 0;
  int bisect = 0;

  for (int i = 0; i < o->max_steps && bisect <= BISECTIONS; i++) {
    run_step(b, pub, rate, nsubs, &r);
    print_step(b, "step", &r, nsubs);
    if (!r.pass) {
      if (recover(b, nsubs + 1) != 0) break;
      run_step(b, pub, rate, nsubs, &r);
      print_step(b, "retry", &r, nsubs);
    }
    if (r.pass) best = r;
    else fail_rate = rate;
    if (recover(b, nsubs + 1) != 0) break;
    if (fail_rate == 0) {
      rate *= 2;
    } else if (best.rate == 0) {
      rate /= 2;
    } else {
      bisect++;
      rate = sqrt(best.rate * fail_rate);
    }
  }
  return best;
}

/* --rates: one step at each of these deliveries/s, no search (phase
 * "fixed"): plain and TLS runs compare at the same offered load. */
static int fixed_rates(bench *b, conn *pub, size_t nsubs) {
  size_t rates[FIXED_MAX], n = parse_counts(b->o->rates, rates, FIXED_MAX);
  step_result r;

  if (n == 0) {
    fprintf(stderr, "floorbench: --rates wants ascending deliveries/s: 50000,200000\n");
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    run_step(b, pub, (double)rates[i] / (double)nsubs, nsubs, &r);
    print_step(b, "fixed", &r, nsubs);
    if (recover(b, nsubs + 1) != 0) return 1;
  }
  return 0;
}

int sc_fanout(bench *b) {
  size_t nsubs = (size_t)b->o->subs, first;
  conn *pub;
  step_result best, half = {0};
  jout j;

  if (scenario_start_server(b) != 0) return 1;
  first = bench_add(b, nsubs, ROLE_SUB);
  for (size_t i = first; i < first + nsubs; i++) {
    b->conns[i].ntopics = 1;
    b->conns[i].topics[0] = 0;
  }
  pub = &b->conns[bench_add(b, 1, ROLE_PUB)];
  pub->line = 0;
  if (scenario_connect(b, 0, b->nconns) != 0) return 1;
  if (b->o->rates != NULL) return fixed_rates(b, pub, nsubs);
  best = search(b, pub, nsubs);
  hist_reset(&b->lat);
  if (best.rate > 0) {
    run_step(b, pub, best.rate / 2, nsubs, &half);
    print_step(b, "half", &half, nsubs);
  }
  jout_begin(&j, b, "summary");
  jout_int(&j, "subs", nsubs);
  jout_num(&j, "max_rate", best.rate);
  jout_num(&j, "max_deliv_per_s", best.deliv_per_s);
  jout_num(&j, "max_self_cpu", best.m.self_cpu);
  jout_num(&j, "max_server_cpu", best.m.server_cpu);
  jout_num(&j, "half_rate", half.rate);
  jout_int(&j, "half_pass", (uint64_t)half.pass);
  jout_lat(&j, &b->lat); /* of the half-rate window */
  jout_num(&j, "half_self_cpu", half.m.self_cpu);
  jout_split(&j, &half.s0, &half.s1);
  jout_end(&j);
  return 0;
}
