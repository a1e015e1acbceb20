#!/bin/sh
test_description='git synapse emulator answers the recorded requests as the service did'
. ./test-lib.sh

test_have_prereq RECORDINGS || test_skip_all "no recordings in $RECORDINGS_DIR"
command -v python3 >/dev/null 2>&1 || test_skip_all 'python3 is needed'

rm -f emu.env
git-synapse-emulator --listen 127.0.0.1:0 --retry-after 0 --ready-file emu.env -q &
emu_pid=$!
git synapse emulator --wait emu.env --timeout 10 || exit 1
. ./emu.env
TOKEN=$(curl -s -X POST "${AZURE_AUTHORITY_HOST}$AZURE_TENANT_ID/oauth2/v2.0/token" \
	-d "grant_type=client_credentials&client_id=$AZURE_CLIENT_ID" \
	-d "client_secret=$AZURE_CLIENT_SECRET&scope=https://dev.azuresynapse.net/.default" |
	sed 's/.*"access_token":"\([^"]*\)".*/\1/')

for f in "$RECORDINGS_DIR"/*.json; do
	test_expect_success "replay $(basename "$f")" "
		python3 '$TEST_DIRECTORY/replay-recordings.py' '$AZURE_AUTHORITY_HOST' '$TOKEN' '$f'
	"
done

kill $emu_pid && wait $emu_pid
test_done
