/* settings: the table of settings (name, values, repeatable), each one's parser, the defaults and the dump. */
#include "config/internal.h"

#include <string.h>

#include "docker/docker.h"
#include "keymaps/keymap.h"

typedef int (*apply_fn)(struct cfg_ctx *x, int argc, char **argv);

struct setting {
	const char *name;
	const char *alias;      /* another spelling, or NULL */
	apply_fn apply;
	bool repeat;            /* may appear more than once (checks its own duplicates) */
	const char *usage;      /* the values, for "missing value" messages */
};

/* ---- value parsers: 0, or -1 after reporting ---- */

/* Exactly n values after the name. */
static int want_values(struct cfg_ctx *x, int argc, char **argv, int n, const char *usage)
{
	if (argc - 1 < n) {
		cfg_report(x, "%s: missing value (%s %s)", argv[0], argv[0], usage);
		return -1;
	}
	if (argc - 1 > n) {
		cfg_report(x, "%s: unexpected '%s' (%s %s)", argv[0], cfg_quote(x, 0, argv[n + 1]), argv[0], usage);
		return -1;
	}
	return 0;
}

/* Plain decimal digits (1..9 of them) into *v; -1 if s is anything else. */
static int digits(const char *s, size_t n, long *v)
{
	if (n == 0 || n > 9)
		return -1;
	long r = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		r = r * 10 + (s[i] - '0');
	}
	*v = r;
	return 0;
}

/* Seconds with at most 3 decimals ("2", "0.5", "1.25"), whatever the
 * locale, as ms between min_ms and max_ms. */
static int seconds(struct cfg_ctx *x, const char *what, const char *s, int min_ms, int max_ms, int *out)
{
	const char *dot = strchr(s, '.');
	size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
	size_t flen = dot ? strlen(dot + 1) : 0;
	long ip = 0, fp = 0;
	bool ok = digits(s, ilen, &ip) == 0 && (!dot || (flen >= 1 && flen <= 3 && digits(dot + 1, flen, &fp) == 0));
	if (ok) {
		for (size_t i = flen; i < 3; i++)
			fp *= 10;
		long ms = ip * 1000 + fp;
		if (ms >= min_ms && ms <= max_ms) {
			*out = (int)ms;
			return 0;
		}
	}
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "%d.%d", min_ms / 1000, min_ms % 1000 / 100);
	snprintf(hi, sizeof hi, "%d", max_ms / 1000);
	cfg_report(x, "%s: '%s' is not a number of seconds from %s to %s", what, cfg_quote(x, 0, s), lo, hi);
	return -1;
}

static int integer(struct cfg_ctx *x, const char *what, const char *s, long min, long max, const char *unit, int *out)
{
	long v;
	if (digits(s, strlen(s), &v) == 0 && v >= min && v <= max) {
		*out = (int)v;
		return 0;
	}
	cfg_report(x, "%s: '%s' is not a number of %s from %ld to %ld", what, cfg_quote(x, 0, s), unit, min, max);
	return -1;
}

/* ---- the settings ---- */

static int set_refresh(struct cfg_ctx *x, int argc, char **argv)
{
	int ms;
	if (want_values(x, argc, argv, 1, "SECONDS") < 0 ||
	    seconds(x, argv[0], argv[1], CFG_REFRESH_MIN_MS, CFG_REFRESH_MAX_MS, &ms) < 0)
		return -1;
	x->c->refresh_ms = ms;
	return 0;
}

static int set_engine_timeout(struct cfg_ctx *x, int argc, char **argv)
{
	int ms;
	if (want_values(x, argc, argv, 1, "SECONDS") < 0 ||
	    seconds(x, argv[0], argv[1], CFG_ENGINE_TIMEOUT_MIN_MS, CFG_ENGINE_TIMEOUT_MAX_MS, &ms) < 0)
		return -1;
	x->c->engine_timeout_ms = ms;
	return 0;
}

static const struct { const char *name; unsigned bit; } attr_names[] = {
	{"bold", CFG_ATTR_BOLD}, {"dim", CFG_ATTR_DIM}, {"underline", CFG_ATTR_UNDERLINE}, {"reverse", CFG_ATTR_REVERSE},
};
#define N_ATTRS (sizeof attr_names / sizeof attr_names[0])

