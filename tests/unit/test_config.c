/* test_config: cmocka tests for config/: a table of lines and the value or the error each gives, limits, the file reader, dump. */
#include "config/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/ui.h"   /* the list's column titles, for the names */
#include "tests/unit/helper/memout.h"
#include "tests/unit/helper/diags.h"
#include "tests/unit/helper/files.h"

#define NAME "/etc/sandtop/config"

/* The dump of c in a string (caller frees). */
static char *dump(const struct cfg *c)
{
	struct memout m;
	cfg_dump(c, memout_open(&m));
	return memout_text(&m);
}

/* True if text has the line exactly. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* One line: what --dump-config then says, or the one error it gives. */
struct row {
	const char *in;
	const char *value;   /* the dump line it sets; NULL: nothing to see */
	const char *error;   /* "FILE:1: " + this; NULL: no error */
};

/* Good lines that the dump writes back as they are. */
static const char *const as_is[] = {
	"refresh 2",
	"refresh 0.1",
	"refresh 0.25",
	"refresh 3600",
	"colour running green",
	"colour header default on blue",
	"colour alert 208 on red reverse",
	"columns name state cpu mem ttl owner",
	"columns ttl",
	"sort cpu desc",
	"sort ttl",
	"keymap vi",
	"keymap htop",
	"keymap default",
	"keymap /srv/keys",
	"stats-source api",
	"stats-source cgroup",
	"stats-source auto",
	"label team=agents",
	"label com.example/sandbox",
	"label sandtop.sandbox=1",
	"engine prod tcp://10.0.0.5:2376",
	"engine local unix:///var/run/docker.sock",
	"engine build3 ssh://deploy@build-3.example.com:2222",
	"wall-tile 42x12",
	"wall-tile 16x4",
	"wall-tile 400x200",
	"wall-tile 40",
	"logs-ring 100",
	"logs-ring 1000000",
	"activity-window 5",
	"mouse off",
	"mouse on",
	"pixels auto",
	"pixels sixel",
	"pixels kitty",
	"pixels off",
	"engine-timeout 0.5",
	"engine-timeout 600",
	"journal /var/log/sandtop/audit.log",
	"journal \"/tmp/q\\\"uote\"",
};

/* Text that several bad lines' messages share. */
#define LABEL_BAD(v) "label: '" v "' is not KEY or KEY=VALUE (the key: letters, digits, . _ - /; the value: " \
	"printable ASCII without blanks or quotes; at most 255 bytes)"
#define COLOUR_USAGE " (colour ROLE [FG] [on BG] [bold] [dim] [underline] [reverse])"
#define COLUMN_NAMES "name id image state iso act cpu quota mem mem% net io pids uptime ttl owner task"

