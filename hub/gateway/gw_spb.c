/* gw_spb.c -- the Sparkplug B host state machine (gw_spb.h).
 *
 * Design: the topic is split into group / message type / node / device
 * (copied into fixed buffers, so the callbacks get NUL-terminated ids),
 * the payload is decoded into the host's fixed metric array, and one
 * handler per message type applies the rules of gw_spb.h.  Nodes live in a
 * growable array searched linearly (a plant has tens, not thousands); an
 * alias table is a growable array too, searched linearly from the newest.
 * Alias names are copied at birth, since payloads do not outlive a call.
 */
#include "gw_spb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "spb_decode.h"
#include "spb_encode.h"

#define PREFIX "spBv1.0/"

typedef struct alias {
  uint64_t alias;    /* the number used in data messages */
  char *name;        /* the metric name from the birth, owned */
} alias;

typedef struct device {
  char id[GW_SPB_ID_MAX + 1]; /* device id */
  int born;                   /* DBIRTH seen since the node's NBIRTH */
} device;

typedef struct node {
  char group[GW_SPB_ID_MAX + 1]; /* group id */
  char id[GW_SPB_ID_MAX + 1];    /* edge node id */
  int born;                 /* NBIRTH seen and no gap or death since */
  int has_bdseq;            /* the NBIRTH carried bdSeq */
  int64_t bdseq;            /* ... which is this */
  unsigned seq;             /* last seq seen, 0..255 */
  uint64_t last_rebirth;    /* now_ms of the last rebirth request, 0 none */
  alias *aliases;           /* alias table of the current births */
  size_t naliases, calias;  /* entries used and allocated */
  device *devs;             /* devices seen */
  size_t ndevs, cdevs;      /* entries used and allocated */
} node;

struct gw_spb {
  gw_spb_callbacks cb;      /* the caller's callbacks */
  void *arg;                /* ... and their argument */
  node *nodes;              /* edge nodes seen */
  size_t nnodes, cnodes;    /* entries used and allocated */
  gw_spb_stats st;          /* counters */
  spb_metric m[GW_SPB_METRICS_MAX]; /* the decoded metrics of one payload */
};

/* One message's topic and decoded payload. */
typedef struct msg {
  char group[GW_SPB_ID_MAX + 1];  /* group id */
  char type[8];                   /* NBIRTH, DDATA, ... */
  char node[GW_SPB_ID_MAX + 1];   /* edge node id */
  char device[GW_SPB_ID_MAX + 1]; /* device id, "" for node messages */
  spb_payload pl;                 /* the payload */
  uint64_t now;                   /* the caller's clock, ms */
} msg;


/* Copies topic level [p, p+n) into dst; -1 when empty or too long. */
static int level(char *dst, size_t cap, const char *p, size_t n) {
  if (n == 0 || n >= cap || memchr(p, '\0', n)) return -1;
  memcpy(dst, p, n);
  dst[n] = '\0';
  return 0;
}

/* spBv1.0/group/TYPE/node[/device] into m: three or four levels. */
static int split_topic(const char *t, size_t n, msg *m) {
  const char *lv[4], *p = t + strlen(PREFIX), *end = t + n;
  size_t ln[4], k = 0;
  if (n < strlen(PREFIX) || memcmp(t, PREFIX, strlen(PREFIX)) != 0) return -1;
  for (;;) {
    const char *s = memchr(p, '/', (size_t)(end - p));
    if (k == 4) return -1;
    lv[k] = p;
    ln[k++] = (size_t)((s ? s : end) - p);
    if (s == NULL) break;
    p = s + 1;
  }
  m->device[0] = '\0';
  if (k < 3 || level(m->group, sizeof m->group, lv[0], ln[0]) ||
      level(m->type, sizeof m->type, lv[1], ln[1]) ||
      level(m->node, sizeof m->node, lv[2], ln[2]) ||
      (k == 4 && level(m->device, sizeof m->device, lv[3], ln[3])))
    return -1;
  return 0;
}

