/* natcmp: compare strings as people read the numbers in them (ux-2 before ux-10). */
#include "base/natcmp.h"

#include <stddef.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int nat(const char *a, const char *b);

int natcmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	int r = nat(a, b);
	return r ? r : strcmp(a, b);   /* only case (or leading zeros) differ */
}

/* The comparison proper, ASCII case ignored. */
static int nat(const char *a, const char *b)
{
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			const char *za = a, *zb = b;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t la = 0, lb = 0;
			while (is_digit(a[la]))
				la++;
			while (is_digit(b[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;   /* more digits: a larger number */
			for (size_t i = 0; i < la; i++)
				if (a[i] != b[i])
					return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
			size_t zeros_a = (size_t)(a - za), zeros_b = (size_t)(b - zb);
			a += la;
			b += lb;
			if (zeros_a != zeros_b)
				return zeros_a > zeros_b ? -1 : 1;
			continue;
		}
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return lower((unsigned char)*a) < lower((unsigned char)*b) ? -1 : 1;
		a++;
		b++;
	}
	return lower((unsigned char)*a) - lower((unsigned char)*b);
}
