# t_trust: nothing an agent controls steers sandtop: sandtop.* labels its own image sets are ignored (and said to be), unix: endpoints only inside --vnc-socket-dir and never the engine's socket, VNC passwords found from the sandbox's identity, the worker's empty environment.

# tr_listener PATH LOG: a unix socket on the host at PATH that writes one
# line to LOG for every connection (and answers nothing); its pid in TR_PID.
tr_listener() {
	python3 - "$1" "$2" <<'EOF' &
import os, socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
open(log, "a").close()
while True:
    c, _ = s.accept()
    with open(log, "a") as f:
        f.write("connected\n")
    c.close()
EOF
	TR_PID=$!
	local i
	for i in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
	return 1
}

# tr_image NAME LABELS...: an image committed from sandtop/mini with LABELs,
# as an agent that builds its own image would make it.
tr_image() {
	local name=$1
	shift
	docker run -d --name "$name-base" --network none sandtop/mini:latest sleep 600 >/dev/null &&
		docker commit --change "LABEL $*" "$name-base" "$name:latest" >/dev/null &&
		docker rm -f "$name-base" >/dev/null
}

# A committed image carrying LABEL sandtop.vnc=unix:<a host socket>,
# sandtop.sandbox=1, sandtop.ttl=1: its containers are not sandboxes (unless
# -a), the screen says the label is ignored, sandtop never connects to the
# socket (not even when its directory is trusted), the TTL is not enforced,
# and the isolation checks warn (KS-07).
t_trust_image_labels() {
	local img="${RUN_ID}trimg" sock="$TEST_TMP/host.sock" hits="$TEST_TMP/host.hits"
	tr_listener "$sock" "$hits" || { fail "no listener"; return 1; }
	echo "$TR_PID" >"$TEST_TMP/listener.pid"
	tr_image "$img" "sandtop.vnc=unix:$sock sandtop.sandbox=1 sandtop.ttl=1 sandtop.owner=agent" ||
		{ fail "could not make the image"; return 1; }
	# one run as an agent would (no labels), one by an operator who marks it
	# a sandbox with a value of its own (the image's own value would count as
	# the image's: the safe reading), and a plain one whose TTL is its own
	docker run -d --name "${RUN_ID}tr-agent" --network none "$img:latest" sleep 600 >/dev/null
	docker run -d --name "${RUN_ID}tr-op" --network none --label sandtop.sandbox=yes "$img:latest" sleep 600 >/dev/null
	docker run -d --name "${RUN_ID}tr-ttl" --network none --label sandtop.sandbox=1 --label sandtop.ttl=1 \
		sandtop/mini:latest sleep 600 >/dev/null
	sleep 1.5 # every TTL of 1 s is spent

	"$SANDTOP" ps >"$TEST_TMP/ps.txt"
	check "ps: the image's sandtop.sandbox does not make a sandbox" sh -c "! grep -q '${RUN_ID}tr-agent' '$TEST_TMP/ps.txt'"
	check "ps: the operator's own label does" grep -q "${RUN_ID}tr-op" "$TEST_TMP/ps.txt"
	"$SANDTOP" ps -a --json >"$TEST_TMP/ps.json"
	local ign
	ign=$(jq -r --arg n "${RUN_ID}tr-agent" '.[] | select(.name==$n) | .labels_ignored | join(",")' "$TEST_TMP/ps.json")
	check "ps -a --json lists it, with its ignored labels ($ign)" [ "$ign" = "sandtop.owner,sandtop.sandbox,sandtop.ttl,sandtop.vnc" ]

	# screenshot: even with the socket's directory trusted, the label is the image's
	"$SANDTOP" screenshot "${RUN_ID}tr-op" -o "$TEST_TMP/x.png" --vnc-socket-dir "$TEST_TMP" 2>"$TEST_TMP/err.txt"
	check "screenshot: exit 1" test $? -eq 1
	note "$(cat "$TEST_TMP/err.txt")"
	check "... saying the label is ignored, set by the image" grep -q "sandtop.vnc ignored: set by the image" "$TEST_TMP/err.txt"

	# the screen: not listed without -a; the view and the detail pane say why
	tui_start tr 160 45 --vnc-socket-dir "$TEST_TMP"
	check "the screen lists the operator's sandbox" wait_screen tr "${RUN_ID}tr-op" 10
	check "... not the agent's container" sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t tr | grep -q '${RUN_ID}tr-agent'"
	tm send-keys -t tr a
	check "... which -a shows" wait_screen tr "${RUN_ID}tr-agent" 5
	tm send-keys -t tr / && tm send-keys -t tr -l "${RUN_ID}tr-op" && tm send-keys -t tr Enter
	wait_screen tr "filter ${RUN_ID}tr-op" 5
	tm send-keys -t tr Enter
	check "the detail pane: sandtop.vnc ignored (set by the image)" \
		wait_screen tr "sandtop.vnc: ignored \\(set by the image, not by whoever ran the container\\)" 5
	tm send-keys -t tr v
	check "the view: no desktop, the label ignored" wait_screen tr "sandtop.vnc ignored: set by the image" 5
	sleep 2

	# watch: the operator's TTL is enforced, the image's is not
	timeout -s INT 6 "$SANDTOP" watch --ttl-policy kill -a --audit-log "$TEST_TMP/audit.log" \
		>"$TEST_TMP/watch.txt" 2>&1
	note "watch: $(grep -c . "$TEST_TMP/watch.txt") lines"
	check "watch enforced the operator's TTL (${RUN_ID}tr-ttl killed)" \
		sh -c "[ \"\$(docker inspect -f '{{.State.Running}}' '${RUN_ID}tr-ttl')\" = false ]"
	check "... not the image's (${RUN_ID}tr-op still running)" \
		sh -c "[ \"\$(docker inspect -f '{{.State.Running}}' '${RUN_ID}tr-op')\" = true ]"
	check "... nor on the agent's container" \
		sh -c "[ \"\$(docker inspect -f '{{.State.Running}}' '${RUN_ID}tr-agent')\" = true ]"

	# the isolation checks say so
	"$SANDTOP" isolation "${RUN_ID}tr-op" --json >"$TEST_TMP/audit.json" 2>/dev/null
	local ks
	ks=$(jq -r '.sandboxes[0].checks[] | select(.id=="KS-07") | .result + " " + .reason' "$TEST_TMP/audit.json")
	note "KS-07: $ks"
	check "isolation: KS-07 warns that the image sets sandtop.* labels" sh -c "echo '$ks' | grep -q '^WARN image sets sandtop.vnc, sandtop.ttl, sandtop.owner: ignored'"
	check "isolation: RES-05: no TTL of its own" sh -c "jq -e '.sandboxes[0].checks[] | select(.id==\"RES-05\" and .result==\"FAIL\")' '$TEST_TMP/audit.json' >/dev/null"

	check "nothing ever connected to the image's socket" test ! -s "$hits"
}
t_trust_image_labels_cleanup() {
	docker rm -f "${RUN_ID}tr-agent" "${RUN_ID}tr-op" "${RUN_ID}tr-ttl" "${RUN_ID}trimg-base" >/dev/null 2>&1
	docker rmi "${RUN_ID}trimg:latest" >/dev/null 2>&1
	[ -f "$TEST_TMP/listener.pid" ] && kill "$(cat "$TEST_TMP/listener.pid")" 2>/dev/null
	true
}

