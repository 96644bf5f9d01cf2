/* profile: parse `sandtop launch` profile files over the reference defaults and turn a profile into a hardened create spec. */
#include "control/profile.h"
#include "control/ttl.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "isolation/isolation.h"

#define LP_FILE_MAX (1u << 20)
#define LP_LINE_MAX 4096
#define LP_ERRORS_MAX 20
#define LP_SIZE_MAX (1LL << 50)       /* 1 PiB: far above any host, far below overflow */
#define LP_PIDS_MAX 4096              /* isolation check RES-03 warns above this */
#define LP_TTL_MAX (366LL * 86400)

enum lp_key { K_IMAGE, K_MEMORY, K_CPUS, K_PIDS, K_SHM, K_TMP, K_HOME, K_NETWORK, K_TTL, K_OWNER, K_TASK,
	K_LABEL, K_ENV, K_COUNT };
static const char *const key_names[K_COUNT] = {
	"image", "memory", "cpus", "pids", "shm", "tmp_size", "home_size", "network", "ttl", "owner", "task",
	"label", "env",
};

struct pctx {
	struct lp_profile *p;
	const char *fname;
	size_t line;
	size_t first[K_COUNT];  /* line of each scalar key's first use, 0 none */
	lp_diag_fn diag;
	void *ud;
	int errors;
};

/* Report one error at the current line (line 0: the whole file); returns -1. */
__attribute__((format(printf, 2, 3))) static int report(struct pctx *x, const char *fmt, ...)
{
	x->errors++;
	if (!x->diag || x->errors > LP_ERRORS_MAX + 1)
		return -1;
	if (x->errors == LP_ERRORS_MAX + 1) {
		char *raw = xasprintf("%s: too many errors; the rest are not shown", x->fname);
		char *msg = sanitize_dup(raw, strlen(raw));
		x->diag(x->ud, msg);
		free(msg);
		free(raw);
		return -1;
	}
	va_list ap;
	va_start(ap, fmt);
	char *what = NULL;
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	char *raw = x->line ? xasprintf("%s:%zu: %s", x->fname, x->line, what)
	                    : xasprintf("%s: %s", x->fname, what);
	char *msg = sanitize_dup(raw, strlen(raw));
	x->diag(x->ud, msg);
	free(msg);
	free(raw);
	free(what);
	return -1;
}

void lp_profile_defaults(struct lp_profile *p)
{
	memset(p, 0, sizeof *p);
	p->image = xstrdup("sandtop/sandbox:latest");
	p->memory = 1LL << 30;
	p->nano_cpus = 1000000000LL;
	p->pids = 512;
	p->shm = 64LL << 20;
	p->tmp_size = 256LL << 20;
	p->home_size = 256LL << 20;
	p->ttl = 3600;
	p->task = xstrdup("");
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lp_profile_clear(struct lp_profile *p)
{
	free(p->image);
	free(p->network);
	free(p->owner);
	free(p->task);
	strv_free(p->labels, p->nlabels);
	strv_free(p->env, p->nenv);
	memset(p, 0, sizeof *p);
}

/* ---- value checks ---- */

static bool all_of(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

bool lp_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n >= 2 && n <= 128 && strchr(ALNUM, name[0]) && all_of(name, ALNUM "_.-");
}

/* NULL when v is printable UTF-8 of at most max bytes, else why not. */
static const char *text_bad(const char *v, size_t max)
{
	size_t n = strlen(v);
	if (n > max)
		return "is too long";
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode((const unsigned char *)v + i, n - i, &cp);
		if (cp == UTF8_INVALID)
			return "is not valid UTF-8";
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return "holds a control character";
		if (utf8_is_invisible(cp))
			return "holds an invisible or bidi character";
	}
	return NULL;
}

/* "1g", "512m", "1.5GiB", "4096" (bytes); binary units as docker's. */
static int parse_size(const char *v, int64_t *out)
{
	size_t nn = strspn(v, "0123456789.");
	if (nn == 0 || nn > 24)
		return -1;
	char *end;
	errno = 0;
	long double d = strtold(v, &end);
	if (errno || end != v + nn || d < 0)
		return -1;
	static const struct { const char *suf[3]; int shift; } units[] = {
		{{"", "b", NULL}, 0}, {{"k", "kb", "kib"}, 10}, {{"m", "mb", "mib"}, 20},
		{{"g", "gb", "gib"}, 30}, {{"t", "tb", "tib"}, 40},
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		for (size_t k = 0; k < 3 && units[i].suf[k]; k++) {
			if (strcasecmp(end, units[i].suf[k]) != 0)
				continue;
			long double b = d * (long double)(1LL << units[i].shift);
			if (b > (long double)LP_SIZE_MAX)
				return -1;
			*out = (int64_t)b;
			return 0;
		}
	}
	return -1;
}

