/* test_plant.c -- the plant layout loader (hub/plant.c, hub/plant_parse.c).
 *
 * The sample plant must load with its known contents.  Every rule of the
 * format is then broken once, on a copy of the sample edited with jansson
 * and written to a temporary "plant.json", and the load must fail with the
 * right code and the exact message (file, JSON path or line:col, problem).
 */
#include <errno.h>

#include <jansson.h>

#include "fh_test.h"
#include "plant.h"

/* A temporary directory with a plant.json in it. */
typedef struct tmp_plant {
  char dir[64];   /* mkdtemp result */
  char path[96];  /* dir/plant.json */
} tmp_plant;

static void tmp_open(tmp_plant *t) {
  snprintf(t->dir, sizeof t->dir, "/tmp/fh_plant_XXXXXX");
  ASSERT(mkdtemp(t->dir) != NULL);
  snprintf(t->path, sizeof t->path, "%s/plant.json", t->dir);
}

static void tmp_close(tmp_plant *t) {
  unlink(t->path);
  rmdir(t->dir);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  ASSERT_EQ(fputs(text, f) >= 0, 1);
  ASSERT_EQ(fclose(f), 0);
}

static json_t *sample(void) {
  json_error_t e;
  json_t *doc = json_load_file(FH_SAMPLE_PLANT, 0, &e);
  if (doc == NULL) FH_FAIL_("sample: %s:%d: %s", FH_SAMPLE_PLANT, e.line, e.text);
  return doc;
}

/* Loads doc (consumed) from a temporary plant.json; returns the code and
 * leaves the message (with the temp path replaced by "plant.json") in err. */
static int load_doc(json_t *doc, char *err, size_t errlen) {
  tmp_plant t;
  plant *p = NULL;
  char raw[512] = "";
  size_t n;
  int rc;

  tmp_open(&t);
  ASSERT_EQ(json_dump_file(doc, t.path, JSON_INDENT(2)), 0);
  json_decref(doc);
  rc = plant_load(t.path, &p, raw, sizeof raw);
  n = strlen(t.path);
  if (rc != 0) {
    ASSERT(p == NULL);
    ASSERT(strncmp(raw, t.path, n) == 0);
    snprintf(err, errlen, "plant.json%s", raw + n);
  } else {
    ASSERT(p != NULL);
    snprintf(err, errlen, "(loaded)");
  }
  plant_free(p);
  tmp_close(&t);
  return rc;
}

/* The load of doc must fail with -EINVAL and exactly this message. */
#define EXPECT_INVALID(doc, msg)                                              \
  do {                                                                       \
    char err_[512];                                                          \
    ASSERT_EQ(load_doc((doc), err_, sizeof err_), -EINVAL);                  \
    ASSERT_STR_EQ(err_, (msg));                                              \
  } while (0)

static json_t *line_at(json_t *doc, size_t i) {
  return json_array_get(json_object_get(doc, "lines"), i);
}

static json_t *eq_at(json_t *doc, size_t li, size_t ei) {
  return json_array_get(json_object_get(line_at(doc, li), "equipment"), ei);
}

static json_t *shift_at(json_t *doc, size_t i) {
  return json_array_get(json_object_get(doc, "shifts"), i);
}