/* Grows *arr (of *cap elements of size sz) to hold one more; -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t used, size_t sz, size_t max) {
  size_t ncap;
  void *p;
  if (used < *cap) return 0;
  if (used >= max) return -ENOSPC;
  ncap = *cap ? *cap * 2 : 8;
  if (ncap > max) ncap = max;
  if ((p = realloc(*arr, ncap * sz)) == NULL) return -ENOMEM;
  *arr = p;
  *cap = ncap;
  return 0;
}

static node *find_node(gw_spb *h, const msg *m, int create) {
  for (size_t i = 0; i < h->nnodes; i++)
    if (strcmp(h->nodes[i].group, m->group) == 0 && strcmp(h->nodes[i].id, m->node) == 0)
      return &h->nodes[i];
  if (!create || grow((void **)&h->nodes, &h->cnodes, h->nnodes, sizeof *h->nodes,
                      GW_SPB_NODES_MAX) != 0)
    return NULL;
  node *n = &h->nodes[h->nnodes++];
  memset(n, 0, sizeof *n);
  memcpy(n->group, m->group, sizeof n->group);
  memcpy(n->id, m->node, sizeof n->id);
  return n;
}

static device *find_device(node *n, const char *id, int create) {
  for (size_t i = 0; i < n->ndevs; i++)
    if (strcmp(n->devs[i].id, id) == 0) return &n->devs[i];
  if (!create ||
      grow((void **)&n->devs, &n->cdevs, n->ndevs, sizeof *n->devs, GW_SPB_DEVICES_MAX))
    return NULL;
  device *d = &n->devs[n->ndevs++];
  snprintf(d->id, sizeof d->id, "%s", id);
  d->born = 0;
  return d;
}

static void clear_aliases(node *n) {
  for (size_t i = 0; i < n->naliases; i++) free(n->aliases[i].name);
  n->naliases = 0;
}

static const char *alias_name(const node *n, uint64_t a) {
  for (size_t i = n->naliases; i-- > 0;)
    if (n->aliases[i].alias == a) return n->aliases[i].name;
  return NULL;
}

static int alias_set(node *n, uint64_t a, const char *name, size_t len) {
  char *copy = strndup(name, len);
  int rc;
  if (copy == NULL) return -ENOMEM;
  for (size_t i = 0; i < n->naliases; i++)
    if (n->aliases[i].alias == a) {
      free(n->aliases[i].name);
      n->aliases[i].name = copy;
      return 0;
    }
  rc = grow((void **)&n->aliases, &n->calias, n->naliases, sizeof *n->aliases,
            GW_SPB_ALIASES_MAX);
  if (rc != 0) {
    free(copy);
    return rc;
  }
  n->aliases[n->naliases++] = (alias){a, copy};
  return 0;
}

static gw_value value_of(const spb_metric *m) {
  gw_value v = {GW_V_NULL, 0, 0, NULL, 0};
  if (m->is_null) return v;
  switch (m->kind) {
  case SPB_V_BOOL: v.kind = GW_V_BOOL, v.i = (int64_t)m->v.u; break;
  case SPB_V_INT:
  case SPB_V_LONG:
    if (spb_metric_int(m, &v.i) == 0) v.kind = GW_V_INT;
    else v.kind = GW_V_DOUBLE, v.d = (double)m->v.u;
    break;
  case SPB_V_FLOAT:
  case SPB_V_DOUBLE: v.kind = GW_V_DOUBLE, v.d = m->v.d; break;
  case SPB_V_STRING: v.kind = GW_V_STRING, v.s = m->v.s.p, v.n = m->v.s.n; break;
  default: break;
  }
  return v;
}

/* Every metric of the payload to the callback; a birth fills the alias
 * table first.  0 or -ENOMEM / -ENOSPC (alias table full). */
