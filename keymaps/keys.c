/* keys: key names <-> curses-independent key codes (km_key_parse/km_key_name). */
#include "base/utf8.h"
#include "keymaps/keymap.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct km_named_key {
	const char *name;
	int key;
};

/* Canonical names first: km_key_name uses the first entry with a key. */
static const struct km_named_key km_named[] = {
	{ "Space", ' ' },
	{ "Enter", KM_KEY_ENTER },
	{ "Tab", KM_KEY_TAB },
	{ "Esc", KM_KEY_ESC },
	{ "BSpace", KM_KEY_BACKSPACE },
	{ "BTab", KM_KEY_BTAB },
	{ "Up", KM_KEY_UP },
	{ "Down", KM_KEY_DOWN },
	{ "Left", KM_KEY_LEFT },
	{ "Right", KM_KEY_RIGHT },
	{ "Home", KM_KEY_HOME },
	{ "End", KM_KEY_END },
	{ "PgUp", KM_KEY_PGUP },
	{ "PgDn", KM_KEY_PGDN },
	{ "IC", KM_KEY_INSERT },
	{ "DC", KM_KEY_DELETE },
	/* aliases (tmux and common spellings) */
	{ "Escape", KM_KEY_ESC },
	{ "Return", KM_KEY_ENTER },
	{ "Backspace", KM_KEY_BACKSPACE },
	{ "PageUp", KM_KEY_PGUP },
	{ "PageDown", KM_KEY_PGDN },
	{ "PPage", KM_KEY_PGUP },
	{ "NPage", KM_KEY_PGDN },
	{ "Insert", KM_KEY_INSERT },
	{ "Delete", KM_KEY_DELETE },
};

#define KM_NNAMED (sizeof km_named / sizeof km_named[0])

/* Code points a key name may not be: the controls and the invisible or
 * direction-changing characters base/sanitize would replace. */
static bool km_cp_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff) ||
	       cp > 0x10ffff || utf8_is_invisible(cp);
}

/* Decode exactly one strict UTF-8 character filling all of s; -1 if s is
 * anything else (empty, longer, invalid, overlong). */
static long km_utf8_one(const char *s)
{
	size_t len = strlen(s);
	uint32_t cp;
	if (len == 0 || utf8_decode((const unsigned char *)s, len, &cp) != len || cp == UTF8_INVALID)
		return -1;
	return (long)cp;
}

/* The control key for the text after "C-" or "^"; -1 if none. */
static int km_ctrl_parse(const char *s)
{
	if (strcasecmp(s, "Space") == 0)
		return 0;
	if (strlen(s) != 1)
		return -1;
	char c = s[0];
	if (c >= 'a' && c <= 'z')
		return KM_CTRL(c);
	if (c >= 'A' && c <= 'Z')
		return KM_CTRL(c);
	if (c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
		return KM_CTRL(c);
	return -1;
}

/* F1..F12 (either case, no leading zero); -1 if s is not one. */
static int km_fkey_parse(const char *s)
{
	int n = 0;

	if ((s[0] != 'F' && s[0] != 'f') || s[1] < '1' || s[1] > '9')
		return -1;
	for (s++; *s >= '0' && *s <= '9' && n <= 12; s++)
		n = n * 10 + (*s - '0');
	if (*s != '\0' || n < 1 || n > 12)
		return -1;
	return KM_KEY_F1 + n - 1;
}

int km_key_parse(const char *name)
{
	if (!name || !*name)
		return -1;
	long cp = km_utf8_one(name);
	if (cp >= 0)
		return km_cp_hidden((uint32_t)cp) ? -1 : (int)cp;

	if (strncmp(name, "C-", 2) == 0)
		return km_ctrl_parse(name + 2);
	if (name[0] == '^' && name[1] && !name[2])
		return km_ctrl_parse(name + 1);

	int f = km_fkey_parse(name);
	if (f >= 0)
		return f;
	for (size_t i = 0; i < KM_NNAMED; i++)
		if (strcasecmp(name, km_named[i].name) == 0)
			return km_named[i].key;
	return -1;
}

void km_key_name(int key, char *out, size_t n)
{
	char tmp[KM_KEY_NAME_MAX];

	if (n == 0)
		return;
	tmp[0] = '\0';
	for (size_t i = 0; i < KM_NNAMED; i++) {
		if (km_named[i].key == key) {
			snprintf(tmp, sizeof tmp, "%s", km_named[i].name);
			goto done;
		}
	}
	if (key == 0) {
		snprintf(tmp, sizeof tmp, "C-Space");
	} else if (key >= 'a' - 0x60 && key <= 'z' - 0x60) {
		snprintf(tmp, sizeof tmp, "C-%c", key + 0x60);
	} else if (key >= 0x1c && key <= 0x1f) {
		snprintf(tmp, sizeof tmp, "C-%c", key + 0x40);
	} else if (key >= KM_KEY_F1 && key <= KM_KEY_F12) {
		snprintf(tmp, sizeof tmp, "F%d", key - KM_KEY_F1 + 1);
	} else if (key > 0 && !km_cp_hidden((uint32_t)key)) {
		size_t len = utf8_encode((uint32_t)key, tmp);
		tmp[len] = '\0';
	}
done:
	snprintf(out, n, "%s", tmp);
}
