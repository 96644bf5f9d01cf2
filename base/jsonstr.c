/* jsonstr: JSON string literals in ASCII only, the one encoder behind every JSON sandtop writes. */
#include "base/jsonstr.h"

#include <stdbool.h>
#include <string.h>

#include "base/utf8.h"

static const char hexdig[] = "0123456789abcdef";

static void put_u16(struct buf *b, uint32_t u)
{
	char s[6] = { '\\', 'u', hexdig[(u >> 12) & 15], hexdig[(u >> 8) & 15],
		      hexdig[(u >> 4) & 15], hexdig[u & 15] };
	buf_append(b, s, sizeof s);
}

void jsonstr_put(struct buf *b, const char *s, size_t cap)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	size_t n = strlen(s);
	bool cut = n > cap;
	if (cut) {
		n = cap;
		/* do not split a character: back over continuation bytes */
		for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
			n--;
	}
	const unsigned char *p = (const unsigned char *)s;
	buf_append(b, "\"", 1);
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		i += utf8_decode(p + i, n - i, &cp);
		if (cp == '"' || cp == '\\') {
			char esc[2] = { '\\', (char)cp };
			buf_append(b, esc, 2);
		} else if (cp >= 0x20 && cp < 0x7F) {
			char c = (char)cp;
			buf_append(b, &c, 1);
		} else if (cp == UTF8_INVALID) {
			put_u16(b, 0xFFFD);
		} else if (cp < 0x10000) {
			put_u16(b, cp);
		} else {
			cp -= 0x10000;
			put_u16(b, 0xD800 | (cp >> 10));
			put_u16(b, 0xDC00 | (cp & 0x3FF));
		}
	}
	if (cut)
		put_u16(b, 0x2026);
	buf_append(b, "\"", 1);
}