FH_TEST(sample_loads) {
  char err[256] = "";
  plant *p = NULL;

  ASSERT_EQ(plant_load(FH_SAMPLE_PLANT, &p, err, sizeof err), 0);
  ASSERT_STR_EQ(p->name, "Sample Plant");
  ASSERT_STR_EQ(p->timezone, "Europe/Berlin");
  ASSERT_EQ(p->nlines, 3);
  ASSERT_EQ(p->nequipment, 16);
  ASSERT_STR_EQ(p->lines[0].id, "L1");
  ASSERT_STR_EQ(p->lines[0].area, "Stamping");
  ASSERT_EQ(p->lines[0].first_equipment, 0);
  ASSERT_EQ(p->lines[0].nequipment, 5);
  ASSERT_STR_EQ(p->lines[1].name, "Body welding and assembly");
  ASSERT_EQ(p->lines[1].first_equipment, 5);
  ASSERT_EQ(p->lines[1].nequipment, 6);
  ASSERT_EQ(p->lines[2].first_equipment, 11);
  ASSERT_EQ(p->lines[2].nequipment, 5);
  ASSERT_STR_EQ(p->equipment[1].id, "L1-PRESS1");
  ASSERT_EQ(p->equipment[1].ideal_cycle_ms, 6000);
  ASSERT_STR_EQ(p->equipment[5].id, "L2-LOAD");
  ASSERT_EQ(p->equipment[5].line, 1);
  ASSERT_EQ(p->equipment[15].line, 2);
  for (size_t l = 0; l < p->nlines; l++)
    for (size_t e = 0; e < p->lines[l].nequipment; e++)
      ASSERT_EQ(p->equipment[p->lines[l].first_equipment + e].line, l);

  ASSERT_EQ(p->nshifts, 3);
  ASSERT_STR_EQ(p->shifts[0].name, "early");
  ASSERT_EQ(p->shifts[0].start_min, 6 * 60);
  ASSERT_EQ(p->shifts[0].end_min, 14 * 60);
  ASSERT_EQ(p->shifts[0].nbreaks, 2);
  ASSERT_EQ(p->shifts[0].breaks[0].start_min, 9 * 60);
  ASSERT_EQ(p->shifts[0].breaks[0].end_min, 9 * 60 + 15);
  ASSERT_STR_EQ(p->shifts[2].name, "night");
  ASSERT_EQ(p->shifts[2].start_min, 22 * 60);
  ASSERT_EQ(p->shifts[2].end_min, 6 * 60);
  ASSERT_EQ(p->shifts[2].breaks[0].start_min, 60);

  ASSERT_EQ(p->nescalation, 2);
  ASSERT_EQ(p->escalation[0].after_s, 120);
  ASSERT_EQ(p->escalation[0].role, FH_ROLE_SHIFT_MANAGER);
  ASSERT_EQ(p->escalation[1].after_s, 300);
  ASSERT_EQ(p->escalation[1].role, FH_ROLE_PRODUCTION_MANAGER);
  ASSERT_EQ(p->nkinds, 5);
  ASSERT_STR_EQ(p->kinds[3], "safety");
  ASSERT_EQ(p->nreasons, 8);
  ASSERT_STR_EQ(p->reasons[6], "changeover_overrun");
  plant_free(p);
}

FH_TEST(lookups) {
  char err[256];
  plant *p = NULL;
  const plant_equipment *e;

  ASSERT_EQ(plant_load(FH_SAMPLE_PLANT, &p, err, sizeof err), 0);
  for (size_t i = 0; i < p->nlines; i++)
    ASSERT(plant_line_find(p, p->lines[i].id, strlen(p->lines[i].id)) ==
           &p->lines[i]);
  for (size_t i = 0; i < p->nequipment; i++)
    ASSERT(plant_equipment_find(p, p->equipment[i].id,
                                strlen(p->equipment[i].id)) == &p->equipment[i]);
  e = plant_equipment_find(p, "L3-CAPXYZ", 6); /* only the first 6 bytes */
  ASSERT(e != NULL);
  ASSERT_STR_EQ(e->id, "L3-CAP");
  ASSERT_EQ(e->ideal_cycle_ms, 1000);
  ASSERT_STR_EQ(p->lines[e->line].id, "L3");
  ASSERT(plant_line_find(p, "L9", 2) == NULL);
  ASSERT(plant_line_find(p, "L", 1) == NULL);
  ASSERT(plant_line_find(p, "L1x", 3) == NULL);
  ASSERT(plant_line_find(p, "", 0) == NULL);
  ASSERT(plant_equipment_find(p, "L3-CA", 5) == NULL);
  ASSERT(plant_equipment_find(p, "L1", 2) == NULL);
  ASSERT_EQ(plant_kind_valid(p, "safety", 6), 1);
  ASSERT_EQ(plant_kind_valid(p, "safetyx", 6), 1);
  ASSERT_EQ(plant_kind_valid(p, "safe", 4), 0);
  ASSERT_EQ(plant_kind_valid(p, "fire", 4), 0);
  ASSERT_EQ(plant_reason_valid(p, "tooling", 7), 1);
  ASSERT_EQ(plant_reason_valid(p, "safety", 6), 0);
  plant_free(p);
}

FH_TEST(defaults_when_sections_absent) {
  json_t *doc = sample();
  tmp_plant t;
  plant *p = NULL;
  char err[256];

  json_object_del(doc, "timezone");
  json_object_del(doc, "escalation");
  json_object_del(doc, "andon_kinds");
  json_object_del(doc, "reasons");
  tmp_open(&t);
  ASSERT_EQ(json_dump_file(doc, t.path, 0), 0);
  json_decref(doc);
  ASSERT_EQ(plant_load(t.path, &p, err, sizeof err), 0);
  tmp_close(&t);
  ASSERT_STR_EQ(p->timezone, "UTC");
  ASSERT_EQ(p->nescalation, 2);
  ASSERT_EQ(p->escalation[0].after_s, 120);
  ASSERT_EQ(p->escalation[0].role, FH_ROLE_SHIFT_MANAGER);
  ASSERT_EQ(p->escalation[1].after_s, 300);
  ASSERT_EQ(p->escalation[1].role, FH_ROLE_PRODUCTION_MANAGER);
  ASSERT_EQ(p->nkinds, 5);
  ASSERT_STR_EQ(p->kinds[0], "maintenance");
  ASSERT_STR_EQ(p->kinds[4], "help");
  ASSERT_EQ(p->nreasons, 8);
  ASSERT_STR_EQ(p->reasons[0], "mechanical");
  ASSERT_STR_EQ(p->reasons[7], "other");
  plant_free(p);
}

