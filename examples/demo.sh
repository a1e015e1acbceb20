#!/bin/sh
# make demo: a tour of git-synapse on the example workspace, in a
# throwaway repository. Each step prints the command it runs.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top:$PATH"
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.com
demo=$(mktemp -d "${TMPDIR:-/tmp}/git-synapse-demo.XXXXXX")
emulator_pid=
cleanup() {
	test -n "$emulator_pid" && kill "$emulator_pid" 2>/dev/null || :
	rm -rf "$demo"
}
trap cleanup EXIT INT TERM

if test -t 1; then
	step() { printf '\n\033[1m== %s\033[m\n' "$*"; }
else
	step() { printf '\n== %s\n' "$*"; }
fi
run() { printf '$ %s\n' "$*"; "$@"; }
runs() { printf '$ %s\n' "$*"; "$@" || printf '(exit %d)\n' $?; }
have() { test -x "$top/git-synapse-$1"; }

step "a Synapse workspace in Git: the example in $demo"
cd "$demo"
git init -q -b main .
cp -r "$top/examples/workspace" workspace
git add . && git commit -qm "example workspace"
run git synapse
run find workspace -name '*.json' | sort

step "lint: a clean workspace has nothing to say"
run git synapse lint

step "lint: a typo in a reference, caught before Synapse sees it"
sed -i 's/"referenceName": "DS_SalesOrders"/"referenceName": "DS_SalesOrder"/' workspace/pipeline/PL_CopySales.json
runs git synapse lint
step "lint --staged checks what the next commit holds (the index), as the hook does"
git add workspace/pipeline/PL_CopySales.json
runs git synapse lint --staged --format=json
git checkout -q HEAD -- workspace

if have scan; then
	step "scan: a secret pasted into a linked service is refused"
	sed -i 's/"User ID=etl_reader"/"User ID=etl_reader;Password=Sup3rS3cret!2026"/' workspace/linkedService/LS_SalesDb.json
	runs git synapse scan
	git checkout -q HEAD -- workspace
fi

if have build; then
	step "build: the ARM template Synapse Publish would write, offline"
	run git synapse build --workspace contoso-syn-dev --out "$demo/out"
	run ls "$demo/out/contoso-syn-dev"
	run head -c 600 "$demo/out/contoso-syn-dev/TemplateForWorkspace.json"
	echo
fi

if have emulator; then
	step "emulator: a local Synapse workspace for tests and demos"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18443)
	git synapse emulator --listen "127.0.0.1:$port" --data "$demo/emu" >"$demo/emulator.log" 2>&1 &
	emulator_pid=$!
	i=0
	while ! grep -q "http" "$demo/emulator.log" 2>/dev/null && test $i -lt 50; do
		sleep 0.1; i=$((i + 1))
	done
	run cat "$demo/emulator.log"
fi

step "done: see 'git synapse help <command>'"
