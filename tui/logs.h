/* logs: the logs screen's state, shared by tui/logs.c (stream, ring, keys, search) and tui/logs_draw.c (private to tui/). */
#ifndef TUI_LOGS_H
#define TUI_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "docker/logs_stream.h"
#include "tui/ui.h"

/* The ring's size when tui_opts.logs_ring is 0, and the range it is
 * clamped to; the text kept is at most LOGS_BYTES_PER_LINE bytes per line
 * of the ring on average (never under LOGS_BYTES_MIN), the oldest lines go
 * first past either bound. */
#define LOGS_RING_DEFAULT 10000
#define LOGS_RING_MIN 100
#define LOGS_RING_MAX 1000000
#define LOGS_BYTES_PER_LINE 2048
#define LOGS_BYTES_MIN (4u << 20)
/* At most one frame per this many ms while lines pour in. */
#define LOGS_FRAME_MS 50
#define LOGS_QUERY_MAX 128

/* One line as shown: sanitized once, when it came. */
struct lline {
	char *text;          /* sanitized UTF-8 (a cut line ends with the mark) */
	char ts[32];         /* "2026-01-01T00:00:00.123Z" (checked characters only), "" none */
	unsigned char stream;/* DK_LOG_STDOUT/STDERR/ENGINE */
};

struct ui_logs {
	char id[65];
	char name[128];              /* as listed (raw: shown through ui_put) */
	struct dk_logs_stream *st;   /* NULL once ended */
	bool opened, tty;
	bool ended;
	enum dk_logs_end why;
	char why_msg[256];           /* the engine's words (sanitized by err) */

	/* the ring: the newest lines, oldest at head */
	struct lline *ring;
	size_t cap;                  /* lines at most */
	size_t cap_alloc, head, n;   /* entries allocated (grows to cap), oldest, count */
	size_t bytes, bytes_max;     /* text held, and its bound */
	uint64_t total;              /* lines received: seq of the newest is total - 1 */
	bool changed;                /* since the last frame */
	int64_t last_frame_ms;

	/* the view: following the end, or from (top, top_sub) */
	bool follow;
	uint64_t top;                /* seq of the first line on screen */
	int top_sub;                 /* its first row shown (wrapped) */
	int rows, width;             /* body rows and text columns at the last draw */
	int prefix_w;                /* columns before the text at the last draw */
	int hscroll;                 /* columns of text skipped (not wrapped) */
	bool wrap, timestamps;

	/* search */
	bool prompting;
	char prompt[LOGS_QUERY_MAX];
	char query[LOGS_QUERY_MAX];  /* "" none */
	bool has_cur;
	uint64_t cur;                /* seq of the current match */
};

/* logs.c: the line of seq (first_seq <= seq < total). */
struct lline *logs_line(struct ui_logs *L, uint64_t seq);
/* Seq of the oldest line kept (== total when empty). */
uint64_t logs_first(const struct ui_logs *L);
/* Rows line l takes at the current width (1 unless wrapping). */
int logs_line_rows(const struct ui_logs *L, const struct lline *l);
/* The (top, top_sub) that shows the newest line at the bottom. */
void logs_end_top(const struct ui_logs *L, uint64_t *top, int *sub);
/* The matches: how many lines match the query, and the current one's rank
 * (1-based; 0 none). */
void logs_match_count(struct ui_logs *L, size_t *count, size_t *rank);

/* Before a frame: the top within the ring, at the end while following. */
void logs_view_fix(struct ui_logs *L);

#endif