static const struct row rows[] = {
	/* good lines */
	{"", NULL, NULL},
	{"# a comment", NULL, NULL},
	{"   \t ", NULL, NULL},
	{"refresh 1.500", "refresh 1.5", NULL},
	{"refresh 2   # seconds", "refresh 2", NULL},
	{"  refresh\t'3'", "refresh 3", NULL},
	{"color paused bright-yellow on 17 bold underline", "colour paused bright-yellow on 17 bold underline", NULL},
	{"colour title on black", "colour title default on black", NULL},
	{"colour dim bold", "colour dim default bold", NULL},
	{"colour key RED on White", "colour key red on white", NULL},
	{"colour banner-error 0 on 255 dim", "colour banner-error black on 255 dim", NULL},
	{"columns NAME CPU% mem% Quota% task", "columns name cpu mem% quota task", NULL},
	{"sort MEM% asc", "sort mem% asc", NULL},
	{"keymap ./mine.keys", "keymap /etc/sandtop/mine.keys", NULL},
	{"keymap maps/mine.keys", "keymap /etc/sandtop/maps/mine.keys", NULL},
	{"keymap ~/k", "keymap /home/op/k", NULL},
	{"wall-tile auto", NULL, NULL},
	{"journal '/tmp/a b#.log'", "journal \"/tmp/a b#.log\"", NULL},
	/* its old name, kept for a release: the same setting */
	{"audit-log /var/log/sandtop/audit.log", "journal /var/log/sandtop/audit.log", NULL},
	/* bad lines */
	{"refesh 2", NULL, "unknown setting 'refesh' (see sandtop-config(5))"},
	{"Refresh 2", NULL, "unknown setting 'Refresh' (see sandtop-config(5))"},
	{"refresh", NULL, "refresh: missing value (refresh SECONDS)"},
	{"refresh 2 3", NULL, "refresh: unexpected '3' (refresh SECONDS)"},
	{"refresh \"2", NULL, "unterminated quote"},
	{"colour", NULL, "colour: missing role" COLOUR_USAGE},
	{"colour running", NULL, "colour: missing colour" COLOUR_USAGE},
	{"colour nope red", NULL, "colour: unknown role 'nope' (title, header, running, paused, stopped, restarting, "
		"other, banner-error, banner-info, key, hint, message, dim, warn, alert)"},
	{"colour running red blue", NULL, "colour: unexpected colour 'blue'" COLOUR_USAGE},
	{"colour running bold red", NULL, "colour: unexpected colour 'red'" COLOUR_USAGE},
	{"colour running red on", NULL, "colour: 'on' needs a background colour"},
	{"colour running red on blue on green", NULL, "colour: two backgrounds"},
	{"colour running red on mauve", NULL,
		"colour: bad colour 'mauve' (a name such as red or bright-red, default, or 0-255)"},
	{"columns", NULL, "columns: missing value (columns NAME...: " COLUMN_NAMES ")"},
	{"columns name cpux", NULL, "columns: unknown column 'cpux' (" COLUMN_NAMES ")"},
	{"columns name cpu CPU%", NULL, "columns: 'cpu' named twice"},
	{"sort", NULL, "sort: missing value (sort COLUMN [asc|desc])"},
	{"sort cpu up", NULL, "sort: 'up' is not asc or desc"},
	{"sort cpu desc now", NULL, "sort: unexpected 'now' (sort COLUMN [asc|desc])"},
	{"sort bogus", NULL, "sort: unknown column 'bogus'"},
	{"keymap", NULL, "keymap: missing value (keymap NAME|PATH)"},
	{"keymap emacs", NULL,
		"keymap: no shipped keymap is called 'emacs' (default, vi, htop; a file: a path with a '/', such as ./emacs)"},
	{"keymap VI", NULL,
		"keymap: no shipped keymap is called 'VI' (default, vi, htop; a file: a path with a '/', such as ./VI)"},
	{"stats-source kernel", NULL, "stats-source: 'kernel' is not cgroup, api or auto"},
	{"stats-source", NULL, "stats-source: missing value (stats-source cgroup|api|auto)"},
	{"label 'a b'", NULL, LABEL_BAD("a b")},
	{"label =x", NULL, LABEL_BAD("=x")},
	{"label k=", NULL, LABEL_BAD("k=")},
	{"label 'k=\"v\"'", NULL, LABEL_BAD("k=\"v\"")},
	{"label k=a\\b", NULL, LABEL_BAD("k=a\\b")},
	{"engine prod", NULL, "engine: missing value (engine NAME unix:///PATH|tcp://HOST:PORT|ssh://[USER@]HOST[:PORT])"},
	{"engine 'bad name' tcp://x:1", NULL, "engine: bad name 'bad name' (1 to 32 letters, digits, - _ .)"},
	{"activity-window 0", NULL, "activity-window: '0' is not a number of seconds from 1 to 3600"},
	{"mouse yes", NULL, "mouse: 'yes' is not on or off"},
	{"mouse", NULL, "mouse: missing value (mouse on|off)"},
	{"pixels iterm", NULL, "pixels: 'iterm' is not auto, kitty, sixel or off"},
	{"pixels", NULL, "pixels: missing value (pixels auto|kitty|sixel|off)"},
	{"audit-log", NULL, "audit-log: missing value (audit-log PATH)"},
	{"audit-log ''", NULL, "audit-log: empty path"},
	{"audit-log a b", NULL, "audit-log: unexpected 'b' (audit-log PATH)"},
	{"journal", NULL, "journal: missing value (journal PATH)"},
	{"journal a b", NULL, "journal: unexpected 'b' (journal PATH)"},
	/* what is echoed is sanitized and cut */
	{"refresh \x1b[31m", NULL, "line contains a control character (0x1b)"},
	{"r\xe2\x80\xae" "efresh 1", NULL, "unknown setting 'r\xef\xbf\xbd" "efresh' (see sandtop-config(5))"},
	{"colour running \xff\xfe", NULL, "colour: bad colour or attribute '\xef\xbf\xbd\xef\xbf\xbd'" COLOUR_USAGE},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1", NULL,
		"unknown setting 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (see sandtop-config(5))"},
};

