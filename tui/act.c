/* act: actions from the screen: tagging, the questions before acting (default no), the signal menu, armed and read-only, and the results pane. */
#include "tui/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "snapshot/snapshot.h"
#include "docker/inventory.h"

#define PANE_MAX_ROWS 10   /* the results pane: a title and the failures or pending ones */

/* The kill menu: the signals an operator reaches for (the command line
 * takes any dk_signal_names entry or number). */
static const char *const menu_signals[] = {
	"SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT", NULL,
};

/* The containers an action applies to: the tagged ones still listed, else
 * the selection; into ui->pending_ids. Returns the count. */
static size_t pick_targets(struct ui *ui)
{
	ui->npending = 0;
	size_t n = ui_inv_count(ui);
	free(ui->pending_ids);
	ui->pending_ids = xcalloc(n ? n : 1, sizeof *ui->pending_ids);
	if (ui->ntags) {
		for (size_t i = 0; i < n; i++)
			if (ui_tagged(ui, ui_inv_get(ui, i)->id))
				snprintf(ui->pending_ids[ui->npending++], 65, "%s", ui_inv_get(ui, i)->id);
	} else {
		ui_list_sync(ui);
		if (ui_rows_count(ui))
			snprintf(ui->pending_ids[ui->npending++], 65, "%s", ui_rows_get(ui, ui->sel)->id);
	}
	return ui->npending;
}

/* Every running or paused sandbox of every engine (the kill switch's targets). */
static size_t pick_all(struct ui *ui)
{
	size_t n = ui_inv_count(ui);
	free(ui->pending_ids);
	ui->pending_ids = xcalloc(n ? n : 1, sizeof *ui->pending_ids);
	ui->npending = 0;
	for (size_t e = 0; e < ui->o->nengines; e++) {
		const struct inventory *inv = ui->o->engines[e].inv;
		for (size_t i = 0; i < inv_count(inv); i++) {
			const struct dk_container *c = inv_get(inv, i);
			if (fmt_is_up(c) && inv_selector_match(inv_selector(inv), c))
				snprintf(ui->pending_ids[ui->npending++], 65, "%s", c->id);
		}
	}
	return ui->npending;
}

/* The runs of the last action (one per engine it reached). */
static bool runs_any(const struct ui *ui)
{
	for (size_t e = 0; ui->runs && e < ui->o->nengines; e++)
		if (ui->runs[e])
			return true;
	return false;
}

static bool runs_quiet(const struct ui *ui)
{
	for (size_t e = 0; ui->runs && e < ui->o->nengines; e++)
		if (ui->runs[e] && !act_run_quiet(ui->runs[e]))
			return false;
	return true;
}

static bool runs_done(const struct ui *ui)
{
	for (size_t e = 0; ui->runs && e < ui->o->nengines; e++)
		if (ui->runs[e] && !act_run_done(ui->runs[e]))
			return false;
	return true;
}

/* The counts over every run; *kind the action's, *kernel whether the kernel acted anywhere. */
static void runs_counts(const struct ui *ui, size_t *n, size_t *ok, size_t *failed, size_t *pending, int *kind,
                        bool *kernel)
{
	*n = *ok = *failed = *pending = 0;
	*kernel = false;
	for (size_t e = 0; ui->runs && e < ui->o->nengines; e++) {
		struct act_run *r = ui->runs[e];
		if (!r)
			continue;
		size_t k, a, b, c;
		act_run_results(r, &k);
		act_run_counts(r, &a, &b, &c);
		*n += k, *ok += a, *failed += b, *pending += c;
		*kind = (int)act_run_kind(r);
		*kernel |= act_run_kernel(r);
	}
}

static void runs_free(struct ui *ui)
{
	for (size_t e = 0; ui->runs && e < ui->o->nengines; e++) {
		act_run_free(ui->runs[e]);
		ui->runs[e] = NULL;
	}
}

/* The state word of c for a question: fmt_state's, but the kernel asked
 * now (the list's sample may be a second old). */
