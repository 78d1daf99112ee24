/* history_scope.c -- the scope of a history query (see history_scope.h). */
#include "history_scope.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

static int is(fh_strv v, const char *word) {
  return v.n == strlen(word) && memcmp(v.p, word, v.n) == 0;
}

/* Sends the err for key; returns -1. */
static int refuse(session *s, const fh_request *req, fh_err_code code, const char *key,
                  const char *why) {
  session_send_err(s, req->has_id, req->id, code, key, "%s", why);
  return -1;
}

/* The line a scope line names, or the line of the equipment it names. */
static int find_target(hub *h, session *s, const fh_request *req, int by_equipment,
                       history_scope *out) {
  const char *key = by_equipment ? "equipment" : "line";
  fh_strv v = by_equipment ? req->u.history.equipment : req->u.history.line;
  char id[FH_ID_MAX + 1], why[FH_ID_MAX + 64];
  snprintf(id, sizeof id, "%.*s", (int)v.n, v.p);
  if (v.n == 0) {
    snprintf(why, sizeof why, "%s is required with scope %s", key, key);
    return refuse(s, req, FH_E_BAD_REQUEST, key, why);
  }
  if (by_equipment) {
    const plant_equipment *pe = plant_equipment_find(h->plant, id, v.n);
    out->equipment = pe != NULL ? pe - h->plant->equipment : -1;
    out->line = pe != NULL ? (long)pe->line : -1;
  } else {
    out->line = model_line_index(h, id);
  }
  if (out->line < 0) {
    snprintf(why, sizeof why, "no %s '%s'", key, id);
    return refuse(s, req, FH_E_NOT_FOUND, key, why);
  }
  if (!session_line_allowed(s, (size_t)out->line)) {
    snprintf(why, sizeof why, "%s %s is not in this token's lines", key, id);
    return refuse(s, req, FH_E_FORBIDDEN, key, why);
  }
  return 0;
}

int history_scope_parse(hub *h, session *s, const fh_request *req, int equipment_ok,
                        history_scope *out) {
  fh_strv scope = req->u.history.scope;
  out->line = out->equipment = -1;
  if (!is(scope, "line") && !is(scope, "plant") && !(equipment_ok && is(scope, "equipment")))
    return refuse(s, req, FH_E_BAD_REQUEST, "scope",
                  equipment_ok ? "scope must be line, equipment or plant"
                               : "scope must be line or plant (equipment: not kept yet)");
  if (req->u.history.to <= req->u.history.from)
    return refuse(s, req, FH_E_BAD_REQUEST, "to", "to must be after from");
  if (is(scope, "plant")) return 0;
  return find_target(h, s, req, is(scope, "equipment"), out);
}

int history_scope_has_line(const history_scope *sc, const session *s, size_t li) {
  return sc->line >= 0 ? (size_t)sc->line == li : session_line_allowed(s, li);
}
