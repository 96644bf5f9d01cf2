/* input: read pending keys, translate them to keymap codes, run their actions, and edit the filter prompt. */
#include "tui/ui.h"

#include <limits.h>
#include <string.h>
#include <wchar.h>

#include "base/log.h"
#include "base/utf8.h"
#include "docker/inventory.h"

/* curses function-key code -> keymap code, or UI_KEY_IGNORE. */
static int from_curses_key(wint_t k)
{
	switch (k) {
	case KEY_UP: return KM_KEY_UP;
	case KEY_DOWN: return KM_KEY_DOWN;
	case KEY_LEFT: return KM_KEY_LEFT;
	case KEY_RIGHT: return KM_KEY_RIGHT;
	case KEY_HOME:
	case KEY_FIND:
	case KEY_A1: return KM_KEY_HOME;
	case KEY_END:
	case KEY_SELECT:
	case KEY_C1: return KM_KEY_END;
	case KEY_PPAGE:
	case KEY_A3: return KM_KEY_PGUP;
	case KEY_NPAGE:
	case KEY_C3: return KM_KEY_PGDN;
	case KEY_IC: return KM_KEY_INSERT;
	case KEY_DC: return KM_KEY_DELETE;
	case KEY_BTAB: return KM_KEY_BTAB;
	case KEY_ENTER: return KM_KEY_ENTER;
	case KEY_BACKSPACE: return KM_KEY_BACKSPACE;
	default: break;
	}
	if (k >= (wint_t)KEY_F(1) && k <= (wint_t)KEY_F(12))
		return KM_KEY_F1 + (int)(k - (wint_t)KEY_F(1));
	return UI_KEY_IGNORE;
}

/* A character from the terminal -> keymap code, or UI_KEY_IGNORE. */
static int from_char(wint_t c)
{
	if (c == '\r' || c == '\n')
		return KM_KEY_ENTER;
	if (c == '\t')
		return KM_KEY_TAB;
	if (c == 27)
		return KM_KEY_ESC;
	if (c == 127)
		return KM_KEY_BACKSPACE;
	if (c >= 1 && c <= 26)
		return (int)c;            /* KM_CTRL('a') .. KM_CTRL('z') */
	if (c < 32 || (c >= 0x80 && c < 0xa0))
		return UI_KEY_IGNORE;     /* NUL, C-\ .. C-_, C1 */
	if (c > 0x10ffff)
		return UI_KEY_IGNORE;
	return (int)c;                /* a printable code point */
}


static void toggle_all(struct ui *ui)
{
	ui_inv_set_all(ui, !ui_inv_all(ui));
	ui_status_msg(ui, 3000, "%s", ui_inv_all(ui) ? "showing every container" : "showing sandboxes only");
}

/* Page size: one screen minus one row of overlap. */
static long page(int rows)
{
	return rows > 2 ? rows - 1 : 1;
}

/* Move the selection (list, view; on the wall by rows of tiles) or
 * scroll (help) by delta lines. */
static void go(struct ui *ui, long delta)
{
	if (ui->screen == UI_HELP)
		ui_help_scroll(ui, delta);
	else if (ui->screen == UI_ISOLATION)
		ui_iso_scroll(ui, delta);
	else if (ui->screen == UI_WALL && delta != LONG_MAX && delta != -LONG_MAX)
		ui_list_move(ui, delta * ui_wall_per_row(ui));
	else
		ui_list_move(ui, delta);
}

/* ---- the filter prompt: the table filters live while one types ---- */

static void prompt_open(struct ui *ui)
{
	ui->prompting = true;
	snprintf(ui->prompt_saved, sizeof ui->prompt_saved, "%s", ui->filter);
	snprintf(ui->prompt, sizeof ui->prompt, "%s", ui->filter);
	snprintf(ui->prompt_sel, sizeof ui->prompt_sel, "%s", ui->sel_id);
}

/* Drop the last UTF-8 character of the prompt. */
static void prompt_backspace(struct ui *ui)
{
	size_t len = strlen(ui->prompt);
	while (len > 0 && ((unsigned char)ui->prompt[len - 1] & 0xc0) == 0x80)
		len--;          /* continuation bytes */
	if (len > 0)
		len--;
	ui->prompt[len] = '\0';
}

