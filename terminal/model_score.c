/* model_score.c -- a line's run and scoreboard in floorterm's model.
 *
 * The run comes with the line/<id> topic (its `run`, nil without one),
 * the products with the plant snap, and the scoreboard with oee/<id>:
 * target, target_source, expected_now, variance and hourly (the snap and
 * every upd carry all of them; an upd without them, such as {report},
 * leaves the scoreboard as it was).  Outside shift hours the target is nil
 * and the line has no scoreboard.  A scoreboard is decoded whole into a
 * staging copy and kept only when all of it decoded; more than
 * MODEL_HOURS_MAX buckets are refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static int key_is(const fh_strv *k, const char *name) {
  return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

int ft_model_run_read(fh_mp_cursor *c, fh_run *r) {
  memset(r, 0, sizeof *r);
  if (fh_mp_peek(c) == FH_MP_NIL) return fh_mp_read_nil(c) ? -EINVAL : 0;
  return fh_dec_run(c, r) ? -EINVAL : 0;
}

static int product_key(fh_mp_cursor *c, const fh_strv *k, void *arg) {
  model_product *p = arg;
  if (key_is(k, "id")) return fh_mp_read_strcpy(c, p->id, sizeof p->id);
  if (key_is(k, "name")) return fh_mp_read_strcpy(c, p->name, sizeof p->name);
  return fh_mp_skip(c);
}

static int read_product(fh_mp_cursor *c, model_product *p) {
  return ft_model_read_map(c, product_key, p) == 0 && p->id[0] != '\0' ? 0 : -EINVAL;
}

int ft_model_products_read(fh_mp_cursor *c, model_product **out, size_t *n) {
  uint32_t cnt;
  if (fh_mp_read_array(c, &cnt) != 0 || cnt > MODEL_PRODUCTS_MAX) return -EINVAL;
  if ((*out = calloc(cnt ? cnt : 1, sizeof **out)) == NULL) return -ENOMEM;
  *n = cnt;
  for (uint32_t i = 0; i < cnt; i++)
    if (read_product(c, &(*out)[i]) != 0) return -EINVAL;
  return 0;
}

/* A uint, or nil (read as 0; *nil set). */
static int read_opt_uint(fh_mp_cursor *c, uint64_t *v, int *nil) {
  *v = 0;
  *nil = fh_mp_peek(c) == FH_MP_NIL;
  if (*nil) return fh_mp_read_nil(c);
  return fh_mp_read_uint(c, v);
}

static int hour_key(fh_mp_cursor *c, const fh_strv *k, void *arg) {
  model_hour *h = arg;
  if (key_is(k, "hour_start")) return fh_mp_read_int(c, &h->hour_start);
  if (key_is(k, "target")) return fh_mp_read_uint(c, &h->target);
  if (key_is(k, "good")) return fh_mp_read_uint(c, &h->good);
  if (key_is(k, "reject")) return fh_mp_read_uint(c, &h->reject);
  if (key_is(k, "down_ms")) return fh_mp_read_uint(c, &h->down_ms);
  return fh_mp_skip(c);
}

static int read_hour(fh_mp_cursor *c, model_hour *h) {
  return ft_model_read_map(c, hour_key, h);
}

static int read_hours(fh_mp_cursor *c, model_score *s) {
  uint32_t n;
  if (fh_mp_read_array(c, &n) != 0 || n > MODEL_HOURS_MAX) return -EINVAL;
  s->nhours = n;
  for (uint32_t i = 0; i < n; i++)
    if (read_hour(c, &s->hours[i]) != 0) return -EINVAL;
  return 0;
}

/* A scoreboard being read, and how many of its keys were seen. */
typedef struct score_stage {
  model_score s; /* decoded */
  int seen;      /* scoreboard keys present */
} score_stage;

/* One key of an oee/<id> map. */
static int score_key(fh_mp_cursor *c, const fh_strv *k, void *arg) {
  score_stage *st = arg;
  model_score *s = &st->s;
  char src[8];
  int64_t var = 0;
  int nil = 0, rc;

  if (key_is(k, "target")) {
    rc = read_opt_uint(c, &s->target, &nil);
    s->has = !nil;
  } else if (key_is(k, "expected_now")) {
    rc = read_opt_uint(c, &s->expected, &nil);
  } else if (key_is(k, "variance")) {
    nil = fh_mp_peek(c) == FH_MP_NIL;
    rc = nil ? fh_mp_read_nil(c) : fh_mp_read_int(c, &var);
    s->variance = var;
  } else if (key_is(k, "target_source")) {
    nil = fh_mp_peek(c) == FH_MP_NIL;
    rc = nil ? fh_mp_read_nil(c) : fh_mp_read_strcpy(c, src, sizeof src);
    s->plan = !nil && strcmp(src, "plan") == 0;
  } else if (key_is(k, "hourly")) {
    rc = read_hours(c, s);
  } else {
    return fh_mp_skip(c);
  }
  st->seen++;
  return rc;
}

int ft_model_apply_score(model *m, const fh_strv *id, fh_mp_cursor *c) {
  model_line *ml;
  score_stage st;

  if (ft_model_topic_line(m, id, &ml) != 0) return -EINVAL;
  if (ml == NULL) return 0; /* not in the plant */
  memset(&st, 0, sizeof st);
  if (ft_model_read_map(c, score_key, &st) != 0) return -EINVAL;
  if (st.seen > 0) ml->score = st.s;
  return 0;
}
