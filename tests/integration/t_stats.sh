# t_stats.sh: resource numbers on the real engine: a CPU-capped busy loop, a known
# amount of memory, limits, and agreement with `docker stats --no-stream`.

stats_fixtures_up() { # $1 prefix
	docker run -d --name "$1-busy" --label sandtop.sandbox=1 --cpus 0.5 --pids-limit 100 \
		sandtop/mini:latest sh -c 'while :; do :; done' >/dev/null
	docker run -d --name "$1-mem" --label sandtop.sandbox=1 --memory 512m --tmpfs /mem:size=300m \
		sandtop/mini:latest sh -c 'dd if=/dev/zero of=/mem/x bs=1M count=200 2>/dev/null; exec sleep 600' >/dev/null
	docker run -d --name "$1-stopped" --label sandtop.sandbox=1 sandtop/mini:latest true >/dev/null
	sleep 2 # the busy loop reaches its cap, dd finishes
}
stats_fixtures_down() { docker rm -f "$1-busy" "$1-mem" "$1-stopped" >/dev/null 2>&1; }

# field NAME KEY < ps.json: the value (or null)
field() { jq -r --arg n "$1" --arg k "$2" '.[] | select(.name == $n) | .[$k]' "$3"; }
between() { python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if float(sys.argv[2]) <= v <= float(sys.argv[3]) else 1)" "$@"; }

stats_checks() { # $1 prefix, $2 ps.json, $3 source label
	local p=$1 j=$2 s=$3 v
	v=$(field "$p-busy" cpu_percent "$j"); note "$s: busy loop at --cpus 0.5: cpu_percent $v"
	check "$s: busy loop reads 45-55% CPU" between "$v" 45 55
	v=$(field "$p-busy" cpu_quota_percent "$j"); note "$s: cpu_quota_percent $v"
	check "$s: busy loop reads about 100% of its quota (90-110)" between "$v" 90 110
	v=$(field "$p-busy" pids_limit "$j")
	check "$s: pids_limit is 100 (got $v)" [ "$v" = 100 ]
	v=$(field "$p-busy" pids "$j")
	check "$s: pids counted (got $v)" between "$v" 1 5
	v=$(field "$p-mem" mem_bytes "$j"); note "$s: 200 MiB held in tmpfs: mem_bytes $v"
	check "$s: memory reads 200 MiB within 10%" between "$v" $((200 * 1048576 * 9 / 10)) $((200 * 1048576 * 11 / 10))
	v=$(field "$p-mem" mem_limit_bytes "$j")
	check "$s: mem_limit_bytes is 512 MiB (got $v)" [ "$v" = $((512 * 1048576)) ]
	v=$(field "$p-mem" cpu_quota_percent "$j")
	check "$s: no CPU limit gives a null quota share (got $v)" [ "$v" = null ]
	v=$(field "$p-stopped" cpu_percent "$j")
	check "$s: a stopped sandbox has null stats (got $v)" [ "$v" = null ]
	for k in net_rx_bytes net_tx_bytes blk_read_bytes blk_write_bytes; do
		v=$(field "$p-mem" "$k" "$j")
		check "$s: $k is a number (got $v)" between "$v" 0 1e15
	done
}

t_stats_ps_json() {
	local p="${RUN_ID}st"
	stats_fixtures_up "$p"
	"$SANDTOP" ps --json --stats -d 2 >"$TEST_TMP/cg.json" 2>"$TEST_TMP/cg.err"
	check "ps --stats exits 0" [ $? -eq 0 ]
	stats_checks "$p" "$TEST_TMP/cg.json" cgroup
	"$SANDTOP" ps --json --stats -d 2 --stats-source api >"$TEST_TMP/api.json" 2>"$TEST_TMP/api.err"
	check "ps --stats --stats-source api exits 0" [ $? -eq 0 ]
	stats_checks "$p" "$TEST_TMP/api.json" api
}
t_stats_ps_json_cleanup() { stats_fixtures_down "${RUN_ID}st"; }

