/* expect: checks written as data, read off a struct through its field table (see expect.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/expect.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a check stands, for its messages. */
struct at {
	const char *name;
	int line;
	const char *text; /* the line itself */
};

#define FAIL(a, ...) fail_msg("%s:%d: %s: %s", (a)->name, (a)->line, (a)->text, xfmt(__VA_ARGS__))

static const char *xfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *xfmt(const char *fmt, ...)
{
	static char b[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	return b;
}

const char *ex_header(const char *text, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, kl) || strncmp(l + kl, " = ", 3))
			continue;
		const char *v = l + kl + 3, *end = strchr(v, '\n');
		size_t n = end ? (size_t)(end - v) : strlen(v);
		snprintf(buf, cap, "%.*s", (int)n, v);
		return buf;
	}
	return NULL;
}

static const struct ex_field *find(const struct ex_field *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

void ex_int(struct ex_val *v, long long i)
{
	v->kind = EX_INT;
	v->i = i;
}

void ex_str(struct ex_val *v, const char *s)
{
	v->kind = s ? EX_STR : EX_NULL;
	v->s = s;
}

void ex_fmt(struct ex_val *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->buf, sizeof v->buf, fmt, ap);
	va_end(ap);
	ex_str(v, v->buf);
}

static void read_member(const void *obj, const struct ex_field *f, const char *arg, struct ex_val *v,
                        const struct at *a)
{
	const char *p = (const char *)obj + f->off;
	switch (f->kind) {
	case EX_PTR: ex_str(v, *(char *const *)(const void *)p); break;
	case EX_ARR: ex_str(v, p); break;
	case EX_BOOL: ex_int(v, *(const bool *)(const void *)p); break;
	case EX_INT_: ex_int(v, *(const int *)(const void *)p); break;
	case EX_UINT: ex_int(v, *(const unsigned *)(const void *)p); break;
	case EX_I64: ex_int(v, *(const int64_t *)(const void *)p); break;
	case EX_SIZE: ex_int(v, (long long)*(const size_t *)(const void *)p); break;
	case EX_U64: {
		uint64_t u = *(const uint64_t *)(const void *)p;
		if (u > LLONG_MAX)
			FAIL(a, "%s is %llu, past what a check compares", f->name, (unsigned long long)u);
		ex_int(v, (long long)u);
		break;
	}
	case EX_FN:
		v->kind = EX_NULL;
		f->get(obj, f, arg, v);
		break;
	}
}

/* The value of the field spelt tok (name, name[arg].rest, name.len). */
static void resolve(const struct ex_field *table, const void *obj, const char *tok, struct ex_val *v,
                    const struct at *a)
{
	char name[128], arg[128];
	const char *lb = strchr(tok, '['), *rb = lb ? strchr(lb, ']') : NULL;
	if (lb && !rb)
		FAIL(a, "no ] in %s", tok);
	if (lb) {
		snprintf(name, sizeof name, "%.*s%s", (int)(lb - tok), tok, rb + 1);
		snprintf(arg, sizeof arg, "%.*s", (int)(rb - lb - 1), lb + 1);
	} else {
		snprintf(name, sizeof name, "%s", tok);
	}
	memset(v, 0, sizeof *v);
	const struct ex_field *f = find(table, name);
	if (f) {
		read_member(obj, f, lb ? arg : NULL, v, a);
		return;
	}
	size_t n = strlen(name);
	if (n > 4 && !strcmp(name + n - 4, ".len")) {
		name[n - 4] = '\0';
		if ((f = find(table, name))) {
			read_member(obj, f, lb ? arg : NULL, v, a);
			if (v->kind != EX_STR)
				FAIL(a, "%s is not a string, it has no length", name);
			ex_int(v, (long long)strlen(v->s));
			return;
		}
	}
	FAIL(a, "no field %s here", name);
}

/* A quoted value with C escapes, into out (cap bytes). */
static void unquote(const char *q, char *out, size_t cap, const struct at *a)
{
	size_t n = 0;
	for (q++; *q != '"'; q++) {
		if (!*q || n + 1 >= cap)
			FAIL(a, "unterminated or too long string");
		char c = *q;
		if (c == '\\') {
			static const char from[] = "nrt\\\"e", to[] = "\n\r\t\\\"\x1b";
			const char *k = *++q ? strchr(from, *q) : NULL;
			if (*q == 'x' && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2])) {
				char hex[3] = {q[1], q[2], 0};
				c = (char)strtol(hex, NULL, 16);
				q += 2;
			} else if (k) {
				c = to[k - from];
			} else {
				FAIL(a, "unknown escape \\%c", *q);
			}
		}
		out[n++] = c;
	}
	if (q[1])
		FAIL(a, "text after the closing quote");
	out[n] = '\0';
}

static void parse_want(const char *s, const struct ex_val *got, const struct ex_field *table, const void *obj,
                       struct ex_val *want, const struct at *a)
{
	memset(want, 0, sizeof *want);
	if (!strcmp(s, "null"))
		return;
	if (!strcmp(s, "true") || !strcmp(s, "false")) {
		ex_int(want, s[0] == 't');
	} else if (s[0] == '"') {
		unquote(s, want->buf, sizeof want->buf, a);
		ex_str(want, want->buf);
	} else if (s[0] == '$') {
		resolve(table, obj, s + 1, want, a);
	} else if (got->kind == EX_INT) {
		char *end;
		errno = 0;
		long long i = strtoll(s, &end, 10);
		if (!*s || *end || errno)
			FAIL(a, "'%s' is not a whole number", s);
		ex_int(want, i);
	} else {
		ex_str(want, s);
	}
}

