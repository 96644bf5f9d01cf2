/* line: the journal record's line format, shared by the writer and the verifier (internal to journal/). */
#include "journal/line.h"
#include "journal/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>


static const char hexdig[] = "0123456789abcdef";

int journal_sha256_hex(const void *p, size_t n, char out[JOURNAL_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != JOURNAL_HEX_LEN / 2) {
		memcpy(out, JOURNAL_ZERO_HASH, JOURNAL_HEX_LEN + 1);
		return -1;
	}
	for (unsigned int i = 0; i < mdlen; i++) {
		out[2 * i] = hexdig[md[i] >> 4];
		out[2 * i + 1] = hexdig[md[i] & 15];
	}
	out[JOURNAL_HEX_LEN] = '\0';
	return 0;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Decimal digits at s[0..n) (1..20, no leading zero) into *v; returns the
 * digits used, 0 when malformed or past UINT64_MAX. */
static size_t parse_u64(const char *s, size_t n, uint64_t *v)
{
	size_t i = 0;
	uint64_t x = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return 0;
		x = x * 10 + d;
		i++;
	}
	if (i == 0 || (i > 1 && s[0] == '0'))
		return 0;
	*v = x;
	return i;
}

int journal_line_parse(const char *s, size_t n, struct journal_line *m, const char **why)
{
	static const char prev_key[] = ",\"prev\":\"";
	static const char hash_key[] = "\",\"hash\":\"";
	const size_t head = sizeof JOURNAL_LINE_HEAD - 1;
	memset(m, 0, sizeof *m);
	if (n == 0) {
		*why = "empty line";
		return -1;
	}
	if (n < head + 2 + JOURNAL_LINE_TAIL_LEN || memcmp(s, JOURNAL_LINE_HEAD, head) != 0) {
		*why = "not a sandtop record";
		return -1;
	}
	size_t d = parse_u64(s + head, n - head, &m->seq);
	if (d == 0 || head + d >= n || s[head + d] != ',') {
		*why = "bad seq";
		return -1;
	}
	const char *t = s + n - JOURNAL_LINE_TAIL_LEN;
	if (memcmp(t, prev_key, 9) != 0 || !is_hex(t + 9, JOURNAL_HEX_LEN) ||
	    memcmp(t + 9 + JOURNAL_HEX_LEN, hash_key, 10) != 0 ||
	    !is_hex(t + 19 + JOURNAL_HEX_LEN, JOURNAL_HEX_LEN) ||
	    memcmp(s + n - 2, "\"}", 2) != 0) {
		*why = "no prev and hash at its end";
		return -1;
	}
	memcpy(m->prev, t + 9, JOURNAL_HEX_LEN);
	memcpy(m->hash, t + 19 + JOURNAL_HEX_LEN, JOURNAL_HEX_LEN);
	char want[JOURNAL_HEX_LEN + 1];
	if (journal_sha256_hex(s, n - JOURNAL_LINE_UNHASHED, want) < 0) {
		*why = "SHA-256 failed";
		return -1;
	}
	m->hash_ok = memcmp(want, m->hash, JOURNAL_HEX_LEN) == 0;
	return 0;
}

int journal_head_parse(const char *s, size_t n, uint64_t *seq, char hash[JOURNAL_HEX_LEN + 1])
{
	size_t d = parse_u64(s, n, seq);
	if (d == 0 || n != d + 1 + JOURNAL_HEX_LEN + 1 || s[d] != ' ' ||
	    !is_hex(s + d + 1, JOURNAL_HEX_LEN) || s[n - 1] != '\n')
		return -1;
	memcpy(hash, s + d + 1, JOURNAL_HEX_LEN);
	hash[JOURNAL_HEX_LEN] = '\0';
	return 0;
}

int journal_head_read(const char *path, uint64_t *seq, char hash[JOURNAL_HEX_LEN + 1], struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, JOURNAL_E_IO, "cannot open the head file: %s", strerror(errno));
	}
	char s[128];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, s + n, sizeof s - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int en = errno;
			close(fd);
			return err_set(e, JOURNAL_E_IO, "cannot read the head file: %s", strerror(en));
		}
		if (r == 0 || (n += (size_t)r) == sizeof s)
			break;
	}
	close(fd);
	if (journal_head_parse(s, n, seq, hash) < 0)
		return err_set(e, JOURNAL_E_CHAIN, "the head file is malformed");
	return 1;
}