/* Values that a setting refuses, each with the same message: line and error
 * are formats that take the value. */
struct refused {
	const char *line, *error;
	const char *values[10];   /* up to the first NULL */
};

static const struct refused refused[] = {
	{"refresh %s", "refresh: '%s' is not a number of seconds from 0.1 to 3600",
		{"0", "0.05", "3600.001", "0.0001", "1e3", "-1", "1,5", "99999999999999999999"}},
	{"colour running %s", "colour: bad colour or attribute '%s'" COLOUR_USAGE, {"purple", "256", "007"}},
	{"engine prod %s", "engine: '%s' is not unix:///PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]",
		{"http://x:80", "tcp://host", "tcp://host:0", "tcp://host:65536", "tcp://:2375", "ssh://me:pw@host",
		 "ssh://host/path", "ssh://host:0", "unix://run/docker.sock"}},
	{"wall-tile %s",
		"wall-tile: '%s' is not auto, COLS or COLSxROWS (such as 40 or 40x14; 16 to 400 columns, 4 to 200 rows)",
		{"42x", "15", "15x12", "42x3", "42x12x1", "42X12"}},
	{"logs-ring %s", "logs-ring: '%s' is not a number of lines from 100 to 1000000", {"99", "1000001", "10k"}},
	{"engine-timeout %s", "engine-timeout: '%s' is not a number of seconds from 0.1 to 600", {"0.05", "601"}},
};

/* Parse the one line r->in and fail unless it gives what r says. */
static void check_line(const struct row *r)
{
	struct cfg c, base;
	struct diags d = {0};
	cfg_init(&c);
	cfg_init(&base);
	int bad = cfg_parse(&c, NAME, r->in, strlen(r->in), diags_collect, &d);
	char *got = dump(&c), *was = dump(&base);
	if (r->error) {
		char want[900];
		snprintf(want, sizeof want, NAME ":1: %s", r->error);
		if (bad != 1 || d.n != 1 || strcmp(d.msg[0], want) != 0)
			fail_msg("line '%s': got %d error(s), first '%s'; want '%s'", r->in, d.n, d.n ? d.msg[0] : "",
				 want);
		/* a bad line changes nothing */
		assert_string_equal(got, was);
	} else {
		if (bad != 0 || d.n != 0)
			fail_msg("line '%s': unexpected error '%s'", r->in, d.msg[0]);
		if (r->value && !has_line(got, r->value))
			fail_msg("line '%s': no line '%s' in the dump:\n%s", r->in, r->value, got);
		if (!r->value)
			assert_string_equal(got, was);
	}
	free(got);
	free(was);
}

static void test_lines(void **state)
{
	(void)state;
	setenv("HOME", "/home/op", 1);
	for (size_t i = 0; i < sizeof as_is / sizeof as_is[0]; i++)
		check_line(&(struct row){as_is[i], as_is[i], NULL});
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		check_line(&rows[i]);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		for (size_t k = 0; k < 10 && refused[i].values[k]; k++) {
			char in[128], error[300];
			snprintf(in, sizeof in, refused[i].line, refused[i].values[k]);
			snprintf(error, sizeof error, refused[i].error, refused[i].values[k]);
			check_line(&(struct row){in, NULL, error});
		}
}

