/* palette: the nearest xterm 256-colour index (6x6x6 cube or grey ramp) to an RGB colour. */
#include "vnc/render.h"

/* Distance: plain squared RGB differences. A 2:4:3 (R:G:B) weighting, tried
 * as a stand-in for perceived difference, drew the desktop less faithfully
 * (bench/render-cost: the area-averaged frames quantized with it gave SSIM
 * 0.9925 against 0.9974 with the plain distance), so the weights stay 1. Both candidates
 * are exact under it: the cube is separable, so its nearest entry is the
 * nearest level per channel; the nearest grey is the one nearest the
 * (weighted) mean. */
enum { WR = 1, WG = 1, WB = 1, WSUM = WR + WG + WB };

/* The cube's channel levels and, for each 8-bit value, the nearest one. */
static const uint8_t cube_level[6] = { 0, 95, 135, 175, 215, 255 };

static inline int cube_index(int v)
{
	/* midpoints 47.5, 115, 155, 195, 235; the levels past 95 are 40 apart */
	if (v < 48)
		return 0;
	if (v < 115)
		return 1;
	return (v - 35) / 40;
}

static inline int dist(int r, int g, int b, int cr, int cg, int cb)
{
	return WR * (r - cr) * (r - cr) + WG * (g - cg) * (g - cg) + WB * (b - cb) * (b - cb);
}

uint8_t vr_rgb_to_256(uint8_t r, uint8_t g, uint8_t b)
{
	int ir = cube_index(r), ig = cube_index(g), ib = cube_index(b);
	int dc = dist(r, g, b, cube_level[ir], cube_level[ig], cube_level[ib]);
	/* greys 232..255 are 8 + 10k; k nearest the weighted mean m:
	 * round((m - 8) / 10) = floor((m - 3) / 10), m = ws / WSUM */
	int ws = WR * r + WG * g + WB * b;
	int k = ws < 3 * WSUM ? 0 : (ws - 3 * WSUM) / (10 * WSUM);
	if (k > 23)
		k = 23;
	int gv = 8 + 10 * k;
	if (dist(r, g, b, gv, gv, gv) < dc)
		return (uint8_t)(232 + k);
	return (uint8_t)(16 + 36 * ir + 6 * ig + ib);
}
