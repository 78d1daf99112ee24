/* gw_match.c -- what an MQTT message or a Sparkplug metric means through the
 * mapping (gw_map.h).
 *
 * Design: both entry points reduce their input to gw_value (a number, a
 * bool, a string or null) per mapped place, then one interpreter turns a
 * value into a state (code map, rules, or a state name) or a total (a
 * non-negative whole number).  A plain payload is parsed once, lazily, by
 * jansson (any JSON value; without a pointer a payload that is not JSON is
 * taken as a string, so `mosquitto_pub -m running` works), and the JSON
 * pointer (RFC 6901) is resolved in the tree.  Everything a message yields
 * goes to the caller's sink before the call returns.
 */
#include "gw_map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gw_topic_match(const char *f, const char *t, size_t tn) {
  const char *end = t + tn;
  for (;;) {
    if (f[0] == '#' && f[1] == '\0') return 1;
    const char *slash = memchr(t, '/', (size_t)(end - t));
    const char *lvl_end = slash ? slash : end;
    size_t fl = strcspn(f, "/");
    if (!(fl == 1 && f[0] == '+') &&
        (fl != (size_t)(lvl_end - t) || memcmp(f, t, fl) != 0))
      return 0;
    f += fl;
    if (slash == NULL) return *f == '\0';
    if (*f != '/') return 0;
    f++, t = slash + 1;
  }
}

/* One reference token of a pointer, unescaped into tok; *p moves past it. */
static int next_token(const char **p, char *tok, size_t cap) {
  size_t n = 0;
  for ((*p)++; **p && **p != '/'; (*p)++) {
    char ch = **p;
    if (ch == '~') {
      ch = (*p)[1] == '0' ? '~' : (*p)[1] == '1' ? '/' : 0;
      if (ch == 0) return -1;
      (*p)++;
    }
    if (n + 1 >= cap) return -1;
    tok[n++] = ch;
  }
  tok[n] = '\0';
  return 0;
}

json_t *gw_json_pointer(json_t *doc, const char *ptr) {
  char tok[256];
  while (doc && *ptr) {
    if (*ptr != '/' || next_token(&ptr, tok, sizeof tok) != 0) return NULL;
    if (json_is_object(doc)) {
      doc = json_object_get(doc, tok);
    } else if (json_is_array(doc)) {
      char *end;
      unsigned long i;
      if (tok[0] < '0' || tok[0] > '9' || (tok[0] == '0' && tok[1])) return NULL;
      i = strtoul(tok, &end, 10);
      doc = *end ? NULL : json_array_get(doc, i);
    } else {
      return NULL;
    }
  }
  return doc;
}

static gw_value value_of_json(json_t *j) {
  gw_value v = {GW_V_NULL, 0, 0, NULL, 0};
  if (json_is_boolean(j)) v.kind = GW_V_BOOL, v.i = json_is_true(j);
  else if (json_is_integer(j)) v.kind = GW_V_INT, v.i = json_integer_value(j);
  else if (json_is_real(j)) v.kind = GW_V_DOUBLE, v.d = json_real_value(j);
  else if (json_is_string(j))
    v.kind = GW_V_STRING, v.s = json_string_value(j), v.n = json_string_length(j);
  return v;
}

/* A whole number from v, or -1. */
static int whole(const gw_value *v, int64_t *out) {
  if (v->kind == GW_V_INT || v->kind == GW_V_BOOL) {
    *out = v->i;
    return 0;
  }
  if (v->kind == GW_V_DOUBLE && v->d >= -9.2e18 && v->d <= 9.2e18 && v->d == floor(v->d)) {
    *out = (int64_t)v->d;
    return 0;
  }
  return -1;
}

/* v as the text of a code-map key: a whole number in decimal, a string as
 * it is, a bool as true/false.  -1 for null and fractions. */
static int code_text(const gw_value *v, char *buf, size_t cap) {
  int64_t i;
  if (v->kind == GW_V_STRING) {
    if (v->n + 1 > cap) return -1;
    memcpy(buf, v->s, v->n);
    buf[v->n] = '\0';
    return 0;
  }
  if (v->kind == GW_V_BOOL) return snprintf(buf, cap, "%s", v->i ? "true" : "false") < 0;
  if (whole(v, &i) != 0) return -1;
  snprintf(buf, cap, "%lld", (long long)i);
  return 0;
}

/* A truth value: bools, 0/1 numbers, "true"/"false". */
static int truth(const gw_value *v) {
  int64_t i;
  if (v->kind == GW_V_STRING) {
    if (v->n == 4 && memcmp(v->s, "true", 4) == 0) return 1;
    return v->n == 5 && memcmp(v->s, "false", 5) == 0 ? 0 : -1;
  }
  if (whole(v, &i) == 0 && (i == 0 || i == 1)) return (int)i;
  return -1;
}

