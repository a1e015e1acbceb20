#!/bin/sh
# Precision and recall of 'git synapse scan' per kind on the third-party
# labelled secret vectors (../shared/reference/secret-vectors), with and
# without the rows their notes mark as placeholders or synthetic values.
#
#   sh bench/scan-vectors.sh [--rows] [vectors.tsv ...]
#
# Each row's text (unescaped: \\ \t \n \r) is written to its own file and
# scanned as a whole; a row is "reported" when scan finds anything in it.
# --rows lists every misclassified row (id, kind, label) instead of hiding it.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
shared=${SHARED_DIR:-$top/../shared}
dir=$shared/reference/secret-vectors
scan=${SCAN:-$top/git-synapse-scan}
show_rows=
if test "$1" = --rows; then show_rows=1; shift; fi
if test $# = 0; then set -- "$dir/vectors.tsv" "$dir/vectors_reserve.tsv"; fi
for f in "$@"; do
	test -f "$f" || { echo "scan-vectors: '$f' not found, skipped" >&2; exit 0; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scan-vectors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# notes: id -> note (vectors_notes.tsv for the main rows, column 9 for reserve rows)
awk -F'\t' 'FNR > 1 && FILENAME ~ /notes/ { print $1 "\t" $3 }
	    FNR > 1 && FILENAME ~ /reserve/ { print $1 "\t" $9 }' \
	"$dir/vectors_notes.tsv" "$dir/vectors_reserve.tsv" >"$tmp/notes"

mkdir "$tmp/rows"
awk -F'\t' -v out="$tmp/rows" '
FNR == 1 { next }
{
	t = $7; s = ""
	for (i = 1; i <= length(t); i++) {
		c = substr(t, i, 1)
		if (c == "\\" && i < length(t)) {
			d = substr(t, i + 1, 1)
			if (d == "n") { s = s "\n"; i++; continue }
			if (d == "t") { s = s "\t"; i++; continue }
			if (d == "r") { s = s "\r"; i++; continue }
			if (d == "\\") { s = s "\\"; i++; continue }
		}
		s = s c
	}
	f = out "/" $1 ".txt"
	printf "%s", s > f
	close(f)
	print $1 "\t" $2 "\t" $3 > (out "/../labels")
}' "$@"

"$scan" --no-index --format=json "$tmp/rows" >"$tmp/out.json" 2>/dev/null || test $? = 1
grep -o '"path": *"[^"]*"' "$tmp/out.json" | sed 's/.*\/\([^/]*\)\.txt"$/\1/' | sort -u >"$tmp/hit"

awk -F'\t' -v show="$show_rows" '
FILENAME ~ /notes$/ { note[$1] = $2; next }
FILENAME ~ /hit$/ { hit[$1] = 1; next }
{
	id = $1; kind = $2; lab = $3
	ph = (note[id] ~ /placeholder|synthetic|heuristic/)
	kinds[kind] = 1
	if (lab == "TP") { tp[kind]++; if (hit[id]) found[kind]++; else if (show) print "missed  " id " " kind (ph ? " (placeholder)" : "") > "/dev/stderr" }
	else { fp[kind]++; if (hit[id]) { flagged[kind]++; if (show) print "flagged " id " " kind (ph ? " (placeholder)" : "") > "/dev/stderr" } }
	if (!ph) {
		if (lab == "TP") { tp2[kind]++; if (hit[id]) found2[kind]++ }
		else { fp2[kind]++; if (hit[id]) flagged2[kind]++ }
	}
}
function pct(a, b) { return b ? sprintf("%5.1f%%", 100 * a / b) : "    -" }
END {
	printf "%-28s %11s %11s   %11s %11s\n", "", "all rows", "", "no placeholders", ""
	printf "%-28s %11s %11s   %11s %11s\n", "kind", "recall", "FP rate", "recall", "FP rate"
	n = 0
	for (k in kinds) names[++n] = k
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
	for (i = 1; i <= n; i++) {
		k = names[i]
		printf "%-28s %4d/%-3d%s %3d/%-3d%s   %4d/%-3d%s %3d/%-3d%s\n", k,
			found[k], tp[k], pct(found[k], tp[k]), flagged[k], fp[k], pct(flagged[k], fp[k]),
			found2[k], tp2[k], pct(found2[k], tp2[k]), flagged2[k], fp2[k], pct(flagged2[k], fp2[k])
		T += tp[k]; F += found[k]; P += fp[k]; G += flagged[k]
		T2 += tp2[k]; F2 += found2[k]; P2 += fp2[k]; G2 += flagged2[k]
	}
	printf "%-28s %4d/%-3d%s %3d/%-3d%s   %4d/%-3d%s %3d/%-3d%s\n", "total",
		F, T, pct(F, T), G, P, pct(G, P), F2, T2, pct(F2, T2), G2, P2, pct(G2, P2)
}' "$tmp/notes" "$tmp/hit" "$tmp/labels"