# A label set by whoever ran the container: unix:PATH only inside
# --vnc-socket-dir (refused without it, outside it, and for the engine's own
# socket, each with its reason); inside it the desktop works: a fake RFB
# server, and a reference sandbox's x11vnc behind a socket relay.
t_trust_unix_dir() {
	local vdir="$TEST_TMP/vnc" odir="$TEST_TMP/other"
	mkdir -p "$vdir" "$odir"
	python3 "$ROOT/tests/vnc/fake_rfb.py" good --unix "$vdir/fake.sock" --forever 1 --lifetime 120 \
		>"$TEST_TMP/fake.out" 2>&1 &
	echo $! >"$TEST_TMP/fake.pid"
	local i
	for i in $(seq 50); do [ -S "$vdir/fake.sock" ] && break; sleep 0.1; done
	docker run -d --name "${RUN_ID}tu-fake" --network none --label sandtop.sandbox=1 \
		--label "sandtop.vnc=unix:$vdir/fake.sock" sandtop/mini:latest sleep 600 >/dev/null
	docker run -d --name "${RUN_ID}tu-engine" --network none --label sandtop.sandbox=1 \
		--label "sandtop.vnc=unix:/var/run/docker.sock" sandtop/mini:latest sleep 600 >/dev/null

	"$SANDTOP" screenshot "${RUN_ID}tu-fake" -o "$TEST_TMP/a.png" 2>"$TEST_TMP/err.txt"
	check "no --vnc-socket-dir: refused (exit $?)" grep -q "refused: unix sockets are used only inside --vnc-socket-dir (none set)" "$TEST_TMP/err.txt"
	note "$(cat "$TEST_TMP/err.txt")"
	"$SANDTOP" screenshot "${RUN_ID}tu-fake" -o "$TEST_TMP/a.png" --vnc-socket-dir "$odir" 2>"$TEST_TMP/err.txt"
	check "outside the directory: refused" grep -q "refused: not inside the VNC socket directory" "$TEST_TMP/err.txt"
	note "$(cat "$TEST_TMP/err.txt")"
	"$SANDTOP" screenshot "${RUN_ID}tu-engine" -o "$TEST_TMP/a.png" --vnc-socket-dir /var/run 2>"$TEST_TMP/err.txt"
	check "the engine's socket: refused, even inside the directory" grep -q "refused: that is the engine's own socket" "$TEST_TMP/err.txt"
	note "$(cat "$TEST_TMP/err.txt")"
	SANDTOP_VNC_SOCKET_DIR="$vdir" "$SANDTOP" screenshot "${RUN_ID}tu-fake" -o "$TEST_TMP/a.png" 2>"$TEST_TMP/err.txt"
	check "inside it (SANDTOP_VNC_SOCKET_DIR): the fake server's 64x48 desktop" \
		sh -c "file '$TEST_TMP/a.png' | grep -q 'PNG image data, 64 x 48'"
	cat "$TEST_TMP/err.txt"

	# a real x11vnc: a relay socket in the directory. x11vnc listens on the
	# sandbox's loopback only, so each connection's child enters the
	# sandbox's network namespace (setns) and connects there. It was a
	# docker exec per connection, which tied the test to how fast the
	# engine starts an exec (a CI run once hit the worker's 5 s read timeout).
	"$ROOT/scripts/sandboxes" up 1 --prefix "${RUN_ID}tu" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; fail "no sandbox"; return 1; }
	python3 - "$vdir/relay.sock" "$(docker inspect -f '{{.State.Pid}}' "${RUN_ID}tu-1")" <<'EOF' >"$TEST_TMP/relay.out" 2>&1 &
