# t_fleet: one sandtop for several engines, on three private dockerd instances of the test's own (scripts/engine): ps and ps --json over all of them, the screen's one list with the ENGINE column, the per-engine header lines and the engine:NAME filter; then one engine SIGSTOP'd: the others stay live on screen and its banner names it (its ping within seconds, its list's timeout later), ps names it and exits 3, and kill --all and F9 still kill every sandbox (the wedged local engine's through the kernel, its cgroups).

FL_ENGINES=(fleeta fleetb fleetc)
FL_NAMES=(fa fb fc)

# fl_tasks ENGINE ID...: the tasks left in those containers' cgroups on that engine.
fl_tasks() {
	local e=$1 id n=0 f
	shift
	for id in "$@"; do
		for f in /sys/fs/cgroup/freezer/sandtop-$e/$id/cgroup.procs /sys/fs/cgroup/sandtop-$e/$id/cgroup.procs \
			/sys/fs/cgroup/pids/sandtop-$e/$id/cgroup.procs; do
			[ -r "$f" ] && { n=$((n + $(wc -l <"$f"))); break; }
		done
	done
	echo "$n"
}
# fl_ids HOST NAME...: the full ids of those containers on that engine.
fl_ids() { local h=$1; shift; docker -H "$h" inspect -f '{{.Id}}' "$@"; }
# fl_running HOST NAME...: how many of them the engine says run.
fl_running() { local h=$1; shift; docker -H "$h" inspect -f '{{.State.Running}}' "$@" | grep -c true; }
# fl_json FILE PY: the python expression on d (the JSON of FILE) is true.
fl_json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }

