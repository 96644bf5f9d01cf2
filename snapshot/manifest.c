/* manifest: the bundle's manifest.json: what was taken, each step's result, each file's size and sha256 (ASCII-only JSON). */
#include "snapshot/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonstr.h"
#include "base/sanitize.h"

#define STR_MAX 4096
#define MANIFEST_MAX (4u << 20)

static const char *const step_names[SNAP_STEP_COUNT] = {
	[SNAP_STEP_STOP] = "stop", [SNAP_STEP_SCREENSHOT] = "screenshot", [SNAP_STEP_PAUSE] = "pause", [SNAP_STEP_INSPECT] = "inspect",
	[SNAP_STEP_LOGS] = "logs", [SNAP_STEP_COMMIT] = "commit", [SNAP_STEP_SCRATCH] = "scratch",
	[SNAP_STEP_STATS] = "stats", [SNAP_STEP_RESUME] = "resume", [SNAP_STEP_CONTINUE] = "continue",
	[SNAP_STEP_MANIFEST] = "manifest",
};

const char *snap_step_name(enum snap_step_id s)
{
	return (int)s >= 0 && s < SNAP_STEP_COUNT ? step_names[s] : "?";
}

const char *snap_state_name(enum snap_state s)
{
	switch (s) {
	case SNAP_PENDING: return "pending";
	case SNAP_OK: return "ok";
	case SNAP_SKIPPED: return "skipped";
	case SNAP_FAILED: return "failed";
	}
	return "?";
}

/* untrusted bytes (names, paths, the engine's words): made valid text first */
static void jstr(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	char *safe = sanitize_dup(s, strlen(s));
	jsonstr_put(b, safe, STR_MAX);
	free(safe);
}

static void key(struct buf *b, const char *k, const char *s)
{
	buf_printf(b, ",\"%s\":", k);
	jstr(b, s);
}

static void tree_stats(struct buf *b, const struct snap_tree_stats *st)
{
	buf_printf(b, ",\"files\":%" PRIu64 ",\"dirs\":%" PRIu64 ",\"symlinks\":%" PRIu64 ",\"bytes\":%" PRIu64
	           ",\"specials\":%" PRIu64 ",\"mounts_not_entered\":%" PRIu64 ",\"unreadable\":%" PRIu64
	           ",\"over_cap\":%" PRIu64 ",\"truncated\":%s,\"notes\":[",
	           st->files, st->dirs, st->symlinks, st->bytes, st->specials, st->mounts, st->unreadable, st->over_cap,
	           st->truncated ? "true" : "false");
	bool first = true;
	for (const char *p = st->notes; *p;) {
		size_t k = strcspn(p, "\n");
		char line[SNAP_TREE_NOTES];
		snprintf(line, sizeof line, "%.*s", (int)k, p);
		if (!first)
			buf_puts(b, ",");
		first = false;
		jstr(b, line);
		p += k + (p[k] == '\n');
	}
	buf_puts(b, "]");
}

static const char *const kind_names[] = {
	[AG_STOPPED] = "stopped", [AG_KEPT] = "left_running", [AG_INIT] = "left_running",
	[AG_ALREADY] = "left_alone", [AG_FAILED] = "not_stopped",
};

/* One list of the agent's processes, "name":[...] (a comma first unless
 * first): those whose kind is listed under that name. */
static void proc_list(struct buf *b, const struct ag_stop *st, const char *list, bool first_key)
{
	buf_printf(b, "%s\"%s\":[", first_key ? "" : ",", list);
	bool first = true;
	for (size_t i = 0; i < st->n; i++) {
		const struct ag_proc *p = &st->p[i];
		if (p->kind > AG_FAILED || strcmp(kind_names[p->kind], list))
			continue;
		buf_printf(b, "%s{\"pid\":%d", first ? "" : ",", p->pid);
		first = false;
		key(b, "comm", p->comm);
		if (!st->exec)
			key(b, "exe", p->exe[0] ? p->exe : NULL);
		if (p->why[0])
			key(b, "why", p->why);
		if (p->kind == AG_STOPPED)
			buf_printf(b, ",\"late\":%s,\"continued\":%s", p->late ? "true" : "false",
			           p->continued ? "true" : "false");
		buf_puts(b, "}");
	}
	buf_puts(b, "]");
}

/* "agent_stop": how the agent was stopped before the evidence, what was
 * left running, for how long it was stopped before the freeze or pause. */
