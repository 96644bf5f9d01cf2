# t_snapshot: forensic bundles of real reference sandboxes (read-only root, tmpfs): what the agent wrote, links kept as links, labels, hashes, the agent stopped with no warning before the screenshot (kernel and exec paths, shown by a ticking agent's gap), freeze or pause and resume, the journal, failures.

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
# The kernel's freezer state of a container (cgroup v1 freezer.state or v2
# cgroup.events), as sandtop's kernel path sees it: THAWED, FROZEN, ...
kstate_of() {
	local id pid cg
	id=$(docker inspect -f '{{.Id}}' "$1") pid=$(docker inspect -f '{{.State.Pid}}' "$1")
	cg=$(sed -n 's/^[0-9]*:freezer:\(.*\)$/\1/p' "/proc/$pid/cgroup")
	if [ -n "$cg" ] && [ -f "/sys/fs/cgroup/freezer$cg/freezer.state" ]; then
		cat "/sys/fs/cgroup/freezer$cg/freezer.state"
	else
		cg=$(sed -n 's/^0::\(.*\)$/\1/p' "/proc/$pid/cgroup")
		grep -q '^frozen 1' "/sys/fs/cgroup$cg/cgroup.events" && echo FROZEN || echo THAWED
	fi
}
# The processes of a sandbox in state T (stopped), from inside it.
stopped_in() { docker exec "$1" ps -eo stat= | grep -c '^T' || true; }
# step_detail JSON STEP: that step's detail in a --json result
step_detail() { echo "$1" | jq -r ".results[0].steps.$2.detail"; }
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
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --journal "$log" --output "$TEST_TMP/out" --reason "it: bundle")
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
	check "... taken while frozen by the kernel (the engine does not see that freeze: running, not paused)" sh -c "jq -e '.State.Status == \"running\" and .State.Paused == false' '$B/inspect.json' >/dev/null && jq -e '.steps[] | select(.step == \"pause\") | .detail | test(\"^frozen by the kernel\")' '$B/manifest.json' >/dev/null"
	check "the agent was stopped through the kernel first, Xvfb and x11vnc left running" sh -c "jq -e '.agent_stop.method == \"kernel\" and .agent_stop.stopped > 3 and ([.agent_stop.processes.left_running[].comm] | sort == [\"Xvfb\",\"x11vnc\"]) and .agent_stop.not_stopped == 0 and .agent_stop.continued + .agent_stop.continue_gone == .agent_stop.stopped and .agent_stop.continue_failed == 0 and .agent_stop.held_by == \"freeze\"' '$B/manifest.json' >/dev/null"
	check "every file says how it was obtained" sh -c "jq -e 'all(.files[]; .how | type == \"string\" and length > 20)' '$B/manifest.json' >/dev/null"
	check "... the screenshot: VNC framebuffer, the agent stopped for N ms before the freeze" sh -c "jq -e '.files[] | select(.name == \"screenshot.png\") | .how | test(\"^VNC framebuffer .*agent processes stopped [(]SIGSTOP through the kernel, [0-9]+ processes; display and VNC servers running[)] for [0-9]+ ms before the freeze$\")' '$B/manifest.json' >/dev/null"
	check "... a scratch tar: read from the host through /proc/PID/root while frozen" sh -c "jq -e '.files[] | select(.name == \"scratch-1.tar\") | .how | test(\"^read from the host through /proc/PID/root.*frozen by the kernel\")' '$B/manifest.json' >/dev/null"
	check "... inspect.json and logs.txt: the engine API while frozen; the image: commit" sh -c "jq -e '(.files[] | select(.name == \"inspect.json\" or .name == \"logs.txt\") | .how | test(\"^engine API .*frozen by the kernel\")) and (.image.how | test(\"^engine API: POST /commit\"))' '$B/manifest.json' >/dev/null"
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
	check "manifest: format, container, operator, reason, every step" sh -c "jq -e --arg id '$id' '.format == \"sandtop-snapshot\" and .version == 2 and .container.id == \$id and .operator.uid == $(id -u) and .reason == \"it: bundle\" and ([.steps[].step] == [\"stop\",\"screenshot\",\"pause\",\"inspect\",\"logs\",\"commit\",\"scratch\",\"stats\",\"resume\",\"continue\",\"manifest\"]) and all(.steps[]; .result == \"ok\")' '$B/manifest.json' >/dev/null"
	img=$(echo "$out" | jq -r '.results[0].image_id')
	check "the committed image is in the manifest" sh -c "jq -e --arg i '$img' '.image.id == \$i and .image.repo == \"sandtop-snapshot\"' '$B/manifest.json' >/dev/null"
	check "the image carries the labels" sh -c "docker image inspect -f '{{json .Config.Labels}}' '$img' | jq -e --arg id '$id' '.\"sandtop.snapshot.source\" == \$id and .\"sandtop.snapshot.reason\" == \"it: bundle\" and (.\"sandtop.snapshot.time\" | test(\"^20[0-9-]+T[0-9:.]+Z$\")) and (.\"sandtop.snapshot.operator\" | test(\"uid $(id -u)\"))' >/dev/null"
	check "the sandbox runs again: thawed, no process of it stopped" sh -c "test '$(state_of "$SNAP_NAME")' = running && test '$(kstate_of "$SNAP_NAME")' = THAWED && test '$(stopped_in "$SNAP_NAME")' = 0"
	check "journal: the snapshot's intent and result" sh -c "grep -c '\"action\":\"snapshot\"' '$log' | grep -qx 2 && grep -q '\"phase\":\"intent\"' '$log' && grep -q '\"phase\":\"result\"' '$log'"
	check "... the result names the manifest's sha256 and the bundle" grep -q "manifest_sha256=$(sha256sum "$B/manifest.json" | cut -d' ' -f1) bundle=$B" "$log"
	"$SANDTOP" journal verify "$log" >/dev/null
	check "... and its chain is intact" test $? -eq 0
	note "steps (ms): $(jq -r '[.steps[] | "\(.step)=\(.ms)"] | join(" ")' "$B/manifest.json")"
}
t_snapshot_bundle_cleanup() { snap_images_rm; sandboxes_down "snp${RUN_ID}b"; }