FH_TEST(empty_escalation_disables_it) {
  json_t *doc = sample();
  char err[256];
  json_object_set_new(doc, "escalation", json_array());
  ASSERT_EQ(load_doc(doc, err, sizeof err), 0);
}

FH_TEST(syntax_error_has_line_and_column) {
  tmp_plant t;
  plant *p = (plant *)1;
  char err[256], want[160];

  tmp_open(&t);
  write_text(t.path, "{\n  \"plant\": \"x\",\n  \"lines\": [\n    {\"id\": \"L1\" \"name\": \"y\"}\n  ]\n}\n");
  ASSERT_EQ(plant_load(t.path, &p, err, sizeof err), -EINVAL);
  ASSERT(p == NULL);
  snprintf(want, sizeof want, "%s:4:", t.path);
  ASSERT(strncmp(err, want, strlen(want)) == 0);
  /* then a column, then jansson's text */
  ASSERT(strstr(err + strlen(want), ": ") != NULL);
  ASSERT(strstr(err, "expected") != NULL);
  tmp_close(&t);
}

FH_TEST(duplicate_json_key_is_a_syntax_error) {
  tmp_plant t;
  plant *p = NULL;
  char err[256], want[160];

  tmp_open(&t);
  write_text(t.path, "{\"plant\": \"x\",\n \"plant\": \"y\"}");
  ASSERT_EQ(plant_load(t.path, &p, err, sizeof err), -EINVAL);
  snprintf(want, sizeof want, "%s:2:", t.path);
  ASSERT(strncmp(err, want, strlen(want)) == 0);
  ASSERT(strstr(err, "duplicate object key") != NULL);
  tmp_close(&t);
}

FH_TEST(missing_file) {
  plant *p = (plant *)1;
  char err[256];

  ASSERT_EQ(plant_load("/nonexistent/plant.json", &p, err, sizeof err), -ENOENT);
  ASSERT(p == NULL);
  ASSERT_STR_EQ(err, "/nonexistent/plant.json: No such file or directory");
}

FH_TEST(not_an_object) {
  EXPECT_INVALID(json_array(), "plant.json: top level: must be an object");
}

FH_TEST(unknown_keys) {
  json_t *doc = sample();
  json_object_set_new(doc, "lnes", json_array());
  EXPECT_INVALID(doc, "plant.json: lnes: unknown key");

  doc = sample();
  json_object_set_new(eq_at(doc, 1, 2), "ideal_cycle", json_integer(5));
  EXPECT_INVALID(doc, "plant.json: lines[1].equipment[2].ideal_cycle: unknown key");

  doc = sample();
  json_object_set_new(json_array_get(json_object_get(shift_at(doc, 2), "breaks"), 1),
                      "length", json_integer(15));
  EXPECT_INVALID(doc, "plant.json: shifts[2].breaks[1].length: unknown key");

  doc = sample();
  json_object_set_new(line_at(doc, 0), "Area", json_string("x"));
  EXPECT_INVALID(doc, "plant.json: lines[0].Area: unknown key");
}

FH_TEST(duplicate_ids) {
  json_t *doc = sample();
  json_object_set_new(line_at(doc, 2), "id", json_string("L1"));
  EXPECT_INVALID(doc, "plant.json: lines[2].id: duplicate line id 'L1' (also "
                      "lines[0])");

  doc = sample();
  json_object_set_new(eq_at(doc, 2, 3), "id", json_string("L1-PRESS2"));
  EXPECT_INVALID(doc, "plant.json: lines[2].equipment[3].id: duplicate "
                      "equipment id 'L1-PRESS2' (also lines[0].equipment[2])");

  doc = sample(); /* a line and an equipment may share an id */
  json_object_set_new(eq_at(doc, 0, 0), "id", json_string("L2"));
  char err[256];
  ASSERT_EQ(load_doc(doc, err, sizeof err), 0);
}

