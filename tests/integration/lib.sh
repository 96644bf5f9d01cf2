# lib.sh: helpers for the integration tests: a real engine, real sandboxes, sandtop under tmux.
# Sourced by tests/integration/run; every test is a shell function named t_*.

: "${SANDTOP:?path to the sandtop binary}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMUX_SOCK="sandtop-it-$$"
RUN_ID="it$$"
PASSED=0
FAILED=0
FAILS=()
export LANG=C.UTF-8 LC_ALL=C.UTF-8

note() { printf '    %s\n' "$*"; }
fail() { printf '    FAIL: %s\n' "$*"; CUR_FAILED=1; }
check() { # check "what" command...: one assertion
	local what=$1; shift
	if "$@"; then note "ok: $what"; else fail "$what"; fi
}

tm() { tmux -L "$TMUX_SOCK" "$@"; }
# Start sandtop in a detached tmux session NAME with size WxH and extra args,
# in $TEST_TMP, with the variables in $TUI_ENV ("COLORTERM=truecolor") set;
# its state (the default journal) goes under $TEST_TMP/state.
tui_start() {
	local name=$1 w=$2 h=$3; shift 3
	local log="$TEST_TMP/$name.log"
	tm new-session -d -s "$name" -x "$w" -y "$h" -c "$TEST_TMP" \
		"env LANG=C.UTF-8 TERM=tmux-256color XDG_STATE_HOME=$TEST_TMP/state ${TUI_ENV:-} $SANDTOP --log $log $*; echo sandtop-exited-\$?; sleep 30"
	tm set-option -t "$name" -g remain-on-exit on >/dev/null 2>&1 || true
}
# tui_listed NAME W H REGEX [ARGS...]: tui_start, then wait (10 s) until
# REGEX is on the screen; says "not listed" and returns 1 when it is not.
tui_listed() {
	local name=$1 w=$2 h=$3 re=$4
	shift 4
	tui_start "$name" "$w" "$h" "$@"
	wait_screen "$name" "$re" 10 || { fail "not listed"; return 1; }
}
screen() { tm capture-pane -p -t "$1"; }
screen_esc() { tm capture-pane -p -e -N -t "$1"; }
# wait_screen NAME REGEX [TIMEOUT_S]: until the screen matches; prints the
# time it took in ms into WAITED_MS. Returns 1 on timeout.
wait_screen() {
	local name=$1 re=$2 t=${3:-5}
	local start end
	start=$(date +%s%N)
	end=$((start + t * 1000000000))
	while :; do
		if screen "$name" | grep -Eq -- "$re"; then
			WAITED_MS=$((($(date +%s%N) - start) / 1000000))
			return 0
		fi
		[ "$(date +%s%N)" -gt "$end" ] && { WAITED_MS=-1; return 1; }
		sleep 0.05
	done
}
# key_latency NAME KEY REGEX: send KEY, poll the screen every 5 ms until it
# matches REGEX; the ms it took in LATENCY_MS (-1 after 2 s).
key_latency() {
	local name=$1 key=$2 re=$3 start now
	start=$(date +%s%N)
	tm send-keys -t "$name" "$key"
	while :; do
		if screen "$name" | grep -Eq -- "$re"; then
			LATENCY_MS=$((($(date +%s%N) - start) / 1000000))
			return 0
		fi
		now=$(date +%s%N)
		[ $((now - start)) -gt 2000000000 ] && { LATENCY_MS=-1; return 1; }
		sleep 0.005
	done
}
wait_screen_gone() { # until REGEX no longer matches
	local name=$1 re=$2 t=${3:-5}
	local start end
	start=$(date +%s%N)
	end=$((start + t * 1000000000))
	while screen "$name" | grep -Eq -- "$re"; do
		[ "$(date +%s%N)" -gt "$end" ] && { WAITED_MS=-1; return 1; }
		sleep 0.05
	done
	WAITED_MS=$((($(date +%s%N) - start) / 1000000))
}
# press SESSION KEYS WHAT REGEX [TIMEOUT_S]: send KEYS (tmux key names,
# split at spaces), then one check WHAT: the screen comes to match REGEX
# (within 5 s unless said). press_gone: until REGEX is gone from it.
# shellcheck disable=SC2086
press() { tm send-keys -t "$1" $2; check "$3" wait_screen "$1" "$4" "${5:-5}"; }
# shellcheck disable=SC2086
press_gone() { tm send-keys -t "$1" $2; check "$3" wait_screen_gone "$1" "$4" "${5:-5}"; }
# The screen line holding NAME.
row_of() { screen "$1" | grep -E -- "(^| )$2( |$)" | head -1; }
# cell_of SESSION NAME TITLE: the cell under the list's column TITLE in NAME's
# row, found by where the header puts the title (numbers sit right-aligned
# under theirs), so a column added elsewhere moves nothing here.
cell_of() {
	screen "$1" | python3 -c '
import re, sys
lines, name, title = sys.stdin.read().split("\n"), sys.argv[1], sys.argv[2]
head = next((l for l in lines if re.search(r"(^| )NAME", l)), "")
row = next((l for l in lines if re.search(r"(^| )" + re.escape(name) + r"( |$)", l)), "")
i = head.find(title)
if i < 0 or not row: sys.exit(1)
end = i + len(title) + (1 if head[i + len(title):i + len(title) + 1] in "▲▼" and head[i + len(title):i + len(title) + 1] else 0)
start = end - 1
while start > 0 and row[start - 1] != " ": start -= 1
stop = end
while stop < len(row) and row[stop] != " ": stop += 1
print(row[start:stop].strip())
' "$2" "$3"
}

