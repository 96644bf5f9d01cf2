# t_pixels: the large view in real pixels in real terminals (sixel images in xterm, kitty graphics in kitty, on an Xvfb of the test's own), and in a slow terminal.

SLOWTERM="$ROOT/tests/integration/slowterm.py"

# A desktop of fine, still detail: the desktop quieted, one xterm as wide
# as the desktop showing a listing.
# The desktop's own dump (the reference) in $TEST_TMP/desk.xwd.
paint_text() {
	quiet_desktop "$1"
	docker exec -d "$1" xterm -geometry 170x59+0+0 -e sh -c 'ls -l /usr/bin | head -58; exec sleep 3600'
	desk_settled "$1"
}
# desk_settled NAME: until two dumps of the desktop half a second apart
# agree and show something white (the terminal); the dump in $TEST_TMP/desk.xwd.
desk_settled() {
	local i
	for i in $(seq 20); do
		sleep 0.5
		docker exec "$1" xwd -root -silent >"$TEST_TMP/desk-a.xwd" 2>/dev/null || continue
		sleep 0.5
		docker exec "$1" xwd -root -silent >"$TEST_TMP/desk.xwd" 2>/dev/null || continue
		cmp -s "$TEST_TMP/desk-a.xwd" "$TEST_TMP/desk.xwd" &&
			python3 "$PICTURES" xwd-quadrants "$TEST_TMP/desk.xwd" | grep -q 255,255,255 && return 0
	done
	return 1
}

