/* wall: the thumbnails of every listed sandbox's desktop: a grid that fills the screen at the chosen tile size, paging, and which tile is where. */
#include "tui/ui.h"

#include <limits.h>
#include <stdio.h>

#include "vnc/render.h"

#define WALL_FPS_MILLI 2000    /* thumbnails: 2 frames a second */
/* The desktop shape a tile is sized for (the pictures keep their own). */
#define WALL_ASPECT_W 16
#define WALL_ASPECT_H 10

/* Tile widths in columns (the gap included) that the size keys step
 * through; a tile's height follows from its width. */
static const int tile_widths[] = {16, 20, 26, 32, 40, 50, 64, 80, 100, 128};
#define N_SIZES ((int)(sizeof tile_widths / sizeof tile_widths[0]))
#define SIZE_DEFAULT 4        /* 40 columns: 5 across at 200, 2 at 80 */

/* The chosen step (ui->wall_size - 1), or -1 while none was chosen. */
static int size_index(const struct ui *ui)
{
	int i = ui->wall_size - 1;
	return i < 0 ? -1 : i >= N_SIZES ? N_SIZES - 1 : i;
}

static int tile_height(int w);

/* A tile's size, gap and title included: the step chosen with the keys,
 * else the configuration's (wall-tile COLSxROWS), else the default. */
static void tile_size(const struct ui *ui, int *w, int *h)
{
	int i = size_index(ui);
	if (i < 0 && ui->o->wall_tile_cols > 0) {
		*w = ui->o->wall_tile_cols;
		*h = ui->o->wall_tile_rows > 0 ? ui->o->wall_tile_rows : tile_height(*w);
		return;
	}
	*w = tile_widths[i < 0 ? SIZE_DEFAULT : i];
	*h = tile_height(*w);
}

/* Rows of a tile w columns wide: the title, a 16:10 picture in w - 1
 * columns (two pixels a cell, rounded up), the gap. */
static int tile_height(int w)
{
	int px = (w - 1) * WALL_ASPECT_H / WALL_ASPECT_W;
	return (px + 1) / 2 + 2;
}

/* Picture cells a tile of w x h offers a 16:10 desktop. */
static int picture_cells(int w, int h)
{
	int c, r;
	vr_fit(WALL_ASPECT_W * 80, WALL_ASPECT_H * 80, w - 1, h - 2, &c, &r);
	return c * r;
}

/* The grid for n sandboxes in cols x body cells: as many tiles across and
 * down as fit at the chosen size; when fewer sandboxes than that are
 * listed, the grid that holds them all with the largest pictures. */
static void layout(const struct ui *ui, size_t n, int cols, int body, int *across, int *down)
{
	int w, h;
	tile_size(ui, &w, &h);
	int cmax = cols / w, rmax = body / h;
	if (cmax < 1)
		cmax = 1;
	if (rmax < 1)
		rmax = 1;
	*across = cmax;
	*down = rmax;
	if (n >= (size_t)cmax * (size_t)rmax || n == 0)
		return;
	int best = -1;
	for (int c = 1; c <= cmax; c++) {
		int r = (int)((n + (size_t)c - 1) / (size_t)c);
		if (r > rmax)
			continue;
		int score = picture_cells(cols / c, body / r);
		if (score > best) {
			best = score;
			*across = c;
			*down = r;
		}
	}
}

int ui_wall_per_row(const struct ui *ui)
{
	return ui->wall_cols > 0 ? ui->wall_cols : 1;
}

/* The header line: which tiles are shown, the size, the keys. */
static void draw_header(struct ui *ui, int y, size_t n, size_t first, size_t last)
{
	char big[KM_KEY_NAME_MAX], small[KM_KEY_NAME_MAX], line[256];
	keymap_key_for(ui->o->km, KT_WALL, KA_WALL_BIGGER, big, sizeof big);
	keymap_key_for(ui->o->km, KT_WALL, KA_WALL_SMALLER, small, sizeof small);
	int tw, th;
	tile_size(ui, &tw, &th);
	snprintf(line, sizeof line, "wall: %zu-%zu of %zu   tiles %dx%d%s%s%s%s%s%s",
		first + 1, last + 1, n, tw, th,
		big[0] || small[0] ? " (" : "", big, big[0] && small[0] ? " bigger, " : big[0] ? " bigger" : "",
		small, small[0] ? " smaller" : "", big[0] || small[0] ? ")" : "");
	int w = ui_put(y, 0, line, COLS, ui_attr(ui, UI_R_DIM));
	if (last - first + 1 < n && w + 2 < COLS) {
		keymap_key_for(ui->o->km, KT_WALL, KA_PAGE_UP, big, sizeof big);
		keymap_key_for(ui->o->km, KT_WALL, KA_PAGE_DOWN, small, sizeof small);
		snprintf(line, sizeof line, "more: %s %s", big, small);
		ui_put_right(y, COLS, line, COLS - w - 2, ui_attr(ui, UI_R_DIM));
	}
}

