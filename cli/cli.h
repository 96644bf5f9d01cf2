/* cli: the subcommands that run without a terminal UI. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>

/* Exit statuses shared by every subcommand. */
enum cli_exit {
	CLI_OK = 0,
	CLI_FAIL = 1,        /* the engine answered with an error */
	CLI_USAGE = 2,
	CLI_UNREACHABLE = 3, /* the engine cannot be reached */
};

/* `sandtop ps`: list sandboxes (every container with all) once, as a table
 * or as a JSON array on stdout; reasons go to stderr as one line. host may be
 * NULL (DOCKER_HOST, then the default socket). With stats, every running
 * sandbox is sampled twice interval_ms apart and its resource use added.
 * Returns an enum cli_exit. */
int cli_ps(const char *host, bool all, bool json, bool stats, int interval_ms);

/* `sandtop screenshot ID -o FILE`: connect to the desktop of container id
 * (name or id) as its sandtop.vnc label says and write a full-resolution
 * PNG to out. Gives up after timeout_ms. Returns an enum cli_exit (1 when
 * the sandbox has no reachable desktop, with the reason on stderr). */
int cli_screenshot(const char *host, const char *id, const char *out, int timeout_ms);

#endif
