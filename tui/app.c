/* app: tui_run, the one poll loop (terminal, signals, Docker sockets, stats timer) and the frame. */
#include "tui/ui.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/collector.h"
#include "docker/docker.h"
#include "snapshot/snapshot.h"
#include "isolation/run.h"
#include "control/ttl.h"
#include "docker/inventory.h"

/* Turns in a row where poll() said stdin was readable but no key came:
 * the terminal is gone (EOF without a hangup). */
#define UI_MAX_EMPTY_READS 50
/* While the engines' sockets keep bringing news (a fleet's lists, inspects
 * and first samples at the start), the frame waits until the loop has read
 * what is ready, this long at most: a frame per answer drew a table of
 * hundreds of rows dozens of times in the first second. Keys, signals and
 * desktops draw at once. */
#define UI_CATCHUP_MS 50
/* How long quitting waits for a cut-short snapshot to resume its sandbox. */
#define UI_SNAP_RESUME_WAIT_MS 10000
/* Below this many body rows the detail pane takes the whole body. */
#define UI_DETAIL_SPLIT_MIN 16
/* The table keeps at least its header and this many rows beside the pane. */
#define UI_DETAIL_TABLE_MIN 3

/* The list, or the list and the detail pane, in rows [y0, y1). */
static void render_list(struct ui *ui, int y0, int y1, int64_t wall_ms, int64_t mono_ms)
{
	y1 -= ui_control_draw_pane(ui, y0, y1, mono_ms);
	ui->list_y0 = y0;
	ui->list_y1 = y1;
	if (!ui->detail) {
		ui_list_draw(ui, y0, y1, wall_ms, mono_ms);
		return;
	}
	int body = y1 - y0;
	if (body < UI_DETAIL_SPLIT_MIN) {
		ui->list_y1 = y0;   /* no table on screen */
		ui_detail_draw(ui, y0, y1, wall_ms, mono_ms);
		return;
	}
	ui_list_sync(ui);
	int th = (int)(ui_rows_count(ui) < (size_t)body ? ui_rows_count(ui) : (size_t)body) + 1;
	if (th > body / 3)
		th = body / 3;     /* the pane gets the larger share */
	if (th < UI_DETAIL_TABLE_MIN + 1)
		th = UI_DETAIL_TABLE_MIN + 1;
	ui->list_y1 = y0 + th;
	ui_list_draw(ui, y0, y0 + th, wall_ms, mono_ms);
	ui_detail_draw(ui, y0 + th, y1, wall_ms, mono_ms);
}

/* Draw one frame from scratch; curses sends only the difference, then
 * the desktop pictures go out around it (ui_view_end tells curses what
 * they covered). */
static void render(struct ui *ui, int64_t wall_ms, int64_t mono_ms)
{
	erase();
	ui_view_begin(ui);
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		char need[64];
		ui_put(0, 0, "terminal too small", COLS, A_BOLD);
		snprintf(need, sizeof need, "%dx%d, need %dx%d", COLS, LINES, UI_MIN_COLS, UI_MIN_LINES);
		ui_put(1, 0, need, COLS, A_NORMAL);
	} else {
		int y = ui_status_draw_top(ui, wall_ms, mono_ms);
		if (ui->armed && y < LINES - 2) {
			attr_t a = ui_attr(ui, UI_R_ALERT) | A_REVERSE | A_BOLD;
			ui_fill(y, 0, COLS, a);
			ui_put(y++, 0, "ARMED: actions run at once, without questions (A disarms)", COLS, a);
		}
		if (ui->screen == UI_HELP)
			ui_help_draw(ui, y, LINES - 1);
		else if (ui->screen == UI_VIEW)
			ui_view_draw(ui, y, LINES - 1, mono_ms);
		else if (ui->screen == UI_WALL)
			ui_wall_draw(ui, y, LINES - 1, mono_ms);
		else if (ui->screen == UI_ISOLATION)
			ui_iso_draw(ui, ui_list_selected(ui), y, LINES - 1);
		else if (ui->screen == UI_LOGS)
			ui_logs_draw(ui, y, LINES - 1);
		else
			render_list(ui, y, LINES - 1, wall_ms, mono_ms);
		ui_menu_draw(ui, y, LINES - 1);
		if (!ui_control_draw_bottom(ui, LINES - 1, COLS) && !ui_takeover_draw_bottom(ui, LINES - 1, COLS) &&
		    !ui_logs_draw_bottom(ui, LINES - 1, COLS))
			ui_status_draw_bottom(ui, mono_ms);
	}
	ui_view_end(ui, mono_ms);
	wnoutrefresh(stdscr);
	doupdate();
	ui_view_emit(ui);
}

