/* session_auth.c -- who a session acts as (see session.h): the identity a
 * token or certificate gives it, the welcome that says so, and the lines
 * its `lines` claim allows (a bit per plant line).  Split from session.c,
 * which keeps the queue, the writes and the reads of a connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plant.h"
#include "session.h"

int session_mask_for(const hub *h, const fh_identity *who, uint64_t **out) {
  const plant *p = h->plant;
  size_t words = (p->nlines + 63) / 64;
  uint64_t *mask;

  *out = NULL;
  if (who->nlines == 0 || who->role == FH_ROLE_ADMIN) return 0;
  mask = calloc(words ? words : 1, sizeof *mask);
  if (mask == NULL) return -ENOMEM;
  for (size_t i = 0; i < who->nlines; i++) {
    const plant_line *l = plant_line_find(p, who->lines[i], strlen(who->lines[i]));
    if (l != NULL) {
      size_t idx = (size_t)(l - p->lines);
      mask[idx / 64] |= 1ull << (idx % 64);
    }
  }
  *out = mask;
  return 0;
}

/* A new token: any person signed in is gone with the old identity. */
static int set_lines(session *s, const fh_identity *who) {
  uint64_t *mask;
  if (session_mask_for(s->h, who, &mask) != 0) return -ENOMEM;
  free(s->line_mask);
  free(s->tok_mask);
  s->tok_mask = NULL;
  s->via[0] = '\0';
  s->line_mask = mask;
  return 0;
}

int session_line_allowed(const session *s, size_t line_index) {
  if (s->line_mask == NULL) return 1;
  return (s->line_mask[line_index / 64] >> (line_index % 64)) & 1;
}

void session_identity(const session *s, fh_identity *who) {
  const plant *p = s->h->plant;
  memset(who, 0, sizeof *who);
  snprintf(who->sub, sizeof who->sub, "%s", s->user);
  who->role = s->role;
  who->exp_ms = s->exp_ms - (int64_t)s->h->auth.leeway_s * 1000;
  snprintf(who->jti, sizeof who->jti, "%s", s->jti);
  who->hub_signed = s->hub_token;
  if (s->line_mask == NULL) return;
  for (size_t i = 0; i < p->nlines && who->nlines < FH_LINES_MAX; i++)
    if (session_line_allowed(s, i))
      snprintf(who->lines[who->nlines++], FH_ID_MAX + 1, "%s", p->lines[i].id);
  if (who->nlines == 0) /* a lines claim naming no line of this plant */
    who->lines[who->nlines++][0] = '\0';
}

int session_authenticate(session *s, const fh_identity *who, int has_id,
                         uint64_t id) {
  hub *h = s->h;
  const char *lines[FH_LINES_MAX];
  char sid[17];
  fh_welcome w;

  if (set_lines(s, who) != 0) return -ENOMEM;
  s->authed = 1;
  snprintf(s->user, sizeof s->user, "%s", who->sub);
  s->role = who->role;
  s->exp_ms = who->exp_ms + (int64_t)h->auth.leeway_s * 1000;
  snprintf(s->jti, sizeof s->jti, "%s", who->jti);
  s->hub_token = who->hub_signed;
  for (size_t i = 0; i < who->nlines; i++) lines[i] = who->lines[i];
  snprintf(sid, sizeof sid, "%08llx%08llx", (unsigned long long)h->epoch,
           (unsigned long long)s->id);
  w = (fh_welcome){.has_id = has_id, .id = id, .user = s->user,
                   .role = fh_role_name(s->role), .nlines = who->nlines,
                   .lines = lines, .server_time = hub_now_ms(s->h),
                   .hub = "floorhub/" FH_VERSION, .session = sid,
                   .epoch = h->epoch};
  fh_buf_reset(&h->enc);
  if (fh_enc_welcome(&h->enc, &w) != 0) return -ENOMEM;
  log_info("session %llu (%s): authenticated as %s (%s)",
           (unsigned long long)s->id, s->peer, s->user, fh_role_name(s->role));
  return session_send(s, &h->enc, FH_MSG_WELCOME);
}