/* Several lines: duplicates, a bad line that leaves the next one free, the
 * effective values themselves. */
static void test_files(void **state)
{
	(void)state;
	struct cfg c;
	struct diags d = {0};
	static const char text[] =
		"refresh 0\n"                        /* bad: the next one may set it */
		"refresh 2.5\n"
		"refresh 1\n"                        /* already set on line 2 */
		"colour running red\n"
		"color running blue\n"               /* already set on line 4 */
		"colour paused blue\n"
		"engine a tcp://h:1\n"
		"engine b tcp://h:2\n"
		"engine a tcp://h:3\n"               /* defined twice */
		"columns state name\n"
		"sort cpu\n"
		"mouse off\n"
		"label team=x\n"
		"stats-source api\n"
		"wall-tile 30x9\n"
		"logs-ring 500\n"
		"engine-timeout 0.25\n"
		"journal /j/one.log\n"
		"audit-log /j/two.log\n";            /* the old name of the same setting */
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", text, sizeof text - 1, diags_collect, &d), 5);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.msg[0], "t:1: refresh: '0' is not a number of seconds from 0.1 to 3600");
	assert_string_equal(d.msg[1], "t:3: refresh: already set on line 2");
	assert_string_equal(d.msg[2], "t:5: color: running already set on line 4");   /* as spelt */
	assert_string_equal(d.msg[3], "t:9: engine: 'a' is defined twice");
	assert_string_equal(d.msg[4], "t:19: journal: already set on line 18");
	assert_string_equal(c.journal, "/j/one.log");
	assert_int_equal(c.refresh_ms, 2500);
	assert_int_equal(c.colour[CFG_ROLE_RUNNING].fg, 1);
	assert_int_equal(c.colour[CFG_ROLE_PAUSED].fg, 4);
	assert_int_equal(c.colour[CFG_ROLE_STOPPED].fg, 1);   /* built in */
	assert_int_equal(c.nengines, 2);
	assert_string_equal(c.engine[1].endpoint, "tcp://h:2");
	assert_int_equal(c.ncolumns, 2);
	assert_int_equal(c.columns[0], CFG_COL_STATE);
	assert_int_equal(c.columns[1], CFG_COL_NAME);
	assert_int_equal(c.sort_col, CFG_COL_CPU);
	assert_int_equal(c.sort_dir, -1);
	assert_false(c.mouse);
	assert_string_equal(c.label, "team=x");
	assert_int_equal(c.stats_source, ST_SRC_API);
	assert_int_equal(c.wall_cols, 30);
	assert_int_equal(c.wall_rows, 9);
	assert_int_equal(c.logs_ring, 500);
	assert_int_equal(c.engine_timeout_ms, 250);

	/* the defaults */
	cfg_init(&c);
	assert_int_equal(c.refresh_ms, 1000);
	assert_int_equal(c.ncolumns, CFG_COL_COUNT);
	assert_true(c.mouse);
	assert_string_equal(c.label, "sandtop.sandbox");
	assert_int_equal(c.engine_timeout_ms, 2000);
	assert_int_equal(c.stats_source, ST_SRC_NONE);
	assert_string_equal(c.keymap, "");
	assert_string_equal(c.journal, "");

	/* BOM and CRLF */
	static const char crlf[] = "\xef\xbb\xbf" "refresh 3\r\nmouse off\r\n";
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", crlf, sizeof crlf - 1, diags_collect, &d), 0);
	assert_int_equal(c.refresh_ms, 3000);
	assert_false(c.mouse);
}

