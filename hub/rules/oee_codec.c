/* oee_codec.c -- an OEE accumulator as one msgpack map, for the store.
 *
 * The map (format "v" 1) holds every field of oee_acc except win.def:
 *   {v, shift, start, end, breaks: [[start, end]...], ideal, state (number),
 *    reason, since, state_ms: [ms per state], reasons: {code: ms},
 *    good, reject, down, stops: [monitored, not_monitored_ms, stop_start,
 *    stop_loss, loss_ms per time category...],
 *    runs: [run_good, run_reject, run_ideal_ms, run_line_good_ms,
 *           run_line_reject_ms],
 *    hours: [good, reject of hour bucket 0, of bucket 1, ...] (up to the
 *           last bucket with counts),
 *    rejects: {code: count}}
 * Times are ms since the epoch, written as unsigned integers.  `stops` came
 * with the downtime rules: a map without it (an older store) decodes as a
 * monitored equipment without stops; `runs` came with production runs: a
 * map without it counted nothing during a run; `hours` came with the
 * scoreboard (absent: no counts by hour); `rejects` (rejects by
 * reject_reason) came with scrap reasons: without it there are none.
 *
 * Decoding first validates the bytes as one well-formed map
 * (record_map.h), then reads it with the fh_mp_cursor readers into a local
 * copy.  Unknown keys are skipped, every
 * known key is required, and *a is replaced only when all of them were read.
 */
#include "oee.h"
#include "record_map.h"

#include <errno.h>
#include <string.h>

#define OEE_FORMAT_VERSION 1
#define OEE_MAP_KEYS 18
#define STOPS_FIXED 4 /* monitored, not_monitored_ms, stop_start, stop_loss */
#define RUNS_FIELDS 5 /* the run_* fields of oee_acc */

/* One bit per known key; decoding needs all of them. */
enum {
  K_V = 1 << 0, K_SHIFT = 1 << 1, K_START = 1 << 2, K_END = 1 << 3,
  K_BREAKS = 1 << 4, K_IDEAL = 1 << 5, K_STATE = 1 << 6, K_REASON = 1 << 7,
  K_SINCE = 1 << 8, K_STATE_MS = 1 << 9, K_REASONS = 1 << 10,
  K_GOOD = 1 << 11, K_REJECT = 1 << 12, K_DOWN = 1 << 13,
  K_STOPS = 1 << 14, K_RUNS = 1 << 15, K_HOURS = 1 << 16, K_REJECTS = 1 << 17,
  K_ALL = K_STOPS - 1 /* every key but the optional stops, runs, hours
                         and rejects */
};

/* ------------------------------------------------------------- encoding */

static int enc_key_uint(fh_buf *out, const char *key, uint64_t v) {
  int rc = fh_enc_str(out, key);
  return rc < 0 ? rc : fh_enc_uint(out, v);
}

static int enc_key_str(fh_buf *out, const char *key, const char *s) {
  int rc = fh_enc_str(out, key);
  return rc < 0 ? rc : fh_enc_str(out, s);
}

static int enc_breaks(fh_buf *out, const shift_window *w) {
  int rc = fh_enc_str(out, "breaks");

  if (rc == 0) rc = fh_enc_array(out, (uint32_t)w->nbreaks);
  for (size_t i = 0; rc == 0 && i < w->nbreaks; i++)
    if ((rc = fh_enc_array(out, 2)) == 0 &&
        (rc = fh_enc_uint(out, (uint64_t)w->break_start_ms[i])) == 0)
      rc = fh_enc_uint(out, (uint64_t)w->break_end_ms[i]);
  return rc;
}

/* key: {code: value} of n table entries. */
static int enc_tally(fh_buf *out, const char *key, const oee_reason *tab,
                     size_t n) {
  int rc = fh_enc_str(out, key);
  if (rc == 0) rc = fh_enc_map(out, (uint32_t)n);
  for (size_t i = 0; rc == 0 && i < n; i++)
    rc = enc_key_uint(out, tab[i].reason, tab[i].ms);
  return rc;
}

