/* stop_scan.c -- the stop index kept, built and read (see stop_scan.h). */
#include "stop_scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "stop_index.h"
#include "stops.h"

#define BUILD_STEP 20000 /* index entries per commit while building */
#define SCAN_END 0x5ca7  /* the walk passed `to` (never a store code) */

/* Queues the entry of (line, start, id) into b; the longest stop into
 * *maxlen when a closed ev is longer (b gets it too). */
static int index_put(fh_batch *b, const dt_event *ev, uint64_t *maxlen) {
  uint8_t key[DT_INDEX_KEY_MAX], val[DT_INDEX_VAL_MAX], len[8];
  size_t klen = dt_index_key(ev->d.line, ev->d.start, ev->d.id, key);
  size_t vlen = dt_index_value(&ev->d, val);
  if (klen == 0) return 0; /* not of a plant line: never read by line */
  if (fh_batch_put(b, FH_T_STOP_INDEX, key, klen, val, vlen) != 0) return -ENOMEM;
  if (ev->d.end == 0 || (uint64_t)(ev->d.end - ev->d.start) <= *maxlen) return 0;
  *maxlen = (uint64_t)(ev->d.end - ev->d.start);
  dt_put_be64(*maxlen, len);
  return fh_batch_put(b, FH_T_META, DT_META_MAXLEN, strlen(DT_META_MAXLEN), len,
                      sizeof len) != 0 ? -ENOMEM : 0;
}

int stop_scan_index(hub *h, const dt_event *ev) {
  return index_put(h->batch, ev, &h->model->stop_maxlen);
}

int stop_scan_unindex(hub *h, const dt_event *old) {
  uint8_t key[DT_INDEX_KEY_MAX];
  size_t klen = dt_index_key(old->d.line, old->d.start, old->d.id, key);
  if (klen == 0) return 0;
  return fh_batch_del(h->batch, FH_T_STOP_INDEX, key, klen) != 0 ? -ENOMEM : 0;
}

static int maxlen_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  (void)key;
  (void)klen;
  if (vlen != 8) return -EINVAL;
  *(uint64_t *)arg = dt_get_be64(val);
  return 0;
}

int stop_scan_load(hub *h) {
  return fh_store_get(h->store, FH_T_META, DT_META_MAXLEN, strlen(DT_META_MAXLEN),
                      maxlen_cb, &h->model->stop_maxlen);
}

/* ------------------------------------------------------------ building */

typedef struct build_scan {
  hub *h;              /* the plant's lines */
  fh_batch *b;         /* the entries of the step */
  uint8_t from[8];     /* where the next step resumes */
  size_t n;            /* entries in b */
  int more;            /* the step stopped before the table's end */
} build_scan;

static int build_cb(void *arg, const void *key, size_t klen, const void *val,
                    size_t vlen) {
  build_scan *sc = arg;
  dt_event ev;
  if (sc->n == BUILD_STEP) {
    memcpy(sc->from, key, klen == 8 ? 8 : 0);
    sc->more = 1;
    return 1;
  }
  if (klen != 8 || dt_decode(&ev, val, vlen) != 0) return 0;
  if (model_line_index(sc->h, ev.d.line) < 0) return 0;
  sc->n++;
  return index_put(sc->b, &ev, &sc->h->model->stop_maxlen);
}

int stop_scan_build(hub *h) {
  build_scan sc = {h, fh_batch_new(), {0}, 0, 1};
  uint8_t len[8];
  uint64_t total = 0;
  int rc = sc.b == NULL ? -ENOMEM : 0;
  h->model->stop_maxlen = 0;
  while (rc == 0 && sc.more) {
    int first = total == 0;
    sc.more = 0;
    sc.n = 0;
    fh_batch_clear(sc.b);
    rc = fh_store_scan_from(h->store, FH_T_DOWNTIME, sc.from, first ? 0 : 8, build_cb, &sc);
    if (rc == 1) rc = 0;
    if (rc == 0 && !sc.more) { /* the last step says the index is complete */
      dt_put_be64(h->model->stop_maxlen, len);
      rc = fh_batch_put(sc.b, FH_T_META, DT_META_MAXLEN, strlen(DT_META_MAXLEN), len, 8);
    }
    if (rc == 0) rc = fh_store_commit(h->store, sc.b, NULL);
    total += sc.n;
  }
  if (rc == 0) log_info("store: stop index built (%llu stops)", (unsigned long long)total);
  fh_batch_free(sc.b);
  return rc;
}

/* ------------------------------------------------------------- loading */