/* Untrusted input: too many errors, engines, lines; long lines; NUL. */
static void test_limits(void **state)
{
	(void)state;
	struct cfg c;
	struct diags d = {0};
	char *text = malloc(64 * 1024);
	size_t n = 0;
	for (int i = 0; i < 25; i++)
		n += (size_t)sprintf(text + n, "bogus%d 1\n", i);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", text, n, diags_collect, &d), 25);
	assert_int_equal(d.n, CFG_ERRORS_MAX + 1);
	assert_string_equal(d.msg[19], "t:20: unknown setting 'bogus19' (see sandtop-config(5))");
	assert_string_equal(d.msg[20], "t: 5 more bad lines not shown");

	n = 0;
	for (int i = 0; i <= CFG_ENGINES_MAX; i++)
		n += (size_t)sprintf(text + n, "engine e%d tcp://h:%d\n", i, i + 1);
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", text, n, diags_collect, &d), 1);
	assert_string_equal(d.msg[0], "t:33: engine: more than 32 engines");
	assert_int_equal(c.nengines, CFG_ENGINES_MAX);

	memset(text, 'x', CFG_LINE_MAX + 1);
	text[CFG_LINE_MAX + 1] = '\n';
	memcpy(text + CFG_LINE_MAX + 2, "mouse off\n", 10);
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", text, CFG_LINE_MAX + 12, diags_collect, &d), 1);
	assert_string_equal(d.msg[0], "t:1: line too long (over 1024 bytes)");
	assert_false(c.mouse);   /* the next line still counts */

	static const char nul[] = "refresh 2\0 3\nmouse off\n";
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", nul, sizeof nul - 1, diags_collect, &d), 1);
	assert_string_equal(d.msg[0], "t:1: line contains a NUL byte");
	assert_int_equal(c.refresh_ms, 1000);

	/* 24 values is the cap; the line is refused whole */
	n = (size_t)sprintf(text, "columns");
	for (int i = 0; i < 30; i++)
		n += (size_t)sprintf(text + n, " name");
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", text, n, diags_collect, &d), 1);
	assert_string_equal(d.msg[0], "t:1: columns: too many values (over 23)");
	free(text);

	/* past CFG_LINES_MAX lines nothing more is read */
	size_t big = (CFG_LINES_MAX + 5) * 2;
	char *many = malloc(big);
	for (size_t i = 0; i < big; i += 2)
		memcpy(many + i, "#\n", 2);
	memcpy(many + big - 2, "x\n", 2);
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_parse(&c, "t", many, big, diags_collect, &d), 1);
	assert_string_equal(d.msg[0], "t:10001: too many lines (over 10000): the rest is not read");
	free(many);
}

/* Random bytes and random mixes of real words: never a crash, every
 * message on one line and printable. */
static void test_garbage(void **state)
{
	(void)state;
	static const char *const words[] = {"refresh", "colour", "color", "columns", "sort", "keymap", "stats-source",
		"label", "engine", "wall-tile", "logs-ring", "mouse", "engine-timeout", "audit-log", "journal", "on", "red", "x",
		"1", "0.5", "\"", "'", "#", "~", "/", "=", "\xc3", "\t", "\r", "42x12", "cpu", "desc", "vi"};
	unsigned seed = 12345;
	char line[300];
	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		int k = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
		for (int i = 0; i < k && n < sizeof line - 40; i++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 5 == 0) {
				char ch = (char)(seed >> 8);
				line[n++] = ch == '\n' ? 'n' : ch;   /* one line per round */
			} else {
				const char *w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
				n += (size_t)snprintf(line + n, sizeof line - n, "%s ", w);
			}
		}
		struct cfg c;
		struct diags d = {0};
		cfg_init(&c);
		int bad = cfg_parse(&c, "t", line, n, diags_collect, &d);
		assert_true(bad >= 0 && bad <= 1);
		for (int i = 0; i < d.n; i++)
			for (const unsigned char *p = (const unsigned char *)d.msg[i]; *p; p++)
				assert_true(*p >= 0x20 && *p != 0x7f);
	}
}

