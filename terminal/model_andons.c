/* model_andons.c -- the andon table: one entry per andon id, open and
 * recently closed, from the andon topic and the line topics alike.
 *
 * An andon seen for the first time while raised is news, and so is a
 * higher escalation level of an open andon, but only once the andon
 * topic's snap has arrived: what was already there at start is not.  The
 * table holds at most MODEL_ANDONS_MAX entries; the oldest closed andon
 * makes room first.  The queries sort open andons into queue order and
 * count a shift's andons for the report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

const fh_andon *ft_model_andon_find(const model *m, uint64_t id) {
  for (size_t i = 0; i < m->nandons; i++)
    if (m->andons[i].id == id) return &m->andons[i];
  return NULL;
}

int ft_model_andon_open(const fh_andon *a) {
  return a->state == FH_ANDON_RAISED || a->state == FH_ANDON_ACKNOWLEDGED;
}

/* Queue order: raised before acknowledged, higher level, older, lower id. */
static int queue_cmp(const void *pa, const void *pb) {
  const fh_andon *a = *(const fh_andon *const *)pa;
  const fh_andon *b = *(const fh_andon *const *)pb;

  if (a->state != b->state) return a->state == FH_ANDON_RAISED ? -1 : 1;
  if (a->level != b->level) return a->level > b->level ? -1 : 1;
  if (a->raised_at != b->raised_at) return a->raised_at < b->raised_at ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

size_t ft_model_open_andons(const model *m, const char *line,
                         const fh_andon **out, size_t cap) {
  size_t n = 0;

  for (size_t i = 0; i < m->nandons; i++) {
    const fh_andon *a = &m->andons[i];
    if (!ft_model_andon_open(a) || (line != NULL && strcmp(a->line, line) != 0))
      continue;
    if (n < cap) out[n] = a;
    n++;
  }
  qsort(out, n < cap ? n : cap, sizeof *out, queue_cmp);
  return n;
}

static void news_add(uint64_t *v, size_t *n, uint64_t id) {
  if (*n < MODEL_NEWS_MAX) v[(*n)++] = id;
}

/* What an incoming version of an andon means next to the one held. */
static void andon_news(const model *m, const fh_andon *old, const fh_andon *a,
                       model_news *news) {
  if (news == NULL || !m->andons_loaded) return;
  if (old == NULL && a->state == FH_ANDON_RAISED)
    news_add(news->raised, &news->nraised, a->id);
  else if (old != NULL && a->level > old->level && ft_model_andon_open(a))
    news_add(news->escalated, &news->nescalated, a->id);
}

/* Frees a slot when the table is full: the oldest closed andon goes, or
 * the oldest of all when none is closed. */
static void andon_evict(model *m) {
  size_t victim = 0;
  int closed_found = 0;

  for (size_t i = 0; i < m->nandons; i++) {
    int closed = !ft_model_andon_open(&m->andons[i]);
    if ((closed && !closed_found) ||
        (closed == closed_found && m->andons[i].raised_at < m->andons[victim].raised_at)) {
      victim = i;
      closed_found |= closed;
    }
  }
  m->andons[victim] = m->andons[--m->nandons];
}

int ft_model_andon_put(model *m, const fh_andon *a, model_news *news) {
  fh_andon *old = (fh_andon *)ft_model_andon_find(m, a->id);

  andon_news(m, old, a, news);
  if (old != NULL) {
    *old = *a;
    return 0;
  }
  if (m->nandons == MODEL_ANDONS_MAX) andon_evict(m);
  if (m->nandons == m->andons_cap) {
    size_t ncap = m->andons_cap ? m->andons_cap * 2 : 64;
    fh_andon *nv = realloc(m->andons, ncap * sizeof *nv);
    if (nv == NULL) return -ENOMEM;
    m->andons = nv;
    m->andons_cap = ncap;
  }
  m->andons[m->nandons++] = *a;
  return 0;
}

void ft_model_andons_replace(model *m, fh_andon *list, size_t n, model_news *news) {
  for (size_t i = 0; i < n; i++)
    andon_news(m, ft_model_andon_find(m, list[i].id), &list[i], news);
  free(m->andons);
  m->andons = list;
  m->nandons = m->andons_cap = n;
  m->andons_loaded = 1;
}

void ft_model_andon_stats_of(const model *m, const char *line, int64_t from,
                          int64_t to, model_andon_stats *st) {
  double ack_sum = 0, repair_sum = 0;

  memset(st, 0, sizeof *st);
  for (size_t i = 0; i < m->nandons; i++) {
    const fh_andon *a = &m->andons[i];
    if (strcmp(a->line, line) != 0 || a->raised_at < from || a->raised_at >= to)
      continue;
    st->raised++;
    st->open += (uint32_t)ft_model_andon_open(a);
    st->cancelled += a->state == FH_ANDON_CANCELLED;
    if (a->acked_at != 0) {
      st->acked++;
      ack_sum += (double)(a->acked_at - a->raised_at) / 1000.0;
    }
    if (a->state == FH_ANDON_RESOLVED) {
      st->resolved++;
      repair_sum += (double)(a->resolved_at - a->acked_at) / 1000.0;
    }
  }
  if (st->acked) st->ack_mean_s = ack_sum / st->acked;
  if (st->resolved) st->repair_mean_s = repair_sum / st->resolved;
}
