#!/bin/sh
# Emulator throughput (wrk, simple GETs on loopback; target >= 5,000/s) and
# the client's overhead over raw libcurl (target < 0.2 ms per request).
set -e
cd "$(dirname "$0")/.."
mkdir -p bench/out
out=bench/out/emulator
rm -rf "$out" && mkdir -p "$out"

./git-synapse-emulator --listen 127.0.0.1:0 --retry-after 0 --ready-file "$out/env" -q &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
./git-synapse-emulator --wait "$out/env" --timeout 10
. "$out/env"
token=$(curl -s -X POST "${AZURE_AUTHORITY_HOST}$AZURE_TENANT_ID/oauth2/v2.0/token" \
	-d "grant_type=client_credentials&client_id=$AZURE_CLIENT_ID&client_secret=$AZURE_CLIENT_SECRET" \
	-d "scope=https://dev.azuresynapse.net/.default" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
curl -s -o /dev/null -X PUT -H "Authorization: Bearer $token" -d '{"properties":{"activities":[]}}' \
	"$SYNAPSE_ENDPOINT/pipelines/P1?api-version=2020-12-01"
url="$SYNAPSE_ENDPOINT/pipelines/P1?api-version=2020-12-01"

if command -v wrk >/dev/null 2>&1; then
	wrk -t2 -c32 -d5s -H "Authorization: Bearer $token" "$url" >"$out/wrk.txt"
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out/wrk.txt")
	echo "emulator: $rps requests/s (GET one pipeline, wrk -t2 -c32, 5 s)"
	awk -v r="$rps" 'BEGIN { printf "emulator: ratio to the 5,000/s target: %.2f\n", r / 5000 }'
else
	echo "emulator: wrk not installed (Debian package wrk); throughput not measured"
fi

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon \
	$(pkg-config --cflags libcurl jansson) -DGIT_SYNAPSE_VERSION='"bench"' \
	-o "$out/http-overhead" bench/http-overhead.c common/libsynapse.a \
	$(pkg-config --libs libgit2 libcurl jansson libpcre2-8 libmicrohttpd) -lm
"$out/http-overhead" "$url" "$token" 5000
