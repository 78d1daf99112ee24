/* ft_model_apply.c -- snaps and upds into the model.
 *
 * Each topic's data map is read key by key with the protocol's bounded
 * cursor and entity decoders; unknown keys are skipped.  A snap is decoded
 * completely into a staging struct first and committed only when all of it
 * decoded, so a broken snap leaves the model as it was.  Array counts are
 * capped before anything is allocated for them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define LINES_MAX 256  /* lines accepted in a plant snap */
#define EQ_MAX 1024    /* equipment accepted in a line snap */
#define NAMES_MAX 256  /* kinds / reasons accepted */
#define ESC_MAX 32     /* escalation steps accepted */

/* A plant snap being decoded. */
typedef struct plant_stage {
  char name[FH_NAME_MAX + 1];  /* plant name */
  fh_line *lines;              /* lines, owned */
  size_t nlines;               /* entries in lines */
  model_names kinds;           /* andon kinds */
  model_names reasons;         /* reason codes */
  model_reason *rtree;         /* the reason tree */
  size_t nrtree;               /* entries in rtree */
  model_esc *esc;              /* escalation steps */
  size_t nesc;                 /* entries in esc */
  char shift[FH_NAME_MAX + 1]; /* current shift */
  int64_t shift_start;         /* ms */
  int64_t shift_end;           /* ms */
  model_product *products;     /* the products, owned */
  size_t nproducts;            /* entries in products */
  int has_products;            /* products was present */
} plant_stage;

/* A line snap being decoded. */
typedef struct line_stage {
  fh_line line;                /* the line */
  int has_line;                /* line was present */
  fh_equipment *eq;            /* equipment, owned */
  size_t neq;                  /* entries in eq */
  fh_andon *andons;            /* its open andons, owned */
  size_t nandons;              /* entries in andons */
  fh_oee oee;                  /* OEE of the shift */
  int has_oee;                 /* oee was present */
  fh_run run;                  /* its run (id 0: none) */
  int has_run;                 /* run was present */
  model_handover ho;           /* the pending handover */
  int has_ho;                  /* handover was present */
} line_stage;

static int key_is(const fh_strv *k, const char *name) {
  return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

static int topic_is(const fh_strv *t, const char *prefix, fh_strv *rest) {
  size_t n = strlen(prefix);
  if (t->n < n || memcmp(t->p, prefix, n) != 0) return 0;
  rest->p = t->p + n;
  rest->n = t->n - n;
  return 1;
}

/* Reads an array header of at most max entries and allocates n * size. */
static int read_array_alloc(fh_mp_cursor *c, size_t max, size_t size,
                            void **out, size_t *n) {
  uint32_t cnt;
  if (fh_mp_read_array(c, &cnt) != 0 || cnt > max) return -EINVAL;
  *out = calloc(cnt ? cnt : 1, size);
  if (*out == NULL) return -ENOMEM;
  *n = cnt;
  return 0;
}

static int read_names(fh_mp_cursor *c, model_names *out) {
  void *v;
  size_t n;
  int rc = read_array_alloc(c, NAMES_MAX, sizeof *out->v, &v, &n);
  if (rc != 0) return rc;
  out->v = v;
  out->n = n;
  for (size_t i = 0; i < n; i++)
    if (fh_mp_read_strcpy(c, out->v[i], sizeof out->v[i]) != 0) return -EINVAL;
  return 0;
}

static int read_esc_step(fh_mp_cursor *c, model_esc *e) {
  uint32_t n;
  fh_strv k;
  uint64_t u;

  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n; i++) {
    if (fh_mp_read_str(c, &k) != 0) return -EINVAL;
    if (key_is(&k, "after_s")) {
      if (fh_mp_read_uint(c, &u) != 0 || u > UINT32_MAX) return -EINVAL;
      e->after_s = (uint32_t)u;
    } else if (key_is(&k, "role")) {
      if (fh_mp_read_strcpy(c, e->role, sizeof e->role) != 0) return -EINVAL;
    } else if (fh_mp_skip(c) != 0) {
      return -EINVAL;
    }
  }
  return 0;
}

