/* values: the settings' vocabulary: column, role, colour and source names, built-in colours, label selectors. */
#include "config/config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* name, and the list's title when it differs only in more than case */
struct col_name {
	const char *name;
	const char *title;
};

static const struct col_name cols[CFG_COL_COUNT] = {
	[CFG_COL_NAME] = {"name", NULL},
	[CFG_COL_ID] = {"id", NULL},
	[CFG_COL_IMAGE] = {"image", NULL},
	[CFG_COL_STATE] = {"state", NULL},
	[CFG_COL_ISO] = {"iso", NULL},
	[CFG_COL_ACT] = {"act", NULL},
	[CFG_COL_CPU] = {"cpu", "cpu%"},
	[CFG_COL_QUOTA] = {"quota", "quota%"},
	[CFG_COL_MEM] = {"mem", NULL},
	[CFG_COL_MEMPCT] = {"mem%", "mempct"},
	[CFG_COL_NET] = {"net", NULL},
	[CFG_COL_IO] = {"io", NULL},
	[CFG_COL_PIDS] = {"pids", NULL},
	[CFG_COL_UPTIME] = {"uptime", NULL},
	[CFG_COL_TTL] = {"ttl", NULL},
	[CFG_COL_OWNER] = {"owner", NULL},
	[CFG_COL_TASK] = {"task", NULL},
};

static const char *const roles[CFG_ROLE_COUNT] = {
	[CFG_ROLE_TITLE] = "title",
	[CFG_ROLE_HEADER] = "header",
	[CFG_ROLE_RUNNING] = "running",
	[CFG_ROLE_PAUSED] = "paused",
	[CFG_ROLE_STOPPED] = "stopped",
	[CFG_ROLE_RESTARTING] = "restarting",
	[CFG_ROLE_OTHER] = "other",
	[CFG_ROLE_BANNER_ERROR] = "banner-error",
	[CFG_ROLE_BANNER_INFO] = "banner-info",
	[CFG_ROLE_KEY] = "key",
	[CFG_ROLE_HINT] = "hint",
	[CFG_ROLE_MESSAGE] = "message",
	[CFG_ROLE_DIM] = "dim",
	[CFG_ROLE_WARN] = "warn",
	[CFG_ROLE_ALERT] = "alert",
};

#define D CFG_COLOUR_DEFAULT
/* The screen's look before there was a config file (tui/draw.c). */
static const struct cfg_colour builtin[CFG_ROLE_COUNT] = {
	[CFG_ROLE_TITLE] = {D, D, CFG_ATTR_BOLD},
	[CFG_ROLE_HEADER] = {0, 2, 0},
	[CFG_ROLE_RUNNING] = {2, D, 0},
	[CFG_ROLE_PAUSED] = {3, D, 0},
	[CFG_ROLE_STOPPED] = {1, D, 0},
	[CFG_ROLE_RESTARTING] = {5, D, 0},
	[CFG_ROLE_OTHER] = {D, D, 0},
	[CFG_ROLE_BANNER_ERROR] = {7, 1, CFG_ATTR_BOLD},
	[CFG_ROLE_BANNER_INFO] = {0, 3, 0},
	[CFG_ROLE_KEY] = {0, 6, 0},
	[CFG_ROLE_HINT] = {D, D, 0},
	[CFG_ROLE_MESSAGE] = {3, D, CFG_ATTR_BOLD},
	[CFG_ROLE_DIM] = {D, D, CFG_ATTR_DIM},
	[CFG_ROLE_WARN] = {3, D, CFG_ATTR_BOLD},
	[CFG_ROLE_ALERT] = {7, 1, CFG_ATTR_BOLD},
};
#undef D

const char *cfg_col_name(enum cfg_col col)
{
	return (int)col >= 0 && col < CFG_COL_COUNT ? cols[col].name : "";
}

void cfg_col_names(char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < CFG_COL_COUNT && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? " " : "", cols[i].name);
}

int cfg_col_from_name(const char *name)
{
	for (int i = 0; i < CFG_COL_COUNT; i++)
		if (!strcasecmp(name, cols[i].name) || (cols[i].title && !strcasecmp(name, cols[i].title)))
			return i;
	return -1;
}

const char *cfg_role_name(enum cfg_role r)
{
	return (int)r >= 0 && r < CFG_ROLE_COUNT ? roles[r] : "";
}

int cfg_role_from_name(const char *name)
{
	for (int i = 0; i < CFG_ROLE_COUNT; i++)
		if (!strcmp(name, roles[i]))
			return i;
	return -1;
}

struct cfg_colour cfg_colour_builtin(enum cfg_role r)
{
	if ((int)r < 0 || r >= CFG_ROLE_COUNT)
		return (struct cfg_colour){CFG_COLOUR_DEFAULT, CFG_COLOUR_DEFAULT, 0};
	return builtin[r];
}

/* Colour names: the ANSI eight, their bright forms (8-15), the terminal's own. */
static const char *const colour_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
	"bright-white",
};

int cfg_colour_parse(const char *s)
{
	if (!strcasecmp(s, "default"))
		return CFG_COLOUR_DEFAULT;
	for (int i = 0; i < 16; i++)
		if (!strcasecmp(s, colour_names[i]))
			return i;
	/* 0-255, plain decimal: no sign, no leading zeros beyond "0" */
	size_t n = strlen(s);
	if (n == 0 || n > 3 || strspn(s, "0123456789") != n || (n > 1 && s[0] == '0'))
		return -2;
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v <= 255 ? v : -2;
}

void cfg_colour_format(int colour, char *out, size_t n)
{
	if (colour == CFG_COLOUR_DEFAULT)
		snprintf(out, n, "default");
	else if (colour >= 0 && colour < 16)
		snprintf(out, n, "%s", colour_names[colour]);
	else
		snprintf(out, n, "%d", colour);
}

const char *cfg_source_name(enum st_source s)
{
	switch (s) {
	case ST_SRC_CGROUP: return "cgroup";
	case ST_SRC_API: return "api";
	default: return "auto";
	}
}

static bool key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
	       ch == '_' || ch == '-' || ch == '/';
}

/* Printable ASCII that is safe inside the engine's JSON filter as it is. */
static bool value_char(char ch)
{
	return ch > ' ' && ch < 0x7f && ch != '"' && ch != '\\' && ch != '\'';
}

int cfg_label_check(const char *sel, char *key, char *value)
{
	size_t len = strlen(sel);
	if (len == 0 || len > CFG_LABEL_MAX)
		return -1;
	const char *eq = strchr(sel, '=');
	size_t klen = eq ? (size_t)(eq - sel) : len;
	if (klen == 0)
		return -1;
	for (size_t i = 0; i < klen; i++)
		if (!key_char(sel[i]))
			return -1;
	if (eq) {
		if (!eq[1])
			return -1;   /* KEY= would match only an empty value: say KEY */
		for (const char *p = eq + 1; *p; p++)
			if (!value_char(*p))
				return -1;
	}
	if (key) {
		memcpy(key, sel, klen);
		key[klen] = '\0';
	}
	if (value)
		strcpy(value, eq ? eq + 1 : "");
	return 0;
}
