/* notify_file.h -- the notify file (--notify FILE): channels, people,
 * rosters and rules, read into a notify_cfg (notify_rules.h).
 *
 * Design: strict like the plant file.  An unknown key, a duplicate key or
 * id, a reference to an unknown channel, person, role, line, kind or shift,
 * or a value out of range fails the whole load with one message naming the
 * file and the JSON path ("rules[2].to[1]: no person 'bob'").  Secrets
 * (secret_file, password_file) are read at load time; a trailing newline is
 * not part of them; they are never written to a message.  A channel's
 * ca_file (https, smtp/smtps, mqtts only) must be a readable PEM bundle of
 * certificates (pem_bundle.h); without it TLS trusts the system's CAs.  The hub reloads
 * the file on SIGHUP and keeps the old settings when the new file fails.
 *
 * {
 *   "public_url": "https://hub.example:7600/",   http(s) URL, optional
 *   "max_age_s": 86400,                          60..2592000, default 86400
 *   "channels": [
 *     {"id": "chat", "type": "webhook", "url": "https://...",
 *      "format": "json" | "slack" | "teams", "secret_file": "/etc/...",
 *      "timeout_s": 10, "max_in_flight": 4, "ca_file": "/etc/.../ca.pem"},
 *     {"id": "mail", "type": "email", "smtp_url": "smtp://host:587",
 *      "from": "floorhub@plant.example", "user": "u",
 *      "password_file": "/etc/...", "timeout_s": 30},
 *     {"id": "bus", "type": "mqtt", "url": "mqtt://127.0.0.1:1883",
 *      "topic_prefix": "floorhub/notify"}
 *   ],
 *   "people": [{"id": "anna", "name": "Anna K.", "email": "a@x",
 *               "webhook": "https://..."}],
 *   "rosters": [{"role": "shift_manager", "shift": "early",
 *                "people": ["anna"]}],
 *   "rules": [{"on": "andon.escalated", "level": 1, "lines": ["L1"],
 *              "kinds": ["safety"], "min_severity": 2, "repeat_s": 600,
 *              "drop_if_acknowledged": true,
 *              "to": ["role:shift_manager", "person:anna", "channel:chat"]},
 *             {"on": "equipment.down_for", "after_s": 600, "to": [...]}]
 * }
 */
#ifndef FH_HUB_NOTIFY_FILE_H
#define FH_HUB_NOTIFY_FILE_H

#include <stddef.h>

#include "notify_rules.h"
#include "plant.h"

#define NOTIFY_FILE_MAX (1024 * 1024) /* bytes of the notify file */

/* Loads path, checking references against the plant pl (lines, kinds,
 * shifts, escalation levels; pl may be NULL to skip those checks, as
 * `floorctl notify test` does).  Returns 0 with *out (free it with
 * notify_cfg_free), or a negative code with *out NULL and err naming the
 * file, the JSON path and the problem. */
int notify_file_load(const char *path, const plant *pl, notify_cfg **out,
                     char *err, size_t errlen);
/* An empty configuration: nothing is sent (no --notify).  NULL on -ENOMEM. */
notify_cfg *notify_cfg_empty(void);
void notify_cfg_free(notify_cfg *c);

/* The channel / person with that id, or -1. */
int notify_cfg_channel(const notify_cfg *c, const char *id);
int notify_cfg_person(const notify_cfg *c, const char *id);

#endif