static int shift_key(fh_mp_cursor *c, const fh_strv *k, void *arg) {
  plant_stage *p = arg;
  if (key_is(k, "name")) return fh_mp_read_strcpy(c, p->shift, sizeof p->shift);
  if (key_is(k, "start")) return fh_mp_read_int(c, &p->shift_start);
  if (key_is(k, "end")) return fh_mp_read_int(c, &p->shift_end);
  return fh_mp_skip(c);
}

static int read_shift(fh_mp_cursor *c, plant_stage *p) {
  return ft_model_read_map(c, shift_key, p);
}

static int plant_key(fh_mp_cursor *c, const fh_strv *k, plant_stage *p) {
  void *v;
  int rc;

  if (key_is(k, "plant")) return fh_mp_read_strcpy(c, p->name, sizeof p->name) ? -EINVAL : 0;
  if (key_is(k, "kinds")) return p->kinds.v ? -EINVAL : read_names(c, &p->kinds);
  if (key_is(k, "reasons")) return p->reasons.v ? -EINVAL : read_names(c, &p->reasons);
  if (key_is(k, "shift")) return read_shift(c, p);
  if (key_is(k, "reason_tree")) return p->rtree ? -EINVAL : ft_model_rtree_read(c, &p->rtree, &p->nrtree);
  if (key_is(k, "products")) {
    if (p->has_products) return -EINVAL;
    p->has_products = 1;
    return ft_model_products_read(c, &p->products, &p->nproducts);
  }
  if (key_is(k, "lines") && p->lines == NULL) {
    if ((rc = read_array_alloc(c, LINES_MAX, sizeof *p->lines, &v, &p->nlines)) != 0) return rc;
    p->lines = v;
    for (size_t i = 0; i < p->nlines; i++)
      if (fh_dec_line(c, &p->lines[i]) != 0) return -EINVAL;
    return 0;
  }
  if (key_is(k, "escalation") && p->esc == NULL) {
    if ((rc = read_array_alloc(c, ESC_MAX, sizeof *p->esc, &v, &p->nesc)) != 0) return rc;
    p->esc = v;
    for (size_t i = 0; i < p->nesc; i++)
      if ((rc = read_esc_step(c, &p->esc[i])) != 0) return rc;
    return 0;
  }
  return fh_mp_skip(c) ? -EINVAL : 0;
}

/* Replaces the plant part of the model; per-line details of lines that
 * remain are kept. */
static int commit_plant(model *m, plant_stage *p) {
  model_line *nl = calloc(p->nlines ? p->nlines : 1, sizeof *nl);

  if (nl == NULL) return -ENOMEM;
  for (size_t i = 0; i < p->nlines; i++) {
    model_line *old = ft_model_line_find(m, p->lines[i].id);
    if (old != NULL) {
      nl[i] = *old;
      old->eq = NULL; /* moved */
      old->stops = NULL;
    }
    nl[i].line = p->lines[i];
  }
  for (size_t i = 0; i < m->nlines; i++) {
    free(m->lines[i].eq);
    free(m->lines[i].stops);
  }
  free(m->lines);
  m->lines = nl;
  m->nlines = p->nlines;
  free(m->kinds.v);
  m->kinds = p->kinds;
  p->kinds.v = NULL;
  free(m->reasons.v);
  m->reasons = p->reasons;
  p->reasons.v = NULL;
  free(m->rtree);
  m->rtree = p->rtree;
  m->nrtree = p->nrtree;
  p->rtree = NULL;
  free(m->esc);
  m->esc = p->esc;
  m->nesc = p->nesc;
  p->esc = NULL;
  free(m->products);
  m->products = p->products;
  m->nproducts = p->nproducts;
  p->products = NULL;
  memcpy(m->plant, p->name, sizeof m->plant);
  memcpy(m->shift, p->shift, sizeof m->shift);
  m->shift_start = p->shift_start;
  m->shift_end = p->shift_end;
  m->has_plant = 1;
  return 0;
}

static void put_line(model *m, const fh_line *l) {
  model_line *ml = ft_model_line_find(m, l->id);
  if (ml != NULL) ml->line = *l;
}

