#!/bin/sh
# Benchmark: git synapse lint on a 5,000-artifact workspace, on one core,
# against a baseline in the same run: jq parsing the same files.
#   targets: whole workspace < 0.5 s; lint --staged with one file < 30 ms
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bench/out/lint"
n=${BENCH_ARTIFACTS:-5000}
runs=${BENCH_RUNS:-5}
src=${BENCH_SOURCE:-$top/../shared/corpus/equinor+FinOps/src@e4ca9035}
test -d "$src" || src="$top/examples/workspace"
export PATH="$top:$PATH"
pin="taskset -c 0"
command -v taskset >/dev/null 2>&1 || pin=

now() { date +%s%N; }
# best of $runs, in milliseconds
best() {
	b=
	for i in $(seq "$runs"); do
		t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
		t=$(( (t1 - t0) / 1000 ))
		if test -z "$b" || test "$t" -lt "$b"; then b=$t; fi
	done
	echo "$b"
}
ms() { awk "BEGIN { printf \"%.1f\", $1 / 1000 }"; }

rm -rf "$out" && mkdir -p "$out"
"$top/bench/gen-workspace" "$src" "$out/ws" "$n" --git >/dev/null
files=$(find "$out/ws" -name '*.json' | wc -l)
bytes=$(find "$out/ws" -name '*.json' -exec cat {} + | wc -c)
echo "workspace: $files artifacts, $bytes bytes (from $(basename "$(dirname "$src")"))"

lint_all=$(cd "$out/ws" && best $pin git-synapse-lint --root .)
jq_all=$(cd "$out/ws" && best sh -c "find . -name '*.json' -print0 | xargs -0 $pin jq empty")
echo "lint whole workspace:   $(ms "$lint_all") ms   (target < 500 ms)"
echo "baseline jq empty:      $(ms "$jq_all") ms"
echo "ratio lint / jq:        $(awk "BEGIN { printf \"%.2f\", $lint_all / $jq_all }")"

f=$(cd "$out/ws" && ls pipeline | head -n 1)
(cd "$out/ws" && sed -i 's/"activities"/"description": "bench",\n\t\t"activities"/' "pipeline/$f" && git add "pipeline/$f")
staged=$(cd "$out/ws" && best $pin git-synapse-lint --staged)
jq_one=$(cd "$out/ws" && best $pin jq empty "pipeline/$f")
status=$(cd "$out/ws" && best $pin git diff --cached --quiet)
echo "lint --staged, 1 file:  $(ms "$staged") ms   (target < 30 ms)"
echo "baseline jq on 1 file:  $(ms "$jq_one") ms; git diff --cached: $(ms "$status") ms"
echo "ratio staged / git diff --cached: $(awk "BEGIN { printf \"%.2f\", $staged / $status }")"