static unsigned attr_bit(const char *s)
{
	for (size_t i = 0; i < N_ATTRS; i++)
		if (!strcmp(s, attr_names[i].name))
			return attr_names[i].bit;
	return 0;
}

/* colour ROLE [FG] [on BG] [bold|dim|underline|reverse ...] */
static int set_colour(struct cfg_ctx *x, int argc, char **argv)
{
	if (argc < 3) {
		cfg_report(x, "%s: missing %s (%s ROLE [FG] [on BG] [bold] [dim] [underline] [reverse])", argv[0],
			argc < 2 ? "role" : "colour", argv[0]);
		return -1;
	}
	int role = cfg_role_from_name(argv[1]);
	if (role < 0) {
		cfg_report(x, "%s: unknown role '%s' (title, header, running, paused, stopped, restarting, other, "
			"banner-error, banner-info, key, hint, message, dim, warn, alert)", argv[0], cfg_quote(x, 0, argv[1]));
		return -1;
	}
	if (x->c->colour_line[role]) {
		cfg_report(x, "%s: %s already set on line %u", argv[0], argv[1], x->c->colour_line[role]);
		return -1;
	}
	struct cfg_colour col = {CFG_COLOUR_DEFAULT, CFG_COLOUR_DEFAULT, 0};
	bool fg = false, bg = false;
	for (int i = 2; i < argc; i++) {
		unsigned bit = attr_bit(argv[i]);
		if (bit) {
			col.attrs |= bit;
			continue;
		}
		if (!strcmp(argv[i], "on")) {
			if (bg || i + 1 >= argc) {
				cfg_report(x, "%s: %s", argv[0], bg ? "two backgrounds" : "'on' needs a background colour");
				return -1;
			}
			int c = cfg_colour_parse(argv[++i]);
			if (c < -1) {
				cfg_report(x, "%s: bad colour '%s' (a name such as red or bright-red, default, or 0-255)",
					argv[0], cfg_quote(x, 0, argv[i]));
				return -1;
			}
			col.bg = (short)c;
			bg = true;
			continue;
		}
		int c = cfg_colour_parse(argv[i]);
		if (c < -1 || fg || bg || col.attrs) {
			cfg_report(x, "%s: %s '%s' (%s ROLE [FG] [on BG] [bold] [dim] [underline] [reverse])", argv[0],
				c < -1 ? "bad colour or attribute" : "unexpected colour", cfg_quote(x, 0, argv[i]), argv[0]);
			return -1;
		}
		col.fg = (short)c;
		fg = true;
	}
	x->c->colour[role] = col;
	x->c->colour_line[role] = (unsigned)x->line;
	return 0;
}

static int set_columns(struct cfg_ctx *x, int argc, char **argv)
{
	enum cfg_col cols[CFG_COL_COUNT];
	bool seen[CFG_COL_COUNT] = {false};
	int n = 0;
	char names[256];
	cfg_col_names(names, sizeof names);
	if (argc < 2) {
		cfg_report(x, "%s: missing value (%s NAME...: %s)", argv[0], argv[0], names);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		int c = cfg_col_from_name(argv[i]);
		if (c < 0) {
			cfg_report(x, "%s: unknown column '%s' (%s)", argv[0], cfg_quote(x, 0, argv[i]), names);
			return -1;
		}
		if (seen[c]) {
			cfg_report(x, "%s: '%s' named twice", argv[0], cfg_col_name((enum cfg_col)c));
			return -1;
		}
		seen[c] = true;
		cols[n++] = (enum cfg_col)c;
	}
	memcpy(x->c->columns, cols, (size_t)n * sizeof cols[0]);
	x->c->ncolumns = n;
	return 0;
}