/* A plant upd {shift: {...} | nil}: a shift began or ended. */
static int apply_shift(model *m, fh_mp_cursor *c, plant_stage *p) {
  if (fh_mp_peek(c) == FH_MP_NIL) {
    memset(p->shift, 0, sizeof p->shift);
    p->shift_start = p->shift_end = 0;
    if (fh_mp_read_nil(c) != 0) return -EINVAL;
  } else if (read_shift(c, p) != 0) {
    return -EINVAL;
  }
  memcpy(m->shift, p->shift, sizeof m->shift);
  m->shift_start = p->shift_start;
  m->shift_end = p->shift_end;
  return 0;
}

static int apply_plant(model *m, fh_mp_cursor *c, int snap) {
  plant_stage p;
  uint32_t n;
  fh_strv k;
  fh_line l;
  int rc = 0;

  memset(&p, 0, sizeof p);
  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    if (fh_mp_read_str(c, &k) != 0) rc = -EINVAL;
    else if (snap) rc = plant_key(c, &k, &p);
    else if (key_is(&k, "shift")) rc = apply_shift(m, c, &p);
    else if (!key_is(&k, "line")) rc = fh_mp_skip(c) ? -EINVAL : 0;
    else if (fh_dec_line(c, &l) != 0) rc = -EINVAL;
    else put_line(m, &l);
  }
  if (rc == 0 && snap) rc = commit_plant(m, &p);
  free(p.lines);
  free(p.kinds.v);
  free(p.reasons.v);
  free(p.rtree);
  free(p.esc);
  free(p.products);
  return rc;
}

static int read_andons(fh_mp_cursor *c, fh_andon **out, size_t *n) {
  void *v;
  int rc = read_array_alloc(c, MODEL_ANDONS_MAX, sizeof **out, &v, n);
  if (rc != 0) return rc;
  *out = v;
  for (size_t i = 0; i < *n; i++)
    if (fh_dec_andon(c, &(*out)[i]) != 0) return -EINVAL;
  return 0;
}

/* The andon topic: a snap replaces the table, an upd puts one andon. */
static int apply_andon_topic(model *m, fh_mp_cursor *c, int snap,
                             model_news *news) {
  uint32_t n;
  fh_strv k;
  fh_andon a, *list = NULL;
  size_t nlist = 0;
  int rc = 0, have_list = 0;

  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    if (fh_mp_read_str(c, &k) != 0) rc = -EINVAL;
    else if (snap && key_is(&k, "andons") && !have_list) {
      have_list = 1;
      rc = read_andons(c, &list, &nlist);
    } else if (!snap && key_is(&k, "andon")) {
      rc = fh_dec_andon(c, &a) ? -EINVAL : ft_model_andon_put(m, &a, news);
    } else {
      rc = fh_mp_skip(c) ? -EINVAL : 0;
    }
  }
  if (rc == 0 && have_list) {
    ft_model_andons_replace(m, list, nlist, news);
    list = NULL;
  }
  free(list);
  return rc;
}

/* -------------------------------------------------------------- lines */

static int read_equipment(fh_mp_cursor *c, line_stage *s) {
  void *v;
  int rc = read_array_alloc(c, EQ_MAX, sizeof *s->eq, &v, &s->neq);
  if (rc != 0) return rc;
  s->eq = v;
  for (size_t i = 0; i < s->neq; i++)
    if (fh_dec_equipment(c, &s->eq[i]) != 0) return -EINVAL;
  return 0;
}

static int line_key(fh_mp_cursor *c, const fh_strv *k, line_stage *s) {
  if (key_is(k, "line")) {
    s->has_line = 1;
    return fh_dec_line(c, &s->line) ? -EINVAL : 0;
  }
  if (key_is(k, "oee")) {
    s->has_oee = 1;
    return fh_dec_oee(c, &s->oee) ? -EINVAL : 0;
  }
  if (key_is(k, "run")) {
    s->has_run = 1;
    return ft_model_run_read(c, &s->run);
  }
  if (key_is(k, "handover")) {
    s->has_ho = 1;
    return ft_model_handover_read(c, &s->ho) ? -EINVAL : 0;
  }
  if (key_is(k, "equipment") && s->eq == NULL) return read_equipment(c, s);
  if (key_is(k, "andons") && s->andons == NULL) return read_andons(c, &s->andons, &s->nandons);
  return fh_mp_skip(c) ? -EINVAL : 0;
}

