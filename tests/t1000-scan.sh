#!/bin/sh
test_description='git synapse scan finds secrets, never prints them, and can be told about known ones'
. ./test-lib.sh

jwt="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.$(printf '{"sub":"t1000","iat":1700000000}' | base64 -w0 | tr '+/' '-_' | tr -d '=').dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ"
key="$(printf 'Zm9yLXRlc3RzLW9ubHk%.0s' 1 2 3 4 | cut -c1-76)+AStAbCdEw=="

test_expect_success 'setup' '
	echo .home/ >>.git/info/exclude &&
	write_artifact pipeline/PL_A.json PL_A "{\"activities\": [], \"parameters\": {\"Bearer\": {\"type\": \"string\", \"defaultValue\": \"$jwt\"}}}" &&
	write_artifact linkedService/LS_Kv.json LS_Kv "{\"type\": \"AzureBlobStorage\", \"typeProperties\": {\"connectionString\": \"DefaultEndpointsProtocol=https;AccountName=x;EndpointSuffix=core.windows.net\", \"accountKey\": {\"type\": \"AzureKeyVaultSecret\", \"store\": {\"referenceName\": \"KV\", \"type\": \"LinkedServiceReference\"}, \"secretName\": \"k\"}}}" &&
	write_artifact linkedService/LS_Inline.json LS_Inline "{\"type\": \"AzureSqlDatabase\", \"typeProperties\": {\"connectionString\": \"Server=tcp:x.database.windows.net;User ID=u;Password=Hunter2Hunter2\", \"password\": {\"type\": \"SecureString\", \"value\": \"**********\"}}}" &&
	write_artifact notebook/NB_A.json NB_A "{\"cells\": [{\"source\": [\"key = \\\"$key\\\"\\n\"]}]}" &&
	git add pipeline linkedService notebook && git commit -qm base
'

test_expect_success 'secrets are found with path, line, JSON pointer and rule' '
	test_expect_code 1 git synapse scan --format=json >out.json &&
	test_grep "\"path\": \"pipeline/PL_A.json\"" out.json &&
	test_grep "\"pointer\": \"/properties/parameters/Bearer/defaultValue\"" out.json &&
	test_grep "\"rule\": \"SEC023\"" out.json &&
	test_grep "\"rule\": \"SEC020\"" out.json &&
	test_grep "\"rule\": \"SEC001\"" out.json &&
	test_grep "\"pointer\": \"/properties/cells/0/source/0\"" out.json &&
	test_grep ! "LS_Kv" out.json
'

test_expect_success 'no output ever holds the secret' '
	test_expect_code 1 git synapse scan >out 2>err &&
	test_expect_code 1 git synapse scan --format=sarif >out.sarif &&
	for f in out err out.json out.sarif
	do
		test_grep ! "$jwt" $f && test_grep ! "Hunter2" $f && test_grep ! "$key" $f || return 1
	done &&
	test_grep "eyJh\.\.\. ($(printf %s "$jwt" | wc -c) characters)" out.json
'

test_expect_success 'the line and column point at the secret' '
	test_expect_code 1 git synapse scan pipeline >out &&
	test_grep "^pipeline/PL_A.json:3:.*SEC023" out
'

test_expect_success 'fingerprints survive the code moving' '
	test_expect_code 1 git synapse scan --format=json pipeline >a.json &&
	printf "{\n\n\n%s" "$(cat pipeline/PL_A.json | tail -n +2)" >moved && mv moved pipeline/PL_A.json &&
	test_expect_code 1 git synapse scan --format=json pipeline >b.json &&
	grep "fingerprint" a.json >fa && grep "fingerprint" b.json >fb && test_cmp fa fb &&
	git checkout pipeline
'

test_expect_success 'a baseline accepts known secrets; only new ones fail' '
	git synapse scan --update-baseline 2>err &&
	test_grep "wrote 3 fingerprint" err &&
	git synapse scan --baseline .synapse-baseline &&
	write_artifact pipeline/PL_B.json PL_B "{\"activities\": [], \"parameters\": {\"T\": {\"type\": \"string\", \"defaultValue\": \"$jwt\"}}}" &&
	test_expect_code 1 git synapse scan --baseline .synapse-baseline >out &&
	test_grep "PL_B.json" out && test_grep ! "PL_A.json" out &&
	rm pipeline/PL_B.json .synapse-baseline
'

test_expect_success 'scan.allow and the inline marker suppress findings' '
	test_expect_code 1 git -c scan.allow=path:^pipeline/ -c scan.allow=rule:SEC020 synapse scan >out &&
	test_grep ! "PL_A" out && test_grep ! SEC020 out &&
	write_artifact notebook/NB_A.json NB_A "{\"cells\": [{\"source\": [\"key = \\\"$key\\\"  # synapse:allow-secret\\n\"]}]}" &&
	git synapse scan notebook &&
	git checkout notebook