static int eqn(const char *a, const char *b, size_t bn) {
  return a && strlen(a) == bn && memcmp(a, b, bn) == 0;
}

/* A state from one value (state name or code map) into u. */
static int state_of(const gw_equipment *e, const gw_value *v, gw_update *u,
                    const char **why) {
  char code[64];
  int s;
  if (e->mode == GW_STATE_NAME) {
    s = v->kind == GW_V_STRING ? fh_eq_state_from(v->s, v->n) : -1;
    if (s < 0) return *why = "the value is not a state name", -1;
    u->state = (fh_eq_state)s;
    return 0;
  }
  if (code_text(v, code, sizeof code) != 0) return *why = "the value is no code", -1;
  for (size_t k = 0; k < e->ncodes; k++)
    if (strcmp(e->codes[k].code, code) == 0) {
      u->state = e->codes[k].state;
      u->reason = e->codes[k].reason;
      return 0;
    }
  u->state = FH_EQ_UNKNOWN;
  u->unmapped = 1;
  memcpy(u->code, code, sizeof u->code);
  return 0;
}

/* The first rule whose input has its value, else the else state. */
static void rules_eval(const gw_equipment *e, gw_update *u) {
  u->state = e->else_state;
  for (size_t k = 0; k < e->nrules; k++)
    if (e->rules[k].last == e->rules[k].is) {
      u->state = e->rules[k].state;
      u->reason = e->rules[k].reason;
      return;
    }
}

/* What the sink is handed for one mapped value. */
typedef struct emit {
  gw_map *m;     /* the map */
  gw_sink sink;  /* the caller's sink */
  void *arg;     /* ... and its argument */
  int n;         /* updates made so far */
} emit;

static void emit_state(emit *o, size_t i, const gw_value *v) {
  gw_update u = {.eq = i, .what = GW_UP_STATE};
  const char *why = NULL;
  if (v == NULL) rules_eval(&o->m->eq[i], &u);
  else if (state_of(&o->m->eq[i], v, &u, &why) != 0) {
    o->sink(o->arg, NULL, i, why);
    return;
  }
  o->sink(o->arg, &u, i, NULL);
  o->n++;
}

static void emit_total(emit *o, size_t i, gw_what what, const gw_value *v) {
  gw_update u = {.eq = i, .what = what};
  int64_t t;
  if (whole(v, &t) != 0 || t < 0) {
    o->sink(o->arg, NULL, i, "a total must be a whole number >= 0");
    return;
  }
  u.total = (uint64_t)t;
  o->sink(o->arg, &u, i, NULL);
  o->n++;
}

/* A plain payload, parsed on first use. */
typedef struct doc {
  const uint8_t *p;  /* the payload */
  size_t n;          /* its bytes */
  json_t *root;      /* the parsed tree, NULL if not JSON */
  int parsed;        /* parsing was tried */
} doc;

/* The value at ptr (NULL: the whole payload); 0, or -1 with *why. */
static int doc_get(doc *d, const char *ptr, gw_value *v, const char **why) {
  json_t *j;
  if (!d->parsed) {
    d->parsed = 1;
    if (d->n <= GW_PAYLOAD_MAX)
      d->root = json_loadb((const char *)d->p, d->n, JSON_DECODE_ANY, NULL);
  }
  if (d->root == NULL && ptr == NULL && d->n <= GW_PAYLOAD_MAX &&
      fh_utf8_valid((const char *)d->p, d->n)) {
    *v = (gw_value){.kind = GW_V_STRING, .s = (const char *)d->p, .n = d->n};
    return 0;
  }
  if (d->root == NULL) return *why = "the payload is not JSON (or too large)", -1;
  if ((j = gw_json_pointer(d->root, ptr ? ptr : "")) == NULL)
    return *why = "no value at the JSON pointer", -1;
  *v = value_of_json(j);
  return 0;
}

/* Rules of a plain source: each input present in the payload updates its
 * rule; 1 when any did. */
static int mqtt_rules(gw_equipment *e, doc *d) {
  int any = 0;
  gw_value v;
  const char *why;
  for (size_t k = 0; k < e->nrules; k++)
    if (doc_get(d, e->rules[k].input, &v, &why) == 0 && truth(&v) >= 0) {
      e->rules[k].last = truth(&v);
      any = 1;
    }
  return any;
}

static int topic_is(const gw_source *s, const char *t, size_t tn) {
  return s->kind == GW_SRC_MQTT && gw_topic_match(s->topic, t, tn);
}

