#!/bin/bash
# The merge cost at 1,000 shards: 1,000 real shard reports of one run
# (64 random runs each: one block of runs per shard), then their merge,
# against the same run on one process. Usage:
#   go build -o /tmp/simrun ./cmd/simrun
#   docs/sharding-merge1000.sh /tmp/simrun
set -e
bin=$1; n=1000
tmp=$(mktemp -d); trap 'rm -rf $tmp' EXIT
args="run -protocol mutexqueue -variant early-release -strategy random -runs $((64*n)) -json -out $tmp/t"
for i in $(seq 0 $((n-1))); do "$bin" $args -shard $i/$n -shard-dir $tmp/r -workers 1; done
du -sh $tmp/r | cut -f1 | sed 's/^/reports: /'
/usr/bin/time -f "merge of $n reports: %e s wall, %U s user, %M KB max RSS" "$bin" merge $tmp/r >$tmp/merged.json || true
/usr/bin/time -f "one process: %e s wall, %U s user" "$bin" $args -workers 1 >$tmp/one.json || true
strip() { grep -v -E '"(wall_seconds|runs_per_second|executions_per_second)"' "$1"; }
[ "$(strip $tmp/one.json)" = "$(strip $tmp/merged.json)" ] && echo "same -json: yes" || echo "same -json: NO"
