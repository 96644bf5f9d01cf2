#!/bin/bash
# sandbox-demo-agent: a stand-in for a computer-use agent: opens xterm windows, types into them, moves and closes them, gently.
#
# Uses xdotool through XTEST, like a real agent's "computer" tool. One small
# step every second or so keeps CPU use negligible while the screen changes.
set -u

W=${WIDTH:-1024}
H=${HEIGHT:-768}
STEP=${SANDBOX_DEMO_STEP:-1}     # seconds between actions
commands=("id" "date" "uname -a" "ls /" "echo hello from the demo agent" "ps -o pid,comm" "df -h /tmp")

trap 'kill $(jobs -p) 2>/dev/null' EXIT
trap 'exit 0' TERM INT

pause() { sleep "$STEP"; }
rand() { echo $((RANDOM % ($1 > 1 ? $1 : 1))); }

n=0
while :; do
	n=$((n + 1))
	title="agent task $n"
	xterm -title "$title" -geometry "64x14+$(rand $((W - 420)))+$(rand $((H - 220)))" >/dev/null 2>&1 &
	pid=$!
	wid=$(timeout 10 xdotool search --sync --limit 1 --name "^${title}\$" 2>/dev/null | head -n 1)
	if [ -z "$wid" ]; then
		kill "$pid" 2>/dev/null
		sleep 5 # X is gone or busy: back off
		continue
	fi
	pause
	xdotool windowactivate --sync "$wid" >/dev/null 2>&1 || xdotool windowfocus --sync "$wid" >/dev/null 2>&1
	for _ in 1 2; do
		xdotool type --delay 90 "${commands[$(rand ${#commands[@]})]}" 2>/dev/null
		xdotool key Return 2>/dev/null
		pause
	done
	for _ in 1 2 3; do
		xdotool windowmove "$wid" "$(rand $((W - 420)))" "$(rand $((H - 220)))" 2>/dev/null
		pause
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pause
done
