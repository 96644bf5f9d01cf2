# t_engine_private.sh: a private Docker engine (scripts/engine) for the fault tests: its own sandboxes, SIGSTOP, kill -9, a clean stop.

# The freezer cgroup of pid $1 (the v1 hierarchy), "" when gone.
ep_freezer_cg_of() { awk -F: '$2 == "freezer" { print $3 }' "/proc/$1/cgroup" 2>/dev/null; }
# Is pid $1 alive and not a zombie?
ep_running_pid() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# The live processes whose arguments point into run directory $1 (this
# engine's dockerd, containerd and shims name it; no other process does).
ep_procs_under() {
	local d
	for d in /proc/[0-9]*; do
		ep_running_pid "${d#/proc/}" || continue
		[[ $({ tr '\0' '\n' <"$d/cmdline"; } 2>/dev/null) == *"$1/"* ]] && echo "${d#/proc/} $(cat "$d/comm" 2>/dev/null)"
	done
	return 0
}
ep_not_listed() { ! grep -qE -- "$1" <<<"$2"; }
ep_all_running() { local p; for p in "$@"; do ep_running_pid "$p" || return 1; done; }
ep_none_running() { local p; for p in "$@"; do ep_running_pid "$p" && return 1; done; return 0; }
# Every pid has its freezer cgroup directory, and the pid is in its tasks.
ep_in_freezer_tasks() {
	local p cg
	for p in "$@"; do
		cg=$(ep_freezer_cg_of "$p")
		[ -n "$cg" ] && grep -qx "$p" "/sys/fs/cgroup/freezer$cg/tasks" 2>/dev/null || return 1
	done
}
ep_quiet() { "$@" >/dev/null 2>&1; }
ep_no_mounts_under() { ! awk '{ print $2 }' /proc/self/mounts | grep -qE "^($1|$2)(/|$)"; }