# The test's Xvfb (started once); DISPLAY names it. It tries the displays
# in use first (other tests', the machine's): under load that takes seconds.
# -noreset: an X server resets when its last client leaves (here the
# xdotool that checks it answers) and refuses connections meanwhile; a
# terminal started then could not open the display (ci72's t_view_sixel,
# an earlier run's kitty).
xvfb_up() {
	local i
	[ -n "${XV_PID:-}" ] && return 0
	Xvfb -displayfd 3 -screen 0 1000x700x24 -nolisten tcp -noreset 3>"$TEST_TMP/display" >"$TEST_TMP/xvfb.log" 2>&1 &
	XV_PID=$!
	for i in $(seq 300); do [ -s "$TEST_TMP/display" ] && break; sleep 0.1; done
	[ -s "$TEST_TMP/display" ] || { fail "Xvfb named no display within 30 s"; return 1; }
	export DISPLAY=":$(cat "$TEST_TMP/display")"
	for i in $(seq 300); do xdotool getdisplaygeometry >/dev/null 2>&1 && return 0; sleep 0.1; done
	fail "Xvfb named display $DISPLAY but a client could not open it within 30 s"
	return 1
}
# alive PID: the process runs (a child that exited stays a zombie until waited for)
alive() {
	local s
	s=$(awk '$1 == "State:" {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -n "$s" ] && [ "$s" != Z ]
}
# term_found INNER_BORDER [retry]: the window of the terminal XT_PID (120x40
# cells): its id in XT_WID, one cell's height in pixels in XT_CH, the width
# in XT_W, the border inside the window in XT_PAD; then focused. With
# retry, a terminal that exited without a window returns 2 and fails
# nothing: the caller starts it again.
term_found() {
	local i geo=""
	XT_PAD=$1
	XT_WID=""
	for i in $(seq 100); do   # kitty makes windows of its own before its terminal's
		XT_WID=$(xdotool search --onlyvisible --pid "$XT_PID" 2>/dev/null | head -1)
		[ -n "$XT_WID" ] && geo=$(xdotool getwindowgeometry --shell "$XT_WID" 2>/dev/null) && break
		alive "$XT_PID" || break
		sleep 0.1
	done
	if [ -z "$geo" ]; then
		alive "$XT_PID" && { fail "no terminal window"; return 1; }
		[ "${2:-}" = retry ] && return 2
		fail "no terminal window: the terminal exited"
		return 1
	fi
	eval "$geo"
	XT_W=$WIDTH
	XT_CH=$(((HEIGHT - 2 * XT_PAD) / 40))
	xdotool windowfocus --sync "$XT_WID" 2>/dev/null || true
}
# xterm_up NAME XTERM_ARGS ENV...: sandtop in a real xterm of 120x40 cells
# on the test's Xvfb, its log $TEST_TMP/NAME.log (term_found's variables).
xterm_up() {
	local name=$1 xargs=$2; shift 2
	xvfb_up || return 1
	# shellcheck disable=SC2086
	xterm $xargs -bw 0 -geometry 120x40+0+0 -bg '#203040' -fg white -xrm 'XTerm*allowSendEvents: true' \
		-e env LANG=C.UTF-8 XDG_STATE_HOME="$TEST_TMP/state" "$@" "$SANDTOP" --log "$TEST_TMP/$name.log" &
	XT_PID=$!
	term_found 2 || return 1
	XT_KEYS="--window $XT_WID"   # xterm takes the keys sent to its window
}
# kitty_up NAME ENV...: the same in a real kitty (no configuration of the
# user's, no padding), which draws with OpenGL: Mesa's software renderer
# on Xvfb. It takes keys from the X server's own input (XTEST), the window
# focused. A kitty that exits before its window (it runs sandtop only in
# its window) is started once more, with what it said noted: in one CI run
# a kitty could not open the test's display 0.7 s after Xvfb named it
# (GLFW: "Failed to open display :0"; the server's reset, see xvfb_up).
kitty_up() {
	local name=$1 try rc; shift
	xvfb_up || return 1
	for try in retry last; do
		kitty --config NONE -o remember_window_size=no -o initial_window_width=120c -o initial_window_height=40c \
			-o window_padding_width=0 -o font_size=9 -o background='#203040' -o foreground=white \
			-o confirm_os_window_close=0 \
			env LANG=C.UTF-8 XDG_STATE_HOME="$TEST_TMP/state" "$@" "$SANDTOP" --log "$TEST_TMP/$name.log" \
			>"$TEST_TMP/kitty.log" 2>&1 &
		XT_PID=$!
		XT_KEYS=""
		term_found 0 "$try"
		rc=$?
		[ "$rc" = 2 ] || return "$rc"
		wait "$XT_PID"
		note "kitty exited without a window ($(head -c 300 "$TEST_TMP/kitty.log" | tr '\n' ' ')); a client opens $DISPLAY now: $(xdotool getdisplaygeometry 2>&1); kitty started again"
	done
}
# term_view NAME SANDBOX xterm|kitty ARGS...: xterm_up or kitty_up, then the
# keys a person presses to open SANDBOX's view: filter down to it, v.
term_view() {
	local name=$1 box=$2 term=$3; shift 3
	"${term}_up" "$name" "$@" || return 1
	sleep 1
	xkeys "/$box"; xkey Return; sleep 0.5; xkeys v
}
xterm_down() { [ -n "${XT_PID:-}" ] && kill "$XT_PID" 2>/dev/null; wait "$XT_PID" 2>/dev/null; XT_PID=""; }
# shellcheck disable=SC2086
xkeys() { xdotool type $XT_KEYS --delay 30 "$1"; }
# shellcheck disable=SC2086
xkey() { xdotool key $XT_KEYS "$1"; }

# xterm_picture ROW0 ROW1: the picture in cell rows [ROW0, ROW1) of the
# terminal against the desktop: FIDELITY holds "box WxH+X+Y mae N" or "no picture".
xterm_picture() {
	xwd -root -silent >"$TEST_TMP/screen.xwd"
	FIDELITY=$(python3 "$PICTURES" fidelity "$TEST_TMP/screen.xwd" "$TEST_TMP/desk.xwd" \
		"$XT_PAD" $((XT_PAD + $1 * XT_CH)) $((XT_W - XT_PAD)) $((XT_PAD + $2 * XT_CH)))
}
# until a picture is in the view's rows (2 .. 38) and has had 2 s to settle
xterm_wait_picture() {
	local i
	for i in $(seq 40); do
		xwd -root -silent >"$TEST_TMP/screen.xwd"
		if python3 "$PICTURES" fidelity "$TEST_TMP/screen.xwd" - "$XT_PAD" $((XT_PAD + 2 * XT_CH)) \
			$((XT_W - XT_PAD)) $((XT_PAD + 39 * XT_CH)) | grep -q "^box"; then
			sleep 2
			xterm_picture 2 39
			return 0
		fi
		sleep 0.25
	done
	return 1
}

# pixels_follow_and_go SANDBOX: with its view in real pixels on screen, a
# change in one part of the desktop: only what changed is written again,
# at its place, and the picture follows; then q: the list, and nothing of
# the picture is left.
pixels_follow_and_go() {
	docker exec -d "$1" xlogo -geometry 200x150+600+400 -bg red -fg yellow -bw 0
	check "a window opened on the desktop" desk_settled "$1"
	sleep 2
	xterm_picture 2 39
	note "after the change: $FIDELITY"
	check "the picture follows the change (mean error under 2: ${FIDELITY##* })" \
		python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 2 else 1)" "${FIDELITY##* }"
	xkeys q
	sleep 1
	xterm_picture 5 39
	check "q: the list, with nothing of the picture left below its rows ($FIDELITY)" \
		test "$FIDELITY" = "no picture"
}

# In a terminal that shows sixel images (xterm as a VT340), the large view
# draws the desktop in real pixels: much closer to the desktop than the
# half blocks the same xterm gets when it does not list sixel (a VT420,
# with 24-bit colour), and leaving the view leaves nothing behind.
t_view_sixel() {
	"$ROOT/scripts/sandboxes" up 1 --prefix "${RUN_ID}px" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
	local name="${RUN_ID}px-1" mae_px mae_cells
	paint_text "$name" || { fail "could not put still text on the desktop"; return 1; }

	term_view px "$name" xterm "-ti vt340" TERM=xterm-256color || return 1
	check "the view draws a picture in the xterm" xterm_wait_picture
	note "sixel: $FIDELITY"
	check "sandtop asked and heard that the terminal shows sixel images, and its 1024 colour registers" \
		grep -q "the terminal shows sixel images; 1024 colour registers" "$TEST_TMP/px.log"
	mae_px=${FIDELITY##* }
	pixels_follow_and_go "$name"
	xterm_down

	term_view cells "$name" xterm "-ti vt420" TERM=xterm-256color COLORTERM=truecolor || return 1
	check "a terminal without sixel: the view draws half blocks" xterm_wait_picture
	note "half blocks: $FIDELITY"
	check "... and sandtop heard it does not list sixel" \
		grep -q "does not list sixel images" "$TEST_TMP/cells.log"
	mae_cells=${FIDELITY##* }
	xterm_down
	note "mean error per colour channel against the desktop: sixel $mae_px, half blocks $mae_cells"
	check "real pixels are at least twice as close to the desktop as half blocks" \
		python3 -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(0 if a * 2 <= b and a < 12 else 1)" \
		"$mae_px" "${mae_cells:-0}"
}
# the terminal and the test's Xvfb stopped, the sandboxes PREFIX-* removed
term_cleanup() {
	xterm_down
	[ -n "${XV_PID:-}" ] && kill "$XV_PID" 2>/dev/null
	XV_PID=""
	unset DISPLAY
	sandboxes_down "$1"
}
t_view_sixel_cleanup() { term_cleanup "${RUN_ID}px"; }

# In kitty, which answers kitty's graphics query (and lists no sixel), the
# large view draws the desktop in kitty graphics: every pixel the worker
# made, as it is (no palette), changes as edits of the image in place, and
# leaving the view deletes the image (kitty keeps an image over the text
# written under it until it is told).
t_view_kitty() {
	"$ROOT/scripts/sandboxes" up 1 --prefix "${RUN_ID}kt" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
	local name="${RUN_ID}kt-1"
	paint_text "$name" || { fail "could not put still text on the desktop"; return 1; }
	term_view kt "$name" kitty || return 1
	check "the view draws a picture in kitty" xterm_wait_picture
	note "kitty graphics: $FIDELITY"
	check "sandtop asked and heard that the terminal shows kitty graphics" \
		grep -q "the terminal does not list sixel images; .*kitty graphics: shown" "$TEST_TMP/kt.log"
	check "every pixel as the desktop's own, box-downscaled (mean error under 1: ${FIDELITY##* })" \
		python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1 else 1)" "${FIDELITY##* }"
	pixels_follow_and_go "$name"
	xterm_down
}
t_view_kitty_cleanup() { term_cleanup "${RUN_ID}kt"; }

# freezer_file PID: the file that says whether PID's cgroup is frozen
# (v1: freezer.state, FROZEN; v2: cgroup.freeze, 1).
freezer_file() {
	local p
	p=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$1/cgroup")
	if [ -n "$p" ]; then
		echo "/sys/fs/cgroup/freezer$p/freezer.state"
	else
		echo "/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")/cgroup.freeze"
	fi
}

# A slow terminal (tests/integration/slowterm.py takes the output at 5 KB/s,
# the pace of a thin link; no real terminal can be made that slow on
# purpose) with the large view in kitty graphics on a desktop that scrolls:
# each picture takes seconds to go out. The screen reads keys meanwhile (p,
# y pauses the sandbox at once, not once the picture is out), writes
# nothing into the middle of an image, and q q ends it, the last picture
# finished or cut off at a string terminator.
t_view_slow_terminal() {
	"$ROOT/scripts/sandboxes" up 1 --prefix "${RUN_ID}sl" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; return 1; }
	local name="${RUN_ID}sl-1" keys="$TEST_TMP/keys" out="$TEST_TMP/out" t0 ms i state
	quiet_desktop "$name"
	state=$(freezer_file "$(docker inspect -f '{{.State.Pid}}' "$name")")
	docker exec -d "$name" xterm -geometry 170x59+0+0 -e sh -c 'while :; do ls -l /usr/bin; done'
	mkfifo "$keys"
	python3 "$SLOWTERM" 5000 120 40 8 16 "$out" "$keys" -- env TERM=xterm-256color LANG=C.UTF-8 \
		XDG_STATE_HOME="$TEST_TMP/state" "$SANDTOP" --pixels kitty --log "$TEST_TMP/sl.log" &
	SL_PID=$!
	sleep 2
	printf '/%s\r' "$name" >"$keys"
	sleep 1
	printf v >"$keys"
	for i in $(seq 100); do grep -qa "_Ga=T" "$out" && break; sleep 0.1; done
	check "the view sends kitty images" grep -qa "_Ga=T" "$out"
	sleep 3   # the desktop scrolls faster than 5 KB/s carry its pictures
	printf p >"$keys"
	sleep 0.5
	t0=$(date +%s%N)
	printf y >"$keys"
	for i in $(seq 1000); do grep -qxE 'FROZEN|1' "$state" && break; sleep 0.01; done
	ms=$((($(date +%s%N) - t0) / 1000000))
	note "frozen ${ms} ms after the y; $(wc -c <"$out") bytes reached the terminal so far"
	check "p, y: the sandbox paused (the kernel's freezer) within 1 s, while pictures were still going out (${ms} ms)" \
		sh -c "grep -qxE 'FROZEN|1' '$state' && [ $ms -lt 1000 ]"
	printf p >"$keys"
	sleep 0.5
	printf y >"$keys"   # unpaused, so that quitting does not ask
	sleep 1
	printf q >"$keys"
	sleep 0.5
	printf q >"$keys"
	for i in $(seq 200); do kill -0 "$SL_PID" 2>/dev/null || break; sleep 0.1; done
	check "q q: sandtop ended within 20 s" sh -c "! kill -0 $SL_PID 2>/dev/null"
	check "every image in the output is closed before anything else" python3 "$SLOWTERM" check-images "$out"
}
t_view_slow_terminal_cleanup() {
	# sandtop (slowterm's child), then slowterm
	[ -n "${SL_PID:-}" ] && { pkill -P "$SL_PID"; kill "$SL_PID"; } 2>/dev/null
	SL_PID=""
	sandboxes_down "${RUN_ID}sl"
}
