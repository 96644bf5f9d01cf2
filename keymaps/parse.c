/* parse: the keymap file parser (bind/unbind lines) and the capped file reader. */
#include "keymaps/keymap.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sanitize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KM_MAX_ARGS 8     /* fields kept per line; bind needs at most 6 */
#define KM_QUOTE_MAX 40   /* bytes of a bad token shown in a message */

/* One parse run: where we are and where messages go. */
struct km_ctx {
	struct keymap *km;
	char name[200];           /* sanitized file name */
	unsigned long line;
	km_diag_fn diag;
	void *ud;
	char quoted[KM_QUOTE_MAX * 3 + 8];
};

/* One line split into fields (quotes removed, NUL-terminated in buf). */
struct km_fields {
	int argc;
	const char *argv[KM_MAX_ARGS];
	char buf[KM_LINE_MAX * 2 + 2];
};

static void km_report(struct km_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Send "file:line: message" (or "file: message" when line is 0) to diag. */
static void km_report(struct km_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(c->diag, c->ud, c->name, c->line, fmt, ap);
	va_end(ap);
}

/* tok made safe to print: sanitized and cut to KM_QUOTE_MAX input bytes. */
static const char *km_quote(struct km_ctx *c, const char *tok)
{
	return diag_quote(tok, KM_QUOTE_MAX, c->quoted, sizeof c->quoted);
}

static void km_ctx_init(struct km_ctx *c, struct keymap *km, const char *name, km_diag_fn diag, void *ud)
{
	memset(c, 0, sizeof *c);
	c->km = km;
	c->diag = diag;
	c->ud = ud;
	if (!name)
		name = "keys";
	sanitize_text(name, strlen(name), c->name, sizeof c->name);
}

/* Split a line into fields, shell-like: blanks separate fields; '...' is
 * literal; "..." allows \" and \\; an unquoted # at the start of a field
 * starts a comment. Returns 0, or -1 on an unterminated quote. */
static int km_split(const char *p, size_t len, struct km_fields *f)
{
	size_t i = 0;
	size_t o = 0;

	f->argc = 0;
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
		if (f->argc < KM_MAX_ARGS)
			f->argv[f->argc++] = start;
	}
}

/* bind [-n "note"] <table> <key> <action> */
static int km_cmd_bind(struct km_ctx *c, const struct km_fields *f)
{
	const char *note = NULL;
	char clean[KM_NOTE_MAX + 1]; /* sanitized, cut to KM_NOTE_MAX: what the dump prints parses back */
	int i = 1;

	while (i < f->argc && f->argv[i][0] == '-') {
		if (strcmp(f->argv[i], "-n") != 0 && strcmp(f->argv[i], "-N") != 0) {
			km_report(c, "bind: unknown flag '%s'", km_quote(c, f->argv[i]));
			return -1;
		}
		if (i + 1 >= f->argc) {
			km_report(c, "bind: -n needs a note");
			return -1;
		}
		note = f->argv[i + 1];
		i += 2;
	}
	static const char *const what[] = { "table", "key", "action" };
	for (int k = 0; k < 3; k++) {
		if (i + k >= f->argc) {
			km_report(c, "bind: missing %s", what[k]);
			return -1;
		}
	}
	if (i + 3 < f->argc) {
		km_report(c, "bind: unexpected '%s' after the action", km_quote(c, f->argv[i + 3]));
		return -1;
	}
	int t = km_table_from_name(f->argv[i]);
	if (t < 0) {
		km_report(c, "unknown table '%s'", km_quote(c, f->argv[i]));
		return -1;
	}
	int key = km_key_parse(f->argv[i + 1]);
	if (key < 0) {
		km_report(c, "bad key name '%s'", km_quote(c, f->argv[i + 1]));
		return -1;
	}
	int a = km_action_from_name(f->argv[i + 2]);
	if (a < 0) {
		km_report(c, "unknown action '%s'", km_quote(c, f->argv[i + 2]));
		return -1;
	}
	if (note) {
		size_t nlen = strlen(note);
		if (nlen > KM_NOTE_MAX) {
			km_report(c, "note too long (over %d bytes)", KM_NOTE_MAX);
			return -1;
		}
		sanitize_text(note, nlen, clean, sizeof clean);
		note = clean;
	}
	if (keymap_bind(c->km, (enum km_table)t, key, (enum km_action)a, note) < 0) {
		km_report(c, "too many bindings (limit %d)", KM_BINDINGS_MAX);
		return -1;
	}
	return 0;
}

/* unbind <table> <key>; unbinding an unbound key is not an error */
static int km_cmd_unbind(struct km_ctx *c, const struct km_fields *f)
{
	if (f->argc < 2) {
		km_report(c, "unbind: missing table");
		return -1;
	}
	if (f->argc < 3) {
		km_report(c, "unbind: missing key");
		return -1;
	}
	if (f->argc > 3) {
		km_report(c, "unbind: unexpected '%s' after the key", km_quote(c, f->argv[3]));
		return -1;
	}
	int t = km_table_from_name(f->argv[1]);
	if (t < 0) {
		km_report(c, "unknown table '%s'", km_quote(c, f->argv[1]));
		return -1;
	}
	int key = km_key_parse(f->argv[2]);
	if (key < 0) {
		km_report(c, "bad key name '%s'", km_quote(c, f->argv[2]));
		return -1;
	}
	keymap_unbind(c->km, (enum km_table)t, key);
	return 0;
}

/* Apply one line (without its newline); returns -1 if it was bad. */
static int km_parse_line(struct km_ctx *c, const char *p, size_t len)
{
	struct km_fields f;

	if (len > KM_LINE_MAX) {
		km_report(c, "line too long (over %d bytes)", KM_LINE_MAX);
		return -1;
	}
	if (memchr(p, '\0', len)) {
		km_report(c, "line contains a NUL byte");
		return -1;
	}
	if (km_split(p, len, &f) < 0) {
		km_report(c, "unterminated quote");
		return -1;
	}
	if (f.argc == 0)
		return 0;
	if (strcmp(f.argv[0], "bind") == 0)
		return km_cmd_bind(c, &f);
	if (strcmp(f.argv[0], "unbind") == 0)
		return km_cmd_unbind(c, &f);
	km_report(c, "unknown command '%s'", km_quote(c, f.argv[0]));
	return -1;
}

int keymap_parse(struct keymap *km, const char *name, const char *text, size_t len, km_diag_fn diag, void *ud)
{
	struct km_ctx c;
	size_t i = 0;
	int bad = 0;

	km_ctx_init(&c, km, name, diag, ud);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;  /* UTF-8 byte order mark */
	while (i < len) {
		const char *s = text + i;
		const char *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;

		i += n + (nl ? 1 : 0);
		c.line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (km_parse_line(&c, s, n) < 0)
			bad++;
	}
	return bad;
}

int keymap_load_file(struct keymap *km, const char *path, km_diag_fn diag, void *ud)
{
	struct km_ctx c;
	struct buf b;
	char chunk[16384];
	int rc = 0;

	km_ctx_init(&c, km, path, diag, ud);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		km_report(&c, "cannot open: %s", strerror(errno));
		return -1;
	}
	buf_init(&b, KM_FILE_MAX);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			km_report(&c, "cannot read: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (r == 0)
			break;
		if (buf_append(&b, chunk, (size_t)r) < 0) {
			km_report(&c, "file too large (over %d bytes)", KM_FILE_MAX);
			rc = -1;
			break;
		}
	}
	close(fd);
	if (rc == 0)
		rc = keymap_parse(km, path, b.data, b.len, diag, ud);
	buf_free(&b);
	return rc;
}