t_engine_private() {
	local eng=itpriv p="${RUN_ID}pv" run=/run/sandtop-engines/itpriv t0 ms host dpid cpid
	local names i pids=() shims=() cg x log netbr
	log="$TEST_TMP/engine-$eng.log"

	# ---- start: its own dockerd, containerd, socket, bridge --------------------------
	t0=$(date +%s%N)
	engine_start "$eng" || { fail "scripts/engine start $eng"; return 1; }
	ms=$((($(date +%s%N) - t0) / 1000000))
	host=$ENGINE_HOST
	note "engine start (with the image loads) took $ms ms"
	grep -E 'ready in|loaded|started and' "$log" | tail -n 4 | while read -r l; do note "  $l"; done
	check "the endpoint is the engine's own socket" [ "$host" = "unix://$run/docker.sock" ]
	dpid=$(engine_pid "$eng")
	check "its dockerd is not the main one ($dpid)" [ -n "$dpid" -a "$dpid" != "$(cat /var/run/docker.pid)" ]
	cpid=$(cat "$run/exec/containerd/containerd.pid" 2>/dev/null)
	check "its containerd ($cpid) is its dockerd's child" \
		[ "$(awk '{ print $4 }' "/proc/$cpid/stat" 2>/dev/null)" = "$dpid" ]
	check "...with its config under its exec root" grep -qF "$run/exec/containerd/containerd.toml" "/proc/$cpid/cmdline"
	x=$(cat "$run/subnet")
	check "bridge st-$eng has 10.213.$x.1/24" bash -c "ip -4 -o addr show dev st-$eng | grep -q ' 10.213.$x.1/24 '"
	check "the main engine's docker0 is still there" ep_quiet ip link show docker0
	check "the same image ids as the main engine" [ "$(docker -H "$host" image inspect -f '{{.Id}}' sandtop/sandbox:latest)" = \
		"$(docker image inspect -f '{{.Id}}' sandtop/sandbox:latest)" ]
	t0=$(date +%s%N)
	check "starting it again while it runs gives the same endpoint" \
		[ "$("$ROOT/scripts/engine" start "$eng" 2>>"$log")" = "$host" ]
	note "a start of the running engine took $((($(date +%s%N) - t0) / 1000000)) ms"
	check "...and keeps the same dockerd" [ "$(engine_pid "$eng")" = "$dpid" ]

	# ---- three reference sandboxes on it -----------------------------------------------
	t0=$(date +%s%N)
	sandboxes_up_on "$host" 3 "$p" --wait || { fail "sandboxes on the private engine"; return 1; }
	note "3 sandboxes healthy on it in $((($(date +%s%N) - t0) / 1000000)) ms"
	names=$("$SANDTOP" ps -H "$host" --json | jq -r '.[].name' | sort | tr '\n' ' ')
	check "sandtop ps -H lists exactly the 3 ($names)" [ "$names" = "$p-1 $p-2 $p-3 " ]
	check "the main engine's ps does not list them" ep_not_listed "^$p-" "$("$SANDTOP" ps --json | jq -r '.[].name')"
	check "their network is on the private engine only" bash -c \
		"docker -H $host network inspect $p-net >/dev/null 2>&1 && ! docker network inspect $p-net >/dev/null 2>&1"
	netbr=br-$(docker -H "$host" network inspect -f '{{.Id}}' "$p-net" | cut -c1-12)
	check "its network's bridge $netbr is up on the host" ep_quiet ip link show "$netbr"
	check "no iptables rule of the main engine's chains names its bridges (--iptables=false)" \
		bash -c "! { iptables -S; iptables -t nat -S; } 2>/dev/null | grep -qE -- 'st-$eng|$netbr'"
	for i in 1 2 3; do pids+=("$(docker -H "$host" inspect -f '{{.State.Pid}}' "$p-$i")"); done
	cg=$(ep_freezer_cg_of "${pids[0]}")
	note "cgroup of $p-1: /sys/fs/cgroup/freezer$cg (same path in every v1 hierarchy and under unified/)"
	check "its containers' cgroups are under /sandtop-$eng/" [ "${cg#/sandtop-"$eng"/}" != "$cg" ]
	mapfile -t shims < <(ep_procs_under "$run" | awk '$2 ~ /^containerd-shim/ { print $1 }')
	check "one shim per sandbox, all of its containerd (${#shims[@]})" [ ${#shims[@]} -eq 3 ]

	# ---- SIGSTOP: the API hangs, the sandboxes run on -----------------------------------
	engine_freeze "$eng"
	# Every thread of the Go process has to reach the stop: give it a moment.
	local st=
	for ((i = 0; i < 20; i++)); do
		st=$(awk '{ print $3 }' "/proc/$dpid/stat")
		[ "$st" = T ] && break
		sleep 0.05
	done
	check "dockerd is stopped (state $st, after $((i * 50)) ms)" [ "$st" = T ]
	t0=$(date +%s%N)
	timeout 3 docker -H "$host" ps >/dev/null 2>&1
	local rc=$?
	check "docker -H ... ps times out while it is stopped (rc $rc)" [ $rc -eq 124 ]
	check "the sandbox processes still run" ep_all_running "${pids[@]}"
	check "their freezer cgroups exist, each with its task" ep_in_freezer_tasks "${pids[@]}"
	engine_thaw "$eng"
	check "after SIGCONT it answers again" ep_quiet timeout 10 docker -H "$host" ps -q
	check "the main engine was not affected" ep_quiet timeout 10 docker ps -q

	# ---- kill -9: shims and containers outlive dockerd -----------------------------------
	engine_kill9 "$eng"
	for ((i = 0; i < 50; i++)); do ep_running_pid "$dpid" || break; sleep 0.1; done
	check "dockerd is gone" ep_none_running "$dpid"
	sleep 1
	check "the sandbox processes still run" ep_all_running "${pids[@]}"
	check "their shims still run" ep_all_running "${shims[@]}"
	if ep_running_pid "$cpid"; then note "its containerd outlived dockerd"; else
		note "its containerd went with dockerd (dockerd starts it with Pdeathsig SIGKILL)"; fi
	check "status tells what is left" bash -c "'$ROOT/scripts/engine' status $eng | grep -q 'dockerd gone, left running'"

	# ---- stop: nothing of it is left; the main engine works ------------------------------
	t0=$(date +%s%N)
	engine_stop "$eng" || fail "scripts/engine stop $eng"
	note "engine stop after the kill -9 took $((($(date +%s%N) - t0) / 1000000)) ms"
	check "no process of the engine is left ($(ep_procs_under "$run" | tr '\n' ' '))" [ -z "$(ep_procs_under "$run")" ]
	check "no sandbox process is left" ep_none_running "${pids[@]}"
	check "its bridge is gone" bash -c "! ip link show st-$eng >/dev/null 2>&1"
	check "its network's bridge $netbr is gone" bash -c "! ip link show $netbr >/dev/null 2>&1"
	check "its mounts are gone" ep_no_mounts_under "$run" "/var/lib/sandtop-engines/$eng"
	check "its cgroups are gone" bash -c "! ls -d /sys/fs/cgroup/*/sandtop-$eng 2>/dev/null | grep -q ."
	check "status says stopped" bash -c "'$ROOT/scripts/engine' status $eng | grep -q ': stopped'"
	check "a second stop is harmless" ep_quiet "$ROOT/scripts/engine" stop "$eng"
	check "the main engine's docker0 is still there" ep_quiet ip link show docker0
	check "the main engine still runs containers" ep_quiet timeout 60 docker run --rm sandtop/mini:latest true
}
t_engine_private_cleanup() {
	"$ROOT/scripts/engine" stop itpriv >/dev/null 2>&1
}