FH_TEST(bad_ids) {
  static const char *const bad[] = {"", "L 1", "line/1", "L1\xc3\xa4", "L1:",
                                    "L\"1"};
  char long_id[FH_ID_MAX + 2];
  const char *msg = "plant.json: lines[1].id: must be 1..64 bytes of "
                    "[A-Za-z0-9._-]";
  json_t *doc;

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    doc = sample();
    json_object_set_new(line_at(doc, 1), "id", json_string(bad[i]));
    EXPECT_INVALID(doc, msg);
  }
  memset(long_id, 'a', FH_ID_MAX + 1);
  long_id[FH_ID_MAX + 1] = '\0';
  doc = sample();
  json_object_set_new(line_at(doc, 1), "id", json_string(long_id));
  EXPECT_INVALID(doc, msg);
  long_id[FH_ID_MAX] = '\0'; /* exactly FH_ID_MAX is fine */
  doc = sample();
  json_object_set_new(line_at(doc, 1), "id", json_string(long_id));
  char err[256];
  ASSERT_EQ(load_doc(doc, err, sizeof err), 0);

  doc = sample();
  json_object_set_new(eq_at(doc, 0, 4), "id", json_integer(4));
  EXPECT_INVALID(doc, "plant.json: lines[0].equipment[4].id: must be 1..64 "
                      "bytes of [A-Za-z0-9._-]");
  doc = sample();
  json_object_del(eq_at(doc, 0, 4), "id");
  EXPECT_INVALID(doc, "plant.json: lines[0].equipment[4].id: required");
}

FH_TEST(bad_names) {
  char long_name[FH_NAME_MAX + 2];
  json_t *doc;

  memset(long_name, 'n', FH_NAME_MAX + 1);
  long_name[FH_NAME_MAX + 1] = '\0';
  doc = sample();
  json_object_set_new(eq_at(doc, 1, 0), "name", json_string(long_name));
  EXPECT_INVALID(doc, "plant.json: lines[1].equipment[0].name: must be 1..128 "
                      "bytes without control characters");
  doc = sample();
  json_object_set_new(line_at(doc, 0), "name", json_string("Press\nline"));
  EXPECT_INVALID(doc, "plant.json: lines[0].name: must be 1..128 bytes "
                      "without control characters");
  doc = sample();
  json_object_set_new(doc, "plant", json_string(""));
  EXPECT_INVALID(doc, "plant.json: plant: must be 1..128 bytes without "
                      "control characters");
  doc = sample();
  json_object_del(doc, "plant");
  EXPECT_INVALID(doc, "plant.json: plant: required");
  doc = sample();
  json_object_set_new(line_at(doc, 2), "area", json_integer(1));
  EXPECT_INVALID(doc, "plant.json: lines[2].area: must be a string");
}

FH_TEST(bad_ideal_cycle) {
  json_t *bad[] = {json_integer(0), json_integer(-5), json_integer(86400001),
                   json_real(6000.5), json_real(6000.0), json_string("6000"),
                   json_null()};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *doc = sample();
    json_object_set_new(eq_at(doc, 1, 0), "ideal_cycle_ms", bad[i]);
    EXPECT_INVALID(doc, "plant.json: lines[1].equipment[0].ideal_cycle_ms: "
                        "must be an integer 1..86400000");
  }
  json_t *doc = sample();
  json_object_del(eq_at(doc, 1, 0), "ideal_cycle_ms");
  EXPECT_INVALID(doc, "plant.json: lines[1].equipment[0].ideal_cycle_ms: "
                      "required");
  doc = sample();
  json_object_set_new(eq_at(doc, 1, 0), "ideal_cycle_ms", json_integer(86400000));
  char err[256];
  ASSERT_EQ(load_doc(doc, err, sizeof err), 0);
}

FH_TEST(bad_times) {
  static const char *const bad[] = {"24:00", "6:00", "06:60", "ab:cd",
                                    "06-00", "06:00:00", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *doc = sample();
    json_object_set_new(shift_at(doc, 1), "start", json_string(bad[i]));
    EXPECT_INVALID(doc, "plant.json: shifts[1].start: must be a time "
                        "\"HH:MM\" (00:00..23:59)");
  }
  json_t *doc = sample();
  json_object_set_new(json_array_get(json_object_get(shift_at(doc, 0), "breaks"), 1),
                      "end", json_integer(720));
  EXPECT_INVALID(doc, "plant.json: shifts[0].breaks[1].end: must be a time "
                      "\"HH:MM\" (00:00..23:59)");
}

