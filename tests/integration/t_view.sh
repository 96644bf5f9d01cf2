# t_view: the live desktop view and screenshots of real reference sandboxes (Xvfb + x11vnc reached through the exec tunnel).

PICTURES="$ROOT/tests/integration/pictures.py"
BLOCKS="255,0,0 0,255,0 0,0,255 255,255,255"

# open_view SESSION NAME: filter the list down to NAME (other sandboxes may
# be on the engine) and open its view.
open_view() {
	tm send-keys -t "$1" / && tm send-keys -t "$1" -l "$2" && tm send-keys -t "$1" Enter
	wait_screen "$1" "filter $2" 5
	tm send-keys -t "$1" v
}

# quiet_desktop NAME: the demo agent, the window manager and every window
# of NAME's desktop stopped (the pattern's brackets keep pkill -f from
# matching the shell that runs it).
# - The agent ends after its current xdotool step (bash runs its TERM trap
#   once the command in hand is done), which is waited for: an xdotool
#   killed with a key down leaves the X server repeating that key into
#   whatever has the focus (ci61 saw a test's terminal fill with 9s), and
#   one left running types into the next window (ci55's stray "t").
# - fluxbox gets SIGKILL: it shuts down from inside its SIGTERM handler,
#   which can hang (malloc or Xlib entered twice); a CI run saw its clock
#   stopped at the SIGTERM and no new window ever mapped.
quiet_desktop() {
	docker exec "$1" sh -c 'pkill -f "[s]andbox-demo-agent"
		for i in $(seq 50); do pgrep -f "[s]andbox-demo-agent" >/dev/null || break; sleep 0.1; done
		pkill -KILL -f "[s]andbox-demo-agent"; pkill -KILL -x xdotool
		pkill -KILL -x fluxbox; pkill -x xterm; pkill -x xlogo
		sleep 0.5; pkill -x xterm' >/dev/null 2>&1
}

# A known picture on NAME's 1024x768 desktop: the desktop quieted, four
# borderless xlogo windows with foreground = background fill the
# quadrants: red, green, blue, white.
paint_blocks() {
	local name=$1 try i seen=
	quiet_desktop "$name"
	for try in 1 2 3; do
		docker exec "$name" sh -c 'pkill xterm; pkill xlogo' >/dev/null 2>&1
		docker exec -d "$name" sh -c 'for g in "512x384+0+0 red" "512x384+512+0 #00ff00" "512x384+0+384 blue" "512x384+512+384 white"; do
			set -- $g; xlogo -geometry $1 -bg "$2" -fg "$2" -bw 0 & done; wait'
		# until the X server itself shows them (a late window could cover one)
		for i in $(seq 30); do
			sleep 0.2
			docker exec "$name" xwd -root -silent >"$TEST_TMP/blocks.xwd" 2>"$TEST_TMP/xwd.err" ||
				{ seen="xwd failed: $(head -c 200 "$TEST_TMP/xwd.err")"; continue; }
			seen=$(python3 "$PICTURES" xwd-quadrants "$TEST_TMP/blocks.xwd")
			[ "$seen" = "$BLOCKS" ] && return 0
		done
	done
	# what it saw, and what ran, for the one who reads the failure
	note "the desktop's quadrants: $seen (wanted $BLOCKS)"
	note "its processes: $(docker exec "$name" ps -eo pid,stat,comm 2>&1 | tr '\n' ' ' | head -c 600)"
	return 1
}

view_up() { # view_up PREFIX: one reference sandbox showing the blocks; its name in VIEW_NAME
	VIEW_NAME="$1-1"
	"$ROOT/scripts/sandboxes" up 1 --prefix "$1" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
	paint_blocks "$VIEW_NAME" || { fail "could not put the blocks on the desktop"; return 1; }
}

# wait_picture SESSION EXPECTED [TIMEOUT_S]: until the picture's quadrant
# colours are EXPECTED (or its box and colours: "box WxH+X+Y COLOURS");
# leaves the last answer in PICTURE.
wait_picture() {
	local name=$1 want=$2 t=${3:-10} i rows
	rows=$(tm display-message -p -t "$name" '#{pane_height}')
	for i in $(seq $((t * 10))); do
		screen_esc "$name" >"$TEST_TMP/dump.txt"
		PICTURE=$(python3 "$PICTURES" picture "$TEST_TMP/dump.txt" 2 $((rows - 1)))
		case " $PICTURE" in *" $want") return 0 ;; esac
		sleep 0.1
	done
	return 1
}