static void agent_json(struct buf *b, const struct snap_agent *a)
{
	static const char *const lists[] = {"stopped", "left_running", "left_alone", "not_stopped"};
	const struct ag_stop *st = a->st;
	buf_puts(b, ",\"agent_stop\":{\"method\":");
	jstr(b, st ? a->method : NULL);
	key(b, "note", a->why);
	if (st) {
		buf_printf(b, ",\"pid_namespace\":\"%s\",\"stopped\":%zu,\"left_running\":%zu,\"left_alone\":%zu,"
		           "\"not_stopped\":%zu,\"late\":%zu,\"over_cap\":%zu,\"rounds\":%d,\"still_forking\":%s",
		           st->exec ? "sandbox" : "host", st->stopped, st->kept, st->already, st->failed, st->late,
		           st->over_cap, st->rounds, st->still_forking ? "true" : "false");
		key(b, "held_by", a->held_by);
		if (a->stopped_ms >= 0)
			buf_printf(b, ",\"stopped_before_hold_ms\":%lld", (long long)a->stopped_ms);
		else
			buf_puts(b, ",\"stopped_before_hold_ms\":null");
		buf_printf(b, ",\"continued\":%zu,\"continue_gone\":%zu,\"continue_failed\":%zu", st->continued,
		           st->cont_gone, st->cont_failed);
		key(b, "problems", st->note[0] ? st->note : NULL);
		key(b, "operator_must", a->todo);
		buf_puts(b, ",\"processes\":{");
		for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
			proc_list(b, st, lists[k], k == 0);
		buf_puts(b, "}");
	}
	buf_puts(b, "}");
}

char *snap_manifest_json(const struct snap_manifest *m)
{
	struct buf b;
	buf_init(&b, MANIFEST_MAX);
	char t0[40], t1[40];
	snap_rfc3339(m->started_ms, t0, sizeof t0);
	snap_rfc3339(m->finished_ms, t1, sizeof t1);
	buf_printf(&b, "{\"format\":\"sandtop-snapshot\",\"version\":%d", SNAP_FORMAT_VERSION);
	buf_puts(&b, ",\"container\":{\"id\":");
	jstr(&b, m->id);
	key(&b, "name", m->name);
	key(&b, "image", m->image);
	key(&b, "state_before", m->state_before);
	buf_printf(&b, ",\"pid\":%d}", m->pid);
	buf_puts(&b, ",\"operator\":");
	snap_operator_json(&b);
	key(&b, "reason", m->reason);
	buf_printf(&b, ",\"keep_paused\":%s", m->keep_paused ? "true" : "false");
	key(&b, "started", t0);
	key(&b, "finished", t1);
	buf_printf(&b, ",\"duration_ms\":%lld", (long long)(m->finished_ms - m->started_ms));
	buf_puts(&b, ",\"image\":");
	if (m->image_id && m->image_id[0]) {
		buf_puts(&b, "{\"id\":");
		jstr(&b, m->image_id);
		key(&b, "repo", m->repo);
		key(&b, "tag", m->tag);
		if (m->image_how)
			key(&b, "how", m->image_how);
		buf_puts(&b, "}");
	} else {
		buf_puts(&b, "null");
	}
	buf_puts(&b, ",\"steps\":[");
	for (int i = 0; i < SNAP_STEP_COUNT; i++) {
		const struct snap_step *s = &m->steps[i];
		buf_printf(&b, "%s{\"step\":\"%s\",\"result\":\"%s\"", i ? "," : "", step_names[i], snap_state_name(s->state));
		key(&b, "detail", s->msg[0] ? s->msg : NULL);
		buf_printf(&b, ",\"ms\":%lld", (long long)s->ms);
		if (s->at_ms > 0) {
			char at[40];
			snap_rfc3339(s->at_ms, at, sizeof at);
			key(&b, "at", at);
		} else {
			buf_puts(&b, ",\"at\":null");
		}
		buf_puts(&b, "}");
	}
	buf_puts(&b, "],\"scratch\":[");
	for (size_t i = 0; i < m->nscratch; i++) {
		const struct snap_scratch *s = &m->scratch[i];
		buf_puts(&b, i ? ",{\"path\":" : "{\"path\":");
		jstr(&b, s->dest);
		key(&b, "type", s->type);
		buf_printf(&b, ",\"writable\":%s", s->rw ? "true" : "false");
		key(&b, "file", s->file[0] ? s->file : NULL);
		buf_printf(&b, ",\"result\":\"%s\"", snap_state_name(s->state));
		key(&b, "method", s->method[0] ? s->method : NULL);
		key(&b, "detail", s->msg[0] ? s->msg : NULL);
		if (!strcmp(s->method, "host"))
			tree_stats(&b, &s->st);
		buf_puts(&b, "}");
	}
	buf_puts(&b, "],\"files\":[");
	for (size_t i = 0; i < m->nfiles; i++) {
		buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
		jstr(&b, m->files[i].name);
		buf_printf(&b, ",\"size\":%" PRIu64 ",\"sha256\":\"%s\"", m->files[i].size, m->files[i].sha256);
		key(&b, "how", m->files[i].how[0] ? m->files[i].how : NULL);
		buf_puts(&b, "}");
	}
	buf_puts(&b, "]");
	if (m->agent)
		agent_json(&b, m->agent);
	buf_puts(&b, "}\n");
	if (b.overflow) { /* cannot happen with the caps above; never hand out a cut manifest */
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}