/* sort COLUMN [asc|desc] */
static int set_sort(struct cfg_ctx *x, int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		if (argc < 2)
			cfg_report(x, "%s: missing value (%s COLUMN [asc|desc])", argv[0], argv[0]);
		else
			cfg_report(x, "%s: unexpected '%s' (%s COLUMN [asc|desc])", argv[0], cfg_quote(x, 0, argv[3]), argv[0]);
		return -1;
	}
	int c = cfg_col_from_name(argv[1]);
	if (c < 0) {
		cfg_report(x, "%s: unknown column '%s'", argv[0], cfg_quote(x, 0, argv[1]));
		return -1;
	}
	int dir = -1;
	if (argc == 3) {
		if (!strcmp(argv[2], "asc")) {
			dir = 0;
		} else if (!strcmp(argv[2], "desc")) {
			dir = 1;
		} else {
			cfg_report(x, "%s: '%s' is not asc or desc", argv[0], cfg_quote(x, 0, argv[2]));
			return -1;
		}
	}
	x->c->sort_col = (enum cfg_col)c;
	x->c->sort_dir = dir;
	return 0;
}

/* keymap NAME|PATH: a shipped map, or a file (a value with a '/' or a ~) */
static int set_keymap(struct cfg_ctx *x, int argc, char **argv)
{
	if (want_values(x, argc, argv, 1, "NAME|PATH") < 0)
		return -1;
	const char *v = argv[1];
	if (keymap_is_shipped(v)) {
		snprintf(x->c->keymap, sizeof x->c->keymap, "%s", v);
		return 0;
	}
	if (!strchr(v, '/') && v[0] != '~') {
		cfg_report(x, "%s: no shipped keymap is called '%s' (default, vi, htop; a file: a path with a '/', "
			"such as ./%s)", argv[0], cfg_quote(x, 0, v), cfg_quote(x, 1, v));
		return -1;
	}
	char path[CFG_PATH_MAX];
	if (cfg_path(x, argv[0], v, path, sizeof path) < 0)
		return -1;
	memcpy(x->c->keymap, path, sizeof path);
	return 0;
}

static int set_journal(struct cfg_ctx *x, int argc, char **argv)
{
	char path[CFG_PATH_MAX];
	if (want_values(x, argc, argv, 1, "PATH") < 0 || cfg_path(x, argv[0], argv[1], path, sizeof path) < 0)
		return -1;
	memcpy(x->c->journal, path, sizeof path);
	return 0;
}

static int set_stats_source(struct cfg_ctx *x, int argc, char **argv)
{
	static const enum st_source all[] = {ST_SRC_CGROUP, ST_SRC_API, ST_SRC_NONE};
	if (want_values(x, argc, argv, 1, "cgroup|api|auto") < 0)
		return -1;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (!strcmp(argv[1], cfg_source_name(all[i]))) {
			x->c->stats_source = all[i];
			return 0;
		}
	}
	cfg_report(x, "%s: '%s' is not cgroup, api or auto", argv[0], cfg_quote(x, 0, argv[1]));
	return -1;
}

static int set_label(struct cfg_ctx *x, int argc, char **argv)
{
	if (want_values(x, argc, argv, 1, "KEY[=VALUE]") < 0)
		return -1;
	if (cfg_label_check(argv[1], NULL, NULL) < 0) {
		cfg_report(x, "%s: '%s' is not KEY or KEY=VALUE (the key: letters, digits, . _ - /; the value: "
			"printable ASCII without blanks or quotes; at most %d bytes)", argv[0], cfg_quote(x, 0, argv[1]),
			CFG_LABEL_MAX);
		return -1;
	}
	snprintf(x->c->label, sizeof x->c->label, "%s", argv[1]);
	return 0;
}

static bool engine_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CFG_ENGINE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* unix:///ABSOLUTE/PATH, tcp://HOST:PORT (port 1-65535) or
 * ssh://[USER@]HOST[:PORT] (dk_ssh_check), printable ASCII. */
static bool endpoint_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CFG_ENDPOINT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	if (!strncmp(s, "unix://", 7))
		return s[7] == '/';
	if (!strncmp(s, "ssh://", 6))
		return dk_ssh_check(s, NULL) == 0;
	if (strncmp(s, "tcp://", 6) != 0)
		return false;
	const char *hp = s + 6;
	const char *colon = strrchr(hp, ':');
	long port;
	return colon && colon > hp && !strchr(hp, '/') && digits(colon + 1, strlen(colon + 1), &port) == 0 &&
	       port >= 1 && port <= 65535;
}

