/* outbox.c -- FIFO lists of encoded requests waiting for their replies.
 *
 * The client keeps two: the application's outbox, which survives
 * reconnects (everything in it is written again on the next connection),
 * and the control list of the current connection (hello, sub, unsub,
 * login, logout), which is dropped with the connection.  Lists are short
 * (a handful of entries), so lookups by id walk the list.  The bytes of a
 * login (a badge or a PIN) are wiped before they are freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_int.h"

out_req *fh__outq_push(out_list *l, const fh_client_req *pub, const uint8_t *bytes,
                   size_t n) {
  out_req *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->bytes = malloc(n ? n : 1);
  if (r->bytes == NULL) {
    free(r);
    return NULL;
  }
  memcpy(r->bytes, bytes, n);
  r->len = n;
  r->pub = *pub;
  if (l->tail != NULL) l->tail->next = r;
  else l->head = r;
  l->tail = r;
  l->n++;
  return r;
}

static void free_req(out_req *r) {
  if (r->pub.type == FH_MSG_LOGIN) explicit_bzero(r->bytes, r->len);
  free(r->bytes);
  free(r);
}

out_req *fh__outq_find(const out_list *l, uint64_t id) {
  for (out_req *r = l->head; r != NULL; r = r->next)
    if (r->pub.id == id) return r;
  return NULL;
}

void fh__outq_remove(out_list *l, out_req *r) {
  out_req **pp = &l->head, *prev = NULL;

  while (*pp != NULL && *pp != r) {
    prev = *pp;
    pp = &(*pp)->next;
  }
  if (*pp == NULL) return;
  *pp = r->next;
  if (l->tail == r) l->tail = prev;
  l->n--;
  free_req(r);
}

void fh__outq_clear(out_list *l) {
  out_req *r = l->head, *next;

  for (; r != NULL; r = next) {
    next = r->next;
    free_req(r);
  }
  l->head = l->tail = NULL;
  l->n = 0;
}

void fh__outq_mark_unsent(out_list *l) {
  for (out_req *r = l->head; r != NULL; r = r->next) r->sent = 0;
}

int fh__outq_has_unsent(const out_list *l) {
  for (const out_req *r = l->head; r != NULL; r = r->next)
    if (!r->sent) return 1;
  return 0;
}
