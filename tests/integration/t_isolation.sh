# t_isolation.sh: the isolation checks (sandtop isolation; audit, its old name) on the real engine: a hardened container and the reference sandbox pass, each deliberately weak container fails exactly its checks, exit statuses, the screen's ISO column, isolation screen and re-evaluation on events.

# Every container and network made here is named aud<run>-*.

# The flags of a hardened busybox container (sandtop/mini), minus the ones a
# variant names: "-ro" drops --read-only, "-limits" the memory/CPU/PID
# limits, "-seccomp" the strict profile, "-nnp" no-new-privileges, "-ttl"
# the sandtop.ttl label, "-user" the non-root user, "-net" --network none,
# "-tmpfs" the sized /tmp.
audit_flags() {
	local drop=" $* "
	local f=(--cap-drop ALL --cgroupns private --init --restart no
		--ulimit core=0 --ulimit nofile=1024:1024 --log-opt max-size=1m --log-opt max-file=2
		--health-cmd true --health-interval 2s --label sandtop.owner=audit-test)
	[[ $drop == *" -ro "* ]] || f+=(--read-only)
	[[ $drop == *" -tmpfs "* ]] || f+=(--tmpfs /tmp:rw,nosuid,nodev,noexec,size=16m)
	[[ $drop == *" -limits "* ]] || f+=(--memory 64m --memory-swap 64m --cpus 0.5 --pids-limit 64)
	[[ $drop == *" -seccomp "* ]] || f+=(--security-opt "seccomp=$ROOT/sandbox/image/seccomp.json")
	[[ $drop == *" -nnp "* ]] || f+=(--security-opt no-new-privileges)
	[[ $drop == *" -ttl "* ]] || f+=(--label sandtop.ttl=600)
	[[ $drop == *" -user "* ]] || f+=(--user 10001:10001)
	[[ $drop == *" -net "* ]] || f+=(--network none)
	printf '%s\n' "${f[@]}"
}

# The ids of NAME's checks with RESULT (FAIL by default), sorted, from
# `sandtop isolation --json`.
audit_ids() {
	local json
	json=$("$SANDTOP" isolation --json "$1" 2>>"$TEST_TMP/audit.stderr")
	python3 -c '
import json, sys
d = json.loads(sys.argv[2])
s = d["sandboxes"][0]
assert s["id"], s
print(" ".join(sorted(c["id"] for c in s["checks"] if c["result"] == sys.argv[1])))' "${2:-FAIL}" "$json" ||
		echo "no-audit-of-$1"   # never matches an expectation
}

# The warnings a hardened sandbox still gets from this host: no LSM at all.
host_warnings() {
	if docker info --format '{{json .SecurityOptions}}' | grep -Eq 'apparmor|selinux'; then echo ""; else echo "PRIV-08"; fi
}

# weak_start NAME DROPS EXTRA-FLAGS...: a hardened container made weak
# (started, or only created when the engine cannot start it).
weak_start() {
	local name=$1 drops=$2 flags
	shift 2
	mapfile -t flags < <(audit_flags $drops)
	docker run -d --name "$AUD-$name" "${flags[@]}" "$@" sandtop/mini:latest sleep 600 >/dev/null 2>"$TEST_TMP/$name.err" ||
		docker inspect "$AUD-$name" >/dev/null 2>&1 ||
		{ fail "$name: could not create it: $(cat "$TEST_TMP/$name.err")"; return 1; }
}
# weak_check NAME EXPECTED-FAIL-IDS...
weak_check() {
	local name=$1 got want
	shift
	got=$(audit_ids "$AUD-$name")
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//')
	check "$name fails exactly: $want (got: $got)" [ "$got" = "$want" ]
}
# weak NAME DROPS EXTRA-FLAGS... -- EXPECTED-FAIL-IDS...
weak() {
	local name=$1 drops=$2 extra=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do extra+=("$1"); shift; done
	shift
	weak_start "$name" "$drops" "${extra[@]}" && weak_check "$name" "$@"
}

