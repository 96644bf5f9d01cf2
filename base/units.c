/* units: compact human-readable sizes and rates for narrow table cells. */
#include "base/units.h"

#include <stdio.h>

void units_bytes(double v, char *out, size_t n)
{
	static const char suffix[] = "KMGTPE";
	if (v < 0)
		v = 0;
	if (v < 1024) {
		snprintf(out, n, "%.0f", v);
		return;
	}
	int i = -1;
	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	/* one decimal while it fits in 6 characters */
	if (v < 99.95)
		snprintf(out, n, "%.1f%c", v, suffix[i]);
	else
		snprintf(out, n, "%.0f%c", v, suffix[i]);
}
