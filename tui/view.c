/* view: the desktop screens (one large live view, the wall of thumbnails): their desks, layout, and the images written after curses' refresh. */
#include "tui/ui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "control/desk.h"
#include "docker/inventory.h"
#include "vnc/render.h"

#define VIEW_FPS_MILLI 10000   /* the large view: about 10 frames a second */
#define WALL_FPS_MILLI 2000    /* thumbnails: 2 */
#define DESK_IDLE_MS 10000     /* a desk off screen this long is closed */
#define WALL_TILE_COLS 42      /* preferred tile width, gap included */
#define IMG_OUT_MAX (16u << 20)

struct ui_desk {
	struct desk *d;
	struct vr_screen *scr;
	bool input;
	bool shown;               /* on screen in the last draw */
	int64_t used_ms;
	int y, x, rows, cols;     /* the image area of its pane in the last draw */
	bool text_in_pane;        /* curses drew text inside the image area */
	bool shot_pending;
	char name[64];            /* for screenshot file names (filtered) */
};

static enum vr_mode img_mode;
static bool img_ok;
static const char *img_why = "";

void ui_view_init(struct ui *ui)
{
	(void)ui;
	const char *ct = getenv("COLORTERM");
	if (ct && (!strcmp(ct, "truecolor") || !strcmp(ct, "24bit"))) {
		img_mode = VR_TRUECOLOR;
		img_ok = true;
	} else if (COLORS >= 256) {
		img_mode = VR_256;
		img_ok = true;
	} else {
		img_ok = false;
		img_why = "desktop pictures need a terminal with 256 colours (or COLORTERM=truecolor)";
	}
}

static void desk_free(struct ui_desk *u)
{
	desk_close(u->d);
	vr_screen_free(u->scr);
}

void ui_view_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->ndesks; i++)
		desk_free(&ui->desks[i]);
	free(ui->desks);
	ui->desks = NULL;
	ui->ndesks = 0;
}

static struct ui_desk *find_desk(struct ui *ui, const char *id)
{
	for (size_t i = 0; i < ui->ndesks; i++)
		if (!strcmp(desk_id(ui->desks[i].d), id))
			return &ui->desks[i];
	return NULL;
}

static void filter_name(char *out, size_t n, const char *name)
{
	size_t j = 0;
	for (const char *p = name ? name : ""; *p && j + 1 < n; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
		out[j++] = ok ? c : '_';
	}
	out[j] = '\0';
	if (!j)
		snprintf(out, n, "sandbox");
}

/* The desk of ct, opened when needed (input: a takeover desk). */
static struct ui_desk *get_desk(struct ui *ui, const struct dk_container *ct, bool input)
{
	struct ui_desk *u = find_desk(ui, ct->id);
	if (u && u->input != input) {
		desk_close(u->d);
		u->d = desk_open(ui->o->client, ct, input);
		u->input = input;
		vr_screen_invalidate(u->scr);
	}
	if (!u) {
		ui->desks = xrealloc(ui->desks, (ui->ndesks + 1) * sizeof *ui->desks);
		u = &ui->desks[ui->ndesks++];
		memset(u, 0, sizeof *u);
		u->d = desk_open(ui->o->client, ct, input);
		u->scr = vr_screen_new();
		u->input = input;
	} else if (ui->desks_inv_gen != inv_generation(ui->o->inv)) {
		desk_update(u->d, ct);
	}
	filter_name(u->name, sizeof u->name, ct->name);
	u->used_ms = clock_mono_ms();
	return u;
}

/* The selected container, or NULL. */
static const struct dk_container *selected(struct ui *ui)
{
	ui_list_sync(ui);
	return ui_rows_count(ui) ? ui_rows_get(ui, ui->sel) : NULL;
}

/* ---- drawing (curses part) ---- */

