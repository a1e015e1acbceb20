#!/bin/sh
test_description='git synapse emulator: data plane, LROs, tokens, persistence'
. ./test-lib.sh

if ! test_have_prereq JQ || ! command -v curl >/dev/null 2>&1; then
	test_skip_all 'jq and curl are needed'
fi

emu_start() {
	rm -f emu.env
	# not "git synapse": git would be the process to stop
	git-synapse-emulator --listen 127.0.0.1:0 --retry-after 0 --ready-file emu.env -q "$@" &
	emu_pid=$!
	git synapse emulator --wait emu.env --timeout 10 && . ./emu.env
}

emu_stop() {
	kill $emu_pid && wait $emu_pid
}

token() {
	curl -s -X POST "${AZURE_AUTHORITY_HOST}$AZURE_TENANT_ID/oauth2/v2.0/token" \
		-d "grant_type=client_credentials&client_id=$AZURE_CLIENT_ID" \
		-d "client_secret=$AZURE_CLIENT_SECRET&scope=${1:-https://dev.azuresynapse.net}/.default" |
	jq -r .access_token
}

# api METHOD PATH [BODY]: status on the first line of "out", body in "body"
api() {
	if test -n "$3"; then
		curl -s -o body -D headers -w '%{http_code}\n' -X "$1" \
			-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			--data-binary "$3" "$SYNAPSE_ENDPOINT/$2" >out
	else
		curl -s -o body -D headers -w '%{http_code}\n' -X "$1" \
			-H "Authorization: Bearer $TOKEN" "$SYNAPSE_ENDPOINT/$2" >out
	fi
}

poll() {
	loc=$(grep -i '^location:' headers | tr -d '\r' | sed 's/^[^ ]* //')
	curl -s -o body -D headers -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" "$loc" >out
}

test_expect_success 'the usage is the man page synopsis' '
	git synapse emulator -h >usage &&
	sed -n "s/^usage: //p; s/^   or: //p" usage >actual &&
	sed -n "/^\[verse\]/,/^$/p" "$SYNAPSE_BUILD_DIR/man/git-synapse-emulator.adoc" |
		sed "1d;\$d" >expect &&
	test_cmp expect actual &&
	git synapse auth -h >usage &&
	sed -n "s/^usage: //p; s/^   or: //p" usage >actual &&
	sed -n "/^\[verse\]/,/^$/p" "$SYNAPSE_BUILD_DIR/man/git-synapse-auth.adoc" |
		sed "1d;\$d" >expect &&
	test_cmp expect actual
'

emu_start || exit 1
main_pid=$emu_pid
TOKEN=$(token)

test_expect_success 'starts, writes the exports, answers its health check' '
	test -n "$SYNAPSE_ENDPOINT" &&
	git synapse emulator --wait "$AZURE_AUTHORITY_HOST" --timeout 5 &&
	test -n "$TOKEN"
'

test_expect_success 'a PUT is a long-running operation as recorded' '
	api PUT "pipelines/P1?api-version=2020-12-01" "{\"properties\":{\"activities\":[]}}" &&
	echo 202 >expect && test_cmp expect out &&
	test "$(jq -r .state body)" = Creating &&
	test "$(jq -r .type body)" = Pipeline &&
	grep -i "^retry-after: 0" headers &&
	poll && echo 202 >expect && test_cmp expect out &&
	test "$(jq -r .status body)" = InProgress &&
	poll && echo 200 >expect && test_cmp expect out &&
	test "$(jq -r .name body)" = P1 &&
	test "$(jq -r .type body)" = Microsoft.Synapse/workspaces/pipelines &&
	jq -e .properties.lastPublishTime body &&
	jq -e .etag body
'

test_expect_success 'path segments are case-insensitive; ETags give 304' '
	api GET "PIPELINES/p1?api-version=2019-06-01-preview" &&
	echo 200 >expect && test_cmp expect out &&
	etag=$(jq -r .etag body) &&
	curl -s -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $TOKEN" \
		-H "If-None-Match: \"$etag\"" "$SYNAPSE_ENDPOINT/pipelines/P1?api-version=2020-12-01" >out &&
	echo 304 >expect && test_cmp expect out &&
	curl -s -o /dev/null -w "%{http_code}\n" -X PUT -H "Authorization: Bearer $TOKEN" \
		-H "If-Match: \"nope\"" -d "{\"properties\":{}}" \
		"$SYNAPSE_ENDPOINT/pipelines/P1?api-version=2020-12-01" >out &&
	echo 412 >expect && test_cmp expect out
'

test_expect_success 'a missing api-version is a 400; a missing artifact an unwrapped 404' '
	api GET "pipelines/P1" && echo 400 >expect && test_cmp expect out &&
	api GET "pipelines/Nope?api-version=2020-12-01" && echo 404 >expect && test_cmp expect out &&
	test "$(jq -r .code body)" = PipelineNotFound &&
	api GET "notebooks/Nope?api-version=2020-12-01" && test "$(jq -r .code body)" = 404 &&
	api GET "sqlScripts/Nope?api-version=2020-12-01" && test "$(jq -r .code body)" = NotFound