t_isolation_weak_containers() {
	AUD="aud${RUN_ID}"
	local flags
	mapfile -t flags < <(audit_flags)
	docker run -d --name "$AUD-base" "${flags[@]}" sandtop/mini:latest sleep 600 >/dev/null ||
		{ fail "could not start the hardened container"; return; }
	check "the hardened container fails nothing" [ "$(audit_ids "$AUD-base")" = "" ]
	check "and is fully verified: nothing UNVERIFIABLE" [ "$(audit_ids "$AUD-base" UNVERIFIABLE)" = "" ]
	check "its only warnings come from the host ($(host_warnings))" [ "$(audit_ids "$AUD-base" WARN)" = "$(host_warnings)" ]
	"$SANDTOP" isolation "$AUD-base" >"$TEST_TMP/base.txt"
	check "exit 0 for it" [ $? -eq 0 ]
	check "the text report names it and says the kernel was read" grep -q "^$AUD-base ([0-9a-f]\{12\}) running: " "$TEST_TMP/base.txt"

	# privileged: as root runc refuses to start it here (created only: the
	# configuration decides, the kernel cannot be read); as the non-root
	# user it starts, and the kernel shows every capability left in its
	# bounding set despite --cap-drop ALL
	weak_start privileged "" --privileged
	if [ "$(docker inspect -f '{{.State.Running}}' "$AUD-privileged")" = true ]; then
		weak_check privileged PRIV-01 PRIV-04 PRIV-05 PRIV-07 PRIV-12
	else
		weak_check privileged PRIV-01 PRIV-07 PRIV-12
	fi
	weak privileged-root "-user" --privileged --user 0:0 -- PRIV-01 PRIV-07 PRIV-09 PRIV-12
	weak docker-sock "" -v /var/run/docker.sock:/var/run/docker.sock -- PRIV-02
	weak host-net "-net" --network host -- NET-01 NET-02 NET-06
	weak secret-env "" -e OPENAI_API_KEY=sk-audit-secret-value -- CRED-01
	weak no-limits "-limits" -- RES-01 RES-02 RES-03
	weak writable-root "-ro" -- FS-01
	weak seccomp-unconfined "-seccomp" --security-opt seccomp=unconfined -- PRIV-07
	weak restart-always "" --restart always -- KS-01
	weak cap-sys-admin "" --cap-add SYS_ADMIN -- PRIV-04 PRIV-05
	weak pid-host "" --pid host -- PRIV-10
	weak ipc-host "" --ipc host -- PRIV-10 FS-04
	weak no-nnp "-nnp" -- PRIV-06
	weak root-user "-user" --user 0:0 -- PRIV-09
	weak no-ttl "-ttl" -- RES-05
	weak etc-mount "" -v /etc:/host-etc:ro -- PRIV-03
	weak unbounded-tmpfs "-tmpfs" --tmpfs /tmp:rw,nosuid,nodev -- FS-02
	weak device "" --device /dev/null:/dev/xnull -- PRIV-11
	weak unmasked "" --security-opt systempaths=unconfined -- PRIV-12
	weak oom-kill-off "" --oom-kill-disable -- RES-01
	weak default-bridge "-net" --network bridge -- NET-02
	weak port-everywhere "-net" --network bridge -p 0.0.0.0::80 -- NET-02 NET-03
	mkdir -p "$TEST_TMP/home/.ssh"
	weak ssh-keys "" -v "$TEST_TMP/home/.ssh:/home/agent/.ssh:ro" -- CRED-02
	weak ttl-spent "" --label sandtop.ttl=2 --
	sleep 3
	check "once its budget is spent it fails RES-05" [ "$(audit_ids "$AUD-ttl-spent")" = "RES-05" ]

	# what a secret's value must never reach
	"$SANDTOP" isolation --json "$AUD-secret-env" >"$TEST_TMP/secret.json" 2>&1
	check "CRED-01 names the variable" grep -q 'OPENAI_API_KEY' "$TEST_TMP/secret.json"
	check "and never shows its value" bash -c "! grep -q 'sk-audit-secret-value' '$TEST_TMP/secret.json'"

	# exit statuses and --fail-on
	"$SANDTOP" isolation "$AUD-docker-sock" >/dev/null
	check "a CRITICAL failure exits 1" [ $? -eq 1 ]
	"$SANDTOP" audit "$AUD-docker-sock" >/dev/null
	check "... and so under 'audit', its old name (an alias for a release)" [ $? -eq 1 ]
	"$SANDTOP" audit "$AUD-unbounded-tmpfs" >/dev/null
	check "... which takes the same options: 0 under the default --fail-on HIGH" [ $? -eq 0 ]
	"$SANDTOP" isolation "$AUD-unbounded-tmpfs" >/dev/null
	check "a MEDIUM failure exits 0 under the default --fail-on HIGH" [ $? -eq 0 ]
	"$SANDTOP" isolation --fail-on medium "$AUD-unbounded-tmpfs" >/dev/null
	check "and 1 with --fail-on medium" [ $? -eq 1 ]
	"$SANDTOP" isolation --fail-on critical "$AUD-restart-always" >/dev/null
	check "a HIGH failure exits 0 with --fail-on critical" [ $? -eq 0 ]
	"$SANDTOP" isolation "$AUD-base" "$AUD-no-such" >"$TEST_TMP/unknown.txt" 2>&1
	check "an unknown name exits 1" [ $? -eq 1 ]
	check "and says so" grep -q "$AUD-no-such: no such sandbox" "$TEST_TMP/unknown.txt"
	"$SANDTOP" isolation -H unix:///nonexistent/docker.sock >/dev/null 2>&1
	check "an unreachable engine exits 3" [ $? -eq 3 ]
	"$SANDTOP" isolation --fail-on severe >/dev/null 2>&1
	check "a bad --fail-on is a usage error (2)" [ $? -eq 2 ]
	"$SANDTOP" isolation --json "$AUD-base" "$AUD-pid-host" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["exit"] == 1 and d["fail_on"] == "HIGH", d
assert [s["name"] for s in d["sandboxes"]] == [sys.argv[1] + "-base", sys.argv[1] + "-pid-host"]
for s in d["sandboxes"]:
    assert len(s["id"]) == 64 and s["kernel_checked"] is True
    for c in s["checks"]:
        assert set(c) == {"id", "title", "result", "severity", "reason"}, c
        assert c["result"] in ("PASS", "WARN", "FAIL", "UNVERIFIABLE") and c["severity"] in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
        assert c["reason"]
assert {c["id"] for c in d["host"]["checks"]} >= {"HOST-01", "HOST-02", "PRIV-14", "NET-05"}
' "$AUD" 2>"$TEST_TMP/json.err"
	check "the JSON has id, name and checks (id, result, severity, reason) per sandbox, and the host's" [ $? -eq 0 ]
	[ -s "$TEST_TMP/json.err" ] && cat "$TEST_TMP/json.err"
	return 0
}
t_isolation_weak_containers_cleanup() {
	docker ps -aq --filter "name=^aud${RUN_ID}-" | xargs -r docker rm -f >/dev/null 2>&1
}

