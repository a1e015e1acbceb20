#!/bin/sh
test_description='git synapse lint reads the work tree, the index, a commit or a folder'
. ./test-lib.sh

missing_ref='{"activities": [{"name": "C", "type": "Copy", "inputs": [{"referenceName": "DS_Nope", "type": "DatasetReference"}]}]}'

test_expect_success 'setup: a repository with its artifacts under workspace/' '
	write_artifact workspace/dataset/DS_A.json DS_A "{\"type\": \"Parquet\", \"linkedServiceName\": {\"referenceName\": \"LS_A\", \"type\": \"LinkedServiceReference\"}}" &&
	write_artifact workspace/linkedService/LS_A.json LS_A "{\"type\": \"AzureBlobFS\"}" &&
	write_artifact workspace/pipeline/PL_A.json PL_A "{\"activities\": []}" &&
	echo "# docs" >README.md &&
	git add . && git commit -qm base
'

test_expect_success 'the artifact root is found below the top' '
	write_artifact workspace/pipeline/PL_Bad.json PL_Bad "$missing_ref" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^workspace/pipeline/PL_Bad.json:" out
'

test_expect_success '--staged checks the index, not the work tree' '
	git synapse lint --staged >out &&
	test_must_be_empty out &&
	git add workspace/pipeline/PL_Bad.json &&
	test_expect_code 1 git synapse lint --staged >out &&
	test_grep "PL_Bad.json.*SYN008" out
'

test_expect_success '--staged sees the staged version when the work tree differs' '
	write_artifact workspace/pipeline/PL_Bad.json PL_Bad "{\"activities\": []}" &&
	git synapse lint >out &&
	test_must_be_empty out &&
	test_expect_code 1 git synapse lint --staged >out &&
	test_grep "PL_Bad.json.*SYN008" out
'

test_expect_success '--staged reports only staged files, resolving against the whole index' '
	git add workspace/pipeline/PL_Bad.json &&
	write_artifact workspace/pipeline/PL_Ok.json PL_Ok "{\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS_A\", \"type\": \"DatasetReference\"}]}]}" &&
	git add workspace/pipeline/PL_Ok.json &&
	git synapse lint --staged >out &&
	test_must_be_empty out
'

test_expect_success 'GIT_INDEX_FILE is honoured, as hooks see it during git commit -a' '
	cp .git/index alt-index &&
	write_artifact workspace/pipeline/PL_Alt.json PL_Alt "$missing_ref" &&
	GIT_INDEX_FILE=alt-index git add workspace/pipeline/PL_Alt.json &&
	git synapse lint --staged >out &&
	test_must_be_empty out &&
	GIT_INDEX_FILE=alt-index test_expect_code 1 git synapse lint --staged >out &&
	test_grep "PL_Alt.json.*SYN008" out &&
	rm workspace/pipeline/PL_Alt.json alt-index
'

test_expect_success 'a commit is read without checking it out' '
	git commit -qm two &&
	write_artifact workspace/pipeline/PL_Bad.json PL_Bad "$missing_ref" &&
	git commit -qam three &&
	git synapse lint --rev HEAD~1 >out &&
	test_must_be_empty out &&
	test_expect_code 1 git synapse lint --rev HEAD >out &&
	test_grep "^workspace/pipeline/PL_Bad.json" out &&
	test_expect_code 128 git synapse lint --rev no-such-rev 2>err &&
	test_grep "bad revision .no-such-rev." err
'

test_expect_success 'synapse.root in .synapseconfig names the root' '
	mkdir -p other/pipeline &&
	write_artifact other/pipeline/PL_X.json PL_X "$missing_ref" &&
	git config -f .synapseconfig synapse.root other &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^other/pipeline/PL_X.json" out &&
	! test_grep "^workspace/" out &&
	git config synapse.root workspace &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^workspace/" out &&
	git config --unset synapse.root && rm -r .synapseconfig other
'

test_expect_success 'two artifact roots in one repository are both linted' '
	mkdir -p second && cp -r workspace/* second/ &&
	write_artifact second/pipeline/PL_Bad.json PL_Bad "{\"activities\": []}" &&
	write_artifact second/pipeline/PL_S.json PL_S "$missing_ref" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^workspace/pipeline/PL_Bad.json" out &&
	test_grep "^second/pipeline/PL_S.json" out &&
	! test_grep "^second/pipeline/PL_Bad.json" out &&
	rm -r second
'

test_expect_success 'GIT_DIR and GIT_WORK_TREE are honoured from anywhere' '
	mkdir -p elsewhere &&
	(cd elsewhere && GIT_DIR="$TRASH_DIRECTORY/.git" GIT_WORK_TREE="$TRASH_DIRECTORY" \
		test_expect_code 1 git synapse lint >../out) &&
	test_grep "^workspace/pipeline/PL_Bad.json" out &&
	rmdir elsewhere
'

test_expect_success 'the work tree leaves out what git ignores, unless it is tracked' '
	git init -q ign && (
		cd ign &&
		write_artifact pipeline/PL_Ok.json PL_Ok "{\"activities\": []}" &&
		write_artifact scratch/pipeline/PL_Tmp.json PL_Tmp "$missing_ref" &&
		write_artifact pipeline/PL_Local.json PL_Local "$missing_ref" &&
		printf "scratch/\npipeline/PL_Local.json\n" >.gitignore &&
		git synapse lint >../out &&
		test_must_be_empty ../out &&
		git add -f pipeline/PL_Local.json &&
		test_expect_code 1 git synapse lint >../out
	) &&
	test_grep "^pipeline/PL_Local.json" out &&
	! grep PL_Tmp out
'

test_expect_success '--root lints a folder outside any repository' '
	mkdir -p "$TRASH_DIRECTORY/../outside.$$/pipeline" &&
	outside="$TRASH_DIRECTORY/../outside.$$" &&
	write_artifact "$outside/pipeline/PL_O.json" PL_O "$missing_ref" &&
	(cd "$outside" && GIT_CEILING_DIRECTORIES="$outside/.." test_expect_code 1 git synapse lint --root . >"$TRASH_DIRECTORY/out") &&
	test_grep "^pipeline/PL_O.json" out &&
	rm -r "$outside"
'

test_expect_success 'outside a repository without --root is fatal with a hint' '
	mkdir -p "$TRASH_DIRECTORY/../norepo.$$" &&
	(cd "$TRASH_DIRECTORY/../norepo.$$" && GIT_CEILING_DIRECTORIES="$TRASH_DIRECTORY/.." \
		test_expect_code 128 git synapse lint 2>"$TRASH_DIRECTORY/err") &&
	test_grep "not a git repository" err &&
	test_grep "^hint: use .--root <dir>." err &&
	rm -r "$TRASH_DIRECTORY/../norepo.$$"
'

test_expect_success 'a repository without artifacts is fatal with a hint' '
	git init -q empty && (cd empty && test_expect_code 128 git synapse lint 2>../err) &&
	test_grep "no Synapse artifacts found" err &&
	test_grep "^hint: " err
'

test_done
