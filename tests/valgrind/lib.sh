# lib.sh: what the memcheck runs share: valgrind's flags, the preload of the calls valgrind does not know, and the reading of the logs (errors, definite leaks, unhandled calls).
# Sourced by tests/valgrind/unit, worker and screen.

VG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind: not installed (run scripts/setup)" >&2; exit 1; }

# Every error counts (exit 99); of the leaks only the definite ones are
# shown and count. --gen-suppressions=all prints a suppression under every
# error shown: vg_check finds the errors by those, in every process's log
# (a forked child's included: the snapshot's tree walk runs in one).
VG_FLAGS=(--tool=memcheck --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite --show-leak-kinds=definite
	--num-callers=40 --gen-suppressions=all
	--suppressions="$VG_DIR/sandtop.supp")

# vg_preload B: the LD_PRELOAD of a run of build B's programs: the system
# calls valgrind does not know, made natively (tests/valgrind/native.c).
vg_preload() { echo "$1/valgrind/native.so"; }

# vg_check [--no-leaks] LOG...: 0 when the logs hold no error, no definite
# leak and no system call valgrind could not do; else prints what they hold
# and 1. --no-leaks: definite leaks do not count (a cmocka test that failed
# leaves its test's allocations behind: the failed assertion jumps out).
vg_check() {
	local f bad=0 leaks=1
	[ "${1:-}" = --no-leaks ] && { leaks=0; shift; }
	for f in "$@"; do
		[ -f "$f" ] || continue
		# the kinds of the errors shown, from the suppressions printed under them
		local kinds
		kinds=$(awk -v leaks=$leaks '/<insert_a_suppression_name_here>/ { getline; if (leaks || $1 != "Memcheck:Leak") print $1 }' "$f" |
			sort | uniq -c | tr -s ' \n' ' ')
		if [ -n "$kinds" ]; then
			echo "valgrind: errors in $f: $kinds"
			# the reports without the suppression templates
			awk '/^\{$/ { s = 1 } !s { print "    " $0 } /^\}$/ { s = 0 }' "$f" |
				grep -vE '^    ==[0-9]+== *$|Copyright|Using Valgrind|Memcheck, a memory' | head -n 80
			bad=1
		fi
		if grep -q 'WARNING: unhandled .* syscall' "$f"; then
			echo "valgrind: a system call valgrind cannot run (the program saw ENOSYS) in $f:"
			grep 'WARNING: unhandled' "$f" | sort | uniq -c | sed 's/^/    /'
			bad=1
		fi
	done
	return $bad
}

# vg_summary LOG: the one line a log ends with ("ERROR SUMMARY: ..."), or
# empty when the process did not get to its end.
vg_summary() { grep -E '== ERROR SUMMARY:' "$1" | tail -n 1 | sed 's/^==[0-9]*== //'; }
