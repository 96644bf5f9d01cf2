/* exec_stop: a sandbox's agent stopped (SIGSTOP) and continued (SIGCONT) by a shell script run through an exec as the sandbox's own user, for engines whose cgroups are out of reach; its untrusted output parsed with caps. */
#include "docker/exec_stop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"

#define CONT_SCRIPT_MAX (60u << 10)  /* an exec's argv is at most 64 KiB */
#define PID_MAX_VALUE 4194304         /* PID_MAX_LIMIT */

/* Built-ins only (sh, dash, bash, busybox ash): nothing is forked, so the
 * script never meets a child of its own in /proc. Per process one line:
 * "S PID START COMM" stopped, "K ..." kept running (display or VNC server),
 * "I ..." the init (pid 1: its own namespace's processes cannot stop it),
 * "A ... STATE COMM" stopped, traced or dead before, "F ..." kill failed;
 * "E ROUNDS" at the end. The whole stat file is read (a comm may hold a
 * newline) and split after its last ") ". */
static const char stop_script[] =
	"me=$$ seen=' ' r=0 new=1\n"
	"while [ $new = 1 ] && [ $r -lt " "8" " ]; do\n"
	"  r=$((r + 1)) new=0\n"
	"  for d in /proc/[0-9]*; do\n"
	"    p=${d#/proc/}\n"
	"    case $seen in *\" $p \"*) continue ;; esac\n"
	"    [ \"$p\" = \"$me\" ] && continue\n"
	"    c= st=\n"
	"    { IFS= read -r c; } 2>/dev/null <\"$d/comm\" || continue\n"
	"    while IFS= read -r l; do st=\"$st$l \"; done 2>/dev/null <\"$d/stat\"\n"
	"    set -- ${st##*) }\n"
	"    [ $# -ge 20 ] || continue\n"
	"    s=$1; shift 19; t=$1\n"
	"    seen=\"$seen$p \"\n"
	"    if [ \"$p\" = 1 ]; then echo \"I $p $t $c\"; continue; fi\n"
	"    case $c in Xvfb|Xorg|Xvnc|Xtigervnc|x11vnc)\n"
	"      for b in /usr/bin /usr/local/bin /bin; do\n"
	"        if [ \"$d/exe\" -ef \"$b/$c\" ]; then echo \"K $p $t $c\"; continue 2; fi\n"
	"      done ;;\n"
	"    esac\n"
	"    case $s in [TtZXx]) echo \"A $p $t $s $c\"; continue ;; esac\n"
	"    if kill -s STOP \"$p\" 2>/dev/null; then echo \"S $p $t $c\"; new=1; else echo \"F $p $t $c\"; fi\n"
	"  done\n"
	"done\n"
	"echo \"E $r $new\"\n";
_Static_assert(AG_ROUNDS == 8, "the script's round cap");

/* Then, for the pids given as PID:START words in the loop below: "C PID"
 * continued, "G PID" gone or another process now, "F PID" kill failed;
 * "E" at the end. */
static const char cont_head[] =
	"for x in";
static const char cont_tail[] =
	"; do\n"
	"  p=${x%:*} st=\n"
	"  while IFS= read -r l; do st=\"$st$l \"; done 2>/dev/null <\"/proc/$p/stat\"\n"
	"  set -- ${st##*) }\n"
	"  if [ $# -lt 20 ]; then echo \"G $p\"; continue; fi\n"
	"  shift 19\n"
	"  if [ \"$1\" != \"${x#*:}\" ]; then echo \"G $p\"; continue; fi\n"
	"  if kill -s CONT \"$p\" 2>/dev/null; then echo \"C $p\"; else echo \"F $p\"; fi\n"
	"done\n"
	"echo E\n";

/* ---- parsing ---- */

/* A decimal number of at most 20 digits at *p, then one blank or the end. */
static int take_num(char **p, unsigned long long *v)
{
	char *s = *p, *end;
	if (*s < '0' || *s > '9' || strspn(s, "0123456789") > 20)
		return -1;
	*v = strtoull(s, &end, 10);
	if (*end == ' ')
		end++;
	else if (*end)
		return -1;
	*p = end;
	return 0;
}

static const char *const why_of[] = {
	['I'] = "the sandbox's init", ['F'] = "kill failed (another user's process?)",
};

