/* config: read the settings file (capped, regular files only), split its lines (tmux-like quoting) and hand each to the settings table. */
#include "config/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/path.h"
#include "base/sanitize.h"
#include "base/xalloc.h"

/* One line split into fields (quotes removed, NUL-terminated in buf). */
struct fields {
	int argc;
	bool too_many;
	char *argv[CFG_ARGS_MAX];
	char buf[CFG_LINE_MAX * 2 + 2];
};

/* Split a line as keymap files are: blanks separate fields; '...' is
 * literal; "..." allows \" and \\; an unquoted # at the start of a field
 * starts a comment. Returns 0, or -1 on an unterminated quote. */
static int split(const char *p, size_t len, struct fields *f)
{
	size_t i = 0, o = 0;
	f->argc = 0;
	f->too_many = false;
	for (;;) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == len || p[i] == '#')
			return 0;
		char *start = f->buf + o;
		char quote = 0;
		for (; i < len; i++) {
			char ch = p[i];
			if (quote == '\'') {
				if (ch == '\'')
					quote = 0;
				else
					f->buf[o++] = ch;
			} else if (quote == '"') {
				if (ch == '\\' && i + 1 < len && (p[i + 1] == '"' || p[i + 1] == '\\'))
					f->buf[o++] = p[++i];
				else if (ch == '"')
					quote = 0;
				else
					f->buf[o++] = ch;
			} else if (ch == ' ' || ch == '\t') {
				break;
			} else if (ch == '\'' || ch == '"') {
				quote = ch;
			} else {
				f->buf[o++] = ch;
			}
		}
		if (quote)
			return -1;
		f->buf[o++] = '\0';
		if (f->argc < CFG_ARGS_MAX)
			f->argv[f->argc++] = start;
		else
			f->too_many = true;
	}
}

/* One line (without its newline); -1 if it was bad. */
static int parse_line(struct cfg_ctx *x, const char *p, size_t len)
{
	/* static: the screen is not up yet and parsing is not reentrant, but
	 * 2 KiB off the stack keeps deep callers safe */
	static struct fields f;
	if (len > CFG_LINE_MAX) {
		cfg_report(x, "line too long (over %d bytes)", CFG_LINE_MAX);
		return -1;
	}
	if (memchr(p, '\0', len)) {
		cfg_report(x, "line contains a NUL byte");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			cfg_report(x, "line contains a control character (0x%02x)", ch);
			return -1;
		}
	}
	if (split(p, len, &f) < 0) {
		cfg_report(x, "unterminated quote");
		return -1;
	}
	if (f.argc == 0)
		return 0;
	if (f.too_many) {
		cfg_report(x, "%s: too many values (over %d)", cfg_quote(x, 0, f.argv[0]), CFG_ARGS_MAX - 1);
		return -1;
	}
	return cfg_setting_apply(x, f.argc, f.argv);
}

static void ctx_init(struct cfg_ctx *x, struct cfg *c, const char *name, cfg_diag_fn diag, void *ud)
{
	memset(x, 0, sizeof *x);
	x->c = c;
	x->diag = diag;
	x->ud = ud;
	if (!name)
		name = "config";
	sanitize_fit(name, 120, x->name, sizeof x->name);
	const char *slash = strrchr(name, '/');
	if (!slash)
		snprintf(x->dir, sizeof x->dir, ".");
	else if (slash == name)
		snprintf(x->dir, sizeof x->dir, "/");
	else
		snprintf(x->dir, sizeof x->dir, "%.*s", (int)(slash - name), name);
}

/* Tell how many errors were not shown. */
static void report_rest(struct cfg_ctx *x)
{
	if (x->bad > x->sent && x->diag) {
		char full[400];
		snprintf(full, sizeof full, "%s: %d more bad line%s not shown", x->name, x->bad - x->sent,
			x->bad - x->sent == 1 ? "" : "s");
		x->diag(x->ud, full);
	}
}

int cfg_parse(struct cfg *c, const char *name, const char *text, size_t len, cfg_diag_fn diag, void *ud)
{
	struct cfg_ctx x;
	size_t i = 0;

	ctx_init(&x, c, name, diag, ud);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;  /* UTF-8 byte order mark */
	while (i < len) {
		const char *s = text + i;
		const char *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;

		i += n + (nl ? 1 : 0);
		x.line++;
		if (x.line > CFG_LINES_MAX) {
			cfg_report(&x, "too many lines (over %d): the rest is not read", CFG_LINES_MAX);
			x.bad++;
			break;
		}
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (parse_line(&x, s, n) < 0)
			x.bad++;
	}
	x.line = 0;
	report_rest(&x);
	return x.bad;
}

int cfg_load_file(struct cfg *c, const char *path, bool missing_ok, cfg_diag_fn diag, void *ud)
{
	struct cfg_ctx x;
	struct buf b;
	char chunk[16384];
	int rc = 0;

	ctx_init(&x, c, path, diag, ud);
	/* O_NONBLOCK: a FIFO put there must not hang the start; refused below */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (missing_ok && errno == ENOENT)
			return 0;
		cfg_report(&x, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cfg_report(&x, "not a regular file");
		close(fd);
		return -1;
	}
	buf_init(&b, CFG_FILE_MAX);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cfg_report(&x, "cannot read: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (r == 0)
			break;
		if (buf_append(&b, chunk, (size_t)r) < 0) {
			cfg_report(&x, "file too large (over %d bytes)", CFG_FILE_MAX);
			rc = -1;
			break;
		}
	}
	close(fd);
	if (rc == 0)
		rc = cfg_parse(c, path, b.data ? b.data : "", b.len, diag, ud);
	buf_free(&b);
	return rc;
}

char *cfg_default_path(void)
{
	return path_config("config");
}
