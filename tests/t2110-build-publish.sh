#!/bin/sh
test_description='git synapse build --publish commits to the publish branch and touches nothing else'
. ./test-lib.sh

S=.git/t

test_expect_success 'setup: a workspace with a dirty work tree and a staged change' '
	mkdir -p $S &&
	write_artifact pipeline/PL_A.json PL_A "{\"activities\": []}" &&
	write_artifact linkedService/LS_A.json LS_A "{\"type\": \"AzureBlobFS\", \"typeProperties\": {\"url\": \"https://a.dfs.core.windows.net/\"}}" &&
	printf "{\"publishBranch\":\"ws_publish\"}" >publish_config.json &&
	git add . && git commit -qm base &&
	write_artifact pipeline/PL_B.json PL_B "{\"activities\": []}" &&
	git add pipeline/PL_B.json &&
	echo dirty >>linkedService/LS_A.json &&
	echo untracked >notes.txt &&
	git status --porcelain >$S/status.before &&
	git rev-parse HEAD >$S/head.before &&
	git symbolic-ref HEAD >$S/ref.before &&
	cp .git/index $S/index.before &&
	cp linkedService/LS_A.json $S/ls.before
'

test_expect_success '--publish creates the branch named by publish_config.json' '
	git synapse build --publish --workspace contoso-dev 2>$S/err &&
	test_grep "created .ws_publish." $S/err &&
	git rev-parse --verify -q refs/heads/ws_publish &&
	git ls-tree -r --name-only ws_publish >$S/files &&
	printf "%s\n" contoso-dev/TemplateForWorkspace.json contoso-dev/TemplateParametersForWorkspace.json >$S/expect &&
	test_cmp $S/expect $S/files
'

test_expect_success 'the work tree, the index and HEAD are untouched' '
	cmp $S/index.before .git/index &&
	git status --porcelain >$S/status.after &&
	test_cmp $S/status.before $S/status.after &&
	git rev-parse HEAD >$S/head.after &&
	test_cmp $S/head.before $S/head.after &&
	git symbolic-ref HEAD >$S/ref.after &&
	test_cmp $S/ref.before $S/ref.after &&
	cmp $S/ls.before linkedService/LS_A.json &&
	! test -e contoso-dev
'

test_expect_success 'the $S/published $S/files are the build of HEAD, not of the work tree' '
	git synapse build -q --rev HEAD --workspace contoso-dev --out $S/built &&
	git show ws_publish:contoso-dev/TemplateForWorkspace.json >$S/published &&
	cmp $S/built/contoso-dev/TemplateForWorkspace.json $S/published &&
	! grep PL_B $S/published
'

test_expect_success 'the commit message names the source commit' '
	git log -1 --format=%B ws_publish >$S/msg &&
	test_grep "$(git rev-parse HEAD)" $S/msg &&
	git log -1 --format=%P ws_publish >$S/parents &&
	test_line_count = 1 $S/parents
'

test_expect_success 'publishing the same source twice makes no second commit' '
	git rev-parse ws_publish >$S/tip.before &&
	git synapse build --publish --workspace contoso-dev 2>$S/err &&
	test_grep "up to date" $S/err &&
	git rev-parse ws_publish >$S/tip.after &&
	test_cmp $S/tip.before $S/tip.after
'

test_expect_success 'a new source commit moves the branch by one commit, keeping other $S/files' '
	git rev-parse ws_publish >$S/old &&
	git commit -qm "add PL_B" &&
	git synapse build -q --publish --workspace contoso-dev &&
	git rev-parse ws_publish^ >$S/parent &&
	test_cmp $S/old $S/parent &&
	git show ws_publish:contoso-dev/TemplateForWorkspace.json >$S/published &&
	test_grep "PL_B" $S/published &&
	git log -1 --format=%B ws_publish >$S/msg &&
	test_grep "$(git rev-parse HEAD)" $S/msg
'

test_expect_success 'other workspaces on the publish branch are kept' '
	git synapse build -q --publish --workspace contoso-test &&
	git ls-tree --name-only ws_publish >$S/dirs &&
	printf "%s\n" contoso-dev contoso-test >$S/expect &&
	test_cmp $S/expect $S/dirs
'

test_expect_success '--branch overrides, synapse.publishBranch is used without publish_config.json' '
	git synapse build -q --publish --branch other --workspace contoso-dev &&
	git rev-parse --verify -q refs/heads/other &&
	git rm -q publish_config.json && git commit -qm "no publish config" &&
	git -c synapse.publishBranch=from_config synapse build -q --publish --workspace contoso-dev &&
	git rev-parse --verify -q refs/heads/from_config
'

test_expect_success 'without any setting the branch is workspace_publish' '
	git synapse build -q --publish --workspace contoso-dev &&
	git rev-parse --verify -q refs/heads/workspace_publish
'

test_expect_success '--publish --rev publishes an older commit' '
	git synapse build -q --publish --rev HEAD~2 --branch older --workspace contoso-dev &&
	git log -1 --format=%B refs/heads/older >$S/msg &&
	test_grep "$(git rev-parse HEAD~2)" $S/msg
'

test_expect_success 'an invalid branch name is refused' '
	test_expect_code 128 git synapse build --publish --branch "bad..name" --workspace x 2>$S/err &&
	test_grep "not a valid branch name" $S/err
'

test_expect_success '--branch without --publish is a usage error' '
	test_expect_code 129 git synapse build --branch x --workspace x
'

test_done