'

test_expect_success 'tokens: none, another audience and a forged one get 401' '
	curl -s -o body -D headers -w "%{http_code}\n" "$SYNAPSE_ENDPOINT/pipelines?api-version=2020-12-01" >out &&
	echo 401 >expect && test_cmp expect out && grep -i "^www-authenticate: Bearer" headers &&
	arm=$(token https://management.azure.com) &&
	curl -s -o body -w "%{http_code}\n" -H "Authorization: Bearer $arm" \
		"$SYNAPSE_ENDPOINT/pipelines?api-version=2020-12-01" >out &&
	test_cmp expect out && grep -q audience body &&
	curl -s -o body -w "%{http_code}\n" -H "Authorization: Bearer ${TOKEN}x" \
		"$SYNAPSE_ENDPOINT/pipelines?api-version=2020-12-01" >out &&
	test_cmp expect out
'

test_expect_success 'Azure AD errors come in its shape' '
	curl -s -o body -w "%{http_code}\n" -X POST "${AZURE_AUTHORITY_HOST}$AZURE_TENANT_ID/oauth2/v2.0/token" \
		-d "grant_type=client_credentials&client_id=$AZURE_CLIENT_ID&client_secret=bad&scope=https://dev.azuresynapse.net/.default" >out &&
	echo 401 >expect && test_cmp expect out &&
	test "$(jq -r .error body)" = invalid_client &&
	jq -r .error_description body | grep AADSTS7000215 &&
	curl -s -X POST "${AZURE_AUTHORITY_HOST}$AZURE_TENANT_ID/oauth2/token" \
		-d "grant_type=client_credentials&client_id=$AZURE_CLIENT_ID&client_secret=$AZURE_CLIENT_SECRET&resource=https://dev.azuresynapse.net" >body &&
	test "$(jq -r ".expires_in | type" body)" = string &&
	curl -s -o body -w "%{http_code}\n" "${AZURE_AUTHORITY_HOST}metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://dev.azuresynapse.net" >out &&
	echo 400 >expect && test_cmp expect out
'

test_expect_success 'lists page with an absolute nextLink' '
	for i in 1 2 3 4 5 6; do
		api PUT "datasets/D$i?api-version=2020-12-01" "{\"properties\":{\"type\":\"Json\"}}" || return 1
	done &&
	emu_start --page-size 4 && TOKEN=$(token) &&
	for i in 1 2 3 4 5 6; do
		api PUT "datasets/D$i?api-version=2020-12-01" "{\"properties\":{\"type\":\"Json\"}}" || return 1
	done &&
	api GET "datasets?api-version=2020-12-01" &&
	test "$(jq ".value | length" body)" = 4 &&
	next=$(jq -r .nextLink body) &&
	case "$next" in http://127.0.0.1:*/emulator/datasets?*) ;; *) false ;; esac &&
	curl -s -H "Authorization: Bearer $TOKEN" "$next" >body &&
	test "$(jq ".value | length" body)" = 2 &&
	test "$(jq -r ".nextLink // \"none\"" body)" = none &&
	emu_stop
'

test_expect_success 'triggers: created Stopped, started ones cannot be updated or deleted' '
	api PUT "pipelines/PT?api-version=2020-12-01" "{\"properties\":{\"activities\":[]}}" &&
	trig="{\"properties\":{\"type\":\"ScheduleTrigger\",\"runtimeState\":\"Started\",\"pipelines\":[{\"pipelineReference\":{\"referenceName\":\"PT\",\"type\":\"PipelineReference\"}}]}}" &&
	api PUT "triggers/T1?api-version=2020-12-01" "$trig" && poll && poll &&
	test "$(jq -r .properties.runtimeState body)" = Stopped &&
	api POST "triggers/T1/start?api-version=2020-12-01" && echo 200 >expect && test_cmp expect out &&
	test_must_be_empty body &&
	api PUT "triggers/T1?api-version=2020-12-01" "$trig" && echo 202 >expect && test_cmp expect out &&
	poll && poll && test "$(jq -r .status body)" = Failed &&
	test "$(jq -r .error.code body)" = TriggerEnabledCannotUpdate &&
	api DELETE "triggers/T1?api-version=2020-12-01" && poll && poll &&
	test "$(jq -r .error.code body)" = TriggerEnabledCannotUpdate &&
	api POST "triggers/T1/stop?api-version=2020-12-01" &&
	api GET "triggers/T1?api-version=2020-12-01" &&
	test "$(jq -r .properties.runtimeState body)" = Stopped
'

test_expect_success 'event subscriptions move through their states' '
	api POST "triggers/T1/subscribeToEvents?api-version=2020-12-01" &&
	test "$(jq -r .status body)" = Provisioning &&
	api POST "triggers/T1/getEventSubscriptionStatus?api-version=2020-12-01" &&
	test "$(jq -r .status body)" = Enabled &&
	api POST "triggers/T1/unsubscribeFromEvents?api-version=2020-12-01" &&
	test "$(jq -r .status body)" = Deprovisioning &&
	api POST "triggers/T1/getEventSubscriptionStatus?api-version=2020-12-01" &&
	test "$(jq -r .status body)" = Disabled
'

test_expect_success 'references are checked on PUT and DELETE' '
	api PUT "datasets/DX?api-version=2020-12-01" "{\"properties\":{\"linkedServiceName\":{\"referenceName\":\"Missing\",\"type\":\"LinkedServiceReference\"}}}" &&
	poll && poll && test "$(jq -r .status body)" = Failed &&
	jq -r .error.message body | grep "invalid reference .Missing." &&
	api GET "datasets/DX?api-version=2020-12-01" && echo 404 >expect && test_cmp expect out &&
	api DELETE "pipelines/PT?api-version=2020-12-01" && poll && poll &&
	jq -r .error.message body | grep "referenced by T1" &&
	api DELETE "triggers/T1?api-version=2020-12-01" && test "$(jq -r .state body)" = Deleting &&
	! grep -i "^retry-after" headers &&
	poll && poll && echo 200 >expect && test_cmp expect out && test_must_be_empty body
'

test_expect_success 'rename moves the artifact' '
	api POST "pipelines/PT/rename?api-version=2020-12-01" "{\"newName\":\"PT2\"}" &&
	test "$(jq -r .state body)" = Renaming &&
	poll && poll && test_must_be_empty body &&
	api GET "pipelines/PT2?api-version=2020-12-01" && echo 200 >expect && test_cmp expect out &&
	api GET "pipelines/PT?api-version=2020-12-01" && echo 404 >expect && test_cmp expect out
'

test_expect_success 'createRun answers 202 and the run completes' '
	api POST "pipelines/PT2/createRun?api-version=2020-12-01" "{}" &&
	echo 202 >expect && test_cmp expect out &&
	run=$(jq -r .runId body) &&
	api GET "pipelineruns/$run?api-version=2020-12-01" && test "$(jq -r .status body)" = InProgress &&
	api GET "pipelineruns/$run?api-version=2020-12-01" && test "$(jq -r .status body)" = Succeeded
'

test_expect_success 'a workspace is chosen by the Host header too' '
	curl -s -o body -w "%{http_code}\n" -H "Host: otherws.dev.azuresynapse.net" \
		-H "Authorization: Bearer $TOKEN" \
		"${AZURE_AUTHORITY_HOST}linkedservices?api-version=2020-12-01" >out &&
	echo 200 >expect && test_cmp expect out &&
	jq -r ".value[].name" body | grep otherws-WorkspaceDefaultStorage
'

test_expect_success 'denied principals get the Synapse RBAC 403' '
	emu_start --deny 00000000-0000-4000-8000-0000000c11e7 && TOKEN=$(token) &&
	api GET "pipelines?api-version=2020-12-01" && echo 403 >expect && test_cmp expect out &&
	jq -r .error.message body | grep "Synapse RBAC" &&
	emu_stop
'

test_expect_success 'state is kept in --data across restarts' '
	emu_start --data data && TOKEN=$(token) &&
	api PUT "notebooks/N1?api-version=2020-12-01" "{\"properties\":{\"cells\":[]}}" &&
	grep -i "^location: .*/notebookOperationResults/" headers &&
	emu_stop && test -f data/emulator.json &&
	emu_start --data data && TOKEN=$(token) &&
	api GET "notebooks/N1?api-version=2020-12-01" && echo 200 >expect && test_cmp expect out &&
	emu_stop
'

test_expect_success 'plain HTTP is refused on a non-loopback address' '
	test_expect_code 128 git synapse emulator --listen 0.0.0.0:0 2>err &&
	test_grep "refusing to serve plain HTTP" err
'

test_expect_success OPENSSL 'HTTPS with --cert/--key, verified by the client' '
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem -days 2 2>/dev/null &&
	emu_start --cert cert.pem --key key.pem &&
	case "$SYNAPSE_ENDPOINT" in https://*) ;; *) false ;; esac &&
	git config env.emu.endpoint "$SYNAPSE_ENDPOINT" &&
	git synapse auth --env emu >out &&
	test_grep "source:   environment (client secret)" out &&
	(unset CURL_CA_BUNDLE; test_expect_code 128 git synapse auth --env emu 2>err) &&
	test_grep -i "certificate" err &&
	emu_stop
'

kill $main_pid && wait $main_pid
test_done
