/* history_scope.c -- the scope of a history query (see history_scope.h). */
#include "history_scope.h"

#include <stdio.h>
#include <string.h>

#include "downtime.h"
#include "model.h"
#include "stops.h"

static int is(fh_strv v, const char *word) {
  return v.n == strlen(word) && memcmp(v.p, word, v.n) == 0;
}

static int mask_has(const uint64_t *mask, size_t li) {
  return mask == NULL || ((mask[li / 64] >> (li % 64)) & 1);
}

/* Fills err; returns -1. */
static int refuse(history_scope_err *err, fh_err_code code, const char *key,
                  const char *what, fh_strv id, const char *why) {
  err->code = code;
  err->key = key;
  snprintf(err->why, sizeof err->why, "%s%.*s%s", what, (int)(id.n > FH_ID_MAX ? FH_ID_MAX : id.n),
           id.p ? id.p : "", why);
  return -1;
}

/* The line a scope line names, or the line of the equipment it names. */
static int find_target(hub *h, const uint64_t *mask, const history_scope_args *a,
                       history_scope *out, history_scope_err *err) {
  int by_eq = is(a->scope, "equipment");
  const char *key = by_eq ? "equipment" : "line";
  fh_strv v = by_eq ? a->equipment : a->line;
  char id[FH_ID_MAX + 1];
  if (v.n == 0)
    return refuse(err, FH_E_BAD_REQUEST, key, key, v, " is required with this scope");
  snprintf(id, sizeof id, "%.*s", (int)v.n, v.p);
  if (by_eq) {
    const plant_equipment *pe = plant_equipment_find(h->plant, id, v.n);
    out->equipment = pe != NULL ? pe - h->plant->equipment : -1;
    out->line = pe != NULL ? (long)pe->line : -1;
  } else {
    out->line = model_line_index(h, id);
  }
  if (out->line < 0)
    return refuse(err, FH_E_NOT_FOUND, key, by_eq ? "no equipment '" : "no line '", v, "'");
  if (!mask_has(mask, (size_t)out->line))
    return refuse(err, FH_E_FORBIDDEN, key, "", v, " is not on this token's lines");
  return 0;
}

int history_scope_check(hub *h, const uint64_t *mask, const history_scope_args *a,
                        history_scope *out, history_scope_err *err) {
  static const fh_strv none = {"", 0};
  out->line = out->equipment = -1;
  out->mask = mask;
  if (!is(a->scope, "line") && !is(a->scope, "plant") && !is(a->scope, "equipment"))
    return refuse(err, FH_E_BAD_REQUEST, "scope", "", none,
                  "scope must be line, equipment or plant");
  if (a->to <= a->from)
    return refuse(err, FH_E_BAD_REQUEST, "to", "", none, "to must be after from");
  if (is(a->scope, "plant")) return 0;
  return find_target(h, mask, a, out, err);
}

int history_scope_parse(hub *h, session *s, const fh_request *req, history_scope *out) {
  history_scope_args a = {req->u.history.scope, req->u.history.line,
                          req->u.history.equipment, req->u.history.from,
                          req->u.history.to};
  history_scope_err err;
  if (history_scope_check(h, s->line_mask, &a, out, &err) == 0) return 0;
  session_send_err(s, req->has_id, req->id, err.code, err.key, "%s", err.why);
  return -1;
}

int history_scope_has_line(const history_scope *sc, size_t li) {
  return sc->line >= 0 ? (size_t)sc->line == li : mask_has(sc->mask, li);
}

int history_scope_has(hub *h, const history_scope *sc, const char *line,
                      const char *equipment, int64_t start, int64_t end, int64_t from,
                      int64_t to) {
  long li = model_line_index(h, line);
  if (li < 0 || !history_scope_has_line(sc, (size_t)li)) return 0;
  if (sc->equipment >= 0 && strcmp(equipment, h->plant->equipment[sc->equipment].id) != 0)
    return 0;
  return start < to && (end == 0 || end > from);
}

int history_scope_stop(hub *h, const history_scope *sc, const void *val, size_t vlen,
                       int64_t from, int64_t to, int64_t now, dt_event *ev) {
  dt_limits lim;
  if (dt_decode(ev, val, vlen) != 0 ||
      !history_scope_has(h, sc, ev->d.line, ev->d.equipment, ev->d.start, ev->d.end, from, to))
    return 0;
  lim = stops_limits(h, (size_t)model_line_index(h, ev->d.line));
  dt_refresh(ev, now, &lim);
  return 1;
}
