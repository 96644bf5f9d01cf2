/* menu: the action menu (m, F2): every action on the tagged or selected sandboxes with the key that does it, chosen with the arrows and Enter, as k9s lists its hot keys. */
#include "tui/ui.h"

#include <stdio.h>
#include <string.h>

/* What the menu offers, in its order; each runs as its key would (so it
 * asks the same questions). */
static const struct {
	enum km_action a;
	const char *label;
} items[] = {
	{KA_VIEW, "live desktop"},
	{KA_LOGS, "logs"},
	{KA_DETAIL, "detail"},
	{KA_ISOLATION, "isolation checks"},
	{KA_TAG, "tag / untag"},
	{KA_PAUSE, "pause (freeze) / unpause"},
	{KA_STOP, "stop"},
	{KA_KILL, "kill (choose a signal)"},
	{KA_RESTART, "restart"},
	{KA_QUARANTINE, "quarantine"},
	{KA_SNAPSHOT, "snapshot (forensic bundle)"},
	{KA_REMOVE, "remove"},
	{KA_FREEZE_ALL, "KILL SWITCH: freeze every sandbox"},
	{KA_KILL_ALL, "KILL SWITCH: kill every sandbox"},
};
#define NITEMS (int)(sizeof items / sizeof items[0])

void ui_menu_open(struct ui *ui)
{
	ui->amenu_open = true;
	ui->amenu_sel = 0;
}

bool ui_menu_key(struct ui *ui, int r, wint_t k, enum km_action *run)
{
	*run = KA_NONE;
	if (!ui->amenu_open)
		return false;
	if (r == KEY_CODE_YES && k == KEY_UP) {
		ui->amenu_sel = ui->amenu_sel > 0 ? ui->amenu_sel - 1 : NITEMS - 1;
	} else if (r == KEY_CODE_YES && k == KEY_DOWN) {
		ui->amenu_sel = ui->amenu_sel < NITEMS - 1 ? ui->amenu_sel + 1 : 0;
	} else if ((r == OK && (k == '\r' || k == '\n')) || (r == KEY_CODE_YES && k == KEY_ENTER)) {
		ui->amenu_open = false;
		*run = items[ui->amenu_sel].a;
	} else {
		ui->amenu_open = false;   /* any other key closes it, doing nothing */
	}
	return true;
}

void ui_menu_draw(struct ui *ui, int y0, int y1)
{
	if (!ui->amenu_open)
		return;
	int w = 50, h = NITEMS + 2;
	if (w > COLS)
		w = COLS;
	int y = y0 + (y1 - y0 - h) / 2, x = (COLS - w) / 2;
	if (y < y0)
		y = y0;
	attr_t a = ui_attr(ui, UI_R_HEADER);
	for (int i = 0; i < h && y + i < y1; i++)
		ui_fill(y + i, x, w, a);
	ui_put(y, x + 1, "Actions (Enter runs, Esc closes)", w - 2, a | A_BOLD);
	for (int i = 0; i < NITEMS && y + 1 + i < y1; i++) {
		char key[KM_KEY_NAME_MAX], line[128];
		keymap_key_for(ui->o->km, KT_LIST, items[i].a, key, sizeof key);
		snprintf(line, sizeof line, "%-6s %s", key[0] ? key : "", items[i].label);
		ui_put(y + 1 + i, x + 2, line, w - 4, i == ui->amenu_sel ? a | A_REVERSE : a);
	}
}
