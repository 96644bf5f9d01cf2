/* targets: what the action commands act on (names, --all, --label): never the first of several matches, never dropped; from the engine's own records on disk when it does not answer; and the ASCII-only JSON strings their reports use. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jsonstr.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "docker/ondisk.h"

#define LIST_WAIT_MS 30000       /* without the on-disk fallback */
#define CANDIDATES_SHOWN 5

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

static bool label_match(const struct dk_container *c, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[256];
	snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
	const char *v = dk_container_label(c, key);
	return v && (!eq || !strcmp(v, eq + 1));
}

/* Live: what --all acts on (a restarting one comes back by itself). */
static bool live(const struct dk_container *c)
{
	static const char *const up[] = {"running", "paused", "restarting"};
	for (size_t i = 0; c->state && i < sizeof up / sizeof up[0]; i++)
		if (!strcmp(c->state, up[i]))
			return true;
	return false;
}

/* Target c, picked by the name o->ids[name] (-1: by --all or --label). */
static void add(struct cli_targets *t, const struct dk_container *c, int name)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->sel[i] == c)
			return;   /* named twice, or named and labelled: acted on once */
	t->sel_name[t->n] = name;
	t->sel[t->n++] = c;
}

/* "NAME matches 3 containers: a (0123456789ab), b (...), ...": refused. */
static void ambiguous(struct cli_targets *t, const char *want, const struct dk_container **hit, size_t nhit)
{
	struct buf b;
	buf_init(&b, 4096);
	char safe[128];
	sanitize_fit(want, 40, safe, sizeof safe);
	buf_printf(&b, "'%s' matches %zu containers: ", safe, nhit);
	for (size_t i = 0; i < nhit && i < CANDIDATES_SHOWN; i++) {
		sanitize_fit(hit[i]->name ? hit[i]->name : "", 40, safe, sizeof safe);
		buf_printf(&b, "%s%s (%.12s)", i ? ", " : "", safe, hit[i]->id);
	}
	if (nhit > CANDIDATES_SHOWN)
		buf_printf(&b, ", and %zu more", nhit - CANDIDATES_SHOWN);
	buf_puts(&b, "; say which (a longer id prefix, or the name)");
	t->ambiguous = xrealloc(t->ambiguous, (t->nambiguous + 1) * sizeof *t->ambiguous);
	t->ambiguous[t->nambiguous++] = buf_steal(&b);
}

/* The container named want: an exact name or full id, else the only one
 * whose id starts with want (at least 4 characters). */
static void pick_named(struct cli_targets *t, const char *want, int name)
{
	const struct dk_container **hit = xcalloc(t->list.n + 1, sizeof *hit);
	size_t nhit = 0, n = strlen(want);
	for (size_t j = 0; j < t->list.n; j++) {
		const struct dk_container *c = &t->list.items[j];
		if ((c->name && !strcmp(c->name, want)) || !strcmp(c->id, want)) {
			hit[0] = c;
			nhit = 1;
			break;
		}
		if (n >= 4 && !strncmp(c->id, want, n))
			hit[nhit++] = c;
	}
	if (nhit == 1)
		add(t, hit[0], name);
	else if (nhit == 0)
		t->unknown[t->nunknown++] = want;
	else
		ambiguous(t, want, hit, nhit);
	free(hit);
}

/* The engine gave no list (why says how: no answer in time, or its
 * failure): its own records under its data root. */
static int from_disk(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *t, const char *who,
                     const char *why)
{
	struct err e;
	char *root = o->data_root ? xstrdup(o->data_root) : dk_data_root_find("/proc", dk_client_endpoint(c), &e);
	if (!root) {
		sanitize_fprintf(stderr, "sandtop: %s%s, and its records cannot be read: %s\n", who, why, e.msg);
		return CLI_UNREACHABLE;
	}
	size_t skipped = 0;
	struct dk_container_list l;
	if (dk_ondisk_list(root, &l, &skipped, &e) < 0) {
		sanitize_fprintf(stderr, "sandtop: %s%s, and %s\n", who, why, e.msg);
		free(root);
		return CLI_UNREACHABLE;
	}
	dk_container_list_free(&t->list);
	t->list = l;
	t->from_disk = true;
	snprintf(t->data_root, sizeof t->data_root, "%s", root);
	sanitize_fprintf(stderr, "sandtop: %s%s: the sandboxes are taken from its records in "
		"%s/containers (%zu%s) and the kernel acts on them\n", who, why, root, l.n, skipped ? ", some unreadable" : "");
	free(root);
	return CLI_OK;
}