# The reference sandbox passes: nothing fails, the only warnings are the
# host's (no LSM) and the internal bridge's (the host has an address on it).
t_isolation_reference() {
	local p="audr${RUN_ID}"
	sandboxes_up 1 "$p" || { fail "could not start a sandbox"; return; }
	check "the reference sandbox fails nothing" [ "$(audit_ids "$p-1")" = "" ]
	check "nothing is unverifiable" [ "$(audit_ids "$p-1" UNVERIFIABLE)" = "" ]
	local want
	want=$(printf '%s\n' $(host_warnings) NET-06 | sort | tr '\n' ' ' | sed 's/ $//')
	check "its warnings: $want" [ "$(audit_ids "$p-1" WARN)" = "$want" ]
	"$SANDTOP" isolation --label "sandtop.set=$p" >/dev/null
	check "isolation --label exits 0 for it" [ $? -eq 0 ]
}
t_isolation_reference_cleanup() { sandboxes_down "audr${RUN_ID}"; }

# The screen: the ISO column, the isolation screen with every check and the
# host's, and re-evaluation when a network is connected, the limits change
# or the budget runs out.
t_isolation_screen() {
	local p="auds${RUN_ID}"
	sandboxes_up 1 "$p" || { fail "could not start a sandbox"; return; }
	"$ROOT/scripts/sandboxes" up 1 --prefix "$p-t" --ttl 6 >"$TEST_TMP/sandboxes-t.log" 2>&1 ||
		{ fail "could not start a sandbox with a short budget"; return; }
	tui_start s 200 50
	wait_screen s "$p-1 .* warn " 10
	check "the ISO column says warn for the reference sandbox ($WAITED_MS ms)" [ $WAITED_MS -ge 0 ]
	check "the host line lists the host checks" wait_screen s "host isolation: endpoint ok · seccomp ok · LSM" 2
	tm send-keys -t s "/" "$p-1" Enter
	tm send-keys -t s i
	check "i opens the isolation screen" wait_screen s "isolation of $p-1 \([0-9a-f]{12}\): warn · kernel checked" 3
	check "it lists the checks" wait_screen s "ok +PRIV-07 +seccomp filter: sandtop's strict profile; kernel: Seccomp 2" 2
	check "and the host's" wait_screen s "PRIV-14 +host +" 2
	check "what passes comes after a heading" wait_screen s "^ *passing *$" 2
	docker network connect bridge "$p-1"
	check "a network connect re-evaluates: NET-02 fails" wait_screen s "FAIL +high +NET-02 +internal networks only: on network bridge" 5
	check "... and the worst finding is the first line, right under the title" \
		bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -t s | grep -A1 'isolation of $p-1' | tail -1 | grep -Eq 'FAIL +high +NET-02'"
	tm send-keys -t s G
	check "G reaches the last line (the last passing check)" \
		bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -t s | grep -Ev '^ *\$' | tail -2 | grep -Eq '^ ok +'"
	tm send-keys -t s g
	note "NET-02 shown ${WAITED_MS} ms after docker network connect returned"
	docker network disconnect bridge "$p-1"
	check "and the disconnect clears it" wait_screen_gone s "NET-02 +internal networks only: on network bridge" 5
	docker update --pids-limit -1 "$p-1" >/dev/null
	check "an update re-evaluates: RES-03 fails" wait_screen s "FAIL +high +RES-03" 5
	docker exec -d "$p-1" sleep 5
	check "an exec session re-evaluates: PRIV-16 warns" wait_screen s "warn +med +PRIV-16 +no exec sessions: 1 exec session known to the engine" 5
	tm send-keys -t s Escape
	check "Esc goes back to the list, where the column says FAIL high" wait_screen s "$p-1 .* FAIL high " 3
	docker update --pids-limit 512 "$p-1" >/dev/null
	check "back to warn after the limit returns" wait_screen s "$p-1 .* warn " 5
	tm send-keys -t s Escape   # the filter off
	check "the short budget runs out: FAIL high with no event to tell" wait_screen s "$p-t-1 .* FAIL high " 10
	# sandtop's own desktop relay is an exec session too, but not someone inside
	tm send-keys -t s v
	check "the desktop view opens" wait_screen s "live 1024x768" 15
	tm send-keys -t s q
	sleep 0.3
	tm send-keys -t s i
	check "with the relay open, PRIV-16 passes: only sandtop's own" \
		wait_screen s "ok +PRIV-16 +no exec sessions: only sandtop's own desktop relay" 25
}
t_isolation_screen_cleanup() { sandboxes_down "auds${RUN_ID}"; sandboxes_down "auds${RUN_ID}-t"; }