t_view_known_picture() {
	view_up "${RUN_ID}kp" || return 1
	TUI_ENV="COLORTERM=truecolor" tui_start tc 120 40
	wait_screen tc "$VIEW_NAME" 10 || { fail "sandbox not listed"; return 1; }
	open_view tc "$VIEW_NAME"
	check "the view says live with the desktop's size" wait_screen tc "live 1024x768" 10
	note "live after ${WAITED_MS} ms"
	# 1024x768 into 120x37 cells, aspect kept: 99x37 (one cell = 1 x 2 pixels of the fit)
	check "truecolor: the four blocks in their colours, 99x37 cells at column 10 ($BLOCKS)" \
		wait_picture tc "box 99x37+10+2 $BLOCKS"
	note "picture: $PICTURE"
	grep -q '38;2;\|48;2;' "$TEST_TMP/dump.txt" || fail "no 24-bit colour sequences in truecolor mode"
	press tc q "q leaves the view for the list" "NAME.*STATE" 5

	# the same in 256 colours (no COLORTERM): the cube has these four exactly
	TUI_ENV="" tui_start c256 120 40
	wait_screen c256 "$VIEW_NAME" 10
	open_view c256 "$VIEW_NAME"
	check "256 colours: the four blocks" wait_picture c256 "$BLOCKS"
	note "picture: $PICTURE"
	if grep -q '48;2;' "$TEST_TMP/dump.txt"; then fail "24-bit colour sent to a 256-colour terminal"; fi
}
t_view_known_picture_cleanup() { sandboxes_down "${RUN_ID}kp"; }

t_view_screenshot() {
	view_up "${RUN_ID}ss" || return 1
	local t0 ms
	t0=$(date +%s%N)
	check "sandtop screenshot exits 0" "$SANDTOP" screenshot "$VIEW_NAME" -o "$TEST_TMP/shot.png"
	ms=$((($(date +%s%N) - t0) / 1000000))
	note "screenshot took $ms ms"
	docker exec "$VIEW_NAME" xwd -root -silent >"$TEST_TMP/root.xwd"
	# x11vnc draws the pointer into its framebuffer; xwd does not: allow it
	local cmp
	cmp=$(python3 "$PICTURES" compare "$TEST_TMP/shot.png" "$TEST_TMP/root.xwd" 1024)
	check "the PNG equals the X server's own dump, pointer aside ($cmp)" test $? -eq 0
	check "a red pixel where the red block is" test "$(python3 "$PICTURES" png-pixel "$TEST_TMP/shot.png" 100 100)" = "255,0,0"

	# the view's key writes one into sandtop's working directory
	tui_start shot 120 40
	wait_screen shot "$VIEW_NAME" 10
	open_view shot "$VIEW_NAME"
	wait_screen shot "live 1024x768" 10
	press shot s "the view says where the screenshot went" "screenshot saved: sandtop-.*\\.png \\(1024x768\\)" 10
	local f
	f=$(ls "$TEST_TMP"/sandtop-*.png 2>/dev/null | head -1)
	check "the file is there and is a 1024x768 PNG" sh -c "file '$f' | grep -q 'PNG image data, 1024 x 768'"

	# failures: no desktop label, no such container, no engine
	docker run -d --name "${RUN_ID}ss-plain" --network none sandtop/mini:latest sleep 600 >/dev/null
	"$SANDTOP" screenshot "${RUN_ID}ss-plain" -o "$TEST_TMP/x.png" 2>"$TEST_TMP/err.txt"
	check "no sandtop.vnc label: exit 1" test $? -eq 1
	check "... saying so" grep -q "sandtop.vnc is missing" "$TEST_TMP/err.txt"
	"$SANDTOP" screenshot "${RUN_ID}nonesuch" -o "$TEST_TMP/x.png" 2>"$TEST_TMP/err.txt"
	check "no such container: exit 1" test $? -eq 1
	"$SANDTOP" screenshot "$VIEW_NAME" -o "$TEST_TMP/x.png" -H unix:///nonexistent.sock 2>/dev/null
	check "engine unreachable: exit 3" test $? -eq 3
	check "no file left by the failures" test ! -e "$TEST_TMP/x.png"
	"$SANDTOP" screenshot "$VIEW_NAME" 2>/dev/null
	check "no -o: usage error 2" test $? -eq 2
}
t_view_screenshot_cleanup() { sandboxes_down "${RUN_ID}ss"; docker rm -f "${RUN_ID}ss-plain" >/dev/null 2>&1; }