/* Append code point cp if it is visible and fits. */
static void prompt_add(struct ui *ui, int cp)
{
	char enc[4];
	if (cp < 32 || cp >= 0x110000 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp < 0xe000) ||
		utf8_is_invisible((uint32_t)cp))
		return;
	size_t n = utf8_encode((uint32_t)cp, enc);
	size_t len = strlen(ui->prompt);
	if (len + n >= sizeof ui->prompt)
		return;
	memcpy(ui->prompt + len, enc, n);
	ui->prompt[len + n] = '\0';
}

/* One key while the prompt is open: Enter applies, Esc restores the filter
 * from before, BSpace and C-u edit; other special keys are ignored. */
static void prompt_key(struct ui *ui, int key)
{
	switch (key) {
	case KM_KEY_ENTER:
		ui->prompting = false;
		ui_filter_set(ui, ui->prompt);
		return;
	case KM_KEY_ESC:
		/* as before the prompt: the filter and the selected sandbox */
		ui->prompting = false;
		ui_filter_set(ui, ui->prompt_saved);
		snprintf(ui->sel_id, sizeof ui->sel_id, "%s", ui->prompt_sel);
		return;
	case KM_KEY_BACKSPACE:
	case KM_CTRL('h'):
		prompt_backspace(ui);
		break;
	case KM_CTRL('u'):
		ui->prompt[0] = '\0';
		break;
	default:
		if (key < KM_KEY_UP)
			prompt_add(ui, key);
		break;
	}
	ui_filter_set(ui, ui->prompt);
}

static void sort_msg(struct ui *ui)
{
	ui_status_msg(ui, 2000, "sorted by %s, %s", ui_col_title(ui->sort_col),
		ui->sort_desc ? "descending" : "ascending");
}

static void do_action(struct ui *ui, enum km_action a)
{
	int rows = ui->screen == UI_HELP ? ui->help_rows : ui->screen == UI_ISOLATION ? ui->iso_rows : ui->page_rows;
	/* the isolation screen goes back on Esc and on its own key */
	if (ui->screen == UI_ISOLATION && (a == KA_ISOLATION || a == KA_CLEAR_FILTER || a == KA_BACK || a == KA_DETAIL)) {
		ui_screen_back(ui);
		return;
	}
	if (ui->screen == UI_LOGS && ui_logs_action(ui, a))
		return;   /* scrolling, search, wrap... of the logs screen */
	switch (a) {
	case KA_QUIT:
		ui->exit_status = 0;
		ui_quit_ask(ui);   /* asks first while sandboxes are frozen or paused */
		break;
	case KA_HELP:
		/* closing help goes back to the screen it was opened from */
		if (ui->screen == UI_HELP)
			ui_screen_back(ui);
		else
			ui_screen_open(ui, UI_HELP);
		ui->help_top = 0;
		break;
	case KA_UP:
		go(ui, -1);
		break;
	case KA_DOWN:
		go(ui, 1);
		break;
	case KA_PAGE_UP:
	case KA_PAGE_DOWN:
		if (ui->screen == UI_WALL)
			ui_wall_page(ui, a == KA_PAGE_UP ? -1 : 1);
		else
			go(ui, a == KA_PAGE_UP ? -page(rows) : page(rows));
		break;
	case KA_WALL_BIGGER:
	case KA_WALL_SMALLER:
		if (ui->screen == UI_WALL)
			ui_wall_resize(ui, a == KA_WALL_BIGGER ? 1 : -1);
		break;
	case KA_HOME:
		go(ui, -LONG_MAX);
		break;
	case KA_END:
		go(ui, LONG_MAX);
		break;
	case KA_REFRESH:
		ui_inv_resync(ui);
		clearok(curscr, TRUE);
		ui_view_invalidate(ui);
		ui_status_msg(ui, 1500, "refreshing from the engine");
		break;
	case KA_TOGGLE_ALL:
		toggle_all(ui);
		break;
	case KA_REDRAW:
		clearok(curscr, TRUE);
		ui_view_invalidate(ui);
		break;
	case KA_SORT_NEXT:
	case KA_SORT_PREV:
		ui_sort_step(ui, a == KA_SORT_NEXT ? 1 : -1);
		sort_msg(ui);
		break;
	case KA_SORT_REVERSE:
		ui_sort_set(ui, ui->sort_col, !ui->sort_desc);
		sort_msg(ui);
		break;
	case KA_FILTER:
		ui_screen_list(ui);
		prompt_open(ui);
		break;
	case KA_CLEAR_FILTER:
		if (ui->filter[0]) {
			ui_filter_set(ui, "");
			ui_status_msg(ui, 1500, "filter cleared");
		}
		break;
	case KA_FOLLOW:
		ui->follow = !ui->follow;
		ui_status_msg(ui, 2000, "%s", ui->follow ? "follow: the selected row keeps its place on screen"
			: "follow off: the view stays put while rows move");
		break;
	case KA_DETAIL:
		ui_screen_list(ui);
		ui->detail = !ui->detail;
		break;
	case KA_VIEW:
		ui_screen_open(ui, UI_VIEW);
		break;
	case KA_WALL:
		ui_screen_open(ui, UI_WALL);
		break;
	case KA_ISOLATION:
		ui_screen_open(ui, UI_ISOLATION);
		ui->iso_top = 0;
		if (!ui->o->engines[0].iso)
			ui_status_msg(ui, 3000, "the isolation checks are off");
		break;
	case KA_LOGS:
		ui_logs_open(ui);
		break;
	case KA_BACK:
		ui_screen_back(ui);
		break;
	case KA_MENU:
		ui_menu_open(ui);
		break;
	case KA_LEFT:
	case KA_RIGHT:
		ui_list_move(ui, a == KA_LEFT ? -1 : 1);
		break;
	case KA_SCREENSHOT:
		ui_view_screenshot(ui);
		break;
	case KA_TAKEOVER:
		if (ui->screen == UI_VIEW && ui_rows_count(ui))
			ui_confirm(ui, KA_TAKEOVER, "Take over the desktop of %s? Your keys and mouse will go to it",
				ui_rows_get(ui, ui->sel)->name);
		break;
	case KA_TAG: case KA_TAG_SHOWN: case KA_UNTAG_ALL: case KA_PAUSE: case KA_STOP: case KA_KILL:
	case KA_RESTART: case KA_REMOVE: case KA_QUARANTINE: case KA_FREEZE_ALL: case KA_KILL_ALL:
	case KA_ARM: case KA_DISMISS: case KA_SNAPSHOT:
		ui_control_action(ui, a);
		break;
	default:
		break;
	}
}