static int enc_tables(fh_buf *out, const oee_acc *a) {
  int rc = fh_enc_str(out, "state_ms");

  if (rc == 0) rc = fh_enc_array(out, FH_EQ__COUNT);
  for (int s = 0; rc == 0 && s < FH_EQ__COUNT; s++)
    rc = fh_enc_uint(out, a->state_ms[s]);
  if (rc == 0) rc = enc_tally(out, "reasons", a->reasons, a->nreasons);
  if (rc == 0) rc = enc_tally(out, "rejects", a->rejects, a->nrejects);
  return rc;
}

static int enc_stops(fh_buf *out, const oee_acc *a) {
  int rc = fh_enc_str(out, "stops");

  if (rc == 0) rc = fh_enc_array(out, STOPS_FIXED + FH_LOSS__TIME);
  if (rc == 0) rc = fh_enc_uint(out, a->monitored);
  if (rc == 0) rc = fh_enc_uint(out, a->not_monitored_ms);
  if (rc == 0) rc = fh_enc_uint(out, (uint64_t)a->stop_start);
  if (rc == 0) rc = fh_enc_uint(out, (uint64_t)a->stop_loss);
  for (int l = 0; rc == 0 && l < FH_LOSS__TIME; l++)
    rc = fh_enc_uint(out, a->loss_ms[l]);
  return rc;
}

static int enc_runs(fh_buf *out, const oee_acc *a) {
  const uint64_t v[RUNS_FIELDS] = {a->run_good, a->run_reject, a->run_ideal_ms,
                                   a->run_line_good_ms, a->run_line_reject_ms};
  int rc = fh_enc_str(out, "runs");

  if (rc == 0) rc = fh_enc_array(out, RUNS_FIELDS);
  for (int i = 0; rc == 0 && i < RUNS_FIELDS; i++) rc = fh_enc_uint(out, v[i]);
  return rc;
}

static int enc_hours(fh_buf *out, const oee_acc *a) {
  size_t n = TARGET_HOURS_MAX;
  int rc = fh_enc_str(out, "hours");

  while (n > 0 && a->hour_good[n - 1] == 0 && a->hour_reject[n - 1] == 0) n--;
  if (rc == 0) rc = fh_enc_array(out, (uint32_t)(2 * n));
  for (size_t i = 0; rc == 0 && i < n; i++)
    if ((rc = fh_enc_uint(out, a->hour_good[i])) == 0)
      rc = fh_enc_uint(out, a->hour_reject[i]);
  return rc;
}

/* 1 when every time of the accumulator can be written unsigned. */
static int times_valid(const oee_acc *a) {
  if (a->win.start_ms < 0 || a->win.end_ms < 0 || a->since < 0 ||
      a->stop_start < 0 ||
      a->win.nbreaks > SHIFT_BREAKS_MAX)
    return 0;
  for (size_t i = 0; i < a->win.nbreaks; i++)
    if (a->win.break_start_ms[i] < 0 || a->win.break_end_ms[i] < 0) return 0;
  return 1;
}

int oee_acc_encode(const oee_acc *a, fh_buf *out) {
  int rc;

  if (!times_valid(a) || a->nreasons > OEE_ACC_REASONS_MAX ||
      a->nrejects > OEE_ACC_REASONS_MAX)
    return -ERANGE;
  if ((rc = fh_enc_map(out, OEE_MAP_KEYS)) < 0 ||
      (rc = enc_key_uint(out, "v", OEE_FORMAT_VERSION)) < 0 ||
      (rc = enc_key_str(out, "shift", a->shift)) < 0 ||
      (rc = enc_key_uint(out, "start", (uint64_t)a->win.start_ms)) < 0 ||
      (rc = enc_key_uint(out, "end", (uint64_t)a->win.end_ms)) < 0 ||
      (rc = enc_breaks(out, &a->win)) < 0 ||
      (rc = enc_key_uint(out, "ideal", a->ideal_cycle_ms)) < 0 ||
      (rc = enc_key_uint(out, "state", (uint64_t)a->state)) < 0 ||
      (rc = enc_key_str(out, "reason", a->reason)) < 0 ||
      (rc = enc_key_uint(out, "since", (uint64_t)a->since)) < 0 ||
      (rc = enc_tables(out, a)) < 0 ||
      (rc = enc_key_uint(out, "good", a->good)) < 0 ||
      (rc = enc_key_uint(out, "reject", a->reject)) < 0 ||
      (rc = enc_key_uint(out, "down", a->down_events)) < 0 ||
      (rc = enc_stops(out, a)) < 0 || (rc = enc_runs(out, a)) < 0 ||
      (rc = enc_hours(out, a)) < 0)
    return rc;
  return 0;
}