static const char *state_now(struct ui *ui, const struct dk_container *c)
{
	const char *w = fmt_state(ui, c, NULL);
	struct actions *act = ui_eng(ui, c)->act;
	if (!strcmp(w, "running") && act && act_frozen(act, c))
		w = fmt_quarantined(c) ? "quarantined" : "frozen";
	return !strcmp(w, "freezing") ? "frozen" : w;
}

/* "3 running, 1 paused, 1 frozen" of the targets picked (the words of
 * fmt_state: a paused or frozen one is not called running). Static buffer. */
static const char *held_counts(struct ui *ui)
{
	static char out[128];
	static const char *const words[] = {"running", "paused", "frozen", "quarantined", "restarting"};
	size_t count[5] = {0}, other = 0;
	for (size_t i = 0; i < ui->npending; i++) {
		const struct dk_container *c = ui_inv_find(ui, ui->pending_ids[i]);
		if (c) {
			const char *w = state_now(ui, c);
			size_t k = 0;
			while (k < 5 && strcmp(w, words[k]))
				k++;
			if (k < 5)
				count[k]++;
			else
				other++;
		}
	}
	size_t len = 0;
	out[0] = '\0';
	for (size_t k = 0; k < 5; k++)
		if (count[k] && len < sizeof out)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%zu %s", len ? ", " : "", count[k], words[k]);
	if (other && len < sizeof out)
		snprintf(out + len, sizeof out - len, "%s%zu other", len ? ", " : "", other);
	return out;
}

/* "demo-1" or "3 sandboxes (demo-1, demo-2, …)" for a question. */
static void describe(struct ui *ui, char *out, size_t n)
{
	const struct dk_container *c = ui->npending ? ui_inv_find(ui, ui->pending_ids[0]) : NULL;
	const char *first = c ? c->name : NULL;
	if (ui->npending == 1)
		snprintf(out, n, "%s", first ? first : ui->pending_ids[0]);
	else
		snprintf(out, n, "%zu sandboxes (%s, …)", ui->npending, first ? first : "?");
}

/* ---- questions ---- */

/* Ask the question on the bottom line (y/N: no unless y). */
void ui_confirm(struct ui *ui, enum km_action action, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->confirm_text, sizeof ui->confirm_text, fmt, ap);
	va_end(ap);
	ui->confirm_action = action;
	ui->confirm_word[0] = ui->confirm_typed[0] = '\0';
	ui->confirming = true;
}

static void confirm_word(struct ui *ui, enum km_action action, const char *word, const char *what)
{
	ui_confirm(ui, action, "%s: type '%s' and Enter (Esc cancels):", what, word);
	snprintf(ui->confirm_word, sizeof ui->confirm_word, "%s", word);
}

/* The end of a question, whatever the answer: nothing of it stays armed
 * (no question text, no menu, no word typed, no signal chosen). */
static void question_end(struct ui *ui)
{
	ui->confirming = false;
	ui->menu_open = false;
	ui->confirm_text[0] = ui->confirm_word[0] = ui->confirm_typed[0] = '\0';
	ui->confirm_action = KA_NONE;
	ui->pending_signal[0] = '\0';
}

static void cancelled(struct ui *ui, const char *why)
{
	question_end(ui);
	ui_status_msg(ui, 3000, "cancelled%s%s", why ? " " : "", why ? why : "");
}

static void run_action(struct ui *ui, enum act_kind kind, const char *signal);

static void snapshot_start(struct ui *ui);

/* The operator said yes to a (with signal, for a kill). */
static void confirmed(struct ui *ui, enum km_action a, const char *signal)
{
	if (a == KA_QUIT)
		ui->quit = true;
	else if (a == KA_SNAPSHOT)
		snapshot_start(ui);
	else if (a == KA_TAKEOVER)
		ui_takeover_start(ui);
	else if (a == KA_ARM) {
		ui->armed = true;
		log_msg(LOG_WARN, "armed: actions run without questions");
	} else
		run_action(ui, (enum act_kind)ui->pending_kind, signal);
}

static int menu_len(void)
{
	int n = 0;
	while (menu_signals[n])
		n++;
	return n;
}

