/* test_sanitize: the untrusted-text filter (escapes, controls, UTF-8, width). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/sanitize.h"

#define ESC_PIC "\xe2\x90\x9b" /* U+241B */
#define REPL "\xef\xbf\xbd"    /* U+FFFD */
#define ELL "\xe2\x80\xa6"     /* U+2026 */

/* Sanitize a string literal (embedded NULs included) and compare. */
#define EXPECT(lit, want)                                                      \
	do {                                                                   \
		char *got_ = sanitize_dup(lit, sizeof(lit) - 1);               \
		assert_string_equal(got_, want);                               \
		free(got_);                                                    \
	} while (0)

/* ---- an independent checker for "safe to print" ------------------------ */

/* Decode strictly; true when s[0..n) is valid UTF-8 with no C0, DEL, C1,
 * bidi or invisible code point. */
static bool safe_utf8(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char b = s[i];
		uint32_t cp;
		size_t k;
		if (b < 0x80) {
			cp = b;
			k = 1;
		} else if (b >= 0xC2 && b <= 0xDF) {
			cp = b & 0x1Fu;
			k = 2;
		} else if (b >= 0xE0 && b <= 0xEF) {
			cp = b & 0x0Fu;
			k = 3;
		} else if (b >= 0xF0 && b <= 0xF4) {
			cp = b & 0x07u;
			k = 4;
		} else {
			return false;
		}
		if (i + k > n)
			return false;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3Fu);
		}
		if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			return false;
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x200E || cp == 0x200F || cp == 0x061C ||
		    (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
		    cp == 0xFEFF || cp == 0x00AD)
			return false;
		i += k;
	}
	return true;
}