FH_TEST(breaks_inside_their_shift) {
  json_t *doc = sample();
  json_t *b = json_array_get(json_object_get(shift_at(doc, 0), "breaks"), 1);
  json_object_set_new(b, "start", json_string("13:50"));
  json_object_set_new(b, "end", json_string("14:10"));
  EXPECT_INVALID(doc, "plant.json: shifts: shift early: break 2 is outside "
                      "the shift");

  doc = sample();
  b = json_array_get(json_object_get(shift_at(doc, 2), "breaks"), 0);
  json_object_set_new(b, "start", json_string("03:40"));
  json_object_set_new(b, "end", json_string("04:00"));
  EXPECT_INVALID(doc, "plant.json: shifts: shift night: breaks 1 and 2 "
                      "overlap");

  doc = sample();
  b = json_array_get(json_object_get(shift_at(doc, 1), "breaks"), 0);
  json_object_set_new(b, "end", json_string("17:00"));
  EXPECT_INVALID(doc, "plant.json: shifts: shift late: break 1 is empty");

  doc = sample(); /* a break across midnight inside the night shift is fine */
  b = json_array_get(json_object_get(shift_at(doc, 2), "breaks"), 0);
  json_object_set_new(b, "start", json_string("23:50"));
  json_object_set_new(b, "end", json_string("00:20"));
  char err[256];
  ASSERT_EQ(load_doc(doc, err, sizeof err), 0);
}

FH_TEST(bad_shifts) {
  json_t *doc = sample();
  json_object_set_new(shift_at(doc, 1), "start", json_string("13:00"));
  EXPECT_INVALID(doc, "plant.json: shifts: shift late overlaps shift early");

  doc = sample();
  json_object_set_new(shift_at(doc, 2), "name", json_string("early"));
  EXPECT_INVALID(doc, "plant.json: shifts[2].name: duplicate shift name "
                      "'early'");

  doc = sample();
  json_object_del(doc, "shifts");
  EXPECT_INVALID(doc, "plant.json: shifts: required");

  doc = sample();
  json_object_set_new(doc, "shifts", json_array());
  EXPECT_INVALID(doc, "plant.json: shifts: must be an array of 1..8 shifts");

  doc = sample();
  json_t *many = json_array();
  for (int i = 0; i < SHIFTS_MAX + 1; i++)
    json_array_append_new(many, json_pack("{s:s, s:s, s:s}", "name", "s",
                                          "start", "00:00", "end", "01:00"));
  json_object_set_new(doc, "shifts", many);
  EXPECT_INVALID(doc, "plant.json: shifts: must be an array of 1..8 shifts");

  doc = sample();
  json_object_del(shift_at(doc, 0), "end");
  EXPECT_INVALID(doc, "plant.json: shifts[0].end: required");
}

FH_TEST(bad_escalation) {
  json_t *doc = sample();
  json_object_set_new(json_array_get(json_object_get(doc, "escalation"), 1),
                      "role", json_string("boss"));
  EXPECT_INVALID(doc, "plant.json: escalation[1].role: unknown role 'boss'");

  doc = sample();
  json_object_set_new(json_array_get(json_object_get(doc, "escalation"), 1),
                      "after_s", json_integer(120));
  EXPECT_INVALID(doc, "plant.json: escalation[1].after_s: must be greater "
                      "than the previous step's (120)");

  doc = sample();
  json_object_set_new(json_array_get(json_object_get(doc, "escalation"), 0),
                      "after_s", json_integer(0));
  EXPECT_INVALID(doc, "plant.json: escalation[0].after_s: must be an integer "
                      "1..604800");

  doc = sample();
  json_object_set_new(json_array_get(json_object_get(doc, "escalation"), 0),
                      "after_s", json_real(90.0));
  EXPECT_INVALID(doc, "plant.json: escalation[0].after_s: must be an integer "
                      "1..604800");
}

FH_TEST(bad_codes) {
  json_t *doc = sample();
  json_object_set_new(doc, "reasons", json_array());
  EXPECT_INVALID(doc, "plant.json: reasons: must be a non-empty array of reasons");

  doc = sample();
  json_array_append_new(json_object_get(doc, "andon_kinds"),
                        json_string("quality"));
  EXPECT_INVALID(doc, "plant.json: andon_kinds[5]: duplicate code 'quality'");

  doc = sample();
  json_array_set_new(json_object_get(doc, "reasons"), 2,
                     json_string("tool wear"));
  EXPECT_INVALID(doc, "plant.json: reasons[2]: must be 1..32 bytes of "
                      "[A-Za-z0-9._-]");

  doc = sample();
  json_object_set_new(doc, "andon_kinds", json_string("maintenance"));
  EXPECT_INVALID(doc, "plant.json: andon_kinds: must be an array of 1..16 "
                      "codes");
}

/* Loads doc (consumed) and keeps the plant (free it with plant_free). */
static plant *load_kept(json_t *doc) {
  tmp_plant t;
  plant *p = NULL;
  char err[512] = "";
  tmp_open(&t);
  ASSERT_EQ(json_dump_file(doc, t.path, JSON_INDENT(2)), 0);
  json_decref(doc);
  if (plant_load(t.path, &p, err, sizeof err) != 0) FH_FAIL_("%s", err);
  tmp_close(&t);
  return p;
}