# no_stray SESSION WHAT: the list's rows hold no half block and no 24-bit
# colour (the pictures' marks; the list uses neither).
no_stray() {
	local rows out
	rows=$(tm display-message -p -t "$1" '#{pane_height}')
	screen_esc "$1" >"$TEST_TMP/stray.txt"
	out=$(python3 "$PICTURES" stray "$TEST_TMP/stray.txt" 0 "$rows")
	[ "${out%% *}" = 0 ] || { note "$2: picture cells left at ${out#* }"; return 1; }
}

# Leaving a picture erases it: the list after the view, the list after the
# wall, the wall after the view (the emitter writes behind curses' back).
t_view_leaves_nothing() {
	local p="wall-${RUN_ID}lv"
	"$ROOT/scripts/sandboxes" up 2 --prefix "$p" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
	paint_blocks "$p-1" || { fail "could not put the blocks on the desktop"; return 1; }
	TUI_ENV="COLORTERM=truecolor" tui_start lv 200 50
	wait_screen lv "$p-2" 10 || { fail "sandboxes not listed"; return 1; }
	tm send-keys -t lv / && tm send-keys -t lv -l "$p-" && tm send-keys -t lv Enter
	wait_screen lv "filter $p-" 5
	check "the list has no picture cells to begin with" no_stray lv "before"
	tm send-keys -t lv v
	check "v: the picture" wait_picture lv "$BLOCKS"
	press lv q "q: the list" "NAME.*STATE" 5
	sleep 0.5
	check "... with no half block or picture colour left in it" no_stray lv "view, q"
	press lv w "the wall: live tiles" "$p-2 .*live 1024x768" 15
	sleep 1
	tm send-keys -t lv Enter
	check "Enter: the view of the first tile" wait_picture lv "$BLOCKS"
	press lv q "q: back to the wall" "wall: 1-2 of 2" 5
	sleep 1
	# the first tile shows the blocks where the tile is; the view's
	# picture (larger, elsewhere) left nothing behind: the cells with a
	# colour below the tiles' titles (rows 3-48) are the tiles' pictures,
	# each one filled rectangle
	screen_esc lv >"$TEST_TMP/wall.txt"
	local tile
	tile=$(python3 "$PICTURES" picture "$TEST_TMP/wall.txt" 3 49 0 100)
	case $tile in *" $BLOCKS") note "ok: the first tile shows the blocks ($tile)" ;;
		*) fail "the first tile does not show the blocks: $tile" ;; esac
	python3 - "$TEST_TMP/wall.txt" "$PICTURES" <<'PY' >"$TEST_TMP/outside.txt"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("pictures", sys.argv[2])
pic = importlib.util.module_from_spec(spec); spec.loader.exec_module(pic)
st = {'fg': None, 'bg': None}
grid = [pic.cells_of_line(l, st) for l in open(sys.argv[1], encoding='utf-8', errors='replace').read().split('\n')]
# the boxes of picture cells per tile column (tiles are 100 wide here)
bad = []
for half in (range(0, 100), range(100, 200)):
    cells = [(r, c) for r in range(3, 49) for c in half if c < len(grid[r]) and grid[r][c][2] is not None]
    if not cells:
        continue
    y0, y1 = min(r for r, _ in cells), max(r for r, _ in cells)
    x0, x1 = min(c for _, c in cells), max(c for _, c in cells)
    # a picture is a filled rectangle: any hole or stray cell shows as a
    # box larger than its cells
    if (y1 - y0 + 1) * (x1 - x0 + 1) != len(cells):
        bad.append('%d..%d x %d..%d holds %d cells' % (x0, x1, y0, y1, len(cells)))
print('; '.join(bad))
PY
	check "each tile's picture is one clean rectangle ($(cat "$TEST_TMP/outside.txt"))" test ! -s "$TEST_TMP/outside.txt" -o "$(cat "$TEST_TMP/outside.txt")" = ""
	press lv q "q: the list" "NAME.*STATE" 5
	sleep 0.5
	check "... with nothing of the wall left in it" no_stray lv "wall, q"
}
t_view_leaves_nothing_cleanup() { sandboxes_down "wall-${RUN_ID}lv"; }

