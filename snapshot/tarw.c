/* tarw: a pax tar writer for the tree archiver (directories, regular files, symlinks), so the main program does not link libarchive. */
#include "snapshot/tarw.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define REC 512                      /* a tar record */
#define USTAR_NAME 100               /* name and linkname fields */
#define OCT7_MAX 07777777ull         /* an 8-byte octal field */
#define OCT11_MAX 077777777777ull    /* a 12-byte octal field */

struct tarw {
	tarw_sink sink;
	void *ud;
	unsigned char blk[TARW_BLOCK];
	size_t used;           /* bytes of blk filled */
	uint64_t left;         /* data the current entry still owes */
	uint64_t pad;          /* zeros after it, to the end of its record */
	bool failed;
	char err[160];
};

struct tarw *tarw_new(tarw_sink sink, void *ud)
{
	struct tarw *t = xcalloc(1, sizeof *t);
	t->sink = sink;
	t->ud = ud;
	return t;
}

void tarw_free(struct tarw *t)
{
	free(t);
}

const char *tarw_error(const struct tarw *t)
{
	return t->err;
}

static int flush_block(struct tarw *t)
{
	if (t->failed)
		return -1;
	if (t->sink(t->ud, t->blk, t->used) < 0) {
		t->failed = true;
		snprintf(t->err, sizeof t->err, "writing the archive: %s", strerror(errno));
		return -1;
	}
	t->used = 0;
	return 0;
}

/* n bytes of p (zeros when p is NULL) into the blocks. */
static int put(struct tarw *t, const void *p, size_t n)
{
	const unsigned char *s = p;
	while (n > 0) {
		if (t->failed)
			return -1;
		size_t k = TARW_BLOCK - t->used < n ? TARW_BLOCK - t->used : n;
		if (s) {
			memcpy(t->blk + t->used, s, k);
			s += k;
		} else {
			memset(t->blk + t->used, 0, k);
		}
		t->used += k;
		n -= k;
		if (t->used == TARW_BLOCK && flush_block(t) < 0)
			return -1;
	}
	return t->failed ? -1 : 0;
}

/* The end of the current entry: what it still owes, as zeros. */
static int finish_entry(struct tarw *t)
{
	uint64_t z = t->left + t->pad;
	t->left = t->pad = 0;
	while (z > 0) {
		size_t k = z < TARW_BLOCK ? (size_t)z : TARW_BLOCK;
		if (put(t, NULL, k) < 0)
			return -1;
		z -= k;
	}
	return 0;
}

