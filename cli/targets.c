/* targets: what the action commands act on (names, --all, --label), and the ASCII-only JSON strings their reports use. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xalloc.h"

static void on_list(void *ud, int rc, const struct err *e, struct dk_container_list *l)
{
	struct cli_targets *t = ud;
	t->listed = true;
	t->rc = rc;
	if (rc < 0) {
		t->e = *e;
	} else {
		t->list = *l;   /* take the items: the caller frees an empty list */
		l->items = NULL;
		l->n = 0;
	}
}

/* Does container c match what the operator named (a name, or an id prefix
 * of at least 4 characters)? */
static bool named(const struct dk_container *c, const char *want)
{
	size_t n = strlen(want);
	return (c->name && !strcmp(c->name, want)) || (n >= 4 && !strncmp(c->id, want, n));
}

static bool label_match(const struct dk_container *c, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[256];
	snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
	const char *v = dk_container_label(c, key);
	return v && (!eq || !strcmp(v, eq + 1));
}

int cli_targets_pick(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *t)
{
	memset(t, 0, sizeof *t);
	dk_list_containers(c, true, NULL, on_list, t);
	if (dk_client_run(c, 30000) < 0 || !t->listed || t->rc < 0) {
		fprintf(stderr, "sandtop: %s\n", t->listed ? t->e.msg : "the engine did not answer");
		return t->listed && t->e.code != DK_ETRANSPORT && t->e.code != DK_EVERSION ? CLI_FAIL : CLI_UNREACHABLE;
	}
	t->sel = xcalloc(t->list.n + o->nids + 1, sizeof *t->sel);
	t->unknown = xcalloc(o->nids + 1, sizeof *t->unknown);
	/* the named ones in the order given (unknown names are kept to report) */
	for (size_t i = 0; i < o->nids; i++) {
		const struct dk_container *hit = NULL;
		for (size_t j = 0; j < t->list.n && !hit; j++)
			if (named(&t->list.items[j], o->ids[i]))
				hit = &t->list.items[j];
		if (hit)
			t->sel[t->n++] = hit;
		else
			t->unknown[t->nunknown++] = o->ids[i];
	}
	/* then every sandbox matching --all (the live ones) or --label */
	if (o->all || o->label)
		for (size_t j = 0; j < t->list.n; j++) {
			const struct dk_container *ct = &t->list.items[j];
			if (!dk_container_label(ct, "sandtop.sandbox") || (o->label && !label_match(ct, o->label)))
				continue;
			if (o->all && !o->label && strcmp(ct->state, "running") && strcmp(ct->state, "paused"))
				continue;
			t->sel[t->n++] = ct;
		}
	return CLI_OK;
}

void cli_targets_free(struct cli_targets *t)
{
	free(t->sel);
	free(t->unknown);
	dk_container_list_free(&t->list);
	memset(t, 0, sizeof *t);
}

void cli_json_str(FILE *fp, const char *s)
{
	char *safe = sanitize_dup(s ? s : "", s ? strlen(s) : 0);
	const unsigned char *p = (const unsigned char *)safe;
	size_t n = strlen(safe);
	fputc('"', fp);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(p + i, n - i, &cp);
		if (cp == '"' || cp == '\\')
			fprintf(fp, "\\%c", (char)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			fputc((int)cp, fp);
		else if (cp == UTF8_INVALID)
			fprintf(fp, "\\ufffd");
		else if (cp < 0x10000)
			fprintf(fp, "\\u%04x", (unsigned)cp);
		else
			fprintf(fp, "\\u%04x\\u%04x", 0xD800u | ((cp - 0x10000) >> 10), 0xDC00u | ((cp - 0x10000) & 0x3FF));
	}
	fputc('"', fp);
	free(safe);
}
