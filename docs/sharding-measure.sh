#!/bin/bash
# Measures sharding on this machine: one process against N shard processes
# run at once (and their merge), best of 3. Besides wall time it reports
# CPU time (user+sys): on a loaded machine the wall time says little, and
# the longest shard's CPU time is the wall time the shards take on idle
# cores. Usage:
#   go build -o /tmp/simrun ./cmd/simrun
#   docs/sharding-measure.sh /tmp/simrun N simrun-args...
set -e
bin=$1; n=$2; shift 2
tmp=$(mktemp -d); trap 'rm -rf $tmp' EXIT
T() { out=$1; shift; /usr/bin/time -f "%e %U %S" -o "$out" "$@"; }
cpu() { tail -1 "$1" | awk "{print \$2+\$3}"; }
wall() { tail -1 "$1" | awk "{print \$1}"; }
for rep in 1 2 3; do
	T $tmp/one.$rep "$bin" "$@" -workers 1 -json -out $tmp/t >$tmp/one.json || true
	rm -rf $tmp/r; t0=$(date +%s.%N)
	for i in $(seq 0 $((n-1))); do T $tmp/sh.$rep.$i "$bin" "$@" -workers 1 -json -out $tmp/t -shard $i/$n -shard-dir $tmp/r & done; wait
	t1=$(date +%s.%N); echo "$t1 - $t0" | bc >$tmp/shwall.$rep
	T $tmp/merge.$rep "$bin" merge $tmp/r >$tmp/merged.json || true
	one_w[$rep]=$(wall $tmp/one.$rep); one_c[$rep]=$(cpu $tmp/one.$rep)
	sh_w[$rep]=$(cat $tmp/shwall.$rep)
	sh_c[$rep]=$(for i in $(seq 0 $((n-1))); do cpu $tmp/sh.$rep.$i; done | sort -n | tail -1)
	sh_s[$rep]=$(for i in $(seq 0 $((n-1))); do cpu $tmp/sh.$rep.$i; done | paste -sd+ | bc)
	mg_w[$rep]=$(wall $tmp/merge.$rep)
done
min() { printf '%s\n' "$@" | sort -n | head -1; }
strip() { grep -v -E '"(wall_seconds|runs_per_second|executions_per_second)"' "$1" | sed -E 's/, [0-9.]+s"/"/'; }
same=no; [ "$(strip $tmp/one.json)" = "$(strip $tmp/merged.json)" ] && same=yes
ow=$(min "${one_w[@]}"); oc=$(min "${one_c[@]}"); sw=$(min "${sh_w[@]}"); sc=$(min "${sh_c[@]}"); ss=$(min "${sh_s[@]}"); mw=$(min "${mg_w[@]}")
printf 'one process: %.2fs wall, %.2fs CPU | %d shards at once: %.2fs wall, longest shard %.2fs CPU, all shards %.2fs CPU | merge %.2fs wall\n' "$ow" "$oc" "$n" "$sw" "$sc" "$ss" "$mw"
printf 'speed-up: wall %.2fx; CPU critical path %.2fx (one process CPU / longest shard CPU); same -json: %s; load: %s\n' \
	"$(echo "$ow / ($sw + $mw)" | bc -l)" "$(echo "$oc / $sc" | bc -l)" "$same" "$(cut -d' ' -f1-3 /proc/loadavg)"