static int parse_line(char *l, struct ag_stop *st, bool *end, struct err *e)
{
	char code = l[0];
	if (!code || l[1] != ' ')
		return err_set(e, ERR_PARSE, "not the stop script's output");
	char *p = l + 2;
	unsigned long long pid, start, rounds, forking;
	if (code == 'E') {
		if (take_num(&p, &rounds) < 0 || take_num(&p, &forking) < 0 || rounds > 100 || forking > 1)
			return err_set(e, ERR_PARSE, "a malformed last line");
		st->rounds = (int)rounds;
		st->still_forking = forking == 1;
		*end = true;
		return 0;
	}
	if (!strchr("SKIAF", code))
		return err_set(e, ERR_PARSE, "an unknown line");
	if (take_num(&p, &pid) < 0 || pid < 1 || pid > PID_MAX_VALUE || take_num(&p, &start) < 0)
		return err_set(e, ERR_PARSE, "a malformed process line");
	for (size_t i = 0; i < st->n; i++)
		if (st->p[i].pid == (int)pid)
			return err_set(e, ERR_PARSE, "process %llu twice", pid);
	if (st->n >= AG_MAX) {
		st->over_cap++;
		return 0;
	}
	struct ag_proc *a = &st->p[st->n++];
	memset(a, 0, sizeof *a);
	a->pid = (int)pid;
	a->start = start;
	char state = '?';
	if (code == 'A' && p[0] && p[1] == ' ') {
		state = p[0];
		p += 2;
	}
	sanitize_text(p, strlen(p), a->comm, sizeof a->comm);
	switch (code) {
	case 'S': a->kind = AG_STOPPED; st->stopped++; break;
	case 'K': a->kind = AG_KEPT; st->kept++;
		snprintf(a->why, sizeof a->why, "%s", ag_server(a->comm, NULL) ? ag_server(a->comm, NULL) : "?");
		break;
	case 'I': a->kind = AG_INIT; snprintf(a->why, sizeof a->why, "%s", why_of['I']); break;
	case 'A': a->kind = AG_ALREADY; st->already++;
		snprintf(a->why, sizeof a->why, "%s before", state == 'T' ? "stopped" : state == 't' ? "traced" : "dead");
		break;
	default: a->kind = AG_FAILED; st->failed++; snprintf(a->why, sizeof a->why, "%s", why_of['F']); break;
	}
	return 0;
}

int dk_agent_parse_stop(const char *out, size_t len, struct ag_stop *st, struct err *e)
{
	memset(st, 0, sizeof *st);
	st->exec = true;
	if (len > DK_AGENT_OUT_MAX || memchr(out, '\0', len))
		return err_set(e, ERR_PARSE, "the stop script's output is too long or binary");
	st->p = xcalloc(AG_MAX, sizeof *st->p);
	char *copy = xmalloc(len + 1);
	memcpy(copy, out, len);
	copy[len] = '\0';
	bool end = false;
	int rc = 0;
	for (char *cur = copy, *l; rc == 0 && (l = strsep(&cur, "\n"));) {
		if (!l[0] && !cur)
			break;
		if (end)
			rc = err_set(e, ERR_PARSE, "output after the last line");
		else
			rc = parse_line(l, st, &end, e);
	}
	if (rc == 0 && !end)
		rc = err_set(e, ERR_PARSE, "no last line (cut off?)");
	if (rc < 0) {
		/* what it printed, shown as the reason: "OCI runtime exec failed", "sh: not found" */
		char first[160];
		const char *nl = len ? memchr(out, '\n', len) : NULL;
		sanitize_text(out, nl ? (size_t)(nl - out) : len, first, sizeof first);
		err_set(e, ERR_PARSE, "%s: \"%s\"", e->msg, first);
	}
	free(copy);
	return rc;
}

int dk_agent_parse_cont(const char *out, size_t len, struct ag_stop *st, struct err *e)
{
	if (len > DK_AGENT_OUT_MAX || memchr(out, '\0', len))
		return err_set(e, ERR_PARSE, "the continue script's output is too long or binary");
	char *copy = xmalloc(len + 1);
	memcpy(copy, out, len);
	copy[len] = '\0';
	bool end = false;
	int rc = 0;
	for (char *cur = copy, *l; rc == 0 && (l = strsep(&cur, "\n"));) {
		if (!l[0] && !cur)
			break;
		char *p = l + 2;
		unsigned long long pid;
		struct ag_proc *a = NULL;
		if (end || !strchr("CGFE", l[0]) || !l[0])
			rc = err_set(e, ERR_PARSE, "not the continue script's output");
		else if (l[0] == 'E')
			end = l[1] == '\0' ? true : (rc = err_set(e, ERR_PARSE, "a malformed last line"), false);
		else if (l[1] != ' ' || take_num(&p, &pid) < 0 || *p)
			rc = err_set(e, ERR_PARSE, "a malformed line");
		else {
			for (size_t i = 0; i < st->n && !a; i++)
				if (st->p[i].pid == (int)pid && st->p[i].kind == AG_STOPPED && !st->p[i].continued)
					a = &st->p[i];
			if (!a)
				rc = err_set(e, ERR_PARSE, "process %llu was not asked for", pid);
			else if (l[0] == 'F')
				st->cont_failed++;
			else {
				a->continued = true;
				if (l[0] == 'C')
					st->continued++;
				else
					st->cont_gone++;
			}
		}
	}
	if (rc == 0 && !end)
		rc = err_set(e, ERR_PARSE, "no last line (cut off?)");
	free(copy);
	return rc;
}

