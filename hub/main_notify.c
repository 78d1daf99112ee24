/* main_notify.c -- notifications wired into floorhub (see main_notify.h).
 *
 * One sender per process, kept here with the loaded settings and the
 * SIGHUP handle.  Results are logged with the delivery id and channel,
 * never with a URL (a webhook URL may carry a token) or a secret.
 */
#include "main_notify.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "log.h"
#include "notify_log.h"
#include "notify_file.h"
#include "outbox.h"
#include "sender.h"

static struct {
  notify_cfg *cfg;        /* the settings in force */
  sender *snd;            /* the senders, NULL before start */
  uv_signal_t sighup;     /* reload */
} nt;

int main_notify_load(hub *h, char *err, size_t errlen) {
  if (h->cfg->notify_file[0] == '\0') return 0;
  if (notify_file_load(h->cfg->notify_file, h->plant, &nt.cfg, err, errlen) != 0)
    return -1;
  h->notify = nt.cfg;
  return 0;
}

static int op_update(void *arg, const notify_entry *e) { return outbox_update(arg, e); }
static int op_remove(void *arg, const char *id) { return outbox_delete(arg, id); }
static int op_andon(void *arg, uint64_t id, fh_andon *out) {
  return outbox_andon_now(arg, id, out);
}
static int64_t op_now(void *arg) { return hub_now_ms(arg); }

static void on_result(void *arg, const sender_result *r) {
  notify_log_result(arg, r->e, r->delivered, r->why);
  if (r->delivered > 0)
    log_info("notify: %s delivered on %s", r->e->id, r->e->channel);
  else if (r->delivered == 0)
    log_warn("notify: %s on %s failed (attempt %u): %s; next try in %lld s",
             r->e->id, r->e->channel, r->e->attempts, r->why,
             (long long)((r->e->next_ms - hub_now_ms(arg)) / 1000));
  else
    log_warn("notify: %s on %s dropped: %s", r->e->id, r->e->channel, r->why);
}

static void add_one(hub *h, const char *id) {
  notify_entry e;
  int rc = outbox_get(h, id, &e);
  if (rc == 0) rc = sender_add(nt.snd, &e);
  if (rc != 0) {
    notify_entry_clear(&e);
    log_error("notify: cannot queue %s: %s (it stays stored until restart)", id,
              fh_store_strerror(rc));
  }
}

static void on_outbox(void *arg, const char *ids, size_t len) {
  for (const char *p = ids; p < ids + len; p += strlen(p) + 1) add_one(arg, p);
}

static int add_stored(void *arg, notify_entry *e) {
  if (sender_add(arg, e) != 0) notify_entry_clear(e);
  return 0;
}

static int on_metrics(void *arg, fh_buf *out) { return sender_metrics(arg, out); }

static void on_sighup(uv_signal_t *sig, int signum) {
  hub *h = sig->data;
  notify_cfg *next = NULL;
  char err[512];
  (void)signum;
  if (notify_file_load(h->cfg->notify_file, h->plant, &next, err, sizeof err) != 0) {
    log_error("notify: reload refused, the running settings stay: %s", err);
    return;
  }
  sender_set_cfg(nt.snd, next);
  h->notify = next;
  notify_cfg_free(nt.cfg);
  nt.cfg = next;
  log_info("notify: %s reloaded (%zu channels, %zu rules; %zu queued)",
           h->cfg->notify_file, next->nchannels, next->nrules, sender_depth(nt.snd));
}

int main_notify_start(hub *h, char *err, size_t errlen) {
  sender_ops ops = {op_update, op_remove, op_andon, op_now, h};
  int rc;
  if (nt.cfg == NULL) return 0;
  if ((rc = sender_new(&nt.snd, h->loop, nt.cfg, &ops)) != 0) {
    snprintf(err, errlen, "notify: cannot start the senders: %s", strerror(-rc));
    return -1;
  }
  sender_on_result(nt.snd, on_result, h);
  rc = outbox_scan(h, add_stored, nt.snd);
  if (rc != 0) {
    snprintf(err, errlen, "notify: cannot read the outbox: %s", fh_store_strerror(rc));
    return -1;
  }
  h->on_outbox = on_outbox;
  h->outbox_arg = h;
  h->on_metrics = on_metrics;
  h->metrics_arg = nt.snd;
  uv_signal_init(h->loop, &nt.sighup);
  nt.sighup.data = h;
  uv_signal_start(&nt.sighup, on_sighup, SIGHUP);
  if (sender_depth(nt.snd) > 0)
    log_info("notify: %zu notifications from the outbox queued", sender_depth(nt.snd));
  return 0;
}

void main_notify_stop(hub *h) {
  h->on_outbox = NULL;
  h->on_metrics = NULL;
  if (nt.sighup.loop != NULL && !uv_is_closing((uv_handle_t *)&nt.sighup))
    uv_close((uv_handle_t *)&nt.sighup, NULL);
  sender_close(nt.snd);
  nt.snd = NULL;
}

void main_notify_free(hub *h) {
  h->notify = NULL;
  notify_cfg_free(nt.cfg);
  nt.cfg = NULL;
}
