/* notify_file.c -- loading the notify file (see notify_file.h): the top
 * level, channels, people and rosters; the rules are read in
 * notify_file_rules.c.
 *
 * Design: the arrays of the notify_cfg are allocated to the size of their
 * JSON arrays up front; every reader then fills fixed fields and names the
 * JSON path on failure.  A secret file is read whole (file_read_all) and
 * cut at its first newline-terminated end.
 */
#include "notify_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "notify_parse.h"
#include "pem_bundle.h"

static const char *const http_schemes[] = {"http://", "https://", NULL};
static const char *const smtp_schemes[] = {"smtp://", "smtps://", NULL};
static const char *const mqtt_schemes[] = {"mqtt://", "mqtts://", NULL};

int notify_get_str(plant_ctx *c, json_t *obj, const char *path,
                   const char *key, int required, const char *const *schemes,
                   char *dst, size_t cap) {
  json_t *v = json_object_get(obj, key);
  const char *s;
  size_t n, i = 0;

  dst[0] = '\0';
  if (v == NULL) return required ? plant_fail(c, path, key, "required") : 0;
  if (!json_is_string(v)) return plant_fail(c, path, key, "must be a string");
  s = json_string_value(v);
  n = json_string_length(v);
  if (!plant_text_valid(s, n, cap - 1))
    return plant_fail(c, path, key,
                      "must be 1..%zu bytes without control characters", cap - 1);
  if (schemes != NULL) {
    while (schemes[i] != NULL && strncmp(s, schemes[i], strlen(schemes[i]))) i++;
    if (schemes[i] == NULL || n == strlen(schemes[i]))
      return plant_fail(c, path, key, "must be a %s or %s URL", schemes[0],
                        schemes[1]);
  }
  memcpy(dst, s, n + 1);
  return 0;
}

int notify_get_u32(plant_ctx *c, json_t *obj, const char *path,
                   const char *key, uint32_t lo, uint32_t hi, uint32_t def,
                   uint32_t *dst) {
  json_t *v = json_object_get(obj, key);
  if (v == NULL) {
    *dst = def;
    return 0;
  }
  if (!json_is_integer(v) || json_integer_value(v) < lo ||
      json_integer_value(v) > hi)
    return plant_fail(c, path, key, "must be an integer %u..%u", lo, hi);
  *dst = (uint32_t)json_integer_value(v);
  return 0;
}

/* Reads the file named by obj[key] into dst (without a trailing newline). */
static int get_secret(plant_ctx *c, json_t *obj, const char *path,
                      const char *key, char *dst, size_t *len) {
  char name[512], why[64];
  char *data = NULL;
  size_t n = 0;
  int rc = notify_get_str(c, obj, path, key, 0, NULL, name, sizeof name);

  *len = 0;
  if (rc != 0 || name[0] == '\0') return rc;
  rc = file_read_all(name, NOTIFY_SECRET_MAX + 2, &data, &n);
  if (rc != 0)
    return plant_fail(c, path, key, "%s: %s", name,
                      file_strerror(rc, NOTIFY_SECRET_MAX + 2, why, sizeof why));
  if (n > 0 && data[n - 1] == '\n') n--;
  if (n > 0 && data[n - 1] == '\r') n--;
  if (n == 0 || n > NOTIFY_SECRET_MAX || memchr(data, '\0', n) != NULL) {
    free(data);
    return plant_fail(c, path, key, "%s: must hold 1..%d bytes", name,
                      NOTIFY_SECRET_MAX);
  }
  memcpy(dst, data, n);
  dst[n] = '\0';
  *len = n;
  free(data);
  return 0;
}

/* obj["ca_file"]: a PEM bundle (pem_bundle_check) for a URL that uses TLS
 * (https, smtps, smtp with STARTTLS, mqtts). */
static int get_ca_file(plant_ctx *c, json_t *o, const char *path,
                       notify_channel *ch) {
  char why[96];
  int rc = notify_get_str(c, o, path, "ca_file", 0, NULL, ch->ca_file,
                          sizeof ch->ca_file);
  if (rc != 0 || ch->ca_file[0] == '\0') return rc;
  if (!strncmp(ch->url, "http://", 7) || !strncmp(ch->url, "mqtt://", 7))
    return plant_fail(c, path, "ca_file", "only for a TLS URL (%s)",
                      ch->type == NOTIFY_MQTT ? "mqtts://" : "https://");
  if (pem_bundle_check(ch->ca_file, why, sizeof why) != 0)
    return plant_fail(c, path, "ca_file", "%s: %s", ch->ca_file, why);
  return 0;
}

