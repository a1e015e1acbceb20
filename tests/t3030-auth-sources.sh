#!/bin/sh
test_description='git synapse auth: every credential source, never the token'
. ./test-lib.sh

rm -f emu.env
git-synapse-emulator --listen 127.0.0.1:0 --retry-after 0 --ready-file emu.env -q &
emu_pid=$!
git synapse emulator --wait emu.env --timeout 10 || exit 1
. ./emu.env
git config env.emu.endpoint "$SYNAPSE_ENDPOINT"
secret=$AZURE_CLIENT_SECRET
unset AZURE_CLIENT_SECRET IDENTITY_ENDPOINT IDENTITY_HEADER

test_expect_success 'client secret from the environment; status hides the token' '
	AZURE_CLIENT_SECRET=$secret git synapse auth --env emu -v >out 2>err &&
	test_grep "^source:   environment (client secret)" out &&
	test_grep "^tenant:   $AZURE_TENANT_ID" out &&
	test_grep "^client:   $AZURE_CLIENT_ID" out &&
	test_grep "^expires:  " out &&
	AZURE_CLIENT_SECRET=$secret git synapse auth --env emu token >token &&
	test $(wc -c <token) -gt 100 &&
	! grep -F "$(cat token)" out err &&
	! grep -F "$secret" out err &&
	test_grep "POST .*/oauth2/v2.0/token -> 200" err
'

test_expect_success 'federated token file, read for every token' '
	printf "%s" "eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln" >fed.jwt &&
	AZURE_FEDERATED_TOKEN_FILE=$PWD/fed.jwt git synapse auth --env emu >out &&
	test_grep "^source:   federated token file" out &&
	printf "%s" "eyJhbGciOiJub25lIn0.eyJleHAiOjEwMH0.c2ln" >fed.jwt &&
	test_expect_code 128 env AZURE_FEDERATED_TOKEN_FILE=$PWD/fed.jwt git synapse auth --env emu 2>err &&
	test_grep AADSTS700024 err
'

test_expect_success 'App Service managed identity' '
	IDENTITY_ENDPOINT=${AZURE_AUTHORITY_HOST}msi/token IDENTITY_HEADER=emulator-identity-header \
		git synapse auth --env emu >out &&
	test_grep "^source:   managed identity (App Service)" out &&
	test_expect_code 128 env IDENTITY_ENDPOINT=${AZURE_AUTHORITY_HOST}msi/token IDENTITY_HEADER=wrong \
		git synapse auth --env emu
'

test_expect_success 'IMDS, at AZURE_POD_IDENTITY_AUTHORITY_HOST' '
	git config env.emu.auth msi &&
	git synapse auth --env emu >out &&
	test_grep "^source:   managed identity (IMDS)" out &&
	git config --unset env.emu.auth
'

test_expect_success 'Azure CLI: expires_on, and the older expiresOn in local time' '
	cat >az <<-\EOF &&
	#!/bin/sh
	echo "{\"accessToken\":\"eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0ZW5hbnQtY2xpIiwiYXBwaWQiOiJjbGktYXBwIn0.c2ln\",\"expiresOn\":\"2099-01-01 10:00:00.000000\",${EXPIRES_ON:+\"expires_on\":$EXPIRES_ON,}\"tenant\":\"tenant-cli\",\"tokenType\":\"Bearer\"}"
	EOF
	chmod +x az &&
	git config env.emu.auth cli &&
	GIT_SYNAPSE_AZ=$PWD/az EXPIRES_ON=4070930400 \
		env -u AZURE_TENANT_ID -u AZURE_CLIENT_ID git synapse auth --env emu >out &&
	test_grep "^source:   Azure CLI" out &&
	test_grep "^tenant:   tenant-cli" out &&
	test_grep "^client:   cli-app" out &&
	test_grep "^expires:  2099-01-01 06:00:00 UTC" out &&
	GIT_SYNAPSE_AZ=$PWD/az git synapse auth --env emu >out &&
	test_grep "^expires:  2099-01-01 10:00:00 UTC" out &&
	printf "#!/bin/sh\necho \"ERROR: Please run az login to setup account.\" >&2\nexit 1\n" >az &&
	test_expect_code 128 env GIT_SYNAPSE_AZ=$PWD/az git synapse auth --env emu 2>err &&
	test_grep "az login" err &&
	git config --unset env.emu.auth
'

test_expect_success 'an unconfigured environment and plain http elsewhere are refused' '
	test_expect_code 128 git synapse auth --env nope 2>err &&
	test_grep "not configured" err &&
	git config env.bad.endpoint http://example.com &&
	test_expect_code 128 git synapse auth --env bad 2>err &&
	test_grep "refusing plain http" err
'

kill $emu_pid && wait $emu_pid
test_done
