#!/bin/sh
test_description='the git-synapse dispatcher, help and man pages'
. ./test-lib.sh

test_expect_success 'git synapse alone lists the installed commands' '
	git synapse >out &&
	test_grep "^   lint  *check artifacts" out
'

test_expect_success 'git synapse --version names the version' '
	git synapse --version >out &&
	test_grep "^git-synapse version [0-9]" out
'

test_expect_success 'git synapse <cmd> runs git-synapse-<cmd> with its arguments' '
	test_expect_code 129 git synapse lint --no-such-option 2>err &&
	test_grep "unknown option" err
'

test_expect_success 'an unknown command is a usage error' '
	test_expect_code 129 git synapse no-such-command 2>err &&
	test_grep "is not a git synapse command" err
'

test_expect_success 'git synapse help lint falls back to the usage text' '
	git synapse help lint >out &&
	test_grep "^usage: git synapse lint" out
'

test_expect_success 'git synapse lint -h prints usage to stdout and exits 0' '
	git synapse lint -h >out &&
	test_grep "^usage: git synapse lint" out
'

# Each command's usage must be its man page's SYNOPSIS, line for line.
synopsis() {
	sed -n "/^== SYNOPSIS/,/^== /p" "$1" |
		sed -e "/^==/d" -e "/^\[verse\]/d" -e "/^$/d"
}

for page in "$SYNAPSE_BUILD_DIR"/man/git-synapse-*.adoc; do
	name=$(basename "$page" .adoc)
	cmd=${name#git-synapse-}
	test -x "$SYNAPSE_BUILD_DIR/$name" || continue
	test_expect_success "usage of '$cmd' equals the SYNOPSIS of $name(1)" "
		synopsis '$page' >expect &&
		'$SYNAPSE_BUILD_DIR/$name' -h >help &&
		sed -n -e 's/^usage: //p' -e 's/^   or: //p' help >actual &&
		test_cmp expect actual
	"
done

test_expect_success 'every executable has a man page' '
	for p in "$SYNAPSE_BUILD_DIR"/git-synapse-*; do
		case "$p" in *.adoc|*.c) continue ;; esac
		test -x "$p" || continue
		test -f "$SYNAPSE_BUILD_DIR/man/$(basename "$p").adoc" || {
			echo "no man page for $p"; return 1; }
	done
'

test_expect_success 'installed man pages are shown by git help' '
	command -v man >/dev/null && command -v asciidoctor >/dev/null || exit 0
	(cd "$SYNAPSE_BUILD_DIR" && make -s install prefix="$TRASH_DIRECTORY/inst" >/dev/null) &&
	test -f inst/share/man/man1/git-synapse-lint.1 &&
	MANPATH="$TRASH_DIRECTORY/inst/share/man" MANPAGER=cat PATH="$TRASH_DIRECTORY/inst/bin:$PATH" \
		git help synapse-lint >out 2>&1 &&
	test_grep -i "check Synapse artifacts" out &&
	(cd "$SYNAPSE_BUILD_DIR" && make -s uninstall prefix="$TRASH_DIRECTORY/inst" >/dev/null) &&
	! test -f inst/bin/git-synapse-lint
'

test_done