static int emit_metrics(gw_spb *h, node *n, const msg *m, int birth) {
  const char *dev = m->device[0] ? m->device : NULL;
  for (size_t i = 0; i < m->pl.nmetrics; i++) {
    const spb_metric *x = &m->pl.metrics[i];
    const char *name = x->name;
    size_t len = x->name_n;
    uint64_t ts = x->timestamp ? x->timestamp : m->pl.timestamp;
    gw_value v = value_of(x);
    int rc;
    if (birth && name && x->has_alias && (rc = alias_set(n, x->alias, name, len)) != 0)
      return rc;
    if (name == NULL && x->has_alias && (name = alias_name(n, x->alias)) != NULL)
      len = strlen(name);
    if (name == NULL) {
      h->st.unknown_alias++;
      continue;
    }
    if (h->cb.metric) h->cb.metric(h->arg, m->group, m->node, dev, name, len, &v, ts);
  }
  return 0;
}

static void want_rebirth(gw_spb *h, node *n, const msg *m) {
  if (n->last_rebirth && m->now - n->last_rebirth < GW_SPB_REBIRTH_MS) return;
  n->last_rebirth = m->now ? m->now : 1;
  h->st.rebirths++;
  gw_logf(h->cb.log, h->arg, "sparkplug: asking %s/%s for a rebirth", m->group, m->node);
  if (h->cb.rebirth) h->cb.rebirth(h->arg, m->group, m->node);
}

/* The seq rule for everything after NBIRTH; 0 when the message counts. */
static int check_seq(gw_spb *h, node *n, const msg *m) {
  unsigned want = (n->seq + 1) & 255;
  if (!n->born) {
    h->st.unborn++;
    want_rebirth(h, n, m);
    return -1;
  }
  if (!m->pl.has_seq || m->pl.seq != want) {
    h->st.gaps++;
    gw_logf(h->cb.log, h->arg, "sparkplug: %s/%s: %s seq %llu where %u was due", m->group, m->node,
          m->type, (unsigned long long)m->pl.seq, want);
    n->born = 0;
    want_rebirth(h, n, m);
    return -1;
  }
  n->seq = want;
  return 0;
}

/* The bdSeq metric of an NBIRTH or NDEATH; 0 when found. */
static int bdseq_of(const msg *m, int64_t *out) {
  for (size_t i = 0; i < m->pl.nmetrics; i++) {
    const spb_metric *x = &m->pl.metrics[i];
    if (x->name && x->name_n == 5 && memcmp(x->name, "bdSeq", 5) == 0)
      return spb_metric_int(x, out);
  }
  return -1;
}

static int on_nbirth(gw_spb *h, node *n, const msg *m) {
  clear_aliases(n);
  for (size_t i = 0; i < n->ndevs; i++) n->devs[i].born = 0;
  n->born = 1;
  n->seq = (unsigned)(m->pl.seq & 255);
  n->has_bdseq = bdseq_of(m, &n->bdseq) == 0;
  return emit_metrics(h, n, m, 1);
}

static int on_ndeath(gw_spb *h, node *n, const msg *m) {
  int64_t bd;
  if (!n->has_bdseq || bdseq_of(m, &bd) != 0 || bd != n->bdseq) {
    h->st.stale++;
    return 0;
  }
  n->born = 0;
  n->has_bdseq = 0;
  for (size_t i = 0; i < n->ndevs; i++) n->devs[i].born = 0;
  gw_logf(h->cb.log, h->arg, "sparkplug: %s/%s died", m->group, m->node);
  if (h->cb.dead) h->cb.dead(h->arg, m->group, m->node, NULL);
  return 0;
}

/* DBIRTH, DDATA, DDEATH, NDATA: after the seq rule. */
static int on_seq_message(gw_spb *h, node *n, const msg *m) {
  int dev = m->device[0] != '\0';
  device *d = dev ? find_device(n, m->device, m->type[0] == 'D' && m->type[1] == 'B') : NULL;
  if (check_seq(h, n, m) != 0) return 0;
  if (strcmp(m->type, "DBIRTH") == 0) {
    if (d == NULL) return -ENOSPC;
    d->born = 1;
    return emit_metrics(h, n, m, 1);
  }
  if (dev && (d == NULL || !d->born)) {
    h->st.unborn++;
    want_rebirth(h, n, m);
    return 0;
  }
  if (strcmp(m->type, "DDEATH") == 0) {
    d->born = 0;
    if (h->cb.dead) h->cb.dead(h->arg, m->group, m->node, m->device);
    return 0;
  }
  return emit_metrics(h, n, m, 0);
}