/* The title row of a pane: name, state text; the image area below. */
static void draw_pane(struct ui *ui, struct ui_desk *u, const struct dk_container *ct, int y, int x,
                      int rows, int cols, bool sel, uint32_t fps, int64_t now)
{
	char st[512];
	enum desk_status ds = desk_status(u->d, now, st, sizeof st);
	enum ui_role role = ds == DESK_S_LIVE ? UI_R_RUNNING : ds == DESK_S_STALLED ? UI_R_PAUSED
		: ds == DESK_S_DOWN ? UI_R_ALERT : UI_R_OTHER;
	attr_t ta = sel ? ui_attr(ui, UI_R_HEADER) | A_REVERSE : ui_attr(ui, UI_R_HEADER);
	ui_fill(y, x, cols, ta);
	int w = ui_put(y, x, ct->name, cols / 2 > 8 ? cols / 2 : cols, ta | A_BOLD);
	if (u->input && ui->takeover) {
		w += ui_put(y, x + w, " TAKEOVER", cols - w, ui_attr(ui, UI_R_ALERT) | A_BOLD | A_REVERSE);
	}
	if (w + 2 < cols)
		ui_put_right(y, x + cols, st, cols - w - 2, ui_attr(ui, role) | (sel ? A_REVERSE : 0));
	/* the image area */
	int iy = y + 1, irows = rows - 1;
	bool was_text = u->text_in_pane;
	u->text_in_pane = false;
	if (irows < 1 || cols < 1) {
		desk_set_grid(u->d, 1, 1, 0);
		u->rows = u->cols = 0;
		return;
	}
	if (u->y != iy || u->x != x || u->rows != irows || u->cols != cols || was_text)
		vr_screen_invalidate(u->scr);
	u->y = iy;
	u->x = x;
	u->rows = irows;
	u->cols = cols;
	u->shown = true;
	desk_set_grid(u->d, cols, irows, img_ok ? fps : 0);
	const char *msg = NULL;
	if (!img_ok)
		msg = img_why;
	else if (!desk_frame(u->d))
		msg = ds == DESK_S_LIVE ? "waiting for the first picture" : st;
	if (msg) {
		ui_put(iy + irows / 2, x + 1, msg, cols - 2, ui_attr(ui, UI_R_DIM));
		u->text_in_pane = true;
	}
}

void ui_view_draw(struct ui *ui, int y0, int y1, int64_t mono_ms)
{
	const struct dk_container *ct = selected(ui);
	if (!ct) {
		ui_put(y0 + 1, 1, "no sandbox selected", COLS - 2, ui_attr(ui, UI_R_DIM));
		return;
	}
	struct ui_desk *u = get_desk(ui, ct, ui->takeover);
	draw_pane(ui, u, ct, y0, 0, y1 - y0, COLS, false, VIEW_FPS_MILLI, mono_ms);
}

int ui_wall_per_row(void)
{
	int n = COLS / WALL_TILE_COLS;
	return n < 1 ? 1 : n;
}

void ui_wall_draw(struct ui *ui, int y0, int y1, int64_t mono_ms)
{
	ui_list_sync(ui);
	size_t n = ui_rows_count(ui);
	if (!n) {
		ui_put(y0 + 1, 1, "no sandboxes", COLS - 2, ui_attr(ui, UI_R_DIM));
		return;
	}
	int per_row = ui_wall_per_row();
	int tw = COLS / per_row;
	/* image rows for a 16:10 desktop in tw - 1 columns, plus the title */
	int th = (tw - 1) * 10 / 32 + 2;
	int body = y1 - y0;
	if (th > body)
		th = body;
	int vis_rows = body / th;
	if (vis_rows < 1)
		vis_rows = 1;
	/* keep the selection's tile row on screen */
	int sel_row = (int)(ui->sel / (size_t)per_row);
	if (sel_row < ui->wall_top)
		ui->wall_top = sel_row;
	if (sel_row >= ui->wall_top + vis_rows)
		ui->wall_top = sel_row - vis_rows + 1;
	for (int r = 0; r < vis_rows; r++) {
		for (int c = 0; c < per_row; c++) {
			size_t i = (size_t)(ui->wall_top + r) * (size_t)per_row + (size_t)c;
			if (i >= n)
				break;
			const struct dk_container *ct = ui_rows_get(ui, i);
			struct ui_desk *u = get_desk(ui, ct, false);
			draw_pane(ui, u, ct, y0 + r * th, c * tw, th - 1, tw - 1, i == ui->sel, WALL_FPS_MILLI, mono_ms);
		}
	}
}

/* Before a draw: nothing is on screen until drawn again. After: desks not
 * drawn stop reading their desktops, and long-unused ones close. */
void ui_view_begin(struct ui *ui)
{
	for (size_t i = 0; i < ui->ndesks; i++)
		ui->desks[i].shown = false;
}

void ui_view_end(struct ui *ui, int64_t mono_ms)
{
	for (size_t i = 0; i < ui->ndesks; ) {
		struct ui_desk *u = &ui->desks[i];
		if (!u->shown) {
			desk_set_grid(u->d, 1, 1, 0);
			u->rows = u->cols = 0;
			if (mono_ms - u->used_ms > DESK_IDLE_MS && !u->shot_pending) {
				desk_free(u);
				ui->desks[i] = ui->desks[--ui->ndesks];
				continue;
			}
		}
		i++;
	}
	ui->desks_inv_gen = inv_generation(ui->o->inv);
}

/* ---- the images (after doupdate) ---- */