/* Keep the isolation checks in step with the inventory: every sandbox listed gets
 * evaluated once (events re-evaluate it after), and all of them again when
 * the engine comes back (events may have been missed). One the inventory
 * has not inspected yet is left to that inspect, which the runner is fed
 * (iso_runner_feed): a fleet's checks ask the engine nothing more. */
static void iso_sync(struct iso_runner *r, const struct inventory *inv, enum inv_conn *last_state)
{
	enum inv_conn st = inv_state(inv);
	bool back = st == INV_ONLINE && *last_state == INV_OFFLINE;   /* not the first connect */
	*last_state = st;
	if (back)
		iso_runner_host_refresh(r);
	if (inv_settled(inv))
		iso_runner_release_host(r);   /* held by main.c until the table is in */
	for (size_t i = 0; i < inv_count(inv); i++) {
		const struct dk_container *c = inv_get(inv, i);
		if (back || (c->inspected && !iso_runner_has(r, c->id)))
			iso_runner_want(r, c->id);
	}
}

static int min_timeout(int a, int b)
{
	if (b < 0)
		return a;
	return b < a ? b : a;
}

/* What the loop remembers of each engine. */
struct eng_seen {
	uint64_t gen;             /* its inventory's generation, for its isolation checks */
	enum inv_conn inv_last;
};

/* Every engine's inventory, collector, isolation checks and TTL enforcer one turn on:
 * each on its own timers, so a wedged engine holds up no other. Returns
 * the soonest any needs to run again (-1: none). */
static int engines_tick(struct ui *ui, struct eng_seen *seen, int64_t mono, int64_t wall)
{
	int timeout = -1;
	for (size_t e = 0; e < ui->o->nengines; e++) {
		const struct tui_engine *en = &ui->o->engines[e];
		timeout = min_timeout(timeout < 0 ? 1000 : timeout, inv_tick(en->inv, mono));
		if (en->coll)
			timeout = min_timeout(timeout, coll_tick(en->coll, mono));
		if (inv_generation(en->inv) != seen[e].gen) {
			seen[e].gen = inv_generation(en->inv);
			if (en->iso)
				iso_sync(en->iso, en->inv, &seen[e].inv_last);
		}
		if (en->iso)
			timeout = min_timeout(timeout, iso_runner_tick(en->iso, wall));
		if (ui->ttls && ui->ttls[e])
			timeout = min_timeout(timeout, ttl_enf_tick(ui->ttls[e], en->inv, wall));
	}
	return min_timeout(timeout, ui_probes_tick(ui, mono));
}

