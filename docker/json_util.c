/* json_util: the depth-guarded parse, getters and exact 64-bit integers for the docker/ JSON decoders. */
#include <string.h>

#include "docker/docker.h"
#include "docker/json_util.h"

/* Count brackets outside strings before handing the text to cJSON. */
int dkj_depth_ok(const char *s, size_t len)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > DK_JSON_DEPTH_MAX)
				return 0;
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return 1;
}

cJSON *dkj_parse(const char *body, size_t len, struct err *e)
{
	if (!body || !len)
		return err_set(e, DK_EPARSE, "empty engine response"), NULL;
	if (!dkj_depth_ok(body, len))
		return err_set(e, DK_EPARSE, "engine JSON nested deeper than %d", DK_JSON_DEPTH_MAX), NULL;
	cJSON *j = cJSON_ParseWithLength(body, len);
	if (!j)
		err_set(e, DK_EPARSE, "engine sent malformed JSON");
	return j;
}

/* ---- exact integers ----
 * cJSON keeps numbers as doubles only. dkj_parse_exact pairs every number
 * item with its text: a number token outside strings starts with '-' or a
 * digit (true/false/null hold no digits, keys are strings), and cJSON lexes
 * strings exactly as the scanner below does (up to the next unescaped '"').
 * So, in a text cJSON accepted, the k-th number token outside strings is
 * the k-th number item in document (= pre-order) order. The pairing is
 * checked: a digit-only token must convert to the item's double (if it
 * ever failed, the body is refused rather than misread). */

struct numscan {
	const char *s;
	size_t len, pos;
};

/* The characters cJSON's parse_number copies for strtod. */
static bool numch(char ch)
{
	return (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == 'e' || ch == 'E' || ch == '.';
}

/* The next number token outside strings: its start and length. The token
 * is the whole run of number characters: inside an array or object cJSON
 * accepts a number only when strtod consumed that whole run (a separator
 * must follow). Older cJSON copies at most 63 characters and then fails on
 * a longer run; newer (and Debian's patched 1.7.15) take any length. */
static bool next_number(struct numscan *ns, const char **tok, size_t *n)
{
	bool in_str = false;
	for (; ns->pos < ns->len; ns->pos++) {
		char ch = ns->s[ns->pos];
		if (in_str) {
			if (ch == '\\')
				ns->pos++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == '-' || (ch >= '0' && ch <= '9')) {
			size_t start = ns->pos;
			while (ns->pos < ns->len && numch(ns->s[ns->pos]))
				ns->pos++;
			*tok = ns->s + start;
			*n = ns->pos - start;
			return true;
		}
	}
	return false;
}

/* Digits only, no sign: exact value; false when not such a token or above
 * UINT64_MAX. */
static bool digits_u64(const char *s, size_t n, uint64_t *out)
{
	if (n == 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Attach the source text to every number item of the list starting at it
 * (and below), in document order. Depth is bounded by DK_JSON_DEPTH_MAX. */
static int attach_numbers(cJSON *it, struct numscan *ns)
{
	for (; it; it = it->next) {
		if (cJSON_IsNumber(it)) {
			const char *tok;
			size_t n;
			uint64_t v;
			if (!next_number(ns, &tok, &n))
				return -1;
			/* both sides round the same integer to nearest: equal when paired */
			if (digits_u64(tok, n, &v) && (double)v != it->valuedouble)
				return -1;
			if (it->valuestring)
				return -1;
			/* cJSON_Delete frees valuestring with cJSON's allocator */
			char *text = cJSON_malloc(n + 1);
			if (!text)
				return -1;
			memcpy(text, tok, n);
			text[n] = '\0';
			it->valuestring = text;
		} else if (it->child && attach_numbers(it->child, ns) < 0) {
			return -1;
		}
	}
	return 0;
}

cJSON *dkj_parse_exact(const char *body, size_t len, struct err *e)
{
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return NULL;
	struct numscan ns = { body, len, 0 };
	if (attach_numbers(j, &ns) < 0) {
		cJSON_Delete(j);
		err_set(e, DK_EPARSE, "engine JSON numbers could not be read exactly");
		return NULL;
	}
	return j;
}

const char *dkj_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t dkj_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || v->valuedouble < -9.2e18 || v->valuedouble > 9.2e18)
		return 0;
	return (int64_t)v->valuedouble;
}

bool dkj_u64(const cJSON *v, uint64_t *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	if (v->valuestring) {
		size_t n = strlen(v->valuestring);
		if (n && strspn(v->valuestring, "0123456789") == n)
			return digits_u64(v->valuestring, n, out); /* false above 2^64-1 */
	}
	double d = v->valuedouble;
	/* !(d >= 0) also catches NaN; 18446744073709551616.0 is 2^64 */
	if (!(d >= 0) || d >= 18446744073709551616.0)
		return false;
	uint64_t u = (uint64_t)d;
	if ((double)u != d)
		return false; /* fractional */
	*out = u;
	return true;
}
