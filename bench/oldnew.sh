# oldnew.sh, sourced by compare.sh and identical.sh: builds simrun at the
# commit $base in a temporary worktree ($tmp/old) as $tmp/simrun-old, and
# the working tree's as $tmp/simrun-new (go build's -pgo=${PGO:-auto});
# sets root and tmp, and removes both on exit.
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
cleanup() {
	git -C "$root" worktree remove --force "$tmp/old" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

git -C "$root" worktree add --detach "$tmp/old" "$base" >/dev/null 2>&1
(cd "$tmp/old" && go build -o "$tmp/simrun-old" ./cmd/simrun)
(cd "$root" && go build -pgo="${PGO:-auto}" -o "$tmp/simrun-new" ./cmd/simrun)
