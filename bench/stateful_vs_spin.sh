#!/usr/bin/env bash
# Exhaustive verification side by side, in one run: SPIN on the
# hand-written Promela models (SPIN_DIR, ../shared/reference/spin: L-fixed
# = gc_lockfree.pml -DFIXED, M = gc_mutex.pml) and `simrun explore
# -stateful` (symmetry reduction over the declared threads) on
# lockfree/clear-before-enqueue and mutexqueue/final-review, one
# transaction per thread, for each thread count N given. simrun runs
# without spurious wakeups (-max-spurious 0, the models' default) and with
# explore's default budget of one.
#
# It prints a markdown table: per N and model, SPIN's states, CPU seconds
# (user+sys) and peak RSS, then simrun's states, executions, CPU and RSS
# for each spurious budget.
#
# usage: bench/stateful_vs_spin.sh SPIN_DIR N...   (needs spin, gcc, go)
# SPURIOUS="0 1" chooses simrun's spurious budgets; TIMEOUT (seconds,
# default 1800) bounds each run.
set -euo pipefail
spindir=$(cd "$1" && pwd); shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/simrun" "$root/cmd/simrun"
budgets=${SPURIOUS:-0 1}
limit=${TIMEOUT:-1800}
hashw() { case $1 in 2|3) echo 18 ;; 4) echo 22 ;; 5) echo 26 ;; *) echo 27 ;; esac; }
cpu() { awk "BEGIN{printf \"%.2f\", $1+$2}"; }

# spin MODEL N: states, CPU, RSS of SPIN's exhaustive safety search.
spin_run() {
  local file=$1 flags=$2 n=$3 d
  d="$work/spin-$file-$n"; mkdir -p "$d"; cp "$spindir"/*.pml "$d"
  (cd "$d" && spin -DN="$n" $flags -a "$file" >/dev/null && gcc -O2 -w -DSAFETY -DMEMLIM=20000 -o pan pan.c &&
    timeout "$limit" /usr/bin/time -f "%U %S %M" -o time.out ./pan -m100000 -w"$(hashw "$n")" > pan.out 2>&1) || true
  if [ ! -s "$d/time.out" ]; then echo "timeout"; return; fi
  read -r u s rss < <(tail -1 "$d/time.out")
  local states errs
  states=$(grep -o '[0-9.e+]* states, stored' "$d/pan.out" | cut -d' ' -f1)
  errs=$(grep -o 'errors: [0-9]*' "$d/pan.out" | cut -d' ' -f2)
  states=$(python3 -c 'import sys; print("{:,}".format(int(float(sys.argv[1]))))' "$states")
  echo "$states, $(cpu "$u" "$s") s, $((rss / 1024)) MB$([ "$errs" = 0 ] || echo ", $errs errors")"
}

# simrun PROTOCOL/VARIANT N SPURIOUS: states, executions, CPU, RSS of the
# stateful search.
simrun_run() {
  local pv=$1 n=$2 sp=$3 t="$work/time-$RANDOM"
  timeout "$limit" /usr/bin/time -f "%U %S %M" -o "$t" "$work/simrun" explore -protocol "${pv%/*}" -variant "${pv#*/}" \
    -threads "$n" -stateful -max-spurious "$sp" -max-executions 1000000000 -out "$work/traces" -json > "$work/out.json" 2>/dev/null || true
  if [ ! -s "$t" ] || ! grep -q '"verified"' "$work/out.json"; then echo "timeout"; return; fi
  read -r u s rss < <(tail -1 "$t")
  python3 - "$work/out.json" "$(cpu "$u" "$s")" "$((rss / 1024))" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
v = "" if r["verified"] else ", NOT verified"
print("{:,}, {:,} execs, {} s, {} MB{}".format(r.get("states", 0), r["executions"], sys.argv[2], sys.argv[3], v))
EOF
}

head="| N | model | SPIN: states, CPU, RSS |"
rule="|---|---|---|"
for sp in $budgets; do head="$head simrun, $sp spurious: states, executions, CPU, RSS |"; rule="$rule---|"; done
echo "$head"; echo "$rule"
for n in "$@"; do
  for m in "L-fixed gc_lockfree.pml -DFIXED lockfree/clear-before-enqueue" "M gc_mutex.pml - mutexqueue/final-review"; do
    set -- $m; name=$1 file=$2 flags=$3 pv=$4
    [ "$flags" = - ] && flags=
    row="| $n | $name / $pv | $(spin_run "$file" "$flags" "$n") |"
    for sp in $budgets; do row="$row $(simrun_run "$pv" "$n" "$sp") |"; done
    echo "$row"
  done
done
