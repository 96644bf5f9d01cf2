# t_keys.sh: keymap files: bad lines are reported as file:line, good ones apply.

t_keys_user_file() {
	cat >"$TEST_TMP/keys" <<'KEYS'
# a user keymap
bind * z quit
bind * Q frobnicate
bind nowhere q quit
unbind * q
KEYS
	"$SANDTOP" --dump-keys -k "$TEST_TMP/keys" >"$TEST_TMP/dump" 2>"$TEST_TMP/err"
	local rc=$?
	check "--dump-keys exits 1 when lines are bad (got $rc)" [ $rc -eq 1 ]
	check "unknown action reported as file:3" grep -q "$TEST_TMP/keys:3: .*frobnicate" "$TEST_TMP/err"
	check "unknown table reported as file:4" grep -q "$TEST_TMP/keys:4: .*nowhere" "$TEST_TMP/err"
	check "the good binding applies" grep -Eq 'bind +\* +z +quit' "$TEST_TMP/dump"
	check "unbind applies" bash -c "! grep -Eq 'bind +\\* +q +quit' '$TEST_TMP/dump'"
	"$SANDTOP" --dump-keys >"$TEST_TMP/default" 2>&1
	check "the defaults dump cleanly (exit 0)" [ $? -eq 0 ]
	"$SANDTOP" --dump-keys -k "$TEST_TMP/default" >"$TEST_TMP/again" 2>&1
	check "a dump re-parses to the same map" diff -u "$TEST_TMP/default" "$TEST_TMP/again"
	# the screen: errors shown, z quits, q no longer does
	tui_start keys 140 20 -k "$TEST_TMP/keys"
	check "the screen reports the bad lines" wait_screen keys 'keys:3' 10
	tm send-keys -t keys q
	sleep 0.5
	check "q is unbound" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t keys | grep -q sandtop-exited"
	tm send-keys -t keys z
	check "z quits" wait_screen keys 'sandtop-exited-0' 3
	"$SANDTOP" --dump-keys -k /nonexistent/keys >/dev/null 2>"$TEST_TMP/err2"
	check "a missing -k file is reported" grep -q '/nonexistent/keys' "$TEST_TMP/err2"
}