# --keep-paused (kept frozen by the kernel), a sandbox frozen already, one
# the engine paused, a stopped one.
t_snapshot_pause_states() {
	local p="snp${RUN_ID}k" log="$TEST_TMP/audit.log" out rc
	snap_up "$p" || return 1
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --keep-paused --json --journal "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "--keep-paused: exit 0" test $rc -eq 0
	check "... it stays frozen by the kernel (the engine still says running)" sh -c "test '$(kstate_of "$SNAP_NAME")' = FROZEN && test '$(state_of "$SNAP_NAME")' = running"
	check "... the resume step says so, and how to thaw it" sh -c "echo '$out' | jq -e '.results[0].steps.resume.result == \"skipped\" and (.results[0].steps.resume.detail | test(\"kept frozen by the kernel, as asked .*sandtop unpause\"))' >/dev/null"
	check "... its agent was continued while frozen: it runs at the thaw" sh -c "echo '$out' | jq -e '.results[0].steps.continue.result == \"ok\" and (.results[0].steps.continue.detail | test(\"while frozen\"))' >/dev/null"
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "a sandbox frozen before: exit 0, nothing stopped, the screenshot skipped (its desktop is frozen)" sh -c "test $rc -eq 0 && echo '$out' | jq -e '.results[0].steps | .stop.result == \"skipped\" and .screenshot.result == \"skipped\" and .pause.result == \"skipped\" and (.pause.detail | test(\"frozen already\")) and .continue.detail == \"nothing was stopped\"' >/dev/null"
	check "... it is left frozen" test "$(kstate_of "$SNAP_NAME")" = FROZEN
	check "... its tmpfs was still archived" sh -c "echo '$out' | jq -e '.results[0].steps.scratch.result == \"ok\"' >/dev/null"
	check "two bundles, two directories" test "$(ls "$TEST_TMP/out" | wc -l)" -eq 2
	"$SANDTOP" unpause "$SNAP_NAME" --audit-log "$log" >/dev/null
	check "sandtop unpause thaws it; no process of it is left stopped" sh -c "test '$(kstate_of "$SNAP_NAME")' = THAWED && test \"\$(docker exec $SNAP_NAME ps -eo stat= | grep -c '^T')\" = 0"
	docker pause "$SNAP_NAME" >/dev/null
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "a sandbox the engine paused: exit 0, left paused" sh -c "test $rc -eq 0 && echo '$out' | jq -e '.results[0].steps.pause.detail == \"already paused: it stays paused\"' >/dev/null && test '$(state_of "$SNAP_NAME")' = paused"
	docker unpause "$SNAP_NAME" >/dev/null
	docker stop -t 1 "$SNAP_NAME" >/dev/null
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "a stopped sandbox: exit 0, logs, inspect and image taken" sh -c "test $rc -eq 0 && echo '$out' | jq -e '.results[0].steps | .logs.result == \"ok\" and .inspect.result == \"ok\" and .commit.result == \"ok\" and .scratch.result == \"skipped\" and .pause.result == \"skipped\" and .stop.result == \"skipped\"' >/dev/null"
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
	# vanished while it is taken: removed as soon as the journal has its
	# intent, before its screenshot (a fixed 0.3 s came after a snapshot
	# that took 362 ms in all, in ci73)
	snap_up "$p" || return 1
	local n0
	n0=$({ wc -l <"$log"; } 2>/dev/null || echo 0)
	(for _ in $(seq 500); do [ "$({ wc -l <"$log"; } 2>/dev/null || echo 0)" -gt "$n0" ] && break; sleep 0.01; done
	 docker rm -f "$SNAP_NAME" >/dev/null 2>&1) &
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$log" --output "$TEST_TMP/out" 2>/dev/null)
	rc=$?
	wait
	snap_json_keep "$out"
	check "a container removed while it is taken: exit 1" test $rc -eq 1
	note "$(echo "$out" | jq -r '.results[0].error')"
	# a journal that cannot be written: refused, nothing touched
	docker run -d --name "$p-mini" --label sandtop.sandbox=1 sandtop/mini:latest sleep 600 >/dev/null
	"$SANDTOP" snapshot "$p-mini" --journal /proc/version --output "$TEST_TMP/out2" >/dev/null 2>"$TEST_TMP/refused.txt"
	check "unwritable journal: refused (exit 1)" test $? -eq 1
	check "... no bundle, still running" sh -c "test ! -e '$TEST_TMP/out2' && test \"\$(docker inspect -f '{{.State.Status}}' $p-mini)\" = running"
	# a bundle directory that cannot be made
	out=$("$SANDTOP" snapshot "$p-mini" --json --audit-log "$log" --output /proc/nope 2>/dev/null)
	check "an output directory that cannot be made: exit 1, the sandbox untouched" sh -c "test $? -eq 1 && test \"\$(docker inspect -f '{{.State.Status}}' $p-mini)\" = running"
}
t_snapshot_failures_cleanup() { snap_images_rm; sandboxes_down "snp${RUN_ID}f"; docker rm -f "snp${RUN_ID}f-mini" >/dev/null 2>&1; true; }

