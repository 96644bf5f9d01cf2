/* view: the desktop panes (the large view, the wall's tiles): their desks, and the pictures (half blocks, or kitty or sixel images in the large view) written after curses' refresh, with curses told which cells they covered. */
#include "tui/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "desktop/desk.h"
#include "docker/inventory.h"
#include "vnc/proto.h"
#include "vnc/render.h"

#define VIEW_FPS_MILLI 10000   /* the large view: about 10 frames a second */
#define DESK_IDLE_MS 30000     /* a desk off screen this long closes its worker (the picture stays) */
#define DESK_FORGET_MS 600000  /* and this long, or once its sandbox is gone, is freed */
#define IMG_OUT_MAX (16u << 20)
#define PROBE_MS 500           /* the wait for the terminal's device attributes */
#define KITTY_ON_MAX 8         /* kitty images on the terminal at once */

/* A rectangle of cells; rows 0: none. */
struct rect {
	int y, x, rows, cols;
};

static bool rect_eq(struct rect a, struct rect b)
{
	return a.y == b.y && a.x == b.x && a.rows == b.rows && a.cols == b.cols;
}

struct ui_desk {
	struct desk *d;
	struct vr_screen *scr;
	bool input;
	bool shown;               /* on screen in the last draw */
	int64_t used_ms;          /* when it was last on screen */
	uint64_t inv_gen;         /* the inventory generation it was updated to */
	int y, x, rows, cols;     /* the image area of its pane in the last draw */
	bool text_in_pane;        /* curses drew text inside the image area */
	bool shot_pending;
	char name[64];            /* for screenshot file names (filtered) */
	/* the picture: what goes out after this refresh, and what is out there */
	const struct vs_frame *pf;
	struct rect pic, on;
	/* a frame too large for the area (the last picture of an earlier
	 * grid), scaled to fit */
	struct vs_frame fit;
	uint8_t *fit_px;
	size_t fit_cap;
	const uint8_t *fit_src;
	uint32_t fit_seq;
	/* real pixels: frames are pixels (a cell cw x ch of them); the pixels
	 * of the image on the terminal (px_out_w wide), to write again only
	 * the cells that changed; kid: its kitty image id */
	bool px;
	int cw, ch;
	unsigned kid;
	uint8_t *px_out;
	size_t px_out_len;
	int px_out_w;
	bool px_stale;
};

static enum vr_mode img_mode;
static bool img_ok;
static const char *img_why = "";
static int px_proto;           /* the large view in real pixels: UI_PX_KITTY or UI_PX_SIXEL, else 0 */
static int sixel_colours = VR_SIXEL_COLOURS;
/* the kitty images on the terminal: whose (the desk's kid) and where */
static struct {
	unsigned id;
	struct rect at;
} kitty_on[KITTY_ON_MAX];
static size_t nkitty_on;
static unsigned kitty_next_id = 1;

/* The pictures' output the terminal has not taken yet. A picture can be
 * 200 KB; a slow terminal (a link, a busy emulator) takes it as it
 * drains, from the poll loop, and the screen is not drawn again until it
 * is all out: nothing else goes into the middle of an image, and keys are
 * read meanwhile. */
static struct buf pend;
static size_t pend_off;

/* Write what the terminal takes now, without waiting. A terminal gone
 * (an error other than "full") drops the rest. */
