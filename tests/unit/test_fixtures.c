/* test_fixtures: the engine answers captured under tests/fixtures, each parsed and held to the values its case file tests/fixtures/cases/NAME.expect says it must give (one loop, as curl's test cases). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/docker.h"
#include "docker/hardening.h"
#include "host/stats.h"
#include "tests/unit/helper/expect.h"
#include "tests/unit/helper/fields.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/fixture.h"

#define CASES "tests/fixtures/cases"

/* What one parse gave, kept until the checks are made. */
union answer {
	struct dk_container_list list;
	struct dk_container c;
	struct fx_events ev;
	struct dk_version_info version;
	struct err e;
	struct st_raw raw;
	struct dk_hardening h;
	struct dk_netinfo net;
};

/* A parser of the `parse = NAME [ARG]` line: body into a, s set to what the
 * checks read; the parser's own return code (0 expected). */
struct parser {
	const char *name;
	int (*parse)(const char *body, size_t len, const char *arg, union answer *a, struct ex_subject *s);
	void (*clear)(union answer *a);
};

static const void *list_item(const void *obj, size_t i)
{
	return &((const struct dk_container_list *)obj)->items[i];
}

static const char *container_name(const void *item)
{
	return ((const struct dk_container *)item)->name;
}

static int p_containers(const char *body, size_t len, const char *arg, union answer *a, struct ex_subject *s)
{
	(void)arg;
	struct err e;
	int rc = dk_parse_container_list(body, len, &a->list, &e);
	*s = (struct ex_subject){&a->list, fields_container_list, a->list.n, list_item, container_name,
	                         fields_container};
	return rc;
}

static void c_containers(union answer *a)
{
	dk_container_list_free(&a->list);
}

/* The parsers that fill one member of the answer from the whole body, the
 * checks read through table, and the clear of that member. */
#define PARSE_INTO(name, fn, member, table)                                                                  \
	static int p_##name(const char *body, size_t len, const char *arg, union answer *a, struct ex_subject *s) \
	{                                                                                                    \
		(void)arg;                                                                                   \
		struct err e = {0};                                                                          \
		*s = (struct ex_subject){.obj = &a->member, .fields = table};                                \
		return fn(body, len, &a->member, &e);                                                        \
	}
#define CLEAR_WITH(name, fn, member) \
	static void c_##name(union answer *a) \
	{                                     \
		fn(&a->member);               \
	}

PARSE_INTO(inspect, dk_parse_inspect, c, fields_container)        /* GET /containers/ID/json, for the list */
CLEAR_WITH(inspect, dk_container_clear, c)
PARSE_INTO(version, dk_parse_version, version, fields_version)     /* GET /version */
PARSE_INTO(stats, dk_stats_parse, raw, fields_st_raw)              /* GET /containers/ID/stats?stream=0 */
PARSE_INTO(hardening, dk_parse_hardening, h, fields_hardening)     /* GET /containers/ID/json, isolation */
CLEAR_WITH(hardening, dk_hardening_clear, h)
PARSE_INTO(netinfo, dk_parse_netinfo, net, fields_netinfo)         /* GET /networks/ID */
CLEAR_WITH(netinfo, dk_netinfo_clear, net)

static const void *event_item(const void *obj, size_t i)
{
	return &((const struct fx_events *)obj)->v[i];
}

/* A stream of events, one a line: each must parse. */
static int p_events(const char *body, size_t len, const char *arg, union answer *a, struct ex_subject *s)
{
	(void)arg;
	(void)len;
	int rc = 0;
	for (const char *l = body; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n) {
			struct err e;
			a->ev.v = xrealloc(a->ev.v, (a->ev.n + 1) * sizeof *a->ev.v);
			if (dk_parse_event(l, n, &a->ev.v[a->ev.n++], &e) < 0)
				rc = -1;
		}
		l = nl ? nl + 1 : l + n;
	}
	*s = (struct ex_subject){&a->ev, fields_events, a->ev.n, event_item, NULL, fields_event};
	return rc;
}

static void c_events(union answer *a)
{
	free(a->ev.v);
}

/* An error body, as the engine answers it with the status in arg. */
static int p_http_error(const char *body, size_t len, const char *arg, union answer *a, struct ex_subject *s)
{
	dk_http_error(&a->e, strtol(arg ? arg : "", NULL, 10), body, len);
	*s = (struct ex_subject){.obj = &a->e, .fields = fields_err};
	return 0;
}

static const struct parser parsers[] = {
	{"containers", p_containers, c_containers},   /* GET /containers/json */
	{"inspect", p_inspect, c_inspect},            /* GET /containers/ID/json, for the list */
	{"events", p_events, c_events},               /* GET /events */
	{"version", p_version, NULL},                 /* GET /version */
	{"http_error", p_http_error, NULL},           /* any error answer: parse = http_error STATUS */
	{"stats", p_stats, NULL},                     /* GET /containers/ID/stats?stream=0 */
	{"hardening", p_hardening, c_hardening},      /* GET /containers/ID/json, for the isolation checks */
	{"netinfo", p_netinfo, c_netinfo},            /* GET /networks/ID */
};

/* One case: its fixture, parsed by its parser, and every check of it. */
static void run_case(void **state)
{
	const char *name = *state;
	char *path = xasprintf(CASES "/%s", name);
	char *text = files_read(path, NULL);
	char fixture[256], parse[64];
	if (!ex_header(text, "fixture", fixture, sizeof fixture) || !ex_header(text, "parse", parse, sizeof parse))
		fail_msg("%s: wants a 'fixture = FILE' and a 'parse = PARSER' line", path);
	char *arg = strchr(parse, ' ');
	if (arg)
		*arg++ = '\0';
	const struct parser *p = NULL;
	for (size_t i = 0; i < sizeof parsers / sizeof *parsers; i++)
		if (!strcmp(parsers[i].name, parse))
			p = &parsers[i];
	if (!p)
		fail_msg("%s: no parser '%s'", path, parse);
	size_t len;
	char *body = fixture_read(fixture, &len);
	union answer a;
	memset(&a, 0, sizeof a);
	struct ex_subject s;
	if (p->parse(body, len, arg, &a, &s) != 0)
		fail_msg("%s: %s does not parse as %s", path, fixture, parse);
	static const char *const headers[] = {"fixture", "parse", NULL};
	int n = ex_check(path, text, &s, headers);
	if (n == 0)
		fail_msg("%s: no checks", path); /* a case that cannot fail */
	print_message("%s: %s parsed as %s, %d checks hold\n", name, fixture, parse, n + 1);
	if (p->clear)
		p->clear(&a);
	free(body);
	free(text);
	free(path);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_case(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 7 && !strcmp(d->d_name + n - 7, ".expect");
}

int main(void)
{
	struct dirent **names;
	int n = scandir(CASES, &names, is_case, by_name);
	if (n <= 0) {
		fprintf(stderr, "test_fixtures: no cases in " CASES " (run from the repository root)\n");
		return 1;
	}
	struct CMUnitTest *tests = xcalloc((size_t)n, sizeof *tests);
	for (int i = 0; i < n; i++) {
		char *name = xstrdup(names[i]->d_name);
		tests[i] = (struct CMUnitTest){.name = name, .test_func = run_case, .initial_state = name};
		free(names[i]);
	}
	free(names);
	int rc = _cmocka_run_group_tests("fixtures", tests, (size_t)n, NULL, NULL);
	for (int i = 0; i < n; i++)
		free((char *)tests[i].initial_state);
	free(tests);
	return rc;
}