void ui_wall_draw(struct ui *ui, int y0, int y1, int64_t mono_ms)
{
	ui_list_sync(ui);
	size_t n = ui_rows_count(ui);
	ui->wall_rows = 0;
	if (!n) {
		ui_put(y0 + 1, 1, "no sandboxes", COLS - 2, ui_attr(ui, UI_R_DIM));
		return;
	}
	bool header = y1 - y0 >= 6;
	int ty = y0 + (header ? 1 : 0), body = y1 - ty;
	int across, down;
	layout(ui, n, COLS, body, &across, &down);
	int tw = COLS / across, th = body / down;
	/* keep the selection's tile row on screen, and the screen full */
	int total = (int)((n + (size_t)across - 1) / (size_t)across);
	int sel_row = (int)(ui->sel / (size_t)across);
	if (sel_row < ui->wall_top)
		ui->wall_top = sel_row;
	if (sel_row >= ui->wall_top + down)
		ui->wall_top = sel_row - down + 1;
	if (ui->wall_top > total - down)
		ui->wall_top = total - down;
	if (ui->wall_top < 0)
		ui->wall_top = 0;
	ui->wall_cols = across;
	ui->wall_rows = down;
	ui->wall_tw = tw;
	ui->wall_th = th;
	ui->wall_y0 = ty;
	size_t first = (size_t)ui->wall_top * (size_t)across, last = first;
	for (int r = 0; r < down; r++) {
		for (int c = 0; c < across; c++) {
			size_t i = (size_t)(ui->wall_top + r) * (size_t)across + (size_t)c;
			if (i >= n)
				break;
			ui_view_pane(ui, ui_rows_get(ui, i), ty + r * th, c * tw, th - 1, tw - 1, i == ui->sel,
				WALL_FPS_MILLI, mono_ms);
			last = i;
		}
	}
	if (header)
		draw_header(ui, y0, n, first, last);
}

void ui_wall_page(struct ui *ui, int dir)
{
	ui_list_sync(ui);
	size_t n = ui_rows_count(ui);
	int across = ui_wall_per_row(ui), down = ui->wall_rows > 0 ? ui->wall_rows : 1;
	if (!n)
		return;
	int total = (int)((n + (size_t)across - 1) / (size_t)across);
	int top = ui->wall_top + dir * down;
	if (top > total - down)
		top = total - down;
	if (top < 0)
		top = 0;
	long moved = (long)(top - ui->wall_top) * across;
	ui->wall_top = top;
	/* the selection comes along; at either end it goes to the end */
	ui_list_move(ui, moved ? moved : dir < 0 ? -LONG_MAX : LONG_MAX);
}

void ui_wall_resize(struct ui *ui, int step)
{
	int w, h, i;
	tile_size(ui, &w, &h);
	/* the next step up or down from the size in use */
	if (step > 0)
		for (i = 0; i < N_SIZES && tile_widths[i] <= w; i++)
			;
	else
		for (i = N_SIZES - 1; i >= 0 && tile_widths[i] >= w; i--)
			;
	if (i < 0 || i >= N_SIZES) {
		ui_status_msg(ui, 2000, "wall: the tiles are as %s as they go", step > 0 ? "large" : "small");
		return;
	}
	ui->wall_size = i + 1;
	tile_size(ui, &w, &h);
	ui_status_msg(ui, 2000, "wall: tiles %dx%d", w, h);
}

long ui_wall_tile_at(const struct ui *ui, int y, int x)
{
	if (ui->wall_rows < 1 || ui->wall_tw < 1 || ui->wall_th < 1 || y < ui->wall_y0 || x < 0)
		return -1;
	int r = (y - ui->wall_y0) / ui->wall_th, c = x / ui->wall_tw;
	if (r >= ui->wall_rows || c >= ui->wall_cols)
		return -1;
	size_t i = (size_t)(ui->wall_top + r) * (size_t)ui->wall_cols + (size_t)c;
	return i < ui_rows_count(ui) ? (long)i : -1;
}