static void menu_key(struct ui *ui, int r, wint_t k)
{
	int n = menu_len();
	if (r == KEY_CODE_YES && k == KEY_UP) {
		ui->menu_sel = ui->menu_sel > 0 ? ui->menu_sel - 1 : 0;
	} else if (r == KEY_CODE_YES && k == KEY_DOWN) {
		ui->menu_sel = ui->menu_sel < n - 1 ? ui->menu_sel + 1 : n - 1;
	} else if ((r == OK && (k == '\r' || k == '\n')) || (r == KEY_CODE_YES && k == KEY_ENTER)) {
		const char *sig = menu_signals[ui->menu_sel];
		question_end(ui);
		if (ui->armed) {
			run_action(ui, ACT_KILL, sig);
			return;
		}
		char who[200];
		describe(ui, who, sizeof who);
		ui_confirm(ui, KA_KILL, "Send %s to %s?", sig, who);
		snprintf(ui->pending_signal, sizeof ui->pending_signal, "%s", sig);
	} else {
		cancelled(ui, NULL);
	}
}

void ui_confirm_key(struct ui *ui, int r, wint_t k)
{
	if (ui->menu_open) {
		menu_key(ui, r, k);
		return;
	}
	enum km_action a = ui->confirm_action;
	char sig[sizeof ui->pending_signal];
	snprintf(sig, sizeof sig, "%s", ui->pending_signal);
	if (ui->confirm_word[0]) {
		size_t len = strlen(ui->confirm_typed);
		if (r == OK && (k == '\r' || k == '\n')) {
			bool match = !strcmp(ui->confirm_typed, ui->confirm_word);
			char why[64];
			snprintf(why, sizeof why, "(typed '%s', not '%s')", ui->confirm_typed, ui->confirm_word);
			if (match) {
				question_end(ui);
				confirmed(ui, a, NULL);
			} else {
				cancelled(ui, why);
			}
		} else if (r == OK && k == 27) {
			cancelled(ui, NULL);
		} else if ((r == OK && (k == 127 || k == 8)) || (r == KEY_CODE_YES && k == KEY_BACKSPACE)) {
			if (len)
				ui->confirm_typed[len - 1] = '\0';
		} else if (r == OK && k >= 0x20 && k < 0x7f && len + 1 < sizeof ui->confirm_typed) {
			ui->confirm_typed[len] = (char)k;
			ui->confirm_typed[len + 1] = '\0';
		}
		return;
	}
	if (r == OK && (k == 'y' || k == 'Y')) {
		question_end(ui);
		confirmed(ui, a, sig[0] ? sig : NULL);
	} else {
		cancelled(ui, NULL);
	}
}

/* ---- quitting ---- */

void ui_quit_ask(struct ui *ui)
{
	size_t frozen = 0, paused = 0;
	for (size_t i = 0; i < ui_inv_count(ui); i++) {
		const char *w = state_now(ui, ui_inv_get(ui, i));
		frozen += !strcmp(w, "frozen") || !strcmp(w, "quarantined");
		paused += !strcmp(w, "paused");
	}
	bool acting = !runs_quiet(ui) || ui->nsnaps;
	if (!frozen && !paused && !acting) {
		ui->quit = true;
		return;
	}
	char what[200] = "";
	size_t n = 0;
	if (frozen)
		n += (size_t)snprintf(what + n, sizeof what - n, "%zu sandbox%s frozen", frozen, frozen == 1 ? "" : "es");
	if (paused && n < sizeof what)
		n += (size_t)snprintf(what + n, sizeof what - n, "%s%zu paused", n ? ", " : "", paused);
	if (acting && n < sizeof what)
		snprintf(what + n, sizeof what - n, "%sactions still in flight", n ? ", " : "");
	ui_confirm(ui, KA_QUIT, "%s (they stay so when sandtop quits). Quit?", what);
}

/* ---- acting ---- */

/* The action on the targets picked: one run per engine they are on, every
 * engine at once (each its kernel path or its API). */
