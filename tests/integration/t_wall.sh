# t_wall: the wall fills the screen (tiles counted against the layout), its size keys, paging that keeps the workers of tiles seen before, and the mouse in the list and the wall.

# Reference sandboxes (Xvfb + x11vnc) are heavy on 2 cores: the wall's
# count of tiles is tested with a few of them among mini sandboxes (no
# desktop: their tiles say so).
wall_ref() { # wall_ref NAME: a reference sandbox, desktop reached through an exec
	docker run -d --name "$1" --network none --memory 1g --pids-limit 512 --label sandtop.sandbox=1 \
		--label sandtop.vnc=exec:5900 sandtop/sandbox:latest >/dev/null
}
wall_mini() { # wall_mini NAME: a sandbox without a desktop
	docker run -d --name "$1" --network none --label sandtop.sandbox=1 sandtop/mini:latest sleep 3600 >/dev/null
}
wall_healthy() { # wall_healthy NAME...: until every one is healthy (60 s)
	local i bad
	for i in $(seq 120); do
		bad=$(docker inspect -f '{{.State.Health.Status}}' "$@" | grep -vc '^healthy$')
		[ "$bad" -eq 0 ] && return 0
		sleep 0.5
	done
	return 1
}
# wall_tiles SESSION: how many tiles are on screen (their titles start
# with the set's name; the bottom line's filter is left out)
wall_tiles() { screen "$1" | head -n -1 | grep -o "$WALL_SET-[0-9][0-9]*" | wc -l; }
# wall_expect SESSION N [COLS LINES]: the tiles a COLS x LINES screen
# (200x50) holds at the size its header states (WxH cells a tile, gap and
# title included): as many across as COLS / W and down as the rows left by
# the top bar, the wall's header and the bottom bar (LINES - 3) / H, at
# most the N sandboxes listed. WALL_W, WALL_H, WALL_N, WALL_ACROSS.
wall_expect() {
	local size w h e cols=${3:-200} lines=${4:-50}
	size=$(screen "$1" | grep -o 'tiles [0-9]*x[0-9]*' | head -1)
	size=${size#tiles }
	w=${size%x*} h=${size#*x}
	e=$(((cols / w) * ((lines - 3) / h)))
	[ "$e" -gt "$2" ] && e=$2
	WALL_W=$w WALL_H=$h WALL_N=$e WALL_ACROSS=$((cols / w))
}
workers_started() { grep -c 'vnc: worker .* started' "$TEST_TMP/$1.log"; }
# until every NAME's tile says live (T s); the ms it took in WAITED_MS
wall_live() {
	local s=$1 t=$2 start n ok
	shift 2
	start=$(date +%s%N)
	while :; do
		ok=1
		for n in "$@"; do screen "$s" | grep -Eq "$n +live 1024x768" || ok=0; done
		[ $ok = 1 ] && { WAITED_MS=$((($(date +%s%N) - start) / 1000000)); return 0; }
		[ $((($(date +%s%N) - start) / 1000000)) -gt $((t * 1000)) ] && { WAITED_MS=-1; return 1; }
		sleep 0.05
	done
}

t_wall_fill_and_page() {
	WALL_SET="wall-${RUN_ID}f"
	local i n refs=("$WALL_SET-01" "$WALL_SET-02" "$WALL_SET-23")
	for i in $(seq -w 1 23); do
		n="$WALL_SET-$i"
		case " ${refs[*]} " in *" $n "*) wall_ref "$n" ;; *) wall_mini "$n" ;; esac || { fail "docker run $n"; return 1; }
	done
	wall_healthy "${refs[@]}" || { fail "reference sandboxes not healthy"; return 1; }
	TUI_ENV="COLORTERM=truecolor" tui_start wf 200 50
	wait_screen wf "$WALL_SET-01" 10 || { fail "not listed"; return 1; }
	tm send-keys -t wf / && tm send-keys -t wf -l "$WALL_SET-" && tm send-keys -t wf Enter
	wait_screen wf "filter $WALL_SET-: 23 of" 5 || { fail "filter"; return 1; }
	press wf "Home w" "the wall" "wall: 1-[0-9]+ of 23" 5
	wall_expect wf 23
	check "$WALL_N tiles of ${WALL_W}x$WALL_H fill 200x50 ($(wall_tiles wf) on screen)" test "$(wall_tiles wf)" -eq "$WALL_N"
	check "... and the header says 1-$WALL_N of 23" wait_screen wf "wall: 1-$WALL_N of 23 " 1
	local first=$WALL_N
	check "mini sandboxes' tiles say there is no desktop" wait_screen wf "no desktop" 5
	check "the reference tiles on this page go live" wall_live wf 20 "$WALL_SET-01" "$WALL_SET-02"
	note "both live after ${WAITED_MS} ms"
	check "two workers (the two desktops on screen)" test "$(workers_started wf)" -eq 2

	# page down: a full last page; the third desktop
	tm send-keys -t wf PgDn
	local rows=$((23 / (200 / WALL_W) + (23 % (200 / WALL_W) > 0)))
	local top=$(((rows - 47 / WALL_H) * (200 / WALL_W) + 1))
	check "PgDn: tiles $top-23" wait_screen wf "wall: $top-23 of 23" 5
	check "... the third desktop goes live" wall_live wf 20 "$WALL_SET-23"
	check "three workers started in all" test "$(workers_started wf)" -eq 3
	# page up: the first page's workers were kept: live at once, none started
	local t0=$(date +%s%N)
	press wf PgUp "PgUp: tiles 1-$first" "wall: 1-$first of 23" 5
	check "the first page's desktops are live again" wall_live wf 10 "$WALL_SET-01" "$WALL_SET-02"
	note "page back to live, workers kept: $((($(date +%s%N) - t0) / 1000000)) ms"
	check "... without starting a worker (still 3)" test "$(workers_started wf)" -eq 3
	sleep 0.6
	screen_esc wf >"$TEST_TMP/p1.txt"
	check "... and their pictures are there" sh -c "python3 '$PICTURES' picture '$TEST_TMP/p1.txt' 3 49 0 $WALL_W | grep -q '^box'"

	# smaller tiles: more on the screen, until all 23 fit
	local last=$WALL_N k
	for k in 1 2 3 4; do
		tm send-keys -t wf -- -
		sleep 0.5
		wall_expect wf 23
		check "- : ${WALL_W}x$WALL_H tiles, $WALL_N on the screen ($(wall_tiles wf))" test "$(wall_tiles wf)" -eq "$WALL_N"
		check "... not fewer than before ($last)" test "$WALL_N" -ge "$last"
		last=$WALL_N
		[ "$WALL_N" -eq 23 ] && break
	done
	check "all 23 fit at some size" test "$last" -eq 23
	check "resizing started no worker (still 3)" test "$(workers_started wf)" -eq 3
	tm send-keys -t wf +
	sleep 0.5
	wall_expect wf 23
	check "+ : larger tiles, fewer: $WALL_N ($(wall_tiles wf))" test "$(wall_tiles wf)" -eq "$WALL_N" -a "$WALL_N" -lt 23

	# back at the default size: a page away longer than the workers are
	# kept (30 s): the page back shows the last pictures at once, and the
	# workers start again
	while [ "$WALL_N" -gt "$first" ]; do tm send-keys -t wf +; sleep 0.3; wall_expect wf 23; done
	tm send-keys -t wf PgDn
	wait_screen wf "wall: $top-23 of 23" 5
	note "waiting 32 s off screen"
	sleep 32
	check "the first page's workers were closed" test "$(grep -c 'vnc: worker .* ended' "$TEST_TMP/wf.log")" -ge 2
	t0=$(date +%s%N)
	tm send-keys -t wf PgUp
	wait_screen wf "wall: 1-$first of 23" 5
	screen_esc wf >"$TEST_TMP/p1b.txt"
	check "the last picture is shown while it reconnects" sh -c "python3 '$PICTURES' picture '$TEST_TMP/p1b.txt' 3 49 0 $WALL_W | grep -q '^box'"
	check "live again" wall_live wf 20 "$WALL_SET-01" "$WALL_SET-02"
	note "page back to live, workers closed: $((($(date +%s%N) - t0) / 1000000)) ms"
	check "... with two new workers (5)" test "$(workers_started wf)" -eq 5
}
t_wall_fill_and_page_cleanup() {
	local ids
	ids=$(docker ps -aq --filter "name=^wall-${RUN_ID}f-")
	# shellcheck disable=SC2086
	[ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
	true
}

# A mouse click as the terminal sends it (X10 encoding, tmux-256color's
# kmous): ESC [ M, 32 + button, 33 + column, 33 + row (0-based); the
# press then the release.
click() { # SESSION ROW COL
	tm send-keys -t "$1" -H 1b 5b 4d 20 "$(printf %x $((33 + $3)))" "$(printf %x $((33 + $2)))" \
		1b 5b 4d 23 "$(printf %x $((33 + $3)))" "$(printf %x $((33 + $2)))"
}
wheel() { # SESSION ROW COL up|down
	tm send-keys -t "$1" -H 1b 5b 4d "$([ "$4" = up ] && echo 60 || echo 61)" \
		"$(printf %x $((33 + $3)))" "$(printf %x $((33 + $2)))"
}
line_of() { screen "$1" | grep -n -- "$2" | head -1 | cut -d: -f1; } # 1-based
col_of() { # SESSION LINE TEXT: the 0-based column of TEXT on screen line LINE (1-based)
	screen "$1" | sed -n "${2}p" | python3 -c 'import sys; print(sys.stdin.read().find(sys.argv[1]))' "$3"
}

t_wall_mouse() {
	WALL_SET="wall-${RUN_ID}m"
	local i
	for i in $(seq -w 1 12); do wall_mini "$WALL_SET-$i" || { fail "docker run"; return 1; }; done
	tui_start ms 120 40
	wait_screen ms "$WALL_SET-12" 10 || { fail "not listed"; return 1; }
	tm send-keys -t ms / && tm send-keys -t ms -l "$WALL_SET-" && tm send-keys -t ms Enter
	wait_screen ms "filter $WALL_SET-: 12 of" 5
	check "the screen asked the terminal for mouse events" test "$(tm display -p -t ms '#{mouse_standard_flag}')" = 1
	# the list: a click selects the row, v shows whose desktop
	local y x
	y=$(line_of ms "^$WALL_SET-05 ")
	click ms $((y - 1)) 3
	sleep 0.3
	press ms v "a click on a row selects it" "^$WALL_SET-05 +no desktop" 3
	tm send-keys -t ms q
	wait_screen ms "NAME.*STATE" 3
	# the wheel: three rows a notch
	wheel ms $((y - 1)) 3 down
	sleep 0.3
	press ms v "a wheel notch down moves the selection 3 rows" "^$WALL_SET-08 +no desktop" 3
	tm send-keys -t ms q
	wait_screen ms "NAME.*STATE" 3
	# a double click opens the desktop view of the row
	y=$(line_of ms "^$WALL_SET-03 ")
	click ms $((y - 1)) 3
	click ms $((y - 1)) 3
	check "a double click opens the row's desktop view" wait_screen ms "^$WALL_SET-03 +no desktop" 3
	tm send-keys -t ms q
	wait_screen ms "NAME.*STATE" 3

	# the wall: a click selects a tile, a double click opens it
	tm send-keys -t ms w
	wait_screen ms "wall: 1-[0-9]+ of 12" 3
	wall_expect ms 12 120 40
	y=$(line_of ms "$WALL_SET-02")
	x=$(col_of ms "$y" "$WALL_SET-02")
	click ms "$y" $((x + 2))   # a cell of its picture area, below the title
	sleep 0.3
	press ms Enter "a click on a tile selects it (Enter opens it)" "^$WALL_SET-02 +no desktop" 3
	tm send-keys -t ms q
	wait_screen ms "wall: 1-" 3
	y=$(line_of ms "$WALL_SET-04")
	x=$(col_of ms "$y" "$WALL_SET-04")
	click ms "$y" $((x + 2))
	click ms "$y" $((x + 2))
	check "a double click on a tile opens it" wait_screen ms "^$WALL_SET-04 +no desktop" 3
	tm send-keys -t ms q
	wait_screen ms "wall: 1-" 3
	# the wheel pages: $WALL_N tiles a page
	wheel ms 10 10 down
	check "a wheel notch down on the wall shows the next page" \
		wait_screen ms "wall: ($((WALL_N + 1))|$((12 - WALL_N + 1)))-[0-9]+ of 12" 3
	wheel ms 10 10 up
	check "... and up the first again" wait_screen ms "wall: 1-$WALL_N of 12" 3

	# --no-mouse: the terminal is not asked for mouse events (it keeps
	# selecting text as usual, and sends no clicks)
	tui_start nm 120 40 --no-mouse
	wait_screen nm "$WALL_SET-12" 10
	check "--no-mouse: no mouse events asked for" test "$(tm display -p -t nm '#{mouse_standard_flag}#{mouse_any_flag}')" = 00
	tm send-keys -t nm w
	wait_screen nm "wall: 1-" 3
	check "... not on the wall either" test "$(tm display -p -t nm '#{mouse_standard_flag}#{mouse_any_flag}')" = 00
}
t_wall_mouse_cleanup() {
	local ids
	ids=$(docker ps -aq --filter "name=^wall-${RUN_ID}m-")
	# shellcheck disable=SC2086
	[ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
	true
}
