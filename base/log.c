/* log: the program's diagnostic log file; never the terminal while curses is up. */
#include "base/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/sanitize.h"

#define LOG_LINE_MAX 2048  /* bytes of formatted text per line, before sanitizing */

static FILE *log_fp;
static enum log_level log_min = LOG_INFO;

int log_open(const char *path)
{
	if (!path)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	FILE *fp = fdopen(fd, "a");
	if (!fp) {
		close(fd);
		return -1;
	}
	setvbuf(fp, NULL, _IOLBF, 0);
	if (log_fp)
		fclose(log_fp);
	log_fp = fp;
	fflush(stderr);
	dup2(fd, 2);
	return 0;
}

void log_set_level(enum log_level lvl)
{
	log_min = lvl;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl < log_min)
		return;
	static const char *const names[] = {"debug", "info", "warn", "error"};
	FILE *fp = log_fp ? log_fp : stderr;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* every line passes the one sanitizer, whatever its arguments quote:
	 * one line each, no escape sequence reaches whoever reads the log */
	char raw[LOG_LINE_MAX], line[3 * LOG_LINE_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1;
	sanitize_text(raw, len, line, sizeof line);
	fprintf(fp, "%s %s %s\n", ts, names[lvl], line);
}

void log_close(void)
{
	if (log_fp)
		fclose(log_fp);
	log_fp = NULL;
}

bool log_to_file(void)
{
	return log_fp != NULL;
}
