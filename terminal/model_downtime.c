/* model_downtime.c -- the stops of each line and the plant's reason tree.
 *
 * downtime/<id> gives a line's stops: a snap replaces the list (decoded
 * completely first, so a broken snap leaves the list as it was), an upd
 * puts one stop by id.  The list stays sorted newest first (start, then
 * id) and holds at most MODEL_STOPS_MAX stops; the oldest go first.  A stop
 * that an upd shows closed and needing a reason, and that was open (or
 * unknown) before, is news: the kiosk offers the reason picker for it.
 *
 * The reason tree comes flat from the plant snap, a parent before its
 * children; the picker asks for the categories that have leaves (in the
 * fixed order of PROTOCOL.md section 9, quality excluded: a stop may not
 * take a quality reason) and then for the leaves of one category.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static int key_is(const fh_strv *k, const char *name) {
  return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

/* Newest first: later start first, then the higher id. */
static int stop_cmp(const void *x, const void *y) {
  const fh_downtime *a = x, *b = y;
  if (a->start != b->start) return a->start > b->start ? -1 : 1;
  return a->id > b->id ? -1 : a->id < b->id;
}

/* Reads an array of at most `max` stops into a malloc'ed list. */
static int read_stops(fh_mp_cursor *c, fh_downtime **out, size_t *n) {
  uint32_t cnt;
  fh_downtime *v;

  if (fh_mp_read_array(c, &cnt) != 0 || cnt > MODEL_STOPS_MAX) return -EINVAL;
  if ((v = calloc(cnt ? cnt : 1, sizeof *v)) == NULL) return -ENOMEM;
  for (uint32_t i = 0; i < cnt; i++) {
    if (fh_dec_downtime(c, &v[i]) != 0) {
      free(v);
      return -EINVAL;
    }
  }
  *out = v;
  *n = cnt;
  return 0;
}

int ft_model_stop_put(model *m, const fh_downtime *d, model_news *news) {
  model_line *ml = ft_model_line_find(m, d->line);
  fh_downtime *nv;
  size_t i;
  int was_open = 1;

  if (ml == NULL) return 0;
  for (i = 0; i < ml->nstops && ml->stops[i].id != d->id; i++) {}
  if (i < ml->nstops) {
    was_open = ml->stops[i].end == 0;
    ml->stops[i] = *d;
  } else if (ml->nstops == MODEL_STOPS_MAX) {
    ml->stops[ml->nstops - 1] = *d; /* the oldest goes */
  } else {
    nv = realloc(ml->stops, (ml->nstops + 1) * sizeof *nv);
    if (nv == NULL) return -ENOMEM;
    ml->stops = nv;
    ml->stops[ml->nstops++] = *d;
  }
  qsort(ml->stops, ml->nstops, sizeof *ml->stops, stop_cmp);
  if (news != NULL && was_open && d->end != 0 && d->needs_reason &&
      d->reason[0] == '\0' && news->nrestarted < MODEL_NEWS_MAX)
    news->restarted[news->nrestarted++] = d->id;
  return 0;
}

int ft_model_apply_downtime(model *m, const fh_strv *id, fh_mp_cursor *c,
                            int snap, model_news *news) {
  model_line *ml;
  fh_downtime d, *list = NULL;
  size_t nlist = 0;
  uint32_t n;
  fh_strv k;
  int rc = 0, have = 0;

  if (ft_model_topic_line(m, id, &ml) != 0) return -EINVAL;
  if (ml == NULL) return 0; /* not in the plant */
  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    if (fh_mp_read_str(c, &k) != 0) rc = -EINVAL;
    else if (snap && key_is(&k, "events") && !have) {
      have = 1;
      rc = read_stops(c, &list, &nlist);
    } else if (!snap && key_is(&k, "event")) {
      rc = fh_dec_downtime(c, &d) ? -EINVAL : ft_model_stop_put(m, &d, news);
    } else {
      rc = fh_mp_skip(c) ? -EINVAL : 0;
    }
  }
  if (rc == 0 && have) {
    qsort(list, nlist, sizeof *list, stop_cmp);
    free(ml->stops);
    ml->stops = list;
    ml->nstops = nlist;
    ml->has_stops = 1;
    list = NULL;
  }
  free(list);
  return rc;
}

const fh_downtime *ft_model_stop_find(const model *m, uint64_t id) {
  for (size_t l = 0; l < m->nlines; l++)
    for (size_t i = 0; i < m->lines[l].nstops; i++)
      if (m->lines[l].stops[i].id == id) return &m->lines[l].stops[i];
  return NULL;
}

size_t ft_model_stops_needing(const model_line *ml) {
  size_t n = 0;
  for (size_t i = 0; i < ml->nstops; i++)
    n += ml->stops[i].needs_reason && ml->stops[i].reason[0] == '\0';
  return n;
}

const fh_equipment *ft_model_constraint(const model_line *ml) {
  const fh_equipment *best = NULL;
  for (size_t i = 0; i < ml->neq; i++)
    if (best == NULL || ml->eq[i].ideal_cycle_ms > best->ideal_cycle_ms) best = &ml->eq[i];
  return best;
}

/* ------------------------------------------------------------ the tree */

static int read_node(fh_mp_cursor *c, model_reason *r) {
  uint32_t n;
  fh_strv k;
  int rc = 0, leaf;

  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    if (fh_mp_read_str(c, &k) != 0) return -EINVAL;
    if (key_is(&k, "code")) rc = fh_mp_read_strcpy(c, r->code, sizeof r->code);
    else if (key_is(&k, "name")) rc = fh_mp_read_strcpy(c, r->name, sizeof r->name);
    else if (key_is(&k, "category")) rc = fh_mp_read_strcpy(c, r->category, sizeof r->category);
    else if (key_is(&k, "parent") && fh_mp_peek(c) == FH_MP_NIL) rc = fh_mp_read_nil(c);
    else if (key_is(&k, "parent")) rc = fh_mp_read_strcpy(c, r->parent, sizeof r->parent);
    else if (key_is(&k, "leaf") && (rc = fh_mp_read_bool(c, &leaf)) == 0) r->leaf = leaf;
    else if (!key_is(&k, "leaf")) rc = fh_mp_skip(c);
  }
  return rc == 0 && r->code[0] ? 0 : -EINVAL;
}

int ft_model_rtree_read(fh_mp_cursor *c, model_reason **out, size_t *n) {
  uint32_t cnt;
  model_reason *v;

  if (fh_mp_read_array(c, &cnt) != 0 || cnt > MODEL_REASONS_MAX) return -EINVAL;
  if ((v = calloc(cnt ? cnt : 1, sizeof *v)) == NULL) return -ENOMEM;
  for (uint32_t i = 0; i < cnt; i++) {
    if (read_node(c, &v[i]) != 0) {
      free(v);
      return -EINVAL;
    }
  }
  *out = v;
  *n = cnt;
  return 0;
}

size_t ft_model_stop_categories(const model *m, const char **out, size_t cap) {
  static const char *const order[] = {"unplanned", "changeover", "planned", "small_stop"};
  const model_reason *dummy[1];
  size_t n = 0;

  for (size_t i = 0; i < sizeof order / sizeof order[0] && n < cap; i++)
    if (ft_model_leaves_of(m, order[i], dummy, 0) > 0) out[n++] = order[i];
  return n;
}

size_t ft_model_leaves_of(const model *m, const char *cat,
                          const model_reason **out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < m->nrtree; i++) {
    const model_reason *r = &m->rtree[i];
    if (!r->leaf || strcmp(r->category, cat) != 0) continue;
    if (n < cap) out[n] = r;
    n++;
  }
  return n;
}
