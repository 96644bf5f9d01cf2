/* fuzz_agent: the outputs of the exec-stop scripts (docker/exec_stop.c dk_agent_parse_stop, then dk_agent_parse_cont over what it stopped), cut at the first NUL byte: a sandbox's processes name themselves. */
#include "tests/fuzz/fuzz.h"

#include "docker/exec_stop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n1 = nul ? (size_t)(nul - data) : size;
	char *out = fz_exact(data, n1);
	struct ag_stop st;
	struct err e;
	int rc = dk_agent_parse_stop(out, n1, &st, &e);
	free(out);
	if (rc < 0) {
		fz_err("parse_stop", e.msg);
		ag_clear(&st);
		return 0;
	}
	if (st.n > AG_MAX || st.stopped + st.kept + st.already + st.failed > st.n)
		abort();
	for (size_t i = 0; i < st.n; i++) {
		fz_assert_sanitized("comm", st.p[i].comm);
		fz_assert_sanitized("why", st.p[i].why);
	}
	char pids[128];
	ag_pids(&st, pids, sizeof pids);
	if (nul) {
		size_t n2 = size - n1 - 1;
		char *cont = fz_exact(nul + 1, n2);
		if (dk_agent_parse_cont(cont, n2, &st, &e) < 0)
			fz_err("parse_cont", e.msg);
		else if (st.continued + st.cont_gone > st.stopped)
			abort();
		free(cont);
	}
	ag_clear(&st);
	return 0;
}
