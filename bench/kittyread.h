/* kittyread: kitty graphics commands read back into the picture a terminal then shows, for bench/render-cost's fidelity. */
#ifndef BENCH_KITTYREAD_H
#define BENCH_KITTYREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Draw into shown (a w x h RGB picture) every image the kitty graphics
 * commands in s[0..n) carry: a new image (a=T, a=t) at its top-left
 * corner, a frame edit (a=f) at its x, y; 24- or 32-bit pixels, zlib
 * compressed (o=z) or not, in chunks. Other bytes and commands are
 * skipped. 0, or -1 (said on stderr) when an image does not decode or fit. */
int kitty_read(const char *s, size_t n, uint8_t *shown, int w, int h);

#endif
