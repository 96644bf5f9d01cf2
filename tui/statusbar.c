/* statusbar: the top bar, the engine banner, the bottom key hints and transient messages. */
#include "tui/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "docker/docker.h"
#include "docker/inventory.h"

void ui_status_msg(struct ui *ui, int ms, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_until_ms = clock_mono_ms() + ms;
}

bool ui_status_expire(struct ui *ui, int64_t now_ms)
{
	if (ui->msg_until_ms == 0 || now_ms < ui->msg_until_ms)
		return false;
	ui->msg[0] = '\0';
	ui->msg_until_ms = 0;
	return true;
}

int ui_status_timeout(const struct ui *ui, int64_t now_ms)
{
	if (ui->msg_until_ms == 0)
		return -1;
	int64_t d = ui->msg_until_ms - now_ms;
	return d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
}

/* "3 sandboxes: 2 running, 1 paused, 0 stopped" */
static void fmt_counts(const struct ui *ui, char *out, size_t n)
{
	const struct inventory *inv = ui->o->inv;
	size_t total = inv_count(inv), run = 0, paused = 0;
	for (size_t i = 0; i < total; i++) {
		const char *s = inv_get(inv, i)->state;
		if (!s)
			continue;
		if (!strcmp(s, "running") || !strcmp(s, "restarting"))
			run++;
		else if (!strcmp(s, "paused"))
			paused++;
	}
	const char *what = ui->all ? (total == 1 ? "container" : "containers")
		: (total == 1 ? "sandbox" : "sandboxes");
	snprintf(out, n, "%zu %s: %zu running, %zu paused, %zu stopped",
		total, what, run, paused, total - run - paused);
}

/* Age of the data on screen: since the engine was last seen online or last
 * listed, "42s"; "" if there never was any. */
static void fmt_age(const struct ui *ui, int64_t mono_ms, char *out, size_t n)
{
	int64_t t = inv_last_sync_ms(ui->o->inv);
	if (ui->online_seen_ms > t)
		t = ui->online_seen_ms;
	out[0] = '\0';
	if (t > 0)
		clock_fmt_duration((mono_ms - t) / 1000, out, (unsigned)n);
}

static int draw_banner(struct ui *ui, int y, int64_t mono_ms)
{
	const struct inventory *inv = ui->o->inv;
	char line[1024], age[32];
	enum inv_conn st = inv_state(inv);
	if (st == INV_ONLINE)
		return y;
	fmt_age(ui, mono_ms, age, sizeof age);
	attr_t a;
	if (st == INV_OFFLINE) {
		const char *e = inv_error(inv);
		a = ui_attr(ui, UI_R_BANNER_ERR);
		snprintf(line, sizeof line, " ENGINE UNREACHABLE (retrying; %s%s%s): %s",
			age[0] ? "data is " : "no data yet", age, age[0] ? " old" : "", e && *e ? e : "no answer");
	} else {
		a = ui_attr(ui, UI_R_BANNER_INFO);
		snprintf(line, sizeof line, " connecting to %s…%s%s%s", dk_client_endpoint(ui->o->client),
			age[0] ? " · showing data " : "", age, age[0] ? " old" : "");
	}
	ui_fill(y, 0, COLS, a);
	ui_put(y, 0, line, COLS, a);
	return y + 1;
}

int ui_status_draw_top(struct ui *ui, int64_t wall_ms, int64_t mono_ms)
{
	char counts[160], engine[512], clk[16];
	const struct dk_client *c = ui->o->client;
	const char *api = dk_client_api_version(c);
	const char *ver = dk_client_engine_version(c);

	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(clk, sizeof clk, "%H:%M:%S", &tm);
	fmt_counts(ui, counts, sizeof counts);
	snprintf(engine, sizeof engine, "%s%s%s%s%s", dk_client_endpoint(c),
		api ? " API " : "", api ? api : "", ver ? " Engine " : "", ver ? ver : "");

	int right = COLS;
	if (COLS >= 40) {
		right -= ui_put_right(0, COLS, clk, COLS, A_NORMAL) + 2;
	}
	int x = ui_put(0, 0, "sandtop", right, ui_attr(ui, UI_R_TITLE)) + 2;
	if (x < right)
		x += ui_put(0, x, counts, right - x, A_NORMAL) + 3;
	if (x < right)
		ui_put(0, x, engine, right - x, ui_attr(ui, UI_R_DIM));
	return draw_banner(ui, 1, mono_ms);
}

struct hint {
	enum km_action a;
	const char *label;
};

void ui_status_draw_bottom(struct ui *ui)
{
	int y = LINES - 1;
	if (ui->msg[0]) {
		attr_t a = ui_attr(ui, UI_R_MSG);
		ui_fill(y, 0, COLS, a);
		ui_put(y, 0, ui->msg, COLS, a);
		return;
	}
	struct hint list_hints[] = {
		{KA_HELP, "help"},
		{KA_TOGGLE_ALL, ui->all ? "sandboxes" : "all"},
		{KA_REFRESH, "refresh"},
		{KA_QUIT, "quit"},
	};
	struct hint help_hints[] = {
		{KA_HELP, "close"},
		{KA_UP, "up"},
		{KA_DOWN, "down"},
		{KA_QUIT, "quit"},
	};
	bool help = ui->screen == UI_HELP;
	const struct hint *h = help ? help_hints : list_hints;
	size_t nh = help ? sizeof help_hints / sizeof help_hints[0] : sizeof list_hints / sizeof list_hints[0];
	enum km_table tbl = help ? KT_HELP : KT_LIST;

	char pos[48] = "";
	size_t n = inv_count(ui->o->inv);
	if (!help && n > 0)
		snprintf(pos, sizeof pos, "%zu/%zu", ui->sel + 1, n);
	int right = COLS;
	if (pos[0] && COLS >= 40)
		right -= ui_put_right(y, COLS, pos, COLS, A_NORMAL) + 1;

	int x = 0;
	for (size_t i = 0; i < nh && x < right; i++) {
		char key[32];
		keymap_key_for(ui->o->km, tbl, h[i].a, key, sizeof key);
		if (!key[0])
			continue;
		int kw = ui_width(key, KM_KEY_NAME_MAX), lw = ui_width(h[i].label, 32);
		if (x + kw + 1 + lw > right)
			break;   /* whole hints only */
		x += ui_put(y, x, key, kw, ui_attr(ui, UI_R_KEY));
		x += 1 + ui_put(y, x + 1, h[i].label, lw, ui_attr(ui, UI_R_HINT)) + 2;
	}
}