/* engine NAME ENDPOINT (repeatable; kept for the multi-engine screen) */
static int set_engine(struct cfg_ctx *x, int argc, char **argv)
{
	struct cfg *c = x->c;
	if (want_values(x, argc, argv, 2, "NAME unix:///PATH|tcp://HOST:PORT|ssh://[USER@]HOST[:PORT]") < 0)
		return -1;
	if (!engine_name_ok(argv[1])) {
		cfg_report(x, "%s: bad name '%s' (1 to %d letters, digits, - _ .)", argv[0], cfg_quote(x, 0, argv[1]),
			CFG_ENGINE_NAME_MAX);
		return -1;
	}
	for (int i = 0; i < c->nengines; i++) {
		if (!strcmp(c->engine[i].name, argv[1])) {
			cfg_report(x, "%s: '%s' is defined twice", argv[0], argv[1]);
			return -1;
		}
	}
	if (!endpoint_ok(argv[2])) {
		cfg_report(x, "%s: '%s' is not unix:///PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]", argv[0],
		           cfg_quote(x, 0, argv[2]));
		return -1;
	}
	if (c->nengines >= CFG_ENGINES_MAX) {
		cfg_report(x, "%s: more than %d engines", argv[0], CFG_ENGINES_MAX);
		return -1;
	}
	struct cfg_engine *e = &c->engine[c->nengines++];
	snprintf(e->name, sizeof e->name, "%s", argv[1]);
	snprintf(e->endpoint, sizeof e->endpoint, "%s", argv[2]);
	return 0;
}

/* wall-tile auto | COLS | COLSxROWS */
static int set_wall_tile(struct cfg_ctx *x, int argc, char **argv)
{
	if (want_values(x, argc, argv, 1, "auto|COLS|COLSxROWS") < 0)
		return -1;
	const char *s = argv[1];
	if (!strcmp(s, "auto")) {
		x->c->wall_cols = x->c->wall_rows = 0;
		return 0;
	}
	const char *by = strchr(s, 'x');
	long w, h = 0;
	if (digits(s, by ? (size_t)(by - s) : strlen(s), &w) == 0 && (!by || digits(by + 1, strlen(by + 1), &h) == 0) &&
	    w >= CFG_WALL_COLS_MIN && w <= CFG_WALL_COLS_MAX && (!by || (h >= CFG_WALL_ROWS_MIN && h <= CFG_WALL_ROWS_MAX))) {
		x->c->wall_cols = (int)w;
		x->c->wall_rows = (int)h;
		return 0;
	}
	cfg_report(x, "%s: '%s' is not auto, COLS or COLSxROWS (such as 40 or 40x14; %d to %d columns, %d to %d rows)",
		argv[0], cfg_quote(x, 0, s), CFG_WALL_COLS_MIN, CFG_WALL_COLS_MAX, CFG_WALL_ROWS_MIN, CFG_WALL_ROWS_MAX);
	return -1;
}

static int set_logs_ring(struct cfg_ctx *x, int argc, char **argv)
{
	int n;
	if (want_values(x, argc, argv, 1, "LINES") < 0 ||
	    integer(x, argv[0], argv[1], CFG_LOGS_RING_MIN, CFG_LOGS_RING_MAX, "lines", &n) < 0)
		return -1;
	x->c->logs_ring = n;
	return 0;
}

static int set_activity_window(struct cfg_ctx *x, int argc, char **argv)
{
	int n;
	if (want_values(x, argc, argv, 1, "SECONDS") < 0 ||
	    integer(x, argv[0], argv[1], CFG_ACT_WINDOW_MIN, CFG_ACT_WINDOW_MAX, "seconds", &n) < 0)
		return -1;
	x->c->activity_window = n;
	return 0;
}

static int set_mouse(struct cfg_ctx *x, int argc, char **argv)
{
	if (want_values(x, argc, argv, 1, "on|off") < 0)
		return -1;
	if (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0) {
		cfg_report(x, "%s: '%s' is not on or off", argv[0], cfg_quote(x, 0, argv[1]));
		return -1;
	}
	x->c->mouse = !strcmp(argv[1], "on");
	return 0;
}

static const char *const pixels_names[] = {
	[CFG_PIXELS_AUTO] = "auto", [CFG_PIXELS_KITTY] = "kitty", [CFG_PIXELS_SIXEL] = "sixel", [CFG_PIXELS_OFF] = "off",
};