static json_t *with_reasons(const char *tree) {
  json_t *doc = sample();
  json_error_t e;
  json_t *r = json_loads(tree, 0, &e);
  if (r == NULL) FH_FAIL_("tree: %s", e.text);
  json_object_set_new(doc, "reasons", r);
  return doc;
}

#define TREE "[{\"code\": \"breakdown\", \"category\": \"unplanned\", " \
  "\"children\": [{\"code\": \"mech\", \"name\": \"Mechanical\", \"children\": [" \
  "\"bearing\", {\"code\": \"belt\"}]}, \"electrical\"]}, " \
  "{\"code\": \"setup\", \"category\": \"changeover\"}, " \
  "{\"code\": \"meeting\", \"category\": \"planned\"}, " \
  "{\"code\": \"scratch\", \"category\": \"quality\"}]"

FH_TEST(reason_tree) {
  plant *p = load_kept(with_reasons(TREE));
  const plant_reason *r;
  /* leaves in tree order: bearing, belt, electrical, setup, meeting, scratch */
  ASSERT_EQ(p->nreasons, 6);
  ASSERT_STR_EQ(p->reasons[0], "bearing");
  ASSERT_STR_EQ(p->reasons[5], "scratch");
  ASSERT_EQ(p->nreason_nodes, 8);
  r = plant_reason_leaf(p, "belt", 4); /* inherits unplanned from the top */
  ASSERT(r != NULL);
  ASSERT_EQ(r->category, FH_LOSS_UNPLANNED);
  ASSERT_EQ(r->depth, 3);
  ASSERT_STR_EQ(p->reason_nodes[r->parent].code, "mech");
  ASSERT_STR_EQ(p->reason_nodes[r->parent].name, "Mechanical");
  ASSERT(plant_reason_leaf(p, "mech", 4) == NULL); /* not a leaf */
  ASSERT(plant_reason_leaf(p, "breakdown", 9) == NULL);
  ASSERT_EQ(plant_reason_leaf(p, "setup", 5)->category, FH_LOSS_CHANGEOVER);
  ASSERT_EQ(plant_reason_leaf(p, "meeting", 7)->category, FH_LOSS_PLANNED);
  ASSERT_EQ(plant_reason_leaf(p, "scratch", 7)->category, FH_LOSS_QUALITY);
  ASSERT(plant_reason_valid(p, "electrical", 10));
  plant_free(p);
  /* the flat list of today's files: leaves of category unplanned */
  p = load_kept(sample());
  ASSERT_EQ(plant_reason_leaf(p, "tooling", 7)->category, FH_LOSS_UNPLANNED);
  ASSERT_EQ(p->stops.short_stop_s, 120);
  ASSERT_EQ(p->stops.reason_required_after_s, 120);
  plant_free(p);
}

FH_TEST(bad_reason_tree) {
  EXPECT_INVALID(with_reasons("[{\"code\": \"a\", \"category\": \"unplanned\", "
                 "\"children\": [\"b\", {\"code\": \"a\"}]}]"),
                 "plant.json: reasons[0].children[1].code: duplicate reason code 'a'");
  EXPECT_INVALID(with_reasons("[{\"code\": \"a\", \"category\": \"unplanned\", "
                 "\"children\": [{\"code\": \"b\", \"children\": [{\"code\": \"c\", "
                 "\"children\": [\"d\"]}]}]}]"),
                 "plant.json: reasons[0].children[0].children[0].children: "
                 "at most 3 levels of reasons");
  EXPECT_INVALID(with_reasons("[{\"code\": \"a\"}]"),
                 "plant.json: reasons[0].category: required on a top-level reason");
  EXPECT_INVALID(with_reasons("[{\"code\": \"a\", \"category\": \"lunch\"}]"),
                 "plant.json: reasons[0].category: must be one of unplanned, "
                 "changeover, planned, small_stop, quality");
  EXPECT_INVALID(with_reasons("[{\"code\": \"a\", \"category\": \"planned\", "
                 "\"colour\": 1}]"), "plant.json: reasons[0].colour: unknown key");
}

