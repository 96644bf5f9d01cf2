/* journal: `sandtop journal verify [FILE]` (`audit-log verify`, its old name), the operator journal's integrity check. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "cli/common.h"
#include "journal/journal.h"

#define GROUPS (CLI_G_CONFIG | CLI_G_JOURNAL)

static void usage(FILE *fp)
{
	fputs("usage: sandtop journal verify [FILE] [-c FILE | --no-config] [--journal FILE]\n"
	      "\n"
	      "Check the operator journal's hash chain: every line a complete record with a\n"
	      "correct hash, seq counting up by one, each record naming the hash of the one\n"
	      "before, and the last one equal to the head file (FILE.head). One line per\n"
	      "problem, then a verdict; the journal's content is never printed.\n"
	      "'sandtop audit-log verify' is its old name, an alias kept for this release.\n"
	      "\n"
	      "  FILE              the journal to check (default: --journal, else the config\n"
	      "                    file's journal, else $XDG_STATE_HOME/sandtop/audit.log)\n",
	      fp);
	cli_common_usage(fp, GROUPS);
	fputs("\nexit status: 0 the chain is intact, 1 it was edited or cut, 2 usage or the\n"
	      "journal cannot be read\n",
	      fp);
}

int cli_journal_verify(const char *path)
{
	char *def = NULL;
	if (!path) {
		def = journal_default_path();
		if (!def) {
			fputs("sandtop: journal verify: no home directory for the default journal; give FILE\n", stderr);
			return CLI_USAGE;
		}
		path = def;
	}
	struct err e;
	int rc = journal_verify(path, stdout, &e);
	if (rc < 0)
		sanitize_fprintf(stderr, "sandtop: journal verify: %s\n", e.msg);
	free(def);
	if (fflush(stdout) != 0 && rc == 0)
		rc = -1;
	return rc < 0 ? CLI_USAGE : rc == 0 ? CLI_OK : CLI_FAIL;
}

int cli_journal_main(int argc, char **argv)
{
	static const struct option own[] = {{0, 0, 0, 0}};
	struct cli_common cm;
	cli_common_begin(&cm, GROUPS, "", own);
	int ch;
	while ((ch = cli_common_next(&cm, argc, argv)) != -1) {
		switch (ch) {
		case 'h': usage(stdout); exit(CLI_OK);
		case CLI_OPT_INVALID: return CLI_USAGE;
		default: usage(stderr); return CLI_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "verify") != 0) {
		fprintf(stderr, "sandtop: usage: sandtop journal verify [FILE]\n");
		return CLI_USAGE;
	}
	const char *file = ++optind < argc ? argv[optind++] : NULL;
	if (optind < argc) {
		sanitize_fprintf(stderr, "sandtop: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	if (file)
		cm.journal = file;
	if (cli_common_load(&cm) < 0)
		return CLI_USAGE;
	cli_common_batch();
	char *path = cli_common_journal(&cm);
	int rc = cli_journal_verify(path);
	free(path);
	return rc;
}
