/* keymap: the action and table names, the binding store, lookup and dump. */
#include "keymaps/keymap.h"
#include "base/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct km_action_info {
	const char *name;
	const char *help;
};

static const struct km_action_info km_actions[KA_COUNT] = {
#define KM_ACTION(id, name, help) [KA_##id] = { name, help },
#include "keymaps/actions.def"
#undef KM_ACTION
};

static const char *const km_tables[KT_COUNT] = {
	[KT_GLOBAL] = "*",
	[KT_LIST] = "list",
	[KT_HELP] = "help",
	[KT_VIEW] = "view",
	[KT_WALL] = "wall",
	[KT_LOGS] = "logs",
};

/* Bindings are kept grouped by table (enum order), each group in the order
 * keys were first bound: that is the dump order and the "first key" order. */
struct km_entry {
	enum km_table table;
	int key;
	enum km_action action;
	char *note;     /* owned; NULL if none */
};

struct keymap {
	struct km_entry *v;
	size_t n;
	size_t cap;
};

const char *km_action_name(enum km_action a)
{
	if ((int)a < 0 || a >= KA_COUNT)
		return "";
	return km_actions[a].name;
}

/* Actions' old names, read for a release after a rename. */
static const struct {
	const char *name;
	enum km_action action;
} km_old_names[] = {
	{"audit", KA_ISOLATION},
};

int km_action_from_name(const char *name)
{
	for (int a = 0; a < KA_COUNT; a++)
		if (strcmp(name, km_actions[a].name) == 0)
			return a;
	for (size_t i = 0; i < sizeof km_old_names / sizeof km_old_names[0]; i++)
		if (strcmp(name, km_old_names[i].name) == 0)
			return (int)km_old_names[i].action;
	return -1;
}

const char *km_action_help(enum km_action a)
{
	if ((int)a < 0 || a >= KA_COUNT)
		return "";
	return km_actions[a].help;
}

const char *km_table_name(enum km_table t)
{
	if ((int)t < 0 || t >= KT_COUNT)
		return "";
	return km_tables[t];
}

int km_table_from_name(const char *name)
{
	for (int t = 0; t < KT_COUNT; t++)
		if (strcmp(name, km_tables[t]) == 0)
			return t;
	return -1;
}

struct keymap *keymap_new(void)
{
	return xcalloc(1, sizeof(struct keymap));
}

void keymap_free(struct keymap *km)
{
	if (!km)
		return;
	for (size_t i = 0; i < km->n; i++)
		free(km->v[i].note);
	free(km->v);
	free(km);
}

/* Index of key's entry in table t, or -1. */
static long km_find(const struct keymap *km, enum km_table t, int key)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->v[i].table == t && km->v[i].key == key)
			return (long)i;
	return -1;
}

static bool km_key_valid(int key)
{
	char name[KM_KEY_NAME_MAX];

	km_key_name(key, name, sizeof name);
	return name[0] != '\0';
}

int keymap_bind(struct keymap *km, enum km_table t, int key, enum km_action a, const char *note)
{
	if ((int)t < 0 || t >= KT_COUNT || (int)a < 0 || a >= KA_COUNT || !km_key_valid(key))
		return -1;
	char *copy = note && *note ? xstrdup(note) : NULL;
	long at = km_find(km, t, key);
	if (at >= 0) {
		struct km_entry *e = &km->v[at];
		free(e->note);
		e->action = a;
		e->note = copy;
		return 0;
	}
	if (km->n >= KM_BINDINGS_MAX) {
		free(copy);
		return -1;
	}
	if (km->n == km->cap) {
		km->cap = km->cap ? km->cap * 2 : 32;
		km->v = xrealloc(km->v, km->cap * sizeof *km->v);
	}
	/* after the last entry of table t or of any earlier table */
	size_t pos = km->n;
	while (pos > 0 && km->v[pos - 1].table > t)
		pos--;
	memmove(&km->v[pos + 1], &km->v[pos], (km->n - pos) * sizeof *km->v);
	km->v[pos] = (struct km_entry){ .table = t, .key = key, .action = a, .note = copy };
	km->n++;
	return 0;
}

int keymap_unbind(struct keymap *km, enum km_table t, int key)
{
	long at = km_find(km, t, key);
	if (at < 0)
		return -1;
	free(km->v[at].note);
	memmove(&km->v[at], &km->v[at + 1], (km->n - (size_t)at - 1) * sizeof *km->v);
	km->n--;
	return 0;
}

enum km_action keymap_lookup(const struct keymap *km, enum km_table t, int key)
{
	long at = km_find(km, t, key);
	if (at < 0 && t != KT_GLOBAL)
		at = km_find(km, KT_GLOBAL, key);
	return at < 0 ? KA_NONE : km->v[at].action;
}

void keymap_key_for(const struct keymap *km, enum km_table t, enum km_action a, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < km->n; i++) {
		const struct km_entry *e = &km->v[i];
		if (e->table == t && e->action == a) {
			km_key_name(e->key, out, n);
			return;
		}
	}
	if (t == KT_GLOBAL)
		return;
	for (size_t i = 0; i < km->n; i++) {
		const struct km_entry *e = &km->v[i];
		if (e->table == KT_GLOBAL && e->action == a && km_find(km, t, e->key) < 0) {
			km_key_name(e->key, out, n);
			return;
		}
	}
}

size_t keymap_count(const struct keymap *km)
{
	return km->n;
}

int keymap_binding(const struct keymap *km, size_t i, struct km_binding *out)
{
	if (i >= km->n)
		return -1;
	const struct km_entry *e = &km->v[i];
	*out = (struct km_binding){ .table = e->table, .key = e->key, .action = e->action, .note = e->note };
	return 0;
}

/* Print s as one keymap-file token: bare when the parser reads it back
 * unchanged (and !quote), else in double quotes with \ and " escaped. */
static void km_put_token(FILE *fp, const char *s, bool quote)
{
	bool bare = !quote && *s != '\0' && *s != '#';
	for (const char *p = s; *p && bare; p++)
		if (*p == ' ' || *p == '\t' || *p == '\'' || *p == '"' || *p == '\\')
			bare = false;
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

void keymap_dump(const struct keymap *km, FILE *fp)
{
	char key[KM_KEY_NAME_MAX];

	fputs("# bind [-n \"note\"] <table> <key> <action>\n", fp);
	for (size_t i = 0; i < km->n; i++) {
		const struct km_entry *e = &km->v[i];
		if (i == 0 || e->table != km->v[i - 1].table)
			fprintf(fp, "# table %s\n", km_tables[e->table]);
		fputs("bind ", fp);
		if (e->note) {
			fputs("-n ", fp);
			km_put_token(fp, e->note, true);
			fputc(' ', fp);
		}
		km_key_name(e->key, key, sizeof key);
		fprintf(fp, "%s ", km_tables[e->table]);
		km_put_token(fp, key, false);
		fprintf(fp, " %s\n", km_actions[e->action].name);
	}
}
