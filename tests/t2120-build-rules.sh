#!/bin/sh
test_description='git synapse build: determinism, workspace name, definitions, silent Publish rules'
. ./test-lib.sh

test_have_prereq JQ || test_skip_all "needs jq"

make_workspace() {
	# make_workspace <dir> <order>: the same artifacts, created in two orders
	mkdir -p "$1" &&
	if test "$2" = reverse
	then
		set -- "$1" trigger/TR_Daily.json linkedService/LS_B.json linkedService/LS_A.json dataset/DS_A.json pipeline/PL_B.json pipeline/PL_A.json
	else
		set -- "$1" pipeline/PL_A.json pipeline/PL_B.json dataset/DS_A.json linkedService/LS_A.json linkedService/LS_B.json trigger/TR_Daily.json
	fi &&
	dir=$1 && shift &&
	for f in "$@"
	do
		case "$f" in
		pipeline/PL_A.json) write_artifact "$dir/$f" PL_A "{\"activities\": [{\"name\": \"Copy\", \"type\": \"Copy\", \"dependsOn\": [], \"inputs\": [{\"referenceName\": \"DS_A\", \"type\": \"DatasetReference\"}], \"typeProperties\": {}}]}" ;;
		pipeline/PL_B.json) write_artifact "$dir/$f" PL_B "{\"activities\": [], \"folder\": {\"name\": \"x\"}}" ;;
		dataset/DS_A.json) write_artifact "$dir/$f" DS_A "{\"linkedServiceName\": {\"referenceName\": \"LS_A\", \"type\": \"LinkedServiceReference\"}, \"type\": \"Parquet\"}" ;;
		linkedService/LS_A.json) write_artifact "$dir/$f" LS_A "{\"typeProperties\": {\"url\": \"https://a.dfs.core.windows.net/\"}, \"type\": \"AzureBlobFS\", \"annotations\": []}" ;;
		linkedService/LS_B.json) write_artifact "$dir/$f" LS_B "{\"type\": \"AzureSqlDW\", \"typeProperties\": {\"connectionString\": \"Data Source=x;Initial Catalog=db\"}}" ;;
		trigger/TR_Daily.json) write_artifact "$dir/$f" TR_Daily "{\"type\": \"ScheduleTrigger\", \"pipelines\": [{\"pipelineReference\": {\"referenceName\": \"PL_A\", \"type\": \"PipelineReference\"}}, {\"pipelineReference\": {\"referenceName\": \"PL_Gone\", \"type\": \"PipelineReference\"}}], \"typeProperties\": {}}" ;;
		esac || return 1
	done
}

test_expect_success 'setup' '
	make_workspace ws forward &&
	make_workspace ws2 reverse &&
	cp -r ws/. . && git add pipeline dataset linkedService trigger && git commit -qm base
'

test_expect_success 'the same input gives the same bytes, build after build' '
	git synapse build -q --root ws --workspace w --out one &&
	git synapse build -q --root ws --workspace w --out two &&
	cmp one/w/TemplateForWorkspace.json two/w/TemplateForWorkspace.json &&
	cmp one/w/TemplateParametersForWorkspace.json two/w/TemplateParametersForWorkspace.json
'

test_expect_success 'file-system order does not matter' '
	git synapse build -q --root ws2 --workspace w --out three &&
	cmp one/w/TemplateForWorkspace.json three/w/TemplateForWorkspace.json &&
	cmp one/w/TemplateParametersForWorkspace.json three/w/TemplateParametersForWorkspace.json
'

test_expect_success 'a commit, the work tree and a folder give the same files' '
	git synapse build -q --rev HEAD --workspace w --out four &&
	git synapse build -q --workspace w --out five &&
	cmp one/w/TemplateForWorkspace.json four/w/TemplateForWorkspace.json &&
	cmp one/w/TemplateForWorkspace.json five/w/TemplateForWorkspace.json
'

test_expect_success 'Studio format: tabs, LF, no final newline' '
	head -n 3 one/w/TemplateForWorkspace.json >head &&
	printf "{\n\t\"\$schema\": \"http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#\",\n\t\"contentVersion\": \"1.0.0.0\",\n" >expect &&
	test_cmp expect head &&
	test "$(tail -c 1 one/w/TemplateForWorkspace.json)" = "}" &&
	! grep -q "$(printf "\r")" one/w/TemplateForWorkspace.json
'

test_expect_success 'resources come in Studio type order, then by file name' '
	jq -r ".resources[].name" one/w/TemplateForWorkspace.json >names &&
	cat >expect <<-\EOF &&
	[concat(parameters('"'"'workspaceName'"'"'), '"'"'/PL_A'"'"')]
	[concat(parameters('"'"'workspaceName'"'"'), '"'"'/PL_B'"'"')]
	[concat(parameters('"'"'workspaceName'"'"'), '"'"'/DS_A'"'"')]
	[concat(parameters('"'"'workspaceName'"'"'), '"'"'/LS_A'"'"')]
	[concat(parameters('"'"'workspaceName'"'"'), '"'"'/LS_B'"'"')]
	[concat(parameters('"'"'workspaceName'"'"'), '"'"'/TR_Daily'"'"')]
	EOF
	test_cmp expect names
'

