/* journal: `sandtop audit-log verify [FILE]`, the operator audit log's integrity check. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/sanitize.h"
#include "journal/journal.h"

int cli_audit_verify(const char *path)
{
	char *def = NULL;
	if (!path) {
		def = journal_default_path();
		if (!def) {
			fputs("sandtop: audit-log verify: no home directory for the default log; give FILE\n", stderr);
			return CLI_USAGE;
		}
		path = def;
	}
	struct err e;
	int rc = journal_verify(path, stdout, &e);
	if (rc < 0)
		sanitize_fprintf(stderr, "sandtop: audit-log verify: %s\n", e.msg);
	free(def);
	if (fflush(stdout) != 0 && rc == 0)
		rc = -1;
	return rc < 0 ? CLI_USAGE : rc == 0 ? CLI_OK : CLI_FAIL;
}