# The engine's own health checks are exec sessions too: one running at the
# moment of the look is not someone inside (PRIV-16 passes and says so); a
# session someone opened still warns, next to it. A slow health check
# (2 s of every 2.5 s) makes every look meet one.
t_isolation_health_check() {
	local n="${RUN_ID}auh" i out seen=0
	docker run -d --name "$n" --network none --label sandtop.sandbox=1 \
		--health-cmd 'sleep 3' --health-interval 1s sandtop/mini:latest sleep 600 >/dev/null
	# the check runs 3 s of every 4: look until 3 looks met it running
	# (at most 12 looks), every look must pass
	local ok=1
	for i in $(seq 12); do
		out=$("$SANDTOP" isolation "$n" -v 2>&1 | grep PRIV-16)
		[ "$(docker inspect "$n" --format '{{len .ExecIDs}}')" -gt 0 ] && seen=$((seen + 1))
		case $out in *"PASS "*"PRIV-16"*) ;; *) ok=0; break ;; esac
		[ $seen -ge 3 ] && break
		sleep 0.7
	done
	note "PRIV-16: $out (a health check was running at $seen of $i looks)"
	check "a running health check is not a session someone opened" sh -c "[ $ok -eq 1 ] && [ $seen -ge 3 ]"
	check "... and is named" grep -Eq "only the engine's health check|: none" <<<"$out"
	docker exec -d "$n" sleep 5
	sleep 0.3
	out=$("$SANDTOP" isolation "$n" -v 2>&1 | grep PRIV-16)
	note "PRIV-16: $out"
	check "an exec someone opened still warns" grep -q "WARN .*PRIV-16 .*1 exec session known to the engine" <<<"$out"
}
t_isolation_health_check_cleanup() { docker rm -f "${RUN_ID}auh" >/dev/null 2>&1; true; }