/* 1 when the message type goes with (or without) a device level. */
static int type_fits(const msg *m) {
  static const char *const node_types[] = {"NBIRTH", "NDEATH", "NDATA", "NCMD"};
  static const char *const dev_types[] = {"DBIRTH", "DDEATH", "DDATA", "DCMD"};
  const char *const *types = m->device[0] ? dev_types : node_types;
  for (int i = 0; i < 4; i++)
    if (strcmp(m->type, types[i]) == 0) return 1;
  return 0;
}

int gw_spb_message(gw_spb *h, const char *topic, size_t tn, const uint8_t *p, size_t n,
                   uint64_t now_ms) {
  msg m;
  node *nd;
  int rc;

  h->st.messages++;
  if (tn >= 14 && memcmp(topic, PREFIX "STATE/", 14) == 0) return 0;
  if (split_topic(topic, tn, &m) != 0 || !type_fits(&m)) {
    h->st.refused++;
    gw_logf(h->cb.log, h->arg, "sparkplug: refused topic '%.*s'", (int)(tn < 200 ? tn : 200), topic);
    return -EINVAL;
  }
  if (strcmp(m.type + 1, "CMD") == 0) return 0;
  m.now = now_ms;
  m.pl = (spb_payload){.metrics = h->m, .cap = GW_SPB_METRICS_MAX};
  if ((rc = spb_decode(p, n, &m.pl)) != 0) {
    h->st.refused++;
    gw_logf(h->cb.log, h->arg, "sparkplug: %s/%s: %s refused: %s at byte %zu", m.group, m.node, m.type,
          spb_strerror(rc), m.pl.err_off);
    return rc;
  }
  if ((nd = find_node(h, &m, strcmp(m.type, "NDEATH") != 0)) == NULL)
    return strcmp(m.type, "NDEATH") == 0 ? 0 : -ENOSPC;
  if (strcmp(m.type, "NBIRTH") == 0) rc = on_nbirth(h, nd, &m);
  else if (strcmp(m.type, "NDEATH") == 0) rc = on_ndeath(h, nd, &m);
  else rc = on_seq_message(h, nd, &m);
  if (rc != 0) gw_logf(h->cb.log, h->arg, "sparkplug: %s/%s: %s: %s", m.group, m.node, m.type, strerror(-rc));
  return rc;
}

int gw_spb_new(gw_spb **out, const gw_spb_callbacks *cb, void *arg) {
  gw_spb *h = calloc(1, sizeof *h);
  *out = NULL;
  if (h == NULL) return -ENOMEM;
  h->cb = *cb;
  h->arg = arg;
  *out = h;
  return 0;
}

void gw_spb_free(gw_spb *h) {
  if (h == NULL) return;
  for (size_t i = 0; i < h->nnodes; i++) {
    clear_aliases(&h->nodes[i]);
    free(h->nodes[i].aliases);
    free(h->nodes[i].devs);
  }
  free(h->nodes);
  free(h);
}

const gw_spb_stats *gw_spb_get_stats(const gw_spb *h) { return &h->st; }

size_t gw_spb_rebirth_payload(uint8_t *buf, size_t cap, uint64_t ts) {
  static const char name[] = "Node Control/Rebirth";
  spb_metric m = {.name = name, .name_n = sizeof name - 1, .datatype = SPB_BOOLEAN,
                  .kind = SPB_V_BOOL, .v.u = 1};
  spb_payload p = {.has_timestamp = 1, .timestamp = ts, .metrics = &m, .nmetrics = 1};
  return spb_encode(&p, buf, cap);
}
