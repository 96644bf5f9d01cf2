/* pixels: what the terminal says about showing real pixels: kitty graphics, sixel in its device attributes, its colour registers, its cell size in pixels. */
#include "tui/ui.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

#define REPLY_MAX 256

/* One "CSI ? P1 ; P2 ; ... F" answer: up to 16 numbers. */
struct answer {
	char final;
	int n;
	long p[16];
};

/* Parse the answer starting at s[0] == ESC (len bytes there). Returns its
 * length, 0 when it is not complete yet, -1 when it is not an answer. */
static int parse_answer(const unsigned char *s, size_t len, struct answer *a)
{
	size_t i = 0;
	if (len < 3)
		return len >= 1 && s[0] == 0x1b && (len < 2 || s[1] == '[') ? 0 : -1;
	if (s[0] != 0x1b || s[1] != '[' || s[2] != '?')
		return -1;
	memset(a, 0, sizeof *a);
	long v = 0;
	bool have = false;
	for (i = 3; i < len && i < 64; i++) {
		unsigned char c = s[i];
		if (c >= '0' && c <= '9') {
			if (v < 100000)
				v = v * 10 + (c - '0');
			have = true;
		} else if (c == ';' || (c >= 0x40 && c <= 0x7e)) {
			if ((have || c == ';') && a->n < 16)
				a->p[a->n++] = v;
			v = 0;
			have = false;
			if (c != ';') {
				a->final = (char)c;
				return (int)i + 1;
			}
		} else {
			return -1;
		}
	}
	return i >= 64 ? -1 : 0;
}

/* A kitty graphics answer, "ESC _ G ... ST" at s[0]: its length, 0
 * when it is not complete yet, -1 when it is not one. *ok: it says OK. */
static int parse_apc(const unsigned char *s, size_t len, bool *ok)
{
	static const char yes[] = "Gi=31;OK";
	for (size_t i = 2; i + 1 < len && i < 64; i++) {
		if (s[i] == 0x1b) {
			if (s[i + 1] != '\\')
				return -1;
			*ok = i - 2 == sizeof yes - 1 && !memcmp(s + 2, yes, sizeof yes - 1);
			return (int)i + 2;
		}
	}
	return len >= 64 ? -1 : 0;
}

/* The answer at s[0] == ESC, either kind: as parse_answer; a->final is 'G'
 * for kitty's, a->n 1 when it said OK. */
static int parse_reply(const unsigned char *s, size_t len, struct answer *a)
{
	if (len < 2)
		return 0;
	if (s[1] != '_')
		return parse_answer(s, len, a);
	bool ok = false;
	int k = parse_apc(s, len, &ok);
	a->final = 'G';
	a->n = ok;
	return k;
}

/* Inside tmux or screen: neither passes kitty graphics on, and both take
 * an APC string as a title (tmux's pane title, screen's hardstatus), so
 * kitty's query is not asked there. */
static bool multiplexed(void)
{
	const char *t = getenv("TERM");
	return getenv("TMUX") || getenv("STY") || (t && (!strncmp(t, "tmux", 4) || !strncmp(t, "screen", 6)));
}

int ui_px_probe(int timeout_ms, int *colours)
{
	/* a kitty graphics query (a 1x1 image, kept nowhere), the graphics
	 * colour registers (XTSMGRAPHICS), then the primary device
	 * attributes, which every terminal answers: their answer ends the
	 * wait. A terminal that does not know the first two ignores them. */
	static const char kitty_ask[] = "\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\033\\";
	static const char ask[] = "\033[?1;1;0S\033[c";
	bool mux = multiplexed();
	if ((!mux && write(STDOUT_FILENO, kitty_ask, sizeof kitty_ask - 1) != (ssize_t)(sizeof kitty_ask - 1)) ||
	    write(STDOUT_FILENO, ask, sizeof ask - 1) != (ssize_t)(sizeof ask - 1))
		return -1;
	unsigned char in[REPLY_MAX];
	size_t len = 0;
	int64_t end = clock_mono_ms() + timeout_ms;
	int sixel = -1;
	bool kitty = false;
	long regs = 0;   /* the colour registers it told, 0: not told */
	unsigned char typed[REPLY_MAX];
	size_t ntyped = 0;
	while (sixel < 0) {
		int64_t left = end - clock_mono_ms();
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		ssize_t r = read(STDIN_FILENO, in + len, sizeof in - len);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		size_t i = 0;
		while (i < len && sixel < 0) {
			struct answer a;
			int k = in[i] == 0x1b ? parse_reply(in + i, len - i, &a) : -1;
			if (k == 0)
				break;   /* the rest has not come yet */
			if (k < 0) {   /* not ours: a key typed meanwhile, given back below */
				if (ntyped < sizeof typed)
					typed[ntyped++] = in[i];
				i++;
				continue;
			}
			i += (size_t)k;
			if (a.final == 'G')
				kitty = a.n == 1;
			if (a.final == 'S' && a.n >= 3 && a.p[0] == 1 && a.p[1] == 0 && a.p[2] > 0) {
				regs = a.p[2];
				*colours = regs > 256 ? 256 : (int)regs;
			}
			if (a.final == 'c') {
				sixel = 0;
				for (int j = 1; j < a.n; j++)
					if (a.p[j] == 4)
						sixel = 1;
			}
		}
		memmove(in, in + i, len - i);
		len -= i;
		if (len == sizeof in)
			break;
	}
	while (ntyped > 0)
		ungetch(typed[--ntyped]);
	log_msg(LOG_INFO, "tui: the terminal %s; %ld colour registers (0: not told); kitty graphics: %s",
		sixel < 0 ? "did not answer the device attributes query" : sixel ? "shows sixel images"
		: "does not list sixel images", regs, kitty ? "shown" : mux ? "not asked (tmux or screen)" : "no answer");
	return sixel < 0 ? -1 : (sixel ? UI_PX_SIXEL : 0) | (kitty ? UI_PX_KITTY : 0);
}

bool ui_px_cell(int *w, int *h)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || !ws.ws_col || !ws.ws_row || !ws.ws_xpixel || !ws.ws_ypixel)
		return false;
	*w = ws.ws_xpixel / ws.ws_col;
	*h = ws.ws_ypixel / ws.ws_row;
	return *w >= 1 && *h >= 2;
}
