# t_snapshot: forensic bundles of real reference sandboxes (read-only root, tmpfs): what the agent wrote, links kept as links, labels, hashes, pause and resume, the audit log, failures.

# snap_up PREFIX: one reference sandbox, healthy; its name in SNAP_NAME
snap_up() {
	SNAP_NAME="$1-1"
	"$ROOT/scripts/sandboxes" up 1 --prefix "$1" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
}
# The images our runs committed (named in the JSON), removed at the end.
snap_images_rm() { [ -f "$TEST_TMP/images" ] && xargs -r docker rmi -f <"$TEST_TMP/images" >/dev/null 2>&1; true; }
snap_json_keep() { echo "$1" | jq -r '.results[].image_id // empty' >>"$TEST_TMP/images"; }
state_of() { docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
# tar_with MEMBER: the scratch tar of the bundle in $B holding MEMBER
tar_with() {
	local t
	for t in "$B"/scratch-*.tar; do tar -tf "$t" | grep -qx -- "$1" && { echo "$t"; return 0; }; done
	return 1
}
# every file of the manifest hashes as it says, and every file is in it
manifest_matches() {
	local f want got listed
	listed=$(jq -r '.files[].name' "$B/manifest.json" | sort)
	[ "$listed" = "$(cd "$B" && ls | grep -vx manifest.json | sort)" ] || { note "listed: $listed"; return 1; }
	for f in $listed; do
		want=$(jq -r --arg f "$f" '.files[] | select(.name == $f) | "\(.sha256) \(.size)"' "$B/manifest.json")
		got="$(sha256sum "$B/$f" | cut -d' ' -f1) $(stat -c %s "$B/$f")"
		[ "$want" = "$got" ] || { note "$f: manifest $want, file $got"; return 1; }
	done
}

t_snapshot_bundle() {
	local p="snp${RUN_ID}b" log="$TEST_TMP/audit.log" out rc id img t
	snap_up "$p" || return 1
	id=$(docker inspect -f '{{.Id}}' "$SNAP_NAME")
	docker exec "$SNAP_NAME" sh -c 'echo written-in-tmp > /tmp/agent.txt; echo written-at-home > /home/agent/notes.txt;
		ln -s /etc/shadow /tmp/escape; ln -s / /tmp/hostroot; ln -s ../../../../../etc /tmp/up; mkfifo /tmp/fifo;
		echo in-shm > /dev/shm/x' || { fail "could not write into the sandbox"; return 1; }
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out" --reason "it: bundle")
	rc=$?
	snap_json_keep "$out"
	echo "$out" >"$TEST_TMP/out.json"
	check "snapshot: exit 0" test $rc -eq 0
	B=$(echo "$out" | jq -r '.results[0].bundle')
	check "the bundle is a new directory NAME-TIME under --output" sh -c "case '$B' in '$TEST_TMP/out/$SNAP_NAME-'*Z) test -d '$B';; *) false;; esac"
	check "... 0700, its files 0600" sh -c "test \"\$(stat -c %a '$B')\" = 700 && ! find '$B' -type f ! -perm 600 | grep -q ."
	for f in inspect.json logs.txt screenshot.png stats.csv manifest.json; do
		check "it has $f" test -s "$B/$f"
	done
	check "screenshot.png is a 1024x768 PNG" sh -c "file '$B/screenshot.png' | grep -q 'PNG image data, 1024 x 768'"
	check "inspect.json is the engine's inspect of it" sh -c "jq -e --arg id '$id' '.Id == \$id' '$B/inspect.json' >/dev/null"
	check "... taken while it was paused" sh -c "jq -e '.State.Paused == true' '$B/inspect.json' >/dev/null"
	t=$(tar_with tmp/agent.txt)
	check "a scratch tar holds /tmp/agent.txt with its content" sh -c "test -n '$t' && test \"\$(tar -xOf '$t' tmp/agent.txt)\" = written-in-tmp"
	t=$(tar_with home/agent/notes.txt)
	check "a scratch tar holds /home/agent/notes.txt (a 0700 tmpfs of uid 10001)" sh -c "test -n '$t' && test \"\$(tar -xOf '$t' home/agent/notes.txt)\" = written-at-home"
	t=$(tar_with dev/shm/x)
	check "and its own /dev/shm" test -n "$t"
	t=$(tar_with tmp/escape)
	check "the planted /tmp/escape -> /etc/shadow is stored as that link" sh -c "tar -tvf '$t' tmp/escape | grep -q '^l.* tmp/escape -> /etc/shadow$'"
	check "... and so are the others, never followed" sh -c "tar -tvf '$t' | grep -q 'tmp/hostroot -> /\$' && tar -tvf '$t' | grep -q 'tmp/up -> ../../../../../etc\$' && ! tar -tf '$t' | grep -Eq '^tmp/(hostroot|up)/'"
	check "no shadow file's content in any tar" sh -c "! cat '$B'/scratch-*.tar | grep -aq 'root:[^:]*:[0-9]*:'"
	check "the fifo is noted, not archived" sh -c "jq -e '[.scratch[].notes[]?] | any(test(\"fifo, not archived: tmp/fifo\"))' '$B/manifest.json' >/dev/null"
	check "manifest.json: every file with its size and sha256, as sha256sum says" manifest_matches
	check "manifest: format, container, operator, reason, every step" sh -c "jq -e --arg id '$id' '.format == \"sandtop-snapshot\" and .version == 1 and .container.id == \$id and .operator.uid == $(id -u) and .reason == \"it: bundle\" and ([.steps[].step] == [\"screenshot\",\"pause\",\"inspect\",\"logs\",\"commit\",\"scratch\",\"stats\",\"resume\",\"manifest\"]) and all(.steps[]; .result == \"ok\")' '$B/manifest.json' >/dev/null"
	img=$(echo "$out" | jq -r '.results[0].image_id')
	check "the committed image is in the manifest" sh -c "jq -e --arg i '$img' '.image.id == \$i and .image.repo == \"sandtop-snapshot\"' '$B/manifest.json' >/dev/null"
	check "the image carries the labels" sh -c "docker image inspect -f '{{json .Config.Labels}}' '$img' | jq -e --arg id '$id' '.\"sandtop.snapshot.source\" == \$id and .\"sandtop.snapshot.reason\" == \"it: bundle\" and (.\"sandtop.snapshot.time\" | test(\"^20[0-9-]+T[0-9:.]+Z$\")) and (.\"sandtop.snapshot.operator\" | test(\"uid $(id -u)\"))' >/dev/null"
	check "the sandbox runs again" test "$(state_of "$SNAP_NAME")" = running
	check "audit log: the snapshot's intent and result" sh -c "grep -c '\"action\":\"snapshot\"' '$log' | grep -qx 2 && grep -q '\"phase\":\"intent\"' '$log' && grep -q '\"phase\":\"result\"' '$log'"
	check "... the result names the manifest's sha256 and the bundle" grep -q "manifest_sha256=$(sha256sum "$B/manifest.json" | cut -d' ' -f1) bundle=$B" "$log"
	"$SANDTOP" audit-log verify "$log" >/dev/null
	check "... and its chain is intact" test $? -eq 0
	note "steps (ms): $(jq -r '[.steps[] | "\(.step)=\(.ms)"] | join(" ")' "$B/manifest.json")"
}
t_snapshot_bundle_cleanup() { snap_images_rm; sandboxes_down "snp${RUN_ID}b"; }

# --keep-paused, a sandbox paused already, a stopped one.
t_snapshot_pause_states() {
	local p="snp${RUN_ID}k" log="$TEST_TMP/audit.log" out rc
	snap_up "$p" || return 1
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --keep-paused --json --audit-log "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "--keep-paused: exit 0" test $rc -eq 0
	check "... and it stays paused" test "$(state_of "$SNAP_NAME")" = paused
	check "... the resume step says so" sh -c "echo '$out' | jq -e '.results[0].steps.resume.result == \"skipped\" and (.results[0].steps.resume.detail | test(\"kept paused\"))' >/dev/null"
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "a sandbox paused before: exit 0 (the screenshot skipped: its desktop is frozen)" sh -c "test $rc -eq 0 && echo '$out' | jq -e '.results[0].steps.screenshot.result == \"skipped\" and .results[0].steps.pause.result == \"skipped\"' >/dev/null"
	check "... it is left paused" test "$(state_of "$SNAP_NAME")" = paused
	check "... its tmpfs was still archived" sh -c "echo '$out' | jq -e '.results[0].steps.scratch.result == \"ok\"' >/dev/null"
	check "two bundles, two directories" test "$(ls "$TEST_TMP/out" | wc -l)" -eq 2
	docker unpause "$SNAP_NAME" >/dev/null
	docker stop -t 1 "$SNAP_NAME" >/dev/null
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "a stopped sandbox: exit 0, logs, inspect and image taken" sh -c "test $rc -eq 0 && echo '$out' | jq -e '.results[0].steps | .logs.result == \"ok\" and .inspect.result == \"ok\" and .commit.result == \"ok\" and .scratch.result == \"skipped\" and .pause.result == \"skipped\"' >/dev/null"
	check "... still exited" test "$(state_of "$SNAP_NAME")" = exited
}
t_snapshot_pause_states_cleanup() { snap_images_rm; sandboxes_down "snp${RUN_ID}k"; }

t_snapshot_failures() {
	local p="snp${RUN_ID}f" log="$TEST_TMP/audit.log" out rc
	out=$("$SANDTOP" snapshot "snp${RUN_ID}-nonesuch" --json --audit-log "$log" --output "$TEST_TMP/out" 2>/dev/null)
	check "a container that is not there: exit 1" test $? -eq 1
	check "... the JSON says why" sh -c "echo '$out' | jq -e '.results[0].ok == false and .results[0].error == \"no such container\"' >/dev/null"
	"$SANDTOP" snapshot 2>/dev/null
	check "no target: usage error 2" test $? -eq 2
	"$SANDTOP" snapshot "snp${RUN_ID}x" -H unix:///nonexistent.sock --audit-log "$log" 2>/dev/null
	check "engine unreachable: exit 3" test $? -eq 3
	# vanished while it is taken: removed during its screenshot (a second or more)
	snap_up "$p" || return 1
	(sleep 0.3; docker rm -f "$SNAP_NAME" >/dev/null 2>&1) &
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out" 2>/dev/null)
	rc=$?
	wait
	snap_json_keep "$out"
	check "a container removed while it is taken: exit 1" test $rc -eq 1
	note "$(echo "$out" | jq -r '.results[0].error')"
	# an audit log that cannot be written: refused, nothing touched
	docker run -d --name "$p-mini" --label sandtop.sandbox=1 sandtop/mini:latest sleep 600 >/dev/null
	"$SANDTOP" snapshot "$p-mini" --audit-log /proc/version --output "$TEST_TMP/out2" >/dev/null 2>"$TEST_TMP/refused.txt"
	check "unwritable audit log: refused (exit 1)" test $? -eq 1
	check "... no bundle, still running" sh -c "test ! -e '$TEST_TMP/out2' && test \"\$(docker inspect -f '{{.State.Status}}' $p-mini)\" = running"
	# a bundle directory that cannot be made
	out=$("$SANDTOP" snapshot "$p-mini" --json --audit-log "$log" --output /proc/nope 2>/dev/null)
	check "an output directory that cannot be made: exit 1, the sandbox untouched" sh -c "test $? -eq 1 && test \"\$(docker inspect -f '{{.State.Status}}' $p-mini)\" = running"
}
t_snapshot_failures_cleanup() { snap_images_rm; sandboxes_down "snp${RUN_ID}f"; docker rm -f "snp${RUN_ID}f-mini" >/dev/null 2>&1; true; }

# A remote engine (here: the local one behind a TCP relay): no view of the
# sandbox's filesystem from this host, so tar runs inside it before the pause.
t_snapshot_remote() {
	local p="snp${RUN_ID}r" out rc port t
	snap_up "$p" || return 1
	docker exec "$SNAP_NAME" sh -c 'echo remote-tmp > /tmp/r.txt; ln -s /etc/shadow /tmp/escape'
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	python3 - "$port" >"$TEST_TMP/relay.log" 2>&1 <<-'EOF' &
	import socket, sys, threading
	def pump(a, b):
	    try:
	        while True:
	            d = a.recv(65536)
	            if not d: break
	            b.sendall(d)
	    except OSError: pass
	    try: b.shutdown(socket.SHUT_WR)
	    except OSError: pass
	srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	srv.bind(("127.0.0.1", int(sys.argv[1]))); srv.listen(64)
	while True:
	    c, _ = srv.accept()
	    u = socket.socket(socket.AF_UNIX); u.connect("/var/run/docker.sock")
	    threading.Thread(target=pump, args=(c, u), daemon=True).start()
	    threading.Thread(target=pump, args=(u, c), daemon=True).start()
	EOF
	echo $! >"$TEST_TMP/relay.pid"
	sleep 0.5
	out=$("$SANDTOP" snapshot "$SNAP_NAME" -H "tcp://127.0.0.1:$port" --json --audit-log "$TEST_TMP/audit.log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "through tcp://: exit 0" test $rc -eq 0
	B=$(echo "$out" | jq -r '.results[0].bundle')
	check "the scratch was taken by tar in the sandbox" sh -c "jq -e '[.scratch[] | select(.result == \"ok\") | .method] | length > 0 and all(. == \"exec\")' '$B/manifest.json' >/dev/null"
	t=$(tar_with ./r.txt || tar_with r.txt)
	check "... holding /tmp/r.txt" sh -c "test -n '$t' && tar -xOf '$t' '$(tar -tf "$t" 2>/dev/null | grep -m1 'r.txt$')' | grep -qx remote-tmp"
	check "... and the link as a link" sh -c "tar -tvf '$t' | grep -q '^l.*escape -> /etc/shadow$'"
	check "manifest hashes match" manifest_matches
	check "running again" test "$(state_of "$SNAP_NAME")" = running
}
t_snapshot_remote_cleanup() {
	[ -f "$TEST_TMP/relay.pid" ] && kill "$(cat "$TEST_TMP/relay.pid")" 2>/dev/null
	snap_images_rm; sandboxes_down "snp${RUN_ID}r"
}

# The state machine cut short at each stage (the TUI quitting mid-way):
# the checks live in the unit-test binary test_snapshot_engine (built next
# to sandtop by `make tests`), which skips unless SANDTOP_TEST_SNAP names a
# running sandbox.
t_snapshot_cut_short() {
	local p="snp${RUN_ID}c" bin
	bin="$(dirname "$SANDTOP")/tests/test_snapshot_engine"
	[ -x "$bin" ] || { fail "missing $bin (make tests for this variant)"; return; }
	snap_up "$p" || return 1
	mkdir -p "$TEST_TMP/cut"
	SANDTOP_TEST_SNAP="$SNAP_NAME" SANDTOP_TEST_SNAP_DIR="$TEST_TMP/cut" "$bin" >"$TEST_TMP/cut.log" 2>&1
	check "the engine tests pass" grep -q 'PASSED  \] 4 test' "$TEST_TMP/cut.log"
	check "none skipped" sh -c "! grep -q SKIPPED '$TEST_TMP/cut.log'"
	check "the sandbox runs" test "$(state_of "$SNAP_NAME")" = running
	"$SANDTOP" audit-log verify "$TEST_TMP/cut/audit.log" >/dev/null
	check "the audit log is intact, a result for every intent" sh -c "test $? -eq 0 && test \$(grep -c '\"phase\":\"intent\"' '$TEST_TMP/cut/audit.log') -eq \$(grep -c '\"phase\":\"result\"' '$TEST_TMP/cut/audit.log')"
}
t_snapshot_cut_short_cleanup() { sandboxes_down "snp${RUN_ID}c"; }