static void octal(unsigned char *f, size_t width, uint64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%0*" PRIo64, (int)(width - 1), v);
	memcpy(f, tmp, width - 1);
	f[width - 1] = '\0';
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int k = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (k < 0 || (k == 1 && *p < 0xc2))
			return false;
		p++;
		for (int i = 0; i < k; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* pax extended header records, growing */
struct pax {
	char *p;
	size_t n, cap;
};

/* One "LEN key=value\n" record (LEN counts the whole record) into b. */
static void pax_rec(struct pax *b, const char *key, const char *val)
{
	size_t body = strlen(key) + strlen(val) + 3, len = body;
	for (size_t d = 1;; d++) {
		len = body + d;
		char tmp[24];
		if ((size_t)snprintf(tmp, sizeof tmp, "%zu", len) == d)
			break;
	}
	if (b->n + len + 1 > b->cap) {
		b->cap = (b->n + len + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	b->n += (size_t)snprintf(b->p + b->n, b->cap - b->n, "%zu %s=%s\n", len, key, val);
}

/* A header record: name and link cut to their fields (a pax header before
 * it holds the whole ones). */
static int put_header(struct tarw *t, const char *name, char type, uint64_t mode, uint64_t uid, uint64_t gid,
                      uint64_t size, uint64_t mtime, const char *link)
{
	unsigned char h[REC];
	memset(h, 0, sizeof h);
	memcpy(h, name, strnlen(name, USTAR_NAME));
	octal(h + 100, 8, mode & 07777);
	octal(h + 108, 8, uid <= OCT7_MAX ? uid : 0);
	octal(h + 116, 8, gid <= OCT7_MAX ? gid : 0);
	octal(h + 124, 12, size <= OCT11_MAX ? size : 0);
	octal(h + 136, 12, mtime <= OCT11_MAX ? mtime : 0);
	h[156] = (unsigned char)type;
	if (link)
		memcpy(h + 157, link, strnlen(link, USTAR_NAME));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	octal(h + 329, 8, 0);
	octal(h + 337, 8, 0);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < REC; i++)
		sum += h[i];
	octal(h + 148, 7, sum);
	h[155] = ' ';
	return put(t, h, REC);
}

int tarw_header(struct tarw *t, const char *name, const struct stat *sb, const char *link)
{
	char type = S_ISREG(sb->st_mode) ? '0' : S_ISLNK(sb->st_mode) ? '2' : S_ISDIR(sb->st_mode) ? '5' : 0;
	if (!type)
		return -2;
	if (finish_entry(t) < 0)
		return -1;
	size_t nlen = strlen(name);
	bool slash = type == '5' && (nlen == 0 || name[nlen - 1] != '/');
	char *path = xmalloc(nlen + 2);
	memcpy(path, name, nlen);
	if (slash)
		path[nlen++] = '/';
	path[nlen] = '\0';
	uint64_t size = type == '0' ? (uint64_t)sb->st_size : 0;
	bool neg_time = sb->st_mtim.tv_sec < 0;
	uint64_t mtime = neg_time ? 0 : (uint64_t)sb->st_mtim.tv_sec;

	struct pax pax = {0};
	char num[32];
	bool binary = false;
	if (nlen > USTAR_NAME || !ascii(path)) {
		pax_rec(&pax, "path", path);
		binary |= !utf8_valid(path);
	}
	if (link && (strlen(link) > USTAR_NAME || !ascii(link))) {
		pax_rec(&pax, "linkpath", link);
		binary |= !utf8_valid(link);
	}
	if (size > OCT11_MAX) {
		snprintf(num, sizeof num, "%" PRIu64, size);
		pax_rec(&pax, "size", num);
	}
	if ((uint64_t)sb->st_uid > OCT7_MAX) {
		snprintf(num, sizeof num, "%" PRIu64, (uint64_t)sb->st_uid);
		pax_rec(&pax, "uid", num);
	}
	if ((uint64_t)sb->st_gid > OCT7_MAX) {
		snprintf(num, sizeof num, "%" PRIu64, (uint64_t)sb->st_gid);
		pax_rec(&pax, "gid", num);
	}
	if (neg_time || mtime > OCT11_MAX) {
		snprintf(num, sizeof num, "%lld", (long long)sb->st_mtim.tv_sec);
		pax_rec(&pax, "mtime", num);
	}
	int rc = 0;
	if (pax.n) {
		struct pax all = {0};
		if (binary)
			pax_rec(&all, "hdrcharset", "BINARY");
		all.p = xrealloc(all.p, all.n + pax.n + 1);
		memcpy(all.p + all.n, pax.p, pax.n);
		all.n += pax.n;
		/* the extended header's own name: readers replace it with path */
		const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		char xname[USTAR_NAME + 1];
		snprintf(xname, sizeof xname, "PaxHeader/%.80s", ascii(base) ? base : "entry");
		if (put_header(t, xname, 'x', 0644, 0, 0, all.n, mtime, NULL) < 0 || put(t, all.p, all.n) < 0 ||
		    put(t, NULL, (REC - all.n % REC) % REC) < 0)
			rc = -1;
		free(all.p);
	}
	free(pax.p);
	if (rc == 0 && put_header(t, path, type, sb->st_mode, sb->st_uid, sb->st_gid, size, mtime, link) < 0)
		rc = -1;
	free(path);
	if (rc == 0) {
		t->left = size;
		t->pad = (REC - size % REC) % REC;
	}
	return rc;
}

int tarw_data(struct tarw *t, const void *p, size_t n)
{
	size_t k = (uint64_t)n > t->left ? (size_t)t->left : n;
	if (put(t, p, k) < 0)
		return -1;
	t->left -= k;
	return 0;
}

int tarw_close(struct tarw *t)
{
	if (finish_entry(t) < 0 || put(t, NULL, 2 * REC) < 0)
		return -1;
	if (t->used && put(t, NULL, TARW_BLOCK - t->used) < 0)
		return -1;
	return t->failed ? -1 : 0;
}
