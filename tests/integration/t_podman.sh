# t_podman.sh: sandtop against Podman's Docker-compatible API (scripts/podman-engine: a rootful `podman system service` on a socket of its own): the list and its numbers, the actions (the kernel's through the libpod-ID cgroup, the engine's in Podman's words), the desktop through exec, the isolation checks that say UNVERIFIABLE for what Podman does not show, and the screen.
#
# Podman answers GET /version in 2-12 s on this machine (it asks dpkg which
# package conmon and runc came from), and sandtop negotiates the API with
# it: the actions and the screen get --engine-timeout 30 here (the default,
# 2 s, times their first request out; ps, screenshot and isolation wait
# longer by themselves).

PD_ENGINE=itpd
PD_TIMEOUT=(--engine-timeout 30)

pd() { "$ROOT/scripts/podman-engine" podman "$PD_ENGINE" "$@"; }   # the CLI on its storage
pdr() { podman --remote --url "$PD_HOST" "$@"; }                    # the CLI through its API

# pd_start: the service (idempotent; the images stay loaded between runs)
# and nothing of an earlier run; its endpoint in PD_HOST.
pd_start() {
	command -v podman >/dev/null || { fail "podman missing (scripts/setup installs it)"; return 1; }
	local t0
	t0=$(date +%s%N)
	PD_HOST=$("$ROOT/scripts/podman-engine" start "$PD_ENGINE" 2>>"$TEST_TMP/podman-engine.log") ||
		{ tail -n 20 "$TEST_TMP/podman-engine.log"; fail "scripts/podman-engine start"; return 1; }
	note "podman service up in $((($(date +%s%N) - t0) / 1000000)) ms ($PD_HOST)"
	pd rm -af -t 0 >/dev/null 2>&1 || true
	pd network prune -f >/dev/null 2>&1 || true
}
pd_stop() { "$ROOT/scripts/podman-engine" stop "$PD_ENGINE" >>"$TEST_TMP/podman-engine.log" 2>&1 || true; }

# pd_network NET: an internal network without traffic between its
# sandboxes, as scripts/sandboxes makes one (through the Docker API: it
# names the bridge, which the podman CLI of Debian's 4.3 cannot).
pd_network() {
	docker -H "$PD_HOST" network create --internal -o com.docker.network.bridge.enable_icc=false \
		-o "com.docker.network.bridge.name=pd$PD_ENGINE${1: -1}" "$1" >/dev/null
}