static void run_action(struct ui *ui, enum act_kind kind, const char *signal)
{
	size_t ne = ui->o->nengines;
	struct act_opts o = {.kind = kind, .signal = signal, .timeout_s = 10, .armed = ui->armed,
		.engine_wait_ms = ui->o->engine_wait_ms};
	runs_free(ui);
	if (!ui->runs)
		ui->runs = xcalloc(ne, sizeof *ui->runs);
	/* the targets by engine; every engine at once, the local ones' kernel part in one pass */
	struct dk_container *tgs = xcalloc(ui->npending ? ui->npending : 1, sizeof *tgs);
	struct actions **as = xcalloc(ne, sizeof *as);
	const struct dk_container **per = xcalloc(ne, sizeof *per);
	size_t *n = xcalloc(ne, sizeof *n), k = 0;
	for (size_t e = 0; e < ne; e++) {
		per[e] = tgs + k;
		as[e] = ui->o->engines[e].act;
		for (size_t i = 0; i < ui->npending; i++) {
			const struct dk_container *c = ui_inv_find(ui, ui->pending_ids[i]);
			if (c && ui_eng_index(ui, c) == e)
				tgs[k + n[e]++] = *c;   /* shallow: act_start_many copies what it needs */
		}
		k += n[e];
	}
	size_t started = act_start_many(as, ne, &o, per, n, ui->runs);
	free(n);
	free(per);
	free(as);
	free(tgs);
	if (!started) {
		ui_status_msg(ui, 10000, "%s: no sandbox to %s", act_name(kind), act_name(kind));
		return;
	}
	ui->run_shown = true;
	ui->run_said = false;
}

/* The outcome on the status line once every sandbox is settled (one
 * sandbox: its own story; several: the counts), for a pane that is easy
 * to miss or closed. */
static void say_outcome(struct ui *ui)
{
	if (!runs_any(ui) || ui->run_said || !runs_done(ui))
		return;
	ui->run_said = true;
	size_t n, ok, failed, pending;
	int kind = 0;
	bool kernel;
	runs_counts(ui, &n, &ok, &failed, &pending, &kind, &kernel);
	const struct act_result *res = NULL;
	for (size_t e = 0; !res && e < ui->o->nengines; e++)
		if (ui->runs[e]) {
			size_t k;
			res = act_run_results(ui->runs[e], &k);
		}
	if (n == 1)
		ui_status_msg(ui, 5000, "%s %s: %s%s", act_name((enum act_kind)kind), res[0].name,
			res[0].state == ACT_OK ? "" : "FAILED: ", res[0].msg[0] ? res[0].msg : "ok");
	else
		ui_status_msg(ui, 5000, "%s: %zu ok, %zu failed", act_name((enum act_kind)kind), ok, failed);
}

/* Ask (or, armed, go) for kind on the targets picked. */
static void ask(struct ui *ui, enum km_action a, enum act_kind kind, const char *verb)
{
	char who[200];
	describe(ui, who, sizeof who);
	ui->pending_kind = kind;
	if (ui->armed)
		run_action(ui, kind, NULL);
	else
		ui_confirm(ui, a, "%s %s?", verb, who);
}

/* Whether a target of the question has no network left (quarantined). */
static bool targets_quarantined(struct ui *ui)
{
	for (size_t i = 0; i < ui->npending; i++) {
		const struct dk_container *c = ui_inv_find(ui, ui->pending_ids[i]);
		if (c && fmt_quarantined(c))
			return true;
	}
	return false;
}

static bool pause_target_paused(struct ui *ui)
{
	const struct dk_container *c = ui_inv_find(ui, ui->pending_ids[0]);
	if (!c)
		return false;
	struct actions *act = ui_eng(ui, c)->act;
	return (c->state && !strcmp(c->state, "paused")) || (act && act_frozen(act, c));
}