/* Length of the UTF-8 character starting with byte b (valid text only). */
static size_t char_len(unsigned char b)
{
	return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

static void test_checker_rejects(void **state)
{
	(void)state;
	/* the checker must be able to fail, or the fuzz loop proves nothing */
	assert_true(safe_utf8("ok \xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", 14));
	assert_false(safe_utf8("\x1b", 1));
	assert_false(safe_utf8("a\rb", 3));
	assert_false(safe_utf8("\x7f", 1));
	assert_false(safe_utf8("\xc2\x9b", 2));
	assert_false(safe_utf8("\x9b", 1));
	assert_false(safe_utf8("\xc0\xaf", 2));
	assert_false(safe_utf8("\xe0\x80\xaf", 3));
	assert_false(safe_utf8("\xed\xa0\x80", 3));
	assert_false(safe_utf8("\xf4\x90\x80\x80", 4));
	assert_false(safe_utf8("\xe6\x97", 2));
	assert_false(safe_utf8("\xe2\x80\xae", 3));
	assert_false(safe_utf8("\xef\xbb\xbf", 3));
	assert_false(safe_utf8("a\0b", 3));
}

/* ---- pass-through ------------------------------------------------------- */

static void test_ascii_unchanged(void **state)
{
	(void)state;
	const char *s = "hello world 0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
	char *got = sanitize_dup(s, strlen(s));
	assert_string_equal(got, s);
	free(got);
	EXPECT("", "");
	char *empty = sanitize_dup(NULL, 0);
	assert_string_equal(empty, "");
	free(empty);
}

static void test_utf8_unchanged(void **state)
{
	(void)state;
	EXPECT("caf\xc3\xa9", "caf\xc3\xa9");                   /* é */
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"); /* 日本 */
	EXPECT("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");         /* 😀 */
	EXPECT("e\xcc\x81", "e\xcc\x81");                       /* e + U+0301 */
	EXPECT("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"); /* Hebrew */
	EXPECT("\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd");         /* U+10FFFD, highest PUA */
}

/* ---- escape sequences --------------------------------------------------- */

static void test_csi(void **state)
{
	(void)state;
	EXPECT("\x1b[2J", ESC_PIC);
	EXPECT("a\x1b[2Jb", "a" ESC_PIC "b");
	EXPECT("\x1b[2J\x1b[3J\x1b[Hspoofed", ESC_PIC ESC_PIC ESC_PIC "spoofed");
	EXPECT("\x1b[1;31mFAIL\x1b[0m", ESC_PIC "FAIL" ESC_PIC);
	EXPECT("\x1b[?1049h", ESC_PIC);
	/* a C0 control ends the CSI and is shown itself */
	EXPECT("\x1b[3\n1m", ESC_PIC "\xe2\x90\x8a" "1m");
	/* ESC at the very end, and "ESC [" with nothing after it */
	EXPECT("a\x1b", "a" ESC_PIC);
	EXPECT("a\x1b[", "a" ESC_PIC);
}

static void test_osc(void **state)
{
	(void)state;
	EXPECT("\x1b]0;title\x07rest", ESC_PIC "rest");
	EXPECT("\x1b]2;evil title\x1b\\rest", ESC_PIC "rest");
	/* OSC 52 clipboard write */
	EXPECT("x\x1b]52;c;cm0gLXJmIH4=\x1b\\y", "x" ESC_PIC "y");
	/* OSC 8 hyperlink with text in between */
	EXPECT("\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\",
	       ESC_PIC "click" ESC_PIC);
	/* an ESC that is not ST ends the string and starts a new sequence */
	EXPECT("\x1b]0;t\x1b[2Jx", ESC_PIC ESC_PIC "x");
	/* CAN aborts; it is then shown as a control picture */
	EXPECT("\x1b]0;t\x18x", ESC_PIC "\xe2\x90\x98x");
	/* UTF-8 inside the title is swallowed with it */
	EXPECT("\x1b]0;\xe6\x97\xa5\x07ok", ESC_PIC "ok");
}

static void test_dcs_sos_pm_apc(void **state)
{
	(void)state;
	EXPECT("\x1bP+q544e\x1b\\after", ESC_PIC "after");
	EXPECT("\x1bXsos\x1b\\a", ESC_PIC "a");
	EXPECT("\x1b^pm\x1b\\a", ESC_PIC "a");
	EXPECT("\x1b_apc\x1b\\a", ESC_PIC "a");
}

static void test_other_esc(void **state)
{
	(void)state;
	EXPECT("\x1b" "7saved\x1b" "8", ESC_PIC "saved" ESC_PIC); /* DECSC/DECRC */
	EXPECT("\x1b(Bx", ESC_PIC "x");                          /* charset */
	EXPECT("\x1b#8x", ESC_PIC "x");                          /* DECALN */
	EXPECT("\x1b\\x", ESC_PIC "x");                          /* stray ST */
	EXPECT("\x1bMx", ESC_PIC "x");                           /* RI */
	/* ESC followed by a non-ASCII character: only the ESC goes */
	EXPECT("\x1b\xc3\xa9", ESC_PIC "\xc3\xa9");
}

static void test_c1_8bit(void **state)
{
	(void)state;
	/* raw bytes */
	EXPECT("\x9b" "31mred", ESC_PIC "red");
	EXPECT("\x9d" "0;t\x07x", ESC_PIC "x");
	EXPECT("\x90q\x9cx", ESC_PIC "x");
	EXPECT("\x9f" "apc\x9cx", ESC_PIC "x");
	/* UTF-8-encoded code points */
	EXPECT("\xc2\x9b" "31mred", ESC_PIC "red");
	EXPECT("\xc2\x9d" "0;t\xc2\x9cx", ESC_PIC "x");
	EXPECT("\xc2\x90q\xc2\x9cx", ESC_PIC "x");
	EXPECT("\xc2\x98s\xc2\x9cx", ESC_PIC "x");
	EXPECT("\xc2\x9ep\xc2\x9cx", ESC_PIC "x");
	/* C1 that start no sequence */
	EXPECT("a\xc2\x85" "b", "a" REPL "b"); /* NEL */
	EXPECT("a\x85" "b", "a" REPL "b");
	EXPECT("a\xc2\x8d" "b", "a" REPL "b"); /* RI */
	EXPECT("a\xc2\x9c" "b", "a" REPL "b"); /* lone ST */
	/* U+011C (C4 9C) contains byte 0x9C but is no ST */
	EXPECT("\x1b]0;\xc4\x9c\x07ok", ESC_PIC "ok");
}

static void test_unterminated(void **state)
{
	(void)state;
	EXPECT("ok\x1b]0;hidden", "ok" ESC_PIC);
	EXPECT("ok\x1bPhidden", "ok" ESC_PIC);
	EXPECT("ok\x9b" "1;2;3", "ok" ESC_PIC);

	/* past the budget, the rest shows: ESC ']' + 300 'A' keeps
	 * 300 - (SANITIZE_SEQ_MAX - 1) of them */
	char in[2 + 300];
	in[0] = '\x1b';
	in[1] = ']';
	memset(in + 2, 'A', 300);
	char *got = sanitize_dup(in, sizeof in);
	size_t keep = 300 - (SANITIZE_SEQ_MAX - 1);
	assert_int_equal(strlen(got), 3 + keep);
	assert_memory_equal(got, ESC_PIC, 3);
	for (size_t i = 0; i < keep; i++)
		assert_int_equal(got[3 + i], 'A');
	free(got);

	/* same for a never-ending CSI */
	char csi[1 + 300];
	csi[0] = '\x9b';
	memset(csi + 1, '1', 300);
	got = sanitize_dup(csi, sizeof csi);
	assert_int_equal(strlen(got), 3 + 300 - SANITIZE_SEQ_MAX);
	free(got);

	/* a terminator just inside the budget still ends the sequence */
	char osc[2 + SANITIZE_SEQ_MAX + 2];
	osc[0] = '\x1b';
	osc[1] = ']';
	memset(osc + 2, 'B', SANITIZE_SEQ_MAX - 2);
	osc[SANITIZE_SEQ_MAX] = '\x07';
	osc[SANITIZE_SEQ_MAX + 1] = 'z';
	osc[SANITIZE_SEQ_MAX + 2] = 'z';
	osc[SANITIZE_SEQ_MAX + 3] = 'z';
	got = sanitize_dup(osc, sizeof osc);
	assert_string_equal(got, ESC_PIC "zzz");
	free(got);

	/* the budget ends before a character that straddles it, which is
	 * then shown whole (not half-swallowed, leaving stray bytes) */
	char st[2 + SANITIZE_SEQ_MAX - 3 + 3];
	st[0] = '\x1b';
	st[1] = ']';
	memset(st + 2, 'D', SANITIZE_SEQ_MAX - 3);
	memcpy(st + 2 + SANITIZE_SEQ_MAX - 3, "\xe6\x97\xa5", 3);
	got = sanitize_dup(st, sizeof st);
	assert_string_equal(got, ESC_PIC "\xe6\x97\xa5");
	free(got);

	/* many long unterminated sequences cannot hide a long tail: each
	 * hides at most SANITIZE_SEQ_MAX bytes and leaves a mark */
	size_t n = 20000;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'C', n);
	big[0] = '\x1b';
	big[1] = ']';
	got = sanitize_dup(big, n);
	assert_int_equal(strlen(got), 3 + n - 1 - SANITIZE_SEQ_MAX);
	free(got);
	free(big);
}

