#!/usr/bin/env bash
# compare.sh measures the simulator's hot path side by side with an older
# commit, on the same machine in one run: executions per CPU-second (user +
# system time of `simrun run`, random strategy, one worker) and allocations
# per execution (BenchmarkProtocolExec, copied into the old tree's sim
# package), for lockfree/clear-before-enqueue and mutexqueue/shipped at 4
# threads, 1 transaction. Old and new run alternately, ROUNDS times each,
# so that load on a shared machine hits both alike; the median is printed.
# Last, for the working tree only, the CPU cost of a step that switches
# actors against a bare iter.Pull round trip (BenchmarkSwitchRatio).
#
# The working tree's simrun is built as go build builds it, with the
# profile-guided optimisation of cmd/simrun/default.pgo (bench/pgo.sh);
# PGO=off builds it without, to see what the profile adds.
#
# usage: bench/compare.sh [base-commit]   (default 6c8e836)
# env:   RUNS (executions per CLI run, default 20000), ROUNDS (default 5),
#        PGO (the new build's -pgo, default auto)
set -euo pipefail

base=${1:-6c8e836}
runs=${RUNS:-20000}
rounds=${ROUNDS:-5}
# shellcheck source=bench/oldnew.sh
. "$(dirname "$0")/oldnew.sh"
# the allocation benchmark, run in the old tree below
cp "$root/sim/speed_test.go" "$tmp/old/sim/speed_test.go"

configs=("lockfree clear-before-enqueue" "mutexqueue shipped")

# cpu BIN PROTOCOL VARIANT: CPU seconds (user+sys) of one CLI run, to the
# millisecond (bash's time; /usr/bin/time rounds to 10 ms, 2 % of a run).
cpu() {
	local TIMEFORMAT='%3U %3S' out
	out=$( { time "$1" run -protocol "$2" -variant "$3" \
		-threads 4 -txns 1 -runs "$runs" -strategy random -minimize=false \
		-workers 1 -out "$tmp/traces" >/dev/null 2>&1; } 2>&1 | tail -1)
	awk '{print $1 + $2}' <<<"$out"
}

# allocs DIR PROTOCOL VARIANT: allocations per execution.
allocs() {
	(cd "$1" && go test -run '^$' -bench "ProtocolExec/$2/$3\$" -benchtime 3000x ./sim) |
		awk '/allocs\/exec/ {for (i = 1; i < NF; i++) if ($(i+1) == "allocs/exec") print $i}'
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

printf "base %s vs %s (working tree, -pgo=%s), %d executions x %d rounds each\n" \
	"$base" "$(git -C "$root" rev-parse --short HEAD)" "${PGO:-auto}" "$runs" "$rounds"
printf "%-34s %14s %14s %7s %12s %12s %7s\n" config "old exec/cpu-s" "new exec/cpu-s" ratio \
	"old allocs" "new allocs" ratio
for c in "${configs[@]}"; do
	read -r proto variant <<<"$c"
	olds=() news=()
	for ((r = 0; r < rounds; r++)); do
		olds+=("$(cpu "$tmp/simrun-old" "$proto" "$variant")")
		news+=("$(cpu "$tmp/simrun-new" "$proto" "$variant")")
	done
	old=$(printf "%s\n" "${olds[@]}" | median)
	new=$(printf "%s\n" "${news[@]}" | median)
	oa=$(allocs "$tmp/old" "$proto" "$variant")
	na=$(allocs "$root" "$proto" "$variant")
	awk -v c="$proto/$variant" -v n="$runs" -v o="$old" -v w="$new" -v oa="$oa" -v na="$na" 'BEGIN {
		printf "%-34s %14.0f %14.0f %6.2fx %12.1f %12.1f %6.2fx\n", c, n / o, n / w, o / w, oa, na, oa / na }'
done

# The switching step against the bare round trip, in process CPU time.
(cd "$root" && go test -run '^$' -bench 'SwitchRatio$' -benchtime 10x ./sim) | awk '
	/^BenchmarkSwitchRatio/ {
		for (i = 1; i < NF; i++) m[$(i+1)] = $i
		printf "switching step %.0f cpu-ns, bare iter.Pull round trip %.0f cpu-ns: %.2fx (a step that does not switch: %.0f cpu-ns)\n",
			m["cpu-ns/switch-step"], m["cpu-ns/roundtrip"], m["switch/roundtrip"], m["cpu-ns/plain-step"]
	}'