t_fleet() {
	local p="fl${RUN_ID}" i h hosts=() cfg out rc t0 ms
	for i in 0 1 2; do
		engine_start "${FL_ENGINES[$i]}" sandtop/mini:latest || return 1
		hosts+=("$ENGINE_HOST")
	done
	minis_up "${hosts[0]}" "$p" a1 a2 || return 1
	minis_up "${hosts[1]}" "$p" b1 b2 || return 1
	minis_up "${hosts[2]}" "$p" c1 c2 || return 1
	cfg=$TEST_TMP/config
	printf 'engine %s %s\n' "${FL_NAMES[0]}" "${hosts[0]}" "${FL_NAMES[1]}" "${hosts[1]}" \
		"${FL_NAMES[2]}" "${hosts[2]}" >"$cfg"

	# ---- ps over three engines, named by -H ----
	"$SANDTOP" ps --no-config -H "${hosts[0]}" -H "${hosts[1]}" -H "${hosts[2]}" >"$TEST_TMP/ps.txt" 2>&1
	check "ps -H x3: exit 0" test $? -eq 0
	check "... an ENGINE column" grep -q "^NAME  *ENGINE  *ID" "$TEST_TMP/ps.txt"
	check "... the six sandboxes, each with its engine (the -H value)" test "$(grep -cE "^$p-(a[12] +${hosts[0]}|b[12] +${hosts[1]}|c[12] +${hosts[2]}) " "$TEST_TMP/ps.txt")" = 6
	"$SANDTOP" ps -c "$cfg" --json >"$TEST_TMP/ps.json"
	check "ps --json (the config's engines): exit 0" test $? -eq 0
	check "... six sandboxes, each with its engine's name from the config" fl_json "$TEST_TMP/ps.json" \
		"len(d) == 6 and all(x['engine'] == {'a': 'fa', 'b': 'fb', 'c': 'fc'}[x['name'][-2]] for x in d)"
	"$SANDTOP" ps -c "$cfg" -H fb --json >"$TEST_TMP/ps1.json"
	check "ps -H NAME: that engine only, its name in \"engine\"" fl_json "$TEST_TMP/ps1.json" \
		"sorted(x['name'][-2:] for x in d) == ['b1', 'b2'] and all(x['engine'] == 'fb' for x in d)"
	"$SANDTOP" ps --no-config -H "${hosts[2]}" >"$TEST_TMP/ps2.txt"
	check "ps with one engine: no ENGINE column" sh -c "! grep -q ENGINE '$TEST_TMP/ps2.txt'"

	# ---- the screen: one list of all ----
	tui_listed fl 220 40 "$p-c2" -c "$cfg" --engine-timeout 2 || return 1
	check "the screen: an ENGINE column" wait_screen fl "NAME.* ENGINE +ID" 5
	check "... each row with its engine" test "$(screen fl | grep -cE "^$p-(a[12] +fa|b[12] +fb|c[12] +fc) ")" = 6
	check "... a header line per engine: reachable, data age, version" \
		test "$(screen fl | grep -cE '^ f[abc]  online · 2 sandboxes · data [0-9]+s old · API [0-9.]+ Engine ')" = 3
	tm send-keys -t fl / && tm send-keys -t fl -l "engine:fb" && tm send-keys -t fl Enter
	check "engine:fb: its two sandboxes" wait_screen fl "filter engine:fb: 2 of 6" 5
	check "... and no other" sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t fl | grep -qE '^$p-(a|c)'"
	press fl Escape "Esc clears it" "^$p-a1 " 5

	# ---- fleetb wedged ----
	local bids
	bids=$(fl_ids "${hosts[1]}" "$p-b1" "$p-b2")
	engine_freeze "${FL_ENGINES[1]}" || { fail "SIGSTOP"; return 1; }
	t0=$(date +%s%N)
	note "dockerd $(engine_pid "${FL_ENGINES[1]}") of fb stopped (SIGSTOP)"
	minis_up "${hosts[0]}" "$p" a3 || return 1
	check "a sandbox started on a live engine appears" wait_screen fl "^$p-a3 +fa " 10
	note "it appeared $((($(date +%s%N) - t0) / 1000000)) ms after the SIGSTOP"
	check "the banner names the wedged engine within 15 s (its ping)" wait_screen fl "ENGINE fb NOT ANSWERING \\(no answer to a ping" 15
	note "the banner came $((($(date +%s%N) - t0) / 1000000)) ms after the SIGSTOP"
	check "... then its list times out: unreachable" wait_screen fl "ENGINE fb UNREACHABLE \\(retrying" 60
	note "unreachable $((($(date +%s%N) - t0) / 1000000)) ms after the SIGSTOP"
	check "... the live engines keep their lines" test "$(screen fl | grep -cE '^ f[ac]  online')" = 2
	"$SANDTOP" ps -c "$cfg" --engine-timeout 1 >"$TEST_TMP/psw.txt" 2>"$TEST_TMP/psw.err"
	check "ps with fb wedged: exit 3" test $? -eq 3
	check "... fb named on stderr" grep -q "engine fb did not answer within 1.0 s" "$TEST_TMP/psw.err"
	check "... the others' five listed" test "$(grep -cE "^$p-(a[123]|c[12]) " "$TEST_TMP/psw.txt")" = 5

	# kill --all with the three -H: every sandbox, fb's through its cgroups
	t0=$(date +%s%N)
	"$SANDTOP" kill --all --no-config -H "${hosts[0]}" -H "${hosts[1]}" -H "${hosts[2]}" --engine-timeout 1 --json \
		--journal "$TEST_TMP/journal.log" >"$TEST_TMP/kill.json" 2>"$TEST_TMP/kill.err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	note "kill --all returned $rc after $ms ms"
	check "kill --all, fb wedged: exit 0" test $rc -eq 0
	check "... within 10 s" test "$ms" -lt 10000
	check "... seven results, each ok and with its engine" fl_json "$TEST_TMP/kill.json" \
		"len(d['results']) == 7 and all(r['ok'] and r['engine_name'] == {'a': '${hosts[0]}', 'b': '${hosts[1]}', 'c': '${hosts[2]}'}[r['name'][-2]] for r in d['results'])"
	check "... fb's killed by the kernel, its engine silent" fl_json "$TEST_TMP/kill.json" \
		"[r['name'][-2:] for r in d['results'] if r['engine_name'] == '${hosts[1]}' and 'killed by the kernel' in r['kernel'] and r['engine'] == 'no answer'] and len([r for r in d['results'] if r['engine_name'] == '${hosts[1]}']) == 2"
	check "... the engines listed, fb not answering" fl_json "$TEST_TMP/kill.json" \
		"[e['answered'] for e in d['engines']] == [True, False, True]"
	# shellcheck disable=SC2086
	check "... no task left in fb's sandboxes" test "$(fl_tasks "${FL_ENGINES[1]}" $bids)" = 0
	check "... none left running on fa and fc" test "$(fl_running "${hosts[0]}" "$p-a1" "$p-a2" "$p-a3")$(fl_running "${hosts[2]}" "$p-c1" "$p-c2")" = 00
	check "... the stderr names fb and its records" grep -q "engine .*fleetb.*: the engine did not answer within 1000 ms: the sandboxes are taken from its records" "$TEST_TMP/kill.err"

	# F9 on the screen: new sandboxes on the live engines, killed with the rest
	minis_up "${hosts[0]}" "$p" a4 || return 1
	minis_up "${hosts[2]}" "$p" c3 || return 1
	check "the new ones show" wait_screen fl "^$p-c3 +fc .*running" 10
	wait_screen fl "^$p-a4 +fa .*running" 10
	tm send-keys -t fl F9
	check "F9 asks for the word" wait_screen fl "KILL SWITCH: kill all [0-9]+ .*type 'kill'" 5 || return 1
	tm send-keys -t fl -l kill && tm send-keys -t fl Enter
	check "kill-all on 3 engines, nothing failed" wait_screen fl "kill-all on [23] engines: [0-9]+ ok, 0 failed, 0 pending" 15
	check "... a4 and c3 killed by the kernel" wait_screen fl "fc/$p-c3: killed by the kernel" 5
	check "... a4 and c3 no longer run" test "$(fl_running "${hosts[0]}" "$p-a4")$(fl_running "${hosts[2]}" "$p-c3")" = 00
	screen fl | head -6 | cut -c1-150 | sed 's/^/    screen: /'
	engine_thaw "${FL_ENGINES[1]}"
	check "after SIGCONT fb's banner goes" wait_screen_gone fl "ENGINE fb (UNREACHABLE|NOT ANSWERING)" 60
	check "... and fb's sandboxes show exited" wait_screen fl "^$p-b1 +fb .*exited" 40
	tm send-keys -t fl q
	check "q quits (exit 0)" wait_screen fl "sandtop-exited-0" 5
}
t_fleet_cleanup() { local e; for e in "${FL_ENGINES[@]}"; do engine_thaw "$e" 2>/dev/null; done; true; }