/* The value of a mapped place in a plain payload, to its interpreter. */
static void mqtt_place(emit *o, size_t i, const gw_source *s, gw_what what, doc *d) {
  gw_value v;
  const char *why;
  if (doc_get(d, s->pointer, &v, &why) != 0) o->sink(o->arg, NULL, i, why);
  else if (what == GW_UP_STATE) emit_state(o, i, &v);
  else emit_total(o, i, what, &v);
}

int gw_map_mqtt(gw_map *m, const char *topic, size_t tn, const uint8_t *payload,
                size_t len, gw_sink sink, void *arg) {
  emit o = {m, sink, arg, 0};
  doc d = {payload, len, NULL, 0};
  for (size_t i = 0; i < m->neq; i++) {
    gw_equipment *e = &m->eq[i];
    if (topic_is(&e->state_src, topic, tn)) {
      if (e->mode != GW_STATE_RULES) mqtt_place(&o, i, &e->state_src, GW_UP_STATE, &d);
      else if (mqtt_rules(e, &d)) emit_state(&o, i, NULL);
    }
    if (topic_is(&e->good_src, topic, tn)) mqtt_place(&o, i, &e->good_src, GW_UP_GOOD, &d);
    if (topic_is(&e->reject_src, topic, tn))
      mqtt_place(&o, i, &e->reject_src, GW_UP_REJECT, &d);
  }
  json_decref(d.root);
  return o.n;
}

/* 1 when s is fed by that group/node/device (NULL and "" are the node). */
static int spb_is(const gw_source *s, const char *g, const char *n, const char *dev) {
  const char *sd = s->device ? s->device : "", *d = dev ? dev : "";
  return s->kind == GW_SRC_SPARKPLUG && strcmp(s->group, g) == 0 &&
         strcmp(s->node, n) == 0 && strcmp(sd, d) == 0;
}

int gw_map_metric(gw_map *m, const char *group, const char *node, const char *device,
                  const char *metric, size_t mn, const gw_value *v, gw_sink sink,
                  void *arg) {
  emit o = {m, sink, arg, 0};
  for (size_t i = 0; i < m->neq; i++) {
    gw_equipment *e = &m->eq[i];
    if (spb_is(&e->state_src, group, node, device)) {
      int hit = 0;
      for (size_t k = 0; k < e->nrules; k++)
        if (eqn(e->rules[k].input, metric, mn)) {
          e->rules[k].last = truth(v);
          hit = 1;
        }
      if (hit) emit_state(&o, i, NULL);
      else if (eqn(e->state_src.metric, metric, mn)) emit_state(&o, i, v);
    }
    if (spb_is(&e->good_src, group, node, device) && eqn(e->good_src.metric, metric, mn))
      emit_total(&o, i, GW_UP_GOOD, v);
    if (spb_is(&e->reject_src, group, node, device) &&
        eqn(e->reject_src.metric, metric, mn))
      emit_total(&o, i, GW_UP_REJECT, v);
  }
  return o.n;
}

int gw_map_dead(gw_map *m, const char *group, const char *node, const char *device,
                gw_sink sink, void *arg) {
  int n = 0;
  for (size_t i = 0; i < m->neq; i++) {
    const gw_source *s = &m->eq[i].state_src;
    gw_update u = {.eq = i, .what = GW_UP_STATE, .state = FH_EQ_UNKNOWN,
                   .machine_reason = GW_REASON_NO_SIGNAL};
    if (s->kind != GW_SRC_SPARKPLUG || m->eq[i].mode == GW_STATE_NONE ||
        !spb_is(s, group, node, device ? device : s->device))
      continue;
    sink(arg, &u, i, NULL);
    n++;
  }
  return n;
}

int gw_map_uses_node(const gw_map *m, const char *group, const char *node) {
  for (size_t i = 0; i < m->neq; i++) {
    const gw_source *s[3] = {&m->eq[i].state_src, &m->eq[i].good_src, &m->eq[i].reject_src};
    for (int k = 0; k < 3; k++)
      if (s[k]->kind == GW_SRC_SPARKPLUG && strcmp(s[k]->group, group) == 0 &&
          strcmp(s[k]->node, node) == 0)
        return 1;
  }
  return 0;
}

size_t gw_map_topics(const gw_map *m, const char **out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < m->neq; i++) {
    const gw_source *s[3] = {&m->eq[i].state_src, &m->eq[i].good_src, &m->eq[i].reject_src};
    for (int k = 0; k < 3; k++) {
      size_t j = 0;
      if (s[k]->kind != GW_SRC_MQTT) continue;
      while (j < n && j < cap && strcmp(out[j], s[k]->topic) != 0) j++;
      if (j < n && j < cap) continue;
      if (n < cap) out[n] = s[k]->topic;
      n++;
    }
  }
  return n;
}
