/* expect: checks written as data, `field OP value` lines read off a struct through a table of its fields, for the fixture cases (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_EXPECT_H
#define TESTS_UNIT_HELPER_EXPECT_H

#include <stddef.h>

/* What a field holds for one check: nothing (a NULL pointer, an absent
 * entry), a whole number or a string. */
struct ex_val {
	enum { EX_NULL, EX_INT, EX_STR } kind;
	long long i;
	const char *s;
	char buf[512]; /* room for a getter's own text (s may point here) */
};

struct ex_field;

/* A computed field: fill v from obj (ex_int, ex_str; left alone it reads
 * as null); f is its row (f->off, f->name for a getter that serves several
 * rows), arg the text between the field's brackets (label[KEY],
 * port[5900/tcp]) or NULL. */
typedef void (*ex_getter)(const void *obj, const struct ex_field *f, const char *arg, struct ex_val *v);

/* How a plain member is stored. */
enum ex_kind {
	EX_PTR,   /* char *: NULL reads as null */
	EX_ARR,   /* char[N] */
	EX_BOOL,  /* bool: true 1, false 0 */
	EX_INT_,  /* int */
	EX_UINT,  /* unsigned */
	EX_I64,   /* int64_t */
	EX_U64,   /* uint64_t (fails above LLONG_MAX) */
	EX_SIZE,  /* size_t */
	EX_FN,    /* computed by get */
};

/* One row of a field table; a table ends with a row whose name is NULL.
 * A name with brackets in the expect file (port[5900/tcp].host_ip) is
 * looked up without them ("port.host_ip"), the bracket text passed to get. */
struct ex_field {
	const char *name;
	enum ex_kind kind;
	size_t off;
	ex_getter get;
};

#define EX_M(type, member, kind) { #member, kind, offsetof(type, member), NULL }
#define EX_G(name, fn) { name, EX_FN, 0, fn }
#define EX_GM(name, type, member, fn) { name, EX_FN, offsetof(type, member), fn }

/* For getters: v holds the number i. */
void ex_int(struct ex_val *v, long long i);
/* For getters: v holds the string s (owned by the object or v->buf), or
 * null when s is NULL. */
void ex_str(struct ex_val *v, const char *s);
/* For getters: v holds the printf-formatted text, in v->buf. */
void ex_fmt(struct ex_val *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the checks read: one object, or a list of items with their own
 * table (for the sections [NAME], [N] and [*] of an expect file). */
struct ex_subject {
	const void *obj;
	const struct ex_field *fields;
	size_t nitems;
	const void *(*item)(const void *obj, size_t i);
	const char *(*item_name)(const void *item); /* NULL: items by number only */
	const struct ex_field *item_fields;
};

/* The value of the line `key = VALUE` of the expect text, copied into
 * buf[0..cap); NULL when there is none. */
const char *ex_header(const char *text, const char *key, char *buf, size_t cap);

/* Make every check of the expect text (named name in messages) against s,
 * skipping the header keys in skip (NULL-terminated). The syntax:
 *   # comment             a whole line
 *   FIELD OP VALUE        OP one of = != > >= < <= ^= (starts with)
 *                         ~ (contains) !~ (does not contain)
 *   FIELD.len OP N        the length of a string field
 *   VALUE                 null, true, false, a number, $FIELD (another
 *                         field of the same object), "text" with C
 *                         escapes (\n \t \\ \" \xHH), or bare text to the
 *                         end of the line
 *   [NAME] [N] [*] []     what the lines below read: the item so named,
 *                         item N (from 0), every item, the whole again
 * Fails the test at the first check that does not hold, or at a line it
 * cannot read (an unknown field: a check that could never fail is
 * refused). Returns the number of checks made (each item of [*] counts). */
int ex_check(const char *name, const char *text, const struct ex_subject *s, const char *const *skip);

/* ex_check of the lines of text (as in an expect file, "\n"-separated)
 * against obj through table, name in the messages: for checks written as
 * data inside a test. Fails at the first that does not hold; the number
 * made. */
int ex_expect(const char *name, const void *obj, const struct ex_field *table, const char *text);

#endif