void cli_targets_begin(struct dk_client *c, struct cli_targets *t)
{
	memset(t, 0, sizeof *t);
	dk_list_containers(c, true, NULL, on_list, t);
}

int cli_targets_wait(const struct cli_act_opts *o)
{
	return o->engine_wait_ms > 0 ? o->engine_wait_ms : LIST_WAIT_MS;
}

int cli_targets_pick(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *t)
{
	cli_targets_begin(c, t);
	bool late = dk_client_run(c, cli_targets_wait(o)) < 0;
	return cli_targets_end(c, o, t, late);
}

int cli_targets_end(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *t, bool late)
{
	bool fallback = o->engine_wait_ms > 0;
	bool answered = !late && t->listed;
	char who[CFG_ENDPOINT_MAX + 16] = "";
	if (o->engine)
		snprintf(who, sizeof who, "engine %s: ", o->engine);
	if (answered && t->rc < 0 && t->e.code != ERR_TRANSPORT && t->e.code != ERR_VERSION) {
		sanitize_fprintf(stderr, "sandtop: %s%s\n", who, t->e.msg);
		return CLI_FAIL;
	}
	if (!answered || t->rc < 0) {
		if (!fallback) {
			sanitize_fprintf(stderr, "sandtop: %s%s\n", who, t->listed ? t->e.msg : "the engine did not answer");
			return CLI_UNREACHABLE;
		}
		char why[sizeof t->e.msg + 32];
		if (answered)   /* it answered with a failure: say which */
			snprintf(why, sizeof why, "no list from the engine (%s)", t->e.msg);
		else
			snprintf(why, sizeof why, "the engine did not answer within %d ms", o->engine_wait_ms);
		t->listed = true;   /* the late answer, if any, is not taken */
		int st = from_disk(c, o, t, who, why);
		if (st != CLI_OK)
			return st;
	}
	t->sel = xcalloc(t->list.n + o->nids + 1, sizeof *t->sel);
	t->sel_name = xcalloc(t->list.n + o->nids + 1, sizeof *t->sel_name);
	t->unknown = xcalloc(o->nids + 1, sizeof *t->unknown);
	/* the named ones in the order given (unknown and ambiguous names are kept to report) */
	for (size_t i = 0; i < o->nids; i++)
		pick_named(t, o->ids[i], (int)i);
	/* then every sandbox matching --all (the live ones) or --label */
	if (o->all || o->label)
		for (size_t j = 0; j < t->list.n; j++) {
			const struct dk_container *ct = &t->list.items[j];
			if (!label_match(ct, o->selector ? o->selector : "sandtop.sandbox") || (o->label && !label_match(ct, o->label)))
				continue;
			if (o->all && !o->label && !live(ct))
				continue;
			add(t, ct, -1);
		}
	return CLI_OK;
}

void cli_targets_free(struct cli_targets *t)
{
	for (size_t i = 0; i < t->nambiguous; i++)
		free(t->ambiguous[i]);
	free(t->ambiguous);
	free(t->sel);
	free(t->sel_name);
	free(t->unknown);
	dk_container_list_free(&t->list);
	memset(t, 0, sizeof *t);
}

void cli_json_str(FILE *fp, const char *s)
{
	char *safe = sanitize_dup(s ? s : "", s ? strlen(s) : 0);
	struct buf b;
	buf_init(&b, (size_t)-1 / 2);
	jsonstr_put(&b, safe, JSONSTR_ALL);
	fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
	free(safe);
}

void cli_json_journal_error(FILE *fp, const char *err)
{
	/* audit_log_error: journal_error's old name, for a release */
	static const char *const keys[] = {"journal_error", "audit_log_error"};
	for (int i = 0; i < 2; i++) {
		fprintf(fp, ",\"%s\":", keys[i]);
		if (err && err[0])
			cli_json_str(fp, err);
		else
			fputs("null", fp);
	}
}