/* ---- the execs ---- */

struct job {
	dk_agent_cb cb;
	void *ud;
	bool cont;
	struct ag_stop st;  /* cont: a copy of the caller's, marked */
};

static void job_free(void *p)
{
	struct job *j = p;
	if (!j)
		return;
	ag_clear(&j->st);
	free(j);
}

static void captured(void *ud, int rc, const struct err *e, struct dk_capture *res)
{
	struct job *j = ud;
	struct err pe;
	err_clear(&pe);
	if (rc < 0) {
		j->cb(j->ud, -1, e, NULL);
	} else if (res->cut) {
		struct err ignored;
		if (!j->cont)  /* what it did stop counts (the parse fails: no last line) */
			dk_agent_parse_stop(res->out.data, res->out.len, &j->st, &ignored);
		err_set(&pe, ERR_PARSE, "the script printed more than %u bytes", DK_AGENT_OUT_MAX);
		j->cb(j->ud, -1, &pe, j->cont ? NULL : &j->st);
	} else if (j->cont) {
		if (dk_agent_parse_cont(res->out.data ? res->out.data : "", res->out.len, &j->st, &pe) < 0)
			j->cb(j->ud, -1, &pe, &j->st);
		else
			j->cb(j->ud, 0, &pe, &j->st);
	} else if (dk_agent_parse_stop(res->out.data ? res->out.data : "", res->out.len, &j->st, &pe) < 0) {
		j->cb(j->ud, -1, &pe, j->st.n ? &j->st : NULL);
	} else {
		j->cb(j->ud, 0, &pe, &j->st);
	}
	job_free(j);
}

static void rejected(struct dk_req *r, int rc, const struct err *e)
{
	(void)rc;
	struct job *j = r->ctx;
	j->cb(j->ud, -1, e, NULL);
}

static void run(struct dk_client *c, const char *id, const char *script, struct job *j)
{
	const char *const argv[] = {"/bin/sh", "-c", script, NULL};
	if (dk_tunnel_capture(c, id, argv, DK_AGENT_OUT_MAX, DK_AGENT_EXEC_TIMEOUT_MS, captured, j, job_free))
		return;
	struct err e;
	err_set(&e, ERR_USAGE, "no container given, or its id is too long");
	struct dk_req *r = dk_req_new(c, "GET", "/", true);
	r->ctx = j;
	r->ctx_free = job_free;
	r->done = rejected;
	dk_req_reject(r, &e);
}

void dk_agent_stop_exec(struct dk_client *c, const char *id, dk_agent_cb cb, void *ud)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->cb = cb;
	j->ud = ud;
	run(c, id, stop_script, j);
}

void dk_agent_cont_exec(struct dk_client *c, const char *id, const struct ag_stop *st, dk_agent_cb cb,
                        void *ud)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->cb = cb;
	j->ud = ud;
	j->cont = true;
	j->st = *st;
	j->st.p = xcalloc(st->n ? st->n : 1, sizeof *st->p);
	memcpy(j->st.p, st->p, st->n * sizeof *st->p);
	j->st.continued = j->st.cont_gone = j->st.cont_failed = 0;
	struct buf b;
	buf_init(&b, CONT_SCRIPT_MAX);
	buf_puts(&b, cont_head);
	size_t asked = 0;
	for (size_t i = 0; i < st->n; i++)
		if (st->p[i].kind == AG_STOPPED && !st->p[i].continued) {
			buf_printf(&b, " %d:%llu", st->p[i].pid, st->p[i].start);
			asked++;
		}
	buf_puts(&b, cont_tail);
	if (b.overflow || !asked) {
		/* cannot happen within AG_MAX pids; nothing to ask: no exec */
		struct err e;
		err_set(&e, b.overflow ? ERR_USAGE : ERR_OK, "%s", b.overflow ? "too many processes for one exec" : "");
		buf_free(&b);
		struct dk_req *r = dk_req_new(c, "GET", "/", true);
		r->ctx = j;
		r->ctx_free = job_free;
		r->done = rejected;
		dk_req_reject(r, &e);
		return;
	}
	char *script = buf_steal(&b);
	run(c, id, script, j);
	free(script);
}