import ctypes, os, select, socket, sys
CLONE_NEWNET = 0x40000000
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
while True:
    c, _ = s.accept()
    if os.fork():
        c.close()
        continue
    s.close()
    fd = os.open(f"/proc/{sys.argv[2]}/ns/net", os.O_RDONLY)
    if ctypes.CDLL(None, use_errno=True).setns(fd, CLONE_NEWNET) != 0:
        sys.exit(f"setns: {os.strerror(ctypes.get_errno())}")
    v = socket.create_connection(("127.0.0.1", 5900))
    ends = {c: v, v: c}
    while True:
        for r in select.select(list(ends), [], [])[0]:
            d = r.recv(65536)
            if not d:
                os._exit(0)
            ends[r].sendall(d)
EOF
	echo $! >"$TEST_TMP/relay.pid"
	for i in $(seq 50); do [ -S "$vdir/relay.sock" ] && break; sleep 0.1; done
	docker run -d --name "${RUN_ID}tu-real" --network none --label sandtop.sandbox=1 \
		--label "sandtop.vnc=unix:$vdir/relay.sock" sandtop/mini:latest sleep 600 >/dev/null
	"$SANDTOP" screenshot "${RUN_ID}tu-real" -o "$TEST_TMP/b.png" --vnc-socket-dir "$vdir" 2>"$TEST_TMP/err.txt"
	check "a reference sandbox's x11vnc through the relay: its 1024x768 desktop" \
		sh -c "file '$TEST_TMP/b.png' | grep -q 'PNG image data, 1024 x 768'"
	cat "$TEST_TMP/err.txt"

	# on the screen: live, and the worker runs with an empty environment
	TUI_ENV="SANDTOP_TRUST_MARK=1" tui_start tu 120 40 --vnc-socket-dir "$vdir"
	wait_screen tu "${RUN_ID}tu-fake" 10
	tm send-keys -t tu / && tm send-keys -t tu -l "${RUN_ID}tu-fake" && tm send-keys -t tu Enter
	wait_screen tu "filter ${RUN_ID}tu-fake" 5
	tm send-keys -t tu v
	check "the view is live" wait_screen tu "live 64x48" 10
	local wpid
	wpid=$(pgrep -f "^$(dirname "$SANDTOP")/sandtop-vnc --fd 3" | head -1)
	check "a worker runs (pid ${wpid:-none})" test -n "$wpid"
	check "... with an empty environment (sandtop's has SANDTOP_TRUST_MARK)" \
		sh -c "[ ! -s /proc/$wpid/environ ]"
}
t_trust_unix_dir_cleanup() {
	docker rm -f "${RUN_ID}tu-fake" "${RUN_ID}tu-engine" "${RUN_ID}tu-real" >/dev/null 2>&1
	sandboxes_down "${RUN_ID}tu"
	local f
	for f in fake relay; do [ -f "$TEST_TMP/$f.pid" ] && kill "$(cat "$TEST_TMP/$f.pid")" 2>/dev/null; done
	true
}

