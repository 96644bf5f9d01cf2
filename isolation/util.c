/* util: names of results and severities, the worst check, and appending a check to a report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/sanitize.h"
#include "isolation/internal.h"
#include "sandbox/seccomp.h"

const char *iso_result_name(enum iso_result r)
{
	switch (r) {
	case ISO_PASS: return "PASS";
	case ISO_WARN: return "WARN";
	case ISO_UNVERIFIABLE: return "UNVERIFIABLE";
	case ISO_FAIL: return "FAIL";
	}
	return "?";
}

const char *iso_sev_name(enum iso_sev s)
{
	switch (s) {
	case ISO_INFO: return "INFO";
	case ISO_LOW: return "LOW";
	case ISO_MED: return "MEDIUM";
	case ISO_HIGH: return "HIGH";
	case ISO_CRIT: return "CRITICAL";
	}
	return "?";
}

int iso_sev_parse(const char *s, enum iso_sev *out)
{
	static const struct { const char *name; enum iso_sev sev; } names[] = {
		{"CRIT", ISO_CRIT}, {"CRITICAL", ISO_CRIT}, {"HIGH", ISO_HIGH}, {"MED", ISO_MED},
		{"MEDIUM", ISO_MED}, {"LOW", ISO_LOW}, {"INFO", ISO_INFO},
	};
	for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
		if (!strcasecmp(s, names[i].name)) {
			*out = names[i].sev;
			return 0;
		}
	return -1;
}

const char *iso_label(const struct dk_hardening *h, const char *key)
{
	for (size_t i = 0; i < h->nlabels; i++)
		if (!strcmp(h->labels[i].key, key))
			return h->labels[i].from_image ? NULL : h->labels[i].value;
	return NULL;
}

/* a worse than b: the result first, then the severity */
static bool worse(const struct iso_check *a, const struct iso_check *b)
{
	if (a->result != b->result)
		return a->result > b->result;
	return a->result != ISO_PASS && a->sev > b->sev;
}

const struct iso_check *iso_worst(const struct iso_report *r)
{
	const struct iso_check *w = NULL;
	for (size_t i = 0; r && i < r->n; i++)
		if (!w || worse(&r->checks[i], w))
			w = &r->checks[i];
	return w;
}

int iso_check_order(const void *pa, const void *pb)
{
	const struct iso_check *a = *(const struct iso_check *const *)pa, *b = *(const struct iso_check *const *)pb;
	if (worse(a, b))
		return -1;
	if (worse(b, a))
		return 1;
	return strcmp(a->id, b->id);
}

size_t iso_sorted(const struct iso_report *r, const struct iso_check **out)
{
	size_t n = 0;
	for (size_t i = 0; r && i < r->n; i++)
		out[n++] = &r->checks[i];
	qsort(out, n, sizeof *out, iso_check_order);
	return n;
}

bool iso_fails_at(const struct iso_report *r, enum iso_sev min)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->checks[i].result == ISO_FAIL && r->checks[i].sev >= min)
			return true;
	return false;
}

void iso_add(struct iso_report *r, const char *id, const char *title, enum iso_result res, enum iso_sev sev,
             const char *fmt, ...)
{
	if (r->n >= ISO_CHECKS_MAX)
		return;
	struct iso_check *c = &r->checks[r->n++];
	c->id = id;
	c->title = title;
	c->result = res;
	c->sev = sev;
	char raw[ISO_REASON_MAX * 2];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	size_t len = k < 0 ? 0 : (size_t)k >= sizeof raw ? sizeof raw - 1 : (size_t)k;
	/* reasons quote engine text (paths, names): keep them one printable line */
	for (size_t i = 0; i < len; i++)
		if (raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t')
			raw[i] = ' ';
	sanitize_fit(raw, ISO_REASON_MAX, c->reason, sizeof c->reason);
}

bool iso_strv_has(const struct dk_strv *v, const char *s)
{
	for (size_t i = 0; v && i < v->n; i++)
		if (!strcasecmp(v->v[i], s))
			return true;
	return false;
}

bool iso_mode_is(const char *mode, const char *word)
{
	return mode && !strcasecmp(mode, word);
}

const struct dk_netinfo *iso_net_find(const struct dk_netinfo *nets, size_t n, const char *id)
{
	for (size_t i = 0; id && *id && i < n; i++)
		if (!strcmp(nets[i].id, id))
			return &nets[i];
	return NULL;
}

const char *iso_no_kernel(const struct iso_proc *p)
{
	if (!p)
		return "kernel not read (the engine is not on this host)";
	if (!p->ok)
		return p->why[0] ? p->why : "kernel not read";
	return "kernel state unknown";
}

void iso_confirm(struct iso_report *r, const char *id, const char *title, enum iso_sev sev, bool config_ok,
                 const char *what, const struct iso_proc *p, int kernel, const char *seen)
{
	if (!config_ok)
		iso_add(r, id, title, ISO_FAIL, sev, "%s", what);
	else if (kernel == 1)
		iso_add(r, id, title, ISO_PASS, sev, "%s; kernel: %s", what, seen);
	else if (kernel == 0)
		iso_add(r, id, title, ISO_FAIL, sev, "%s, but the kernel says %s", what, seen);
	else
		iso_add(r, id, title, ISO_UNVERIFIABLE, sev, "%s; %s", what, iso_no_kernel(p));
}

void iso_policy_default(struct iso_policy *pol, const char *endpoint)
{
	static char pinned[65];
	if (!pinned[0]) {
		struct err e = {0};
		if (dk_seccomp_canon_sha256(sandtop_seccomp_profile, sandtop_seccomp_profile_len, pinned, &e) < 0)
			pinned[0] = '\0';   /* our own file: make check proves it parses */
	}
	memset(pol, 0, sizeof *pol);
	pol->pinned_seccomp_sha256 = pinned;
	pol->local = endpoint && !strncmp(endpoint, "unix://", 7);
}
