/* commands: the command line's one table of commands (as git's commands[] and tmux's cmd_table): each name, the other name it answers to, its one-line summary and its handler, which parses its own options. */
#include "cli/cli.h"

#include <string.h>

const struct cli_command cli_commands[] = {
	{"ps", NULL, false, "", "list the sandboxes once and exit", cli_ps_main},
	{"screenshot", NULL, false, "ID -o FILE.png", "save a full-resolution PNG of a sandbox's desktop",
	 cli_screenshot_main},
	{"kill", NULL, false, "ID...", "SIGKILL every task of the sandboxes (the kernel first)", cli_act_main},
	{"stop", NULL, false, "ID...", "stop the sandboxes (SIGTERM, then SIGKILL after -t)", cli_act_main},
	{"pause", "freeze", false, "ID...", "freeze the sandboxes (the kernel's freezer first)", cli_act_main},
	{"unpause", "thaw", false, "ID...", "thaw or unpause the sandboxes", cli_act_main},
	{"restart", NULL, false, "ID...", "restart the sandboxes", cli_act_main},
	{"remove", NULL, false, "ID...", "remove the sandboxes (forced)", cli_act_main},
	{"quarantine", NULL, false, "ID...", "freeze the sandboxes and cut them off every network", cli_act_main},
	{"snapshot", NULL, false, "ID...", "a forensic bundle of each sandbox in a new directory", cli_snapshot_main},
	{"journal", "audit-log", true, "verify [FILE]", "check the operator journal's hash chain", cli_journal_main},
	{"isolation", "audit", true, "[ID...]", "check each sandbox's isolation, and the host's", cli_isolation_main},
	{"launch", NULL, false, "NAME", "create and start a hardened sandbox", cli_launch_main},
	{"watch", NULL, false, "", "headless: enforce the sandtop.ttl budgets", cli_watch_main},
	{"logs", NULL, false, "ID", "a container's stdout and stderr, sanitized", cli_logs_main},
};
const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

const struct cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; name && i < cli_ncommands; i++) {
		const struct cli_command *c = &cli_commands[i];
		if (!strcmp(name, c->name) || (c->alias && !strcmp(name, c->alias)))
			return c;
	}
	return NULL;
}

void cli_commands_usage(FILE *fp)
{
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *c = &cli_commands[i];
		char head[64];
		int w = snprintf(head, sizeof head, "%s%s%s", c->name, c->args[0] ? " " : "", c->args);
		fprintf(fp, "  %-22s%s%s\n", head, w > 22 ? "\n                          " : "  ", c->summary);
		if (c->alias && c->alias_old)
			fprintf(fp, "  %-22s  (%s: its old name, an alias kept for this release)\n", "", c->alias);
		else if (c->alias)
			fprintf(fp, "  %-22s  (also %s)\n", "", c->alias);
	}
}
