/* test_cli: the command line's one table (every name and alias found, each command's own --help, a bad option refused with 2) and the shared options (-H, --journal and its old name --audit-log, the config file, the groups a command takes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/helper/memout.h"

#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "control/actions.h"

/* ---- the table ---- */

static void test_table(void **state)
{
	(void)state;
	assert_true(cli_ncommands >= 15);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *c = &cli_commands[i];
		assert_non_null(c->run);
		assert_non_null(c->args);
		assert_true(c->summary && c->summary[0]);
		if (strlen(c->summary) > 54)
			fail_msg("%s: the summary is over 54 characters (one line of --help)", c->name);
		assert_ptr_equal(cli_command_find(c->name), c);
		if (c->alias)
			assert_ptr_equal(cli_command_find(c->alias), c);
		/* no name twice, as a name or an alias */
		for (size_t j = 0; j < i; j++) {
			const struct cli_command *o = &cli_commands[j];
			assert_string_not_equal(c->name, o->name);
			if (o->alias)
				assert_string_not_equal(c->name, o->alias);
			if (c->alias) {
				assert_string_not_equal(c->alias, o->name);
				if (o->alias)
					assert_string_not_equal(c->alias, o->alias);
			}
		}
		/* every action command is an action the screen knows, under both names */
		if (c->run == cli_act_main) {
			int k = act_from_name(c->name);
			assert_true(k >= 0 && k < ACT_FREEZE_ALL);
			if (c->alias)
				assert_int_equal(act_from_name(c->alias), k);
		}
	}
	/* the new names, and the old ones kept for a release */
	const struct cli_command *j = cli_command_find("journal");
	assert_non_null(j);
	assert_ptr_equal(cli_command_find("audit-log"), j);
	assert_true(j->alias_old);
	const struct cli_command *iso = cli_command_find("isolation");
	assert_non_null(iso);
	assert_ptr_equal(cli_command_find("audit"), iso);
	assert_true(iso->alias_old);
	assert_ptr_equal(cli_command_find("freeze"), cli_command_find("pause"));
	assert_false(cli_command_find("freeze")->alias_old);
	assert_ptr_equal(cli_command_find("thaw"), cli_command_find("unpause"));
	/* what is not a command */
	assert_null(cli_command_find("audits"));
	assert_null(cli_command_find("kill-all"));
	assert_null(cli_command_find("freeze-all"));
	assert_null(cli_command_find(""));
	assert_null(cli_command_find(NULL));
}

static void test_commands_usage(void **state)
{
	(void)state;
	struct memout m;
	cli_commands_usage(memout_open(&m));
	char *text = memout_text(&m);
	for (size_t i = 0; i < cli_ncommands; i++) {
		char want[64];
		snprintf(want, sizeof want, "\n  %s", cli_commands[i].name);
		if (!strstr(text, want) && strncmp(text, want + 1, strlen(want + 1)) != 0)
			fail_msg("sandtop --help does not list %s", cli_commands[i].name);
	}
	assert_non_null(strstr(text, "(audit-log: its old name, an alias kept for this release)"));
	assert_non_null(strstr(text, "(audit: its old name, an alias kept for this release)"));
	assert_non_null(strstr(text, "(also freeze)"));
	free(text);
}

/* ---- each command's own parsing, in a child ---- */

struct ran {
	int status;        /* the exit status, or -1 when killed */
	char out[8192];    /* the start of stdout */
};

static void run_child(const struct cli_command *c, const char *const *args, struct ran *r)
{
	char path[] = "/tmp/sandtop-test-cli-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 1);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		char *argv[16];
		int argc = 0;
		for (; args[argc] && argc < 15; argc++)
			argv[argc] = (char *)args[argc];
		argv[argc] = NULL;
		int rc = c->run(argc, argv);
		fflush(stdout);
		_exit(rc);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, r->out, sizeof r->out - 1);
	r->out[n > 0 ? n : 0] = '\0';
	close(fd);
}

static void test_help(void **state)
{
	(void)state;
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *c = &cli_commands[i];
		for (int as_alias = 0; as_alias < 2; as_alias++) {
			const char *name = as_alias ? c->alias : c->name;
			if (!name)
				continue;
			const char *args[] = {name, "--help", NULL};
			struct ran r;
			run_child(c, args, &r);
			if (r.status != 0)
				fail_msg("sandtop %s --help: exit %d", name, r.status);
			char want[64];
			/* the actions say the one typed; the others their own name */
			snprintf(want, sizeof want, "usage: sandtop %s", c->run == cli_act_main ? name : c->name);
			if (strncmp(r.out, want, strlen(want)) != 0)
				fail_msg("sandtop %s --help begins '%.60s', not '%s'", name, r.out, want);
			if (!strstr(r.out, "-h, --help"))
				fail_msg("sandtop %s --help does not list --help", name);
			if (c->alias_old && !strstr(r.out, "old name"))
				fail_msg("sandtop %s --help does not say %s is its old name", name, c->alias);
		}
	}
}