static void pend_write(void)
{
	int fl = fcntl(STDOUT_FILENO, F_GETFL);
	/* stdin may share the file description: blocking again below */
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
	while (pend_off < pend.len) {
		ssize_t w = write(STDOUT_FILENO, pend.data + pend_off, pend.len - pend_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			pend_off = pend.len;
		if (w <= 0)
			break;
		pend_off += (size_t)w;
	}
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(STDOUT_FILENO, F_SETFL, fl);
	if (pend_off == pend.len) {   /* its storage goes too: a picture's is large */
		buf_free(&pend);
		pend_off = 0;
	}
}

/* Queue n bytes of picture output (pend_write sends them). */
static void pend_add(const char *p, size_t n)
{
	if (!pend.max)
		buf_init(&pend, IMG_OUT_MAX + 64);
	buf_append(&pend, p, n);
}

bool ui_view_writing(void)
{
	return pend_off < pend.len;
}

bool ui_view_drain(void)
{
	pend_write();
	return !ui_view_writing();
}

void ui_view_finish(int wait_ms)
{
	int64_t end = clock_mono_ms() + wait_ms;
	while (ui_view_writing()) {
		int64_t left = end - clock_mono_ms();
		struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
		if (left <= 0 || poll(&p, 1, (int)left) < 0) {
			/* cut off: a string terminator ends an image the
			 * terminal is reading (harmless outside one), then the
			 * synchronized update and the cursor */
			static const char cut[] = "\033\\\033[?2026l\0338";
			log_msg(LOG_INFO, "view: the terminal did not take the last %zu bytes of a picture within %d ms; cut off",
				pend.len - pend_off, wait_ms);
			pend_off = pend.len;
			if (write(STDOUT_FILENO, cut, sizeof cut - 1) < 0)
				log_msg(LOG_DEBUG, "view: the terminal took no more output");
			break;
		}
		pend_write();
	}
	buf_free(&pend);
	pend_off = 0;
}

/* Delete every kitty image on the terminal (sandtop's are the only ones
 * in its screen), whether or not it is known to have one. */
static void kitty_delete_all(void)
{
	static const char all[] = "\033_Ga=d,d=A,q=2\033\\";
	pend_add(all, sizeof all - 1);
	pend_write();
	nkitty_on = 0;
}

void ui_view_init(struct ui *ui)
{
	if (ui->o->pixels == CFG_PIXELS_SIXEL) {
		px_proto = UI_PX_SIXEL;
	} else if (ui->o->pixels == CFG_PIXELS_KITTY) {
		px_proto = UI_PX_KITTY;
	} else if (ui->o->pixels == CFG_PIXELS_AUTO) {
		int has = ui_px_probe(PROBE_MS, &sixel_colours);
		px_proto = has < 0 ? 0 : has & UI_PX_KITTY ? UI_PX_KITTY : has & UI_PX_SIXEL;
	}
	if (sixel_colours > VR_SIXEL_COLOURS)
		sixel_colours = VR_SIXEL_COLOURS;
	struct err e = {0};
	if (px_proto == UI_PX_SIXEL && vr_sixel_load(&e) < 0) {
		px_proto = 0;
		log_msg(LOG_WARN, "view: %s; pictures in characters", e.msg);
		ui_status_msg(ui, 8000, "%s; pictures in characters", e.msg);
	}
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
	free(u->fit_px);
	free(u->px_out);
}

/* Forget what the terminal shows of u's picture: written whole next time. */
static void pic_invalidate(struct ui_desk *u)
{
	vr_screen_invalidate(u->scr);
	u->px_stale = true;
}

void ui_view_free(struct ui *ui)
{
	if (nkitty_on)
		kitty_delete_all();
	ui_view_finish(UI_VIEW_FINISH_MS);
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

/* The container's news for its desk: the engine's state when the inventory
 * changed, and the kernel's freezer as the screen says it (fmt_state). */
static void desk_news(struct ui *ui, struct ui_desk *u, const struct dk_container *ct)
{
	uint64_t gen = ui_inv_generation(ui);
	if (u->inv_gen != gen) {
		desk_update(u->d, ct);
		u->inv_gen = gen;
	}
	const char *w = fmt_state(ui, ct, NULL);
	desk_set_frozen(u->d, !strcmp(w, "frozen") || !strcmp(w, "freezing"));
}

/* The desk of ct, opened when needed (input: a takeover desk). */
static struct ui_desk *get_desk(struct ui *ui, const struct dk_container *ct, bool input)
{
	struct ui_desk *u = find_desk(ui, ct->id);
	if (u && u->input != input) {
		desk_close(u->d);
		u->d = desk_open(ui_eng(ui, ct)->client, ct, input);   /* through its own engine */
		u->input = input;
		pic_invalidate(u);
	}
	if (!u) {
		ui->desks = xrealloc(ui->desks, (ui->ndesks + 1) * sizeof *ui->desks);
		u = &ui->desks[ui->ndesks++];
		memset(u, 0, sizeof *u);
		u->d = desk_open(ui_eng(ui, ct)->client, ct, input);   /* through its own engine */
		u->scr = vr_screen_new();
		u->kid = kitty_next_id++;
		u->input = input;
		u->inv_gen = ui_inv_generation(ui);
	}
	desk_news(ui, u, ct);
	desk_set_idle(u->d, false);
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

void ui_view_pane(struct ui *ui, const struct dk_container *ct, int y, int x, int rows, int cols, bool sel,
                  uint32_t fps, int64_t now)
{
	struct ui_desk *u = get_desk(ui, ct, ui->takeover && ui->screen == UI_VIEW);
	char st[512];
	enum desk_status ds = desk_status(u->d, now, st, sizeof st);
	enum ui_role role = desk_held(u->d) ? UI_R_PAUSED : ds == DESK_S_LIVE ? UI_R_RUNNING
		: ds == DESK_S_STALLED ? UI_R_PAUSED : ds == DESK_S_DOWN ? UI_R_ALERT : UI_R_OTHER;
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
	u->shown = true;
	if (irows < 1 || cols < 1) {
		desk_set_grid(u->d, 1, 1, 0);
		u->rows = u->cols = 0;
		return;
	}
	int cw = 0, ch = 0;
	bool px = px_proto && ui->screen == UI_VIEW && ui_px_cell(&cw, &ch);
	if (u->y != iy || u->x != x || u->rows != irows || u->cols != cols || was_text || u->px != px)
		pic_invalidate(u);
	u->y = iy;
	u->x = x;
	u->rows = irows;
	u->cols = cols;
	u->px = px;
	u->cw = cw;
	u->ch = ch;
	if (px)   /* a grid unit is one pixel wide, two tall */
		desk_set_grid(u->d, cols * cw, irows * ch / 2, fps);
	else
		desk_set_grid(u->d, cols, irows, img_ok ? fps : 0);
	const char *msg = NULL;
	if (!img_ok && !px)
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
	ui_view_pane(ui, ct, y0, 0, y1 - y0, COLS, false, VIEW_FPS_MILLI, mono_ms);
}

/* Before a draw: nothing is on screen until drawn again. */
void ui_view_begin(struct ui *ui)
{
	for (size_t i = 0; i < ui->ndesks; i++)
		ui->desks[i].shown = false;
}

/* ---- the pictures and curses ---- */

/* A frame larger than the area (the last picture, made for an earlier
 * grid) scaled to fit it, nearest pixel; cached while frame and area stay. */
static const struct vs_frame *fitted(struct ui_desk *u, const struct vs_frame *f)
{
	if (f->cols <= u->cols && f->rows <= u->rows)
		return f;
	int cols, rows;
	vr_fit(f->fb_w, f->fb_h, u->cols, u->rows, &cols, &rows);
	if (cols < 1 || rows < 1 || cols > u->cols || rows > u->rows)
		return NULL;
	if (u->fit_src == f->px && u->fit_seq == f->seq && u->fit.cols == cols && u->fit.rows == rows)
		return &u->fit;
	size_t len = (size_t)cols * (size_t)rows * 6;
	if (len > u->fit_cap) {
		free(u->fit_px);
		u->fit_px = xmalloc(len);
		u->fit_cap = len;
	}
	int sh = f->rows * 2, dh = rows * 2;
	for (int y = 0; y < dh; y++) {
		const uint8_t *src = f->px + (size_t)(y * sh / dh) * (size_t)f->cols * 3;
		uint8_t *dst = u->fit_px + (size_t)y * (size_t)cols * 3;
		for (int x = 0; x < cols; x++)
			memcpy(dst + (size_t)x * 3, src + (size_t)(x * f->cols / cols) * 3, 3);
	}
	u->fit = *f;
	u->fit.cols = cols;
	u->fit.rows = rows;
	u->fit.px = u->fit_px;
	u->fit_src = f->px;
	u->fit_seq = f->seq;
	return &u->fit;
}

/* A frame in pixels and the cells it covers, centred in u's area: only a
 * frame made for the grid asked now (one of an earlier grid, or of the
 * characters' grid, waits for the next). */
static const struct vs_frame *px_cells(struct ui_desk *u, const struct vs_frame *f, struct rect *r)
{
	int gc = u->cols * u->cw, gr = u->rows * u->ch / 2, cols, rows;
	vr_frame_size(f->fb_w, f->fb_h, gc < VP_MAX_COLS ? gc : VP_MAX_COLS, gr < VP_MAX_ROWS ? gr : VP_MAX_ROWS,
	              &cols, &rows);
	if (f->cols != cols || f->rows != rows)
		return NULL;
	int cc = (f->cols + u->cw - 1) / u->cw, cr = (f->rows * 2 + u->ch - 1) / u->ch;
	if (cc > u->cols || cr > u->rows)
		return NULL;
	*r = (struct rect){u->y + (u->rows - cr) / 2, u->x + (u->cols - cc) / 2, cr, cc};
	return f;
}

/* Line y as curses will have it differs from what it thinks the terminal
 * shows: doupdate writes into it (and may clear to the end of it). */
static bool line_changes(int y, cchar_t *a, cchar_t *b)
{
	if (mvwin_wchnstr(stdscr, y, 0, a, COLS) == ERR || mvwin_wchnstr(curscr, y, 0, b, COLS) == ERR)
		return true;
	return memcmp(a, b, (size_t)COLS * sizeof *a) != 0;
}

/* After the draw, before curses' refresh. The pictures are written behind
 * curses' back: curses thinks their cells blank. A picture that goes away
 * or moves leaves its cells, so the lines it covered are handed back to
 * curses whole (wredrawln: they are rewritten from what curses has). A
 * line curses writes into this time (text that changed, or handed back)
 * may be cleared to its end, so every picture on it is written whole again
 * after the refresh. */
static void settle(struct ui *ui)
{
	static int last_lines, last_cols;
	bool all = is_cleared(curscr) || is_cleared(stdscr) || LINES != last_lines || COLS != last_cols;
	last_lines = LINES;
	last_cols = COLS;
	if (LINES < 1 || COLS < 1)
		return;
	bool *redraw = xcalloc((size_t)LINES, sizeof *redraw);
	for (size_t i = 0; i < ui->ndesks; i++) {
		struct ui_desk *u = &ui->desks[i];
		const struct vs_frame *f = (img_ok || u->px) && u->shown && !u->text_in_pane && u->rows > 0
			? desk_frame(u->d) : NULL;
		u->pic = (struct rect){0, 0, 0, 0};
		if (u->px) {
			u->pf = f ? px_cells(u, f, &u->pic) : NULL;
		} else {
			u->pf = f ? fitted(u, f) : NULL;
			if (u->pf)
				u->pic = (struct rect){u->y + (u->rows - u->pf->rows) / 2, u->x + (u->cols - u->pf->cols) / 2,
					u->pf->rows, u->pf->cols};
		}
		if (all) {
			u->on.rows = 0;   /* the whole terminal is written again */
			pic_invalidate(u);
		}
		if (u->on.rows > 0 && !rect_eq(u->on, u->pic)) {
			for (int y = u->on.y; y < u->on.y + u->on.rows && y < LINES; y++)
				redraw[y] = true;
			u->on.rows = 0;
		}
	}
	if (!all) {
		cchar_t *a = xmalloc((size_t)(COLS + 1) * sizeof *a), *b = xmalloc((size_t)(COLS + 1) * sizeof *b);
		signed char *changes = xcalloc((size_t)LINES, 1);   /* 0 unknown, 1 yes, -1 no */
		for (size_t i = 0; i < ui->ndesks; i++) {
			struct ui_desk *u = &ui->desks[i];
			for (int y = u->pic.y; y < u->pic.y + u->pic.rows && y < LINES; y++) {
				if (!changes[y])
					changes[y] = redraw[y] || line_changes(y, a, b) ? 1 : -1;
				if (changes[y] > 0) {
					pic_invalidate(u);
					break;
				}
			}
		}
		free(changes);
		free(a);
		free(b);
		for (int y = 0; y < LINES; y++) {
			int n = 0;
			while (y + n < LINES && redraw[y + n])
				n++;
			if (n)
				wredrawln(stdscr, y, n);
			y += n;
		}
	}
	free(redraw);
}

/* After a draw: the pictures settled with curses; desks not drawn stop
 * reading their desktops, close their workers after a while (keeping
 * the last picture, so a tile that comes back shows it while it
 * reconnects), and are forgotten after longer or once their sandbox is
 * gone. */
void ui_view_end(struct ui *ui, int64_t mono_ms)
{
	settle(ui);
	for (size_t i = 0; i < ui->ndesks; ) {
		struct ui_desk *u = &ui->desks[i];
		if (!u->shown) {
			const struct dk_container *ct = ui_inv_find(ui, desk_id(u->d));
			desk_set_grid(u->d, 1, 1, 0);
			u->rows = u->cols = 0;
			if (!u->shot_pending && (!ct || mono_ms - u->used_ms > DESK_FORGET_MS)) {
				desk_free(u);
				ui->desks[i] = ui->desks[--ui->ndesks];
				continue;
			}
			desk_news(ui, u, ct);   /* paused or frozen meanwhile: no retries */
			if (mono_ms - u->used_ms > DESK_IDLE_MS && !u->shot_pending)
				desk_set_idle(u->d, true);
		}
		i++;
	}
}

/* ---- the images (after doupdate) ---- */

void ui_view_invalidate(struct ui *ui)
{
	for (size_t i = 0; i < ui->ndesks; i++)
		pic_invalidate(&ui->desks[i]);
}

/* The kitty image id on the terminal: its slot in kitty_on, or -1. */
static int kitty_find(unsigned id)
{
	for (size_t i = 0; i < nkitty_on; i++)
		if (kitty_on[i].id == id)
			return (int)i;
	return -1;
}

/* Delete the kitty images on the terminal that no desk shows there now
 * (its picture gone, moved or resized). */
static void kitty_sweep(struct ui *ui, struct buf *out)
{
	for (size_t i = 0; i < nkitty_on;) {
		bool keep = false;
		for (size_t j = 0; j < ui->ndesks && !keep; j++) {
			const struct ui_desk *u = &ui->desks[j];
			keep = u->kid == kitty_on[i].id && u->px && u->pf && rect_eq(u->pic, kitty_on[i].at);
		}
		if (keep) {
			i++;
			continue;
		}
		vr_kitty_delete(kitty_on[i].id, out);
		kitty_on[i] = kitty_on[--nkitty_on];
	}
}

/* u's image at its place: of the pixels that changed (sixel: of the
 * cells) when the image there is the last one written (same place, same
 * size), else whole. */
static void emit_pixels(struct ui_desk *u, struct buf *out)
{
	const struct vs_frame *f = u->pf;
	bool kitty = px_proto == UI_PX_KITTY;
	int w = f->cols, h = f->rows * 2, x = 0, y = 0, rw = w, rh = h;
	size_t len = (size_t)w * (size_t)h * 3, row = (size_t)w * 3;
	bool part = rect_eq(u->on, u->pic) && !u->px_stale && u->px_out_len == len && u->px_out_w == w &&
		(!kitty || kitty_find(u->kid) >= 0);
	/* a kitty image is edited pixel by pixel; sixel pixels go in whole
	 * cells (a sixel image's bottom edge would otherwise cut a cell) */
	if (part && !vr_changed_cells(u->px_out, f->px, w, h, kitty ? 1 : u->cw, kitty ? 1 : u->ch, &x, &y, &rw, &rh))
		return;
	size_t before = out->len;
	struct err e = {0};
	const uint8_t *at = f->px + (size_t)y * row + (size_t)x * 3;
	int rc;
	if (kitty && part)
		rc = vr_kitty_edit(at, row, x, y, rw, rh, u->kid, out, &e);
	else if (buf_printf(out, "\033[%d;%dH", u->pic.y + y / u->ch + 1, u->pic.x + x / u->cw + 1) < 0)
		rc = err_set(&e, 1, "the output is full");
	else
		rc = kitty ? vr_kitty_place(at, row, rw, rh, u->kid, out, &e)
			: vr_sixel(at, row, rw, rh, sixel_colours, out, &e);
	if (rc < 0) {
		out->len = before;
		if (!out->overflow)
			log_msg(LOG_WARN, "view: %s", e.msg);
		return;
	}
	if (kitty && !part) {   /* where image kid is now */
		int k = kitty_find(u->kid);
		if (k < 0 && nkitty_on == KITTY_ON_MAX) {   /* never with one large view: the oldest goes */
			vr_kitty_delete(kitty_on[0].id, out);
			k = 0;
		} else if (k < 0) {
			k = (int)nkitty_on++;
		}
		kitty_on[k].id = u->kid;
		kitty_on[k].at = u->pic;
	}
	if (len != u->px_out_len) {
		free(u->px_out);
		u->px_out = xmalloc(len);
		u->px_out_len = len;
	}
	memcpy(u->px_out, f->px, len);
	u->px_out_w = w;
	u->px_stale = false;
}

void ui_view_emit(struct ui *ui)
{
	if (!img_ok && !px_proto)
		return;
	struct buf out;
	buf_init(&out, IMG_OUT_MAX);
	if (px_proto == UI_PX_KITTY)
		kitty_sweep(ui, &out);
	for (size_t i = 0; i < ui->ndesks; i++) {
		struct ui_desk *u = &ui->desks[i];
		if (!u->pf)
			continue;
		if (u->px)
			emit_pixels(u, &out);
		else
			vr_emit(u->scr, u->pf->px, u->pf->cols, u->pf->rows, u->pic.y, u->pic.x, img_mode, &out);
		u->on = u->pic;   /* written, or there from before */
		u->pf = NULL;
	}
	if (out.len && !out.overflow) {
		/* save the cursor and attributes curses left, draw in one
		 * synchronized update, put them back */
		pend_add("\0337\033[?2026h", 10);
		pend_add(out.data, out.len);
		pend_add("\033[?2026l\0338", 10);
		pend_write();
	} else if (out.overflow) {
		ui_view_invalidate(ui);
		if (px_proto == UI_PX_KITTY)
			kitty_delete_all();   /* the deletes in out are lost too */
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
	if (u->px) {   /* where the image is */
		*y = u->on.y;
		*x = u->on.x;
		*rows = u->on.rows;
		*cols = u->on.cols;
		return u->d;
	}
	if (!f || f->cols > u->cols || f->rows > u->rows)
		return u->d; /* keys go now (the worker sends them once connected) */
	*y = u->y + (u->rows - f->rows) / 2;
	*x = u->x + (u->cols - f->cols) / 2;
	*rows = f->rows;
	*cols = f->cols;
	return u->d;
}
