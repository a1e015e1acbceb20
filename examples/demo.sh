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
	sed -i 's/User ID=etl_reader"/User ID=etl_reader;Password=Sup3rS3cret!2026"/' workspace/linkedService/LS_SalesDb.json
	runs git synapse scan
	step "the hooks: the same checks on every commit, before the secret is in history"
	run git synapse init --hooks
	git add workspace/linkedService/LS_SalesDb.json
	runs git commit -qm "connect to the sales database"
	git reset -q && git checkout -q HEAD -- workspace
fi

if have build; then
	step "build: the ARM template Synapse Publish would write, offline"
	run git synapse build --workspace contoso-syn-dev --out "$demo/out"
	run ls "$demo/out/contoso-syn-dev"
	run jq -c '[.resources[] | .type | sub("Microsoft.Synapse/workspaces/"; "")] | group_by(.) | map({(.[0]): length}) | add' \
		"$demo/out/contoso-syn-dev/TemplateForWorkspace.json"
fi

if have emulator && have auth; then
	step "emulator: a local Synapse workspace and Azure AD, for tests and demos"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18443)
	git synapse emulator --listen "127.0.0.1:$port" --data "$demo/emu" \
		--ready-file "$demo/emulator.url" >"$demo/emulator.log" 2>&1 &
	emulator_pid=$!
	run git synapse emulator --wait "$demo/emulator.url" --timeout 10
	run git synapse emulator --print-env --listen "127.0.0.1:$port"
	eval "$(git synapse emulator --print-env --listen "127.0.0.1:$port")"
	step "auth: a token from the emulator's Azure AD (the token itself is never shown)"
	run git synapse auth status
	step "the data plane, as the REST API answers it: create a pipeline, list them"
	token=$(git synapse auth token)
	printf '$ curl -X PUT %s/pipelines/PL_Hello?api-version=2020-12-01\n' "$SYNAPSE_ENDPOINT"
	curl -sS -o /dev/null -w 'HTTP %{http_code}\n' -X PUT -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' \
		--data '{"properties": {"activities": []}}' \
		"$SYNAPSE_ENDPOINT/pipelines/PL_Hello?api-version=2020-12-01"
	printf '$ curl %s/pipelines?api-version=2020-12-01\n' "$SYNAPSE_ENDPOINT"
	curl -sS -H "Authorization: Bearer $token" \
		"$SYNAPSE_ENDPOINT/pipelines?api-version=2020-12-01" | jq -c '[.value[].name]'
	unset token
fi

step "done: see 'git synapse help <command>'"
