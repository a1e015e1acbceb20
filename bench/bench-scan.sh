#!/bin/sh
# Benchmark: git synapse scan, in one run and on the same files, against
#   - git-secrets (Debian package) with nine hand-written Azure patterns,
#   - secretlint with its recommended preset (npm, installed in a temp dir;
#     skipped with a message when npm or the registry is not available).
# Then accuracy on the labelled vectors, --history over a synthetic
# 10,000-commit history, and the pre-commit hook's latency with one staged
# file in a 5,000-artifact repository against 'git commit --no-verify'.
#   targets: >= 200 MB/s on one core; >= 2x git-secrets; >= 50x secretlint;
#            every REAL corpus row found; --history < 10 s; hook < 50 ms added
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$top/../shared}
corpus=$shared/corpus
out="$top/bench/out/scan"
runs=${BENCH_RUNS:-5}
copies=${BENCH_COPIES:-8}
commits=${BENCH_COMMITS:-10000}
n=${BENCH_ARTIFACTS:-5000}
export PATH="$top:$PATH"
pin="taskset -c 0"
command -v taskset >/dev/null 2>&1 || pin=
test -d "$corpus" || { echo "bench-scan: $corpus not found, skipped"; exit 0; }

now() { date +%s%N; }
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
ratio() { awk "BEGIN { printf \"%.1f\", $1 / $2 }"; }

rm -rf "$out" && mkdir -p "$out"

# --- the data: the corpus, copied a few times so that timings are not noise
mkdir -p "$out/data"
for i in $(seq "$copies"); do cp -r "$corpus" "$out/data/c$i"; done
rm -f "$out"/data/c*/*.tsv "$out"/data/c*/README.md
bytes=$(find "$out/data" -type f -exec cat {} + | wc -c)
files=$(find "$out/data" -type f | wc -l)
echo "data: $files files, $bytes bytes ($copies copies of the corpus)"

# --- git synapse scan
syn=$(best $pin git-synapse-scan --no-index "$out/data")
(cd "$corpus" && git-synapse-scan --no-index . >"$out/syn.txt" 2>/dev/null) || true
echo "git synapse scan:       $(ms "$syn") ms   $(awk "BEGIN { printf \"%.0f\", $bytes / $syn }") MB/s (target >= 200)"

# which REAL / NEGATIVE rows a tool's output names (by file)
rows() {
	found=0 real=0 neg=0
	while IFS='	' read -r verdict kind file path note; do
		case "$verdict" in
		REAL) real=$((real + 1)); grep -F "$file" "$1" >/dev/null && found=$((found + 1)) ;;
		NEGATIVE) grep -F "$file" "$1" >/dev/null && neg=$((neg + 1)) ;;
		esac
	done <<EOF
$(grep -v '^#' "$corpus/secrets.tsv")
EOF
	echo "REAL rows found $found/$real, NEGATIVE rows reported $neg"
}
echo "  corpus: $(rows "$out/syn.txt")"

# --- git-secrets, with Azure patterns
if command -v git-secrets >/dev/null 2>&1; then
	gs="$out/gs" && mkdir -p "$gs" && cp -r "$out/data" "$gs/data"
	(cd "$gs" && git init -q . &&
	 git secrets --add 'AccountKey=[A-Za-z0-9+/=]{86,88}' &&
	 git secrets --add 'SharedAccessKey=[A-Za-z0-9+/=]{43,44}' &&
	 git secrets --add '[?&]sig=[A-Za-z0-9%+/=]{40,}' &&
	 git secrets --add '[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}' &&
	 git secrets --add '[Pp]assword=[^;"]+' &&
	 git secrets --add 'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}' &&
	 git secrets --add 'BEGIN [A-Z ]*PRIVATE KEY' &&
	 git secrets --add '[a-z2-7]{52}' &&
	 git secrets --add '[A-Za-z0-9+/]{76}\+ASt[A-Za-z0-9+/]{5}[AQgw]==')
	gsec=$(cd "$gs" && best $pin git secrets --scan -r data)
	echo "git secrets --scan:     $(ms "$gsec") ms   $(awk "BEGIN { printf \"%.0f\", $bytes / $gsec }") MB/s"
	echo "  ratio git-secrets / git synapse scan: $(ratio "$gsec" "$syn")x (target >= 2)"
	(cd "$gs" && git secrets --scan -r data/c1 >"$out/gs.txt" 2>&1) || true
	sed -i "s#^data/c1/##" "$out/gs.txt"
	echo "  corpus: $(rows "$out/gs.txt")"
