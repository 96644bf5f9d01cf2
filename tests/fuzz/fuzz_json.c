/* fuzz_json: the engine's answer bodies (container list and inspect, hardening, mounts, image labels, exec, version, info, networks, errors) through every dk_parse_* decoder, and the parsed containers back out as `ps --json`. */
#include "tests/fuzz/fuzz.h"

#include "desktop/desk.h"
#include "docker/client_internal.h"
#include "docker/docker.h"
#include "docker/hardening.h"
#include "sandbox/budget.h"

/* What comes out of `sandtop ps --json` is ASCII JSON whatever went in. */
static void check_out(const struct dk_container *items, size_t n)
{
	char *js = dk_containers_to_json(items, n, NULL);
	size_t len = strlen(js);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)js[i] < 0x20 || (unsigned char)js[i] > 0x7e)
			if (js[i] != '\n' && js[i] != ' ')
				abort();
	struct err e;
	if (dk_check_json(js, len, &e) < 0) {
		fprintf(stderr, "ps --json is not JSON: %s\n", e.msg);
		abort();
	}
	free(js);
}

/* The label values sandtop reads (untrusted: anyone who runs a container). */
static void labels(const struct dk_container *c)
{
	for (size_t i = 0; i < c->nlabels; i++) {
		int64_t secs;
		struct desk_endpoint ep;
		struct err e;
		ttl_parse(c->labels[i].value, &secs);
		if (desk_parse_label(c->labels[i].value, &ep, &e) < 0)
			fz_assert_sanitized("desk_parse_label error", e.msg);
	}
	(void)dk_container_label(c, "sandtop.vnc");
	(void)dk_container_port(c, 5900, "tcp");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	char *body = fz_exact(data, size);
	struct err e;

	struct dk_container_list list = {0};
	if (dk_parse_container_list(body, size, &list, &e) == 0) {
		for (size_t i = 0; i < list.n; i++)
			labels(&list.items[i]);
		check_out(list.items, list.n);
		dk_container_list_free(&list);
	}

	struct dk_container c = {0};
	if (dk_parse_inspect(body, size, &c, &e) == 0) {
		labels(&c);
		check_out(&c, 1);
		struct dk_container copy = {0}, merged = {0};
		dk_container_copy(&copy, &c);
		dk_container_merge_inspect(&merged, &c);
		dk_container_clear(&copy);
		dk_container_clear(&merged);
	}
	dk_container_clear(&c);

	struct dk_mount_point *mp = NULL;
	size_t nmp = 0;
	if (dk_parse_mount_points(body, size, &mp, &nmp, &e) == 0)
		dk_mount_points_free(mp, nmp);

	struct dk_hardening h;
	if (dk_parse_hardening(body, size, &h, &e) == 0)
		dk_hardening_clear(&h);

	bool b, known;
	int code;
	dk_parse_tty(body, size, &b, &e);
	dk_parse_exec_state(body, size, &b, &code, &e);

	struct dk_label *il = NULL;
	size_t nil = 0;
	if (dk_parse_image_labels(body, size, &known, &il, &nil, &e) == 0) {
		for (size_t i = 0; i < nil; i++) {
			free(il[i].key);
			free(il[i].value);
		}
		free(il);
	}

	struct dk_version_info v;
	if (dk_parse_version(body, size, &v, &e) == 0)
		fz_assert_sanitized("engine version", v.engine);

	struct dk_hostinfo hi;
	memset(&hi, 0, sizeof hi);
	if (dk_parse_info(body, size, &hi, &e) == 0)
		dk_parse_version_components(body, size, &hi, &e);
	dk_hostinfo_clear(&hi);

	struct dk_netinfo ni;
	if (dk_parse_netinfo(body, size, &ni, &e) == 0)
		dk_netinfo_clear(&ni);

	char id[72], cmd[DK_EXEC_CMDLINE_MAX];
	dk_parse_exec_id(body, size, id, &e);
	dk_parse_image_id(body, size, id, &e);
	dk_parse_exec_cmdline(body, size, cmd, sizeof cmd, &e);
	dk_check_json(body, size, &e);

	/* an error answer's message is shown to the operator */
	dk_http_error(&e, 404, body, size);
	fz_assert_sanitized("engine error", e.msg);
	dk_http_error(&e, 500, body, size);
	fz_assert_sanitized("engine error", e.msg);

	free(body);
	return 0;
}