/* got as text for a message: printable, escapes shown. */
static const char *show(const struct ex_val *v, char *b, size_t cap)
{
	if (v->kind == EX_NULL)
		return "null";
	if (v->kind == EX_INT) {
		snprintf(b, cap, "%lld", v->i);
		return b;
	}
	size_t n = 0;
	b[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)v->s; *p && n + 6 < cap; p++)
		n += (size_t)(*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\'
		              ? snprintf(b + n, cap - n, "%c", *p) : snprintf(b + n, cap - n, "\\x%02x", *p));
	snprintf(b + n, cap - n, "\"");
	return b;
}

static bool holds(const struct ex_val *got, const char *op, const struct ex_val *want, const struct at *a)
{
	bool eq = got->kind == want->kind &&
	          (got->kind == EX_NULL || (got->kind == EX_INT ? got->i == want->i : !strcmp(got->s, want->s)));
	if (!strcmp(op, "="))
		return eq;
	if (!strcmp(op, "!="))
		return !eq;
	static const char *const num_ops[] = {">", ">=", "<", "<="};
	for (size_t k = 0; k < 4; k++) {
		if (strcmp(op, num_ops[k]))
			continue;
		if (got->kind != EX_INT || want->kind != EX_INT)
			return false;
		long long x = got->i, y = want->i;
		return k == 0 ? x > y : k == 1 ? x >= y : k == 2 ? x < y : x <= y;
	}
	if (strcmp(op, "^=") && strcmp(op, "~") && strcmp(op, "!~"))
		FAIL(a, "unknown operator %s", op);
	if (got->kind != EX_STR || want->kind != EX_STR)
		return false;
	if (op[0] == '^')
		return !strncmp(got->s, want->s, strlen(want->s));
	return (strstr(got->s, want->s) != NULL) == (op[0] == '~');
}

/* One line's check against one object. */
static void check_one(const struct ex_field *table, const void *obj, const char *field, const char *op,
                      const char *value, const struct at *a)
{
	struct ex_val got, want;
	resolve(table, obj, field, &got, a);
	parse_want(value, &got, table, obj, &want, a);
	if (!holds(&got, op, &want, a)) {
		char b[600];
		FAIL(a, "got %s", show(&got, b, sizeof b));
	}
}

/* Select what the section [sel] names: *item (SIZE_MAX: every item). */
static const void *section(const struct ex_subject *s, const char *sel, size_t *item, const struct at *a)
{
	if (!s->item)
		FAIL(a, "this answer has no items");
	if (!strcmp(sel, "*")) {
		*item = SIZE_MAX;
		return NULL;
	}
	char *end;
	unsigned long k = strtoul(sel, &end, 10);
	if (*sel && !*end) {
		if (k >= s->nitems)
			FAIL(a, "only %zu items", s->nitems);
		*item = k;
		return s->item(s->obj, k);
	}
	for (size_t i = 0; s->item_name && i < s->nitems; i++)
		if (!strcmp(s->item_name(s->item(s->obj, i)), sel)) {
			*item = i;
			return s->item(s->obj, i);
		}
	FAIL(a, "no item named %s", sel);
	return NULL;
}

int ex_check(const char *name, const char *text, const struct ex_subject *s, const char *const *skip)
{
	int checks = 0;
	struct at a = {name, 0, NULL};
	const void *obj = s->obj;
	const struct ex_field *table = s->fields;
	size_t item = 0;
	bool every = false;
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[1024];
		if (n >= sizeof line)
			fail_msg("%s:%d: line too long", name, a.line + 1);
		memcpy(line, l, n);
		while (n && isspace((unsigned char)line[n - 1]))
			n--;
		line[n] = '\0';
		l = nl ? nl + 1 : l + strlen(l);
		a.line++;
		a.text = line;
		if (!line[0] || line[0] == '#')
			continue;
		if (line[0] == '[') {
			if (line[n - 1] != ']')
				FAIL(&a, "a section ends with ]");
			line[n - 1] = '\0';
			every = false;
			if (!line[1]) {
				obj = s->obj;
				table = s->fields;
				continue;
			}
			obj = section(s, line + 1, &item, &a);
			every = item == SIZE_MAX;
			table = s->item_fields;
			if (!every)
				checks++; /* the item is there */
			continue;
		}
		char field[128], op[4];
		int off = 0;
		if (sscanf(line, "%127s %3s %n", field, op, &off) != 2 || off == 0)
			FAIL(&a, "not FIELD OP VALUE");
		const char *value = line + off;
		bool header = false;
		for (size_t k = 0; skip && skip[k]; k++)
			header = header || (!strcmp(field, skip[k]) && !strcmp(op, "="));
		if (header)
			continue;
		if (every) {
			for (size_t i = 0; i < s->nitems; i++, checks++)
				check_one(table, s->item(s->obj, i), field, op, value, &a);
		} else {
			check_one(table, obj, field, op, value, &a);
			checks++;
		}
	}
	return checks;
}

int ex_expect(const char *name, const void *obj, const struct ex_field *table, const char *text)
{
	const struct ex_subject s = {.obj = obj, .fields = table};
	return ex_check(name, text, &s, NULL);
}
