/* run: keeps every sandbox's isolation checks current: inspect, network lookups, /proc, host facts, re-evaluation on events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "isolation/run.h"

#define RUN_INFLIGHT_MAX 4
/* events arriving together (start, then connect, ...) make one evaluation */
#define RUN_DEBOUNCE_MS 200
/* exec sessions come and go (health checks, our own relay): at most one
 * evaluation for them per container in this long */
#define RUN_EXEC_MIN_MS 10000
/* the longest iso_runner_hold_host holds the host facts back */
#define RUN_HOST_HOLD_MAX_MS 3000
/* /info or /version failed: ask again this much later */
#define RUN_HOST_RETRY_MS 10000
/* The health checks' exec ids kept per sandbox: one runs at a time, a few
 * may linger in ExecIDs until the engine drops them. */
#define RUN_HEALTH_EXECS 4
#define RUN_ENDED_EXECS 32

enum ent_state { E_IDLE, E_QUEUED, E_INSPECT, E_WAIT };

struct entry {
	char id[65];
	enum ent_state st;
	bool again;              /* another round once this one ends */
	uint64_t seq;            /* this round's number (runner-wide): stale answers are dropped */
	int64_t due_ms;          /* mono ms a queued round may start */
	int64_t wanted_ms;       /* mono ms of the last want: an inspect asked before it is stale */
	int64_t exec_eval_ms;    /* mono ms of the last exec-triggered round */
	struct dk_hardening h;
	bool have_h;
	bool img_wait;           /* the image's labels are being looked up (from_image) */
	unsigned exec_wait;      /* exec sessions being looked up (a health check or not?) */
	struct iso_report rep;
	bool have_rep;
	char err[200];
	/* the exec ids of the engine's latest health checks (exec_create events
	 * whose command is the health command): not sessions anyone opened */
	char health_exec[RUN_HEALTH_EXECS][65];
	unsigned health_next;
	/* exec sessions seen ended (Podman lists them until the container
	 * stops; an ended one never runs again): not looked up again */
	char ended_exec[RUN_ENDED_EXECS][65];
	unsigned ended_next;
};

struct netc {
	char id[65];             /* "" until a lookup by name answers */
	char *name;              /* looked up by this name (Podman puts the network's name
	                          * in NetworkID), else NULL */
	int st;                  /* 0 fetching, 1 known, 2 failed */
	struct dk_netinfo info;
};

/* A request's context. The runner keeps them all in a list, so that the
 * ones whose answers never come (the client freed first) are freed too. */
struct ctx {
	struct iso_runner *r;
	char id[65];
	char exec_id[65];        /* an exec lookup's session */
	char *net_name;          /* a network lookup by name: the name */
	uint64_t seq;
	struct ctx *prev, *next;
};

struct iso_runner {
	struct dk_client *c;
	struct iso_policy pol;
	char *pinned;
	struct entry **ents;
	size_t nents;
	struct netc **nets;
	size_t nnets;
	size_t inflight;
	bool host_asking;        /* /info and /version requested */
	bool host_answered;      /* they answered (or failed: host_err) at least once */
	struct dk_hostinfo host;
	struct iso_report host_rep;
	char host_err[200];
	int64_t host_retry_ms;   /* mono ms to ask /info again after a failure; 0 none */
	int64_t host_hold_ms;    /* mono ms until which the first ask waits (iso_runner_hold_host); 0 none */
	uint64_t gen;
	uint64_t seq;            /* rounds over every entry: an answer from before a drop never matches */
	struct ctx *ctxs;        /* requests in flight */
};

static struct ctx *ctx_new(struct iso_runner *r, const char *id, uint64_t seq)
{
	struct ctx *x = xcalloc(1, sizeof *x);
	x->r = r;
	snprintf(x->id, sizeof x->id, "%s", id);
	x->seq = seq;
	x->next = r->ctxs;
	if (r->ctxs)
		r->ctxs->prev = x;
	r->ctxs = x;
	return x;
}

static void ctx_free(struct ctx *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		x->r->ctxs = x->next;
	if (x->next)
		x->next->prev = x->prev;
	free(x->net_name);
	free(x);
}


/* ents are kept in the order of their ids: the screen looks one up for
 * every row it draws. The index of the first entry whose id is not below id. */
