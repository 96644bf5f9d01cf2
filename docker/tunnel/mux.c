/* mux: the engine's 8-byte stream frames, parsed incrementally. */
#include "docker/tunnel/mux.h"

#include <string.h>

void dk_mux_init(struct dk_mux *m, uint32_t max)
{
	memset(m, 0, sizeof *m);
	m->max = max;
}

enum dk_mux_kind dk_mux_next(struct dk_mux *m, const unsigned char *p, size_t n, size_t *span)
{
	*span = 0;
	if (m->stream < 0)
		return DK_MUX_BAD_STREAM;
	if (m->left > 0) {
		*span = n < m->left ? n : m->left;
		return m->stream == 1 ? DK_MUX_STDOUT : DK_MUX_STDERR;
	}
	size_t take = sizeof m->hdr - m->hlen;
	if (take > n)
		take = n;
	memcpy(m->hdr + m->hlen, p, take);
	m->hlen += take;
	*span = take;
	if (m->hlen < sizeof m->hdr)
		return DK_MUX_HEADER;
	m->hlen = 0;
	const unsigned char *h = m->hdr;
	uint32_t size = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	/* the three reserved bytes are zero in every engine: anything else
	 * means we lost the framing (or never had it) */
	if (h[0] < 1 || h[0] > 3 || h[1] || h[2] || h[3]) {
		m->stream = -1;
		*span = 0;
		return DK_MUX_BAD_STREAM;
	}
	if (size > m->max) {
		m->stream = -1;
		*span = 0;
		return DK_MUX_BAD_SIZE;
	}
	m->stream = h[0];
	m->left = size;
	return DK_MUX_HEADER;
}

void dk_mux_took(struct dk_mux *m, size_t k)
{
	m->left -= k <= m->left ? (uint32_t)k : m->left;
}

int dk_mux_mid_frame(const struct dk_mux *m)
{
	return m->hlen > 0 || m->left > 0;
}