const char *cfg_pixels_name(enum cfg_pixels p)
{
	return (size_t)p < sizeof pixels_names / sizeof pixels_names[0] ? pixels_names[p] : "auto";
}

int cfg_pixels_parse(const char *s)
{
	for (size_t i = 0; i < sizeof pixels_names / sizeof pixels_names[0]; i++)
		if (!strcmp(s, pixels_names[i]))
			return (int)i;
	return -1;
}

static int set_pixels(struct cfg_ctx *x, int argc, char **argv)
{
	if (want_values(x, argc, argv, 1, "auto|kitty|sixel|off") < 0)
		return -1;
	int p = cfg_pixels_parse(argv[1]);
	if (p < 0) {
		cfg_report(x, "%s: '%s' is not auto, kitty, sixel or off", argv[0], cfg_quote(x, 0, argv[1]));
		return -1;
	}
	x->c->pixels = (enum cfg_pixels)p;
	return 0;
}

static const struct setting settings[] = {
	{"refresh", NULL, set_refresh, false, "SECONDS"},
	{"columns", NULL, set_columns, false, "NAME..."},
	{"sort", NULL, set_sort, false, "COLUMN [asc|desc]"},
	{"keymap", NULL, set_keymap, false, "NAME|PATH"},
	{"stats-source", NULL, set_stats_source, false, "cgroup|api|auto"},
	{"label", NULL, set_label, false, "KEY[=VALUE]"},
	{"mouse", NULL, set_mouse, false, "on|off"},
	{"pixels", NULL, set_pixels, false, "auto|kitty|sixel|off"},
	{"wall-tile", NULL, set_wall_tile, false, "auto|COLS|COLSxROWS"},
	{"logs-ring", NULL, set_logs_ring, false, "LINES"},
	{"activity-window", NULL, set_activity_window, false, "SECONDS"},
	{"engine-timeout", NULL, set_engine_timeout, false, "SECONDS"},
	{"journal", "audit-log", set_journal, false, "PATH"},   /* audit-log: its old name, for a release */
	{"engine", NULL, set_engine, true, "NAME ENDPOINT"},
	{"colour", "color", set_colour, true, "ROLE [FG] [on BG] [ATTR...]"},
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])
_Static_assert(N_SETTINGS <= CFG_SLOTS, "struct cfg's set_line has a slot per setting");

int cfg_setting_apply(struct cfg_ctx *x, int argc, char **argv)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const struct setting *s = &settings[i];
		if (strcmp(argv[0], s->name) != 0 && !(s->alias && !strcmp(argv[0], s->alias)))
			continue;
		if (!s->repeat && x->c->set_line[i]) {
			cfg_report(x, "%s: already set on line %u", s->name, x->c->set_line[i]);
			return -1;
		}
		if (s->apply(x, argc, argv) < 0)
			return -1;
		x->c->set_line[i] = (unsigned)x->line;
		return 0;
	}
	cfg_report(x, "unknown setting '%s' (see sandtop-config(5))", cfg_quote(x, 0, argv[0]));
	return -1;
}

void cfg_init(struct cfg *c)
{
	memset(c, 0, sizeof *c);
	c->refresh_ms = CFG_DEF_REFRESH_MS;
	for (int r = 0; r < CFG_ROLE_COUNT; r++)
		c->colour[r] = cfg_colour_builtin((enum cfg_role)r);
	for (int i = 0; i < CFG_COL_COUNT; i++)
		c->columns[i] = (enum cfg_col)i;
	c->ncolumns = CFG_COL_COUNT;
	c->sort_col = CFG_COL_NAME;
	c->sort_dir = 0;
	c->stats_source = ST_SRC_NONE;
	snprintf(c->label, sizeof c->label, "%s", CFG_DEF_LABEL);
	c->logs_ring = CFG_DEF_LOGS_RING;
	c->activity_window = CFG_DEF_ACT_WINDOW;
	c->mouse = true;
	c->engine_timeout_ms = CFG_DEF_ENGINE_TIMEOUT_MS;
}

/* ---- dump ---- */