void ui_view_invalidate(struct ui *ui)
{
	for (size_t i = 0; i < ui->ndesks; i++)
		vr_screen_invalidate(ui->desks[i].scr);
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void ui_view_emit(struct ui *ui)
{
	if (!img_ok)
		return;
	struct buf out;
	buf_init(&out, IMG_OUT_MAX);
	for (size_t i = 0; i < ui->ndesks; i++) {
		struct ui_desk *u = &ui->desks[i];
		const struct vs_frame *f = u->shown ? desk_frame(u->d) : NULL;
		if (!f || u->text_in_pane || f->cols > u->cols || f->rows > u->rows)
			continue;
		/* centred in the image area */
		int y = u->y + (u->rows - f->rows) / 2, x = u->x + (u->cols - f->cols) / 2;
		vr_emit(u->scr, f->px, f->cols, f->rows, y, x, img_mode, &out);
	}
	if (out.len && !out.overflow) {
		/* save the cursor and attributes curses left, draw in one
		 * synchronized update, put them back */
		write_all("\0337\033[?2026h", 10);
		write_all(out.data, out.len);
		write_all("\033[?2026l\0338", 10);
	} else if (out.overflow) {
		ui_view_invalidate(ui);
	}
	buf_free(&out);
}

/* ---- poll loop ---- */

size_t ui_view_pollfds(struct ui *ui, struct pollfd *fds, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ui->ndesks && n < max; i++)
		n += desk_pollfds(ui->desks[i].d, fds + n, max - n);
	return n;
}

static void save_shot(struct ui *ui, struct ui_desk *u)
{
	int w, h;
	uint8_t *px = desk_take_shot(u->d, &w, &h);
	if (!px)
		return;
	u->shot_pending = false;
	char path[256], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(path, sizeof path, "sandtop-%s-%s.png", u->name, stamp);
	struct err e = {0};
	FILE *fp = fopen(path, "wbx");
	int rc = fp ? vr_png_write(fp, px, w, h, &e) : err_set(&e, 1, "%s", strerror(errno));
	if (fp && fclose(fp) != 0 && rc == 0)
		rc = err_set(&e, 1, "%s", strerror(errno));
	free(px);
	if (rc == 0) {
		ui_status_msg(ui, 6000, "screenshot saved: %s (%dx%d)", path, w, h);
		log_msg(LOG_INFO, "screenshot of %.12s saved to %s", desk_id(u->d), path);
	} else {
		if (fp)
			unlink(path);
		ui_status_msg(ui, 8000, "screenshot failed: %s: %s", path, e.msg);
	}
}

void ui_view_dispatch(struct ui *ui, const struct pollfd *fds, size_t n, bool *dirty)
{
	for (size_t i = 0; i < ui->ndesks; i++) {
		struct ui_desk *u = &ui->desks[i];
		int ev = desk_dispatch(u->d, fds, n);
		if (ev & VS_EV_SHOT)
			save_shot(ui, u);
		if (ev & (VS_EV_FRAME | VS_EV_STATE))
			*dirty = true;
	}
}

int ui_view_tick(struct ui *ui, int64_t mono_ms, bool *dirty)
{
	int timeout = -1;
	for (size_t i = 0; i < ui->ndesks; i++) {
		char st[16];
		enum desk_status before = desk_status(ui->desks[i].d, mono_ms, st, sizeof st);
		int t = desk_tick(ui->desks[i].d, mono_ms);
		if (desk_status(ui->desks[i].d, mono_ms, st, sizeof st) != before)
			*dirty = true;
		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;
		/* a pending retry: the countdown on screen ticks each second */
		if (before == DESK_S_DOWN && (timeout < 0 || timeout > 1000))
			timeout = 1000;
	}
	return timeout;
}

/* ---- actions ---- */

void ui_view_screenshot(struct ui *ui)
{
	const struct dk_container *ct = selected(ui);
	struct ui_desk *u = ct ? find_desk(ui, ct->id) : NULL;
	if (!u || desk_request_shot(u->d) < 0) {
		ui_status_msg(ui, 4000, "screenshot: the desktop is not connected");
		return;
	}
	u->shot_pending = true;
	ui_status_msg(ui, 3000, "screenshot: taking it");
}

/* The takeover desk and where its picture is (0 rows before the first). */
struct desk *ui_view_takeover_desk(struct ui *ui, int *y, int *x, int *rows, int *cols)
{
	const struct dk_container *ct = selected(ui);
	struct ui_desk *u = ct ? find_desk(ui, ct->id) : NULL;
	if (!u || !u->input)
		return NULL;
	const struct vs_frame *f = desk_frame(u->d);
	*y = *x = *rows = *cols = 0;
	if (!f)
		return u->d; /* keys go now (the worker sends them once connected) */
	*y = u->y + (u->rows - f->rows) / 2;
	*x = u->x + (u->cols - f->cols) / 2;
	*rows = f->rows;
	*cols = f->cols;
	return u->d;
}