static int parse_type(plant_ctx *c, json_t *o, const char *path,
                      notify_channel *ch) {
  static const char *const types[] = {"webhook", "email", "mqtt"};
  static const char *const formats[] = {"json", "slack", "teams"};
  char s[16];
  int rc = notify_get_str(c, o, path, "type", 1, NULL, s, sizeof s), i = 0;
  if (rc != 0) return rc;
  while (i < 3 && strcmp(types[i], s)) i++;
  if (i == 3) return plant_fail(c, path, "type", "must be webhook, email or mqtt");
  ch->type = (notify_type)i;
  if ((rc = notify_get_str(c, o, path, "format", 0, NULL, s, sizeof s)) != 0)
    return rc;
  for (i = 0; s[0] && i < 3 && strcmp(formats[i], s); i++) {}
  if (i == 3) return plant_fail(c, path, "format", "must be json, slack or teams");
  if (s[0] && ch->type != NOTIFY_WEBHOOK)
    return plant_fail(c, path, "format", "only for webhook channels");
  ch->format = s[0] ? (notify_format)i : NOTIFY_FMT_JSON;
  return 0;
}

static int parse_channel(plant_ctx *c, json_t *o, const char *path,
                         notify_channel *ch) {
  static const char *const keys[] = {
      "id", "type", "url", "format", "secret_file", "timeout_s", "max_in_flight",
      "smtp_url", "from", "user", "password_file", "topic_prefix", "ca_file",
      NULL};
  size_t plen;
  int rc = plant_check_object(c, o, path, keys);

  if (rc == 0) rc = plant_get_id(c, o, path, "id", ch->id);
  if (rc == 0) rc = parse_type(c, o, path, ch);
  if (rc == 0) rc = notify_get_u32(c, o, path, "timeout_s", 1, 300, 10, &ch->timeout_s);
  if (rc == 0)
    rc = notify_get_u32(c, o, path, "max_in_flight", 1, 64, NOTIFY_IN_FLIGHT,
                        &ch->max_in_flight);
  if (rc != 0) return rc;
  if (ch->type == NOTIFY_WEBHOOK) {
    if ((rc = notify_get_str(c, o, path, "url", 1, http_schemes, ch->url,
                             sizeof ch->url)) != 0)
      return rc;
    rc = get_secret(c, o, path, "secret_file", ch->secret, &ch->secret_len);
  } else if (ch->type == NOTIFY_EMAIL) {
    if ((rc = notify_get_str(c, o, path, "smtp_url", 1, smtp_schemes, ch->url,
                             sizeof ch->url)) != 0 ||
        (rc = notify_get_str(c, o, path, "from", 1, NULL, ch->from,
                             sizeof ch->from)) != 0 ||
        (rc = notify_get_str(c, o, path, "user", 0, NULL, ch->user,
                             sizeof ch->user)) != 0)
      return rc;
    rc = get_secret(c, o, path, "password_file", ch->password, &plen);
  } else {
    if ((rc = notify_get_str(c, o, path, "url", 1, mqtt_schemes, ch->url,
                             sizeof ch->url)) != 0)
      return rc;
    rc = notify_get_str(c, o, path, "topic_prefix", 0, NULL, ch->topic_prefix,
                        sizeof ch->topic_prefix);
    if (rc == 0 && ch->topic_prefix[0] == '\0')
      strcpy(ch->topic_prefix, "floorhub/notify");
  }
  if (rc == 0) rc = get_ca_file(c, o, path, ch);
  if (rc != 0) return rc;
  /* Keys of another channel type are mistakes, not options. */
  for (size_t k = 0; k < 5; k++) {
    static const char *const only[][2] = {
        {"url", "webhook or mqtt"}, {"secret_file", "webhook"},
        {"smtp_url", "email"}, {"from", "email"}, {"topic_prefix", "mqtt"}};
    int ok = (k == 0 && ch->type != NOTIFY_EMAIL) ||
             (k == 1 && ch->type == NOTIFY_WEBHOOK) ||
             (k >= 2 && k <= 3 && ch->type == NOTIFY_EMAIL) ||
             (k == 4 && ch->type == NOTIFY_MQTT);
    if (!ok && json_object_get(o, only[k][0]) != NULL)
      return plant_fail(c, path, only[k][0], "only for %s channels", only[k][1]);
  }
  return 0;
}

