# t_remote.sh: a TLS engine of the test's own (its certificates made here by openssl), reached as a user would: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, the --tls options, a docker CLI context (--context, DOCKER_CONTEXT, the current context), the screen, a desktop's screenshot and a snapshot through exec tunnels over TLS; a wrong CA, a plain client, a TLS client at a plain server and bad certificates each say why in one line and fail.

# rm_cert DIR NAME CA EXT SUBJECT: a P-256 key and a certificate NAME-cert.pem
# signed by DIR/CA (CA-key.pem) with the extensions EXT.
rm_cert() {
	local d=$1 n=$2 ca=$3 ext=$4 subj=$5
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$n-key.pem" \
		-subj "/CN=$subj" -out "$d/$n.csr" 2>/dev/null &&
		printf '%b\n' "$ext" >"$d/$n.ext" &&
		openssl x509 -req -in "$d/$n.csr" -CA "$d/$ca.pem" -CAkey "$d/$ca-key.pem" -CAcreateserial -days 2 \
			-sha256 -extfile "$d/$n.ext" -out "$d/$n-cert.pem" 2>/dev/null
}
rm_ca() { # DIR NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1/$2-key.pem" \
		-days 2 -subj "/CN=sandtop it $2" -out "$1/$2.pem" 2>/dev/null
}
# rm_certs DIR: a CA and the engine's and a client's certificates it signed,
# another CA and a client certificate that one signed; DIR/client/ holds
# ca.pem, cert.pem, key.pem as DOCKER_CERT_PATH wants them.
rm_certs() {
	local d=$1
	mkdir -p "$d/client" &&
		rm_ca "$d" ca && rm_ca "$d" otherca &&
		rm_cert "$d" server ca 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth' 127.0.0.1 &&
		rm_cert "$d" client ca 'extendedKeyUsage=clientAuth' client &&
		rm_cert "$d" stranger otherca 'extendedKeyUsage=clientAuth' stranger &&
		cp "$d/ca.pem" "$d/client/ca.pem" && cp "$d/client-cert.pem" "$d/client/cert.pem" &&
		cp "$d/client-key.pem" "$d/client/key.pem"
}
rm_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# rm_ps OUT ERR [ENV=V...] -- ARGS...: sandtop ps with that environment
# (and no docker variable of the caller's); its exit status in RM_RC.
rm_ps() {
	local out=$1 err=$2 envs=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env -u DOCKER_HOST -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH -u DOCKER_CONTEXT -u DOCKER_TLS \
		DOCKER_CONFIG="$TEST_TMP/nodocker" "${envs[@]}" "$SANDTOP" ps --no-config "$@" >"$out" 2>"$err"
	RM_RC=$?
}
rm_listed() { grep -qE -- "(^| )$1( |$)" "$2"; }
# rm_says WHAT ERR REGEX: one check that sandtop failed with one line on
# stderr matching REGEX, nothing unprintable in it, nothing on stdout.
rm_says() {
	local what=$1 err=$2 re=$3 lines
	lines=$(wc -l <"$err")
	if [ "$RM_RC" -ne 0 ] && [ "$lines" -eq 1 ] && grep -qE -- "$re" "$err" && ! grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$err"; then
		note "ok: $what (exit $RM_RC): $(cat "$err")"
	else
		fail "$what: exit $RM_RC, $lines line(s): $(head -c 600 "$err")"
	fi
}

