#!/bin/sh
# Benchmark: git synapse build on a 5,000-artifact workspace, on one core,
# against baselines in the same run: jq parsing the same files, and cat
# reading them.
#   targets: build < 1 s; peak memory < 10x the size of the input
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bench/out/build"
n=${BENCH_ARTIFACTS:-5000}
runs=${BENCH_RUNS:-5}
src=${BENCH_SOURCE:-$top/../shared/corpus/equinor+FinOps/src@e4ca9035}
test -d "$src" || src="$top/examples/workspace"
export PATH="$top:$PATH"
pin="taskset -c 0"
command -v taskset >/dev/null 2>&1 || pin=

now() { date +%s%N; }
# best of $runs, in microseconds
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
# peak resident set size of a command, in kilobytes
peak_kb() {
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

rm -rf "$out" && mkdir -p "$out"
"$top/bench/gen-workspace" "$src" "$out/ws" "$n" >/dev/null
files=$(find "$out/ws" -name '*.json' | wc -l)
bytes=$(find "$out/ws" -name '*.json' -exec cat {} + | wc -c)
echo "workspace: $files artifacts, $bytes bytes (from $(basename "$(dirname "$src")"))"

build=$(cd "$out" && best $pin git-synapse-build -q --root ws --workspace bench --out t)
jq_all=$(cd "$out/ws" && best sh -c "find . -name '*.json' -print0 | xargs -0 $pin jq empty")
cat_all=$(cd "$out/ws" && best sh -c "find . -name '*.json' -print0 | xargs -0 $pin cat")
tbytes=$(wc -c <"$out/t/bench/TemplateForWorkspace.json")
echo "template: $tbytes bytes, $(jq '.resources | length' "$out/t/bench/TemplateForWorkspace.json") resources, $(jq '.parameters | length' "$out/t/bench/TemplateForWorkspace.json") parameters"
echo "build whole workspace:  $(ms "$build") ms   (target < 1000 ms)"
echo "baseline jq empty:      $(ms "$jq_all") ms (read + parse the same files)"
echo "baseline cat:           $(ms "$cat_all") ms (read only)"
echo "ratio build / jq:       $(awk "BEGIN { printf \"%.2f\", $build / $jq_all }")"

kb=$(cd "$out" && peak_kb git-synapse-build -q --root ws --workspace bench --out t)
echo "peak memory:            $kb KiB = $(awk "BEGIN { printf \"%.1f\", $kb * 1024 / $bytes }")x the input (target < 10x)"
