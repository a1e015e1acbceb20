#!/bin/sh
test_description='git synapse init installs the hooks where git looks, chains and restores'
. ./test-lib.sh

test_expect_success 'setup' '
	echo .home/ >>.git/info/exclude &&
	write_artifact pipeline/PL_A.json PL_A "{\"activities\": []}" &&
	git add pipeline && git commit -qm base
'

test_expect_success 'init writes .synapseconfig once and installs the shims as shipped' '
	git synapse init 2>err &&
	test_grep "wrote .*\.synapseconfig" err &&
	git config -f .synapseconfig synapse.collaborationBranch >branch &&
	echo main >expect && test_cmp expect branch &&
	for h in pre-commit commit-msg pre-push
	do
		test_cmp "$TEST_DIRECTORY/../hooks/$h" .git/hooks/$h || return 1
	done &&
	echo "# mine" >>.synapseconfig &&
	git synapse init 2>err &&
	test_grep "kept existing" err &&
	test_grep "# mine" .synapseconfig &&
	test_grep "already installed" err
'

test_expect_success 'an existing hook is chained, runs first, and is restored exactly' '
	git synapse init --uninstall &&
	test ! -e .git/hooks/pre-commit &&
	printf "#!/bin/sh\necho foreign-ran >>\"\$HOME/ran\"\n" >.git/hooks/pre-commit &&
	chmod 750 .git/hooks/pre-commit &&
	cp -p .git/hooks/pre-commit saved &&
	git synapse init --hooks 2>err &&
	test_grep "chaining" err &&
	test_cmp saved .git/hooks/pre-commit.synapse-chained &&
	echo x >x.txt && git add x.txt && git commit -qm x &&
	test_grep foreign-ran "$HOME/ran" &&
	git synapse init --uninstall 2>err &&
	test_grep "restored" err &&
	test_cmp saved .git/hooks/pre-commit &&
	test "$(stat -c %a .git/hooks/pre-commit)" = 750 &&
	test ! -e .git/hooks/pre-commit.synapse-chained
'

test_expect_success 'a failing chained hook still blocks the commit' '
	printf "#!/bin/sh\nexit 3\n" >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit &&
	git synapse init --hooks &&
	echo y >y.txt && git add y.txt &&
	test_must_fail git commit -qm y &&
	git synapse init --uninstall && rm .git/hooks/pre-commit
'

test_expect_success 'a hook it cannot tell is left alone without --force' '
	ln -s /bin/true .git/hooks/pre-push &&
	test_expect_code 1 git synapse init --hooks 2>err &&
	test_grep "left alone: it is not a regular file" err &&
	test_grep "hint: .*--force" err &&
	test -h .git/hooks/pre-push &&
	git synapse init --hooks --force &&
	test -h .git/hooks/pre-push.synapse-chained &&
	git synapse init --uninstall &&
	test -h .git/hooks/pre-push
'

test_expect_success 'core.hooksPath is honoured' '
	rm -f .git/hooks/pre-push &&
	git config core.hooksPath .githooks &&
	git synapse init --hooks &&
	test -x .githooks/pre-commit &&
	test ! -e .git/hooks/pre-commit &&
	git synapse init --uninstall &&
	test ! -e .githooks/pre-commit &&
	git config --unset core.hooksPath
'

test_expect_success 'a bare repository gets pre-receive only' '
	git init -q --bare "$HOME/bare.git" &&
	(cd "$HOME/bare.git" && git synapse init) &&
	test_cmp "$TEST_DIRECTORY/../hooks/pre-receive" "$HOME/bare.git/hooks/pre-receive" &&
	test ! -e "$HOME/bare.git/hooks/pre-commit"
'

test_expect_success 'the shim names the missing command' '
	git synapse init --hooks &&
	test_expect_code 1 env PATH=/usr/bin:/bin sh .git/hooks/pre-commit 2>err &&
	test_grep "needs .git-synapse., which is not installed" err
'

test_expect_success 'usage matches the man page synopsis' '
	git synapse init -h >out &&
	test_grep "^usage: git synapse init \[--hooks\] \[--uninstall\] \[--force\]$" out
'

test_done