void ui_control_action(struct ui *ui, enum km_action a)
{
	switch (a) {
	case KA_TAG:
		ui_list_sync(ui);
		if (ui_rows_count(ui)) {
			const char *id = ui_rows_get(ui, ui->sel)->id;
			if (ui_tagged(ui, id))
				ui_tag_del(ui, id);
			else
				ui_tag_add(ui, id);
			ui_list_move(ui, 1);
		}
		return;
	case KA_TAG_SHOWN:
		ui_list_sync(ui);
		for (size_t i = 0; i < ui_rows_count(ui); i++)
			ui_tag_add(ui, ui_rows_get(ui, i)->id);
		ui_status_msg(ui, 2000, "%zu tagged", ui->ntags);
		return;
	case KA_UNTAG_ALL:
		ui->ntags = 0;
		return;
	case KA_DISMISS:
		if (runs_done(ui))
			runs_free(ui);
		ui->run_shown = false;
		return;
	default:
		break;
	}
	if (!ui_can_act(ui)) {
		ui_status_msg(ui, 4000, "read-only: sandtop was started with --read-only; no actions");
		return;
	}
	if (a == KA_ARM) {
		if (ui->armed) {
			ui->armed = false;
			log_msg(LOG_WARN, "disarmed");
		} else {
			ui_confirm(ui, KA_ARM, "Arm? Actions will run at once, without questions");
		}
		return;
	}
	if (a == KA_FREEZE_ALL || a == KA_KILL_ALL) {
		if (!pick_all(ui)) {
			ui_status_msg(ui, 3000, "no running sandbox");
			return;
		}
		ui->pending_kind = a == KA_FREEZE_ALL ? ACT_FREEZE_ALL : ACT_KILL_ALL;
		if (ui->armed) {
			run_action(ui, (enum act_kind)ui->pending_kind, NULL);
			return;
		}
		char what[200];
		snprintf(what, sizeof what, "KILL SWITCH: %s all %zu sandboxes (%s)",
			a == KA_FREEZE_ALL ? "freeze" : "kill", ui->npending, held_counts(ui));
		confirm_word(ui, a, a == KA_FREEZE_ALL ? "freeze" : "kill", what);
		return;
	}
	if (!pick_targets(ui)) {
		ui_status_msg(ui, 2000, "nothing selected");
		return;
	}
	switch (a) {
	case KA_PAUSE:
		if (pause_target_paused(ui))
			ask(ui, a, ACT_UNPAUSE, "Unpause");
		else
			ask(ui, a, ACT_PAUSE, "Pause");
		break;
	case KA_STOP:
		ask(ui, a, ACT_STOP, "Stop (SIGTERM, SIGKILL after 10 s)");
		break;
	case KA_RESTART:
		/* a quarantined sandbox comes back cut off: say so before */
		ask(ui, a, ACT_RESTART, targets_quarantined(ui) ?
			"Restart (it has no network left: it restarts quarantined, cut off)" : "Restart");
		break;
	case KA_QUARANTINE:
		ask(ui, a, ACT_QUARANTINE, "Quarantine (disconnect every network, then pause)");
		break;
	case KA_KILL:
		question_end(ui);
		ui->pending_kind = ACT_KILL;
		ui->menu_open = true;
		ui->menu_sel = 0;
		ui->confirming = true; /* keys go to the menu */
		break;
	case KA_SNAPSHOT: {
		char who[200];
		describe(ui, who, sizeof who);
		if (ui->armed)
			snapshot_start(ui);
		else
			ui_confirm(ui, a, "Snapshot %s (paused while the bundle is taken, then resumed)?", who);
		break;
	}
	case KA_REMOVE: {
		char who[200];
		describe(ui, who, sizeof who);
		ui->pending_kind = ACT_REMOVE;
		char what[320];
		snprintf(what, sizeof what, "Remove %s: its filesystem and logs are lost unless snapshotted", who);
		if (ui->armed)
			run_action(ui, ACT_REMOVE, NULL);
		else
			confirm_word(ui, a, "remove", what);
		break;
	}
	default:
		break;
	}
}

/* ---- drawing ---- */

bool ui_control_draw_bottom(struct ui *ui, int y, int cols)
{
	if (!ui->confirming || ui->menu_open)
		return false;
	attr_t a = ui_attr(ui, UI_R_ALERT) | A_BOLD;
	ui_fill(y, 0, cols, a);
	char line[320];
	if (ui->confirm_word[0])
		snprintf(line, sizeof line, "%s %s", ui->confirm_text, ui->confirm_typed);
	else
		snprintf(line, sizeof line, "%s (y/N) ", ui->confirm_text);
	ui_put(y, 0, line, cols, a);
	return true;
}