/* "1", "1.5", "0.25": CPUs into nanoCPUs, exactly (up to 9 decimals). */
static int parse_cpus(const char *v, int64_t *nano)
{
	size_t ni = strspn(v, "0123456789");
	const char *f = v + ni;
	size_t nf = 0;
	if (*f == '.') {
		f++;
		nf = strspn(f, "0123456789");
		if (nf == 0 || nf > 9 || f[nf])
			return -1;
	} else if (*f) {
		return -1;
	}
	if (ni == 0 || ni > 4)
		return -1;
	int64_t n = strtoll(v, NULL, 10) * 1000000000LL;
	int64_t scale = 100000000LL;
	for (size_t i = 0; i < nf; i++, scale /= 10)
		n += (f[i] - '0') * scale;
	*nano = n;
	return 0;
}

static int parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
	size_t n = strlen(v);
	if (n == 0 || n > 18 || !all_of(v, "0123456789"))
		return -1;
	int64_t x = strtoll(v, NULL, 10);
	if (x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

/* ---- one line ---- */

static int set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
	return 0;
}

/* label = K=V and env = K=V */
static int take_pair(struct pctx *x, enum lp_key k, const char *v)
{
	struct lp_profile *p = x->p;
	const char *what = k == K_ENV ? "env" : "label";
	const char *eq = strchr(v, '=');
	if (!eq || eq == v)
		return report(x, "%s wants KEY=VALUE", what);
	char *key = xstrndup(v, (size_t)(eq - v));
	const char *bad = text_bad(eq + 1, k == K_ENV ? 4096 : 1024);
	char ***list = k == K_ENV ? &p->env : &p->labels;
	size_t *n = k == K_ENV ? &p->nenv : &p->nlabels;
	if (k == K_ENV && (strlen(key) > 128 || strchr("0123456789", key[0]) || !all_of(key, ALNUM "_")))
		report(x, "env key '%s' is not a variable name (letters, digits, _)", key);
	else if (k == K_LABEL && (strlen(key) > 128 || !all_of(key, ALNUM "._-/")))
		report(x, "label key '%s' is not letters, digits and . _ - /", key);
	else if (k == K_LABEL && !strncasecmp(key, "sandtop.", 8))
		report(x, "label '%s': the sandtop.* labels are sandtop's own (owner, task and ttl have keys of "
		       "their own)", key);
	else if (iso_secret_key(key))  /* the isolation check CRED-01's pattern: what it would flag is refused here */
		report(x, "%s '%s' looks like a secret: secrets never go into a sandbox (keep them outside, "
		       "with the agent loop)", what, key);
	else if (bad)
		report(x, "%s '%s': the value %s", what, key, bad);
	else if (*n >= LP_LIST_MAX)
		report(x, "more than %d %s entries", LP_LIST_MAX, what);
	else {
		size_t kl = strlen(key);
		for (size_t i = 0; i < *n; i++) {
			if (!strncmp((*list)[i], key, kl) && (*list)[i][kl] == '=') {
				report(x, "%s '%s' given twice", what, key);
				free(key);
				return -1;
			}
		}
		*list = xrealloc(*list, (*n + 1) * sizeof **list);
		(*list)[(*n)++] = xstrdup(v);
	}
	free(key);
	return 0;
}

static int take_size(struct pctx *x, const char *key, const char *v, int64_t min, int64_t *slot)
{
	int64_t b;
	if (parse_size(v, &b) < 0)
		return report(x, "%s: '%s' is not a size (such as 512m, 1g, 1.5g)", key, v);
	if (b < min)
		return report(x, "%s: '%s' is below the minimum of %lldm", key, v, (long long)(min >> 20));
	*slot = b;
	return 0;
}