# VNC passwords: found as DIR/<name>.passwd (mode 600, ours), never named by
# a label; the label only says one is needed. The fake server asks for VNC
# authentication and refuses every answer: "none was given" versus
# "authentication failed" tells whether the password reached the worker.
t_trust_password() {
	local vdir="$TEST_TMP/vnc" pdir="$TEST_TMP/pw" name="${RUN_ID}tp-1"
	mkdir -p "$vdir" "$pdir"
	chmod 700 "$pdir"
	python3 "$ROOT/tests/vnc/fake_rfb.py" authfail --unix "$vdir/auth.sock" --forever 1 --lifetime 120 \
		>"$TEST_TMP/fake.out" 2>&1 &
	echo $! >"$TEST_TMP/fake.pid"
	local i
	for i in $(seq 50); do [ -S "$vdir/auth.sock" ] && break; sleep 0.1; done
	docker run -d --name "$name" --network none --label sandtop.sandbox=1 --label sandtop.vnc.password=1 \
		--label "sandtop.vnc=unix:$vdir/auth.sock" sandtop/mini:latest sleep 600 >/dev/null
	shot() { "$SANDTOP" screenshot "$name" -o "$TEST_TMP/p.png" --vnc-socket-dir "$vdir" --vnc-password-dir "$pdir" \
		2>"$TEST_TMP/err.txt"; note "$(cat "$TEST_TMP/err.txt")"; }
	shot
	check "the label says one is needed, no file: said so" grep -q "says a VNC password is needed: put it in $pdir/$name.passwd" "$TEST_TMP/err.txt"
	printf 'secret\n' >"$pdir/$name.passwd"
	chmod 644 "$pdir/$name.passwd"
	shot
	check "a file others can read: refused" grep -q "readable or writable by others" "$TEST_TMP/err.txt"
	chmod 600 "$pdir/$name.passwd"
	shot
	check "mode 600: the worker answered with it (the server refused it)" grep -q "authentication failed" "$TEST_TMP/err.txt"
	check "... not 'none was given'" sh -c "! grep -q 'none was given' '$TEST_TMP/err.txt'"
	rm "$pdir/$name.passwd"
	ln -s /etc/hostname "$pdir/$name.passwd"
	shot
	check "a symlink: refused" grep -q "a symlink (refused)" "$TEST_TMP/err.txt"
}
t_trust_password_cleanup() {
	docker rm -f "${RUN_ID}tp-1" >/dev/null 2>&1
	[ -f "$TEST_TMP/fake.pid" ] && kill "$(cat "$TEST_TMP/fake.pid")" 2>/dev/null
	true
}