int ui_input_handle(struct ui *ui, bool *dirty)
{
	int nkeys = 0;
	wint_t k;
	int r;
	/* Drain everything: curses may hold bytes that poll() no longer sees. */
	while (!ui->quit && (r = get_wch(&k)) != ERR) {
		nkeys++;
		if (r == KEY_CODE_YES && k == KEY_RESIZE) {
			*dirty = true;
			continue;
		}
		if (r == KEY_CODE_YES && k == KEY_MOUSE && !ui->takeover) {
			ui_mouse_event(ui);
			*dirty = true;
			continue;
		}
		if (ui->confirming) {
			ui_confirm_key(ui, r, k);
			*dirty = true;
			continue;
		}
		enum km_action chosen;
		if (ui_menu_key(ui, r, k, &chosen)) {
			if (chosen != KA_NONE)
				do_action(ui, chosen);   /* as its key would */
			*dirty = true;
			continue;
		}
		if (ui->takeover) {
			ui_takeover_key(ui, r, k);
			*dirty = true;
			continue;
		}
		int key = r == KEY_CODE_YES ? from_curses_key(k) : from_char(k);
		if (key == UI_KEY_IGNORE)
			continue;
		if (ui->prompting) {
			prompt_key(ui, key);
			*dirty = true;
			continue;
		}
		if (ui_logs_prompting(ui)) {
			ui_logs_prompt_key(ui, key);
			*dirty = true;
			continue;
		}
		enum km_table t = ui->screen == UI_HELP ? KT_HELP : ui->screen == UI_VIEW ? KT_VIEW
			: ui->screen == UI_WALL ? KT_WALL : ui->screen == UI_LOGS ? KT_LOGS : KT_LIST;
		enum km_action a = keymap_lookup(ui->o->km, t, key);
		if (a != KA_NONE) {
			do_action(ui, a);
			if (ui->screen != UI_VIEW && ui->takeover)
				ui_takeover_stop(ui, "left the view");
			*dirty = true;
		}
	}
	return nkeys;
}
