#!/usr/bin/env bash
# Side-by-side exhaustive verification: SPIN 6.5.2 on the hand-written
# Promela models (../shared/reference/spin: L-fixed = gc_lockfree.pml
# -DFIXED, M = gc_mutex.pml) against `simrun explore -stateful` on
# lockfree/clear-before-enqueue and mutexqueue/final-review, one
# transaction per thread. Prints one line per run: tool, model, N, result,
# states, CPU seconds (user+sys), max RSS.
#
# usage: docs/verify_vs_spin.sh SPIN_DIR N...   (needs spin, gcc, go)
# TOOLS=spin or TOOLS=simrun runs one side only. SIMRUN_FLAGS (default
# -max-spurious 0, as the Promela models' default SPURIOUS=0) are added to
# simrun explore.
set -euo pipefail
spindir=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/simrun" "$root/cmd/simrun"
hashw() { case $1 in 2|3) echo 18 ;; 4) echo 22 ;; 5) echo 26 ;; *) echo 27 ;; esac; }
for n in "$@"; do
  [ "${TOOLS:-spin simrun}" = simrun ] || for m in "L-fixed gc_lockfree.pml -DFIXED" "M gc_mutex.pml"; do
    set -- $m; name=$1 file=$2 flags=${3:-}
    d="$work/spin-$name-$n"; mkdir -p "$d"; cp "$spindir"/*.pml "$d"
    (cd "$d" && spin -DN="$n" $flags -a "$file" >/dev/null && gcc -O2 -w -DSAFETY -DMEMLIM=20000 -o pan pan.c &&
      /usr/bin/time -f "%U %S %M" -o time.out ./pan -m100000 -w"$(hashw "$n")" > pan.out 2>&1 || true)
    read -r u s rss < "$d/time.out"
    states=$(grep -o '[0-9.e+]* states, stored' "$d/pan.out" | cut -d' ' -f1)
    errs=$(grep -o 'errors: [0-9]*' "$d/pan.out")
    echo "spin $name N=$n $errs states=$states cpu=$(awk "BEGIN{printf \"%.2f\", $u+$s}")s rss=$((rss / 1024))MB"
  done
  [ "${TOOLS:-spin simrun}" = spin ] || for pv in lockfree/clear-before-enqueue mutexqueue/final-review; do
    /usr/bin/time -f "%U %S %M" -o "$work/time.out" "$work/simrun" explore -protocol "${pv%/*}" -variant "${pv#*/}" \
      -threads "$n" -stateful ${SIMRUN_FLAGS--max-spurious 0} -max-executions 100000000 -out "$work/traces" -json > "$work/out.json" || true
    read -r u s rss < "$work/time.out"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("simrun %s N=%s verified=%s states=%d executions=%d" % (sys.argv[2], sys.argv[3], r["verified"], r.get("states",0), r["executions"]), end=" ")' "$work/out.json" "$pv" "$n"
    echo "cpu=$(awk "BEGIN{printf \"%.2f\", $u+$s}")s rss=$((rss / 1024))MB"
  done
done
