#!/bin/sh
test_description='Microsoft SDK (@azure/synapse-artifacts, @azure/identity) against the emulator over HTTPS'
. ./test-lib.sh

test_have_prereq NODE || test_skip_all 'node is not installed'
test_have_prereq OPENSSL || test_skip_all 'openssl is not installed'
test -d "$TEST_DIRECTORY/conformance/node_modules/@azure/synapse-artifacts" ||
	test_skip_all 'npm packages missing: run "npm install" in tests/conformance (make deps does)'

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem -days 2 2>/dev/null ||
	test_skip_all 'openssl cannot make a certificate'
rm -f emu.env
git-synapse-emulator --listen 127.0.0.1:0 --cert cert.pem --key key.pem --retry-after 0 \
	--page-size 25 --ready-file emu.env -q &
emu_pid=$!
git synapse emulator --wait emu.env --timeout 10 || exit 1
. ./emu.env

test_expect_success 'the SDK creates, polls, lists, renames and deletes; triggers; createRun' '
	node "$TEST_DIRECTORY/conformance/conformance.mjs" >out 2>&1 || { cat out; false; } &&
	! grep "^not ok" out
'

test_expect_success 'the SDK fails cleanly on an untrusted certificate' '
	(unset NODE_EXTRA_CA_CERTS; test_must_fail node "$TEST_DIRECTORY/conformance/conformance.mjs" >out 2>&1) &&
	grep "^not ok 1" out
'

kill $emu_pid && wait $emu_pid
test_done
