/* takeover: forwarding keys and the mouse to a desktop (an explicit, confirmed, loudly shown mode). */
#include "tui/ui.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "desktop/desk.h"

#define TAKEOVER_RELEASE 0x1d   /* C-] as the terminal sends it */

/* X keysyms (X11/keysymdef.h) of the keys a terminal can tell apart. */
enum {
	XK_BackSpace = 0xff08, XK_Tab = 0xff09, XK_Return = 0xff0d, XK_Escape = 0xff1b,
	XK_Home = 0xff50, XK_Left = 0xff51, XK_Up = 0xff52, XK_Right = 0xff53, XK_Down = 0xff54,
	XK_Page_Up = 0xff55, XK_Page_Down = 0xff56, XK_End = 0xff57, XK_Insert = 0xff63,
	XK_F1 = 0xffbe, XK_Shift_L = 0xffe1, XK_Control_L = 0xffe3, XK_Delete = 0xffff,
};

/* ---- takeover ---- */

/* The journal record of a takeover's start or end; false when it could not
 * be written (then a start is refused unless armed). */
static bool note(struct ui *ui, const char *action, const char *detail)
{
	ui_list_sync(ui);
	if (!ui_rows_count(ui))
		return false;
	struct err e = {0};
	const struct dk_container *c = ui_rows_get(ui, ui->sel);
	if (act_note(ui_eng(ui, c)->act, action, c, detail, ui->armed, &e) == 0)
		return true;
	ui_status_msg(ui, 8000, "%s: the journal failed: %s", action, e.msg);
	return false;
}

void ui_takeover_start(struct ui *ui)
{
	if (!ui_can_act(ui)) {
		ui_status_msg(ui, 4000, "read-only: sandtop was started with --read-only; no takeover");
		return;
	}
	if (!note(ui, "takeover_start", NULL) && !ui->armed)
		return;
	ui->takeover = true;
	mousemask(ALL_MOUSE_EVENTS, NULL);
	mouseinterval(0);
	log_msg(LOG_WARN, "takeover started: keys and mouse go to the desktop of %s", ui->sel_id);
	ui_status_msg(ui, 4000, "takeover: keys and mouse go to the desktop; C-] gives them back");
}

void ui_takeover_stop(struct ui *ui, const char *why)
{
	if (!ui->takeover)
		return;
	ui->takeover = false;
	ui_mouse_restore(ui);
	note(ui, "takeover_end", why);
	log_msg(LOG_WARN, "takeover of %s ended (%s)", ui->sel_id, why);
	ui_status_msg(ui, 3000, "takeover ended: %s", why);
}

static void tap(struct desk *d, uint32_t keysym, bool ctrl)
{
	if (ctrl)
		desk_key(d, XK_Control_L, true);
	desk_key(d, keysym, true);
	desk_key(d, keysym, false);
	if (ctrl)
		desk_key(d, XK_Control_L, false);
}

static uint32_t curses_keysym(wint_t k)
{
	switch (k) {
	case KEY_UP: return XK_Up;
	case KEY_DOWN: return XK_Down;
	case KEY_LEFT: return XK_Left;
	case KEY_RIGHT: return XK_Right;
	case KEY_HOME: return XK_Home;
	case KEY_END: return XK_End;
	case KEY_PPAGE: return XK_Page_Up;
	case KEY_NPAGE: return XK_Page_Down;
	case KEY_IC: return XK_Insert;
	case KEY_DC: return XK_Delete;
	case KEY_BACKSPACE: return XK_BackSpace;
	case KEY_ENTER: return XK_Return;
	case KEY_BTAB: return XK_Tab;  /* with Shift, below */
	default: break;
	}
	if (k >= (wint_t)KEY_F(1) && k <= (wint_t)KEY_F(12))
		return XK_F1 + (uint32_t)(k - (wint_t)KEY_F(1));
	return 0;
}

/* A mouse event at a cell of the picture to desktop pixels and buttons. */
static void mouse(struct ui *ui)
{
	MEVENT me;
	int y, x, rows, cols;
	struct desk *d = ui_view_takeover_desk(ui, &y, &x, &rows, &cols);
	if (getmouse(&me) != OK || !d)
		return;
	const struct vs_frame *f = desk_frame(d);
	if (!f || rows < 1 || me.y < y || me.y >= y + rows || me.x < x || me.x >= x + cols)
		return;
	int px = (int)(((me.x - x) + 0.5) * f->fb_w / cols);
	int py = (int)(((me.y - y) * 2 + 1) * (double)f->fb_h / (2.0 * rows));
	mmask_t b = me.bstate;
	if (b & (BUTTON1_PRESSED | BUTTON2_PRESSED | BUTTON3_PRESSED))
		desk_pointer(d, px, py, (b & BUTTON1_PRESSED ? 1 : 0) | (b & BUTTON2_PRESSED ? 2 : 0) | (b & BUTTON3_PRESSED ? 4 : 0));
	if (b & (BUTTON1_RELEASED | BUTTON2_RELEASED | BUTTON3_RELEASED))
		desk_pointer(d, px, py, 0);
	if (b & (BUTTON1_CLICKED | BUTTON2_CLICKED | BUTTON3_CLICKED)) {
		desk_pointer(d, px, py, b & BUTTON1_CLICKED ? 1 : b & BUTTON2_CLICKED ? 2 : 4);
		desk_pointer(d, px, py, 0);
	}
	if (b & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		desk_pointer(d, px, py, b & BUTTON4_PRESSED ? 8 : 16);
		desk_pointer(d, px, py, 0);
	}
}

void ui_takeover_key(struct ui *ui, int r, wint_t k)
{
	int y, x, rows, cols;
	struct desk *d = ui_view_takeover_desk(ui, &y, &x, &rows, &cols);
	if (r == OK && k == TAKEOVER_RELEASE) {
		ui_takeover_stop(ui, "released with C-]");
		return;
	}
	if (r == KEY_CODE_YES && k == KEY_MOUSE) {
		mouse(ui);
		return;
	}
	if (!d || (r == KEY_CODE_YES && k == KEY_RESIZE))
		return;
	if (r == KEY_CODE_YES) {
		uint32_t ks = curses_keysym(k);
		if (ks && k == KEY_BTAB) {
			desk_key(d, XK_Shift_L, true);
			tap(d, ks, false);
			desk_key(d, XK_Shift_L, false);
		} else if (ks) {
			tap(d, ks, false);
		}
		return;
	}
	if (k == '\r' || k == '\n')
		tap(d, XK_Return, false);
	else if (k == '\t')
		tap(d, XK_Tab, false);
	else if (k == 27)
		tap(d, XK_Escape, false);
	else if (k == 127 || k == 8)
		tap(d, XK_BackSpace, false);
	else if (k >= 1 && k <= 26)
		tap(d, 'a' + (uint32_t)k - 1, true);
	else if (k >= 0x20 && k < 0x7f)
		tap(d, (uint32_t)k, false);
	else if (k >= 0xa0 && k <= 0x10ffff)
		tap(d, k < 0x100 ? (uint32_t)k : 0x01000000u | (uint32_t)k, false);
}

bool ui_takeover_draw_bottom(struct ui *ui, int y, int cols)
{
	if (!ui->takeover)
		return false;
	attr_t a = ui_attr(ui, UI_R_ALERT) | A_BOLD | A_REVERSE;
	ui_fill(y, 0, cols, a);
	ui_put(y, 0, "TAKEOVER: your keys and mouse go to the sandbox's desktop. C-] gives them back.", cols, a);
	return true;
}
