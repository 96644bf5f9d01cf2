/* mouse: clicks and the wheel outside takeover: select a row or a tile, open it with a double click, scroll or page with the wheel (off with --no-mouse or "mouse off"). */
#include "tui/ui.h"

#include "base/clock.h"

#define MOUSE_DOUBLE_MS 400   /* a second press on the same row or tile this soon opens it */
#define MOUSE_WHEEL_ROWS 3    /* rows (list, help, isolation) a wheel notch scrolls */

/* Presses and the wheel only: a click is acted on as it is pressed, and
 * curses is told not to wait to make clicks of presses and releases. */
#define MOUSE_EVENTS (BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED)

/* The last press: on which screen, which row or tile, when. */
static struct {
	enum ui_screen screen;
	long idx;
	int64_t at_ms;
} last = {.idx = -1};

void ui_mouse_restore(struct ui *ui)
{
	mousemask(ui->o->mouse ? MOUSE_EVENTS : 0, NULL);
	mouseinterval(0);
}

/* A press on list row or tile idx: select it; the second press on the
 * same one in MOUSE_DOUBLE_MS opens its desktop view. */
static void press(struct ui *ui, long idx)
{
	int64_t now = clock_mono_ms();
	bool twice = last.screen == ui->screen && last.idx == idx && now - last.at_ms <= MOUSE_DOUBLE_MS;
	ui_list_sync(ui);
	ui_list_move(ui, idx - (long)ui->sel);
	if (twice) {
		ui_screen_open(ui, UI_VIEW);
		last.idx = -1;
		return;
	}
	last.screen = ui->screen;
	last.idx = idx;
	last.at_ms = now;
}

/* The list row at screen line y, or -1 (the header, the detail pane). */
static long list_row_at(struct ui *ui, int y)
{
	if (y <= ui->list_y0 || y >= ui->list_y1)
		return -1;
	ui_list_sync(ui);
	size_t i = ui->top + (size_t)(y - ui->list_y0 - 1);
	return i < ui_rows_count(ui) ? (long)i : -1;
}

void ui_mouse_event(struct ui *ui)
{
	MEVENT me;
	if (getmouse(&me) != OK)
		return;
	/* a question, the menu or the filter prompt is answered with keys */
	if (ui->confirming || ui->menu_open || ui->prompting)
		return;
	int wheel = me.bstate & BUTTON4_PRESSED ? -1 : me.bstate & BUTTON5_PRESSED ? 1 : 0;
	bool click = me.bstate & BUTTON1_PRESSED;
	switch (ui->screen) {
	case UI_LIST:
		if (wheel) {
			ui_list_move(ui, wheel * MOUSE_WHEEL_ROWS);
		} else if (click) {
			long i = list_row_at(ui, me.y);
			if (i >= 0)
				press(ui, i);
		}
		break;
	case UI_WALL:
		if (wheel) {
			ui_wall_page(ui, wheel);
		} else if (click) {
			long i = ui_wall_tile_at(ui, me.y, me.x);
			if (i >= 0)
				press(ui, i);
		}
		break;
	case UI_HELP:
		ui_help_scroll(ui, wheel * MOUSE_WHEEL_ROWS);
		break;
	case UI_ISOLATION:
		ui_iso_scroll(ui, wheel * MOUSE_WHEEL_ROWS);
		break;
	default:
		break;   /* the view: the mouse is the desktop's only in takeover */
	}
}
