/* person.c -- a person acting through a kiosk session (see person.h).
 *
 * Signing in sets the session's identity to the person's and keeps the
 * token's (user in via, role in tok_role, line mask in tok_mask); signing
 * out puts it back.  The person's line mask is built from the user record
 * like a token's lines claim (session_mask_for), then intersected word by
 * word with the kiosk's.
 */
#include "person.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "log.h"

int person_load(hub *h, const char *id, user_rec *u) {
  if (id[0] == '\0') return -ENOENT;
  return fh_store_get(h->store, FH_T_USERS, id, strlen(id), user_decode_cb, u);
}

/* The person's line mask, restricted to the kiosk's; 0 or -ENOMEM. */
static int person_mask(hub *h, const session *s, const user_rec *u,
                       uint64_t **out) {
  const uint64_t *kiosk = s->via[0] ? s->tok_mask : s->line_mask;
  size_t words = (h->plant->nlines + 63) / 64;
  fh_identity *who = calloc(1, sizeof *who);
  int rc;

  *out = NULL;
  if (who == NULL) return -ENOMEM;
  who->role = u->role;
  who->nlines = u->nlines;
  memcpy(who->lines, u->lines, sizeof who->lines);
  rc = session_mask_for(h, who, out);
  free(who);
  if (rc != 0 || u->role == FH_ROLE_ADMIN || kiosk == NULL) return rc;
  if (*out == NULL) { /* every line of theirs: the kiosk's */
    if ((*out = calloc(words ? words : 1, sizeof **out)) == NULL) return -ENOMEM;
    memcpy(*out, kiosk, words * sizeof **out);
    return 0;
  }
  for (size_t i = 0; i < words; i++) (*out)[i] &= kiosk[i];
  return 0;
}

int person_sign_in(hub *h, session *s, const user_rec *u) {
  uint64_t *mask;
  if (person_mask(h, s, u, &mask) != 0) return -ENOMEM;
  if (s->via[0] == '\0') {
    snprintf(s->via, sizeof s->via, "%s", s->user);
    s->tok_role = s->role;
    s->tok_mask = s->line_mask;
  } else {
    free(s->line_mask);
  }
  s->line_mask = mask;
  snprintf(s->user, sizeof s->user, "%s", u->id);
  s->role = u->role;
  return 0;
}

/* Queues an audit record {reason} of type `type` by s's person. */
static void audit(hub *h, session *s, const char *type, const char *reason) {
  int rc;
  fh_buf_reset(&h->enc);
  rc = fh_enc_map(&h->enc, 1) | fh_enc_str(&h->enc, "reason") |
       fh_enc_str(&h->enc, reason);
  if (rc == 0)
    rc = fh_batch_event_via(h->batch, hub_now_ms(h), s->user, s->via, type,
                            fh_buf_payload(&h->enc), fh_buf_payload_len(&h->enc));
  if (rc != 0) log_error("audit: cannot queue %s of %s: out of memory", type, s->user);
}

void person_sign_out(hub *h, session *s, const char *reason, int welcome) {
  fh_identity *who;
  if (s->via[0] == '\0') return;
  audit(h, s, "logout", reason);
  log_info("session %llu (%s): %s signed out at kiosk %s (%s)",
           (unsigned long long)s->id, s->peer, s->user, s->via, reason);
  free(s->line_mask);
  s->line_mask = s->tok_mask;
  s->tok_mask = NULL;
  snprintf(s->user, sizeof s->user, "%s", s->via);
  s->role = s->tok_role;
  s->via[0] = '\0';
  if (!welcome || (who = malloc(sizeof *who)) == NULL) return;
  session_identity(s, who);
  if (session_authenticate(s, who, 0, 0) != 0)
    session_close(s, 1011, "out of memory");
  free(who);
}

int person_check(hub *h, session *s, const fh_request *req) {
  user_rec *u;
  user_fails *f;
  const char *why;
  int rc;

  if (s->via[0] == '\0') return 0;
  if ((u = malloc(sizeof *u)) == NULL) {
    session_send_err(s, req->has_id, req->id, FH_E_INTERNAL, "", "out of memory");
    return 1;
  }
  rc = person_load(h, s->user, u);
  f = rc == 0 ? guard_user(h, u->id) : NULL;
  if (rc == 0 && !u->disabled && (f == NULL || !user_locked(f, u)) &&
      person_sign_in(h, s, u) == 0) {
    free(u);
    return 0;
  }
  why = rc == -ENOENT ? "removed" : rc != 0 ? "unreadable"
      : u->disabled ? "disabled" : "locked";
  free(u);
  session_send_err(s, req->has_id, req->id, FH_E_UNAUTHORIZED, "t",
                   "%s may no longer sign in here: signed out", s->user);
  person_sign_out(h, s, why, 1);
  return 1;
}

void person_tick(hub *h, uint64_t now_mono) {
  uint64_t idle = 1000ull * h->cfg->kiosk_idle_logout_s;
  for (session *s = h->sessions; s != NULL; s = s->next)
    if (s->via[0] && s->close_code == 0 && now_mono - s->last_req_ms >= idle)
      person_sign_out(h, s, "idle", 1);
}