typedef struct recent_scan {
  int64_t since;       /* stops that ended before this stay in the store */
  uint64_t *ids;       /* the ids of those to load */
  size_t n, cap;       /* used, allocated */
} recent_scan;

static int recent_cb(void *arg, const void *key, size_t klen, const void *val,
                     size_t vlen) {
  recent_scan *sc = arg;
  const uint8_t *slash = memchr(key, '/', klen);
  dt_index_entry e;
  if (slash == NULL ||
      dt_index_entry_read(key, klen, (size_t)(slash - (const uint8_t *)key) + 1, val,
                          vlen, &e) != 0 ||
      (e.end != 0 && e.end < sc->since))
    return 0;
  if (sc->n == sc->cap) {
    size_t cap = sc->cap ? 2 * sc->cap : 1024;
    uint64_t *ids = realloc(sc->ids, cap * sizeof *ids);
    if (ids == NULL) return -ENOMEM;
    sc->ids = ids;
    sc->cap = cap;
  }
  sc->ids[sc->n++] = e.id;
  return 0;
}

int stop_scan_recent(hub *h, int64_t since, fh_store_cb cb, void *arg) {
  recent_scan sc = {since, NULL, 0, 0};
  uint8_t key[8];
  int rc = fh_store_scan(h->store, FH_T_STOP_INDEX, NULL, 0, recent_cb, &sc);
  for (size_t i = 0; rc == 0 && i < sc.n; i++) {
    stops_key(sc.ids[i], key);
    rc = fh_store_get(h->store, FH_T_DOWNTIME, key, sizeof key, cb, arg);
    if (rc == -ENOENT) rc = 0; /* the entry outlived its stop: nothing to load */
  }
  free(sc.ids);
  return rc;
}

/* ------------------------------------------------------------- reading */

typedef struct line_walk {
  uint8_t prefix[DT_INDEX_KEY_MAX]; /* "<line>/" */
  size_t plen;         /* its length */
  int64_t to;          /* entries starting at or after this end the walk */
  fh_store_cb cb;      /* the caller's, for records */
  stop_entry_cb ecb;   /* the caller's, for entries (when cb is NULL) */
  void *arg;
} line_walk;

static int walk_cb(void *arg, const void *key, size_t klen, const void *val,
                   size_t vlen) {
  line_walk *w = arg;
  dt_index_entry e;
  if (klen < w->plen + 16 || memcmp(key, w->prefix, w->plen) != 0 ||
      dt_index_key_start(key, klen, w->plen) >= w->to)
    return SCAN_END;
  if (w->cb != NULL) return w->cb(w->arg, key, klen, val, vlen);
  if (dt_index_entry_read(key, klen, w->plen, val, vlen, &e) != 0) return 0;
  return w->ecb(w->arg, &e);
}

/* Where the walk of line li for a range from `from` begins. */
static int64_t walk_start(hub *h, size_t li, int64_t from) {
  const model_stops *ms = &h->model->lines[li].stops;
  /* from is the client's: below 0 no stop starts (and no overflow) */
  int64_t at = from > 0 && (uint64_t)from > h->model->stop_maxlen
                   ? from - (int64_t)h->model->stop_maxlen : 0;
  for (size_t i = 0; i < ms->n; i++)
    if (ms->evs[i]->d.end == 0 && ms->evs[i]->d.start < at) at = ms->evs[i]->d.start;
  return at;
}

/* Walks line li's entries that may overlap [w->to's range from `from`). */
static int walk(hub *h, size_t li, int64_t from, line_walk *w) {
  uint8_t key[DT_INDEX_KEY_MAX];
  const char *line = h->plant->lines[li].id;
  size_t klen = dt_index_key(line, walk_start(h, li, from), 0, key);
  int rc;
  if (klen == 0) return 0;
  w->plen = dt_index_prefix(line, w->prefix);
  rc = w->cb != NULL
           ? fh_store_scan_via(h->store, FH_T_STOP_INDEX, key, klen, FH_T_DOWNTIME, 8,
                               walk_cb, w)
           : fh_store_scan_from(h->store, FH_T_STOP_INDEX, key, klen, walk_cb, w);
  return rc == SCAN_END ? 0 : rc;
}

int stop_scan_line(hub *h, size_t li, int64_t from, int64_t to, fh_store_cb cb,
                   void *arg) {
  line_walk w = {.to = to, .cb = cb, .arg = arg};
  return walk(h, li, from, &w);
}

int stop_scan_entries(hub *h, size_t li, int64_t from, int64_t to, stop_entry_cb cb,
                      void *arg) {
  line_walk w = {.to = to, .ecb = cb, .arg = arg};
  return walk(h, li, from, &w);
}
