#!/usr/bin/env bash
# identical.sh checks that a change to the runtime changed no execution:
# every variant of `simrun list`, run with the same flags by simrun built
# at an older commit and by the working tree's, must print the same -json
# (but for wall-clock fields) and write byte-identical traces. A speed-up
# of the hot path must pass it; a change that means to alter executions
# (a new RNG derivation, say) fails it by design.
#
# usage: bench/identical.sh [base-commit]   (default HEAD)
# env:   RUNS (executions per variant, default 100), SEED (default 7)
set -euo pipefail

base=${1:-HEAD}
runs=${RUNS:-100}
seed=${SEED:-7}
# shellcheck source=bench/oldnew.sh
. "$(dirname "$0")/oldnew.sh"

# one BIN NAME PROTOCOL VARIANT: the run's -json without wall-clock
# fields, and the checksums of its traces, in $tmp/NAME.*. Both binaries
# run under the same name and write under the same -out path, so the
# paths in -json (the replay command) agree.
one() {
	rm -rf "$tmp/out"
	ln -sf "$1" "$tmp/simrun"
	(cd "$tmp" && "$tmp/simrun" run -protocol "$3" -variant "$4" -json -runs "$runs" -seed "$seed" \
		-out "$tmp/out" 2>/dev/null || true) |
		{ grep -v -E '"(wall_seconds|runs_per_second|executions_per_second)"' || true; } >"$tmp/$2.json"
	if [ -d "$tmp/out" ]; then
		(cd "$tmp/out" && find . -type f | sort | xargs -r md5sum) >"$tmp/$2.md5"
	else
		: >"$tmp/$2.md5"
	fi
}

n=0 bad=0 traces=0
while read -r proto variant; do
	one "$tmp/simrun-old" old "$proto" "$variant"
	one "$tmp/simrun-new" new "$proto" "$variant"
	n=$((n + 1))
	traces=$((traces + $(wc -l <"$tmp/new.md5")))
	if ! cmp -s "$tmp/old.json" "$tmp/new.json" || ! cmp -s "$tmp/old.md5" "$tmp/new.md5"; then
		bad=$((bad + 1))
		echo "DIFFERENT: $proto/$variant"
		diff "$tmp/old.json" "$tmp/new.json" | head -10 || true
		diff "$tmp/old.md5" "$tmp/new.md5" | head -5 || true
	fi
done < <("$tmp/simrun-new" list | awk 'NR == 1 {next} /^$/ {exit} {print $1, $2}')

echo "$n variants, $traces traces: $bad differ from $base"
[ "$bad" -eq 0 ]