static size_t lower(const struct iso_runner *r, const char *id)
{
	size_t lo = 0, hi = r->nents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(r->ents[mid]->id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct entry *find(const struct iso_runner *r, const char *id)
{
	size_t i = lower(r, id);
	return i < r->nents && !strcmp(r->ents[i]->id, id) ? r->ents[i] : NULL;
}

static struct netc *net_find(const struct iso_runner *r, const char *id)
{
	for (size_t i = 0; *id && i < r->nnets; i++)
		if (!strcmp(r->nets[i]->id, id))
			return r->nets[i];
	return NULL;
}

static struct netc *net_named(const struct iso_runner *r, const char *name)
{
	for (size_t i = 0; i < r->nnets; i++)
		if (r->nets[i]->name && !strcmp(r->nets[i]->name, name))
			return r->nets[i];
	return NULL;
}

/* The cache entry of a sandbox's network: by its id, else by its name. */
static struct netc *net_of(const struct iso_runner *r, const struct dk_hnet *hn)
{
	return hn->id[0] ? net_find(r, hn->id) : net_named(r, hn->name);
}

static void netc_free(struct netc *n)
{
	dk_netinfo_clear(&n->info);
	free(n->name);
	free(n);
}

struct iso_runner *iso_runner_new(struct dk_client *c, const struct iso_policy *pol)
{
	struct iso_runner *r = xcalloc(1, sizeof *r);
	r->c = c;
	if (pol)
		r->pol = *pol;
	r->pinned = xstrdup(pol && pol->pinned_seccomp_sha256 ? pol->pinned_seccomp_sha256 : "");
	r->pol.pinned_seccomp_sha256 = r->pinned;
	return r;
}

void iso_runner_free(struct iso_runner *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nents; i++) {
		dk_hardening_clear(&r->ents[i]->h);
		free(r->ents[i]);
	}
	for (size_t i = 0; i < r->nnets; i++)
		netc_free(r->nets[i]);
	while (r->ctxs)
		ctx_free(r->ctxs);
	free(r->ents);
	free(r->nets);
	dk_hostinfo_clear(&r->host);
	free(r->pinned);
	free(r);
}

/* Queue a round for id after delay_ms. */
static void want(struct iso_runner *r, const char *id, int64_t delay_ms)
{
	if (!id || strlen(id) != 64)
		return;
	struct entry *e = find(r, id);
	if (!e) {
		e = xcalloc(1, sizeof *e);
		memcpy(e->id, id, 65);
		size_t at = lower(r, id);
		r->ents = xrealloc(r->ents, (r->nents + 1) * sizeof *r->ents);
		memmove(r->ents + at + 1, r->ents + at, (r->nents - at) * sizeof *r->ents);
		r->ents[at] = e;
		r->nents++;
	}
	e->wanted_ms = clock_mono_ms();
	if (e->st == E_INSPECT || e->st == E_WAIT) {
		e->again = true;
		return;
	}
	int64_t due = e->wanted_ms + delay_ms;
	if (e->st != E_QUEUED || due < e->due_ms)
		e->due_ms = due;
	e->st = E_QUEUED;
}

void iso_runner_want(struct iso_runner *r, const char *id)
{
	want(r, id, 0);
}

void iso_runner_drop(struct iso_runner *r, const char *id)
{
	size_t i = lower(r, id);
	if (i == r->nents || strcmp(r->ents[i]->id, id))
		return;
	struct entry *e = r->ents[i];
	if (e->st == E_INSPECT)
		r->inflight--;
	dk_hardening_clear(&e->h);
	free(e);
	r->nents--;
	memmove(r->ents + i, r->ents + i + 1, (r->nents - i) * sizeof *r->ents);
	r->gen++;
}

/* cmd (an exec_create event's command line, cut at sizeof detail - 1) is
 * h's health check */
static bool is_health_check(const struct dk_hardening *h, const char *cmd)
{
	size_t n = strlen(cmd), full = sizeof ((struct dk_event *)0)->detail - 1;
	if (!*h->health_cmd || !n)
		return false;
	return n == full ? !strncmp(cmd, h->health_cmd, n) : !strcmp(cmd, h->health_cmd);
}

/* exec_id is one of the engine's health checks on e's sandbox. */
static bool is_health_exec(const struct entry *e, const char *exec_id)
{
	for (size_t i = 0; i < RUN_HEALTH_EXECS; i++)
		if (!strcmp(e->health_exec[i], exec_id))
			return true;
	return false;
}

static bool is_ended_exec(const struct entry *e, const char *exec_id)
{
	for (size_t i = 0; i < RUN_ENDED_EXECS; i++)
		if (!strcmp(e->ended_exec[i], exec_id))
			return true;
	return false;
}

static void remember_health_exec(struct entry *e, const char *exec_id)
{
	if (!is_health_exec(e, exec_id))
		snprintf(e->health_exec[e->health_next++ % RUN_HEALTH_EXECS], 65, "%s", exec_id);
}

void iso_runner_event(struct iso_runner *r, const struct dk_event *ev)
{
	static const char *const redo[] = {"start", "restart", "update", "pause", "unpause", "die", "rename",
	                                   "connect", "disconnect"};
	if (!strcmp(ev->type, "network") && (!strcmp(ev->action, "destroy") || !strcmp(ev->action, "remove"))) {
		for (size_t i = 0; i < r->nnets; i++)
			if (!strcmp(r->nets[i]->id, ev->id) && r->nets[i]->st != 0) {
				netc_free(r->nets[i]);
				r->nets[i] = r->nets[--r->nnets];
				break;
			}
		return;
	}
	if (!ev->container[0])
		return;
	if (!strcmp(ev->type, "container") && !strcmp(ev->action, "destroy")) {
		iso_runner_drop(r, ev->container);
		return;
	}
	if (!strcmp(ev->action, "exec_create") || !strcmp(ev->action, "exec_die")) {
		struct entry *e = find(r, ev->container);
		if (!e)
			return;   /* not a sandbox we check */
		/* the engine's own health checks come every few seconds: not a
		 * session anyone opened; and an exec ending matters only when the
		 * last look saw one */
		if (!strcmp(ev->action, "exec_create") && e->have_h && is_health_check(&e->h, ev->detail)) {
			if (ev->exec_id[0])
				remember_health_exec(e, ev->exec_id);
			return;
		}
		if (!strcmp(ev->action, "exec_die") &&
		    !(e->have_rep && e->h.nexec_ids > e->h.nexec_own + e->h.nexec_health + e->h.nexec_ended))
			return;
		int64_t now = clock_mono_ms();
		int64_t delay = RUN_DEBOUNCE_MS;
		if (e->exec_eval_ms && now - e->exec_eval_ms < RUN_EXEC_MIN_MS)
			delay = e->exec_eval_ms + RUN_EXEC_MIN_MS - now;
		e->exec_eval_ms = now + delay;
		want(r, e->id, delay);   /* in flight: one more round after it */
		return;
	}
	/* only the containers already audited: new sandboxes come from the
	 * caller (iso_runner_want), not every container on the engine */
	if (!find(r, ev->container))
		return;
	for (size_t i = 0; i < sizeof redo / sizeof *redo; i++)
		if (!strcmp(ev->action, redo[i])) {
			want(r, ev->container, RUN_DEBOUNCE_MS);
			return;
		}
}

/* ---- one round: inspect -> networks (and host) -> /proc -> evaluate ---- */

static void finish(struct iso_runner *r, struct entry *e)
{
	struct iso_proc proc, *p = NULL;
	if (r->pol.local) {
		iso_proc_read("/proc", e->h.pid, e->h.id, &proc);
		p = &proc;
	}
	struct dk_netinfo *nets = xcalloc(e->h.nnets + 1, sizeof *nets);
	size_t nn = 0;
	for (size_t i = 0; i < e->h.nnets; i++) {
		struct netc *n = net_of(r, &e->h.nets[i]);
		if (n && n->st == 1) {
			nets[nn++] = n->info;   /* shallow: only read during the call */
			if (!e->h.nets[i].id[0])   /* named, not identified: the checks match by id */
				memcpy(e->h.nets[i].id, n->info.id, sizeof e->h.nets[i].id);
		}
	}
	iso_evaluate(&e->h, p, nets, nn, r->host_answered && !r->host_err[0] ? &r->host : NULL, &r->pol, clock_wall_ms(), &e->rep);
	free(nets);
	e->have_rep = true;
	e->err[0] = '\0';
	r->gen++;
}

static bool needs_net_lookup(const struct dk_hardening *h)
{
	const char *m = h->network_mode;
	return strcmp(m, "none") != 0 && strcmp(m, "host") != 0 && strncmp(m, "container:", 10) != 0;
}

/* Every lookup the round waits for has ended: evaluate. */
static void try_finish(struct iso_runner *r, struct entry *e)
{
	if (e->st != E_WAIT || !r->host_answered || e->img_wait || e->exec_wait)
		return;
	if (needs_net_lookup(&e->h))
		for (size_t i = 0; i < e->h.nnets; i++) {
			struct netc *n = net_of(r, &e->h.nets[i]);
			if (n && n->st == 0)
				return;
		}
	finish(r, e);
	e->st = E_IDLE;
	if (e->again) {
		e->again = false;
		want(r, e->id, 0);
	}
}

static void wake_waiting(struct iso_runner *r)
{
	for (size_t i = 0; i < r->nents; i++)
		try_finish(r, r->ents[i]);
}

static void net_done(void *ud, int rc, const struct err *er, const struct dk_netinfo *info)
{
	struct ctx *x = ud;
	struct iso_runner *r = x->r;
	struct netc *n = x->net_name ? net_named(r, x->net_name) : net_find(r, x->id);
	ctx_free(x);
	if (!n || n->st != 0)
		return;
	if (rc == 0) {
		n->info = *info;   /* take a deep copy of the strings */
		if (!n->id[0])
			memcpy(n->id, info->id, sizeof n->id);   /* a destroy event names it by id */
		n->info.name = xstrdup(info->name ? info->name : "");
		n->info.driver = xstrdup(info->driver ? info->driver : "");
		n->info.bridge_name = xstrdup(info->bridge_name ? info->bridge_name : "");
		n->st = 1;
	} else {
		log_msg(LOG_WARN, "iso: network %.12s: %s", n->id, er ? er->msg : "?");
		n->st = 2;
	}
	wake_waiting(r);
}

static void host_done(void *ud, int rc, const struct err *er, const struct dk_hostinfo *h)
{
	struct iso_runner *r = ud;
	r->host_asking = false;
	r->host_answered = true;
	dk_hostinfo_clear(&r->host);
	memset(&r->host, 0, sizeof r->host);
	if (rc == 0) {
		r->host = *h;   /* plain data: nothing on the heap */
		r->host_err[0] = '\0';
		iso_evaluate_host(&r->host, NULL, dk_client_endpoint(r->c), &r->host_rep);
		r->host_retry_ms = 0;
	} else {
		sanitize_fit(er ? er->msg : "?", sizeof r->host_err / 2, r->host_err, sizeof r->host_err);
		iso_evaluate_host(NULL, r->host_err, dk_client_endpoint(r->c), &r->host_rep);
		r->host_retry_ms = clock_mono_ms() + RUN_HOST_RETRY_MS;
	}
	r->gen++;
	/* the rounds waiting for the host go on (without it when it failed) */
	wake_waiting(r);
}

/* Look a sandbox's network up, by its id, else by its name, unless it is
 * known or being looked up (a failed lookup is tried again). */
static void net_lookup(struct iso_runner *r, const struct dk_hnet *hn)
{
	if (!hn->id[0] && !*hn->name)
		return;
	struct netc *n = net_of(r, hn);
	if (n && n->st != 2)
		return;
	if (!n) {
		n = xcalloc(1, sizeof *n);
		memcpy(n->id, hn->id, sizeof n->id);
		if (!hn->id[0])
			n->name = xstrdup(hn->name);
		r->nets = xrealloc(r->nets, (r->nnets + 1) * sizeof *r->nets);
		r->nets[r->nnets++] = n;
	}
	n->st = 0;
	struct ctx *x = ctx_new(r, n->id, 0);
	if (n->name && !n->id[0])
		x->net_name = xstrdup(n->name);
	dk_network_inspect(r->c, x->net_name ? x->net_name : n->id, net_done, x);
}

static bool has_own_label(const struct dk_hardening *h)
{
	for (size_t i = 0; i < h->nlabels; i++)
		if (!strncmp(h->labels[i].key, DK_OWN_LABEL_PREFIX, strlen(DK_OWN_LABEL_PREFIX)))
			return true;
	return false;
}

/* The image's labels: which of the sandbox's sandtop.* labels it set (those
 * are ignored by the checks and reported by KS-07). */
static void image_done(void *ud, int rc, const struct err *er, bool known, const struct dk_label *labels, size_t n)
{
	struct ctx *x = ud;
	struct iso_runner *r = x->r;
	struct entry *e = find(r, x->id);
	uint64_t seq = x->seq;
	ctx_free(x);
	if (!e || e->seq != seq || e->st != E_WAIT || !e->img_wait)
		return;
	if (rc < 0)
		log_msg(LOG_WARN, "iso: labels of image %.12s: %s: its sandtop.* labels count as the image's",
		        e->h.image_id, er ? er->msg : "?");
	/* not known: every sandtop.* label counts as the image's */
	dk_labels_mark_from_image(e->h.labels, e->h.nlabels, rc == 0 && known, labels, n);
	e->img_wait = false;
	try_finish(r, e);
}

/* An exec session the events did not name: is it the engine's health check? */
static void exec_done(void *ud, int rc, const struct err *er, const char *cmdline, bool running)
{
	struct ctx *x = ud;
	struct iso_runner *r = x->r;
	struct entry *e = find(r, x->id);
	uint64_t seq = x->seq;
	char exec_id[65];
	memcpy(exec_id, x->exec_id, sizeof exec_id);
	ctx_free(x);
	if (!e || e->seq != seq || e->st != E_WAIT || !e->exec_wait)
		return;
	(void)er;   /* gone or unreadable: it counts as a session someone opened */
	if (rc == 0 && e->h.health_cmd && !strcmp(cmdline, e->h.health_cmd)) {
		remember_health_exec(e, exec_id);
		e->h.nexec_health++;
	} else if (rc == 0 && !running) {
		e->h.nexec_ended++;   /* ended: Podman still lists it */
		snprintf(e->ended_exec[e->ended_next++ % RUN_ENDED_EXECS], 65, "%s", exec_id);
	}
	e->exec_wait--;
	try_finish(r, e);
}

static void inspect_done(void *ud, int rc, const struct err *er, const char *json, size_t len)
{
	struct ctx *x = ud;
	struct iso_runner *r = x->r;
	struct entry *e = find(r, x->id);
	uint64_t seq = x->seq;
	ctx_free(x);
	if (!e || e->seq != seq || e->st != E_INSPECT)
		return;
	r->inflight--;
	struct err pe = {0};
	struct dk_hardening h;
	if (rc == 0) {
		/* the last good facts stay until new ones parse */
		if (dk_parse_hardening(json, len, &h, &pe) == 0) {
			dk_hardening_clear(&e->h);
			e->h = h;
			e->have_h = true;
			for (size_t i = 0; i < e->h.exec_ids.n; i++) {
				const char *xid = e->h.exec_ids.v[i];
				if (dk_client_owns_exec(r->c, xid)) {
					e->h.nexec_own++;
				} else if (is_health_exec(e, xid)) {
					e->h.nexec_health++;
				} else if (is_ended_exec(e, xid)) {
					e->h.nexec_ended++;
				} else {
					struct ctx *q = ctx_new(r, e->id, e->seq);
					snprintf(q->exec_id, sizeof q->exec_id, "%s", xid);
					e->exec_wait++;
					dk_exec_cmdline(r->c, xid, exec_done, q);
				}
			}
			e->st = E_WAIT;
			e->img_wait = has_own_label(&e->h);
			if (e->img_wait)
				dk_image_labels(r->c, e->h.image_id, image_done, ctx_new(r, e->id, e->seq));
			if (needs_net_lookup(&e->h))
				for (size_t i = 0; i < e->h.nnets; i++)
					net_lookup(r, &e->h.nets[i]);
			try_finish(r, e);
			return;
		}
		dk_hardening_clear(&h);
		er = &pe;
	}
	sanitize_fit(er ? er->msg : "?", sizeof e->err / 2, e->err, sizeof e->err);
	e->st = E_IDLE;
	r->gen++;
	if (er && er->code == ERR_NOTFOUND) {
		iso_runner_drop(r, e->id);
		return;
	}
	if (e->again) {
		e->again = false;
		want(r, e->id, 0);
	}
}

void iso_runner_feed(struct iso_runner *r, const char *id, int64_t asked_ms, const char *json, size_t len)
{
	struct entry *e = find(r, id);
	bool fresh = !e;
	if (fresh) {
		want(r, id, 0);
		e = find(r, id);
	}
	/* an answer asked for before the last reason to look again (an event
	 * in between) may not show what that changed: not taken */
	if (!e || e->st != E_QUEUED || (!fresh && asked_ms <= e->wanted_ms))
		return;
	e->st = E_INSPECT;
	e->seq = ++r->seq;
	r->inflight++;
	inspect_done(ctx_new(r, e->id, e->seq), 0, NULL, json, len);
}

void iso_runner_host_refresh(struct iso_runner *r)
{
	if (r->host_asking)
		return;   /* the old facts serve meanwhile */
	r->host_asking = true;
	dk_host_info(r->c, host_done, r);
}

void iso_runner_hold_host(struct iso_runner *r)
{
	if (!r->host_answered && !r->host_asking)
		r->host_hold_ms = clock_mono_ms() + RUN_HOST_HOLD_MAX_MS;
}

void iso_runner_release_host(struct iso_runner *r)
{
	r->host_hold_ms = 0;
}

int iso_runner_tick(struct iso_runner *r, int64_t now_wall_ms)
{
	int64_t now = clock_mono_ms();
	int64_t next = -1;
	if (r->host_hold_ms && now >= r->host_hold_ms)
		r->host_hold_ms = 0;
	if ((!r->host_answered && !r->host_asking && !r->host_hold_ms) || (r->host_retry_ms && now >= r->host_retry_ms)) {
		r->host_retry_ms = 0;
		iso_runner_host_refresh(r);
	}
	if (r->host_retry_ms)
		next = r->host_retry_ms - now;
	else if (r->host_hold_ms)
		next = r->host_hold_ms - now;
	for (size_t i = 0; i < r->nents; i++) {
		struct entry *e = r->ents[i];
		if (e->st == E_IDLE && e->have_rep && e->rep.recheck_wall_ms > 0) {
			if (now_wall_ms >= e->rep.recheck_wall_ms)
				want(r, e->id, 0);   /* a time budget ran out */
			else if (next < 0 || e->rep.recheck_wall_ms - now_wall_ms < next)
				next = e->rep.recheck_wall_ms - now_wall_ms;
		}
		if (e->st != E_QUEUED)
			continue;
		if (now < e->due_ms) {
			if (next < 0 || e->due_ms - now < next)
				next = e->due_ms - now;
			continue;
		}
		if (r->inflight >= RUN_INFLIGHT_MAX)
			continue;
		e->st = E_INSPECT;
		e->seq = ++r->seq;
		r->inflight++;
		dk_inspect_raw(r->c, e->id, inspect_done, ctx_new(r, e->id, e->seq));
	}
	return (int)(next > 60000 ? 60000 : next);
}

const struct iso_report *iso_runner_report(const struct iso_runner *r, const char *id)
{
	const struct entry *e = find(r, id);
	return e && e->have_rep ? &e->rep : NULL;
}

bool iso_runner_has(const struct iso_runner *r, const char *id)
{
	return find(r, id) != NULL;
}

const char *iso_runner_error(const struct iso_runner *r, const char *id)
{
	const struct entry *e = find(r, id);
	return e ? e->err : "";
}

const struct iso_report *iso_runner_host(const struct iso_runner *r)
{
	return r->host_rep.n ? &r->host_rep : NULL;
}

const char *iso_runner_host_error(const struct iso_runner *r)
{
	return r->host_err;
}

const struct dk_hostinfo *iso_runner_hostinfo(const struct iso_runner *r)
{
	return r->host_answered && !r->host_err[0] ? &r->host : NULL;
}

size_t iso_runner_pending(const struct iso_runner *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nents; i++)
		n += r->ents[i]->st != E_IDLE;
	return n;
}

uint64_t iso_runner_generation(const struct iso_runner *r)
{
	return r->gen;
}