/* True when s can be written on one line (no control characters). */
static bool printable(const char *s)
{
	for (const char *p = s; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/* s (printable) as one token the parser reads back: bare when safe, else
 * in double quotes with " and \ escaped. */
static void put_token(FILE *fp, const char *s)
{
	bool bare = *s && *s != '#' && !strpbrk(s, " \t'\"\\");
	if (bare) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', fp);
		fputc(*p, fp);
	}
	fputc('"', fp);
}

/* "name VALUE", or a comment when the value cannot be written (a path
 * from the command line with a newline in it). */
static void put_setting(FILE *fp, const char *name, const char *value)
{
	if (!printable(value)) {
		fprintf(fp, "# %s: the value holds control characters and cannot be written here\n", name);
		return;
	}
	fprintf(fp, "%s ", name);
	put_token(fp, value);
	fputc('\n', fp);
}

/* ms as seconds: "1", "0.5", "2.25" (what seconds() reads back). */
static void put_seconds(FILE *fp, const char *name, int ms)
{
	if (ms % 1000 == 0) {
		fprintf(fp, "%s %d\n", name, ms / 1000);
		return;
	}
	char frac[8];
	snprintf(frac, sizeof frac, "%03d", ms % 1000);
	for (int i = 2; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	fprintf(fp, "%s %d.%s\n", name, ms / 1000, frac);
}

void cfg_dump(const struct cfg *c, FILE *fp)
{
	char a[16], b[16];
	fputs("# sandtop configuration: the effective settings (sandtop --dump-config; see sandtop-config(5))\n", fp);
	put_seconds(fp, "refresh", c->refresh_ms);
	fputs("columns", fp);
	for (int i = 0; i < c->ncolumns; i++)
		fprintf(fp, " %s", cfg_col_name(c->columns[i]));
	fputc('\n', fp);
	fprintf(fp, "sort %s%s\n", cfg_col_name(c->sort_col), c->sort_dir < 0 ? "" : c->sort_dir ? " desc" : " asc");
	if (c->keymap[0])
		put_setting(fp, "keymap", c->keymap);
	else
		fputs("# keymap: unset (the user's keys file when it exists, else the built-in map)\n", fp);
	fprintf(fp, "stats-source %s\n", cfg_source_name(c->stats_source));
	put_setting(fp, "label", c->label);
	fprintf(fp, "mouse %s\n", c->mouse ? "on" : "off");
	fprintf(fp, "pixels %s\n", cfg_pixels_name(c->pixels));
	if (c->wall_cols <= 0)
		fputs("wall-tile auto\n", fp);
	else if (c->wall_rows <= 0)
		fprintf(fp, "wall-tile %d\n", c->wall_cols);
	else
		fprintf(fp, "wall-tile %dx%d\n", c->wall_cols, c->wall_rows);
	fprintf(fp, "logs-ring %d\n", c->logs_ring);
	fprintf(fp, "activity-window %d\n", c->activity_window);
	put_seconds(fp, "engine-timeout", c->engine_timeout_ms);
	if (c->journal[0])
		put_setting(fp, "journal", c->journal);
	else
		fputs("# journal: unset ($XDG_STATE_HOME/sandtop/audit.log)\n", fp);
	for (int i = 0; i < c->nengines; i++) {
		/* the endpoint as one token: a quote in it is quoted */
		char head[sizeof "engine " + CFG_ENGINE_NAME_MAX];
		snprintf(head, sizeof head, "engine %s", c->engine[i].name);
		put_setting(fp, head, c->engine[i].endpoint);
	}
	for (int r = 0; r < CFG_ROLE_COUNT; r++) {
		const struct cfg_colour *col = &c->colour[r];
		cfg_colour_format(col->fg, a, sizeof a);
		fprintf(fp, "colour %s %s", cfg_role_name((enum cfg_role)r), a);
		if (col->bg != CFG_COLOUR_DEFAULT) {
			cfg_colour_format(col->bg, b, sizeof b);
			fprintf(fp, " on %s", b);
		}
		for (size_t k = 0; k < N_ATTRS; k++)
			if (col->attrs & attr_names[k].bit)
				fprintf(fp, " %s", attr_names[k].name);
		fputc('\n', fp);
	}
}