# The view's states on the real engine: frozen, paused, server restarted, stopped.
t_view_states() {
	view_up "${RUN_ID}st" || return 1
	tui_start st 120 40
	wait_screen st "$VIEW_NAME" 10 || { fail "sandbox not listed"; return 1; }
	open_view st "$VIEW_NAME"
	check "live" wait_screen st "live 1024x768" 10
	check "the blocks are on screen" wait_picture st "$BLOCKS"
	local started
	started=$(grep -c 'vnc: worker .* started' "$TEST_TMP/st.log")
	# sandtop's own pause: the kernel's freezer on this local engine (the
	# engine still says running; the screen knows it from the cgroup)
	"$SANDTOP" pause "$VIEW_NAME" --audit-log "$TEST_TMP/audit.log" --reason "t_view: freeze" >"$TEST_TMP/pause.out" 2>&1
	check "sandtop pause froze it ($(tail -1 "$TEST_TMP/pause.out"))" grep -q "frozen by the kernel" "$TEST_TMP/pause.out"
	check "a frozen sandbox's view says so" wait_screen st "frozen: showing the last picture" 5
	note "frozen shown after ${WAITED_MS} ms"
	sleep 6   # past the worker's stall detection and any retry the desk might make
	check "... still, and the picture stays (not blank)" wait_picture st "$BLOCKS" 2
	check "... and still says frozen" wait_screen st "frozen: showing the last picture" 1
	check "no worker was started while frozen" test "$(grep -c 'vnc: worker .* started' "$TEST_TMP/st.log")" -eq "$started"
	local t0
	t0=$(date +%s%N)
	"$SANDTOP" unpause "$VIEW_NAME" --audit-log "$TEST_TMP/audit.log" --reason "t_view: thaw" >/dev/null 2>&1
	check "thawed: live again within 5 s" wait_screen st "live 1024x768" 5
	note "live $((($(date +%s%N) - t0) / 1000000)) ms after the thaw was asked"
	# the engine's pause: the same, in its word; no raw engine text
	docker pause "$VIEW_NAME" >/dev/null 2>&1 || { sleep 1; docker pause "$VIEW_NAME" >/dev/null; }
	check "a paused sandbox's view says so" wait_screen st "paused: showing the last picture" 5
	note "paused shown after ${WAITED_MS} ms"
	tm send-keys -t st j
	check "keys still work while the desktop is frozen (help opens)" sh -c "tmux -L '$TMUX_SOCK' send-keys -t st '?' && sleep 0.5 && tmux -L '$TMUX_SOCK' capture-pane -p -t st | grep -q 'Everywhere'"
	tm send-keys -t st q
	sleep 5
	tm send-keys -t st v
	check "back in the view: still paused, the last picture shown" wait_picture st "$BLOCKS" 3
	check "... said in words (no 409, no full id)" sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t st | grep -q 'paused: showing the last picture' &&
		! tmux -L '$TMUX_SOCK' capture-pane -p -t st | grep -Eq '409|[0-9a-f]{64}|unpause the container'"
	check "no worker was started while paused" test "$(grep -c 'vnc: worker .* started' "$TEST_TMP/st.log")" -eq "$started"
	# a view opened while it is paused: said so, nothing tried (an exec
	# into a paused sandbox is the engine's 409)
	tui_start st2 120 40
	wait_screen st2 "$VIEW_NAME" 10
	open_view st2 "$VIEW_NAME"
	check "a fresh view of a paused sandbox says so" wait_screen st2 "paused: no picture until it runs again" 5
	sleep 5
	check "... and tried nothing in 5 s (no exec, no worker)" sh -c "! grep -Eq 'tunnel to|vnc: worker' '$TEST_TMP/st2.log'"
	tm kill-session -t st2
	t0=$(date +%s%N)
	docker unpause "$VIEW_NAME" >/dev/null
	check "unpaused: live again" wait_screen st "live 1024x768" 15
	note "live $((($(date +%s%N) - t0) / 1000000)) ms after docker unpause"
	# x11vnc dies (the entrypoint restarts it within a second): disconnected, then back.
	# SIGKILL, not pkill's SIGTERM: x11vnc's SIGTERM handler makes X calls
	# (XGetKeyboardControl) and, when the signal lands inside XSync, waits
	# forever on Xlib's lock (seen with gdb: the handler in _XReply, SIGTERM
	# blocked), so x11vnc never died, the view rightly said "stalled" and
	# this test failed now and then.
	check "x11vnc killed" docker exec "$VIEW_NAME" pkill -KILL -x x11vnc
	check "the server's death is shown with its reason" wait_screen st "disconnected: .*(closed|retry)" 10
	note "$(screen st | grep -o 'disconnected: .*' | head -1)"
	check "it reconnects by itself" wait_screen st "live 1024x768" 20
	note "live again after ${WAITED_MS} ms"
	docker stop -t 1 "$VIEW_NAME" >/dev/null
	check "a stopped sandbox says so" wait_screen st "sandbox is exited" 10
	local sp
	sp=$(pgrep -f "^$SANDTOP --log $TEST_TMP/st.log" | head -1)
	check "sandtop is running (pid ${sp:-none})" test -n "$sp"
	check "no worker is left under it" sh -c "! pgrep -P '$sp' >/dev/null"
}
t_view_states_cleanup() { sandboxes_down "${RUN_ID}st"; }

