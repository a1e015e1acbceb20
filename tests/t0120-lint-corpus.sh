#!/bin/sh
test_description='git synapse lint on real public workspaces (../shared/corpus)'
. ./test-lib.sh

test -d "$CORPUS_DIR" || test_skip_all "no corpus at $CORPUS_DIR (../shared is absent)"

# Every source snapshot: lint must finish without crashing (0 or 1, never
# a signal or 128), with JSON that parses.
for src in "$CORPUS_DIR"/*/src@*; do
	name=${src#$CORPUS_DIR/}
	test_expect_success "lint survives $name" "
		(cd '$src' && git synapse lint --root . --format=json >'$TRASH_DIRECTORY/out.json' 2>'$TRASH_DIRECTORY/err'; echo \$? >'$TRASH_DIRECTORY/rc') &&
		rc=\$(cat rc) &&
		{ test \$rc = 0 || test \$rc = 1; } &&
		jq -e '.summary.files > 0' out.json >/dev/null
	"
done

# The workspaces whose templates Synapse published are clean: no error.
while IFS='	' read -r repo snap root rest; do
	case "$repo" in '#'*|'') continue ;; esac
	case "$rest" in *NO:*) continue ;; esac
	dir="$CORPUS_DIR/$repo/$snap/$root"
	case "$repo" in Planning-Inspectorate*) continue ;; esac # has known problems, below
	test_expect_success "published workspace $repo has no lint error" "
		(cd '$dir' && git synapse lint --root . >'$TRASH_DIRECTORY/out')
	"
done <"$CORPUS_DIR/pairs.tsv"

# The real problems ../shared/corpus/README.md lists, where they are.
odw="$CORPUS_DIR/Planning-Inspectorate+ODW-Service/src@54cd30f4/workspace"
oea="$CORPUS_DIR/microsoft+OpenEduAnalytics/src@e95b6821/framework/synapse"
mdw="$CORPUS_DIR/Azure-Samples+modern-data-warehouse-dataops/src@af002115"

test_expect_success 'a name that differs from the file name, and a .JSON extension' '
	(cd "$odw" && test_expect_code 1 git synapse lint --root . >"$TRASH_DIRECTORY/out") &&
	test_grep "dataset/CostCenter_Dim_NonPII.JSON:2:[0-9]*: error: artifact name .cost_center_dim. does not match the file name .CostCenter_Dim_NonPII." out &&
	test_grep "CostCenter_Dim_NonPII.JSON:1:1: warning: .* \[SYN017 file-extension\]" out
'

test_expect_success 'a reference to an artifact that does not exist' '
	test_grep "pipeline/nsip_representation_migration.json:[0-9]*:[0-9]*: error: notebook .Curated_table_load_raw_representation. does not exist" out
'

test_expect_success 'references that differ only by case resolve, with a warning' '
	(cd "$oea" && test_expect_code 1 git synapse lint --root . >"$TRASH_DIRECTORY/out") &&
	test_grep "pipeline/ingest.json:18:18: error: notebook .OEA_connector. does not exist" out &&
	test_grep "dataset/DS_JSON.json:[0-9]*:[0-9]*: warning: reference to linkedService .LS_Datalake. differs in case from .LS_DataLake." out
'

test_expect_success 'two artifact roots in one repository are both found' '
	(cd "$mdw" && git synapse lint --root . --format=json >"$TRASH_DIRECTORY/out.json") &&
	jq -r ".summary.files" out.json >n &&
	test $(cat n) -gt 40
'

test_expect_success 'the whole corpus lints in a repository too (--rev, --staged)' '
	git init -q corpusrepo &&
	cp -r "$CORPUS_DIR/equinor+FinOps/src@e4ca9035/." corpusrepo/ &&
	(cd corpusrepo && git add . && git commit -qm import &&
	 git synapse lint --rev HEAD >../out-rev && git synapse lint >../out-wt) &&
	test_cmp out-rev out-wt
'

test_done
