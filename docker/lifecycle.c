/* lifecycle: the Engine API calls an operator's controls make: pause, unpause, stop, restart, kill, remove, network disconnect. */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"

const char *const dk_signal_names[] = {
	"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
	"SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS", NULL,
};

int dk_signal_canon(const char *signal, char *out, size_t outcap)
{
	if (!signal || !*signal || strlen(signal) > 16 || outcap < 17)
		return -1;
	size_t n = strlen(signal);
	if (strspn(signal, "0123456789") == n) {
		if (signal[0] == '0' || n > 2 || atoi(signal) > 64)
			return -1;
		snprintf(out, outcap, "%s", signal);
		return 0;
	}
	char up[20] = "SIG";
	const char *s = !strncasecmp(signal, "SIG", 3) ? signal + 3 : signal;
	size_t k = 3;
	for (; *s && k < sizeof up - 1; s++)
		up[k++] = (char)toupper((unsigned char)*s);
	up[k] = '\0';
	for (size_t i = 0; dk_signal_names[i]; i++) {
		if (!strcmp(up, dk_signal_names[i])) {
			snprintf(out, outcap, "%s", up);
			return 0;
		}
	}
	return -1;
}

int dk_signal_number(const char *canon)
{
	static const struct { const char *name; int no; } tab[] = {
		{"SIGHUP", SIGHUP}, {"SIGINT", SIGINT}, {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL}, {"SIGTRAP", SIGTRAP},
		{"SIGABRT", SIGABRT}, {"SIGBUS", SIGBUS}, {"SIGFPE", SIGFPE}, {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1},
		{"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2}, {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM},
		{"SIGTERM", SIGTERM}, {"SIGSTKFLT", SIGSTKFLT}, {"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT},
		{"SIGSTOP", SIGSTOP}, {"SIGTSTP", SIGTSTP}, {"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU}, {"SIGURG", SIGURG},
		{"SIGXCPU", SIGXCPU}, {"SIGXFSZ", SIGXFSZ}, {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF},
		{"SIGWINCH", SIGWINCH}, {"SIGIO", SIGIO}, {"SIGPWR", SIGPWR}, {"SIGSYS", SIGSYS},
	};
	if (!canon || !*canon)
		return -1;
	if (strspn(canon, "0123456789") == strlen(canon))
		return atoi(canon) >= 1 && atoi(canon) <= 64 ? atoi(canon) : -1;
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(canon, tab[i].name))
			return tab[i].no;
	return -1;
}

/* The public callback, what a 304 means for this call, the text of a 409
 * that means the same (engine 20.10 answers 409 "already paused" to a pause
 * of a paused container; Podman 500 "is already paused"), and the text of a
 * 500 that is really a conflict (engine 20.10 answers 500 to an unpause of a
 * container that is not paused, and to a disconnect from a network the
 * container is not on; Podman 500 "container state improper" to a kill, or
 * a stop while it is still ending, of one that is not running). */
struct act_ctx {
	dk_done_cb cb;
	void *ud;
	const char *note304;
	const char *done409;
	const char *conflict500;
};

/* Podman's 500 to a kill (or a stop) of a container that is not running
 * ("can only kill running containers. ID is in state exited: container
 * state improper", or while it is ending just "container state improper:
 * stopped"): the engine 20.10's 409 "is not running" in its words. */
#define NOT_RUNNING_500 "container state improper"

static void act_done(struct dk_req *r, int rc, const struct err *e)
{
	struct act_ctx *a = r->ctx;
	struct err ok;
	err_clear(&ok);
	if (rc < 0 && (r->status == 304 ||
	               ((r->status == 409 || r->status == 500) && a->done409 && strstr(e->msg, a->done409)))) {
		/* "not modified": already in the state asked for */
		snprintf(ok.msg, sizeof ok.msg, "%s", a->note304 ? a->note304 : "nothing to do");
		rc = 0;
	} else if (rc < 0 && r->status == 500 && a->conflict500 && strstr(e->msg, a->conflict500)) {
		ok = *e;
		ok.code = ERR_CONFLICT;
		e = &ok;
	}
	a->cb(a->ud, rc, rc == 0 ? &ok : e);
}

/* A request to path (the id already in it) that succeeds with any 2xx
 * (204 in practice) or 304; post is owned by the request. bad: a reason to
 * refuse it before sending, or NULL. */
static struct act_ctx *act_send(struct dk_client *c, const char *method, char *path, char *post, long timeout_ms,
                                const char *note304, const char *bad, dk_done_cb cb, void *ud)
{
	struct dk_req *r = dk_req_new(c, method, path ? path : "/", true);
	free(path);
	r->post = post;
	r->timeout_ms = timeout_ms;
	struct act_ctx *a = xcalloc(1, sizeof *a);
	a->cb = cb;
	a->ud = ud;
	a->note304 = note304;
	r->ctx = a;
	r->ctx_free = free;
	r->done = act_done;
	if (bad) {
		struct err e;
		err_set(&e, ERR_USAGE, "%s", bad);
		dk_req_reject(r, &e);
		return a;
	}
	dk_req_submit(r);
	return a;
}

static const char *check_id(const char *id)
{
	if (!id || !*id)
		return "no container given";
	if (strlen(id) > DK_ID_MAX)
		return "container id too long";
	return NULL;
}

/* "/containers/ESCAPED-ID<suffix>", or NULL when the id is refused. */
static char *container_path(const char *id, const char *suffix)
{
	if (check_id(id))
		return NULL;
	return dk_escaped_path("/containers/", id, suffix);
}

void dk_pause(struct dk_client *c, const char *id, dk_done_cb cb, void *ud)
{
	act_send(c, "POST", container_path(id, "/pause"), NULL, DK_ACTION_TIMEOUT_MS, "already paused", check_id(id),
	         cb, ud)->done409 = "already paused";
}

void dk_unpause(struct dk_client *c, const char *id, dk_done_cb cb, void *ud)
{
	act_send(c, "POST", container_path(id, "/unpause"), NULL, DK_ACTION_TIMEOUT_MS, "not paused", check_id(id),
	         cb, ud)->conflict500 = "is not paused";
}

/* stop and restart: ?t=N, and a request timeout longer than N */
static void stop_like(struct dk_client *c, const char *id, const char *what, int timeout_s, const char *note304,
                      dk_done_cb cb, void *ud)
{
	const char *bad = check_id(id);
	if (!bad && (timeout_s < 0 || timeout_s > DK_STOP_TIMEOUT_MAX))
		bad = "stop timeout out of range (0..3600 s)";
	char suffix[48];
	snprintf(suffix, sizeof suffix, "/%s?t=%d", what, timeout_s);
	long ms = (long)timeout_s * 1000L + dk_client_stop_grace_ms(c);
	act_send(c, "POST", container_path(id, suffix), NULL, ms, note304, bad, cb, ud)->conflict500 = NOT_RUNNING_500;
}

void dk_stop(struct dk_client *c, const char *id, int timeout_s, dk_done_cb cb, void *ud)
{
	stop_like(c, id, "stop", timeout_s, "already stopped", cb, ud);
}

void dk_restart(struct dk_client *c, const char *id, int timeout_s, dk_done_cb cb, void *ud)
{
	stop_like(c, id, "restart", timeout_s, NULL, cb, ud);
}

void dk_kill(struct dk_client *c, const char *id, const char *signal, dk_done_cb cb, void *ud)
{
	char sig[24] = "SIGKILL";
	const char *bad = check_id(id);
	if (!bad && signal && dk_signal_canon(signal, sig, sizeof sig) < 0)
		bad = "unknown signal (a name such as SIGTERM, or a number 1..64)";
	char *suffix = dk_escaped_path("/kill?signal=", sig, "");
	char *path = container_path(id, suffix);
	free(suffix);
	act_send(c, "POST", path, NULL, DK_ACTION_TIMEOUT_MS, NULL, bad, cb, ud)->conflict500 = NOT_RUNNING_500;
}

void dk_remove(struct dk_client *c, const char *id, bool force, dk_done_cb cb, void *ud)
{
	/* v=false: volumes are evidence; link=false: never touch a link */
	const char *suffix = force ? "?force=true&v=false&link=false" : "?force=false&v=false&link=false";
	act_send(c, "DELETE", container_path(id, suffix), NULL, DK_ACTION_TIMEOUT_MS, NULL, check_id(id), cb, ud);
}

void dk_network_disconnect(struct dk_client *c, const char *network, const char *id, bool force, dk_done_cb cb,
                           void *ud)
{
	const char *bad = check_id(id);
	if (!bad && (!network || !*network))
		bad = "no network given";
	if (!bad && strlen(network) > DK_ID_MAX)
		bad = "network name too long";
	char *path = NULL, *post = NULL;
	if (!bad) {
		path = dk_escaped_path("/networks/", network, "/disconnect");
		post = dk_disconnect_body(id, force);
	}
	act_send(c, "POST", path, post, DK_ACTION_TIMEOUT_MS, NULL, bad, cb, ud)->conflict500 = "is not connected";
}
