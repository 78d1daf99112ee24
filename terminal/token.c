/* token.c -- the JWT floorterm presents: from --token-file or $FLOORHUB_TOKEN.
 *
 * The token is read once at start; a kiosk's token file may be replaced
 * while floorterm runs (tokens expire, and the hub then closes with 4001),
 * so while offline the file is checked on every tick and a changed token
 * is handed to the client for its next attempt.  The token is never
 * logged or drawn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"

char *ft_token_load(const char *path, char *err, size_t errlen) {
  char buf[FH_TOKEN_MAX + 2];
  size_t n = 0;
  const char *env = getenv("FLOORHUB_TOKEN");

  if (path != NULL) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
      snprintf(err, errlen, "cannot read --token-file %s: %s", path, strerror(errno));
      return NULL;
    }
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
  } else if (env != NULL) {
    n = strlen(env) < sizeof buf - 1 ? strlen(env) : sizeof buf - 1;
    memcpy(buf, env, n);
  }
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
  buf[n] = '\0';
  if (n == 0) {
    snprintf(err, errlen, "no token: give --token-file FILE or set FLOORHUB_TOKEN");
    return NULL;
  }
  if (n > FH_TOKEN_MAX) {
    snprintf(err, errlen, "the token is longer than %d bytes", FH_TOKEN_MAX);
    return NULL;
  }
  return strdup(buf);
}

void ft_token_reload(app *a) {
  struct stat st;
  char err[256], *t;

  if (a->online || a->opt.token_file == NULL || stat(a->opt.token_file, &st) != 0 ||
      (st.st_mtim.tv_sec == a->token_mtime.tv_sec &&
       st.st_mtim.tv_nsec == a->token_mtime.tv_nsec))
    return;
  a->token_mtime = st.st_mtim;
  t = ft_token_load(a->opt.token_file, err, sizeof err);
  if (t == NULL) {
    ft_app_log(a, "%s", err);
    return;
  }
  if (strcmp(t, a->token) != 0 && fh_client_set_token(a->client, t) == 0) {
    free(a->token);
    a->token = t;
    ft_app_log(a, "the token file changed: the next attempt uses the new token");
    return;
  }
  free(t);
}
