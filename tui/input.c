/* input: read pending keys, translate them to keymap codes, and run their actions. */
#include "tui/ui.h"

#include <limits.h>
#include <wchar.h>

#include "base/log.h"
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
	case KEY_RESIZE: return UI_KEY_RESIZE;
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

/* Next pending key as a keymap code, or a UI_KEY_* pseudo code; never
 * blocks (stdscr is in nodelay mode). */
static int input_next(void)
{
	wint_t k;
	int r = get_wch(&k);
	if (r == KEY_CODE_YES)
		return from_curses_key(k);
	if (r == OK)
		return from_char(k);
	return UI_KEY_NONE;
}

static void toggle_all(struct ui *ui)
{
	inv_set_all(ui->o->inv, !inv_all(ui->o->inv));
	ui->all = inv_all(ui->o->inv);
	ui_status_msg(ui, 3000, "%s", ui->all ? "showing every container" : "showing sandboxes only");
}

/* Page size: one screen minus one row of overlap. */
static long page(int rows)
{
	return rows > 2 ? rows - 1 : 1;
}

/* Move the selection (list) or scroll (help) by delta lines. */
static void go(struct ui *ui, long delta)
{
	if (ui->screen == UI_HELP)
		ui_help_scroll(ui, delta);
	else
		ui_list_move(ui, delta);
}

static void do_action(struct ui *ui, enum km_action a)
{
	int rows = ui->screen == UI_HELP ? ui->help_rows : ui->page_rows;
	switch (a) {
	case KA_QUIT:
		ui->quit = true;
		ui->exit_status = 0;
		break;
	case KA_HELP:
		ui->screen = ui->screen == UI_HELP ? UI_LIST : UI_HELP;
		ui->help_top = 0;
		break;
	case KA_UP:
		go(ui, -1);
		break;
	case KA_DOWN:
		go(ui, 1);
		break;
	case KA_PAGE_UP:
		go(ui, -page(rows));
		break;
	case KA_PAGE_DOWN:
		go(ui, page(rows));
		break;
	case KA_HOME:
		go(ui, -LONG_MAX);
		break;
	case KA_END:
		go(ui, LONG_MAX);
		break;
	case KA_REFRESH:
		inv_resync(ui->o->inv);
		clearok(curscr, TRUE);
		ui_status_msg(ui, 1500, "refreshing from the engine");
		break;
	case KA_TOGGLE_ALL:
		toggle_all(ui);
		break;
	case KA_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

int ui_input_handle(struct ui *ui, bool *dirty)
{
	int nkeys = 0;
	int key;
	/* Drain everything: curses may hold bytes that poll() no longer sees. */
	while (!ui->quit && (key = input_next()) != UI_KEY_NONE) {
		nkeys++;
		if (key == UI_KEY_RESIZE) {
			*dirty = true;
			continue;
		}
		if (key == UI_KEY_IGNORE)
			continue;
		enum km_table t = ui->screen == UI_HELP ? KT_HELP : KT_LIST;
		enum km_action a = keymap_lookup(ui->o->km, t, key);
		if (a != KA_NONE) {
			do_action(ui, a);
			*dirty = true;
		}
	}
	return nkeys;
}