FH_TEST(line_constraint_and_stop_times) {
  json_t *doc = sample();
  plant *p;
  /* L2: the constraint defaults to the longest cycle (WELD1, 52 s, the
   * first of two), the output to the last equipment (INSP) */
  p = load_kept(json_deep_copy(doc));
  ASSERT_STR_EQ(p->equipment[p->lines[1].constraint].id, "L2-WELD1");
  ASSERT_STR_EQ(p->equipment[p->lines[1].output].id, "L2-INSP");
  plant_free(p);
  json_object_set_new(line_at(doc, 1), "constraint", json_string("L2-SEAL"));
  json_object_set_new(line_at(doc, 1), "output", json_string("L2-STUD"));
  json_object_set_new(line_at(doc, 1), "short_stop_s", json_integer(60));
  json_object_set_new(doc, "reason_required_after_s", json_integer(300));
  p = load_kept(json_deep_copy(doc));
  ASSERT_STR_EQ(p->equipment[p->lines[1].constraint].id, "L2-SEAL");
  ASSERT_STR_EQ(p->equipment[p->lines[1].output].id, "L2-STUD");
  ASSERT_EQ(p->lines[1].stops.short_stop_s, 60);
  ASSERT_EQ(p->lines[1].stops.reason_required_after_s, 60);
  ASSERT_EQ(p->lines[0].stops.short_stop_s, 120);
  ASSERT_EQ(p->lines[0].stops.reason_required_after_s, 300);
  plant_free(p);
  json_object_set_new(line_at(doc, 1), "constraint", json_string("L1-PRESS1"));
  EXPECT_INVALID(doc, "plant.json: lines[1].constraint: must be the id of one "
                      "of the line's equipment");
}

FH_TEST(bad_lines) {
  json_t *doc = sample();
  json_object_set_new(doc, "lines", json_array());
  EXPECT_INVALID(doc, "plant.json: lines: must be an array of 1..1024 lines");

  doc = sample();
  json_object_del(doc, "lines");
  EXPECT_INVALID(doc, "plant.json: lines: required");

  doc = sample();
  json_object_set_new(line_at(doc, 1), "equipment", json_array());
  EXPECT_INVALID(doc, "plant.json: lines[1].equipment: must be an array of "
                      "1..256 equipment");

  doc = sample();
  json_array_set_new(json_object_get(doc, "lines"), 2, json_string("L3"));
  EXPECT_INVALID(doc, "plant.json: lines[2]: must be an object");
}

FH_TEST(bad_timezone) {
  json_t *doc = sample();
  unsetenv("TZDIR");
  json_object_set_new(doc, "timezone", json_string("Europe/Berlim"));
  EXPECT_INVALID(doc, "plant.json: timezone: unknown time zone "
                      "'Europe/Berlim' (no /usr/share/zoneinfo/Europe/Berlim)");

  doc = sample();
  json_object_set_new(doc, "timezone", json_string("../../etc/passwd"));
  EXPECT_INVALID(doc, "plant.json: timezone: must be an IANA time zone name "
                      "such as \"Europe/Berlin\"");

  doc = sample();
  json_object_set_new(doc, "timezone", json_string("UTC"));
  char err[256];
  ASSERT_EQ(load_doc(doc, err, sizeof err), 0);
}

/* The sample's products, their ids indexed, and the ideal cycle in force:
 * a number on every equipment, a map on the equipment it names only. */
FH_TEST(products) {
  char err[256] = "";
  plant *p = NULL;
  const plant_product *brk, *pnl;

  ASSERT_EQ(plant_load(FH_SAMPLE_PLANT, &p, err, sizeof err), 0);
  ASSERT_EQ(p->nproducts, 2);
  brk = plant_product_find(p, "BRK-100", 7);
  pnl = plant_product_find(p, "PNL-200", 7);
  ASSERT(brk == &p->products[0] && pnl == &p->products[1]);
  ASSERT(plant_product_find(p, "BRK-10", 6) == NULL);
  ASSERT_STR_EQ(brk->name, "Bracket");
  ASSERT_EQ(brk->ideal_cycle_ms, 0);
  ASSERT_EQ(brk->ncycles, 4);
  ASSERT_EQ(brk->changeover_target_s, 600);
  ASSERT_EQ(pnl->ideal_cycle_ms, 8000);
  ASSERT_EQ(pnl->changeover_target_s, 900);
  ASSERT_EQ(plant_ideal_cycle(p, brk, 1), 4000);  /* L1-PRESS1: named */
  ASSERT_EQ(plant_ideal_cycle(p, brk, 4), 4000);  /* L1-EOL: named */
  ASSERT_EQ(plant_ideal_cycle(p, brk, 0), 5000);  /* L1-DEST: its own */
  ASSERT_EQ(plant_ideal_cycle(p, brk, 6), 52000); /* L2-WELD1: its own */
  ASSERT_EQ(plant_ideal_cycle(p, pnl, 6), 8000);  /* a number: everywhere */
  ASSERT_EQ(plant_ideal_cycle(p, NULL, 1), 6000); /* no run: its own */
  plant_free(p);
}

static json_t *product_at(json_t *doc, size_t i) {
  return json_array_get(json_object_get(doc, "products"), i);
}