test_expect_success 'a trigger reference to a missing pipeline is dropped, with a warning' '
	git synapse build --root ws --workspace w --out six 2>err &&
	test_grep "warning: trigger .TR_Daily.: pipeline .PL_Gone. does not exist" err &&
	jq -c ".resources[5].properties.pipelines | map(.pipelineReference.referenceName)" six/w/TemplateForWorkspace.json >refs &&
	echo "[\"PL_A\"]" >expect &&
	test_cmp expect refs &&
	jq -c ".resources[5].dependsOn" six/w/TemplateForWorkspace.json >deps &&
	echo "[\"[concat(variables('"'"'workspaceId'"'"'), '"'"'/pipelines/PL_A'"'"')]\"]" >expect &&
	test_cmp expect deps
'

test_expect_success 'built-in definition: connection strings and urls become parameters' '
	jq -c ".parameters | keys_unsorted" one/w/TemplateForWorkspace.json >keys &&
	echo "[\"workspaceName\",\"LS_B_connectionString\",\"LS_A_properties_typeProperties_url\"]" >expect &&
	test_cmp expect keys &&
	jq -r ".parameters.LS_B_connectionString.defaultValue" one/w/TemplateForWorkspace.json >cs &&
	echo "Integrated Security=False;Encrypt=True;Connection Timeout=30;Data Source=x;Initial Catalog=db" >expect &&
	test_cmp expect cs
'

test_expect_success 'linked service keys are put in Studio order' '
	jq -c ".resources[3].properties | keys_unsorted" one/w/TemplateForWorkspace.json >keys &&
	echo "[\"annotations\",\"type\",\"typeProperties\"]" >expect &&
	test_cmp expect keys
'

test_expect_success '--studio=2022 writes the 2022 pipeline policy' '
	git synapse build -q --root ws --workspace w --studio=2022 --out old &&
	jq -c ".resources[0].properties.policy" old/w/TemplateForWorkspace.json >pol &&
	echo "{\"elapsedTimeMetric\":{},\"cancelAfter\":{}}" >expect &&
	test_cmp expect pol &&
	jq -c ".resources[0].properties.policy" one/w/TemplateForWorkspace.json >pol &&
	echo "{\"elapsedTimeMetric\":{}}" >expect &&
	test_cmp expect pol
'

test_expect_success 'a custom definition is honoured, names with - and suffixes' '
	cp -r ws custom &&
	cat >custom/template-parameters-definition.json <<-\EOF &&
	{"Microsoft.Synapse/workspaces/datasets": {"*": {"properties": {"linkedServiceName": {"referenceName": "=:-lsName"}}}},
	 "Microsoft.Synapse/workspaces/linkedServices": {"AzureBlobFS": {"properties": {"typeProperties": {"url": "-:endpoint:string"}}}}}
	EOF
	git synapse build -q --root custom --workspace w --out custom-out &&
	jq -c ".parameters | keys_unsorted" custom-out/w/TemplateForWorkspace.json >keys &&
	echo "[\"workspaceName\",\"LS_B_connectionString\",\"DS_A_lsName\",\"LS_A_properties_typeProperties_endpoint\"]" >expect &&
	test_cmp expect keys &&
	jq -r ".resources[2].dependsOn[0]" custom-out/w/TemplateForWorkspace.json >dep &&
	echo "[concat(variables('"'"'workspaceId'"'"'), '"'"'/linkedServices/'"'"', parameters('"'"'DS_A_lsName'"'"'))]" >expect &&
	test_cmp expect dep
'

test_expect_success 'an invalid definition is an error naming its JSON path' '
	cp -r ws bad &&
	printf "{\"Microsoft.Synapse/workspaces/pipelines\": {\"properties\": {\"activities\": [{\"typeProperties\": {\"url\": \"=::float\"}}]}}}" >bad/template-parameters-definition.json &&
	test_expect_code 128 git synapse build --root bad --workspace w --out bad-out 2>err &&
	test_grep "\$\[.Microsoft.Synapse/workspaces/pipelines.\]\.properties\.activities\[0\]\.typeProperties\.url" err &&
	test_grep "unknown parameter type" err
'

test_expect_success 'an artifact that is not JSON stops the build, naming the file and line' '
	cp -r ws broken &&
	printf "{\n\t\"name\": \"PL_A\",\n\t\"properties\": {\n" >broken/pipeline/PL_A.json &&
	test_expect_code 128 git synapse build --root broken --workspace w --out broken-out 2>err &&
	test_grep "pipeline/PL_A.json.*line" err
'

test_expect_success 'no workspace name is an error with a hint' '
	test_expect_code 128 git synapse build --root ws --out none 2>err &&
	test_grep "no workspace name" err &&
	test_grep "hint:.*--workspace" err
'

test_expect_success 'the workspace name comes from synapse.workspace, else the only environment' '
	git -c synapse.workspace=from-cfg synapse build -q --out cfg &&
	test -f cfg/from-cfg/TemplateForWorkspace.json &&
	git -c env.dev.workspace=from-env synapse build -q --out env &&
	test -f env/from-env/TemplateForWorkspace.json &&
	jq -r ".parameters.workspaceName.defaultValue" env/from-env/TemplateForWorkspace.json >name &&
	echo from-env >expect &&
	test_cmp expect name
'

test_expect_success 'the parameters file carries defaults, or "" without one' '
	jq -c ".parameters" one/w/TemplateParametersForWorkspace.json >p &&
	echo "{\"workspaceName\":{\"value\":\"w\"},\"LS_B_connectionString\":{\"value\":\"Integrated Security=False;Encrypt=True;Connection Timeout=30;Data Source=x;Initial Catalog=db\"},\"LS_A_properties_typeProperties_url\":{\"value\":\"https://a.dfs.core.windows.net/\"}}" >expect &&
	test_cmp expect p
'

test_done