else
	echo "git-secrets: not installed (apt-get install git-secrets), skipped"
fi

# --- secretlint, recommended preset
if command -v npm >/dev/null 2>&1 &&
   npm install --silent --no-audit --no-fund --prefix "$out/npm" secretlint \
	@secretlint/secretlint-rule-preset-recommend >/dev/null 2>&1; then
	# secretlint is slow: one copy of the corpus, compared by throughput
	sl="$out/sl" && mkdir -p "$sl/data" && cp -r "$out/data/c1" "$sl/data/c1"
	slbytes=$(find "$sl/data" -type f -exec cat {} + | wc -c)
	printf '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n' >"$sl/.secretlintrc.json"
	slbin="$out/npm/node_modules/.bin/secretlint"
	slt=$(cd "$sl" && runs=1 best $pin "$slbin" "data/**/*")
	synone=$(best $pin git-synapse-scan --no-index "$sl/data")
	echo "secretlint (one copy):  $(ms "$slt") ms   $(awk "BEGIN { printf \"%.2f\", $slbytes / $slt }") MB/s; git synapse scan on the same: $(ms "$synone") ms"
	echo "  ratio secretlint / git synapse scan: $(ratio "$slt" "$synone")x (target >= 50)"
	cp "$sl/.secretlintrc.json" "$out/.secretlintrc.json"
	(cd "$corpus" && "$slbin" --secretlintrc "$out/.secretlintrc.json" "**/*" >"$out/sl.txt" 2>&1) || true
	echo "  corpus: $(rows "$out/sl.txt")"
else
	echo "secretlint: npm or the npm registry not available, skipped"
fi

# --- accuracy on the labelled vectors
echo
echo "accuracy on $shared/reference/secret-vectors (a row is found when scan reports anything in it):"
sh "$top/bench/scan-vectors.sh" || echo "scan-vectors: failed"

# --- --history over a synthetic history
echo
h="$out/history"
python3 "$top/bench/scan-history-gen" "$h" "$commits" "$corpus"
hist=$(cd "$h" && runs=1 best $pin git-synapse-scan --history)
(cd "$h" && git-synapse-scan --history >"$out/history.txt" 2>/dev/null) || true
echo "--history over $commits commits: $(ms "$hist") ms (target < 10000), $(wc -l <"$out/history.txt") findings (1 planted)"

# --- pre-commit hook latency, one staged file in an n-artifact repository
echo
ws="$out/ws"
src=$corpus/equinor+FinOps/src@e4ca9035
"$top/bench/gen-workspace" "$src" "$ws" "$n" --git >/dev/null
(cd "$ws" && git synapse init -q --hooks)
f=$(cd "$ws" && git ls-files 'pipeline/*' | head -n 1)
commit_once() {
	(cd "$ws" && echo " " >>"$f" && git add "$f" && git commit -q -m bench "$@") >/dev/null 2>&1
}
hook=$(best commit_once)
nohook=$(best commit_once --no-verify)
echo "git commit, one staged file, $n artifacts: $(ms "$hook") ms with the hooks, $(ms "$nohook") ms with --no-verify"
echo "  hooks add $(awk "BEGIN { printf \"%.1f\", ($hook - $nohook) / 1000 }") ms (target < 50)"
