#!/bin/sh
test_description='the hooks installed by git synapse init, with real commits and pushes'
. ./test-lib.sh

# format-valid fakes, made here so that no secret is stored in this file
jwt="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.$(printf '{"sub":"t1100","aud":"https://management.azure.com"}' | base64 -w0 | tr '+/' '-_' | tr -d '=').c2lnbmF0dXJlLWZvci10ZXN0cy1vbmx5LXQxMTAw"
sas="sv=2021-06-08&ss=b&srt=sco&sp=rl&se=2031-01-01T00:00:00Z&sig=Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1zaWduYXR1cmUx%3D"

pipeline_with() {
	write_artifact workspace/pipeline/PL_Load.json PL_Load \
		"{\"activities\": [], \"parameters\": {\"Bearer\": {\"type\": \"string\", \"defaultValue\": \"$1\"}}}"
}

test_expect_success 'setup: a workspace, the hooks, a bare remote' '
	pipeline_with "none" &&
	write_artifact workspace/linkedService/LS_Blob.json LS_Blob "{\"type\": \"AzureBlobStorage\", \"typeProperties\": {\"sasUri\": {\"type\": \"SecureString\", \"value\": \"**********\"}}}" &&
	echo .home/ >>.git/info/exclude &&
	git synapse init &&
	test -x .git/hooks/pre-commit && test -x .git/hooks/commit-msg && test -x .git/hooks/pre-push &&
	test -f .synapseconfig &&
	git add . && git commit -qm base &&
	branch=$(git symbolic-ref --short HEAD) && echo "$branch" >.branch &&
	git init -q --bare "$HOME/remote.git" && git remote add origin "$HOME/remote.git" &&
	git push -q origin HEAD
'

test_expect_success 'pre-commit: a secret in a staged artifact blocks the commit' '
	pipeline_with "$jwt" &&
	git add workspace/pipeline/PL_Load.json &&
	before=$(git rev-parse HEAD) &&
	test_must_fail git commit -qm "add token" 2>err &&
	test_grep "PL_Load.json:.*SEC023 jwt" err &&
	test_grep "no-verify" err &&
	test_grep ! "$jwt" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'pre-commit: the staged version counts, not the work tree (secret staged)' '
	pipeline_with "clean" &&
	test_must_fail git commit -qm "staged secret" 2>err &&
	test_grep "SEC023" err
'

test_expect_success 'pre-commit: a secret only in the work tree does not block' '
	git add workspace/pipeline/PL_Load.json &&
	pipeline_with "$jwt" &&
	git commit -qm "clean staged version" &&
	git show HEAD:workspace/pipeline/PL_Load.json >committed &&
	test_grep ! "eyJ" committed
'

test_expect_success 'pre-commit: git commit -a checks the temporary index' '
	before=$(git rev-parse HEAD) &&
	test_must_fail git commit -qam "commit -a with a token" 2>err &&
	test_grep "SEC023" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'pre-commit: git commit <path> checks the temporary index' '
	test_must_fail git commit -qm "commit a path" workspace/pipeline/PL_Load.json 2>err &&
	test_grep "SEC023" err &&
	git checkout -- workspace/pipeline/PL_Load.json
'

test_expect_success 'commit-msg: a secret in the message blocks the commit' '
	echo a >notes.txt && git add notes.txt &&
	test_must_fail git commit -qm "token $jwt" 2>err &&
	test_grep "commit message.*SEC023" err
'

test_expect_success 'commit-msg: an agent may not sign off' '
	test_must_fail git commit -q -m "notes" -m "Signed-off-by: Claude <noreply@anthropic.com>" 2>err &&
	test_grep "may not sign off" err
'

test_expect_success 'commit-msg: an AI trailer marks the commit' '
	git commit -q -m "notes" -m "Assisted-by: Claude:claude-opus" 2>err &&
	test_grep "AI-assisted" err
'

test_expect_success 'pre-push: a commit made with --no-verify is caught at push' '
	pipeline_with "$jwt" &&
	git commit -qam "sneak a token in" --no-verify &&
	bad=$(git rev-parse --short=12 HEAD) &&
	test_must_fail git push origin HEAD 2>err &&
	test_grep "$bad.*SEC023" err &&
	test_grep "push blocked" err &&
	test "$(git --git-dir="$HOME/remote.git" rev-parse refs/heads/$(cat .branch))" != "$(git rev-parse HEAD)"
'

test_expect_success 'pre-push: a new branch is checked from where the remote is' '
	test_must_fail git push origin HEAD:refs/heads/feature 2>err &&
	test_grep "SEC023" err &&
	git reset -q --hard HEAD~1 &&
	git push -q origin HEAD:refs/heads/feature
'

test_expect_success 'pre-push: a force push is checked too' '
	git commit -q --amend -m "rewritten" &&
	pipeline_with "x $sas" &&
	git commit -qam "a sas" --no-verify &&
	test_must_fail git push -f origin HEAD:refs/heads/feature 2>err &&
	test_grep "SEC016" err &&
	git reset -q --hard HEAD~1 &&
	git push -q -f origin HEAD:refs/heads/feature
'

test_expect_success 'pre-receive: the server rejects what --no-verify let through' '
	(cd "$HOME/remote.git" && git synapse init) &&
	test -x "$HOME/remote.git"/hooks/pre-receive &&
	pipeline_with "$jwt" &&
	git commit -qam "push it anyway" --no-verify &&
	bad=$(git rev-parse --short=12 HEAD) &&
	test_must_fail git push --no-verify origin HEAD:refs/heads/feature 2>err &&
	test_grep "remote: .*$bad.*SEC023" err &&
	test_grep "rejected" err &&
	git reset -q --hard HEAD~1
'

test_expect_success 'protected branch: the pusher must be a publisher' '
	git config env.prod.protected "$(cat .branch)" &&
	git config env.prod.publishers "alice@example.com" &&
	echo b >>notes.txt && git commit -qam "more notes" &&
	test_must_fail git push origin HEAD 2>err &&
	test_grep "not a publisher of env .prod." err &&
	git config env.prod.publishers "alice@example.com committer@example.com" &&
	git push -q origin HEAD
'

test_expect_success 'protected branch: an AI-assisted commit needs a human review' '
	echo c >>notes.txt &&
	git commit -qa -m "ai change" -m "Co-authored-by: Copilot <copilot@github.com>" &&
	test_must_fail git push origin HEAD 2>err &&
	test_grep "AI-assisted.*not reviewed" err &&
	git commit -q --amend -m "ai change" -m "Co-authored-by: Copilot <copilot@github.com>
Reviewed-by: Alice <alice@example.com>" &&
	git push -q origin HEAD
'

test_expect_success 'protected branch: a review by an agent does not count' '
	echo d >>notes.txt &&
	git commit -qa -m "ai change 2" -m "Assisted-by: Claude:opus
Reviewed-by: Claude <noreply@anthropic.com>" &&
	test_must_fail git push origin HEAD 2>err &&
	test_grep "not reviewed" err &&
	git reset -q --hard HEAD~1
'

test_expect_success 'publish on push says it is not available, only where configured' '
	echo e >>notes.txt && git commit -qam "e" &&
	git push origin HEAD 2>err &&
	test_grep ! "publish on push" err &&
	git config env.prod.publishOnPush "$(cat .branch)" &&
	echo f >>notes.txt && git commit -qam "f" &&
	git push origin HEAD 2>err &&
	test_grep "publish on push is not available yet: env .prod." err
'

test_done