/* ---- controls ----------------------------------------------------------- */

static void test_c0_del(void **state)
{
	(void)state;
	EXPECT("ok\rFAIL", "ok\xe2\x90\x8d" "FAIL"); /* ␍ */
	EXPECT("abc\b\b\bxyz", "abc\xe2\x90\x88\xe2\x90\x88\xe2\x90\x88xyz");
	EXPECT("a\nb", "a\xe2\x90\x8a" "b");  /* ␊ */
	EXPECT("a\tb", "a\xe2\x90\x89" "b");  /* ␉ */
	EXPECT("a\x07", "a\xe2\x90\x87");     /* ␇ */
	EXPECT("a\x7f", "a\xe2\x90\xa1");     /* ␡ */
	EXPECT("a\x1f", "a\xe2\x90\x9f");     /* ␟ */
	EXPECT("a\0b", "a\xe2\x90\x80" "b");  /* ␀, length-based */
	EXPECT("\0\0", "\xe2\x90\x80\xe2\x90\x80");
}

/* ---- bidi, invisible ---------------------------------------------------- */

static void test_bidi_invisible(void **state)
{
	(void)state;
	EXPECT("abc\xe2\x80\xae" "def", "abc" REPL "def"); /* RLO */
	EXPECT("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	       REPL REPL REPL REPL);                        /* LRE RLE PDF LRO */
	EXPECT("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
	       REPL REPL REPL REPL);                        /* isolates */
	EXPECT("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", REPL REPL REPL); /* LRM RLM ALM */
	EXPECT("a\xe2\x80\x8d" "b", "a" REPL "b");          /* ZWJ */
	EXPECT("a\xe2\x80\x8b" "b", "a" REPL "b");          /* ZWSP */
	EXPECT("a\xe2\x80\x8c" "b", "a" REPL "b");          /* ZWNJ */
	EXPECT("\xef\xbb\xbfhi", REPL "hi");                /* BOM */
	EXPECT("a\xe2\x81\xa0\xe2\x81\xa4", "a" REPL REPL); /* WJ, invisible plus */
	EXPECT("pass\xc2\xadword", "pass" REPL "word");     /* soft hyphen */
	EXPECT("\xf3\xa0\x81\x81", REPL);                   /* tag 'A' U+E0041 */
	EXPECT("\xe2\x80\xa8", REPL);                       /* line separator */
	EXPECT("\xef\xbf\xbe", REPL);                       /* U+FFFE */
}

/* ---- malformed UTF-8 ---------------------------------------------------- */

static void test_malformed(void **state)
{
	(void)state;
	EXPECT("\xc0\xaf", REPL REPL);              /* overlong '/' */
	EXPECT("\xe0\x80\xaf", REPL REPL REPL);      /* overlong, 3 bytes */
	EXPECT("\xf0\x80\x80\xaf", REPL REPL REPL REPL);
	EXPECT("\xed\xa0\x80", REPL REPL REPL);      /* surrogate U+D800 */
	EXPECT("\xed\xbf\xbf", REPL REPL REPL);      /* surrogate U+DFFF */
	EXPECT("ab\xe6\x97", "ab" REPL);             /* truncated at end */
	EXPECT("ab\xf0\x9f\x98", "ab" REPL);         /* truncated emoji */
	EXPECT("\xe6\x97x", REPL "x");               /* truncated mid-string */
	EXPECT("\xff", REPL);
	EXPECT("a\xfe\xff" "b", "a" REPL REPL "b");
	EXPECT("\xf5\xa0\xa0\xa0", REPL REPL REPL REPL); /* old 5/6-byte leads */
	EXPECT("\xa0", REPL);                        /* lone continuation */
	/* > U+10FFFF: F4 then 0x90, which as a raw byte is DCS */
	EXPECT("\xf4\x90\x80\x80", REPL ESC_PIC);
	/* overlong ESC (C0 9B): the 0x9B left over is still a CSI */
	EXPECT("\xc0\x9b" "31mx", REPL ESC_PIC "x");
}

/* ---- truncation --------------------------------------------------------- */

static void test_truncation(void **state)
{
	(void)state;
	char out[32];
	const char *nihon = "\xe6\x97\xa5\xe6\x9c\xac"; /* 日本 */

	memset(out, 'X', sizeof out);
	assert_int_equal(sanitize_text(nihon, 6, out, 7), 6);
	assert_string_equal(out, nihon);
	assert_int_equal(sanitize_text(nihon, 6, out, 6), 3);
	assert_string_equal(out, "\xe6\x97\xa5");
	assert_int_equal(sanitize_text(nihon, 6, out, 4), 3);
	assert_int_equal(sanitize_text(nihon, 6, out, 3), 0);
	assert_string_equal(out, "");
	/* a control picture that does not fit is left out whole */
	assert_int_equal(sanitize_text("ab\r", 3, out, 4), 2);
	assert_string_equal(out, "ab");
	/* once a character does not fit, nothing after it is written */
	assert_int_equal(sanitize_text("\rab", 3, out, 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(sanitize_text("abc", 3, out, 1), 0);
	assert_int_equal(out[0], '\0');
	/* outcap 0 writes nothing */
	out[0] = 'Q';
	assert_int_equal(sanitize_text("abc", 3, out, 0), 0);
	assert_int_equal(out[0], 'Q');
	/* NULL input with len 0 */
	assert_int_equal(sanitize_text(NULL, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
}

static void test_dup_worst_case(void **state)
{
	(void)state;
	char in[1000];
	memset(in, '\x01', sizeof in);
	char *got = sanitize_dup(in, sizeof in);
	assert_int_equal(strlen(got), 3 * sizeof in);
	for (size_t i = 0; i < sizeof in; i++)
		assert_memory_equal(got + 3 * i, "\xe2\x90\x81", 3);
	free(got);
}

/* ---- width and fit ------------------------------------------------------ */

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(sanitize_width(NULL), 0);
	assert_int_equal(sanitize_width(""), 0);
	assert_int_equal(sanitize_width("abc"), 3);
	assert_int_equal(sanitize_width("caf\xc3\xa9"), 4);
	assert_int_equal(sanitize_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);  /* 日本 */
	assert_int_equal(sanitize_width("\xed\x95\x9c"), 2);             /* 한 */
	assert_int_equal(sanitize_width("\xef\xbc\xa1"), 2);             /* Ａ U+FF21 */
	assert_int_equal(sanitize_width("\xef\xbd\xb1"), 1);             /* ｱ U+FF71 */
	assert_int_equal(sanitize_width("\xf0\x9f\x98\x80"), 2);         /* 😀 */
	assert_int_equal(sanitize_width("\xf0\xa0\x80\x80"), 2);         /* U+20000 */
	assert_int_equal(sanitize_width("e\xcc\x81"), 1);                /* combining */
	assert_int_equal(sanitize_width("a\xcc\x81\xcc\x82\xcc\x83"), 1);
	assert_int_equal(sanitize_width("\xe0\xa4\x95\xe0\xa5\x8d"), 1); /* क्  */
	assert_int_equal(sanitize_width(ELL), 1);
	assert_int_equal(sanitize_width(REPL), 1);
	/* width of what would be shown */
	assert_int_equal(sanitize_width("\x1b[2Jab"), 3);
	assert_int_equal(sanitize_width("a\tb"), 3);
	assert_int_equal(sanitize_width("a\xe2\x80\x8b" "b"), 3);
	assert_int_equal(sanitize_width("\xff\xfe"), 2);
}

static size_t fit(const char *s, size_t cols, char *out, size_t cap)
{
	size_t w = sanitize_fit(s, cols, out, cap);
	if (cap > 0) {
		assert_true(strlen(out) < cap);
		assert_true(safe_utf8(out, strlen(out)));
		assert_int_equal(sanitize_width(out), w);
	}
	assert_true(w <= cols);
	return w;
}

static void test_fit(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(fit("hello", 10, out, sizeof out), 5);
	assert_string_equal(out, "hello");
	assert_int_equal(fit("hello", 5, out, sizeof out), 5);
	assert_string_equal(out, "hello");
	assert_int_equal(fit("hello!", 5, out, sizeof out), 5);
	assert_string_equal(out, "hell" ELL);
	assert_int_equal(fit("hello", 1, out, sizeof out), 1);
	assert_string_equal(out, ELL);
	assert_int_equal(fit("hello", 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(fit("", 5, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(fit(NULL, 5, out, sizeof out), 0);
	assert_string_equal(out, "");

	/* CJK: 日本語 is 6 columns */
	const char *nhg = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
	assert_int_equal(fit(nhg, 6, out, sizeof out), 6);
	assert_string_equal(out, nhg);
	assert_int_equal(fit(nhg, 5, out, sizeof out), 5);
	assert_string_equal(out, "\xe6\x97\xa5\xe6\x9c\xac" ELL);
	assert_int_equal(fit(nhg, 4, out, sizeof out), 3); /* 日… : 本 would make 5 */
	assert_string_equal(out, "\xe6\x97\xa5" ELL);
	assert_int_equal(fit(nhg, 1, out, sizeof out), 1);
	assert_string_equal(out, ELL);

	/* combining marks stay with their base and cost nothing */
	assert_int_equal(fit("e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 3, out, sizeof out), 3);
	assert_string_equal(out, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81");
	assert_int_equal(fit("e\xcc\x81" "e\xcc\x81" "e\xcc\x81x", 3, out, sizeof out), 3);
	assert_string_equal(out, "e\xcc\x81" "e\xcc\x81" ELL);

	/* it sanitizes too */
	assert_int_equal(fit("\x1b[2Jhi\r", 10, out, sizeof out), 4);
	assert_string_equal(out, ESC_PIC "hi\xe2\x90\x8d");

	/* byte capacity cuts as well, with the ellipsis when it fits */
	assert_int_equal(fit("hello world", 100, out, 6), 3);
	assert_string_equal(out, "he" ELL);
	assert_int_equal(fit("hello world", 100, out, 3), 2); /* no room for … */
	assert_string_equal(out, "he");
	assert_int_equal(fit("hello", 100, out, 6), 5);        /* exactly fits */
	assert_string_equal(out, "hello");
	assert_int_equal(fit("hello", 100, out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'Q';
	assert_int_equal(sanitize_fit("hello", 3, out, 0), 0);
	assert_int_equal(out[0], 'Q');

	/* printable ASCII of every length against every width and capacity
	 * around it: whole when it fits, else a prefix, with the ellipsis
	 * when there is room for one */
	const char *abc = "abcdefghijklmnopqrst";
	for (size_t len = 0; len <= 20; len++) {
		char s[21];
		memcpy(s, abc, len);
		s[len] = '\0';
		for (size_t cols = 0; cols <= 21; cols++) {
			for (size_t cap = 1; cap <= 23; cap++) {
				size_t w = fit(s, cols, out, cap);
				size_t m = strlen(out);
				if (len <= cols && len < cap) {
					assert_string_equal(out, s);
					assert_int_equal(w, len);
				} else if (cols >= 1 && cap >= 4) {
					assert_true(m >= 3 && !memcmp(out + m - 3, ELL, 3));
					assert_memory_equal(out, s, m - 3);
				} else {
					assert_true(m < len);
					assert_memory_equal(out, s, m);
				}
			}
		}
	}
}

/* ---- randomized --------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* splitmix64: deterministic, good enough for test inputs */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Random bytes, half the time drawn from bytes that matter to the parser. */
static size_t random_input(unsigned char *buf, size_t max)
{
	static const unsigned char hot[] = {
		0x1b, '[', ']', 'P', '_', '^', 'X', '\\', 0x07, 0x18, 0x1a, ';',
		'0', '1', 'm', 'J', '(', '#', 0x9b, 0x9c, 0x9d, 0x90, 0x80, 0xbf,
		0xc2, 0xc3, 0xe0, 0xe2, 0xe6, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
		0x00, '\r', '\n', '\t', '\b', 0x7f, 'a', ' ', 0x80, 0xa0, 0x81,
	};
	size_t len = (size_t)(rng() % (max + 1));
	bool hotmode = rng() & 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = hotmode ? hot[rng() % sizeof hot] : (unsigned char)rng();
	return len;
}

static void test_random(void **state)
{
	(void)state;
	enum { MAXLEN = 300, RUNS = 20000, SMALL = 16, GUARD = 16 };
	unsigned char in[MAXLEN];
	char full[3 * MAXLEN + 1], again[3 * MAXLEN + 1];
	char small[SMALL + GUARD];
	rng_state = 20261127;
	for (int run = 0; run < RUNS; run++) {
		size_t len = random_input(in, MAXLEN);
		const char *cin = (const char *)in;

		size_t n = sanitize_text(cin, len, full, sizeof full);
		assert_true(n < sizeof full);
		assert_int_equal(full[n], '\0');
		assert_int_equal(strlen(full), n);
		assert_true(n <= 3 * len);
		if (!safe_utf8(full, n))
			fail_msg("unsafe output for run %d", run);

		/* idempotent: sanitized text passes unchanged */
		size_t n2 = sanitize_text(full, n, again, sizeof again);
		assert_int_equal(n2, n);
		assert_memory_equal(again, full, n);

		/* dup agrees with text */
		char *d = sanitize_dup(cin, len);
		assert_string_equal(d, full);
		free(d);

		/* small buffers: never past outcap, a prefix cut on a boundary */
		for (size_t cap = 1; cap <= SMALL; cap++) {
			memset(small, 0xAA, sizeof small);
			size_t m = sanitize_text(cin, len, small, cap);
			assert_true(m < cap);
			assert_int_equal(small[m], '\0');
			for (size_t g = cap; g < sizeof small; g++)
				assert_int_equal((unsigned char)small[g], 0xAA);
			assert_true(safe_utf8(small, m));
			assert_memory_equal(small, full, m);
			if (m < n) /* the next character really did not fit */
				assert_true(char_len((unsigned char)full[m]) > cap - 1 - m);
		}

		/* fit on the part before the first NUL */
		size_t clen = strnlen(cin, len);
		char cstr[MAXLEN + 1];
		memcpy(cstr, cin, clen);
		cstr[clen] = '\0';
		size_t cols = (size_t)(rng() % 40);
		char fo[SMALL + GUARD];
		size_t cap = 1 + (size_t)(rng() % SMALL);
		memset(fo, 0xAA, sizeof fo);
		size_t w = sanitize_fit(cstr, cols, fo, cap);
		assert_true(w <= cols);
		assert_true(strlen(fo) < cap);
		for (size_t g = cap; g < sizeof fo; g++)
			assert_int_equal((unsigned char)fo[g], 0xAA);
		assert_true(safe_utf8(fo, strlen(fo)));
		assert_int_equal(sanitize_width(fo), w);
		char *whole = sanitize_dup(cstr, clen);
		if (sanitize_width(whole) <= cols && strlen(whole) < cap)
			assert_string_equal(fo, whole); /* no cut needed: all of it */
		else if (cols >= 1 && cap >= 4)
			assert_true(strlen(fo) >= 3 &&
				    memcmp(fo + strlen(fo) - 3, ELL, 3) == 0);
		free(whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_rejects),
		cmocka_unit_test(test_ascii_unchanged),
		cmocka_unit_test(test_utf8_unchanged),
		cmocka_unit_test(test_csi),
		cmocka_unit_test(test_osc),
		cmocka_unit_test(test_dcs_sos_pm_apc),
		cmocka_unit_test(test_other_esc),
		cmocka_unit_test(test_c1_8bit),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_c0_del),
		cmocka_unit_test(test_bidi_invisible),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_dup_worst_case),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
