/* gw_log.h -- the one diagnostic hook of floorgw's modules.
 *
 * Design: a module that has something to say (gw_spb, gw_mqtt) takes a
 * gw_log_fn and its argument from its caller and formats its line with
 * gw_logf(), which does nothing when the hook is NULL.  Lines are cut at
 * GW_LOG_LINE_MAX bytes; they never carry secrets.
 */
#ifndef GW_LOG_H
#define GW_LOG_H

#define GW_LOG_LINE_MAX 512 /* bytes of one line, with its NUL */

typedef void (*gw_log_fn)(void *arg, const char *line);

__attribute__((format(printf, 3, 4)))
void gw_logf(gw_log_fn fn, void *arg, const char *fmt, ...);

#endif /* GW_LOG_H */
