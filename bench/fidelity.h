/* fidelity: how close a half-block picture in a terminal is to the desktop: a terminal model that reads a renderer's escape sequences back into pixels, a box-downscaled reference, SSIM on luma and mean absolute colour error. */
#ifndef BENCH_FIDELITY_H
#define BENCH_FIDELITY_H

#include <stddef.h>
#include <stdint.h>

/* ---- the terminal model ----
 * A pane of cols x rows cells at terminal row y0, column x0 (0-based),
 * each cell two pixels tall: what a terminal shows of U+2580 / U+2584 /
 * U+2588 / space under the current foreground and background (SGR 38/48
 * truecolor or 256-colour, 7 and 27 inverse, 0 / 39 / 49 reset). Cursor
 * moves: CUP (H, f), CUU/CUD/CUF/CUB (A B C D), CHA (G), VPA (d); LF moves
 * to the next row's column 0, CR to column 0. Anything else (another
 * sequence, glyph or control, a cell drawn outside the pane or with the
 * terminal's default colours, which the model cannot know) is an error:
 * the figures are not taken from output the model does not understand. */
struct fid_term;

/* A pane, every pixel black, the cursor at its top-left, colours unset.
 * Free with fid_term_free. Returns NULL when cols or rows < 1. */
struct fid_term *fid_term_new(int cols, int rows, int y0, int x0);
void fid_term_free(struct fid_term *t);

/* Start a frame: the cursor to the pane's top-left, the colours reset,
 * the count of cells drawn to 0. The pixels stay (a diffing renderer draws
 * only what changed). */
void fid_term_begin(struct fid_term *t);

/* Interpret n bytes of output; a sequence may not be split between two
 * calls. Returns 0, or -1 with a message in err (errlen bytes) naming the
 * first thing the model does not understand; the pane then holds what came
 * before it. */
int fid_term_feed(struct fid_term *t, const char *s, size_t n, char *err, size_t errlen);

/* The pane as cols x (2 * rows) RGB pixels (3 bytes each, rows packed),
 * owned by t, valid until the next feed or free. */
const uint8_t *fid_term_pixels(const struct fid_term *t);

/* Cells drawn since fid_term_begin (a cell drawn twice counts twice). */
size_t fid_term_cells(const struct fid_term *t);

/* ---- the reference and the scores ---- */

/* The exact area average (box filter with fractional boundaries:
 * destination pixel i covers source columns [i*sw/dw, (i+1)*sw/dw), each
 * source pixel weighted by the part of it inside) of an sw x sh picture of
 * 4-byte pixels (R, G, B, ignored) `stride` bytes a row into dst, dw x dh
 * RGB as floats (3 per pixel, rows packed, 0..255), which the caller
 * allocates. No rounding: it is the reference, not a renderer. */
void fid_reference(const uint8_t *src, int sw, int sh, size_t stride, float *dst, int dw, int dh);

struct fid_score {
	double ssim;   /* mean SSIM of luma over every 8x8 window (stride 1) */
	double mae[3]; /* mean |shown - reference| of R, G, B, 0..255 */
};

/* Compare a w x h RGB picture px (3 bytes a pixel) with the reference ref
 * (fid_reference's layout, same size). SSIM: luma Y = 0.299 R + 0.587 G +
 * 0.114 B, uniform 8x8 windows (smaller when the picture is), population
 * (co)variances, C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2. No allocation
 * beyond a temporary freed before return. */
struct fid_score fid_compare(const float *ref, const uint8_t *px, int w, int h);

/* Check the model, the reference and the scores on small known inputs.
 * Returns 0, or -1 with what failed in err (errlen bytes). */
int fid_selftest(char *err, size_t errlen);

#endif