# The same containers through `docker stats --no-stream`, read while ours
# sample: CPU within 7 points (different windows), memory within 5%,
# PIDs equal.
t_stats_agree_with_docker_stats() {
	local p="${RUN_ID}ds"
	stats_fixtures_up "$p"
	"$SANDTOP" ps --json --stats -d 2 >"$TEST_TMP/ours.json" &
	local ours=$!
	docker stats --no-stream --format '{{json .}}' "$p-busy" "$p-mem" >"$TEST_TMP/theirs.jsonl"
	wait $ours
	python3 - "$p" "$TEST_TMP/ours.json" "$TEST_TMP/theirs.jsonl" >"$TEST_TMP/cmp.log" 2>&1 <<'PY'
import json, re, sys
p, ours_f, theirs_f = sys.argv[1:]
ours = {c["name"]: c for c in json.load(open(ours_f))}
units = {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "kB": 1e3, "MB": 1e6, "GB": 1e9}
def size(s):
    m = re.match(r"([\d.]+)\s*([A-Za-z]+)", s.strip())
    return float(m.group(1)) * units[m.group(2)]
bad = 0
for line in open(theirs_f):
    t = json.loads(line)
    o = ours[t["Name"]]
    cpu_t = float(t["CPUPerc"].rstrip("%"))
    mem_t = size(t["MemUsage"].split("/")[0])
    pids_t = int(t["PIDs"])
    ok_cpu = abs(o["cpu_percent"] - cpu_t) <= 7
    ok_mem = abs(o["mem_bytes"] - mem_t) <= 0.05 * max(mem_t, 1) + 1024 * 1024
    ok_pids = o["pids"] == pids_t
    print(f'{t["Name"]}: cpu ours {o["cpu_percent"]:.2f} docker {cpu_t:.2f}; mem ours {o["mem_bytes"]} docker {mem_t:.0f}; pids ours {o["pids"]} docker {pids_t}')
    bad += not (ok_cpu and ok_mem and ok_pids)
sys.exit(1 if bad else 0)
PY
	local rc=$?
	while read -r l; do note "$l"; done <"$TEST_TMP/cmp.log"
	check "sandtop and docker stats agree (CPU ±7 points, memory ±5%, PIDs equal)" [ $rc -eq 0 ]
}
t_stats_agree_with_docker_stats_cleanup() { stats_fixtures_down "${RUN_ID}ds"; }

# The screen: the busy sandbox's row reads about 50% CPU, sorting by CPU puts
# it first, the filter narrows the list, and the detail pane shows history.
t_stats_screen() {
	local p="${RUN_ID}sc"
	stats_fixtures_up "$p"
	tui_start sc 200 60
	check "listed with numbers" wait_screen sc "$p-busy +[0-9a-f]+ .* running .* [0-9]+\.[0-9]" 10
	sleep 3
	local cpu
	cpu=$(cell_of sc "$p-busy" 'CPU%')
	note "busy row CPU% on screen: $cpu"
	check "the busy row shows 45-55% CPU" between "$cpu" 45 55
	check "the header has host totals" wait_screen sc 'host CPU [0-9.]+% of [0-9]+ cores' 2
	check "the status bar names the source" wait_screen sc 'cgroup v1|cgroup v2' 2
	# > until the header marks CPU%, as a person would, at most once per column
	local n
	for n in $(seq 12); do
		screen sc | grep -q 'CPU%[▲▼]' && break
		tm send-keys -t sc '>'
		sleep 0.2
	done
	check "sorting by CPU% is marked in the header" wait_screen sc 'CPU%▼' 2
	first_row_is_busy() { screen sc | sed -n '/NAME/{n;p;q}' | grep -q -- "$p-busy"; }
	sleep 0.3
	check "the busy sandbox sorts first" first_row_is_busy
	tm send-keys -t sc / && tm send-keys -t sc -l "$p-me" && tm send-keys -t sc Enter
	sleep 0.5
	only_mem() { screen sc | grep -q -- "$p-mem" && ! screen sc | grep -q -- "$p-busy"; }
	check "the filter keeps only the matching sandbox" only_mem
	tm send-keys -t sc Escape
	check "Esc clears the filter" wait_screen sc "$p-busy" 2
	tm send-keys -t sc Enter
	check "Enter opens the detail pane with sparklines" wait_screen sc 'CPU .*[▁▂▃▄▅▆▇█]' 3
}
t_stats_screen_cleanup() { stats_fixtures_down "${RUN_ID}sc"; }