static int take_value(struct pctx *x, enum lp_key k, const char *v)
{
	struct lp_profile *p = x->p;
	const char *bad;
	switch (k) {
	case K_IMAGE:
		if (!*v || strlen(v) > 255 || !all_of(v, ALNUM "._-/:@") || v[0] == '-')
			return report(x, "image: '%s' is not an image reference", v);
		return set_str(&p->image, v);
	case K_MEMORY: return take_size(x, "memory", v, 6LL << 20, &p->memory);
	case K_SHM: return take_size(x, "shm", v, 1LL << 20, &p->shm);
	case K_TMP: return take_size(x, "tmp_size", v, 1LL << 20, &p->tmp_size);
	case K_HOME: return take_size(x, "home_size", v, 1LL << 20, &p->home_size);
	case K_CPUS: {
		int64_t nano;
		if (parse_cpus(v, &nano) < 0 || nano < 10000000LL)
			return report(x, "cpus: '%s' is not a number of CPUs of at least 0.01 (such as 1, 1.5)", v);
		p->nano_cpus = nano;
		return 0;
	}
	case K_PIDS:
		if (parse_int(v, 1, LP_PIDS_MAX, &p->pids) < 0)
			return report(x, "pids: '%s' is not a number between 1 and %d (no unlimited PID budget)", v,
			              LP_PIDS_MAX);
		return 0;
	case K_TTL:
		if (parse_int(v, 1, LP_TTL_MAX, &p->ttl) < 0)
			return report(x, "ttl: '%s' is not a number of seconds between 1 and %lld", v, LP_TTL_MAX);
		return 0;
	case K_NETWORK:
		if (!strcmp(v, "none")) {
			free(p->network);
			p->network = NULL;
			return 0;
		}
		if (!strcmp(v, "host") || !strcmp(v, "bridge") || !strcmp(v, "default"))
			return report(x, "network: '%s' is the engine's own network, not an internal one (name an internal "
			              "network, or none)", v);
		if (!*v || strlen(v) > 64 || !strchr(ALNUM, v[0]) || !all_of(v, ALNUM "_.-"))
			return report(x, "network: '%s' is not a network name (letters, digits, _ . -)", v);
		return set_str(&p->network, v);
	case K_OWNER:
	case K_TASK:
		bad = text_bad(v, k == K_OWNER ? 128 : 512);
		if (bad || (k == K_OWNER && !*v))
			return report(x, "%s: the value %s", key_names[k], bad ? bad : "is empty");
		return set_str(k == K_OWNER ? &p->owner : &p->task, v);
	case K_LABEL:
	case K_ENV:
		return take_pair(x, k, v);
	case K_COUNT:
		break;
	}
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int take_line(struct pctx *x, char *line)
{
	char *s = trim(line);
	if (!*s || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return report(x, "expected 'key = value'");
	*eq = '\0';
	char *key = trim(s), *val = trim(eq + 1);
	int k = 0;
	while (k < K_COUNT && strcmp(key, key_names[k]) != 0)
		k++;
	if (k == K_COUNT)
		return report(x, "unknown key '%s' (image, memory, cpus, pids, shm, tmp_size, home_size, network, ttl, "
		              "owner, task, label, env)", key);
	if (k != K_LABEL && k != K_ENV) {
		if (x->first[k])
			return report(x, "%s given twice (first on line %zu)", key, x->first[k]);
		x->first[k] = x->line;
	}
	return take_value(x, (enum lp_key)k, val);
}

int lp_parse(struct lp_profile *p, const char *fname, const char *text, size_t len, lp_diag_fn diag, void *ud)
{
	struct pctx x = {.p = p, .fname = fname ? fname : "profile", .diag = diag, .ud = ud};
	size_t off = 0;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		x.line++;
		if (memchr(text + off, '\0', n))
			report(&x, "a NUL byte");
		else if (n > LP_LINE_MAX)
			report(&x, "line longer than %d bytes", LP_LINE_MAX);
		else {
			char *line = xstrndup(text + off, n);
			take_line(&x, line);
			free(line);
		}
		off += n + (nl ? 1 : 0);
	}
	if (p->shm > p->memory || p->tmp_size > p->memory || p->home_size > p->memory) {
		x.line = 0;
		report(&x, "shm, tmp_size and home_size must each fit in memory (%lld bytes)", (long long)p->memory);
	}
	return x.errors;
}

int lp_load(struct lp_profile *p, const char *path, lp_diag_fn diag, void *ud)
{
	struct pctx x = {.fname = path, .diag = diag, .ud = ud};
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		report(&x, "cannot read: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return x.errors;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		report(&x, "cannot read: not a regular file");
		return x.errors;
	}
	struct buf b;
	buf_init(&b, LP_FILE_MAX);
	char tmp[8192];
	ssize_t k;
	while ((k = read(fd, tmp, sizeof tmp)) > 0 && buf_append(&b, tmp, (size_t)k) == 0)
		;
	int rerr = errno;
	close(fd);
	if (k < 0 || b.overflow) {
		report(&x, "cannot read: %s", b.overflow ? "larger than 1 MiB" : strerror(rerr));
		buf_free(&b);
		return x.errors;
	}
	int n = lp_parse(p, path, b.data ? b.data : "", b.len, diag, ud);
	buf_free(&b);
	return n;
}

char *lp_default_owner(void)
{
	const char *sudo = getenv("SUDO_USER");
	if (getuid() == 0 && sudo && *sudo)
		return xstrdup(sudo);
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	const char *user = getenv("USER");
	if (user && *user)
		return xstrdup(user);
	return xasprintf("%u", (unsigned)getuid());
}

/* ---- profile -> spec ---- */

/* "256m", "1g", "1536k" or bytes: the largest binary unit that divides b. */
static char *fmt_size(int64_t b)
{
	static const char units[] = "tgmk";
	for (int i = 0; i < 4; i++) {
		int64_t u = 1LL << (10 * (4 - i));
		if (b % u == 0)
			return xasprintf("%lld%c", (long long)(b / u), units[i]);
	}
	return xasprintf("%lld", (long long)b);
}

static char *tmpfs_opts(int64_t size, const char *extra)
{
	char *sz = fmt_size(size);
	char *o = xasprintf("rw,nosuid,nodev,noexec,size=%s%s", sz, extra);
	free(sz);
	return o;
}

static void add_label(struct lp_launch *l, const char *key, const char *value)
{
	l->labels = xrealloc(l->labels, (l->nlabels + 1) * sizeof *l->labels);
	l->labels[l->nlabels].key = xstrdup(key);
	l->labels[l->nlabels].value = xstrdup(value);
	l->nlabels++;
}

int lp_launch_build(struct lp_launch *l, const struct lp_profile *p, const char *name, struct err *e)
{
	memset(l, 0, sizeof *l);
	if (!name || !lp_name_ok(name))
		return err_set(e, ERR_USAGE, "'%s' is not a container name (2-128 of A-Z a-z 0-9 _ . -, starting with "
		               "a letter or digit)", name ? name : "");
	l->tmpfs_opts[0] = tmpfs_opts(p->tmp_size, "");
	l->tmpfs_opts[1] = tmpfs_opts(p->home_size, ",uid=10001,gid=10001,mode=0700");
	l->tmpfs_opts[2] = tmpfs_opts(LP_RUN_SIZE, "");
	static const char *const paths[3] = {"/tmp", LP_HOME, "/run"};
	for (int i = 0; i < 3; i++) {
		l->tmpfs[i].path = paths[i];
		l->tmpfs[i].options = l->tmpfs_opts[i];
	}
	char *owner = p->owner ? xstrdup(p->owner) : lp_default_owner();
	char *ttl = xasprintf("%lld", (long long)p->ttl);
	add_label(l, "sandtop.sandbox", "1");
	add_label(l, "sandtop.vnc", "exec:5900");
	/* the image's own labels are merged in by the engine: an untrusted
	 * image must not pick which of the operator's VNC password files
	 * sandtop answers this desktop with (empty: none) */
	add_label(l, "sandtop.vnc.password", "");
	add_label(l, TTL_LABEL, ttl);
	add_label(l, "sandtop.owner", owner);
	add_label(l, "sandtop.task", p->task ? p->task : "");
	free(owner);
	free(ttl);
	for (size_t i = 0; i < p->nlabels; i++) {
		const char *eq = strchr(p->labels[i], '=');
		char *key = xstrndup(p->labels[i], (size_t)(eq - p->labels[i]));
		add_label(l, key, eq + 1);
		free(key);
	}
	struct dk_create_spec *s = &l->spec;
	s->name = name;
	s->hostname = strlen(name) <= 63 ? name : NULL;
	s->image = p->image;
	s->user = LP_USER;
	s->env = (const char *const *)p->env;
	s->nenv = p->nenv;
	s->labels = l->labels;
	s->nlabels = l->nlabels;
	s->tmpfs = l->tmpfs;
	s->ntmpfs = 3;
	s->shm_size = p->shm;
	s->memory = p->memory;
	s->nano_cpus = p->nano_cpus;
	s->pids_limit = p->pids;
	s->seccomp_json = sandtop_seccomp_profile;
	s->seccomp_len = sandtop_seccomp_profile_len;
	s->network = p->network;
	return 0;
}

void lp_launch_clear(struct lp_launch *l)
{
	for (int i = 0; i < 3; i++)
		free(l->tmpfs_opts[i]);
	for (size_t i = 0; i < l->nlabels; i++) {
		free(l->labels[i].key);
		free(l->labels[i].value);
	}
	free(l->labels);
	memset(l, 0, sizeof *l);
}
