# t_launch.sh: `sandtop launch` on the real engine: every hardening of the reference compose file, a new internal network, the refusals.

# tl_jq FILE FILTER [jq args]: the filter holds for the JSON in FILE.
tl_jq() { local f=$1; shift; jq -e "$@" "$f" >/dev/null; }

# The hardening every launched sandbox has, read back with docker inspect:
# tl_hardened NAME NETWORK MEMORY NANOCPUS PIDS
tl_hardened() {
	local name=$1 net=$2 mem=$3 cpus=$4 pids=$5 f="$TEST_TMP/$1.inspect.json"
	docker inspect "$name" | jq '.[0]' >"$f" || { fail "docker inspect $name"; return; }
	check "$name: user 10001:10001" tl_jq "$f" '.Config.User == "10001:10001"'
	check "$name: read-only root" tl_jq "$f" '.HostConfig.ReadonlyRootfs == true'
	check "$name: not privileged" tl_jq "$f" '.HostConfig.Privileged == false'
	check "$name: its own cgroup namespace" tl_jq "$f" '.HostConfig.CgroupnsMode == "private"'
	check "$name: tmpfs /tmp, /home/agent, /run, bounded, nosuid,nodev,noexec" tl_jq "$f" '.HostConfig.Tmpfs == {
		"/tmp": "rw,nosuid,nodev,noexec,size=256m",
		"/home/agent": "rw,nosuid,nodev,noexec,size=256m,uid=10001,gid=10001,mode=0700",
		"/run": "rw,nosuid,nodev,noexec,size=16m"}'
	check "$name: shm 64m" tl_jq "$f" '.HostConfig.ShmSize == 67108864'
	check "$name: every capability dropped, none added" tl_jq "$f" '.HostConfig.CapDrop == ["ALL"] and (.HostConfig.CapAdd | length) == 0'
	check "$name: no-new-privileges" tl_jq "$f" '.HostConfig.SecurityOpt[0] == "no-new-privileges:true"'
	check "$name: two security options" tl_jq "$f" '(.HostConfig.SecurityOpt | length) == 2'
	jq -r '.HostConfig.SecurityOpt[1]' "$f" >"$TEST_TMP/$name.seccomp"
	check "$name: seccomp= inline and compact" grep -q '^seccomp={"defaultAction":"SCMP_ACT_ERRNO",' "$TEST_TMP/$name.seccomp"
	check "$name: the seccomp profile is sandbox/image/seccomp.json" \
		bash -c "diff <(sed 's/^seccomp=//' '$TEST_TMP/$name.seccomp' | jq -S .) <(jq -S . '$ROOT/sandbox/image/seccomp.json') >/dev/null"
	check "$name: memory $mem, swap the same" tl_jq "$f" ".HostConfig.Memory == $mem and .HostConfig.MemorySwap == $mem"
	check "$name: $cpus nanoCPUs" tl_jq "$f" ".HostConfig.NanoCpus == $cpus"
	check "$name: pids $pids" tl_jq "$f" ".HostConfig.PidsLimit == $pids"
	check "$name: ulimits core 0, nofile 4096" tl_jq "$f" '(.HostConfig.Ulimits | map({(.Name): [.Soft, .Hard]}) | add) == {"core": [0, 0], "nofile": [4096, 4096]}'
	check "$name: restart no" tl_jq "$f" '.HostConfig.RestartPolicy.Name == "no"'
	check "$name: logs json-file 10m x 3" tl_jq "$f" '.HostConfig.LogConfig == {"Type": "json-file", "Config": {"max-size": "10m", "max-file": "3"}}'
	check "$name: no published ports" tl_jq "$f" '(.HostConfig.PortBindings | length) == 0 and .HostConfig.PublishAllPorts == false and ((.NetworkSettings.Ports // {}) | length) == 0'
	check "$name: network $net" tl_jq "$f" ".HostConfig.NetworkMode == \"$net\" and (.NetworkSettings.Networks | keys) == [\"$net\"]"
	check "$name: no binds, no devices" tl_jq "$f" '(.HostConfig.Binds | length) == 0 and (.HostConfig.Devices | length) == 0 and (.Mounts | map(select(.Type != "tmpfs")) | length) == 0'
	check "$name: labels sandtop.sandbox=1, sandtop.vnc=exec:5900" tl_jq "$f" '.Config.Labels["sandtop.sandbox"] == "1" and .Config.Labels["sandtop.vnc"] == "exec:5900"'
	# the kernel's view, inside: no capabilities, no_new_privs, a seccomp filter
	docker exec "$name" sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/1/status' >"$TEST_TMP/$name.status" 2>&1
	check "$name: PID 1 has CapEff 0, NoNewPrivs 1, Seccomp 2" \
		bash -c "grep -q 'CapEff:.*0000000000000000' '$TEST_TMP/$name.status' && grep -q 'NoNewPrivs:.*1' '$TEST_TMP/$name.status' && grep -q 'Seccomp:.*2' '$TEST_TMP/$name.status'"
}