typedef int (*item_fn)(plant_ctx *c, json_t *o, const char *path, void *item,
                       notify_cfg *n, const plant *pl);

/* Reads the array obj[key] (0..max items) into items of size sz. */
static int parse_array(plant_ctx *c, json_t *root, const char *key, size_t max,
                       size_t sz, void **items, size_t *count, item_fn fn,
                       notify_cfg *n, const plant *pl) {
  json_t *arr = json_object_get(root, key);
  char path[PLANT_PATH_MAX];
  int rc;

  if (arr == NULL) return 0;
  if (!json_is_array(arr) || json_array_size(arr) > max)
    return plant_fail(c, "", key, "must be an array of at most %zu", max);
  *items = calloc(json_array_size(arr) + 1, sz);
  if (*items == NULL) return plant_fail(c, "", key, "out of memory");
  for (size_t i = 0; i < json_array_size(arr); i++) {
    plant_path_at(path, sizeof path, "", key, i);
    rc = fn(c, json_array_get(arr, i), path, (char *)*items + i * sz, n, pl);
    if (rc != 0) return rc;
    *count = i + 1;
  }
  return 0;
}

static int channel_item(plant_ctx *c, json_t *o, const char *path, void *item,
                        notify_cfg *n, const plant *pl) {
  notify_channel *ch = item;
  int rc = parse_channel(c, o, path, ch);
  (void)pl;
  if (rc == 0 && (notify_cfg_channel(n, ch->id) >= 0 ||
                  !strcmp(ch->id, NOTIFY_PEOPLE_CHANNEL)))
    return plant_fail(c, path, "id", "channel '%s' %s", ch->id,
                      strcmp(ch->id, NOTIFY_PEOPLE_CHANNEL) ? "is defined twice"
                                                            : "is reserved");
  return rc;
}

static int person_item(plant_ctx *c, json_t *o, const char *path, void *item,
                       notify_cfg *n, const plant *pl) {
  static const char *const keys[] = {"id", "name", "email", "webhook", NULL};
  notify_person *p = item;
  int rc = plant_check_object(c, o, path, keys);
  (void)pl;
  if (rc == 0) rc = plant_get_id(c, o, path, "id", p->id);
  if (rc == 0) rc = plant_get_text(c, o, path, "name", 1, p->name, sizeof p->name);
  if (rc == 0)
    rc = notify_get_str(c, o, path, "email", 0, NULL, p->email, sizeof p->email);
  if (rc == 0 && p->email[0] &&
      (strchr(p->email, '@') == NULL || strpbrk(p->email, " <>,;\"") != NULL))
    return plant_fail(c, path, "email", "must be an address like name@host");
  if (rc == 0)
    rc = notify_get_str(c, o, path, "webhook", 0, http_schemes, p->webhook,
                        sizeof p->webhook);
  if (rc == 0 && notify_cfg_person(n, p->id) >= 0)
    return plant_fail(c, path, "id", "person '%s' is defined twice", p->id);
  return rc;
}

static int roster_people(plant_ctx *c, json_t *arr, const char *path,
                         notify_roster *r, notify_cfg *n) {
  char ppath[PLANT_PATH_MAX];
  if (!json_is_array(arr) || json_array_size(arr) == 0 ||
      json_array_size(arr) > NOTIFY_ROSTER_PEOPLE_MAX)
    return plant_fail(c, path, "people", "must be an array of 1..%d person ids",
                      NOTIFY_ROSTER_PEOPLE_MAX);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *v = json_array_get(arr, i);
    int p = json_is_string(v) ? notify_cfg_person(n, json_string_value(v)) : -1;
    plant_path_at(ppath, sizeof ppath, path, "people", i);
    if (p < 0)
      return plant_fail(c, ppath, NULL, "no person '%s'",
                        json_is_string(v) ? json_string_value(v) : "?");
    r->people[r->npeople++] = (uint16_t)p;
  }
  return 0;
}

