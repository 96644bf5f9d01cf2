/* fuzz_journal: the operator log's record lines (journal/line.c journal_line_parse, journal_head_parse), the whole verifier over a log file and its head file, and base/jsonstr (jsonstr_put: how the log and every JSON sandtop writes escape untrusted text). */
#include "tests/fuzz/fuzz.h"

#include <cjson/cJSON.h>
#include <fcntl.h>

#include "base/utf8.h"
#include "base/jsonstr.h"
#include "journal/journal.h"
#include "journal/line.h"

/* Input: the log, then (after a NUL byte, when there is one) its head file. */

static char dir[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "/tmp/sandtop-fuzz-journal.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	return 0;
}

static void put_file(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n))
		abort();
	close(fd);
}

static bool valid_utf8(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(p + i, n - i, &cp);
		if (cp == UTF8_INVALID || cp == 0)
			return false;
	}
	return true;
}

/* The escaped string is ASCII JSON that decodes to the input (when that is
 * well-formed UTF-8 within the cap). */
static void json_str(const uint8_t *p, size_t n)
{
	char *s = fz_strndup(p, n);
	size_t cap = 1 + n % 200;
	struct buf b;
	buf_init(&b, 1 << 20);
	jsonstr_put(&b, s, cap);
	if (b.overflow)
		abort();
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || (unsigned char)b.data[i] > 0x7e)
			abort();
	cJSON *j = cJSON_ParseWithLength(b.data, b.len);
	if (!cJSON_IsString(j)) {
		fprintf(stderr, "not a JSON string: %s\n", b.data);
		abort();
	}
	size_t sl = strlen(s);
	if (sl <= cap && valid_utf8((const uint8_t *)s, sl) && strcmp(j->valuestring, s)) {
		fprintf(stderr, "%s decodes to something else\n", b.data);
		abort();
	}
	cJSON_Delete(j);
	buf_free(&b);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	const uint8_t *nul = memchr(data, '\0', size);
	size_t nlog = nul ? (size_t)(nul - data) : size;

	/* each line on its own */
	const uint8_t *p = data, *line;
	size_t n = nlog, len;
	while (fz_part(&p, &n, "\n", &line, &len)) {
		char *l = fz_exact(line, len);
		struct journal_line m;
		const char *why;
		journal_line_parse(l, len, &m, &why);
		free(l);
	}
	uint64_t seq;
	char hash[JOURNAL_HEX_LEN + 1];
	char *h = fz_exact(data, size);
	journal_head_parse(h, size, &seq, hash);
	free(h);
	json_str(data, size);

	/* the verifier over the files */
	char logp[128], headp[140];
	snprintf(logp, sizeof logp, "%s/audit.log", dir);
	snprintf(headp, sizeof headp, "%s/audit.log.head", dir);
	put_file(logp, data, nlog);
	if (nul)
		put_file(headp, nul + 1, size - nlog - 1);
	else
		unlink(headp);
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp = open_memstream(&out, &outlen);
	struct err e;
	if (journal_verify(logp, fp, &e) < 0)
		fz_err("journal_verify", e.msg);
	fclose(fp);
	/* what it prints goes to the operator's terminal */
	const uint8_t *q = (const uint8_t *)out, *ol;
	size_t qn = outlen, oll;
	while (fz_part(&q, &qn, "\n", &ol, &oll)) {
		char *s = fz_strndup(ol, oll);
		fz_assert_sanitized("journal_verify output", s);
		free(s);
	}
	free(out);
	return 0;
}