static void draw_menu(struct ui *ui, int y0, int y1)
{
	int n = menu_len();
	int h = n + 2, w = 30;
	int y = y0 + (y1 - y0 - h) / 2, x = (COLS - w) / 2;
	if (y < y0)
		y = y0;
	attr_t a = ui_attr(ui, UI_R_HEADER);
	for (int r = 0; r < h && y + r < y1; r++)
		ui_fill(y + r, x, w, a);
	ui_put(y, x + 1, "Send which signal? (Esc: cancel)", w - 2, a | A_BOLD);
	for (int i = 0; i < n && y + 1 + i < y1; i++)
		ui_put(y + 1 + i, x + 2, menu_signals[i], w - 4, i == ui->menu_sel ? a | A_REVERSE : a);
}

/* The results pane: a title with the counts, then one line per sandbox,
 * failures first, then those waiting, then the ones done: what the kernel
 * did and what the engine said. */
int ui_control_draw_pane(struct ui *ui, int y0, int y1, int64_t mono_ms)
{
	(void)mono_ms;
	if (ui->menu_open)
		draw_menu(ui, y0, y1);
	if (!runs_any(ui) || !ui->run_shown)
		return 0;
	size_t n, ok, failed, pending;
	int kind = 0;
	bool kernel;
	runs_counts(ui, &n, &ok, &failed, &pending, &kind, &kernel);
	int lines = 1 + (int)n;
	if (lines > PANE_MAX_ROWS)
		lines = PANE_MAX_ROWS;
	if (lines > (y1 - y0) / 2)
		lines = (y1 - y0) / 2;
	if (lines < 1)
		return 0;
	int y = y1 - lines;
	char title[512];
	/* the log's trouble as it is now: kept records are written once it can take them */
	const char *aerr = "";
	for (size_t e = 0; e < ui->o->nengines; e++)
		if (ui->runs[e] && act_run_journal_error(ui->runs[e])[0])
			aerr = act_run_journal_error(ui->runs[e]);
	bool still = aerr[0] && ui_act_problem(ui);
	char engines[64] = "";
	size_t nrun = 0;
	for (size_t e = 0; e < ui->o->nengines; e++)
		nrun += ui->runs[e] != NULL;
	if (ui->o->nengines > 1)
		snprintf(engines, sizeof engines, " on %zu engine%s", nrun, nrun == 1 ? "" : "s");
	snprintf(title, sizeof title, "%s%s: %zu ok, %zu failed, %zu pending%s%s%s  (x closes)",
		act_name((enum act_kind)kind), engines, ok, failed, pending,
		kernel ? "; the kernel acted first" : "",
		still ? "; JOURNAL: not written yet (kept, retried): " : aerr[0] ? "; its journal records were written late" : "",
		still ? aerr : "");
	attr_t ta = ui_attr(ui, failed ? UI_R_ALERT : pending ? UI_R_WARN : UI_R_RUNNING) | A_REVERSE | A_BOLD;
	ui_fill(y, 0, COLS, ta);
	ui_put(y, 0, title, COLS, ta);
	int row = y + 1;
	static const enum act_state order[] = {ACT_FAILED, ACT_PENDING, ACT_OK};
	for (size_t o = 0; o < 3; o++)
		for (size_t e = 0; e < ui->o->nengines; e++) {
			if (!ui->runs[e])
				continue;
			size_t k;
			const struct act_result *res = act_run_results(ui->runs[e], &k);
			for (size_t i = 0; i < k && row < y1; i++) {
				if (res[i].state != order[o])
					continue;
				char line[1024];
				snprintf(line, sizeof line, "  %s%s%s: %s%s", ui->o->nengines > 1 ? ui->o->engines[e].name : "",
					ui->o->nengines > 1 ? "/" : "", res[i].name,
					res[i].state == ACT_FAILED ? "FAILED: " : res[i].state == ACT_PENDING ? "pending " : "",
					res[i].msg[0] ? res[i].msg : "ok");
				ui_fill(row, 0, COLS, A_NORMAL);
				ui_put(row++, 0, line, COLS, ui_attr(ui, res[i].state == ACT_PENDING ? UI_R_WARN :
					res[i].state == ACT_FAILED ? UI_R_ALERT : UI_R_NORMAL));
			}
		}
	return lines;
}

