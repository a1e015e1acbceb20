# Test library for git-synapse shell tests, after git's test-lib.sh.
#
#   test_description='what this script checks'
#   . ./test-lib.sh            (from tests/, as every tNNNN-*.sh does)
#   test_expect_success 'title' 'commands'
#   test_expect_code 1 git synapse lint        (inside a test body)
#   test_cmp expect actual
#   test_done
#
# Each script runs in its own throwaway directory tests/trash.<script>,
# a fresh git repository, with HOME, TZ, locale and git's identity pinned
# and the freshly built binaries first on PATH. Output is TAP.

TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
SYNAPSE_BUILD_DIR=$(cd "$TEST_DIRECTORY/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$(cd "$SYNAPSE_BUILD_DIR/.." && pwd)/shared}
CORPUS_DIR="$SHARED_DIR/corpus"
RECORDINGS_DIR="$SHARED_DIR/recordings"
this_test=$(basename "$0" .sh)
TRASH_DIRECTORY="$TEST_DIRECTORY/trash.$this_test"

export PATH="$SYNAPSE_BUILD_DIR:$PATH"
export HOME="$TRASH_DIRECTORY/.home"
export TZ=UTC LC_ALL=C LANG=C
export GIT_CONFIG_NOSYSTEM=1 GIT_ATTR_NOSYSTEM=1
export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.com'
export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.com'
export GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000'
export GIT_SYNAPSE_NO_MAN=1 NO_COLOR=1 GIT_PAGER=cat PAGER=cat
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_PARAMETERS
unset AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_TENANT_ID AZURE_FEDERATED_TOKEN_FILE
unset AZURE_AUTHORITY_HOST IDENTITY_ENDPOINT IDENTITY_HEADER MSI_ENDPOINT

# Run the binaries under valgrind: TEST_VALGRIND=1 make check
if test -n "$TEST_VALGRIND"; then
	mkdir -p "$TEST_DIRECTORY/valgrind-bin"
	for p in "$SYNAPSE_BUILD_DIR"/git-synapse "$SYNAPSE_BUILD_DIR"/git-synapse-*; do
		test -x "$p" || continue
		n=$(basename "$p")
		cat >"$TEST_DIRECTORY/valgrind-bin/$n" <<VG
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=126 --trace-children=no "$p" "\$@"
VG
		chmod +x "$TEST_DIRECTORY/valgrind-bin/$n"
	done
	export PATH="$TEST_DIRECTORY/valgrind-bin:$PATH"
fi

test_count=0
test_failed=0
test_skipped=0

say() { printf '%s\n' "$*"; }

rm -rf "$TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" "$HOME" || {
	say "Bail out! cannot create $TRASH_DIRECTORY"
	exit 1
}
cd "$TRASH_DIRECTORY" || exit 1
git init -q -b main . 2>/dev/null || { git init -q . && git symbolic-ref HEAD refs/heads/main; }

# test_expect_success [PREREQ] 'title' 'body'
test_expect_success() {
	prereq=
	if test $# -eq 3; then
		prereq=$1
		shift
	fi
	test_count=$((test_count + 1))
	if test -n "$prereq" && ! test_have_prereq "$prereq"; then
		test_skipped=$((test_skipped + 1))
		say "ok $test_count # skip $1 (missing $prereq)"
		return 0
	fi
	if (cd "$TRASH_DIRECTORY" && eval "set -e; $2") >"$TRASH_DIRECTORY/.out" 2>&1 </dev/null; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		sed -e 's/^/#	/' "$TRASH_DIRECTORY/.out"
		say "#	(body:)"
		printf '%s\n' "$2" | sed -e 's/^/#	/'
	fi
}

test_expect_failure() {
	test_count=$((test_count + 1))
	say "not ok $test_count - $1 # TODO known breakage"
}

test_skip_all() {
	say "1..0 # SKIP $1"
	exit 0
}

# test_expect_code N command...: the command must exit with exactly N
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if test "$got" = "$want"; then
		return 0
	fi
	say "test_expect_code: '$*' exited $got, expected $want" >&2
	return 1
}

# test_must_fail command...: exit 1..125 or 128..129, never a crash (signal, 126/127)
test_must_fail() {
	"$@"
	got=$?
	if test $got -eq 0; then
		say "test_must_fail: '$*' succeeded" >&2
		return 1
	elif test $got -gt 129 || test $got -eq 126 || test $got -eq 127; then
		say "test_must_fail: '$*' died with $got" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

test_grep() {
	if test "$1" = "!"; then
		shift
		if grep "$@"; then
			say "test_grep: unexpected match for '$*'" >&2
			return 1
		fi
		return 0
	fi
	grep "$@" || {
		say "test_grep: no match for '$1' in ${2:-stdin}:" >&2
		test -f "${2:-}" && sed 's/^/| /' "$2" >&2
		return 1
	}
}

test_must_be_empty() {
	if test -s "$1"; then
		say "'$1' is not empty:" >&2
		sed 's/^/| /' "$1" >&2
		return 1
	fi
}

test_line_count() {
	n=$(wc -l <"$3" | tr -d ' ')
	test "$n" "$1" "$2" || {
		say "test_line_count: $3 has $n lines, expected $1 $2" >&2
		return 1
	}
}

test_have_prereq() {
	case "$1" in
	CORPUS) test -d "$CORPUS_DIR" ;;
	RECORDINGS) test -d "$RECORDINGS_DIR" ;;
	JQ) command -v jq >/dev/null 2>&1 ;;
	NODE) command -v node >/dev/null 2>&1 ;;
	VALGRIND) command -v valgrind >/dev/null 2>&1 ;;
	OPENSSL) command -v openssl >/dev/null 2>&1 ;;
	*) say "# unknown prereq $1" >&2; return 1 ;;
	esac
}

# write_artifact <path> <name> [properties-json]: a minimal artifact file
write_artifact() {
	mkdir -p "$(dirname "$1")"
	printf '{\n\t"name": "%s",\n\t"properties": %s\n}\n' "$2" "${3:-{\}}" >"$1"
}

# test_free_port: a TCP port on 127.0.0.1 that nothing listens on
test_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

test_done() {
	say "1..$test_count"
	if test $test_failed -gt 0; then
		say "# failed $test_failed among $test_count test(s)"
		exit 1
	fi
	cd "$TEST_DIRECTORY" && rm -rf "$TRASH_DIRECTORY"
	exit 0
}