/* The dump is a config file that gives the same settings back. */
static void test_dump_reparses(void **state)
{
	(void)state;
	struct cfg a, b;
	struct diags d = {0};
	static const char text[] =
		"refresh 0.125\ncolour running 208 on bright-black bold underline\ncolour title default\n"
		"columns owner name cpu\nsort owner desc\nkeymap '/srv/my keys'\nstats-source cgroup\n"
		"label team=agents\nengine prod tcp://10.0.0.5:2376\nengine lab unix:///run/docker.sock\n"
		"engine odd \"tcp://10.0.0'.2:2375\"\n"   /* a quote in an endpoint (found by fuzz_config) */
		"wall-tile 50x16\nlogs-ring 2000\nmouse off\npixels kitty\nengine-timeout 1.5\njournal \"/var/log/a\\\"b\"\n";
	cfg_init(&a);
	assert_int_equal(cfg_parse(&a, "t", text, sizeof text - 1, diags_collect, &d), 0);
	char *one = dump(&a);
	cfg_init(&b);
	assert_int_equal(cfg_parse(&b, "dump", one, strlen(one), diags_collect, &d), 0);
	char *two = dump(&b);
	assert_string_equal(one, two);
	assert_int_equal(b.refresh_ms, 125);
	assert_string_equal(b.keymap, "/srv/my keys");
	assert_string_equal(b.journal, "/var/log/a\"b");
	assert_int_equal(b.pixels, CFG_PIXELS_KITTY);
	assert_int_equal(b.colour[CFG_ROLE_RUNNING].fg, 208);
	assert_int_equal(b.colour[CFG_ROLE_RUNNING].bg, 8);
	assert_int_equal(b.colour[CFG_ROLE_RUNNING].attrs, CFG_ATTR_BOLD | CFG_ATTR_UNDERLINE);
	assert_int_equal(b.nengines, 3);
	assert_string_equal(b.engine[2].endpoint, "tcp://10.0.0'.2:2375");
	free(one);
	free(two);

	/* the defaults dump as a file that parses cleanly, unset ones as comments */
	cfg_init(&a);
	one = dump(&a);
	assert_true(has_line(one, "refresh 1"));
	assert_true(has_line(one, "columns name id image state iso act cpu quota mem mem% net io pids uptime ttl owner task"));
	assert_true(has_line(one, "sort name asc"));
	assert_true(has_line(one, "label sandtop.sandbox"));
	assert_true(has_line(one, "mouse on"));
	assert_true(has_line(one, "wall-tile auto"));
	assert_true(has_line(one, "colour header black on green"));
	assert_true(has_line(one, "colour banner-error white on red bold"));
	assert_true(has_line(one, "# journal: unset ($XDG_STATE_HOME/sandtop/audit.log)"));
	cfg_init(&b);
	memset(&d, 0, sizeof d);
	assert_int_equal(cfg_parse(&b, "dump", one, strlen(one), diags_collect, &d), 0);
	free(one);

	/* a value no line can hold is left out as a comment */
	cfg_init(&a);
	snprintf(a.journal, sizeof a.journal, "/tmp/a\nrefresh 9");
	one = dump(&a);
	assert_true(has_line(one, "# journal: the value holds control characters and cannot be written here"));
	assert_false(has_line(one, "refresh 9"));
	free(one);
}