FH_TEST(bad_products) {
  json_t *doc;

  doc = sample();
  json_object_set_new(product_at(doc, 1), "id", json_string("BRK-100"));
  EXPECT_INVALID(doc, "plant.json: products[1].id: duplicate product id "
                      "'BRK-100' (also products[0])");
  doc = sample();
  json_object_set_new(product_at(doc, 1), "ideal_cycle_ms", json_integer(0));
  EXPECT_INVALID(doc, "plant.json: products[1].ideal_cycle_ms: must be an "
                      "integer 1..86400000 or a map of equipment ids to such "
                      "integers");
  doc = sample();
  json_object_set_new(product_at(doc, 1), "ideal_cycle_ms", json_real(1.5));
  EXPECT_INVALID(doc, "plant.json: products[1].ideal_cycle_ms: must be an "
                      "integer 1..86400000 or a map of equipment ids to such "
                      "integers");
  doc = sample();
  json_object_set_new(json_object_get(product_at(doc, 0), "ideal_cycle_ms"),
                      "L9-NOPE", json_integer(1000));
  EXPECT_INVALID(doc, "plant.json: products[0].ideal_cycle_ms.L9-NOPE: no "
                      "such equipment");
  doc = sample();
  json_object_set_new(json_object_get(product_at(doc, 0), "ideal_cycle_ms"),
                      "L1-EOL", json_integer(-3));
  EXPECT_INVALID(doc, "plant.json: products[0].ideal_cycle_ms.L1-EOL: must "
                      "be an integer 1..86400000");
  doc = sample();
  json_object_set_new(product_at(doc, 0), "ideal_cycle_ms", json_object());
  EXPECT_INVALID(doc, "plant.json: products[0].ideal_cycle_ms: must name "
                      "1..1024 equipment");
  doc = sample();
  json_object_del(product_at(doc, 0), "ideal_cycle_ms");
  EXPECT_INVALID(doc, "plant.json: products[0].ideal_cycle_ms: required");
  doc = sample();
  json_object_set_new(product_at(doc, 1), "changeover_target_s",
                      json_integer(0));
  EXPECT_INVALID(doc, "plant.json: products[1].changeover_target_s: must be "
                      "an integer 1..86400 (seconds)");
  doc = sample();
  json_object_set_new(product_at(doc, 1), "changeover_target_s",
                      json_string("900"));
  EXPECT_INVALID(doc, "plant.json: products[1].changeover_target_s: must be "
                      "an integer 1..86400 (seconds)");
  doc = sample();
  json_object_set_new(product_at(doc, 1), "colour", json_string("red"));
  EXPECT_INVALID(doc, "plant.json: products[1].colour: unknown key");
  doc = sample();
  json_object_set_new(product_at(doc, 1), "id", json_string("bad id"));
  ASSERT_EQ(load_doc(doc, (char[256]){0}, 256), -EINVAL);
  doc = sample();
  json_object_set_new(doc, "products", json_object());
  EXPECT_INVALID(doc, "plant.json: products: must be an array of 0..4096 "
                      "products");
  doc = sample(); /* the section is optional */
  json_object_del(doc, "products");
  ASSERT_EQ(load_doc(doc, (char[256]){0}, 256), 0);
}

FH_TEST_MAIN(FH_TEST_ENTRY(sample_loads), FH_TEST_ENTRY(lookups),
             FH_TEST_ENTRY(defaults_when_sections_absent),
             FH_TEST_ENTRY(empty_escalation_disables_it),
             FH_TEST_ENTRY(syntax_error_has_line_and_column),
             FH_TEST_ENTRY(duplicate_json_key_is_a_syntax_error),
             FH_TEST_ENTRY(missing_file), FH_TEST_ENTRY(not_an_object),
             FH_TEST_ENTRY(unknown_keys), FH_TEST_ENTRY(duplicate_ids),
             FH_TEST_ENTRY(bad_ids), FH_TEST_ENTRY(bad_names),
             FH_TEST_ENTRY(bad_ideal_cycle), FH_TEST_ENTRY(bad_times),
             FH_TEST_ENTRY(breaks_inside_their_shift),
             FH_TEST_ENTRY(bad_shifts), FH_TEST_ENTRY(bad_escalation),
             FH_TEST_ENTRY(bad_codes), FH_TEST_ENTRY(bad_lines),
             FH_TEST_ENTRY(bad_timezone), FH_TEST_ENTRY(reason_tree),
             FH_TEST_ENTRY(bad_reason_tree),
             FH_TEST_ENTRY(line_constraint_and_stop_times),
             FH_TEST_ENTRY(products), FH_TEST_ENTRY(bad_products))