/* ------------------------------------------------------------- decoding */

static int key_is(const fh_strv *k, const char *name) {
  size_t n = strlen(name);
  return k->n == n && memcmp(k->p, name, n) == 0;
}

/* An unsigned value of at most `max`. */
static int read_max(fh_mp_cursor *c, uint64_t max, uint64_t *v) {
  return fh_mp_read_uint(c, v) < 0 || *v > max ? -1 : 0;
}

static int read_time(fh_mp_cursor *c, int64_t *t) {
  uint64_t v;
  if (read_max(c, INT64_MAX, &v) < 0) return -1;
  *t = (int64_t)v;
  return 0;
}

static int read_u32(fh_mp_cursor *c, uint32_t *u) {
  uint64_t v;
  if (read_max(c, UINT32_MAX, &v) < 0) return -1;
  *u = (uint32_t)v;
  return 0;
}

static int read_state(fh_mp_cursor *c, fh_eq_state *s) {
  uint64_t v;
  if (read_max(c, FH_EQ__COUNT - 1, &v) < 0) return -1;
  *s = (fh_eq_state)v;
  return 0;
}

static int read_version(fh_mp_cursor *c) {
  uint64_t v;
  return fh_mp_read_uint(c, &v) < 0 || v != OEE_FORMAT_VERSION ? -1 : 0;
}

static int read_breaks(fh_mp_cursor *c, shift_window *w) {
  uint32_t n, pair;

  if (fh_mp_read_array(c, &n) < 0 || n > SHIFT_BREAKS_MAX) return -1;
  for (w->nbreaks = 0; w->nbreaks < n; w->nbreaks++)
    if (fh_mp_read_array(c, &pair) < 0 || pair != 2 ||
        read_time(c, &w->break_start_ms[w->nbreaks]) < 0 ||
        read_time(c, &w->break_end_ms[w->nbreaks]) < 0)
      return -1;
  return 0;
}

static int read_state_ms(fh_mp_cursor *c, uint64_t *ms) {
  uint32_t n;

  if (fh_mp_read_array(c, &n) < 0 || n > FH_EQ__COUNT) return -1;
  for (uint32_t i = 0; i < n; i++)
    if (fh_mp_read_uint(c, &ms[i]) < 0) return -1;
  return 0;
}

/* {code: value}, at most OEE_ACC_REASONS_MAX entries, into tab / *n. */
static int read_tally(fh_mp_cursor *c, oee_reason *tab, size_t *n) {
  uint32_t m;

  if (fh_mp_read_map(c, &m) < 0 || m > OEE_ACC_REASONS_MAX) return -1;
  for (*n = 0; *n < m; (*n)++) {
    oee_reason *r = &tab[*n];
    if (fh_mp_read_strcpy(c, r->reason, sizeof r->reason) < 0 ||
        fh_mp_read_uint(c, &r->ms) < 0)
      return -1;
  }
  return 0;
}

static int read_stops(fh_mp_cursor *c, oee_acc *a) {
  uint32_t n;
  uint64_t v[STOPS_FIXED];

  if (fh_mp_read_array(c, &n) < 0 || n != STOPS_FIXED + FH_LOSS__TIME) return -1;
  for (int i = 0; i < STOPS_FIXED; i++)
    if (fh_mp_read_uint(c, &v[i]) < 0) return -1;
  if (v[0] > 1 || v[2] > INT64_MAX || v[3] >= FH_LOSS__TIME) return -1;
  a->monitored = (uint8_t)v[0];
  a->not_monitored_ms = v[1];
  a->stop_start = (int64_t)v[2];
  a->stop_loss = (fh_loss)v[3];
  for (int l = 0; l < FH_LOSS__TIME; l++)
    if (fh_mp_read_uint(c, &a->loss_ms[l]) < 0) return -1;
  return 0;
}

