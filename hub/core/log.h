/* log.h -- one line per event on stderr, journald-friendly.
 *
 * Each line starts with an sd-daemon priority prefix ("<6>") when stderr is
 * the journal (JOURNAL_STREAM set) and with a UTC timestamp otherwise, then
 * the level and the message.  Never pass a token, key or password: the log
 * is read by people who must not see secrets.
 */
#ifndef FH_HUB_LOG_H
#define FH_HUB_LOG_H

typedef enum log_level {
  LOG_LVL_ERROR = 0,
  LOG_LVL_WARN,
  LOG_LVL_INFO,
  LOG_LVL_DEBUG
} log_level;

/* Sets the threshold; messages above it are dropped. */
void log_set_level(log_level lvl);
/* "error", "warn", "info", "debug" -> level; -1 if unknown. */
int log_level_from(const char *name);
log_level log_get_level(void);

void log_msg(log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
