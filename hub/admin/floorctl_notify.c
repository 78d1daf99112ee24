/* floorctl_notify.c -- `floorctl notify test`: a test message to a person
 * through the same sending code as the hub (hub/notify/sender.h), without
 * a hub.
 *
 * Design: the notify file is loaded as the hub loads it (with --plant, its
 * references to the plant are checked too); the person is reached the way
 * a rule reaches them (e-mail through the first email channel, their own
 * webhook), each as one record handed to a sender on a loop of our own
 * that has no store.  Each delivery is tried once: the first result of
 * each ends it, and the exit status is 0 only when all were delivered.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floorctl.h"
#include "notify_file.h"
#include "plant.h"
#include "sender.h"

typedef struct test_run {
  size_t waiting;   /* deliveries without a result yet */
  size_t failed;    /* of them, failed */
  uv_loop_t *loop;  /* stopped when waiting reaches 0 */
} test_run;

static void on_result(void *arg, const sender_result *r) {
  test_run *t = arg;
  if (r->delivered > 0)
    printf("%s: delivered on %s\n", r->e->id, r->e->channel);
  else
    printf("%s: FAILED on %s: %s\n", r->e->id, r->e->channel, r->why), t->failed++;
  if (--t->waiting == 0) uv_stop(t->loop);
}

static int queue_tests(sender *s, const notify_cfg *cfg, int person, test_run *t) {
  notify_target targets[2];
  notify_rule rule = {.on = NOTIFY_ON_RAISED, .nto = 1, .drop_if_acknowledged = 1};
  notify_cfg one = *cfg;
  notify_event ev = {NOTIFY_ON_RAISED, NULL, -1, NULL, 0, NULL, NULL, 0};
  struct timespec ts;
  size_t n;

  rule.to[0] = (notify_to){NOTIFY_TO_PERSON, person};
  one.rules = &rule;
  one.nrules = 1;
  n = notify_targets(&one, &ev, targets, 2);
  clock_gettime(CLOCK_REALTIME, &ts);
  for (size_t i = 0; i < n; i++) {
    const notify_person *p = &cfg->people[person];
    notify_entry e;
    memset(&e, 0, sizeof e);
    e.on = NOTIFY_ON_TEST;
    e.level_role = -1;
    e.created_ms = e.next_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    snprintf(e.channel, sizeof e.channel, "%s", targets[i].channel >= 0
             ? cfg->channels[targets[i].channel].id : NOTIFY_PEOPLE_CHANNEL);
    snprintf(e.person, sizeof e.person, "%s", p->id);
    snprintf(e.to, sizeof e.to, "%s", targets[i].channel >= 0 ? p->email : p->webhook);
    snprintf(e.id, sizeof e.id, "test-%lld.%s.%s", (long long)e.created_ms, e.channel, p->id);
    snprintf(e.text, sizeof e.text, "TEST floorhub notification for %s", p->name);
    snprintf(e.link, sizeof e.link, "%s", cfg->public_url);
    if (sender_add(s, &e) != 0) return -1;
    t->waiting++;
  }
  return 0;
}

static int run_test(const char *file, const char *plant_file, const char *to) {
  char err[512];
  plant *pl = NULL;
  notify_cfg *cfg = NULL;
  sender *s = NULL;
  sender_ops ops = {NULL, NULL, NULL, NULL, NULL};
  uv_loop_t loop;
  test_run t = {0, 0, &loop};
  int person, rc = FLOORCTL_EXIT_FAIL;

  if ((plant_file && plant_load(plant_file, &pl, err, sizeof err) != 0) ||
      notify_file_load(file, pl, &cfg, err, sizeof err) != 0) {
    plant_free(pl);
    return floorctl_fail("notify", "%s", err);
  }
  uv_loop_init(&loop);
  if ((person = notify_cfg_person(cfg, to)) < 0) {
    rc = floorctl_usage("notify", "no person '%s' in %s", to, file);
  } else if (sender_new(&s, &loop, cfg, &ops) != 0) {
    floorctl_fail("notify", "cannot start the senders");
  } else {
    sender_on_result(s, on_result, &t);
    if (queue_tests(s, cfg, person, &t) != 0) floorctl_fail("notify", "out of memory");
    else if (t.waiting == 0)
      floorctl_fail("notify", "'%s' has no e-mail address (with an email channel) "
                    "and no webhook", to);
    else
      uv_run(&loop, UV_RUN_DEFAULT);
    if (t.waiting == 0 && t.failed == 0 && person >= 0) rc = 0;
    sender_close(s);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  notify_cfg_free(cfg);
  plant_free(pl);
  return rc;
}

int floorctl_notify(int argc, char **argv) {
  static const struct option opts[] = {{"notify", required_argument, NULL, 'n'},
                                       {"to", required_argument, NULL, 't'},
                                       {"plant", required_argument, NULL, 'p'},
                                       {NULL, 0, NULL, 0}};
  const char *file = NULL, *to = NULL, *plant_file = NULL;
  int c;

  if (argc < 2 || strcmp(argv[1], "test") != 0)
    return floorctl_usage("notify", "expected 'notify test'");
  argc--, argv++;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'n') file = optarg;
    else if (c == 't') to = optarg;
    else if (c == 'p') plant_file = optarg;
    else return floorctl_bad_option("notify", argv);
  }
  if (file == NULL || to == NULL || optind != argc)
    return floorctl_usage("notify", "usage: notify test --notify FILE --to PERSON "
                          "[--plant FILE]");
  return run_test(file, plant_file, to);
}