static void test_bad_options(void **state)
{
	(void)state;
	static const char *const cases[][5] = {
		{"ps", "--no-such-option", NULL},
		{"kill", "--no-such-option", "x", NULL},
		{"audit", "--no-such-option", NULL},
		{"audit-log", "verify", "--no-such-option", NULL},
		{"logs", "--no-such-option", "x", NULL},
		{"watch", "--no-such-option", NULL},
		{"launch", "--no-such-option", "x", NULL},
		/* a shared option of a group the command does not take */
		{"ps", "--vnc-socket-dir", "/tmp", NULL},
		{"logs", "--journal", "/tmp/j", "x"},
		{"snapshot", "--data-root", "/tmp", NULL},
		/* a shared option's bad value */
		{"kill", "--engine-timeout", "0", NULL},
		{"ps", "-d", "0.01", NULL},
		{"ps", "--stats-source", "both", NULL},
		/* operands a command does not take */
		{"ps", "extra", NULL},
		{"journal", "check", NULL},
		{"journal", "verify", "a", "b"},
		{"screenshot", "x", NULL},   /* no -o */
		{"logs", NULL},              /* no ID */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct cli_command *c = cli_command_find(cases[i][0]);
		assert_non_null(c);
		struct ran r;
		run_child(c, cases[i], &r);
		if (r.status != CLI_USAGE)
			fail_msg("case %zu (sandtop %s %s): exit %d, not 2", i, cases[i][0], cases[i][1] ? cases[i][1] : "",
				r.status);
		assert_string_equal(r.out, "");   /* nothing on stdout */
	}
}

/* ---- the shared options ---- */

static int parse(struct cli_common *cm, unsigned groups, const char *const *args, int *own)
{
	static const struct option opts[] = {{"mine", no_argument, NULL, 'm'}, {0, 0, 0, 0}};
	char *argv[16];
	int argc = 0;
	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	cli_common_begin(cm, groups, "m", opts);
	opterr = 0;   /* no getopt chatter in the test's output */
	int ch, rc = 0;
	*own = 0;
	while ((ch = cli_common_next(cm, argc, argv)) != -1) {
		if (ch == 'm')
			(*own)++;
		else
			rc = ch;
	}
	return rc;
}

static void test_shared(void **state)
{
	(void)state;
	struct cli_common *cm = xcalloc(1, sizeof *cm);
	int own;
	const char *a1[] = {"x", "-H", "unix:///a.sock", "--mine", "--journal", "/j/new.log", "-m", NULL};
	assert_int_equal(parse(cm, CLI_G_ENGINE | CLI_G_JOURNAL, a1, &own), 0);
	assert_int_equal(own, 2);
	assert_string_equal(cm->host, "unix:///a.sock");
	assert_string_equal(cm->journal, "/j/new.log");
	/* --audit-log: the old name of --journal */
	const char *a2[] = {"x", "--audit-log", "/j/old.log", "--host", "tcp://h:1", NULL};
	assert_int_equal(parse(cm, CLI_G_ENGINE | CLI_G_JOURNAL, a2, &own), 0);
	assert_string_equal(cm->journal, "/j/old.log");
	assert_string_equal(cm->host, "tcp://h:1");
	assert_int_equal(cli_common_load(cm), 0);
	char *j = cli_common_journal(cm);
	assert_string_equal(j, "/j/old.log");
	free(j);
	/* the groups not taken are not options */
	const char *a3[] = {"x", "--data-root", "/d", NULL};
	assert_int_equal(parse(cm, CLI_G_ENGINE | CLI_G_JOURNAL, a3, &own), '?');
	const char *a4[] = {"x", "-H", "h", NULL};
	assert_int_equal(parse(cm, CLI_G_JOURNAL, a4, &own), '?');
	/* the values checked */
	const char *a5[] = {"x", "--engine-timeout", "0.05", NULL};
	assert_int_equal(parse(cm, CLI_G_WAIT, a5, &own), CLI_OPT_INVALID);
	const char *a6[] = {"x", "--engine-timeout", "1.5", "--data-root", "/d", "-d", "0.5", "--stats-source", "api",
		NULL};
	assert_int_equal(parse(cm, CLI_G_WAIT | CLI_G_RECORDS | CLI_G_STATS, a6, &own), 0);
	assert_int_equal(cm->engine_wait_ms, 1500);
	assert_string_equal(cm->data_root, "/d");
	assert_int_equal(cm->interval_ms, 500);
	assert_true(cm->source_set);
	assert_int_equal(cm->source, ST_SRC_API);
	/* -c and --no-config say opposite things */
	const char *a7[] = {"x", "-c", "/nonexistent", "--no-config", NULL};
	assert_int_equal(parse(cm, CLI_G_CONFIG, a7, &own), 0);
	assert_int_equal(cli_common_load(cm), -1);
	free(cm);
}