# rm_desktop CERTS HOST PREFIX: a reference sandbox on the TLS engine; its
# desktop read through the exec tunnel over TLS (sandtop screenshot), and a
# snapshot of it (the agent stopped by an exec, the screenshot, the tar
# the sandbox makes of what the agent wrote: each an exec tunnel).
rm_desktop() {
	local d=$1 host=$2 p=$3 tls
	tls=(-H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/client-cert.pem" --tlskey "$d/client-key.pem")
	# --wait: until its health check passes (x11vnc answers), not just started
	sandboxes_up_on "$ENGINE_HOST" 1 "$p" --wait || { fail "a healthy reference sandbox on the TLS engine"; return 1; }
	"$SANDTOP" screenshot "$p-1" -o "$TEST_TMP/tls.png" "${tls[@]}" >"$TEST_TMP/tls-shot.log" 2>&1
	check "sandtop screenshot over TLS: a 1024x768 PNG ($(head -c 300 "$TEST_TMP/tls-shot.log"))" \
		bash -c "file '$TEST_TMP/tls.png' | grep -q 'PNG image data, 1024 x 768'"
	docker -H "$ENGINE_HOST" exec "$p-1" sh -c 'echo written-in-tmp > /tmp/agent.txt'
	"$SANDTOP" snapshot "$p-1" --armed -o "$TEST_TMP/tls-snap" --journal "$TEST_TMP/tls-journal.log" "${tls[@]}" \
		>"$TEST_TMP/tls-snap.log" 2>&1
	check "sandtop snapshot over TLS: the screenshot step took the desktop" \
		bash -c "ls '$TEST_TMP'/tls-snap/*/screenshot.png"
	check "sandtop snapshot over TLS: the in-sandbox tar of /tmp came through the tunnel with agent.txt ($(tail -c 300 "$TEST_TMP/tls-snap.log"))" \
		bash -c "for t in '$TEST_TMP'/tls-snap/*/scratch-*.tar; do tar -xOf \"\$t\" ./agent.txt 2>/dev/null; done | grep -qx written-in-tmp"
	sandboxes_down_on "$ENGINE_HOST" "$p"
}

t_remote() {
	local d="$TEST_TMP/certs" p="${RUN_ID}tls" port host cfg plain ppid ctx="${RUN_ID}ctx" out err
	out="$TEST_TMP/out" err="$TEST_TMP/err"
	command -v openssl >/dev/null || { fail "openssl missing"; return 1; }
	rm_certs "$d" || { fail "openssl could not make the certificates"; return 1; }
	port=$(rm_free_port)
	host="tcp://127.0.0.1:$port"
	engine_start tls sandtop/mini:latest sandtop/sandbox:latest -- -H "$host" --tlsverify --tlscacert="$d/ca.pem" \
		--tlscert="$d/server-cert.pem" --tlskey="$d/server-key.pem" || { fail "the TLS engine did not start"; return 1; }
	note "TLS engine on $host (and $ENGINE_HOST)"
	check "the docker CLI reaches it over TLS and it has sandtop/mini" \
		docker -H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/client-cert.pem" \
		--tlskey "$d/client-key.pem" image inspect -f '{{.Id}}' sandtop/mini:latest
	docker -H "$ENGINE_HOST" run -d --name "$p-a" --network none --label sandtop.sandbox=1 \
		sandtop/mini:latest sleep 600 >/dev/null || { fail "docker run on the TLS engine"; return 1; }

	# ---- TLS, the docker CLI's environment and options ----------------------------
	rm_ps "$out" "$err" DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$d/client" --
	check "DOCKER_TLS_VERIFY, DOCKER_CERT_PATH: ps lists $p-a (exit $RM_RC)" rm_listed "$p-a" "$out"
	rm_ps "$out" "$err" -- -H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/client-cert.pem" \
		--tlskey "$d/client-key.pem"
	check "-H --tlsverify --tlscacert --tlscert --tlskey: ps lists it (exit $RM_RC)" rm_listed "$p-a" "$out"
	rm_ps "$out" "$err" -- -H "$host" --tls --tlscacert "$d/otherca.pem" --tlscert "$d/client-cert.pem" \
		--tlskey "$d/client-key.pem"
	check "--tls alone does not verify the engine: lists it even with another CA (exit $RM_RC)" \
		rm_listed "$p-a" "$out"

	# ---- what goes wrong, in one line ---------------------------------------------------
	rm_ps "$out" "$err" DOCKER_HOST="$host" --
	rm_says "plain HTTP to the TLS engine" "$err" "wants TLS: .*--tlsverify.*DOCKER_TLS_VERIFY"
	rm_ps "$out" "$err" DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$d/client" -- \
		--tlscacert "$d/otherca.pem"
	rm_says "an engine another CA signed" "$err" "TLS certificate does not verify against the CA .*otherca.pem"
	printf 'garbage\n' >"$d/garbage.pem"
	rm_ps "$out" "$err" -- -H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/garbage.pem" \
		--tlskey "$d/client-key.pem"
	rm_says "a client certificate that is not one" "$err" "TLS client certificate .*garbage.pem holds no PEM certificate"
	rm_ps "$out" "$err" -- -H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/client-cert.pem" \
		--tlskey "$d/stranger-key.pem"
	rm_says "a key of another certificate" "$err" "stranger-key.pem does not go with the certificate"
	rm_ps "$out" "$err" -- -H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/nothere.pem" \
		--tlskey "$d/client-key.pem"
	rm_says "a certificate file that is not there" "$err" "cannot read the TLS client certificate .*nothere.pem: No such file"
	rm_ps "$out" "$err" -- -H "$host" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/stranger-cert.pem" \
		--tlskey "$d/stranger-key.pem"
	# (TLS 1.3: the engine's alert, or its hang-up when the request is under way)
	rm_says "a client certificate the engine's CA did not sign" "$err" \
		"engine at $host (refused our TLS client certificate .*stranger-cert.pem|closed the TLS connection .*stranger-cert.pem)"
	rm_ps "$out" "$err" -- -H "$host" --tlsverify --tlscacert "$d/ca.pem"
	rm_says "no client certificate" "$err" "engine at $host (wants a TLS client certificate|closed the TLS connection .*\(none\))"
	plain=$(rm_free_port)
	python3 -m http.server --bind 127.0.0.1 "$plain" >"$TEST_TMP/http.log" 2>&1 &
	ppid=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$plain/" && break; sleep 0.1; done
	rm_ps "$out" "$err" DOCKER_HOST="tcp://127.0.0.1:$plain" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$d/client" --
	rm_says "TLS to a plain-HTTP server" "$err" "does not speak TLS"
	kill "$ppid" 2>/dev/null
	wait "$ppid" 2>/dev/null

	# ---- the desktop through an exec over TLS (the tunnel speaks through curl's connection) --
	rm_desktop "$d" "$host" "$p-d"

	# ---- a docker CLI context in a DOCKER_CONFIG of the test's own -------------------------
	cfg="$TEST_TMP/dockercfg"
	mkdir -p "$cfg"
	check "docker context create $ctx" eval 'DOCKER_CONFIG="$cfg" docker context create "$ctx" --docker \
		"host=$host,ca=$d/ca.pem,cert=$d/client-cert.pem,key=$d/client-key.pem" >"$TEST_TMP/ctx.log" 2>&1'
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" -- --context "$ctx"
	check "--context $ctx: ps lists it (exit $RM_RC)" rm_listed "$p-a" "$out"
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" DOCKER_CONTEXT="$ctx" --
	check "DOCKER_CONTEXT=$ctx: ps lists it (exit $RM_RC)" rm_listed "$p-a" "$out"
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" DOCKER_HOST=unix:///nonexistent/docker.sock -- --context "$ctx"
	check "--context over DOCKER_HOST, as the docker CLI (exit $RM_RC)" rm_listed "$p-a" "$out"
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" -- --context "${ctx}nope"
	rm_says "a context that is not there" "$err" "context \"${ctx}nope\" not found"
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" -- --context "$ctx" -H "$host"
	rm_says "-H with --context" "$err" "-H and --context"
	check "docker context use $ctx" eval 'DOCKER_CONFIG="$cfg" docker context use "$ctx" >>"$TEST_TMP/ctx.log" 2>&1'
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" --
	check "the current context: ps lists it (exit $RM_RC)" rm_listed "$p-a" "$out"
	rm_ps "$out" "$err" DOCKER_CONFIG="$cfg" DOCKER_CONTEXT=default --
	check "DOCKER_CONTEXT=default is the local engine: $p-a not there (exit $RM_RC)" \
		eval '[ "$RM_RC" -eq 0 ] && ! rm_listed "$p-a" "$out"'

	# ---- the screen, through the current context ------------------------------------------
	TUI_ENV="DOCKER_CONFIG=$cfg" tui_start rmtui 160 30 --no-config
	check "the screen lists $p-a through the context's TLS" wait_screen rmtui "$p-a" 10
	check "the screen names the TLS engine" wait_screen rmtui "127\.0\.0\.1:$port" 5
}

t_remote_cleanup() {
	tm kill-session -t rmtui 2>/dev/null   # its connections would hold the engine's stop up
	docker -H "$(scripts/engine host tls 2>/dev/null)" rm -f "${RUN_ID}tls-a" >/dev/null 2>&1 || true
	sandboxes_down_on "$(scripts/engine host tls 2>/dev/null)" "${RUN_ID}tls-d"
}
