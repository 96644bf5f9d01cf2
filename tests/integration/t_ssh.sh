# t_ssh: the ssh:// engine transport against an sshd of the test's own on 127.0.0.1 (throwaway keys), whose `docker system dial-stdio` reaches the main engine.

# ssh_up: start the test's sshd (an ephemeral port, a throwaway host key,
# root by key only) and write the client's side: a key it accepts, one it
# does not, and an ssh config naming the aliases $SSH_ALIAS (good key),
# $SSH_ALIAS-badkey and $SSH_ALIAS-nodocker (a second port of the sshd,
# whose sessions' PATH has no docker). ssh reads ~/.ssh/config from the passwd entry's home,
# not $HOME, so the config reaches ssh the way a user's would through a
# `ssh` first on $SSH_PATH that adds -F and records its pid and its
# arguments (one line per process) in $SSH_DIR/args. On the far side HOME
# is a scratch directory (the machine's root .bashrc is slow to run for
# every connection). SSHD_PID: the sshd started here, stopped by pid.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ssh_up() {
	SSH_DIR=$TEST_TMP/ssh
	SSH_ALIAS="sshtop-$RUN_ID"
	local d=$SSH_DIR port port2 i
	mkdir -p "$d/bin" "$d/home" /run/sshd
	chmod 700 "$d"
	for k in hostkey userkey badkey; do
		ssh-keygen -q -t ed25519 -N '' -C "sandtop-test-$k" -f "$d/$k" || { fail "ssh-keygen"; return 1; }
	done
	cp "$d/userkey.pub" "$d/authorized_keys"
	port=$(free_port)
	port2=$(free_port)
	SSH_PORT=$port
	cat >"$d/sshd_config" <<-EOF
		ListenAddress 127.0.0.1
		Port $port
		Port $port2
		HostKey $d/hostkey
		AuthorizedKeysFile $d/authorized_keys
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		StrictModes no
		UsePAM no
		PidFile $d/sshd.pid
		SetEnv HOME=$d/home
		Match LocalPort $port2
		  SetEnv PATH=/nonexistent HOME=$d/home
	EOF
	cat >"$d/ssh_config" <<-EOF
		Host $SSH_ALIAS-nodocker
		  Port $port2
		  IdentityFile $d/userkey
		Host $SSH_ALIAS-badkey
		  IdentityFile $d/badkey
		Host $SSH_ALIAS
		  IdentityFile $d/userkey
		Host $SSH_ALIAS $SSH_ALIAS-badkey $SSH_ALIAS-nodocker
		  HostName 127.0.0.1
		  Port $port
		  IdentitiesOnly yes
		  StrictHostKeyChecking no
		  UserKnownHostsFile $d/known_hosts
	EOF
	printf '#!/bin/sh\necho "$$ $*" >>%s/args\nexec /usr/bin/ssh -F %s/ssh_config "$@"\n' "$d" "$d" >"$d/bin/ssh"
	chmod +x "$d/bin/ssh"
	SSH_PATH="$d/bin:$PATH"
	/usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" &
	SSHD_PID=$!
	for i in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
		sleep 0.1
	done
	# no agent: only the keys named above
	unset SSH_AUTH_SOCK
	PATH=$SSH_PATH ssh -o BatchMode=yes "root@$SSH_ALIAS" true </dev/null 2>"$d/first.err" ||
		{ fail "the test's sshd does not let the key in: $(cat "$d/first.err")"; return 1; }
	: >"$d/args"
}
# ssh_down: stop the sshd this test started (by its pid) and wait for it.
ssh_down() {
	[ -n "${SSHD_PID:-}" ] || return 0
	kill "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}
# The ssh processes sandtop started (their pids, from the stand-in's record)
# that are still there.
ssh_left() {
	local pid _ left=""
	while read -r pid _; do
		kill -0 "$pid" 2>/dev/null && left="$left $pid"
	done <"$SSH_DIR/args"
	echo "$left"
}
ssh_none_left() { [ -z "$(ssh_left)" ]; }
# The far side's sessions (the sshd's children) all ended, within 5 s.
ssh_sessions_gone() {
	local i
	for i in $(seq 50); do
		pgrep -P "$SSHD_PID" >/dev/null || return 0
		sleep 0.1
	done
	return 1
}
sshtop() { PATH=$SSH_PATH XDG_STATE_HOME=$TEST_TMP/state "$SANDTOP" "$@"; }

# ps, ps --json and an action through ssh://root@ALIAS (the user's ssh config
# naming the host, port and key), then the failures: a key the sshd refuses,
# a host that does not resolve, a far side without docker, a malformed
# address. No ssh process outlives sandtop.
t_ssh() {
	local p="${RUN_ID}ssh" rc n
	ssh_up || return 1
	minis_up unix:///var/run/docker.sock "$p" a b || return 1
	local url="ssh://root@$SSH_ALIAS"

	sshtop ps -H "$url" >"$TEST_TMP/ps.txt" 2>"$TEST_TMP/ps.err"
	rc=$?
	check "ps over ssh exits 0 (got $rc: $(head -c 300 "$TEST_TMP/ps.err"))" [ $rc -eq 0 ]
	check "... with nothing on stderr" [ ! -s "$TEST_TMP/ps.err" ]
	check "ps lists $p-a and $p-b" bash -c "grep -q '^$p-a ' '$TEST_TMP/ps.txt' && grep -q '^$p-b ' '$TEST_TMP/ps.txt'"
	check "ssh ran with BatchMode, the user and the alias, and dial-stdio" \
		grep -q -- "-o BatchMode=yes .*-T -l root -- $SSH_ALIAS docker system dial-stdio\$" "$SSH_DIR/args"
	check "... without a config file of sandtop's (-F)" bash -c "! grep -q -- ' -F ' '$SSH_DIR/args'"
	n=$(wc -l <"$SSH_DIR/args")
	check "at most 8 ssh processes for one ps (got $n)" [ "$n" -ge 1 -a "$n" -le 8 ]
	check "no ssh process left after ps (left:$(ssh_left))" ssh_none_left

	sshtop ps --json -H "$url" >"$TEST_TMP/ps.json" 2>"$TEST_TMP/ps.err"
	check "ps --json over ssh exits 0" [ $? -eq 0 ]
	check "... with nothing on stderr" [ ! -s "$TEST_TMP/ps.err" ]
	local want got
	want=$(docker ps -q --no-trunc --filter "name=^$p-" | sort)
	got=$(jq -r --arg p "$p-" '.[] | select(.name | startswith($p)) | .id' "$TEST_TMP/ps.json" | sort)
	check "ps --json: the ids of $p-a and $p-b, as docker ps says" [ -n "$want" -a "$want" = "$got" ]
	check "ps --json: $p-a running" bash -c "jq -e --arg n '$p-a' 'any(.[]; .name == \$n and .state == \"running\")' '$TEST_TMP/ps.json' >/dev/null"

	# (each new connection is an ssh handshake: more than the actions' default 2 s wait)
	sshtop pause "$p-a" -H "$url" --engine-timeout 30 >"$TEST_TMP/pause.txt" 2>&1
	rc=$?
	check "pause over ssh exits 0 (got $rc: $(head -c 300 "$TEST_TMP/pause.txt"))" [ $rc -eq 0 ]
	check "... and the engine says paused" [ "$(docker inspect -f '{{.State.Status}}' "$p-a")" = paused ]
	check "... $p-b untouched" [ "$(docker inspect -f '{{.State.Status}}' "$p-b")" = running ]
	sshtop unpause "$p-a" -H "$url" --engine-timeout 30 >"$TEST_TMP/unpause.txt" 2>&1
	rc=$?
	check "unpause over ssh exits 0 (got $rc)" [ $rc -eq 0 ]
	check "... and the engine says running" [ "$(docker inspect -f '{{.State.Status}}' "$p-a")" = running ]
	check "no ssh process left after the actions (left:$(ssh_left))" ssh_none_left
	check "the far side's sessions ended too" ssh_sessions_gone

	# a key the sshd refuses
	sshtop ps -H "ssh://root@$SSH_ALIAS-badkey" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "a refused key: exit 3 (got $rc)" [ $rc -eq 3 ]
	check "... one line on stderr" [ "$(wc -l <"$TEST_TMP/err")" -eq 1 ]
	check "... saying ssh's reason ($(cat "$TEST_TMP/err"))" \
		grep -q "cannot reach engine at ssh://root@$SSH_ALIAS-badkey: ssh: root@127.0.0.1: Permission denied (publickey)" "$TEST_TMP/err"
	check "... nothing on stdout" [ ! -s "$TEST_TMP/out" ]
	check "... printable ASCII only" bash -c "! LC_ALL=C grep -q '[^ -~]' '$TEST_TMP/err'"
	# a host that does not resolve
	sshtop ps -H "ssh://root@nosuchhost.invalid" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "an unknown host: exit 3 (got $rc)" [ $rc -eq 3 ]
	check "... saying ssh's reason ($(cat "$TEST_TMP/err"))" \
		grep -q "cannot reach engine at ssh://root@nosuchhost.invalid: ssh: Could not resolve hostname nosuchhost.invalid" "$TEST_TMP/err"
	check "... nothing on stdout" [ ! -s "$TEST_TMP/out" ]
	# the far side has no docker
	sshtop ps -H "ssh://root@$SSH_ALIAS-nodocker" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "no docker on the far side: exit 3 (got $rc)" [ $rc -eq 3 ]
	check "... saying so ($(cat "$TEST_TMP/err"))" \
		grep -q "cannot reach engine at ssh://root@$SSH_ALIAS-nodocker: ssh: .*docker: command not found" "$TEST_TMP/err"
	# an explicit port goes to ssh as -p (and wins over the config's)
	sshtop ps --json -H "ssh://root@$SSH_ALIAS:$SSH_PORT" >"$TEST_TMP/port.json" 2>"$TEST_TMP/err"
	check "ssh://root@ALIAS:PORT works too" bash -c "jq -e --arg n '$p-a' 'any(.[]; .name == \$n)' '$TEST_TMP/port.json' >/dev/null"
	check "... the port passed as -p" grep -q -- "-l root -p $SSH_PORT -- $SSH_ALIAS docker" "$SSH_DIR/args"
	# malformed addresses: usage errors before any ssh runs
	: >"$SSH_DIR/args"
	for bad in "ssh://root@$SSH_ALIAS/var/run/docker.sock" "ssh://root:pw@$SSH_ALIAS" "ssh://$SSH_ALIAS:0" "ssh://-oProxyCommand=x"; do
		sshtop ps -H "$bad" >/dev/null 2>"$TEST_TMP/err"
		rc=$?
		check "'$bad': usage error 2 (got $rc: $(cat "$TEST_TMP/err"))" [ $rc -eq 2 ]
	done
	check "... and no ssh ran for them" [ ! -s "$SSH_DIR/args" ]
	check "no ssh process left at the end (left:$(ssh_left))" ssh_none_left
}
t_ssh_cleanup() { ssh_down; docker rm -f "${RUN_ID}ssh-a" "${RUN_ID}ssh-b" >/dev/null 2>&1; }

# The screen over ssh://: it lists the sandboxes, names the engine, and the
# desktop view of a reference sandbox comes up through an exec tunnel of
# its own (a new ssh process, as the docker CLI's); quitting leaves no ssh
# process behind.
t_ssh_screen() {
	local p="${RUN_ID}sshs"
	ssh_up || return 1
	minis_up unix:///var/run/docker.sock "$p" m || return 1
	local url="ssh://root@$SSH_ALIAS" view=0
	if docker image inspect sandtop/sandbox:latest >/dev/null 2>&1; then
		sandboxes_up 1 "$p" --wait && view=1
	else
		note "no reference sandbox image: the desktop view is not tried"
	fi
	TUI_ENV="PATH=$SSH_PATH" tui_start sc 140 35 -H "$url"
	check "the screen lists $p-m over ssh" wait_screen sc "$p-m" 30
	check "... and names the engine" wait_screen sc "ssh://root@$SSH_ALIAS" 5
	if [ $view -eq 1 ]; then
		local before after
		sleep 2   # the list's own connections settle
		before=$(wc -l <"$SSH_DIR/args")
		open_view sc "$p-1"
		check "the desktop view of $p-1 comes up over ssh" wait_screen sc "live 1024x768" 30
		after=$(wc -l <"$SSH_DIR/args")
		check "... through an ssh process of its own ($before before, $after after)" [ "$after" -gt "$before" ]
		press sc q "q leaves the view for the list" "NAME.*STATE" 10
	fi
	tm send-keys -t sc q
	check "sandtop quits" wait_screen sc 'sandtop-exited-0' 10
	check "no ssh process left after the screen (left:$(ssh_left))" ssh_none_left
	check "the far side's sessions ended too" ssh_sessions_gone
	check "no ssh error reached the screen" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t sc | grep -qi 'permission denied\\|ssh:'"
}
t_ssh_screen_cleanup() { ssh_down; docker rm -f "${RUN_ID}sshs-m" >/dev/null 2>&1; sandboxes_down "${RUN_ID}sshs"; }