# tl_healthy NAME [SECONDS]: the image's health check (xdpyinfo) passes.
tl_healthy() {
	local s i
	for ((i = 0; i < ${2:-60} * 4; i++)); do
		s=$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)
		[ "$s" = healthy ] && return 0
		sleep 0.25
	done
	return 1
}

# sandtop launch with this test's own journal (the default path, under
# $TEST_TMP/state).
tl_launch() { XDG_STATE_HOME="$TEST_TMP/state" "$SANDTOP" launch "$@"; }

t_launch() {
	local p="tl-${RUN_ID}" rc t0 ms id owner
	owner=${SUDO_USER:-$(id -un)}
	[ "$(id -u)" = 0 ] || owner=$(id -un)

	# 1. the defaults: no network at all, the reference limits
	t0=$(date +%s%N)
	tl_launch "$p-def" >"$TEST_TMP/def.out" 2>"$TEST_TMP/def.log"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	note "launch (create + start) took $ms ms"
	check "launch with the defaults exits 0 (got $rc)" [ $rc -eq 0 ]
	id=$(cat "$TEST_TMP/def.out")
	check "it prints the new id" bash -c "[[ '$id' =~ ^[0-9a-f]{64}$ ]] && [ \"\$(docker inspect -f '{{.Id}}' '$p-def')\" = '$id' ]"
	check "nothing on stderr" [ ! -s "$TEST_TMP/def.log" ]
	tl_hardened "$p-def" none 1073741824 1000000000 512
	check "labels ttl 3600, owner $owner, task empty" tl_jq "$TEST_TMP/$p-def.inspect.json" --arg o "$owner" \
		'.Config.Labels["sandtop.ttl"] == "3600" and .Config.Labels["sandtop.owner"] == $o and .Config.Labels["sandtop.task"] == ""'
	t0=$(date +%s%N)
	check "it becomes healthy" tl_healthy "$p-def" 60
	note "healthy $((($(date +%s%N) - t0) / 1000000)) ms after launch returned"
	# the desktop: x11vnc listens on the sandbox's loopback only (0100007F:170C, LISTEN)
	check "x11vnc listens on 127.0.0.1:5900 inside" \
		bash -c "docker exec '$p-def' sh -c 'cat /proc/net/tcp' | grep -Eq '^ *[0-9]+: 0100007F:170C 00000000:0000 0A'"
	"$SANDTOP" screenshot "$p-def" -o "$TEST_TMP/def.png" >"$TEST_TMP/shot.log" 2>&1
	local audit="$TEST_TMP/state/sandtop/audit.log"
	check "the launch is in the operator journal: who, the sandbox, its image, ok" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
r = recs[0]
assert r["action"] == "launch" and r["phase"] == "event", r
t = r["targets"][0]
assert t["id"] == sys.argv[2] and t["name"] == sys.argv[3] and t["result"] == "ok", t
assert "image=sandtop/sandbox:latest" in r["detail"], r
' "$audit" "$id" "$p-def"
	check "its desktop answers through the exec tunnel (sandtop screenshot)" \
		bash -c "file '$TEST_TMP/def.png' | grep -q 'PNG image data, 1024 x 768'"
	# the isolation checks (t_isolation.sh's helpers): every check passes but
	# what this host lacks
	check "the audit fails nothing on it" [ "$(audit_ids "$p-def")" = "" ]
	check "and verifies everything with the kernel" [ "$(audit_ids "$p-def" UNVERIFIABLE)" = "" ]
	check "its only warnings are the host's ($(host_warnings))" [ "$(audit_ids "$p-def" WARN)" = "$(host_warnings)" ]

	# 2. a profile naming a new network: created internal, icc off
	cat >"$TEST_TMP/net.profile" <<-EOF
	# test profile
	network = $p-net
	memory = 512m
	cpus = 0.5
	pids = 256
	ttl = 600
	owner = tl-owner
	task = launch test
	label = team=red
	env = LANG=C.UTF-8
	EOF
	tl_launch --profile "$TEST_TMP/net.profile" --json "$p-net1" >"$TEST_TMP/net1.out" 2>"$TEST_TMP/net1.log"
	rc=$?
	check "launch with the profile exits 0 (got $rc)" [ $rc -eq 0 ]
	check "--json prints {id, name}" tl_jq "$TEST_TMP/net1.out" --arg n "$p-net1" \
		'(.id | test("^[0-9a-f]{64}$")) and .name == $n and (keys | length) == 2'
	check "it says it created the network" grep -q "created internal network $p-net" "$TEST_TMP/net1.log"
	check "the network is internal, icc off, marked ours" \
		bash -c "docker network inspect '$p-net' | jq -e '.[0] | .Internal == true and .Options[\"com.docker.network.bridge.enable_icc\"] == \"false\" and .Labels[\"sandtop.created-by\"] == \"sandtop launch\"' >/dev/null"
	tl_hardened "$p-net1" "$p-net" 536870912 500000000 256
	check "the profile's labels and env" tl_jq "$TEST_TMP/$p-net1.inspect.json" '.Config.Labels["sandtop.ttl"] == "600"
		and .Config.Labels["sandtop.owner"] == "tl-owner" and .Config.Labels["sandtop.task"] == "launch test"
		and .Config.Labels.team == "red" and (.Config.Env | index("LANG=C.UTF-8"))'
	# a second sandbox joins the existing network; its record goes to the journal named
	tl_launch --profile "$TEST_TMP/net.profile" --journal "$TEST_TMP/net2.journal" "$p-net2" >/dev/null \
		2>"$TEST_TMP/net2.log"
	rc=$?
	check "a second launch into the existing network exits 0 (got $rc)" [ $rc -eq 0 ]
	check "and does not create it again" bash -c "! grep -q created '$TEST_TMP/net2.log'"
	check "--journal FILE: its record is there, and not in the default journal" bash -c "
		grep -q '\"name\":\"$p-net2\"' '$TEST_TMP/net2.journal' && ! grep -q '\"name\":\"$p-net2\"' '$audit'"
	check "both profile sandboxes become healthy" bash -c "$(declare -f tl_healthy); tl_healthy '$p-net1' 60 && tl_healthy '$p-net2' 60"
	check "the audit fails nothing on a sandbox on the internal network" [ "$(audit_ids "$p-net1")" = "" ]
	local want
	want=$(printf '%s\n' $(host_warnings) NET-06 | sort | tr '\n' ' ' | sed 's/ $//')
	check "its warnings: $want (the host keeps an address on the bridge)" [ "$(audit_ids "$p-net1" WARN)" = "$want" ]

	# 3. the refusals
	tl_launch "$p-def" >"$TEST_TMP/dup.out" 2>"$TEST_TMP/dup.log"
	rc=$?
	check "a name in use exits 1 (got $rc)" [ $rc -eq 1 ]
	check "with the engine's 409 on stderr" grep -q "engine answered 409: Conflict.*already in use" "$TEST_TMP/dup.log"
	check "and nothing on stdout" [ ! -s "$TEST_TMP/dup.out" ]
	check "the refused launch is in the journal too, with the engine's words" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
t = recs[-1]["targets"][0]
assert recs[-1]["action"] == "launch" and t["id"] is None and "already in use" in t["result"], recs[-1]
' "$audit"
	"$SANDTOP" journal verify "$audit" >/dev/null
	check "and the journal verifies" [ $? -eq 0 ]
	printf 'memory = 1g\nenv = GITHUB_TOKEN=ghp_x\nprivileged = true\n' >"$TEST_TMP/bad.profile"
	tl_launch --profile "$TEST_TMP/bad.profile" "$p-bad" >/dev/null 2>"$TEST_TMP/bad.log"
	rc=$?
	check "a bad profile exits 2 (got $rc)" [ $rc -eq 2 ]
	check "FILE:LINE for the secret" grep -q "^$TEST_TMP/bad.profile:2: env 'GITHUB_TOKEN' looks like a secret" "$TEST_TMP/bad.log"
	check "FILE:LINE for the unknown key" grep -q "^$TEST_TMP/bad.profile:3: unknown key 'privileged'" "$TEST_TMP/bad.log"
	check "the secret's value is not echoed" bash -c "! grep -q ghp_x '$TEST_TMP/bad.log'"
	check "no container was made" bash -c "[ -z \"\$(docker ps -aq --filter name='^$p-bad\$')\" ]"
	docker network create "$p-ext" >/dev/null
	printf 'network = %s\n' "$p-ext" >"$TEST_TMP/ext.profile"
	tl_launch --profile "$TEST_TMP/ext.profile" "$p-ext1" >/dev/null 2>"$TEST_TMP/ext.log"
	rc=$?
	check "a network that is not internal exits 1 (got $rc)" [ $rc -eq 1 ]
	check "with the reason" grep -q "network $p-ext is not internal" "$TEST_TMP/ext.log"
	check "and no container" bash -c "[ -z \"\$(docker ps -aq --filter name='^$p-ext1\$')\" ]"
	tl_launch -H unix:///nonexistent/docker.sock "$p-x" >/dev/null 2>"$TEST_TMP/unreach.log"
	rc=$?
	check "an unreachable engine exits 3 (got $rc)" [ $rc -eq 3 ]
	tl_launch >/dev/null 2>"$TEST_TMP/noname.log"
	rc=$?
	check "no NAME exits 2 (got $rc)" [ $rc -eq 2 ]
}
t_launch_cleanup() {
	local p="tl-${RUN_ID}" ids
	ids=$(docker ps -aq --filter "name=^$p-")
	[ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
	docker network rm "$p-net" "$p-ext" >/dev/null 2>&1
	true
}
