/* execinfo: what one exec session runs (GET /exec/ID/json), as exec_create events print it: the isolation checks tell the engine's health checks from sessions someone opened. */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/json/util.h"

struct cmd_req {
	dk_exec_cmd_cb cb;
	void *ud;
};

static void cmd_done(struct dk_req *r, int rc, const struct err *e)
{
	struct cmd_req *q = r->ctx;
	char line[DK_EXEC_CMDLINE_MAX];
	struct err perr;
	if (rc == 0 && dk_parse_exec_cmdline(r->body.data, r->body.len, line, sizeof line, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	bool running = rc < 0 || dk_parse_exec_running(r->body.data, r->body.len);
	q->cb(q->ud, rc, rc < 0 ? e : NULL, rc < 0 ? NULL : line, running);
}

void dk_exec_cmdline(struct dk_client *c, const char *exec_id, dk_exec_cmd_cb cb, void *ud)
{
	char id[65];
	struct cmd_req *q = xcalloc(1, sizeof *q);
	q->cb = cb;
	q->ud = ud;
	bool ok = dkj_copy_id(id, exec_id) == 0;
	char *path = dk_escaped_path("/exec/", ok ? id : "-", "/json");
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->done = cmd_done;
	r->ctx = q;
	r->ctx_free = free;
	if (ok) {
		dk_req_submit(r);
		return;
	}
	struct err e;
	err_set(&e, ERR_USAGE, "not an exec id");
	dk_req_reject(r, &e);
}
