/* logs_since: what a user types for --since (a duration, a unix time, an RFC 3339 time) as the engine's since= value. */
#include "docker/logs_stream.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/sanitize.h"
#include "docker/docker.h"

#define NS 1000000000LL

/* A Go duration ("1h30m", "1.5h", "90s", "250ms"), positive: its ns in *out. */
static int parse_duration(const char *s, long long *out)
{
	static const struct { const char *unit; long long ns; } units[] = {
		{"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"ms", 1000000}, {"s", NS}, {"m", 60 * NS}, {"h", 3600 * NS},
	};
	double total = 0;
	if (!*s)
		return -1;
	while (*s) {
		double v = 0, scale = 1;
		bool digits = false;
		for (; *s >= '0' && *s <= '9'; s++, digits = true)
			v = v * 10 + (*s - '0');
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
				v += (*s - '0') * (scale /= 10);
		if (!digits)
			return -1;
		size_t best = 0, k = sizeof units / sizeof units[0];
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			size_t ul = strlen(units[i].unit);
			if (!strncmp(s, units[i].unit, ul) && ul > best) {
				best = ul;
				k = i;
			}
		}
		if (k == sizeof units / sizeof units[0])
			return -1;
		total += v * (double)units[k].ns;
		s += best;
	}
	if (total > 1e18)
		return -1;
	*out = (long long)total;
	return 0;
}

/* "1700000000" or "1700000000.5": seconds and nanoseconds. */
static int parse_unix(const char *s, long long *sec, long long *nsec)
{
	long long v = 0, f = 0;
	int fd = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > 1000000000000LL)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (p == s)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (fd < 9) {
				f = f * 10 + (*p - '0');
				fd++;
			}
		if (fd == 0)
			return -1;
	}
	if (*p)
		return -1;
	while (fd++ < 9)
		f *= 10;
	*sec = v;
	*nsec = f;
	return 0;
}

/* n digits at *p into *v. */
static bool num(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

/* RFC 3339 and the shorter forms the docker CLI takes. */
static int parse_time(const char *s, long long *sec, long long *nsec)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int y, mo, d, h = 0, mi = 0, se = 0;
	long long frac = 0;
	const char *p = s;
	if (!num(&p, 4, &y) || *p++ != '-' || !num(&p, 2, &mo) || *p++ != '-' || !num(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't') {
		p++;
		if (!num(&p, 2, &h) || *p++ != ':' || !num(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (!num(&p, 2, &se))
				return -1;
			if (*p == '.') {
				int fd = 0;
				for (p++; *p >= '0' && *p <= '9'; p++)
					if (fd < 9) {
						frac = frac * 10 + (*p - '0');
						fd++;
					}
				if (fd == 0)
					return -1;
				while (fd++ < 9)
					frac *= 10;
			}
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1970)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	time_t t;
	if (!*p) {
		tm.tm_isdst = -1;   /* no zone: local time */
		t = mktime(&tm);
	} else {
		int off = 0;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			if (!num(&p, 2, &oh) || *p++ != ':' || !num(&p, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		} else {
			return -1;
		}
		if (*p)
			return -1;
		t = timegm(&tm) - off;
	}
	if (t == (time_t)-1 || t < 0)
		return -1;
	*sec = (long long)t;
	*nsec = frac;
	return 0;
}

int dk_logs_since(const char *s, int64_t now_ms, char *out, size_t n, struct err *e)
{
	long long sec, nsec, d;
	if (s && parse_duration(s, &d) == 0) {
		long long t = (long long)now_ms * 1000000LL - d;
		if (t < 0)
			t = 0;
		sec = t / NS;
		nsec = t % NS;
	} else if (!s || (parse_unix(s, &sec, &nsec) < 0 && parse_time(s, &sec, &nsec) < 0)) {
		char safe[80];
		sanitize_fit(s ? s : "", 40, safe, sizeof safe);
		return err_set(e, ERR_USAGE, "--since takes a duration (10m, 1h30m), a unix time or an RFC 3339 time "
			"(2026-01-02T15:04:05Z), not '%s'", safe);
	}
	snprintf(out, n, "%lld.%09lld", sec, nsec);
	return 0;
}
