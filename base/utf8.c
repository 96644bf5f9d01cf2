/* utf8: strict UTF-8 decoding and encoding, and the code points no display may show. */
#include "base/utf8.h"

size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char b = p[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b < 0xC2) { /* continuation byte as lead, or overlong C0/C1 lead */
		*cp = UTF8_INVALID;
		return 1;
	}
	size_t need;
	uint32_t c;
	unsigned char lo = 0x80, hi = 0xBF;
	if (b < 0xE0) {
		need = 1;
		c = b & 0x1F;
	} else if (b < 0xF0) {
		need = 2;
		c = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (b < 0xF5) {
		need = 3;
		c = b & 0x07;
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* > U+10FFFF */
	} else {
		*cp = UTF8_INVALID;
		return 1;
	}
	size_t i;
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*cp = UTF8_INVALID;
			return i;
		}
		c = (c << 6) | (p[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return i;
}

size_t utf8_encode(uint32_t cp, char o[4])
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

bool utf8_is_invisible(uint32_t cp)
{
	return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F ||
	       cp == 0x1160 || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
	       cp == 0x3164 || cp == 0xFEFF || cp == 0xFFA0 ||
	       (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
	       (cp & 0xFFFE) == 0xFFFE || (cp >= 0xE0000 && cp <= 0xE007F);
}