static int roster_item(plant_ctx *c, json_t *o, const char *path, void *item,
                       notify_cfg *n, const plant *pl) {
  static const char *const keys[] = {"role", "shift", "people", NULL};
  notify_roster *r = item;
  char role[FH_KIND_MAX + 1];
  int rc = plant_check_object(c, o, path, keys), ri;

  if (rc == 0) rc = notify_get_str(c, o, path, "role", 1, NULL, role, sizeof role);
  if (rc != 0) return rc;
  if ((ri = fh_role_from(role, strlen(role))) < 0)
    return plant_fail(c, path, "role", "unknown role '%s'", role);
  r->role = (fh_role)ri;
  if ((rc = plant_get_text(c, o, path, "shift", 0, r->shift, sizeof r->shift)) != 0)
    return rc;
  if (r->shift[0] && pl != NULL) {
    size_t s = 0;
    while (s < pl->nshifts && strcmp(pl->shifts[s].name, r->shift)) s++;
    if (s == pl->nshifts)
      return plant_fail(c, path, "shift", "no shift '%s' in the plant file",
                        r->shift);
  }
  for (size_t i = 0; i < n->nrosters; i++) /* those read before r */
    if (n->rosters[i].role == r->role && !strcmp(n->rosters[i].shift, r->shift))
      return plant_fail(c, path, NULL, "a second roster of %s for shift '%s'",
                        role, r->shift);
  return roster_people(c, json_object_get(o, "people"), path, r, n);
}

static int parse_top(plant_ctx *c, json_t *root, const plant *pl,
                     notify_cfg *n) {
  static const char *const keys[] = {"public_url", "max_age_s", "channels",
                                     "people",     "rosters",   "rules", NULL};
  int rc = plant_check_object(c, root, "", keys);
  if (rc == 0)
    rc = notify_get_str(c, root, "", "public_url", 0, http_schemes,
                        n->public_url, sizeof n->public_url);
  if (rc == 0)
    rc = notify_get_u32(c, root, "", "max_age_s", 60, 30 * 86400,
                        NOTIFY_MAX_AGE_S, &n->max_age_s);
  if (rc == 0)
    rc = parse_array(c, root, "channels", NOTIFY_CHANNELS_MAX, sizeof *n->channels,
                     (void **)&n->channels, &n->nchannels, channel_item, n, pl);
  if (rc == 0)
    rc = parse_array(c, root, "people", NOTIFY_PEOPLE_MAX, sizeof *n->people,
                     (void **)&n->people, &n->npeople, person_item, n, pl);
  if (rc == 0)
    rc = parse_array(c, root, "rosters", NOTIFY_ROSTERS_MAX, sizeof *n->rosters,
                     (void **)&n->rosters, &n->nrosters, roster_item, n, pl);
  if (rc == 0) rc = notify_parse_rules(c, json_object_get(root, "rules"), pl, n);
  return rc;
}

int notify_file_load(const char *path, const plant *pl, notify_cfg **out,
                     char *err, size_t errlen) {
  plant_ctx c = {path, err, errlen, 0};
  json_t *root = NULL;
  notify_cfg *n = NULL;
  int rc;

  *out = NULL;
  if ((rc = plant_json_read(path, NOTIFY_FILE_MAX, &root, err, errlen)) != 0)
    return rc;
  if ((n = notify_cfg_empty()) == NULL) {
    rc = -ENOMEM;
    snprintf(err, errlen, "%s: out of memory", path);
    goto fail;
  }
  if ((rc = parse_top(&c, root, pl, n)) != 0) goto fail;
  json_decref(root);
  *out = n;
  return 0;
fail:
  notify_cfg_free(n);
  json_decref(root);
  return rc;
}

notify_cfg *notify_cfg_empty(void) {
  notify_cfg *n = calloc(1, sizeof *n);
  if (n != NULL) n->max_age_s = NOTIFY_MAX_AGE_S;
  return n;
}

void notify_cfg_free(notify_cfg *c) {
  if (c == NULL) return;
  if (c->channels != NULL) /* secrets do not linger in freed memory */
    memset(c->channels, 0, (c->nchannels + 1) * sizeof *c->channels);
  free(c->channels);
  free(c->people);
  free(c->rosters);
  free(c->rules);
  free(c);
}

int notify_cfg_channel(const notify_cfg *c, const char *id) {
  for (size_t i = 0; i < c->nchannels; i++)
    if (!strcmp(c->channels[i].id, id)) return (int)i;
  return -1;
}

int notify_cfg_person(const notify_cfg *c, const char *id) {
  for (size_t i = 0; i < c->npeople; i++)
    if (!strcmp(c->people[i].id, id)) return (int)i;
  return -1;
}