/* ---- snapshots ---- */

static void snapshot_start(struct ui *ui)
{
	for (size_t i = 0; i < ui->npending; i++) {
		const struct dk_container *ct = ui_inv_find(ui, ui->pending_ids[i]);
		if (ct) {
			/* on its own engine, through its client; the host only where it is local */
			const struct tui_engine *en = ui_eng(ui, ct);
			struct snap_opts so = {.armed = ui->armed, .host_access = en->local,
				.history = en->coll ? coll_get(en->coll, ct->id) : NULL,
				.history_step_ms = en->coll ? coll_hist_step_ms(en->coll) : 0};
			struct err e = {0};
			struct snap *s = snap_start(en->client, act_journal(en->act), ct, &so, &e);
			if (!s) {
				ui_status_msg(ui, 10000, "snapshot %s: %s", ct->name, e.msg);
				continue;
			}
			ui->snaps = xrealloc(ui->snaps, (ui->nsnaps + 1) * sizeof *ui->snaps);
			ui->snaps[ui->nsnaps++] = s;
			ui_status_msg(ui, 3000, "snapshot of %s: taking it", ct->name);
		}
	}
}

size_t ui_control_pollfds(struct ui *ui, struct pollfd *fds, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ui->nsnaps && n < max; i++)
		n += snap_pollfds(ui->snaps[i], fds + n, max - n);
	return n;
}

void ui_control_dispatch(struct ui *ui, const struct pollfd *fds, size_t n, bool *dirty)
{
	for (size_t i = 0; i < ui->nsnaps; ) {
		struct snap *s = ui->snaps[i];
		snap_dispatch(s, fds, n);
		if (!snap_done(s)) {
			i++;
			continue;
		}
		const struct snap_result *r = snap_result(s);
		if (r->ok)
			ui_status_msg(ui, 15000, "snapshot of %s: %s (%lld ms)", r->name, r->dir, (long long)r->ms);
		else
			ui_status_msg(ui, 15000, "snapshot of %s: INCOMPLETE: %s; bundle %s", r->name, r->error,
				r->dir[0] ? r->dir : "not made");
		snap_free(s);
		ui->snaps[i] = ui->snaps[--ui->nsnaps];
		*dirty = true;
	}
}

int ui_control_tick(struct ui *ui, int64_t mono_ms, bool *dirty)
{
	int snap_t = -1;
	for (size_t i = 0; i < ui->nsnaps; i++) {
		int t = snap_tick(ui->snaps[i], mono_ms);
		if (t >= 0 && (snap_t < 0 || t < snap_t))
			snap_t = t;
	}
	if (!ui_can_act(ui))
		return snap_t;
	bool pending = !runs_quiet(ui);
	int t = -1;
	for (size_t e = 0; e < ui->o->nengines; e++) {
		int te = ui->o->engines[e].act ? act_tick(ui->o->engines[e].act, mono_ms) : -1;
		if (te >= 0 && (t < 0 || te < t))
			t = te;
	}
	say_outcome(ui);
	if (pending || ui_act_problem(ui))
		*dirty = true; /* results come in as the engine answers; the log's retries */
	t = pending && (t < 0 || t > 250) ? 250 : t;
	return snap_t >= 0 && (t < 0 || snap_t < t) ? snap_t : t;
}

bool ui_control_free(struct ui *ui)
{
	bool cut = false;
	for (size_t i = 0; i < ui->nsnaps; i++) {
		cut = cut || !snap_done(ui->snaps[i]);
		snap_free(ui->snaps[i]);
	}
	free(ui->snaps);
	ui->snaps = NULL;
	ui->nsnaps = 0;
	runs_free(ui);
	free(ui->runs);
	ui->runs = NULL;
	free(ui->tags);
	free(ui->pending_ids);
	ui->tags = NULL;
	ui->pending_ids = NULL;
	return cut;
}
