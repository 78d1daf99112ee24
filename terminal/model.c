/* model.c -- the model's lifetime, lines and escalation steps.
 *
 * Lines are few (a plant has tens) and andons at most MODEL_ANDONS_MAX, so
 * everything is a plain array searched linearly; the screen asks a few
 * hundred questions per second at most.  Decoding events into the model
 * is ft_model_apply.c, the andon table model_andons.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

void ft_model_init(model *m) { memset(m, 0, sizeof *m); }

void ft_model_free(model *m) {
  for (size_t i = 0; i < m->nlines; i++) {
    free(m->lines[i].eq);
    free(m->lines[i].stops);
  }
  free(m->lines);
  free(m->rtree);
  free(m->kinds.v);
  free(m->reasons.v);
  free(m->esc);
  free(m->andons);
  free(m->products);
  memset(m, 0, sizeof *m);
}

model_line *ft_model_line_find(const model *m, const char *id) {
  for (size_t i = 0; i < m->nlines; i++)
    if (strcmp(m->lines[i].line.id, id) == 0) return &m->lines[i];
  return NULL;
}

int ft_model_topic_line(const model *m, const fh_strv *id, model_line **out) {
  char lid[FH_ID_MAX + 1];
  *out = NULL;
  if (id->n == 0 || id->n > FH_ID_MAX) return -EINVAL;
  memcpy(lid, id->p, id->n);
  lid[id->n] = '\0';
  *out = ft_model_line_find(m, lid);
  return 0;
}

int ft_model_read_map(fh_mp_cursor *c,
                      int (*key)(fh_mp_cursor *c, const fh_strv *k, void *arg),
                      void *arg) {
  uint32_t n;
  fh_strv k;
  if (fh_mp_read_map(c, &n) != 0) return -EINVAL;
  for (uint32_t i = 0; i < n; i++)
    if (fh_mp_read_str(c, &k) != 0 || key(c, &k, arg) != 0) return -EINVAL;
  return 0;
}

const char *ft_model_esc_role(const model *m, uint32_t level) {
  if (level == 0 || level > m->nesc) return NULL;
  return m->esc[level - 1].role;
}

int ft_model_esc_calls(const model *m, const fh_andon *a, const char *role) {
  for (uint32_t l = 1; l <= a->level && l <= m->nesc; l++)
    if (strcmp(m->esc[l - 1].role, role) == 0) return 1;
  return 0;
}

const char *ft_model_shift_name(const model *m) {
  const char *name = m->shift;
  int64_t start = m->shift_start;

  for (size_t i = 0; i < m->nlines; i++) {
    const model_line *ml = &m->lines[i];
    if (ml->has_oee && ml->oee.shift_start > start) {
      start = ml->oee.shift_start;
      name = ml->oee.shift;
    }
  }
  return name;
}