/* The config file's journal (or its old name, audit-log), under the file's
 * directory; the option over it. */
static void test_shared_config(void **state)
{
	(void)state;
	char dir[] = "/tmp/sandtop-test-cli-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *file = xasprintf("%s/config", dir);
	struct cli_common *cm = xcalloc(1, sizeof *cm);
	int own;
	static const char *const keys[] = {"journal", "audit-log"};
	for (size_t i = 0; i < 2; i++) {
		FILE *fp = fopen(file, "w");
		assert_non_null(fp);
		fprintf(fp, "%s logs/j.log\nengine-timeout 3\n", keys[i]);
		fclose(fp);
		const char *a[] = {"x", "-c", file, NULL};
		assert_int_equal(parse(cm, CLI_G_CONFIG | CLI_G_JOURNAL | CLI_G_WAIT, a, &own), 0);
		assert_int_equal(cli_common_load(cm), 0);
		char *j = cli_common_journal(cm);
		char *want = xasprintf("%s/logs/j.log", dir);
		assert_string_equal(j, want);
		free(want);
		free(j);
		assert_int_equal(cm->engine_wait_ms, 3000);
		const char *b[] = {"x", "-c", file, "--journal", "mine.log", "--engine-timeout", "1", NULL};
		assert_int_equal(parse(cm, CLI_G_CONFIG | CLI_G_JOURNAL | CLI_G_WAIT, b, &own), 0);
		assert_int_equal(cli_common_load(cm), 0);
		j = cli_common_journal(cm);
		assert_string_equal(j, "mine.log");   /* the option as given */
		free(j);
		assert_int_equal(cm->engine_wait_ms, 1000);
		assert_int_equal(cm->cfg.engine_timeout_ms, 1000);
	}
	/* without the config group the file is not read */
	const char *c[] = {"x", NULL};
	assert_int_equal(parse(cm, CLI_G_JOURNAL, c, &own), 0);
	cm->config = file;
	assert_int_equal(cli_common_load(cm), 0);
	assert_string_equal(cm->cfg.journal, "");
	free(cm);
	unlink(file);
	rmdir(dir);
	free(file);
}

static void test_shared_usage(void **state)
{
	(void)state;
	struct memout m;
	cli_common_usage(memout_open(&m), CLI_G_JOURNAL);
	char *text = memout_text(&m);
	assert_non_null(strstr(text, "--journal FILE"));
	assert_non_null(strstr(text, "--audit-log"));
	assert_non_null(strstr(text, "old name"));
	assert_null(strstr(text, "--host"));
	assert_null(strstr(text, "config"));   /* no config file: not its default */
	assert_non_null(strstr(text, "-h, --help"));
	free(text);
}

/* The journal's error in --json: the key and its old name, the same
 * value (sanitized, ASCII) or null in both. */
static void test_json_journal_error(void **state)
{
	(void)state;
	static const struct {
		const char *err, *want;
	} cases[] = {
		{NULL, ",\"journal_error\":null,\"audit_log_error\":null"},
		{"", ",\"journal_error\":null,\"audit_log_error\":null"},
		/* the escape sequence shown as one U+241B, quotes escaped */
		{"full \x1b[2J\"x\"", ",\"journal_error\":\"full \\u241b\\\"x\\\"\",\"audit_log_error\":\"full \\u241b\\\"x\\\"\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&out, &len);
		assert_non_null(fp);
		cli_json_journal_error(fp, cases[i].err);
		fclose(fp);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_commands_usage),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_shared_config),
		cmocka_unit_test(test_shared_usage),
		cmocka_unit_test(test_json_journal_error),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
