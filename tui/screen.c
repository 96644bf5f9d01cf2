/* screen: which screen shows and where Back goes (a short stack of the screens each was opened from). */
#include "tui/ui.h"

#include <string.h>

void ui_screen_open(struct ui *ui, enum ui_screen s)
{
	if (ui->screen == s)
		return;
	if (ui->nback == UI_BACK_MAX) {   /* the oldest way back is forgotten */
		memmove(ui->back, ui->back + 1, (UI_BACK_MAX - 1) * sizeof *ui->back);
		ui->nback--;
	}
	ui->back[ui->nback++] = ui->screen;
	ui->screen = s;
}

void ui_screen_back(struct ui *ui)
{
	ui->screen = ui->nback ? ui->back[--ui->nback] : UI_LIST;
}

void ui_screen_list(struct ui *ui)
{
	ui->screen = UI_LIST;
	ui->nback = 0;
}
