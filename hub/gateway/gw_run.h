/* gw_run.h -- one run of floorgw: the loop that joins the broker, the
 * mapping, the Sparkplug host, the cache and the hub client (gw_run.c).
 */
#ifndef GW_RUN_H
#define GW_RUN_H

typedef struct gw_opts {
  const char *map_file;        /* --map */
  const char *broker_host;     /* from --broker */
  int broker_port;             /* from --broker */
  int broker_tls;              /* mqtts:// */
  const char *hub_url;         /* --hub */
  const char *token;           /* the gateway token (from --token-file) */
  const char *host_id;         /* --host-id: Sparkplug host id */
  const char *client_id;       /* --client-id: MQTT session id */
  const char *broker_user;     /* --broker-user */
  const char *broker_password; /* from --broker-password-file */
  const char *broker_ca;       /* --broker-ca-file */
  const char *broker_cert;     /* --broker-cert */
  const char *broker_key;      /* --broker-key */
  const char *hub_ca;          /* --ca-file: CAs of a wss:// hub, NULL: the system's */
} gw_opts;

/* Loads the map and runs until SIGINT or SIGTERM (SIGHUP reloads the map).
 * Returns 0, or a negative errno code when it could not start (the reason
 * is printed). */
int gw_run(const gw_opts *o);

#endif /* GW_RUN_H */