static int put_equipment(model_line *ml, const fh_equipment *e) {
  fh_equipment *nv;

  for (size_t i = 0; i < ml->neq; i++) {
    if (strcmp(ml->eq[i].id, e->id) == 0) {
      ml->eq[i] = *e;
      return 0;
    }
  }
  if (ml->neq >= EQ_MAX) return -EINVAL;
  nv = realloc(ml->eq, (ml->neq + 1) * sizeof *nv);
  if (nv == NULL) return -ENOMEM;
  ml->eq = nv;
  ml->eq[ml->neq++] = *e;
  return 0;
}

static int commit_line(model *m, model_line *ml, line_stage *s, int snap,
                       model_news *news) {
  int rc = 0;

  if (s->has_line) ml->line = s->line;
  if (s->has_run) ml->run = s->run;
  if (s->has_ho) ml->ho = s->ho;
  if (s->has_oee) {
    ml->oee = s->oee;
    ml->has_oee = 1;
  }
  if (snap) {
    free(ml->eq);
    ml->eq = s->eq;
    ml->neq = s->neq;
    s->eq = NULL;
    ml->has_detail = 1;
  } else if (s->eq != NULL) {
    rc = -EINVAL; /* an upd carries one equipment, not a list */
  }
  for (size_t i = 0; i < s->nandons && rc == 0; i++)
    rc = ft_model_andon_put(m, &s->andons[i], news);
  return rc;
}

/* An upd of line/<id> holds one entity map per key; read them here so that
 * `equipment` and `andon` are single entities. */
static int line_upd_key(model *m, model_line *ml, fh_mp_cursor *c,
                        const fh_strv *k, line_stage *s, model_news *news) {
  fh_equipment e;
  fh_andon a;

  if (key_is(k, "equipment")) return fh_dec_equipment(c, &e) ? -EINVAL : put_equipment(ml, &e);
  if (key_is(k, "andon")) return fh_dec_andon(c, &a) ? -EINVAL : ft_model_andon_put(m, &a, news);
  return line_key(c, k, s);
}

static int apply_line(model *m, const fh_strv *id, fh_mp_cursor *c, int snap,
                      model_news *news) {
  model_line *ml;
  line_stage s;
  uint32_t n;
  fh_strv k;
  int rc = 0;

  if (ft_model_topic_line(m, id, &ml) != 0) return -EINVAL;
  if (ml == NULL) return 0; /* not in the plant */
  memset(&s, 0, sizeof s);
  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    if (fh_mp_read_str(c, &k) != 0) rc = -EINVAL;
    else rc = snap ? line_key(c, &k, &s) : line_upd_key(m, ml, c, &k, &s, news);
  }
  if (rc == 0) rc = commit_line(m, ml, &s, snap, news);
  free(s.eq);
  free(s.andons);
  return rc;
}

int ft_model_apply(model *m, const fh_event *ev, model_news *news) {
  fh_mp_cursor c = ev->body;
  int snap = ev->type == FH_MSG_SNAP;
  fh_strv rest;

  if (news != NULL) memset(news, 0, sizeof *news);
  if (ev->type != FH_MSG_SNAP && ev->type != FH_MSG_UPD) return 0;
  if (key_is(&ev->topic, "plant")) return apply_plant(m, &c, snap);
  if (key_is(&ev->topic, "andon")) return apply_andon_topic(m, &c, snap, news);
  if (topic_is(&ev->topic, "line/", &rest)) return apply_line(m, &rest, &c, snap, news);
  if (topic_is(&ev->topic, "oee/", &rest)) return ft_model_apply_score(m, &rest, &c);
  if (topic_is(&ev->topic, "downtime/", &rest))
    return ft_model_apply_downtime(m, &rest, &c, snap, news);
  return 0;
}

void ft_model_report_set(model *m, const fh_event *ev) {
  model_report *r = &m->report;
  fh_mp_cursor c = ev->body;

  if (ev->type == FH_MSG_OK && key_is(&ev->body_key, "report") &&
      fh_dec_oee(&c, &r->oee) == 0) {
    r->state = REPORT_OK;
    return;
  }
  r->state = REPORT_ERR;
  if (ev->type == FH_MSG_ERR)
    snprintf(r->err, sizeof r->err, "%s: %.*s", fh_err_code_name(ev->code),
             (int)ev->msg.n, ev->msg.p);
  else
    snprintf(r->err, sizeof r->err, "the hub's answer could not be read");
}