static void test_load_file(void **state)
{
	(void)state;
	struct cfg c;
	struct diags d = {0};
	char want[800];
	cfg_init(&c);
	assert_int_equal(cfg_load_file(&c, "/nonexistent/sandtop/config", true, diags_collect, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(cfg_load_file(&c, "/nonexistent/sandtop/config", false, diags_collect, &d), -1);
	assert_string_equal(d.msg[0], "/nonexistent/sandtop/config: cannot open: No such file or directory");
	memset(&d, 0, sizeof d);
	assert_int_equal(cfg_load_file(&c, "/tmp", true, diags_collect, &d), -1);
	assert_string_equal(d.msg[0], "/tmp: not a regular file");

	/* a FIFO is refused at once (never a hang waiting for a writer) */
	char fifo[] = "/tmp/sandtop-test-fifo.XXXXXX";
	int fd = mkstemp(fifo);
	close(fd);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	memset(&d, 0, sizeof d);
	assert_int_equal(cfg_load_file(&c, fifo, true, diags_collect, &d), -1);
	snprintf(want, sizeof want, "%s: not a regular file", fifo);
	assert_string_equal(d.msg[0], want);
	unlink(fifo);

	/* relative paths in it are under its directory */
	static const char text[] = "keymap ./k.keys\nmouse off\nbogus\n";
	char *path = files_tmpfile("config", text, sizeof text - 1);
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_load_file(&c, path, false, diags_collect, &d), 1);
	snprintf(want, sizeof want, "%s:3: unknown setting 'bogus' (see sandtop-config(5))", path);
	assert_string_equal(d.msg[0], want);
	assert_string_equal(c.keymap, "/tmp/k.keys");
	assert_false(c.mouse);
	unlink(path);
	free(path);

	/* too large: refused whole */
	size_t big = CFG_FILE_MAX + 10;
	char *blob = malloc(big);
	memset(blob, '#', big);
	path = files_tmpfile("config", blob, big);
	free(blob);
	memset(&d, 0, sizeof d);
	cfg_init(&c);
	assert_int_equal(cfg_load_file(&c, path, false, diags_collect, &d), -1);
	snprintf(want, sizeof want, "%s: file too large (over %d bytes)", path, CFG_FILE_MAX);
	assert_string_equal(d.msg[0], want);
	unlink(path);
	free(path);
}

/* The names: the list's own titles name its columns; the roles and
 * colours read back what they print. */
static void test_names(void **state)
{
	(void)state;
	bool seen[CFG_COL_COUNT] = {false};
	for (int i = 0; i < UC_COUNT; i++) {
		if (i == UC_ENGINE) {
			/* the one column without a name in the file: there when the
			 * screen has several engines, never otherwise */
			assert_int_equal(cfg_col_from_name(ui_col_title((enum ui_col)i)), -1);
			continue;
		}
		int c = cfg_col_from_name(ui_col_title((enum ui_col)i));
		if (c < 0)
			fail_msg("the list's title '%s' names no column", ui_col_title((enum ui_col)i));
		assert_false(seen[c]);
		seen[c] = true;
		assert_int_equal(cfg_col_from_name(cfg_col_name((enum cfg_col)c)), c);
	}
	assert_string_equal(cfg_col_name(CFG_COL_COUNT), "");
	for (int r = 0; r < CFG_ROLE_COUNT; r++)
		assert_int_equal(cfg_role_from_name(cfg_role_name((enum cfg_role)r)), r);
	assert_int_equal(cfg_role_from_name("nope"), -1);
	char buf[16];
	for (int c = -1; c < 256; c++) {
		cfg_colour_format(c, buf, sizeof buf);
		assert_int_equal(cfg_colour_parse(buf), c);
	}
	assert_int_equal(cfg_colour_parse(""), -2);
	assert_int_equal(cfg_colour_parse("-1"), -2);
	char key[256], value[256];
	assert_int_equal(cfg_label_check("team=a=b", key, value), 0);
	assert_string_equal(key, "team");
	assert_string_equal(value, "a=b");
	assert_int_equal(cfg_label_check("sandtop.sandbox", key, value), 0);
	assert_string_equal(value, "");
	char longest[300];
	memset(longest, 'k', sizeof longest);
	longest[CFG_LABEL_MAX] = '\0';
	assert_int_equal(cfg_label_check(longest, NULL, NULL), 0);
	longest[CFG_LABEL_MAX] = 'k';
	longest[CFG_LABEL_MAX + 1] = '\0';
	assert_int_equal(cfg_label_check(longest, NULL, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_dump_reparses),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