# Hostile VNC servers (tests/vnc/fake_rfb.py: faults the real x11vnc will
# not produce) behind sandboxes on the wall at once: each view shows why it
# died and retries; the list and every key keep answering fast.
t_view_hostile() {
	local modes="huge garbage stall good" m pids=()
	for m in $modes; do
		python3 "$ROOT/tests/vnc/fake_rfb.py" "$m" --variant 3 --unix "$TEST_TMP/$m.sock" --forever 1 --lifetime 120 \
			>"$TEST_TMP/fake-$m.out" 2>&1 &
		pids+=($!)
		docker run -d --name "${RUN_ID}hv-$m" --network none --label sandtop.sandbox=1 \
			--label "sandtop.vnc=unix:$TEST_TMP/$m.sock" sandtop/mini:latest sleep 600 >/dev/null
	done
	echo "${pids[*]}" >"$TEST_TMP/fake.pids"
	# the fake servers' sockets are in $TEST_TMP: the directory sandtop trusts
	tui_start hv 160 50 --vnc-socket-dir "$TEST_TMP"
	wait_screen hv "${RUN_ID}hv-stall" 10 || { fail "sandboxes not listed"; return 1; }
	# only these four on the wall (other sandboxes on the engine would take tiles)
	tm send-keys -t hv / && tm send-keys -t hv -l "${RUN_ID}hv-" && tm send-keys -t hv Enter
	wait_screen hv "filter ${RUN_ID}hv-" 5
	press hv w "good server: live" "live 64x48" 10
	# the tiles are narrow: the screen has the start, the log the whole reason
	check "huge ServerInit: refused, said so" wait_screen hv "disconnected: desktop 6" 10
	check "... with the whole reason in the log" grep -q "desktop 65535x65535 is larger than 4096x4096" "$TEST_TMP/hv.log"
	check "garbage rectangles: that view dies, said so" wait_screen hv "disconnected: unsupported or malformed message" 10
	check "a server stopping mid-message: read timeout" wait_screen hv "disconnected: read timeout" 15
	# latency while the hostile views keep failing and reconnecting
	local i worst=0 all=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		key_latency hv '?' "Everywhere" || { fail "help did not open within 2 s"; break; }
		all="$all $LATENCY_MS"; [ "$LATENCY_MS" -gt "$worst" ] && worst=$LATENCY_MS
		key_latency hv q "live 64x48" || { fail "the wall did not come back within 2 s"; break; }
		all="$all $LATENCY_MS"; [ "$LATENCY_MS" -gt "$worst" ] && worst=$LATENCY_MS
		sleep 0.2
	done
	note "key to screen (ms, 20 samples, ASan build when run by make check):$all"
	# a screen held up by the failing views would take seconds; the
	# latency itself moves with the machine's load (a key took 169 ms in
	# ci52, with a second test suite running): noted, not asserted
	check "every key reached the screen within 1 s (worst $worst ms)" test "$worst" -lt 1000
	check "sandtop still runs" sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t hv | grep -q sandtop-exited"
	check "nothing from the servers reached the log unsanitized" sh -c "! grep -q \$'\\x1b' '$TEST_TMP/hv.log'"
}
t_view_hostile_cleanup() {
	local m
	for m in huge garbage stall good; do docker rm -f "${RUN_ID}hv-$m" >/dev/null 2>&1; done
	[ -f "$TEST_TMP/fake.pids" ] && kill $(cat "$TEST_TMP/fake.pids") 2>/dev/null
	true
}

