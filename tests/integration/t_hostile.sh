# t_hostile.sh: untrusted container strings never reach the terminal raw.

# Labels carrying escape sequences, bidi overrides and line breaks are shown
# sanitized: the pane title is untouched, no injected SGR reaches the
# screen, and the row is one line.
t_hostile_labels() {
	local p="${RUN_ID}evil"
	local task owner
	task=$(printf 'pwn\033]0;HACKED\007\033[2J\033[31mRED\r\nFAKE\342\200\256txt')
	owner=$(printf 'mal\033]52;c;ZXZpbA==\007lory\010\010\010')
	docker run -d --name "$p-1" --label sandtop.sandbox=1 --label "sandtop.task=$task" \
		--label "sandtop.owner=$owner" sandtop/mini:latest sleep 600 >/dev/null
	tui_start evil 200 20
	tm select-pane -t evil -T "clean-title"
	check "listed" wait_screen evil "$p-1" 10
	check "the pane title was not changed by OSC 0" [ "$(tm display -p -t evil '#{pane_title}')" = "clean-title" ]
	local row
	row=$(screen evil | grep "$p-1")
	note "row: $row"
	has_mark() { [[ $row == *"␛"* ]]; }
	check "escape sequences are shown as a visible mark" has_mark
	fake_elsewhere() { screen evil | grep -v -- "$p-1" | grep -q FAKE; }
	check "CR/LF do not start a new line" eval '! fake_elsewhere'
	red_injected() { screen_esc evil | grep -- "$p-1" | grep -q $'\e\\[31mRED'; }
	check "no red text was injected" eval '! red_injected'
	check "no screen clear: the header is still there" wait_screen evil 'NAME' 1
	"$SANDTOP" ps >"$TEST_TMP/ps.txt"
	check "ps table has no raw ESC/CR/BS" bash -c "! grep -q \$'[\\x1b\\r\\x08]' '$TEST_TMP/ps.txt'"
	"$SANDTOP" ps --json >"$TEST_TMP/ps.json"
	check "ps --json keeps the exact label" bash -c "[ \"\$(jq -r --arg n '$p-1' '.[] | select(.name==\$n) | .labels[\"sandtop.task\"]' '$TEST_TMP/ps.json')\" = \"\$(docker inspect -f '{{index .Config.Labels \"sandtop.task\"}}' '$p-1')\" ]"
	check "ps --json is ASCII" bash -c "! LC_ALL=C grep -q '[^ -~]' '$TEST_TMP/ps.json'"
}
t_hostile_labels_cleanup() { docker rm -f "${RUN_ID}evil-1" >/dev/null 2>&1; }
