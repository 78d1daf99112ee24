/* frame.c -- splitting a frame into validated msgpack maps.
 *
 * Design: fh_frame_next() walks one top-level map without recursion.  A
 * small stack (FH_DEPTH_MAX levels) holds, per open container, how many
 * values are still to come; a map counts 2 per pair, so an even count left
 * means "a key comes next" and keys must be strings.  Every header goes
 * through fh__mp_head_parse(), which has already refused counts that the
 * remaining bytes cannot hold, so nothing here is sized by a count.  Every
 * str, key or value, must be UTF-8.  While walking, a top-level `id` holding
 * an unsigned integer is remembered so that an err reply to a broken map can
 * still echo it.
 */
#include <string.h>

#include "decode_err.h"
#include "mp_head.h"

/* One open container of the walk. */
typedef struct level {
  uint64_t left; /* values still to read (a map counts keys and values) */
  int is_map;    /* 1 for a map: keys at even counts must be strings */
} level;

/* The state of one walk over a map. */
typedef struct walk {
  const uint8_t *p;           /* next byte */
  const uint8_t *end;         /* end of the frame */
  level stack[FH_DEPTH_MAX];  /* open containers, [0] is the top map */
  int depth;                  /* levels in use */
  int id_next;                /* the last top-level key read was "id" */
  int has_id;                 /* a top-level uint `id` was read */
  uint64_t id;                /* ... and this is it */
} walk;

/* Pushes the container h; fails beyond FH_DEPTH_MAX. */
static int push(walk *w, const mp_head *h) {
  if (w->depth == FH_DEPTH_MAX) return -1;
  w->stack[w->depth].left = h->kind == FH_MP_MAP ? 2 * h->len : h->len;
  w->stack[w->depth].is_map = h->kind == FH_MP_MAP;
  w->depth++;
  return 0;
}

/* Remembers a top-level id: called for every value read at depth 1. */
static void note_id(walk *w, int is_key, const mp_head *h) {
  if (is_key) {
    w->id_next = h->len == 2 && memcmp(w->p + h->hdr, "id", 2) == 0;
    return;
  }
  if (w->id_next && h->kind == FH_MP_UINT) {
    w->has_id = 1;
    w->id = h->u;
  }
  if (w->id_next && h->kind == FH_MP_INT && h->i >= 0) {
    w->has_id = 1;
    w->id = (uint64_t)h->i;
  }
  w->id_next = 0;
}

/* Reads the next value of the innermost open container. */
static int step(walk *w, fh_decode_err *err) {
  level *top = &w->stack[w->depth - 1];
  int is_key = top->is_map && top->left % 2 == 0;
  int at_top = w->depth == 1;
  mp_head h;
  top->left--;
  if (fh__mp_head_parse(w->p, w->end, &h) < 0)
    return fh__derr_set(err, FH_E_BAD_REQUEST, NULL,
                    "truncated map or a count larger than the bytes left");
  if (is_key && h.kind != FH_MP_STR)
    return fh__derr_set(err, FH_E_BAD_REQUEST, NULL, "a map key is not a string");
  if (h.kind == FH_MP_STR &&
      !fh_utf8_valid((const char *)w->p + h.hdr, (size_t)h.len))
    return fh__derr_set(err, FH_E_BAD_REQUEST, NULL, "invalid UTF-8 in a string");
  if (at_top) note_id(w, is_key, &h);
  if ((h.kind == FH_MP_ARRAY || h.kind == FH_MP_MAP) && push(w, &h) < 0)
    return fh__derr_set(err, FH_E_BAD_REQUEST, NULL,
                    "containers nested deeper than %d", FH_DEPTH_MAX);
  w->p += fh__mp_head_span(&h);
  return 0;
}

/* Walks the map at w->p to its end. */
static int walk_map(walk *w, fh_decode_err *err) {
  mp_head h;
  if (fh__mp_head_parse(w->p, w->end, &h) < 0 || h.kind != FH_MP_MAP)
    return fh__derr_set(err, FH_E_BAD_REQUEST, NULL,
                    "not a msgpack map (or a truncated one)");
  push(w, &h);
  w->p += h.hdr;
  while (w->depth > 0) {
    if (w->stack[w->depth - 1].left == 0) {
      w->depth--;
      continue;
    }
    if (step(w, err) < 0) return -1;
  }
  return 0;
}

int fh_frame_next(const uint8_t *frame, size_t frame_len, size_t *off,
                  const uint8_t **map, size_t *map_len, fh_decode_err *err) {
  fh__derr_clear(err);
  if (frame == NULL || *off >= frame_len) return 0;
  walk w = {.p = frame + *off, .end = frame + frame_len};
  if (walk_map(&w, err) < 0) {
    err->has_id = w.has_id;
    err->id = w.id;
    return -1;
  }
  *map = frame + *off;
  *map_len = (size_t)(w.p - *map);
  *off += *map_len;
  return 1;
}