/* The run counts, never more than the shift's counts. */
static int read_runs(fh_mp_cursor *c, oee_acc *a) {
  uint64_t *dst[RUNS_FIELDS] = {&a->run_good, &a->run_reject, &a->run_ideal_ms,
                                &a->run_line_good_ms, &a->run_line_reject_ms};
  uint32_t n;

  if (fh_mp_read_array(c, &n) < 0 || n != RUNS_FIELDS) return -1;
  for (int i = 0; i < RUNS_FIELDS; i++)
    if (fh_mp_read_uint(c, dst[i]) < 0) return -1;
  return 0;
}

static int read_hours(fh_mp_cursor *c, oee_acc *a) {
  uint32_t n;

  if (fh_mp_read_array(c, &n) < 0 || n % 2 != 0 || n > 2 * TARGET_HOURS_MAX)
    return -1;
  for (uint32_t i = 0; i < n / 2; i++)
    if (fh_mp_read_uint(c, &a->hour_good[i]) < 0 ||
        fh_mp_read_uint(c, &a->hour_reject[i]) < 0)
      return -1;
  return 0;
}

/* `flag` when rc is 0, -1 otherwise. */
static int got(int rc, int flag) { return rc < 0 ? -1 : flag; }

/* Reads the value of `key`; returns its K_ bit, 0 for an unknown key
 * (skipped) or -1. */
static int read_field(oee_acc *a, const fh_strv *key, fh_mp_cursor *c) {
  if (key_is(key, "v")) return got(read_version(c), K_V);
  if (key_is(key, "shift"))
    return got(fh_mp_read_strcpy(c, a->shift, sizeof a->shift), K_SHIFT);
  if (key_is(key, "start")) return got(read_time(c, &a->win.start_ms), K_START);
  if (key_is(key, "end")) return got(read_time(c, &a->win.end_ms), K_END);
  if (key_is(key, "breaks")) return got(read_breaks(c, &a->win), K_BREAKS);
  if (key_is(key, "ideal")) return got(read_u32(c, &a->ideal_cycle_ms), K_IDEAL);
  if (key_is(key, "state")) return got(read_state(c, &a->state), K_STATE);
  if (key_is(key, "reason"))
    return got(fh_mp_read_strcpy(c, a->reason, sizeof a->reason), K_REASON);
  if (key_is(key, "since")) return got(read_time(c, &a->since), K_SINCE);
  if (key_is(key, "state_ms"))
    return got(read_state_ms(c, a->state_ms), K_STATE_MS);
  if (key_is(key, "reasons"))
    return got(read_tally(c, a->reasons, &a->nreasons), K_REASONS);
  if (key_is(key, "rejects"))
    return got(read_tally(c, a->rejects, &a->nrejects), K_REJECTS);
  if (key_is(key, "good")) return got(fh_mp_read_uint(c, &a->good), K_GOOD);
  if (key_is(key, "reject")) return got(fh_mp_read_uint(c, &a->reject), K_REJECT);
  if (key_is(key, "down")) return got(read_u32(c, &a->down_events), K_DOWN);
  if (key_is(key, "stops")) return got(read_stops(c, a), K_STOPS);
  if (key_is(key, "runs")) return got(read_runs(c, a), K_RUNS);
  if (key_is(key, "hours")) return got(read_hours(c, a), K_HOURS);
  return got(fh_mp_skip(c), 0);
}

static int read_key(fh_mp_cursor *c, const fh_strv *key, void *obj) {
  return read_field(obj, key, c);
}

int oee_acc_decode(oee_acc *a, const uint8_t *p, size_t len) {
  oee_acc tmp;
  int seen;

  memset(&tmp, 0, sizeof tmp);
  if (record_map_read(p, len, read_key, &tmp, &seen) != 0) return -EINVAL;
  if ((seen & K_ALL) != K_ALL || tmp.win.end_ms < tmp.win.start_ms ||
      tmp.run_good > tmp.good || tmp.run_reject > tmp.reject)
    return -EINVAL;
  if (!(seen & K_STOPS)) tmp.monitored = 1; /* written before the stops */
  *a = tmp;
  return 0;
}