'

test_expect_success 'a rule from configuration' '
	echo "id ACME-0123456789abcdef0123" >notes.txt &&
	git synapse scan notes.txt &&
	test_expect_code 1 git -c "scan.rule=ACME1:acme-:ACME-[0-9a-f]{20}" synapse scan notes.txt >out &&
	test_grep "ACME1" out && rm notes.txt
'

test_expect_success '--staged scans the index, --rev a commit, --history every commit' '
	write_artifact pipeline/PL_C.json PL_C "{\"activities\": [], \"parameters\": {\"T\": {\"type\": \"string\", \"defaultValue\": \"$jwt\"}}}" &&
	git synapse scan --staged &&
	git add pipeline/PL_C.json &&
	test_expect_code 1 git synapse scan --staged >out && test_grep PL_C out && test_grep ! PL_A out &&
	git rm -q --cached pipeline/PL_C.json && rm pipeline/PL_C.json &&
	write_artifact pipeline/PL_A.json PL_A "{\"activities\": []}" &&
	git add pipeline && git synapse scan --staged &&
	git commit -qm "remove token" &&
	git synapse scan pipeline &&
	test_expect_code 1 git synapse scan --rev HEAD~1 pipeline >out && test_grep PL_A out &&
	test_expect_code 1 git synapse scan --history >out &&
	first=$(git rev-parse --short=12 HEAD~1) &&
	test_grep "^$first:pipeline/PL_A.json" out &&
	git synapse scan --rev HEAD~1..HEAD pipeline
'

test_expect_success '--no-index and --root scan plain folders' '
	mkdir -p "$HOME/plain" && printf "password = \"Sup3r-S3cret-Val\"\n" >"$HOME/plain/app.cfg" &&
	test_expect_code 1 git synapse scan --no-index "$HOME/plain" >out &&
	test_grep "plain/app.cfg:1:.*SEC040" out &&
	test_expect_code 1 git synapse scan --root "$HOME/plain" >out &&
	test_grep "app.cfg" out
'

test_expect_success 'usage matches the man page synopsis' '
	git synapse scan -h >out &&
	sed -n "/^\[verse\]/,/^\$/p" "$TEST_DIRECTORY/../man/git-synapse-scan.adoc" | sed "1d;/^\$/d" >synopsis &&
	sed -n "s/^usage: //p" out >usage &&
	test_cmp synopsis usage
'

test_expect_success CORPUS 'every REAL row of the corpus is found, no NEGATIVE row reported' '
	(cd "$CORPUS_DIR" && git synapse scan --no-index . >"$TRASH_DIRECTORY/corpus.out" 2>/dev/null; test $? = 1) &&
	grep -v "^#" "$CORPUS_DIR/secrets.tsv" | while IFS="	" read verdict kind file path note
	do
		case "$verdict" in
		REAL) grep -F "$file:" corpus.out >/dev/null || { echo "missed $file"; return 1; } ;;
		NEGATIVE) if grep -F "$file:" corpus.out; then echo "reported $file"; return 1; fi ;;
		esac
	done
'

test_expect_success CORPUS 'the vectorised keyword pass finds what the byte loop finds' '
	(cd "$CORPUS_DIR" && git synapse scan --no-index --format=json . >"$TRASH_DIRECTORY/simd.json" 2>/dev/null; test $? = 1) &&
	(cd "$CORPUS_DIR" && GIT_SYNAPSE_SIMD=none git synapse scan --no-index --format=json . >"$TRASH_DIRECTORY/bytes.json" 2>/dev/null; test $? = 1) &&
	(cd "$CORPUS_DIR" && GIT_SYNAPSE_SIMD=avx2 git synapse scan --no-index --format=json . >"$TRASH_DIRECTORY/avx2.json" 2>/dev/null; test $? = 1) &&
	test_cmp bytes.json simd.json &&
	test_cmp bytes.json avx2.json &&
	grep "\"rule\"" simd.json >rules && test_line_count -gt 8 rules
'

test_expect_success 'the work tree scan leaves out files git ignores and does not track' '
	git init -q ign && (
		cd ign &&
		write_artifact pipeline/PL.json PL "{\"activities\": []}" &&
		mkdir -p scratch &&
		printf "Server=db;User ID=app;Password=Zq8!vR2#mK5pL9;\n" >scratch/notes.txt &&
		echo scratch/ >.gitignore &&
		git synapse scan >../out &&
		test_must_be_empty ../out &&
		git add -f scratch/notes.txt &&
		test_expect_code 1 git synapse scan >../out
	) &&
	test_grep "^scratch/notes.txt:1:" out
'

test_done
