/* log.h — Redis-format log lines.
 *
 * Line format, as redis-server writes it:
 *     <pid>:<role> <dd Mon yyyy HH:MM:SS.mmm> <level char> <message>
 * role: 'M' master, 'S' replica, 'X' sentinel, 'C' child (petrel never forks).
 * level chars: '.' debug, '-' verbose, '*' notice, '#' warning.
 *
 * Thread: any. Each line is formatted into a local buffer and written with one
 * write(2) (O_APPEND), so lines from different threads never interleave.
 */
#ifndef PETREL_LOG_H
#define PETREL_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_VERBOSE, LOG_NOTICE, LOG_WARNING, LOG_NOTHING };

/* Configure the sink. path NULL or "" = stdout. Returns 0 or -errno. */
int log_setup(const char *path, enum log_level level);
void log_set_level(enum log_level level);
void log_set_role(char role);
void log_set_syslog(int enabled, const char *ident, const char *facility);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like log_msg without the prefix (for the ASCII banner). */
void log_raw(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_VERBOSE, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)

#endif