# pd_sandbox NAME NET [podman run flags]: a reference sandbox, scripts/sandboxes'
# flags in Podman's words (tmpfs U, not uid=/gid=; its own nofile and nproc
# limits, as podman's defaults exceed this machine's hard ones;
# --read-only-tmpfs=false: --read-only alone adds an unbounded /var/tmp).
pd_sandbox() {
	local name=$1 net=$2
	shift 2
	pdr run -d --name "$name" --hostname "$name" --network "$net" --user 10001:10001 --read-only \
		--read-only-tmpfs=false \
		--tmpfs /tmp:rw,nosuid,nodev,noexec,size=256m \
		--tmpfs /home/agent:rw,nosuid,nodev,noexec,size=256m,mode=0700,U \
		--tmpfs /run:rw,nosuid,nodev,noexec,size=16m \
		--shm-size 64m --cap-drop ALL --cgroupns private \
		--security-opt no-new-privileges --security-opt "seccomp=$ROOT/sandbox/image/seccomp.json" \
		--memory 1g --memory-swap 1g --cpus 1 --pids-limit 512 \
		--ulimit core=0 --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--restart no --log-opt max-size=10m \
		--label sandtop.sandbox=1 --label sandtop.vnc=exec:5900 --label sandtop.owner=it \
		--label "sandtop.task=podman $name" --label sandtop.ttl=3600 --label "sandtop.set=$RUN_ID" \
		"$@" sandtop/sandbox:latest >"$TEST_TMP/run-$name.log" 2>&1 ||
		{ cat "$TEST_TMP/run-$name.log"; return 1; }
}
# Is the desktop of NAME up (x11vnc listening inside, as its start script says)?
pd_desktop_up() { pd logs "$1" 2>&1 | grep -q 'x11vnc on 127.0.0.1:5900'; }
pd_wait() { # COMMAND... until it succeeds, at most 60 s
	local i
	for ((i = 0; i < 120; i++)); do "$@" && return 0; sleep 0.5; done
	return 1
}
pd_id() { pd inspect -f '{{.Id}}' "$1"; }
pd_status() { pd inspect -f '{{.State.Status}}' "$1"; }
# The freezer state of the container's cgroup (v1 freezer.state, v2 cgroup.freeze 1/0).
pd_freezer() {
	local id=$1 d
	d=/sys/fs/cgroup/freezer/libpod_parent/libpod-$id
	if [ -f "$d/freezer.state" ]; then cat "$d/freezer.state"; return; fi
	d=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "libpod-$id*" | head -1)
	[ -n "$d" ] && [ "$(cat "$d/cgroup.freeze" 2>/dev/null)" = 1 ] && echo FROZEN || echo THAWED
}
pd_gone() { [ ! -d "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
is_number() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

# The result of check ID for sandbox NAME, from isolation --json.
pd_check() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["sandboxes"][0]["checks"]:
    if c["id"] == sys.argv[2]:
        print(c["result"], c["reason"]); break
else:
    print("none")' "$TEST_TMP/iso-$1.json" "$2"
}
pd_check_is() { [[ $(pd_check "$1" "$2") == "$3"* ]]; }   # NAME ID RESULT

# ---- the list, its numbers, the desktop and the isolation checks -------------------

t_podman_list() {
	local p="${RUN_ID}pl" id out cpu
	pd_start || return 1
	pd_network "$p-net" || { fail "network"; return 1; }
	pd_sandbox "$p-1" "$p-net" || { fail "podman run of the reference sandbox"; return 1; }
	pdr run -d --name "$p-plain" --read-only --label sandtop.sandbox=1 sandtop/mini:latest sleep 600 >/dev/null
	id=$(pd_id "$p-1")
	out=$("$SANDTOP" ps -H "$PD_HOST" 2>&1)
	check "ps lists the Podman sandbox running" grep -Eq "^$p-1 +${id:0:12} .* running " <<<"$out"
	check "ps --json: its full id, state, pid and labels" python3 -c '
import json, sys
l = [s for s in json.loads(sys.argv[1]) if s["name"] == sys.argv[2]][0]
assert l["id"] == sys.argv[3] and l["state"] == "running" and l["pid"] > 0, l
assert l["labels"]["sandtop.vnc"] == "exec:5900", l' "$("$SANDTOP" ps --json -H "$PD_HOST")" "$p-1" "$id"
	# the numbers: the cgroup files (local), then Podman's stats API
	sleep 2
	cpu=$("$SANDTOP" ps --stats -H "$PD_HOST" | awk -v n="$p-1" '$1 == n { print $5 }')
	check "ps --stats: a CPU% for it from the cgroup files ($cpu)" is_number "$cpu"
	cpu=$("$SANDTOP" ps --stats --stats-source api -H "$PD_HOST" | awk -v n="$p-1" '$1 == n { print $5 }')
	check "ps --stats --stats-source api: a CPU% from Podman's stats API ($cpu)" is_number "$cpu"
	check "ps --json --stats: memory and pids under its limits" python3 -c '
import json, sys
l = [s for s in json.loads(sys.argv[1]) if s["name"] == sys.argv[2]][0]
assert 0 < l["mem_bytes"] < l["mem_limit_bytes"] == 1 << 30 and 0 < l["pids"] and l["pids_limit"] == 512, l' \
		"$("$SANDTOP" ps --json --stats --stats-source api -H "$PD_HOST")" "$p-1"

	# the desktop through an exec, as on the Docker Engine
	check "its desktop comes up" pd_wait pd_desktop_up "$p-1"
	"$SANDTOP" screenshot "$p-1" -o "$TEST_TMP/pd.png" -H "$PD_HOST" >"$TEST_TMP/shot.log" 2>&1
	check "sandtop screenshot through Podman's exec: a 1024x768 PNG" \
		bash -c "file '$TEST_TMP/pd.png' | grep -q 'PNG image data, 1024 x 768'"
	check "...with the desktop drawn (more than a few colours)" python3 -c '
import sys, zlib, struct
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
i, idat = 8, b""
while i < len(d):
    n, t = struct.unpack(">I4s", d[i:i + 8]); i += 8
    if t == b"IDAT": idat += d[i:i + n]
    i += n + 4
raw = zlib.decompress(idat)
assert len(set(raw[j:j + 3] for j in range(0, len(raw), 97))) > 8' "$TEST_TMP/pd.png"

	# the isolation checks: the kernel confirms what Podman does not show;
	# what neither shows is UNVERIFIABLE, never PASS or FAIL
	"$SANDTOP" isolation --json "$p-1" -H "$PD_HOST" >"$TEST_TMP/iso-$p-1.json" 2>>"$TEST_TMP/iso.err"
	note "failing checks: $(python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(open(sys.argv[1]))["sandboxes"][0]["checks"] if c["result"] == "FAIL"))' "$TEST_TMP/iso-$p-1.json")"
	check "isolation: nothing FAILs on the reference sandbox" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sandboxes"][0]
assert not [c for c in s["checks"] if c["result"] == "FAIL"], s' "$TEST_TMP/iso-$p-1.json"
	check "PRIV-05: Podman's list of dropped capabilities, kernel CapBnd 0" pd_check_is "$p-1" PRIV-05 PASS
	check "PRIV-12: masked paths Podman does not show, seen in its mounts" pd_check_is "$p-1" PRIV-12 PASS
	check "PRIV-07: a seccomp profile named by its file is UNVERIFIABLE" pd_check_is "$p-1" PRIV-07 UNVERIFIABLE
	check "...and says the kernel has a filter on" bash -c "[[ \"$(pd_check "$p-1" PRIV-07)\" == *'Seccomp 2'* ]]"
	check "RES-06: the log's size limit Podman does not show is UNVERIFIABLE" pd_check_is "$p-1" RES-06 UNVERIFIABLE
	check "RES-04: RLIMIT_CORE 0 read as core 0" pd_check_is "$p-1" RES-04 PASS
	check "NET-02: the network Podman names by name is looked up (internal)" pd_check_is "$p-1" NET-02 PASS
	check "PRIV-16: the screenshot's ended exec is no session" pd_check_is "$p-1" PRIV-16 PASS
	"$SANDTOP" isolation --json "$p-plain" -H "$PD_HOST" >"$TEST_TMP/iso-$p-plain.json" 2>>"$TEST_TMP/iso.err"
	note "FS-02 of plain --read-only: $(pd_check "$p-plain" FS-02)"
	check "FS-02: the tmpfs plain --read-only adds (/run, /tmp, /var/tmp), unbounded, FAIL" \
		bash -c "[[ \"$(pd_check "$p-plain" FS-02)\" =~ ^FAIL.*tmpfs\ /(run|tmp|var/tmp)\ has\ no\ size ]]"
	check "PRIV-05: Podman's default capabilities FAIL" pd_check_is "$p-plain" PRIV-05 FAIL
	check "the host's report names runc's version from Podman's components" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["host"]["checks"]
c = [c for c in h if c["id"] == "PRIV-14"][0]
assert "runc" in c["reason"] and "unknown" not in c["reason"], c' "$TEST_TMP/iso-$p-1.json"
}
t_podman_list_cleanup() { pd rm -af -t 0 >/dev/null 2>&1; pd_stop; }

# ---- the actions ------------------------------------------------------------------

t_podman_actions() {
	local p="${RUN_ID}pa" id out
	pd_start || return 1
	pd_network "$p-net" || { fail "network"; return 1; }
	pd_sandbox "$p-1" "$p-net" || { fail "podman run"; return 1; }
	id=$(pd_id "$p-1")
	act() { "$SANDTOP" "$@" -H "$PD_HOST" "${PD_TIMEOUT[@]}" --reason t_podman 2>&1; }

	out=$(act pause "$p-1")
	note "pause: $out"
	check "pause: the kernel froze it through its libpod-ID cgroup" grep -q 'frozen by the kernel' <<<"$out"
	check "...its freezer says FROZEN" [ "$(pd_freezer "$id")" = FROZEN ]
	check "...and ps says frozen" bash -c "'$SANDTOP' ps -H '$PD_HOST' | grep -Eq '^$p-1 .* frozen '"
	out=$(act unpause "$p-1")
	note "unpause: $out"
	check "unpause: thawed" [ "$(pd_freezer "$id")" = THAWED ]

	out=$(act stop "$p-1" -t 5)
	note "stop: $out"
	check "stop: it ended, the engine's 500 said as 'already ended'" grep -Eq 'ok: .*(ended|stopped)' <<<"$out"
	check "...Podman says exited" [ "$(pd_status "$p-1")" = exited ]
	out=$(act restart "$p-1")
	check "restart: running again" bash -c "[ \"\$(podman --remote --url '$PD_HOST' inspect -f '{{.State.Status}}' '$p-1')\" = running ]"

	out=$(act kill "$p-1" --json)
	note "kill: $out"
	# Podman answers the kill that follows the kernel's with 500 "container
	# state improper" when it has already seen the container end, and with
	# 204 when it has not yet (ci65 had that once): either is a success,
	# never a failure.
	check "kill: the kernel killed it, and the engine's 'container state improper' is no failure" python3 -c '
import json, sys
t = json.loads(sys.argv[1])["results"][0]
assert t["ok"] and t["kernel"].startswith("killed by the kernel"), t
assert t["engine"] == "ok" and ("already ended" in t["engine_said"] or t["engine_said"] == "ok"), t' "$out"
	check "...Podman says exited (137)" [ "$(pd inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$p-1")" = "exited 137" ]
	act restart "$p-1" >/dev/null
	check "restart after the kill" [ "$(pd_status "$p-1")" = running ]

	# Podman's own pause (its cgroup freezer too), ended by sandtop
	pdr pause "$p-1" >/dev/null
	check "ps says paused after podman pause" bash -c "'$SANDTOP' ps -H '$PD_HOST' | grep -Eq '^$p-1 .* paused '"
	out=$(act pause "$p-1")
	note "pause of a paused one: $out"
	check "pause of a sandbox Podman paused: ok (the kernel's freeze; no engine call)" grep -q ' ok' <<<"$out"
	out=$(act unpause "$p-1")
	note "unpause: $out"
	check "unpause after podman pause: running" [ "$(pd_status "$p-1")" = running ]
	check "...and thawed" [ "$(pd_freezer "$id")" = THAWED ]
}
t_podman_actions_cleanup() { pd rm -af -t 0 >/dev/null 2>&1; pd_stop; }

# ---- the screen -------------------------------------------------------------------

t_podman_screen() {
	local p="${RUN_ID}ps" cpu
	pd_start || return 1
	pd_network "$p-net" || { fail "network"; return 1; }
	pd_sandbox "$p-1" "$p-net" || { fail "podman run"; return 1; }
	check "its desktop comes up" pd_wait pd_desktop_up "$p-1"
	tui_start pds 200 50 -H "$PD_HOST" "${PD_TIMEOUT[@]}"
	check "the screen lists the Podman sandbox" wait_screen pds "$p-1 .* running" 30
	check "...with numbers (CPU%)" wait_screen pds "$p-1 .* running .* [0-9]+\.[0-9]" 10
	cpu=$(cell_of pds "$p-1" 'CPU%')
	check "its CPU% cell is a number ($cpu)" is_number "$cpu"
	check "the header names the engine" wait_screen pds "podman.sock" 2
	check "its isolation column has a result" wait_screen pds "$p-1 .* running +(ok|warn|unverif|FAIL|\?)" 30
	note "row: $(row_of pds "$p-1" | tr -s ' ')"
	# Podman's events move the row
	pdr pause "$p-1" >/dev/null
	check "podman pause shows as paused (its events stream)" wait_screen pds "$p-1 .* paused" 10
	pdr unpause "$p-1" >/dev/null
	check "podman unpause: running again" wait_screen pds "$p-1 .* running" 10
	# the desktop view through exec
	tm send-keys -t pds v
	check "v: the live desktop through Podman's exec" wait_screen pds "live 1024x768" 40
	tm send-keys -t pds q
	check "q: back to the list" wait_screen pds "NAME" 5
	# the logs: Podman sends each write as a frame of its own, with its own
	# timestamp, also the halves of one line: one line on screen. (Podman
	# 4.3's tail= drops the first halves of the lines it sends from the past,
	# a bug of its own: the lines that come while following are whole.)
	pdr run -d --name "$p-w" --label sandtop.sandbox=1 sandtop/mini:latest \
		sh -c 'i=0; while :; do i=$((i+1)); printf "half$i-"; sleep 1; printf "whole$i\n"; sleep 1; done' >/dev/null
	check "the writer is listed" wait_screen pds "$p-w .* running" 15
	tm send-keys -t pds / && tm send-keys -t pds -l "$p-w" && tm send-keys -t pds Enter
	check "the filter keeps the writer only" wait_screen_gone pds "$p-1 " 5
	tm send-keys -t pds l
	check "l: its logs screen" wait_screen pds "logs of $p-w" 20
	check "a line Podman sent in two frames is one line" wait_screen pds "half[0-9]+-whole[0-9]+" 20
	check "...with no timestamp inside it" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t pds | grep -Eq 'half[0-9]+-20'"
	tm send-keys -t pds q
	tm send-keys -t pds q
	timeout 10 "$SANDTOP" logs "$p-w" -f -t -H "$PD_HOST" >"$TEST_TMP/logs-t.txt" 2>&1
	check "sandtop logs -f -t: one timestamp, then the whole line" \
		grep -Eq '^[0-9-]+T[0-9:.]+Z half1-whole1$' "$TEST_TMP/logs-t.txt"
}
t_podman_screen_cleanup() { pd rm -af -t 0 >/dev/null 2>&1; pd_stop; }

# ---- rootless: the service as a second user ---------------------------------------

PD_RL_ENGINE=itrl
PD_RL_USER=sandtoppd

# The second user (made once, with its /etc/subuid and /etc/subgid ranges).
pd_rl_user() {
	id "$PD_RL_USER" >/dev/null 2>&1 && return 0
	useradd -m -s /usr/sbin/nologin "$PD_RL_USER" || return 1
	grep -q "^$PD_RL_USER:" /etc/subuid || usermod --add-subuids 200000-265535 --add-subgids 200000-265535 "$PD_RL_USER"
}

t_podman_rootless() {
	local p="${RUN_ID}pr" host out cgv
	command -v podman >/dev/null || { fail "podman missing (scripts/setup installs it)"; return 1; }
	pd_rl_user || { fail "could not make the user $PD_RL_USER"; return 1; }
	host=$("$ROOT/scripts/podman-engine" start "$PD_RL_ENGINE" --rootless "$PD_RL_USER" --images sandtop/mini:latest \
		2>>"$TEST_TMP/podman-engine.log") || { tail -n 20 "$TEST_TMP/podman-engine.log"; fail "rootless start"; return 1; }
	check "its service runs as $PD_RL_USER" \
		[ "$(stat -c %U "/proc/$("$ROOT/scripts/podman-engine" pid "$PD_RL_ENGINE")")" = "$PD_RL_USER" ]
	podman --remote --url "$host" rm -af -t 0 >/dev/null 2>&1
	# --network none: slirp4netns needs /dev/net/tun, which this host keeps 0600
	podman --remote --url "$host" run -d --name "$p-busy" --network none --label sandtop.sandbox=1 \
		sandtop/mini:latest sh -c 'while :; do :; done' >/dev/null || { fail "rootless podman run"; return 1; }
	check "ps lists the rootless sandbox" bash -c "'$SANDTOP' ps -H '$host' | grep -Eq '^$p-busy .* running '"
	cgv=$(awk -F: '$2 == "cpuacct" { v = 1 } END { print v ? 1 : 2 }' /proc/self/cgroup)
	if [ "$cgv" = 1 ]; then
		note "cgroup v1: rootless containers get no cgroup of their own"
		out=$("$SANDTOP" ps --stats -H "$host" | awk -v n="$p-busy" '$1 == n { print $5, $6 }')
		check "ps --stats gives no numbers ($out), not the shared cgroup's as its own" [ "$out" = "- -" ]
		local pid
		pid=$(podman --remote --url "$host" inspect -f '{{.State.Pid}}' "$p-busy")
		out=$("$SANDTOP" kill "$p-busy" -H "$host" "${PD_TIMEOUT[@]}" --json 2>&1)
		note "kill: $out"
		# Podman 4.3 rootless answers a SIGKILL through its API only ~20 s
		# later (as long as sandtop waits for an action; cut off, it leaves
		# the container 'stopped'): the kill itself is at once
		check "kill: the kernel path finds no cgroup of its own and leaves it to the engine" python3 -c '
import json, sys
t = json.loads(sys.argv[1])["results"][0]
assert t["ok"] and "no cgroup of its own" in t["kernel"], t' "$out"
		check "...its process ($pid) is gone" pd_gone "$pid"
		note "Podman's state then: $(podman --remote --url "$host" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$p-busy")"
		podman --remote --url "$host" rm -f -t 0 "$p-busy" >/dev/null
		podman --remote --url "$host" run -d --name "$p-busy" --network none --label sandtop.sandbox=1 \
			sandtop/mini:latest sh -c 'while :; do :; done' >/dev/null
		out=$("$SANDTOP" pause "$p-busy" -H "$host" "${PD_TIMEOUT[@]}" 2>&1)
		note "pause: $out"
		check "pause fails with Podman's reason (no cgroup to freeze)" grep -q 'rootless containers with cgroup V1' <<<"$out"
	else
		out=$("$SANDTOP" ps --stats -H "$host" | awk -v n="$p-busy" '$1 == n { print $5 }')
		check "ps --stats: a CPU% ($out)" is_number "$out"
	fi
	"$SANDTOP" isolation --json "$p-busy" -H "$host" >"$TEST_TMP/iso-$p-busy.json" 2>>"$TEST_TMP/iso.err"
	check "HOST-04: a rootless engine (Podman's Rootless in /info)" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["host"]["checks"]
assert [c for c in h if c["id"] == "HOST-04"][0]["result"] == "PASS", h' "$TEST_TMP/iso-$p-busy.json"
	if [ "$cgv" = 1 ]; then
		check "what only the kernel could say is UNVERIFIABLE, never PASS" pd_check_is "$p-busy" PRIV-04 UNVERIFIABLE
	fi
}
t_podman_rootless_cleanup() {
	"$ROOT/scripts/podman-engine" podman "$PD_RL_ENGINE" rm -af -t 0 >/dev/null 2>&1
	"$ROOT/scripts/podman-engine" stop "$PD_RL_ENGINE" >>"$TEST_TMP/podman-engine.log" 2>&1 || true
}