# relay_start: the local engine behind a TCP relay on 127.0.0.1 (its port in
# RELAY_PORT, its pid in $TEST_TMP/relay.pid): to sandtop a remote engine, with
# no view of the sandbox from this host, so the engine path is taken (the
# stop and continue by an exec, the engine's pause), which is how these
# tests force that path explicitly.
relay_start() {
	local port
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
	for _ in $(seq 1 50); do
		curl -sf "http://127.0.0.1:$port/_ping" >/dev/null 2>&1 && break
		sleep 0.1
	done
	RELAY_PORT=$port
	curl -sf "http://127.0.0.1:$port/_ping" >/dev/null
}
relay_stop() { [ -f "$TEST_TMP/relay.pid" ] && kill "$(cat "$TEST_TMP/relay.pid")" 2>/dev/null; true; }

# ticker_up NAME: an agent stand-in in the sandbox (a docker exec, so in its
# cgroup, as its user) writing $EPOCHREALTIME to /tmp/ticks every 10 ms.
ticker_up() {
	docker exec -d "$1" bash -c 'while :; do echo "$EPOCHREALTIME" >>/tmp/ticks; sleep 0.01; done' &&
		sleep 1
}
# ticks_gap RESUME_STEP: from the bundle $B (its manifest and its copy of
# /tmp/ticks) and the live /tmp/ticks of $SNAP_NAME a second later, the
# facts as JSON in $TEST_TMP/gap.json: the agent is running again when the
# RESUME_STEP step begins (resume: the thaw; continue: the SIGCONT exec).
ticks_gap() {
	local t
	t=$(tar_with tmp/ticks || tar_with ./ticks) || { note "no ticks in the bundle"; return 1; }
	tar -xOf "$t" "$(tar -tf "$t" | grep -m1 'ticks$')" >"$TEST_TMP/ticks.bundle"
	sleep 1
	docker exec "$SNAP_NAME" cat /tmp/ticks >"$TEST_TMP/ticks.live"
	python3 - "$B/manifest.json" "$TEST_TMP/ticks.bundle" "$TEST_TMP/ticks.live" "$1" >"$TEST_TMP/gap.json" <<-'EOF'
	import datetime, json, sys
	m = json.load(open(sys.argv[1]))
	def step(name):
	    s = [x for x in m["steps"] if x["step"] == name][0]
	    at = datetime.datetime.strptime(s["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
	    return at.timestamp(), s["ms"] / 1000.0
	ticks = lambda p: [float(x) for x in open(p).read().split() if x.replace(".", "", 1).isdigit()]
	bundle, live = ticks(sys.argv[2]), ticks(sys.argv[3])
	s_at, s_ms = step("stop")
	stop_end = s_at + s_ms                 # every process stopped by then
	r_at, _ = step(sys.argv[4])            # it runs again from here on
	sh_at, sh_ms = step("screenshot")
	p_at, p_ms = step("pause")
	fuzz = 0.002                           # the manifest's times are in ms
	before = [t for t in live if t <= stop_end + fuzz]
	inside = [t for t in live if stop_end + fuzz < t < r_at - fuzz]
	after = [t for t in live if t >= r_at - fuzz]
	print(json.dumps({
	    "bundle_last_le_stop_end": bool(bundle) and bundle[-1] <= stop_end + fuzz,
	    "ticks_500ms_before": len([t for t in before if t > stop_end - 0.5]),
	    "ticks_inside": len(inside),
	    "ticks_after": len(after),
	    "gap_ms": round((min(after) - max(before)) * 1000) if after and before else -1,
	    "window_ms": round((r_at - stop_end) * 1000),
	    "shot_in_window": stop_end - fuzz <= sh_at and sh_at + sh_ms <= r_at + fuzz,
	    "hold_in_window": p_at + p_ms <= r_at + fuzz,
	    "stopped_before_hold_ms": m["agent_stop"]["stopped_before_hold_ms"],
	    "shot_ms": round(sh_ms * 1000),
	}))
	EOF
}
# gap_checks WHAT: the assertions on $TEST_TMP/gap.json
gap_checks() {
	local g="$TEST_TMP/gap.json"
	note "$1: $(cat "$g")"
	check "$1: the agent ticked before the snapshot (>= 10 ticks in the last 500 ms)" sh -c "jq -e '.ticks_500ms_before >= 10' '$g' >/dev/null"
	check "$1: the bundle's copy of its file ends before the stop was complete" sh -c "jq -e '.bundle_last_le_stop_end' '$g' >/dev/null"
	check "$1: no tick from the stop until it was let go: none while the picture and the rest were taken" sh -c "jq -e '.ticks_inside == 0 and .shot_in_window and .hold_in_window' '$g' >/dev/null"
	check "$1: the gap in its file spans that whole window" sh -c "jq -e '.gap_ms >= .window_ms - 20' '$g' >/dev/null"
	check "$1: it ticks again afterwards (>= 10 ticks)" sh -c "jq -e '.ticks_after >= 10' '$g' >/dev/null"
}

# The agent gets no warning: a sandbox whose agent ticks every 10 ms is
# snapshot through the kernel path; the ticks show it stopped from before
# the screenshot until the thaw, and running again after.
t_snapshot_agent_stopped() {
	local p="snp${RUN_ID}s" out rc
	snap_up "$p" || return 1
	ticker_up "$SNAP_NAME" || { fail "no ticker"; return 1; }
	out=$("$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$TEST_TMP/audit.log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "kernel path: exit 0" test $rc -eq 0
	B=$(echo "$out" | jq -r '.results[0].bundle')
	check "... stopped through the kernel, frozen, thawed" sh -c "jq -e '.agent_stop.method == \"kernel\" and .agent_stop.held_by == \"freeze\" and (.steps[] | select(.step == \"resume\") | .detail == \"thawed by the kernel\")' '$B/manifest.json' >/dev/null"
	ticks_gap resume || { fail "no tick facts"; return 1; }
	gap_checks "kernel path"
	note "kernel path: agent stopped $(jq -r .stopped_before_hold_ms "$TEST_TMP/gap.json") ms before the freeze (screenshot $(jq -r .shot_ms "$TEST_TMP/gap.json") ms); stop step: $(step_detail "$out" stop)"
	check "no process of it is left stopped" test "$(stopped_in "$SNAP_NAME")" = 0
	# Ctrl-C while the agent is stopped (during the screenshot): cut short,
	# its agent continued and the sandbox thawed before sandtop exits
	"$SANDTOP" snapshot "$SNAP_NAME" --json --audit-log "$TEST_TMP/audit.log" --output "$TEST_TMP/out" >"$TEST_TMP/int.json" 2>"$TEST_TMP/int.err" &
	local pid=$!
	sleep 0.25
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	snap_json_keep "$(cat "$TEST_TMP/int.json")"
	note "interrupted: $(jq -c '.results[0] | {error, stop: .steps.stop.result, screenshot: .steps.screenshot.detail, continue: .steps.continue.detail}' "$TEST_TMP/int.json")"
	check "SIGINT mid-way: exit 1, the result says cancelled" sh -c "test $rc -eq 1 && jq -e '.results[0].error | test(\"cancelled\")' '$TEST_TMP/int.json' >/dev/null && grep -q interrupted '$TEST_TMP/int.err'"
	check "... thawed, no process of it left stopped, its agent ticks on" sh -c "test '$(kstate_of "$SNAP_NAME")' = THAWED && test '$(stopped_in "$SNAP_NAME")' = 0 && a=\$(docker exec $SNAP_NAME wc -l </dev/null /tmp/ticks | cut -d' ' -f1); sleep 0.3; b=\$(docker exec $SNAP_NAME wc -l </dev/null /tmp/ticks | cut -d' ' -f1); test \$b -gt \$a"
}
t_snapshot_agent_stopped_cleanup() { snap_images_rm; sandboxes_down "snp${RUN_ID}s"; }

# The same on the engine path (a remote engine: here the local one behind a
# TCP relay): the stop and the continue by an exec as the sandbox's user,
# the engine's pause, the tar in the sandbox with the agent stopped.
t_snapshot_agent_stopped_remote() {
	local p="snp${RUN_ID}t" out rc cmd
	snap_up "$p" || return 1
	ticker_up "$SNAP_NAME" || { fail "no ticker"; return 1; }
	relay_start || { fail "no relay"; return 1; }
	out=$("$SANDTOP" snapshot "$SNAP_NAME" -H "tcp://127.0.0.1:$RELAY_PORT" --json --audit-log "$TEST_TMP/audit.log" --output "$TEST_TMP/out")
	rc=$?
	snap_json_keep "$out"
	check "engine path: exit 0" test $rc -eq 0
	B=$(echo "$out" | jq -r '.results[0].bundle')
	# a process may end while stopped (the engine kills a health check that
	# overran its timeout): gone is not a failure to continue it
	jq -c '.agent_stop | del(.processes)' "$B/manifest.json" | sed 's/^/    agent_stop: /'
	check "... stopped by an exec (its init, Xvfb and x11vnc left running), paused by the engine, continued by an exec" sh -c "jq -e '.agent_stop.method == \"exec\" and .agent_stop.pid_namespace == \"sandbox\" and ([.agent_stop.processes.left_running[].comm] | sort == [\"Xvfb\",\"tini\",\"x11vnc\"]) and .agent_stop.held_by == \"pause\" and .agent_stop.continued + .agent_stop.continue_gone == .agent_stop.stopped and .agent_stop.continue_failed == 0' '$B/manifest.json' >/dev/null"
	check "... the scratch tar was made in the sandbox with its agent stopped" sh -c "jq -e '.files[] | select(.name == \"scratch-1.tar\") | .how | test(\"^tar run inside the sandbox.*stopped [(]SIGSTOP[)]\")' '$B/manifest.json' >/dev/null"
	ticks_gap continue || { fail "no tick facts"; return 1; }
	gap_checks "engine path"
	note "engine path: agent stopped $(jq -r .stopped_before_hold_ms "$TEST_TMP/gap.json") ms before the pause (from the stop exec's start; screenshot $(jq -r .shot_ms "$TEST_TMP/gap.json") ms); stop step: $(step_detail "$out" stop)"
	check "no process of it is left stopped" test "$(stopped_in "$SNAP_NAME")" = 0
	# --keep-paused: its agent stays stopped under the pause; the result says what to run
	out=$("$SANDTOP" snapshot "$SNAP_NAME" -H "tcp://127.0.0.1:$RELAY_PORT" --keep-paused --audit-log "$TEST_TMP/audit.log" --output "$TEST_TMP/out")
	echo "$out" >"$TEST_TMP/keep.txt"
	echo "$out" | grep -o 'sandtop-snapshot:[^ ]* sha256:[0-9a-f]*' | awk '{print $2}' >>"$TEST_TMP/images"
	check "--keep-paused on the engine path: paused, the result line says how to continue its agent" sh -c "test '$(state_of "$SNAP_NAME")' = paused && grep -Eq 'continue +skipped still paused, its agent stopped under the pause; after .sandtop unpause [0-9a-f]{12}., continue its [0-9]+ stopped processes: docker exec' '$TEST_TMP/keep.txt'"
	docker unpause "$SNAP_NAME" >/dev/null
	check "... after the unpause its agent is still stopped" sh -c "test \"\$(docker exec $SNAP_NAME ps -eo stat= | grep -c '^T')\" -gt 0"
	cmd=$(sed -n "s/.*\(docker exec [0-9a-f]* sh -c 'kill -CONT [0-9 ]*'\).*/\1/p" "$TEST_TMP/keep.txt")
	note "the operator runs: $cmd"
	eval "$cmd"
	check "... and the command it printed continues every one" test "$(stopped_in "$SNAP_NAME")" = 0
}
t_snapshot_agent_stopped_remote_cleanup() { relay_stop; snap_images_rm; sandboxes_down "snp${RUN_ID}t"; }

# A remote engine (here: the local one behind a TCP relay): no view of the
# sandbox's filesystem from this host, so tar runs inside it before the pause.
t_snapshot_remote() {
	local p="snp${RUN_ID}r" out rc port t
	snap_up "$p" || return 1
	docker exec "$SNAP_NAME" sh -c 'echo remote-tmp > /tmp/r.txt; ln -s /etc/shadow /tmp/escape'
	relay_start || return 1
	port=$RELAY_PORT
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
t_snapshot_remote_cleanup() { relay_stop; snap_images_rm; sandboxes_down "snp${RUN_ID}r"; }

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
	check "the engine tests pass" grep -q 'PASSED  \] 6 test' "$TEST_TMP/cut.log"
	note "$(grep '^snapstop:' "$TEST_TMP/cut.log")"
	check "none skipped" sh -c "! grep -q SKIPPED '$TEST_TMP/cut.log'"
	check "the sandbox runs" test "$(state_of "$SNAP_NAME")" = running
	"$SANDTOP" journal verify "$TEST_TMP/cut/audit.log" >/dev/null
	check "the journal is intact, a result for every intent" sh -c "test $? -eq 0 && test \$(grep -c '\"phase\":\"intent\"' '$TEST_TMP/cut/audit.log') -eq \$(grep -c '\"phase\":\"result\"' '$TEST_TMP/cut/audit.log')"
}
t_snapshot_cut_short_cleanup() { sandboxes_down "snp${RUN_ID}c"; }
