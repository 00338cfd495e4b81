#!/usr/bin/env bash
# pgo.sh regenerates cmd/simrun/default.pgo, the CPU profile that go build,
# go run and go install use for profile-guided optimisation of simrun
# (Go's -pgo=auto picks default.pgo in the main package's directory). The
# profile covers simrun's main jobs (cmd/simrun/pgo_test.go: pgoJobs): the
# run of every variant, random and PCT hunts at 4 threads, the stateful
# search and DPOR. It is taken from a build without PGO, so that it does
# not depend on the profile it replaces. About a minute on 2 cores.
# Regenerate it after a large change to the runtime's hot path; a stale
# profile costs speed, never correctness.
#
# usage: bench/pgo.sh
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
go test -pgo=off -count=1 -timeout 20m ./cmd/simrun -run '^TestPGOProfile$' \
	-pgo.write "$root/cmd/simrun/default.pgo"
ls -l cmd/simrun/default.pgo
