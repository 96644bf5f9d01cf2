/* statfile: bounded reads and defensive parsers for the text formats of /proc and cgroup files. */
#include "host/statfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

long sf_pread_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		ssize_t r = pread(fd, buf + n, cap + 1 - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > cap) {
			errno = EFBIG;
			return -1;
		}
	}
	buf[n] = '\0';
	return (long)n;
}

long sf_slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	long n = sf_pread_all(fd, buf, cap);
	int saved = errno;
	close(fd);
	errno = saved;
	return n;
}

int sf_take_u64(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*p = s;
	*v = x;
	return 0;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int sf_whole_u64(const char *s, bool max_ok, uint64_t *v)
{
	const char *p = s;
	uint64_t x = 0;
	int rc = 0;
	if (max_ok && !strncmp(s, "max", 3)) {
		p = s + 3;
		rc = 1;
	} else if (sf_take_u64(&p, &x) < 0) {
		return -1;
	}
	p = skip_blanks(p);
	if (*p == '\n')
		p++;
	if (*p)
		return -1;
	if (rc == 0)
		*v = x;
	return rc;
}

int sf_kv_u64(const char *text, const char *key, uint64_t *v)
{
	size_t n = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, n) != 0 || l[n] != ' ')
			continue;
		const char *p = l + n + 1;
		uint64_t x;
		if (sf_take_u64(&p, &x) < 0)
			return -1;
		p = skip_blanks(p);
		if (*p && *p != '\n')
			return -1;
		*v = x;
		return 0;
	}
	return -1;
}

static bool add_ok(uint64_t *sum, uint64_t v)
{
	if (*sum + v < *sum)
		return false;
	*sum += v;
	return true;
}

int sf_split(char *s, char **f, int max)
{
	int n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

char *sf_next_line(char **cur)
{
	char *l = *cur;
	if (!l || !*l)
		return NULL;
	char *nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		*cur = nl + 1;
	} else {
		*cur = NULL;
	}
	return l;
}

static bool octal(char c)
{
	return c >= '0' && c <= '7';
}

void sf_unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; ) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && octal(r[2]) && octal(r[3])) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* The whole of s is a number. */
static int full_u64(const char *s, uint64_t *v)
{
	return sf_take_u64(&s, v) < 0 || *s ? -1 : 0;
}

int sf_blkio_v1(char *text, uint64_t *rd, uint64_t *wr)
{
	*rd = *wr = 0;
	for (char *l, *cur = text; (l = sf_next_line(&cur)); ) {
		char *f[4];
		int n = sf_split(l, f, 3);
		uint64_t v;
		if (n == 0 || (n == 2 && !strcmp(f[0], "Total") && full_u64(f[1], &v) == 0))
			continue;
		if (n != 3 || !strchr(f[0], ':') || full_u64(f[2], &v) < 0)
			return -1;
		if (!strcmp(f[1], "Read") && !add_ok(rd, v))
			return -1;
		if (!strcmp(f[1], "Write") && !add_ok(wr, v))
			return -1;
	}
	return 0;
}

int sf_io_v2(char *text, uint64_t *rd, uint64_t *wr)
{
	*rd = *wr = 0;
	for (char *l, *cur = text; (l = sf_next_line(&cur)); ) {
		char *f[33];
		int n = sf_split(l, f, 32);
		if (n == 0)
			continue;
		if (n > 32 || !strchr(f[0], ':'))
			return -1;
		for (int i = 1; i < n; i++) {
			char *eq = strchr(f[i], '=');
			if (!eq)
				return -1;
			*eq = '\0';
			uint64_t *sum = !strcmp(f[i], "rbytes") ? rd : !strcmp(f[i], "wbytes") ? wr : NULL;
			uint64_t v;
			if (sum && (full_u64(eq + 1, &v) < 0 || !add_ok(sum, v)))
				return -1;
		}
	}
	return 0;
}

int sf_netdev(char *text, uint64_t *rx, uint64_t *tx)
{
	*rx = *tx = 0;
	char *cur = text;
	char *h1 = sf_next_line(&cur), *h2 = sf_next_line(&cur);
	if (!h1 || !h2 || strncmp(h1, "Inter-|", 7) != 0 || !strstr(h2, "|bytes"))
		return -1;
	for (char *l; (l = sf_next_line(&cur)); ) {
		char *name[2], *f[21];
		char *colon = strchr(l, ':');
		if (!colon) {
			if (*skip_blanks(l))
				return -1;
			continue; /* blank line */
		}
		*colon = '\0';
		int n = sf_split(colon + 1, f, 20);
		uint64_t r, t;
		/* 8 receive fields come before the transmit bytes */
		if (sf_split(l, name, 1) != 1 || n < 9 || n > 20 || full_u64(f[0], &r) < 0 || full_u64(f[8], &t) < 0)
			return -1;
		if (!strcmp(name[0], "lo"))
			continue;
		if (!add_ok(rx, r) || !add_ok(tx, t))
			return -1;
	}
	return 0;
}