sandboxes_up() { # sandboxes_up N PREFIX [scripts/sandboxes up flags, e.g. --wait]
	"$ROOT/scripts/sandboxes" up "$1" --prefix "$2" "${@:3}" >"$TEST_TMP/sandboxes-$2.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes-$2.log"; return 1; }
}
# minis_up HOST PREFIX SUFFIX...: sandtop/mini sandboxes PREFIX-SUFFIX
# (sleep 600, no network, labelled sandtop.sandbox=1 and sandtop.set=PREFIX)
# on the engine HOST; says "docker run" and returns 1 when one fails.
minis_up() {
	local host=$1 p=$2 s
	shift 2
	for s in "$@"; do
		docker -H "$host" run -d --name "$p-$s" --network none --label sandtop.sandbox=1 \
			--label "sandtop.set=$p" sandtop/mini:latest sleep 600 >/dev/null || { fail "docker run"; return 1; }
	done
}
sandboxes_down() { "$ROOT/scripts/sandboxes" down --prefix "$1" >/dev/null 2>&1 || true; }
# The same on another engine (scripts/sandboxes runs docker, which honours
# DOCKER_HOST; its network is created on that engine too).
sandboxes_up_on() { DOCKER_HOST=$1 sandboxes_up "${@:2}"; } # HOST N PREFIX [flags]
sandboxes_down_on() { DOCKER_HOST=$1 sandboxes_down "$2"; }  # HOST PREFIX

# ---- private engines (scripts/engine): a dockerd of the test's own ----------
# engine_start NAME [IMG...] [-- DOCKERD-ARG...]: start (or reuse) the
# private engine NAME with those images (default: the sandbox and mini
# images) and those extra dockerd arguments (scripts/engine start) and empty it (a test
# starts from no containers, whatever an earlier run left); its endpoint in
# ENGINE_HOST and ENGINE_HOSTS[NAME]. run_test stops it after the test (the
# data root stays: the images need no second load). scripts/engine's progress
# and timings go to $TEST_TMP/engine-NAME.log.
ENGINES_STARTED=()
declare -A ENGINE_HOSTS=()
engine_start() {
	local name=$1 log="$TEST_TMP/engine-$1.log" args=() imgs=() ids
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do imgs+=("$1"); shift; done
	[ ${#imgs[@]} -gt 0 ] && args=(--images "${imgs[@]}")
	args+=("$@")   # "--" and the dockerd arguments, if any
	ENGINES_STARTED+=("$name")
	ENGINE_HOST=$("$ROOT/scripts/engine" start "$name" "${args[@]}" 2>>"$log") ||
		{ tail -n 25 "$log"; return 1; }
	ENGINE_HOSTS[$name]=$ENGINE_HOST
	ids=$(docker -H "$ENGINE_HOST" ps -aq)
	if [ -n "$ids" ]; then
		# shellcheck disable=SC2086
		docker -H "$ENGINE_HOST" rm -f $ids >/dev/null 2>&1
	fi
	docker -H "$ENGINE_HOST" network prune -f >/dev/null 2>&1 || true
}
engine_stop() { "$ROOT/scripts/engine" stop "$1" >>"$TEST_TMP/engine-$1.log" 2>&1; }
engine_pid() { "$ROOT/scripts/engine" pid "$1" 2>/dev/null; } # the engine's dockerd
# Faults, by the dockerd's pid (never by name: the main dockerd is another one).
engine_freeze() { local p; p=$(engine_pid "$1") && kill -STOP "$p"; } # SIGSTOP
engine_thaw() { local p; p=$(engine_pid "$1") && kill -CONT "$p"; }   # SIGCONT
engine_kill9() { local p; p=$(engine_pid "$1") && kill -KILL "$p"; }  # SIGKILL
engines_cleanup() { # run_test calls it: stop what the test started
	local name
	for name in "${ENGINES_STARTED[@]}"; do
		"$ROOT/scripts/engine" stop "$name" >>"$TEST_TMP/engine-$name.log" 2>&1 || true
	done
	ENGINES_STARTED=()
	ENGINE_HOSTS=()
}

run_test() {
	local t=$1
	TEST_TMP=$(mktemp -d "/tmp/sandtop-it.XXXXXX")
	CUR_FAILED=0
	printf '== %s\n' "$t"
	local t0=$SECONDS
	"$t"
	local rc=$?
	[ $rc -ne 0 ] && [ $CUR_FAILED -eq 0 ] && fail "$t returned $rc"
	"${t}_cleanup" 2>/dev/null || true
	engines_cleanup
	tm kill-server 2>/dev/null || true
	# sandtop's stderr is its log while the screen is up: sanitizer reports land there
	if grep -lE 'runtime error|AddressSanitizer|LeakSanitizer' "$TEST_TMP"/*.log 2>/dev/null; then
		fail "a sanitizer reported an error (see the log above)"
	fi
	if [ $CUR_FAILED -eq 0 ]; then
		PASSED=$((PASSED + 1)); printf -- '-- %s: passed (%ss)\n' "$t" $((SECONDS - t0))
		rm -rf "$TEST_TMP"
	else
		FAILED=$((FAILED + 1)); FAILS+=("$t"); printf -- '-- %s: FAILED (logs in %s)\n' "$t" "$TEST_TMP"
		for f in "$TEST_TMP"/*.log; do [ -f "$f" ] && { echo "   --- $f (tail)"; tail -5 "$f" | sed 's/^/   /'; }; done
	fi
}