# tcp:PORT with the port published on 127.0.0.1: a container from the sandbox
# image whose x11vnc listens on its own interfaces (not the reference set-up,
# which keeps x11vnc on loopback for the exec tunnel).
t_view_tcp() {
	docker run -d --name "${RUN_ID}tcp-1" -p 127.0.0.1::5900 --label sandtop.sandbox=1 --label sandtop.vnc=tcp:5900 \
		--entrypoint sh sandtop/sandbox:latest -c \
		'Xvfb :7 -screen 0 640x480x24 -nolisten tcp & sleep 1; exec x11vnc -display :7 -rfbport 5900 -forever -shared -nopw -quiet' >/dev/null
	local port
	port=$(docker port "${RUN_ID}tcp-1" 5900/tcp | head -1)
	note "published on $port"
	tui_start tcp 120 40
	wait_screen tcp "${RUN_ID}tcp-1" 10 || { fail "not listed"; return 1; }
	open_view tcp "${RUN_ID}tcp-1"
	check "the view reaches the published port: live 640x480" wait_screen tcp "live 640x480" 15
	grep -q -- "--tcp 127.0.0.1:${port##*:}" "$TEST_TMP/tcp.log" && note "ok: the worker was given 127.0.0.1:${port##*:}" ||
		fail "the log does not show the worker connecting to the published port"
}
t_view_tcp_cleanup() { docker rm -f "${RUN_ID}tcp-1" >/dev/null 2>&1; }

# Takeover: asked first (default no), shown in red, keys reach the desktop,
# C-] gives them back.
t_view_takeover() {
	VIEW_NAME="${RUN_ID}to-1"
	"$ROOT/scripts/sandboxes" up 1 --prefix "${RUN_ID}to" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
	# no window manager: keys go to the window under the pointer (the
	# screen's centre), a full-screen xterm that writes one line to a file
	quiet_desktop "$VIEW_NAME"
	docker exec -d "$VIEW_NAME" xterm -geometry 170x58+0+0 -e sh -c 'read l; echo "$l" > /tmp/takeover.txt; sleep 60'
	sleep 1.5
	tui_start to 120 40
	wait_screen to "$VIEW_NAME" 10 || { fail "not listed"; return 1; }
	open_view to "$VIEW_NAME"
	wait_screen to "live 1024x768" 10
	press to T "takeover asks first" "Take over the desktop of $VIEW_NAME\\? .*\\(y/N\\)" 5
	press to Enter "Enter cancels (the default)" "cancelled" 5
	check "... and no TAKEOVER banner" sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t to | grep -q 'TAKEOVER:'"
	tm send-keys -t to T
	wait_screen to "\\(y/N\\)" 5
	press to y "y starts it, shown on the bottom line" "TAKEOVER: your keys and mouse go to the sandbox's desktop" 5
	sleep 0.5 # the view reconnects with input allowed
	wait_screen to "live 1024x768" 10
	check "... and in reverse red (alert colour)" sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -e -t to | grep 'TAKEOVER:' | grep -q '\\[7m\\|;7m\\|7;'"
	tm send-keys -t to -l "hello from takeover"
	tm send-keys -t to Enter
	local i got=""
	for i in $(seq 50); do
		got=$(docker exec "$VIEW_NAME" cat /tmp/takeover.txt 2>/dev/null) && [ -n "$got" ] && break
		sleep 0.1
	done
	check "the typed line reached the desktop's terminal ('$got')" test "$got" = "hello from takeover"
	tm send-keys -t to q
	sleep 0.3
	check "q went to the desktop, not to sandtop (still in takeover)" wait_screen to "TAKEOVER:" 2
	tm send-keys -t to C-]
	check "C-] gives the keys back" wait_screen to "takeover ended: released with C-\\]" 5
	press to q "q is sandtop's again (back to the list)" "NAME.*STATE" 5
	check "the log has the start and the end" sh -c "grep -q 'takeover started' '$TEST_TMP/to.log' && grep -q 'takeover of .* ended' '$TEST_TMP/to.log'"
	check "so has the operator journal" sh -c "grep -q '\"action\":\"takeover_start\"' '$TEST_TMP/state/sandtop/audit.log' && grep -q '\"action\":\"takeover_end\".*released with C-' '$TEST_TMP/state/sandtop/audit.log'"
}
t_view_takeover_cleanup() { sandboxes_down "${RUN_ID}to"; }
