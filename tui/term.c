/* term: curses start/stop, signals through a self-pipe, suspend, resize, crash restore. */
#include "tui/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "base/log.h"

/* Signals the poll loop handles (the handler only writes the number to the
 * self-pipe). C-z is ours too, so that curses state is saved outside a
 * signal handler. */
static const int loop_sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCONT, SIGTSTP};
/* Signals that kill us: restore the terminal, then let them do their job. */
static const int fatal_sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
#define N_LOOP (sizeof loop_sigs / sizeof loop_sigs[0])
#define N_FATAL (sizeof fatal_sigs / sizeof fatal_sigs[0])

static struct sigaction loop_old[N_LOOP];
static struct sigaction fatal_old[N_FATAL];
static bool loop_set[N_LOOP];
static bool handlers_on;

static int sig_pipe[2] = {-1, -1};
static SCREEN *screen;
static volatile sig_atomic_t curses_up;
static struct termios shell_tio;     /* terminal state before we started */
static char restore_seq[256];        /* terminfo bytes that undo our modes */
static size_t restore_len;

static void on_loop_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t r = write(sig_pipe[1], &b, 1);  /* full pipe: the byte is redundant */
	(void)r;
	errno = saved;
}

/* Async-signal-safe: only write(2), tcsetattr(3) and sigaction(2). */
static void on_fatal_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (curses_up) {
		curses_up = 0;
		ssize_t r = write(STDOUT_FILENO, restore_seq, restore_len);
		(void)r;
		tcsetattr(STDOUT_FILENO, TCSANOW, &shell_tio);
	}
	for (size_t i = 0; i < N_FATAL; i++)
		if (fatal_sigs[i] == sig)
			sigaction(sig, &fatal_old[i], NULL);
	/* A real fault re-executes and reaches the previous handler (the
	 * default, or a sanitizer's); a sent signal has to be raised again. */
	if (si == NULL || si->si_code <= 0)
		raise(sig);
}

static void add_cap(const char *name)
{
	char *s = tigetstr(name);
	if (s == NULL || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (n > sizeof restore_seq - restore_len)
		return;
	memcpy(restore_seq + restore_len, s, n);
	restore_len += n;
}

static void handlers_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_loop_signal;
	for (size_t i = 0; i < N_LOOP; i++) {
		struct sigaction cur;
		sigaction(loop_sigs[i], NULL, &cur);
		/* Respect an inherited "ignore" (nohup, shells without job control). */
		if (cur.sa_handler == SIG_IGN && loop_sigs[i] != SIGWINCH && loop_sigs[i] != SIGCONT) {
			loop_set[i] = false;
			continue;
		}
		loop_set[i] = sigaction(loop_sigs[i], &sa, &loop_old[i]) == 0;
	}
	struct sigaction fa;
	memset(&fa, 0, sizeof fa);
	sigemptyset(&fa.sa_mask);
	fa.sa_flags = SA_SIGINFO;
	fa.sa_sigaction = on_fatal_signal;
	for (size_t i = 0; i < N_FATAL; i++)
		sigaction(fatal_sigs[i], &fa, &fatal_old[i]);
	handlers_on = true;
}

static void handlers_restore(void)
{
	if (!handlers_on)
		return;
	for (size_t i = 0; i < N_LOOP; i++)
		if (loop_set[i])
			sigaction(loop_sigs[i], &loop_old[i], NULL);
	for (size_t i = 0; i < N_FATAL; i++)
		sigaction(fatal_sigs[i], &fatal_old[i], NULL);
	handlers_on = false;
}

static void pipe_close(void)
{
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
}

int ui_term_start(struct ui *ui)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		log_msg(LOG_ERROR, "tui: stdin and stdout must be a terminal");
		return -1;
	}
	if (tcgetattr(STDOUT_FILENO, &shell_tio) != 0) {
		log_msg(LOG_ERROR, "tui: tcgetattr: %s", strerror(errno));
		return -1;
	}
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_msg(LOG_ERROR, "tui: pipe: %s", strerror(errno));
		return -1;
	}
	/* Before newterm: curses then leaves these signals to us. */
	handlers_install();
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		log_msg(LOG_ERROR, "tui: cannot initialise the terminal (TERM=%s)",
			getenv("TERM") ? "set" : "unset");
		handlers_restore();
		pipe_close();
		return -1;
	}
	set_term(screen);
	cbreak();          /* C-c and C-z stay signals: quitting never depends on the keymap */
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);

	/* No XON/XOFF: C-s must not freeze the screen of a supervisor. */
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_iflag &= (tcflag_t)~IXON;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		def_prog_mode();
	}

	restore_len = 0;
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	add_cap("rmcup");
	curses_up = 1;
	ui_colors_init(ui);
	return 0;
}

void ui_term_stop(void)
{
	if (curses_up) {
		curses_up = 0;
		endwin();
	}
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	handlers_restore();
	pipe_close();
}

int ui_term_sigfd(void)
{
	return sig_pipe[0];
}

void ui_term_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return;
	resizeterm(ws.ws_row, ws.ws_col);
}

/* C-z: leave curses, stop with the default action, come back on SIGCONT. */
static void suspend(void)
{
	size_t i;
	for (i = 0; i < N_LOOP && loop_sigs[i] != SIGTSTP; i++)
		;
	if (i == N_LOOP || !loop_set[i])
		return;
	ui_view_finish(UI_VIEW_FINISH_MS);   /* no half picture left to the shell */
	endwin();
	struct sigaction dfl, mine;
	memset(&dfl, 0, sizeof dfl);
	sigemptyset(&dfl.sa_mask);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &dfl, &mine);
	raise(SIGTSTP);
	/* ...stopped here until SIGCONT... */
	sigaction(SIGTSTP, &mine, NULL);
	log_msg(LOG_DEBUG, "tui: resumed");
}

bool ui_term_signals(struct ui *ui)
{
	unsigned char b[64];
	ssize_t n;
	bool winch = false, tstp = false, repaint = false;

	while ((n = read(sig_pipe[0], b, sizeof b)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (b[i]) {
			case SIGWINCH:
				winch = true;
				break;
			case SIGCONT:
				repaint = true;
				winch = true;
				break;
			case SIGTSTP:
				tstp = true;
				break;
			case SIGINT:
				ui->quit = true;
				ui->exit_status = 0;
				break;
			default: /* SIGTERM, SIGHUP, SIGQUIT */
				log_msg(LOG_INFO, "tui: quitting on signal %d", b[i]);
				ui->quit = true;
				ui->exit_status = 128 + b[i];
				break;
			}
		}
	}
	if (tstp && !ui->quit) {
		suspend();
		repaint = true;
		winch = true;
	}
	if (winch)
		ui_term_resize();
	if (repaint)
		clearok(curscr, TRUE);
	return repaint || winch;
}
