/* auth_certmap.c -- who a client certificate speaks for (--tls-client-map).
 *
 * Design: a gateway that presents a certificate the hub's client CA
 * verified is identified by the certificate's subject CN, looked up in a
 * JSON object {"<CN>": {"sub": ..., "role": ..., "lines": [...]}}; the
 * entry is read with the same rules as a token's claims (a user of
 * 1..FH_ID_MAX bytes without control characters, one floorhub role, at most
 * FH_LINES_MAX line ids), so a certificate can be no more than a token
 * could.  Any bad entry refuses the whole map, naming it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "file.h"
#include "plant.h"

#define CERTMAP_FILE_MAX (1024 * 1024)

/* One entry {"sub", "role", "lines"?} into e; 0 or -1 with why. */
static int entry_read(const char *cn, json_t *v, auth_certmap_entry *e,
                      const char **why) {
  json_t *sub = json_object_get(v, "sub"), *role = json_object_get(v, "role");
  const char *key;
  json_t *val;
  int r;

  *why = "not an object {sub, role, lines?}";
  if (!json_is_object(v)) return -1;
  json_object_foreach(v, key, val)
    if (strcmp(key, "sub") && strcmp(key, "role") && strcmp(key, "lines"))
      return *why = "unknown key (sub, role, lines)", -1;
  if (strlen(cn) == 0 || strlen(cn) > FH_ID_MAX)
    return *why = "CN of 1..64 bytes expected", -1;
  if (!plant_text_valid(json_string_value(sub), json_string_length(sub), FH_ID_MAX))
    return *why = "'sub' must be 1..64 bytes of text", -1;
  r = json_is_string(role) ? fh_role_from(json_string_value(role),
                                          json_string_length(role)) : -1;
  if (r < 0) return *why = "'role' is not a floorhub role", -1;
  if (auth_read_lines(json_object_get(v, "lines"), &e->id) != AUTH_OK)
    return *why = "'lines' must be a non-empty array of line ids", -1;
  snprintf(e->cn, sizeof e->cn, "%s", cn);
  snprintf(e->id.sub, sizeof e->id.sub, "%s", json_string_value(sub));
  e->id.role = (fh_role)r;
  return 0;
}

int auth_certmap_load(const char *path, auth_certmap *m, char *err,
                      size_t errlen) {
  char *data = NULL, buf[64];
  const char *cn, *why = "";
  size_t len, i = 0;
  json_error_t je;
  json_t *root, *v;
  auth_certmap out = {NULL, 0};
  int rc;

  if ((rc = file_read_all(path, CERTMAP_FILE_MAX, &data, &len)) != 0) {
    snprintf(err, errlen, "%s: %s", path, file_strerror(rc, CERTMAP_FILE_MAX, buf, sizeof buf));
    return rc;
  }
  root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
  free(data);
  rc = -EINVAL;
  if (!json_is_object(root)) {
    snprintf(err, errlen, "%s: not a JSON object of CN -> identity%s%s", path,
             root ? "" : ": ", root ? "" : je.text);
    goto fail;
  }
  out.e = calloc(json_object_size(root) + 1, sizeof *out.e);
  if (out.e == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
    rc = -ENOMEM;
    goto fail;
  }
  json_object_foreach(root, cn, v) {
    if (entry_read(cn, v, &out.e[i], &why) != 0) {
      snprintf(err, errlen, "%s: CN '%.64s': %s", path, cn, why);
      goto fail;
    }
    i++;
  }
  out.n = i;
  auth_certmap_free(m);
  *m = out;
  json_decref(root);
  return 0;
fail:
  free(out.e);
  json_decref(root);
  return rc;
}

const fh_identity *auth_certmap_find(const auth_certmap *m, const char *cn) {
  for (size_t i = 0; m != NULL && i < m->n; i++)
    if (strcmp(m->e[i].cn, cn) == 0) return &m->e[i].id;
  return NULL;
}

void auth_certmap_free(auth_certmap *m) {
  free(m->e);
  m->e = NULL;
  m->n = 0;
}
