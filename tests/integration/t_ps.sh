# t_ps.sh: `sandtop ps` against real reference sandboxes on the real engine.

# ps --json reports exactly the running sandboxes, field for field, and no
# other container; --all adds the others.
t_ps_json_exact() {
	local p="${RUN_ID}ps"
	sandboxes_up 3 "$p" || { fail "could not start sandboxes"; return; }
	docker run -d --name "$p-plain" sandtop/mini:latest sleep 600 >/dev/null
	"$SANDTOP" ps --json >"$TEST_TMP/ps.json" 2>"$TEST_TMP/ps.err"
	check "ps --json exits 0" [ $? -eq 0 ]
	check "stderr is empty" [ ! -s "$TEST_TMP/ps.err" ]
	check "output is pure ASCII JSON" bash -c "! LC_ALL=C grep -q '[^ -~]' '$TEST_TMP/ps.json' && jq -e 'type == \"array\"' '$TEST_TMP/ps.json' >/dev/null"
	# what the engine says, through the docker CLI
	local want got
	want=$(docker ps -aq --no-trunc --filter label=sandtop.sandbox | sort)
	got=$(jq -r '.[].id' "$TEST_TMP/ps.json" | sort)
	check "ids are exactly the engine's sandboxes" [ "$want" = "$got" ]
	check "the plain container is not listed" bash -c "! grep -q '$p-plain' '$TEST_TMP/ps.json'"
	local id
	for id in $(docker ps -q --no-trunc --filter "name=^$p-"  --filter label=sandtop.sandbox); do
		docker inspect "$id" | jq -S '.[0] | {id: .Id, name: (.Name | ltrimstr("/")), image: .Config.Image,
			state: .State.Status, labels: .Config.Labels, started: .State.StartedAt[0:19], pid: .State.Pid}' >"$TEST_TMP/want.json"
		jq -S --arg id "$id" '.[] | select(.id == $id) | {id, name, image, state, labels, started: .started_at[0:19], pid}' \
			"$TEST_TMP/ps.json" >"$TEST_TMP/got.json"
		check "fields of $(jq -r .name "$TEST_TMP/want.json") match docker inspect" diff -u "$TEST_TMP/want.json" "$TEST_TMP/got.json"
	done
	"$SANDTOP" ps --json --all >"$TEST_TMP/all.json"
	check "--all lists the plain container too" bash -c "jq -e --arg n '$p-plain' 'any(.[]; .name == \$n)' '$TEST_TMP/all.json' >/dev/null"
	"$SANDTOP" ps >"$TEST_TMP/ps.txt"
	check "table lists each sandbox by name" bash -c "[ \$(grep -c '^$p-' '$TEST_TMP/ps.txt') -eq 3 ]"
}
t_ps_json_exact_cleanup() { sandboxes_down "${RUN_ID}ps"; docker rm -f "${RUN_ID}ps-plain" >/dev/null 2>&1; }

# An unreachable engine: exit 3, one line on stderr, nothing on stdout.
t_ps_unreachable() {
	local rc
	"$SANDTOP" ps --json -H unix:///nonexistent/docker.sock >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "exit status 3 (got $rc)" [ $rc -eq 3 ]
	check "one line on stderr" [ "$(wc -l <"$TEST_TMP/err")" -eq 1 ]
	check "stderr names the endpoint" grep -q 'unix:///nonexistent/docker.sock' "$TEST_TMP/err"
	check "nothing on stdout" [ ! -s "$TEST_TMP/out" ]
	# a port nobody listens on (bound then closed: ephemeral, never fixed)
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	DOCKER_HOST=tcp://127.0.0.1:$port "$SANDTOP" ps >/dev/null 2>&1
	rc=$?
	check "DOCKER_HOST=tcp://127.0.0.1:$port also exits 3 (got $rc)" [ $rc -eq 3 ]
	"$SANDTOP" ps -H bogus://x >/dev/null 2>&1
	rc=$?
	check "a malformed address is a usage error (2, got $rc)" [ $rc -eq 2 ]
}
