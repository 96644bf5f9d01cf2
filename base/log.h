/* log: the program's diagnostic log file; never the terminal while curses is up. */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Open (append) the log file at path, or NULL for stderr. Returns 0 or -1.
 * With a file open, fd 2 is redirected to it too, so that library chatter
 * never reaches the terminal. */
int log_open(const char *path);
/* Messages below this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* Write one line: the formatted text (its first 2047 bytes) passes
 * sanitize_text (base/sanitize.h), so a control character, an escape
 * sequence or invalid UTF-8 in what it quotes is shown, never obeyed, and
 * a newline cannot start a second line. */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_close(void);
/* True while a log file is open (and fd 2 writes to it). */
bool log_to_file(void);

#endif
