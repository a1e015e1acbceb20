#!/bin/sh
test_description='git synapse lint on hostile input: one finding or one clear error, never a crash'
. ./test-lib.sh

# lint must exit 0, 1 or 128 with a message: never a signal, never 126/127.
lint_survives() {
	git synapse lint "$@" >out 2>err
	rc=$?
	case $rc in
	0|1) return 0 ;;
	128) test -s err ;;
	*) echo "lint exited $rc"; cat err; return 1 ;;
	esac
}

test_expect_success 'setup' '
	write_artifact pipeline/PL_Ok.json PL_Ok "{\"activities\": []}"
'

test_expect_success 'an empty file is one SYN001 finding' '
	: >pipeline/PL_Empty.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Empty.json:1:1: error: empty file \[SYN001 invalid-json\]$" out &&
	test_line_count = 1 out &&
	rm pipeline/PL_Empty.json
'

test_expect_success 'invalid UTF-8 is one SYN001 finding with its position' '
	printf "{\n\t\"name\": \"PL_U\xff\xfe\",\n\t\"properties\": {}\n}" >pipeline/PL_U.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_U.json:2:[0-9]*: error: .*\[SYN001 invalid-json\]$" out &&
	rm pipeline/PL_U.json
'

test_expect_success 'a UTF-8 byte-order mark is accepted' '
	printf "\357\273\277{\"name\": \"PL_Bom\", \"properties\": {\"activities\": []}}" >pipeline/PL_Bom.json &&
	git synapse lint >out &&
	test_must_be_empty out &&
	rm pipeline/PL_Bom.json
'

test_expect_success 'a 50 MB string is read and checked' '
	python3 -c "import sys; sys.stdout.write(\"{\\\"name\\\": \\\"PL_Big\\\", \\\"properties\\\": {\\\"description\\\": \\\"\" + \"x\" * (50 << 20) + \"\\\", \\\"activities\\\": []}}\")" >pipeline/PL_Big.json &&
	git synapse lint >out &&
	test_must_be_empty out &&
	rm pipeline/PL_Big.json
'

test_expect_success 'deep nesting is one finding, not a stack overflow' '
	python3 -c "import sys; sys.stdout.write(\"{\\\"name\\\": \\\"PL_Deep\\\", \\\"properties\\\": \" + \"[\" * 100000 + \"]\" * 100000 + \"}\")" >pipeline/PL_Deep.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Deep.json:1:[0-9]*: error: .*\[SYN001 invalid-json\]$" out &&
	rm pipeline/PL_Deep.json
'

test_expect_success 'a symbolic link loop in the root is not followed' '
	ln -s .. pipeline/loop &&
	ln -s loop2 pipeline/loop1 && ln -s loop1 pipeline/loop2 &&
	lint_survives &&
	rm pipeline/loop pipeline/loop1 pipeline/loop2
'

test_expect_success 'a symbolic link named like an artifact is SYN015' '
	ln -s /nonexistent pipeline/PL_Link.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Link.json: error: .* \[SYN015 not-a-file\]$" out &&
	rm pipeline/PL_Link.json
'

test_expect_success 'a directory where a file belongs is SYN015' '
	mkdir pipeline/PL_Dir.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Dir.json: error: .pipeline/PL_Dir.json. is a directory, not an artifact file \[SYN015 not-a-file\]$" out &&
	rmdir pipeline/PL_Dir.json
'

test_expect_success 'a name like ../../x is refused, and so is the path' '
	write_artifact pipeline/x.json "../../x" "{\"activities\": []}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "pipeline name .\.\./\.\./x. contains a character" out &&
	test_expect_code 128 git synapse lint ../../x 2>err &&
	test_grep "^fatal: .\.\./\.\./x. is outside" err &&
	rm pipeline/x.json
'

test_expect_success 'JSON that is not an artifact is SYN016' '
	echo "[1, 2]" >pipeline/PL_Arr.json &&
	echo "\"s\"" >pipeline/PL_Str.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "PL_Arr.json:1:1: error: .* \[SYN016 invalid-artifact\]" out &&
	test_grep "PL_Str.json:1:1: error: .* \[SYN016 invalid-artifact\]" out &&
	rm pipeline/PL_Arr.json pipeline/PL_Str.json
'

test_expect_success 'duplicate keys, NUL bytes and truncation are findings' '
	printf "{\"name\": \"A\", \"name\": \"B\", \"properties\": {}}" >pipeline/PL_Dup.json &&
	printf "{\"name\": \"PL_Nul\\\\u0000\", \"properties\": {}}" >pipeline/PL_Nul.json &&
	printf "{\"name\": \"PL_Tr\", \"prop" >pipeline/PL_Tr.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "PL_Dup.json:1:[0-9]*: error: duplicate object key" out &&
	test_grep "PL_Nul.json:.*contains a control character" out &&
	test_grep "PL_Tr.json:1:[0-9]*: error: .*\[SYN001" out &&
	rm pipeline/PL_Dup.json pipeline/PL_Nul.json pipeline/PL_Tr.json
'

test_expect_success 'CRLF line ends give the same lines and columns' '
	printf "{\r\n\t\"name\": \"PL_Crlf\",\r\n\t\"properties\": {\r\n\t\t\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS_X\", \"type\": \"DatasetReference\"}]}]\r\n\t}\r\n}\r\n" >pipeline/PL_Crlf.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Crlf.json:4:[0-9]*: error: dataset .DS_X. does not exist" out &&
	rm pipeline/PL_Crlf.json
'

test_done