static void loop(struct ui *ui)
{
	size_t ne = ui->o->nengines;
	struct dk_client **clients = xcalloc(ne, sizeof *clients);
	size_t *counts = xcalloc(ne, sizeof *counts);
	struct eng_seen *seen = xcalloc(ne, sizeof *seen);
	for (size_t e = 0; e < ne; e++) {
		clients[e] = ui->o->engines[e].client;
		seen[e].inv_last = INV_CONNECTING;
	}
	struct pollfd *fds = NULL;
	size_t fds_cap = 0;
	uint64_t gen = ui_inv_generation(ui);
	uint64_t cgen = ui_coll_generation(ui);
	uint64_t isogen = ui_iso_generation(ui);
	int64_t shown_sec = -1, drawn_ms = 0;
	int empty_reads = 0;
	bool dirty = true, catching_up = false;

	while (!ui->quit) {
		int64_t mono = clock_mono_ms();
		int64_t wall = clock_wall_ms();
		int t_eng = engines_tick(ui, seen, mono, wall);
		int t_view = ui_view_tick(ui, mono, &dirty);
		int t_act = ui_control_tick(ui, mono, &dirty);
		int t_logs = ui_logs_tick(ui, mono, &dirty);

		if (ui_inv_generation(ui) != gen) {
			gen = ui_inv_generation(ui);
			dirty = true;
		}
		if (ui_iso_generation(ui) != isogen) {
			isogen = ui_iso_generation(ui);
			dirty = true;
		}
		if (ui_coll_generation(ui) != cgen) {
			cgen = ui_coll_generation(ui);
			dirty = true;
		}
		if (wall / 1000 != shown_sec)
			dirty = true;      /* the clock and the uptimes tick */
		if (ui_status_expire(ui, mono))
			dirty = true;
		/* a slow terminal still taking the last picture: the next
		 * frame waits for it (keys and actions do not) */
		bool deferred = false;
		if (dirty && !ui_view_writing()) {
			if (catching_up && mono - drawn_ms < UI_CATCHUP_MS) {
				deferred = true;
			} else {
				render(ui, wall, mono);
				shown_sec = wall / 1000;
				drawn_ms = mono;
				dirty = false;
			}
		}

		/* Wake just after the next second, or earlier if someone needs to. */
		int timeout = 1000 - (int)(wall % 1000) + 2;
		timeout = min_timeout(timeout, t_eng);
		timeout = min_timeout(timeout, ui_status_timeout(ui, mono));
		timeout = min_timeout(timeout, t_view);
		timeout = min_timeout(timeout, t_act);
		timeout = min_timeout(timeout, t_logs);
		/* stdin and the signals first, then every engine's sockets, the
		 * desktops' and the snapshots' */
		size_t n = dk_clients_pollfds(clients, ne, &fds, &fds_cap, 2, counts, &timeout);
		size_t want = 2 + n + ui->ndesks + ui->nsnaps * SNAP_POLLFDS_MAX + 1;
		if (want > fds_cap) {
			fds_cap = want * 2;
			fds = xrealloc(fds, fds_cap * sizeof *fds);
		}
		fds[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		fds[1] = (struct pollfd){.fd = ui_term_sigfd(), .events = POLLIN};
		size_t nv = ui_view_pollfds(ui, fds + 2 + n, fds_cap - 2 - n);
		size_t ns = ui_control_pollfds(ui, fds + 2 + n + nv, fds_cap - 2 - n - nv);
		size_t nout = ui_view_writing();   /* then stdout, while a picture goes out */
		if (nout)
			fds[2 + n + nv + ns] = (struct pollfd){.fd = STDOUT_FILENO, .events = POLLOUT};
		if (timeout < 0 || deferred)
			timeout = 0;   /* a deferred frame: what is ready now, then draw */

		int r = poll(fds, 2 + n + nv + ns + nout, timeout);
		if (r < 0) {
			if (errno != EINTR) {
				log_msg(LOG_ERROR, "tui: poll: %s", strerror(errno));
				ui->quit = true;
				ui->exit_status = 1;
				break;
			}
			for (size_t i = 0; i < 2 + n + nv + ns + nout; i++)
				fds[i].revents = 0;
		}

		catching_up = false;
		for (size_t i = 2; i < 2 + n && r > 0; i++)
			catching_up |= fds[i].revents != 0;
		if (fds[0].revents || fds[1].revents)
			catching_up = false;
		if (fds[1].revents & POLLIN) {
			if (ui_term_signals(ui))
				dirty = true;
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			log_msg(LOG_INFO, "tui: terminal hung up");
			ui->quit = true;
			ui->exit_status = 129;
		} else if (fds[0].revents & POLLIN) {
			if (ui_input_handle(ui, &dirty) > 0) {
				empty_reads = 0;
			} else if (++empty_reads >= UI_MAX_EMPTY_READS) {
				log_msg(LOG_INFO, "tui: terminal input at end of file");
				ui->quit = true;
				ui->exit_status = 1;
			}
		}
		dk_clients_dispatch(clients, ne, fds, 2, counts);
		ui_view_dispatch(ui, fds + 2 + n, nv, &dirty);
		ui_control_dispatch(ui, fds + 2 + n + nv, ns, &dirty);
		if (nout && fds[2 + n + nv + ns].revents && ui_view_drain())
			dirty = true;   /* the frame that waited */
	}
	free(fds);
	free(seen);
	free(counts);
	free(clients);
}

/* The TTL enforcer's news on the status line (and in the log). */
static void on_ttl(void *ud, const struct ttl_event *ev)
{
	struct ui *ui = ud;
	log_msg(LOG_INFO, "ttl: %s", ev->text);
	ui_status_msg(ui, 8000, "%s", ev->text);
}

int tui_run(const struct tui_opts *o)
{
	struct ui ui;
	memset(&ui, 0, sizeof ui);
	ui.o = o;
	ui.color = !o->no_color;
	ui.screen = UI_LIST;
	ui.page_rows = 1;
	ui_cols_init(&ui);     /* the columns and the first sort (config file) */
	ui.started_ms = clock_mono_ms();
	ui.armed = o->armed;

	if (ui_term_start(&ui) != 0)
		return 1;
	ui_view_init(&ui);
	ui_mouse_restore(&ui);
	if (o->keymap_errors > 0) {
		char key[KM_KEY_NAME_MAX];
		keymap_key_for(o->km, KT_LIST, KA_HELP, key, sizeof key);
		ui_status_msg(&ui, 8000, "keymap: %d bad line%s, first: %s%s%s%s", o->keymap_errors,
			o->keymap_errors == 1 ? "" : "s",
			o->keymap_first_error ? o->keymap_first_error : "?",
			key[0] ? " (" : "", key, key[0] ? " for help)" : "");
	}
	if (o->ttl_policy != TTL_FLAG && ui_can_act(&ui)) {
		struct ttl_enf_opts to = {.policy = o->ttl_policy, .stop_timeout_s = -1, .cb = on_ttl, .ud = &ui};
		ui.ttls = xcalloc(o->nengines, sizeof *ui.ttls);
		for (size_t e = 0; e < o->nengines; e++)
			ui.ttls[e] = o->engines[e].act ? ttl_enf_new(o->engines[e].act, &to) : NULL;
		ui_status_msg(&ui, 5000, "ttl policy: %s once a running sandbox's budget is spent",
			ttl_policy_name(o->ttl_policy));
	}
	loop(&ui);
	for (size_t e = 0; ui.ttls && e < o->nengines; e++)
		ttl_enf_free(ui.ttls[e]);
	free(ui.ttls);
	ui_logs_close(&ui);
	ui_view_free(&ui);
	bool cut = ui_control_free(&ui);
	ui_term_stop();
	if (cut) {
		/* the snapshot's resume and its records need the engine's answers */
		printf("sandtop: a snapshot was cut short: resuming its sandbox (up to %d s)\n", UI_SNAP_RESUME_WAIT_MS / 1000);
		fflush(stdout);
		struct dk_client **cs = xcalloc(o->nengines, sizeof *cs);
		int64_t *dl = xcalloc(o->nengines, sizeof *dl);
		for (size_t e = 0; e < o->nengines; e++) {
			cs[e] = o->engines[e].client;
			dl[e] = clock_mono_ms() + UI_SNAP_RESUME_WAIT_MS;
			dk_events_stop(cs[e]);
		}
		if (dk_clients_run(cs, o->nengines, dl, NULL) > 0)
			printf("sandtop: no answer from the engine: check the sandbox is not left paused\n");
		free(dl);
		free(cs);
	}
	ui_rows_free(&ui);
	ui_probes_free(&ui);   /* no dispatch of the clients after this */
	log_msg(LOG_DEBUG, "tui: exit status %d", ui.exit_status);
	return ui.exit_status;
}
