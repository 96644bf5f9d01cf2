/* render: pure picture functions: fitting a desktop into cells, box-filter downscale, colour quantizing, a diffing half-block emitter, sixel and kitty images, PNG. */
#ifndef VNC_RENDER_H
#define VNC_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

/* ---- geometry ---- */

/* The largest grid of cells (each cell one pixel wide, two tall: a half
 * block) within max_cols x max_rows that shows a fb_w x fb_h desktop with
 * its aspect ratio kept (to within a cell). Never 0 unless an input is
 * <= 0 (then both are 0). */
void vr_fit(int fb_w, int fb_h, int max_cols, int max_rows, int *cols, int *rows);

/* The frame a worker makes of a fb_w x fb_h desktop for a grid of
 * grid_cols x grid_rows: vr_fit, but never more pixels than the desktop
 * has (a small desktop is not scaled up). */
void vr_frame_size(int fb_w, int fb_h, int grid_cols, int grid_rows, int *cols, int *rows);

/* ---- downscale ---- */

/* Box-filter (exact area average: destination pixel i covers source
 * columns [i*sw/dw, (i+1)*sw/dw) as real numbers, the pixels cut by its
 * edges weighed by the part inside, likewise rows) a source desktop
 * into dst, a dw x dh RGB image (3 bytes per pixel, rows packed). src is
 * sw x sh pixels of 4 bytes (R, G, B, pad: libvncclient's 32-bit format on
 * little endian), rows `stride` bytes apart. Only destination pixels whose
 * source box meets the dirty rectangle (rx, ry, rw, rh; clipped to the
 * source) are recomputed; pass the whole source to redo everything.
 * A smaller source is scaled up (each destination pixel the mean of the
 * one or two source pixels under it). A source more than 65535 pixels
 * high (beyond RFB's 16-bit sizes) is not drawn. Allocates a scratch row
 * of 16 bytes a source column for the call. */
void vr_downscale(const uint8_t *src, int sw, int sh, size_t stride,
                  uint8_t *dst, int dw, int dh, int rx, int ry, int rw, int rh);

/* ---- colour ---- */

/* The xterm 256-colour index nearest to an RGB colour, from the 6x6x6
 * cube and the 24 greys (16..255; the 16 user-defined colours are never
 * used). Table-driven, no allocation. */
uint8_t vr_rgb_to_256(uint8_t r, uint8_t g, uint8_t b);

/* ---- the terminal emitter ---- */

enum vr_mode { VR_TRUECOLOR, VR_256 };

/* What is on the terminal in one pane, so a frame emits only the cells
 * that changed. Opaque; vr_screen_new / vr_screen_free. */
struct vr_screen;
struct vr_screen *vr_screen_new(void);
void vr_screen_free(struct vr_screen *s);
/* Forget what is on the terminal (after a clear, a resize, a pane move or
 * anything drawn over the pane): the next vr_emit redraws every cell. */
void vr_screen_invalidate(struct vr_screen *s);

/* Append to out the escape sequences that bring the pane whose top-left
 * cell is at terminal row y0, column x0 (0-based) up to date with px: an
 * RGB image of cols x (2 * rows) pixels, cell (r, c) showing pixel rows 2r
 * (upper half) and 2r + 1 (lower half) as U+2580 with foreground = upper,
 * background = lower (a space when both are the same colour; in 256-colour
 * mode the same index). Cells whose colours are unchanged (exactly; in
 * 256-colour mode, whose indices are) are skipped (cursor moves
 * instead); colour sequences are not repeated while they stay the same.
 * A change of cols, rows, y0, x0 or mode redraws everything. Ends with
 * SGR 0 when anything was written. Returns the number of cells written. */
size_t vr_emit(struct vr_screen *s, const uint8_t *px, int cols, int rows, int y0, int x0,
               enum vr_mode mode, struct buf *out);

/* ---- sixel (vnc/sixel.c) ---- */

#define VR_SIXEL_MAX 4096   /* pixels across or down a sixel image */
/* The colour registers a desktop picture gets (fewer when the terminal has
 * fewer): the encoder's time grows with them; with 64 the captured desktop
 * frames of bench/render-cost are closer to the desktop than chafa's sixel
 * images at about chafa's CPU (SSIM 0.9998 against 0.9990), with 256 they
 * cost half as much again. */
#define VR_SIXEL_COLOURS 64

/* Append to out a DEC sixel image (DCS ... ST, with its size in the raster
 * attributes) of a w x h RGB picture whose rows are stride bytes apart (a
 * part of a larger picture), at most `colours` (2..256) colour registers
 * chosen for this picture, no dithering: its own colours when they fit,
 * else, for a picture of at most a few thousand colours (a desktop), the
 * most frequent ones with every other colour shown as the nearest of them,
 * else (a photograph) libsixel's median cut. The terminal draws it with its top-left corner at the
 * cursor. Returns 0, or -1 with e set and out as it was (out->overflow
 * stays set when the cap was the reason). */
int vr_sixel(const uint8_t *rgb, size_t stride, int w, int h, int colours, struct buf *out, struct err *e);

#define VR_SIXEL_LIB "libsixel.so.1"
/* Open libsixel (once; vr_sixel does it the first time): 0, or -1 with e
 * saying why it cannot be used. */
int vr_sixel_load(struct err *e);

/* Where two w x h RGB pictures differ, as a rectangle of whole cells of
 * cw x ch pixels counted from the top-left (cut at the pictures' right and
 * bottom edges): the part of an image on the terminal to draw again.
 * false when they are the same. */
bool vr_changed_cells(const uint8_t *a, const uint8_t *b, int w, int h, int cw, int ch, int *x, int *y, int *rw,
                      int *rh);

/* ---- kitty graphics (vnc/kitty.c) ---- */

#define VR_KITTY_MAX 4096   /* pixels across or down a kitty image */

/* Append to out the kitty graphics commands that delete image `id` (if the
 * terminal has one) and show a w x h RGB picture, rows stride bytes apart
 * (a part of a larger picture), as image `id` with its top-left corner at
 * the cursor, the cursor left there. Every pixel as it is (no palette):
 * zlib-compressed, base64, in the protocol's chunks, each asking the
 * terminal not to answer. Returns 0, or -1 with e set and out as it was. */
int vr_kitty_place(const uint8_t *rgb, size_t stride, int w, int h, unsigned id, struct buf *out, struct err *e);

/* The same for a w x h part of image `id` already shown, at pixel (x, y)
 * of it: the terminal replaces those pixels of the image in place (the
 * protocol's frame editing) and draws it again. */
int vr_kitty_edit(const uint8_t *rgb, size_t stride, int x, int y, int w, int h, unsigned id, struct buf *out,
                  struct err *e);

/* Append the command that deletes image `id` and where it is shown:
 * 0, or -1 past out's cap. */
int vr_kitty_delete(unsigned id, struct buf *out);

/* ---- PNG ---- */

/* Write a w x h RGB image (3 bytes per pixel, rows packed) as a PNG to fp.
 * Returns 0, or -1 with e set (the file may hold a partial image). */
int vr_png_write(FILE *fp, const uint8_t *rgb, int w, int h, struct err *e);

#endif
