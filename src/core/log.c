/* log.c — Redis-format log lines to stdout or a file, optionally syslog.
 *
 * Thread: any. One write(2) per line on an O_APPEND fd keeps lines whole.
 */
#include <petrel/log.h>

/* <syslog.h> is not included: its LOG_DEBUG/LOG_NOTICE/LOG_WARNING macros
 * would silently replace our enum log_level constants of the same names.
 * These are syslog(3)'s values, fixed by POSIX. */
void openlog(const char *ident, int option, int facility);
void syslog(int priority, const char *format, ...);
#define SYS_PID 0x01
#define SYS_NDELAY 0x08
#define SYS_NOWAIT 0x10
#define SYS_USER (1 << 3)
#define SYS_LOCAL(n) ((16 + (n)) << 3)
#define SYS_DEBUG 7
#define SYS_INFO 6
#define SYS_NOTICE 5
#define SYS_WARNING 4

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int log_fd = STDOUT_FILENO;
static enum log_level min_level = LOG_NOTICE;
static char log_role = 'M';
static int use_syslog;

int log_setup(const char *path, enum log_level level)
{
	min_level = level;
	if (!path || !*path) {
		log_fd = STDOUT_FILENO;
		return 0;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (log_fd > STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
	return 0;
}

void log_set_level(enum log_level level) { min_level = level; }
void log_set_role(char role) { log_role = role; }

void log_set_syslog(int enabled, const char *ident, const char *facility)
{
	static const struct { const char *name; int value; } facilities[] = {
		{"user", SYS_USER}, {"local0", SYS_LOCAL(0)}, {"local1", SYS_LOCAL(1)},
		{"local2", SYS_LOCAL(2)}, {"local3", SYS_LOCAL(3)}, {"local4", SYS_LOCAL(4)},
		{"local5", SYS_LOCAL(5)}, {"local6", SYS_LOCAL(6)}, {"local7", SYS_LOCAL(7)},
	};
	int fac = SYS_LOCAL(0);
	for (size_t i = 0; facility && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcasecmp(facility, facilities[i].name))
			fac = facilities[i].value;
	if (enabled && !use_syslog)
		openlog(ident ? ident : "redis", SYS_PID | SYS_NDELAY | SYS_NOWAIT, fac);
	use_syslog = enabled;
}

static void emit(enum log_level level, int prefix, const char *fmt, va_list ap)
{
	static const char marks[] = ".-*#";
	static const int syslog_levels[] = {SYS_DEBUG, SYS_INFO, SYS_NOTICE, SYS_WARNING};
	char line[1024];
	size_t n = 0;

	if (level < min_level || level >= LOG_NOTHING)
		return;
	if (prefix) {
		struct timeval tv;
		struct tm tm;
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		n = (size_t)snprintf(line, sizeof(line), "%d:%c ", (int)getpid(), log_role);
		n += strftime(line + n, sizeof(line) - n, "%d %b %Y %H:%M:%S.", &tm);
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%03d %c ",
				      (int)(tv.tv_usec / 1000), marks[level]);
	}
	int body = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (body < 0)
		return;
	if ((size_t)body > sizeof(line) - n - 2)
		body = (int)(sizeof(line) - n - 2);
	n += (size_t)body;
	if (use_syslog && prefix) {
		syslog(syslog_levels[level], "%s", line);
	}
	line[n++] = '\n';
	ssize_t w = write(log_fd, line, n);
	(void)w;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(level, 1, fmt, ap);
	va_end(ap);
}

void log_raw(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(level, 0, fmt, ap);
	va_end(ap);
}
