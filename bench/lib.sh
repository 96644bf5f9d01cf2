# shellcheck shell=bash disable=SC2034
# lib.sh: shared by the benchmarks (sourced, bash). Cheap sandboxes of the
# mini image, sandtop under a private tmux server, CPU snapshots.
#
# Environment:
#   SANDTOP   the binary to measure (default: ./sandtop of the checkout)
#   BENCH_KEEP_TMP=1  keep the work directory (snapshots, screens, logs)
#   BENCH_PREFIX      the sandboxes' names and set, PREFIX-1 .. PREFIX-N
#                     (default bench; another user's benchmark on the same
#                     engine picks its own)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SANDTOP=$(realpath "${SANDTOP:-$ROOT/sandtop}")
PROCSTAT="python3 $BENCH_DIR/procstat.py"
RUN_ID="b$$"
TMUX_SOCK="sandtop-bench-$$"
MINI=sandtop/mini:latest
PREFIX=${BENCH_PREFIX:-bench}
[[ $PREFIX =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] || { echo "bad BENCH_PREFIX: $PREFIX" >&2; exit 2; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8

WORK=$(mktemp -d /tmp/sandtop-bench.XXXXXX)
printf 'set -g status off\nset -g remain-on-exit off\n' >"$WORK/tmux.conf"

say() { printf '%s\n' "$*"; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

tm() { tmux -L "$TMUX_SOCK" -f "$WORK/tmux.conf" "$@"; }

bench_check() {
	[ -x "$SANDTOP" ] || die "no sandtop binary at $SANDTOP (build it, or set SANDTOP=)"
	command -v tmux >/dev/null || die "tmux missing (scripts/setup installs it)"
	curl -sf --unix-socket /var/run/docker.sock http://x/_ping >/dev/null ||
		die "no engine at /var/run/docker.sock (scripts/setup starts one)"
	"$ROOT/scripts/mini-image" >&2 || die "cannot build $MINI"
}

# True when this sandtop has the resource columns (-d/--delay).
# (the whole help read first: grep -q quitting early would SIGPIPE sandtop
# and fail the pipeline under pipefail)
sandtop_has_stats() { grep -q -- '--delay' <<<"$("$SANDTOP" --help 2>&1)"; }
# The interactive command line: -d 1 when the binary knows it.
sandtop_cmd() { # extra args...
	local d=()
	sandtop_has_stats && d=(-d "${BENCH_DELAY:-1}")
	printf '%q ' "$SANDTOP" "${d[@]}" --log "$WORK/sandtop-$1.log" "${@:2}"
}

dockerd_pid() { pgrep -x dockerd | head -1; }

# ---- sandboxes of the mini image ----
# mini_up FROM TO: start PREFIX-FROM .. PREFIX-TO (idle `sleep 3600`, no
# network), 8 `docker run` at a time.
mini_up() {
	seq "$1" "$2" | xargs -P 8 -I{} docker run -d --name "$PREFIX-{}" --network none \
		--label sandtop.sandbox=1 --label "sandtop.set=$PREFIX" --label "sandtop.bench=$RUN_ID" \
		--label sandtop.owner=bench --label sandtop.task=idle \
		"$MINI" sleep 3600 >/dev/null
}
# Ids of everything this run started (both kinds of sandbox carry the label set).
bench_ids() { docker ps -aq --filter "label=sandtop.bench=$RUN_ID"; }
bench_running() { docker ps -q --filter "label=sandtop.bench=$RUN_ID" --filter status=running | wc -l; }
bench_down() {
	local n
	n=$(bench_ids | wc -l)
	[ "$n" -gt 0 ] || return 0
	log "removing $n containers"
	bench_ids | xargs -r -n 10 -P 4 docker rm -f >/dev/null 2>&1 || true
}
# Leftovers of an earlier run that died without cleaning up: same names.
bench_leftovers() {
	local ids
	ids=$(docker ps -aq --filter "label=sandtop.set=$PREFIX" --filter label=sandtop.bench)
	[ -n "$ids" ] || return 0
	local owner alive=0
	# shellcheck disable=SC2086 # one id a word
	for owner in $(docker inspect -f '{{index .Config.Labels "sandtop.bench"}}' $ids | sort -u); do
		kill -0 "${owner#b}" 2>/dev/null && alive=1
	done
	[ "$alive" = 0 ] || die "another benchmark is running (containers labelled sandtop.set=$PREFIX)"
	log "removing $(wc -w <<<"$ids") leftover bench containers of a dead run"
	xargs -r -n 10 -P 4 docker rm -f <<<"$ids" >/dev/null 2>&1 || true
}
# Other sandboxes on the engine: they are in sandtop's list and cost the
# daemons something too, so the results say how many there were.
other_sandboxes() {
	docker ps -q --filter label=sandtop.sandbox | { grep -vxF -f <(bench_ids | cut -c1-12) || true; } | wc -l
}
wait_running() { # N TIMEOUT_S
	local t
	for ((t = 0; t < $2 * 2; t++)); do
		[ "$(bench_running)" -ge "$1" ] && return 0
		sleep 0.5
	done
	die "only $(bench_running) of $1 bench sandboxes running after $2 s"
}

# ---- tmux ----
# tui_start NAME W H COMMAND: COMMAND (a shell string) in a detached
# session; its pid is the pane's (exec), printed.
tui_start() {
	tm new-session -d -s "$1" -x "$2" -y "$3" "exec env TERM=tmux-256color $4"
	tm display-message -p -t "$1" '#{pane_pid}'
}
tui_stop() { tm kill-session -t "$1" 2>/dev/null || true; }
tmux_server_pid() { tm display-message -p '#{pid}' 2>/dev/null; }
screen() { tm capture-pane -p -t "$1"; }

bench_cleanup() {
	tm kill-server 2>/dev/null || true
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK" # the server leaves its socket
	bench_down
	if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then log "work files kept in $WORK"; else rm -rf "$WORK"; fi
}

# Header lines for a results file: when, where, what.
bench_header() {
	local ver
	ver=$("$SANDTOP" --version 2>/dev/null | head -1)
	say "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
	say "load:     $(cut -d' ' -f1-3 /proc/loadavg) (load average over 1, 5, 15 min, as the report is written)"
	say "machine:  $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(. /etc/os-release; echo "$PRETTY_NAME")"
	say "engine:   dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null), cgroup v$(docker info -f '{{.CgroupVersion}}' 2>/dev/null) ($(docker info -f '{{.CgroupDriver}}' 2>/dev/null))"
	say "sandtop:  ${ver:-?} ($SANDTOP, built $(date -u -r "$SANDTOP" '+%Y-%m-%d %H:%M UTC'));"
	say "          the checkout is at git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) ($(git -C "$ROOT" log -1 --format=%cd --date=format-local:'%Y-%m-%d %H:%M UTC' 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ', with uncommitted changes'))"
}
