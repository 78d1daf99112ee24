/* batch.c -- the in-memory list of operations a commit applies.
 *
 * A batch owns two growing arrays: the operations and one byte buffer that
 * holds every key and value back to back.  Operations refer to their bytes
 * by offset, so growing the buffer never invalidates them.  Events and
 * idempotency records are encoded into their final on-disk form here (see
 * events.c and idem.c), which keeps the commit a plain copy into LMDB that
 * can be replayed after a map growth.  Each queue function checks its
 * arguments and reserves all the memory it needs before it counts the
 * operation, so a failed call queues nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Largest key of a state table (the header's contract). */
#define TABLE_KEY_MAX 256

fh_batch *fh_batch_new(void) { return calloc(1, sizeof(fh_batch)); }

void fh_batch_free(fh_batch *b) {
  if (b == NULL) return;
  free(b->ops);
  free(b->bytes);
  free(b);
}

void fh_batch_clear(fh_batch *b) {
  b->nops = 0;
  b->used = 0;
  b->nevents = 0;
}

size_t fh_batch_count(const fh_batch *b) { return b->nops; }

/* Grows *buf (elements of `size` bytes, capacity *cap) to hold `need`. */
static int grow(void **buf, size_t *cap, size_t need, size_t size) {
  size_t n = *cap ? *cap : 16;
  if (need <= *cap) return 0;
  while (n < need) {
    if (n > SIZE_MAX / 2 / size) return -ENOMEM;
    n *= 2;
  }
  void *p = realloc(*buf, n * size);
  if (p == NULL) return -ENOMEM;
  *buf = p;
  *cap = n;
  return 0;
}

struct batch_op *fh__batch_push(fh_batch *b, enum batch_kind kind, int db,
                            size_t klen, size_t vlen) {
  size_t len = klen + vlen;
  if (len < klen || b->used + len < b->used) return NULL;
  if (grow((void **)&b->ops, &b->ops_cap, b->nops + 1, sizeof *b->ops) != 0 ||
      grow((void **)&b->bytes, &b->bytes_cap, b->used + len, 1) != 0)
    return NULL;
  struct batch_op *op = &b->ops[b->nops++];
  op->kind = (uint8_t)kind;
  op->db = (uint8_t)db;
  op->off = b->used;
  op->klen = klen;
  op->vlen = vlen;
  b->used += len;
  if (kind == OP_EVENT) b->nevents++;
  return op;
}

/* Keys of meta under FH_STORE_META_PREFIX belong to the store. */
static int key_ok(fh_table t, const void *key, size_t klen) {
  size_t plen = sizeof FH_STORE_META_PREFIX - 1;
  if ((unsigned)t >= FH_T__COUNT || klen == 0 || klen > TABLE_KEY_MAX ||
      key == NULL)
    return 0;
  return !(t == FH_T_META && klen >= plen &&
           memcmp(key, FH_STORE_META_PREFIX, plen) == 0);
}

int fh_batch_put(fh_batch *b, fh_table t, const void *key, size_t klen,
                 const void *val, size_t vlen) {
  if (!key_ok(t, key, klen) || (val == NULL && vlen > 0)) return -EINVAL;
  struct batch_op *op = fh__batch_push(b, OP_PUT, (int)t, klen, vlen);
  if (op == NULL) return -ENOMEM;
  memcpy(b->bytes + op->off, key, klen);
  if (vlen > 0) memcpy(b->bytes + op->off + klen, val, vlen);
  return 0;
}

int fh_batch_del(fh_batch *b, fh_table t, const void *key, size_t klen) {
  if (!key_ok(t, key, klen)) return -EINVAL;
  struct batch_op *op = fh__batch_push(b, OP_DEL, (int)t, klen, 0);
  if (op == NULL) return -ENOMEM;
  memcpy(b->bytes + op->off, key, klen);
  return 0;
}

int fh_batch_event_via(fh_batch *b, int64_t ts_ms, const char *actor,
                       const char *via, const char *type, const void *data,
                       size_t len) {
  if (actor == NULL || type == NULL || (data == NULL && len > 0))
    return -EINVAL;
  fh__event_in in = {ts_ms, actor, strlen(actor), via ? via : "",
                     via ? strlen(via) : 0, type, strlen(type), data, len};
  if (in.actor_len > EVENT_NAME_MAX || in.type_len > EVENT_NAME_MAX ||
      in.via_len > EVENT_NAME_MAX || in.type_len == 0)
    return -EINVAL;
  size_t size = fh__event_record_size(in.actor_len, in.via_len, in.type_len, len);
  if (size < len) return -ENOMEM;
  struct batch_op *op = fh__batch_push(b, OP_EVENT, DB_EVENTS, 0, size);
  if (op == NULL) return -ENOMEM;
  fh__event_record_write(b->bytes + op->off, &in);
  return 0;
}

int fh_batch_event(fh_batch *b, int64_t ts_ms, const char *actor,
                   const char *type, const void *data, size_t len) {
  return fh_batch_event_via(b, ts_ms, actor, NULL, type, data, len);
}

int fh_batch_idem(fh_batch *b, const char *scope, const char *key,
                  size_t klen, int64_t ts_ms, const void *result,
                  size_t rlen) {
  if (scope == NULL || key == NULL || (result == NULL && rlen > 0))
    return -EINVAL;
  size_t slen = strlen(scope);
  if (slen == 0 || slen > IDEM_SCOPE_MAX || klen == 0 || klen > IDEM_KEY_MAX)
    return -EINVAL;
  size_t ksize = fh__idem_key_size(slen, klen), vsize = fh__idem_record_size(rlen);
  if (vsize < rlen) return -ENOMEM;
  struct batch_op *op = fh__batch_push(b, OP_IDEM, DB_IDEM, ksize, vsize);
  if (op == NULL) return -ENOMEM;
  fh__idem_key_write(b->bytes + op->off, scope, slen, key, klen);
  fh__idem_record_write(b->bytes + op->off + ksize, ts_ms, result, rlen);
  return 0;
}
