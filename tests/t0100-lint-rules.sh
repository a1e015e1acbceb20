#!/bin/sh
test_description='git synapse lint: each rule, output formats and exit codes'
. ./test-lib.sh

test_expect_success 'setup a clean workspace' '
	write_artifact linkedService/LS_Lake.json LS_Lake \
		"{\"type\": \"AzureBlobFS\", \"typeProperties\": {\"url\": \"https://x.dfs.core.windows.net\"}}" &&
	write_artifact dataset/DS_Sales.json DS_Sales \
		"{\"type\": \"Parquet\", \"linkedServiceName\": {\"referenceName\": \"LS_Lake\", \"type\": \"LinkedServiceReference\"}}" &&
	write_artifact pipeline/PL_Child.json PL_Child "{\"activities\": []}" &&
	write_artifact pipeline/PL_Load.json PL_Load "{\"activities\": [
		{\"name\": \"Copy\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS_Sales\", \"type\": \"DatasetReference\"}]},
		{\"name\": \"Each\", \"type\": \"ForEach\", \"typeProperties\": {\"activities\": [
			{\"name\": \"Run\", \"type\": \"ExecutePipeline\", \"typeProperties\": {\"pipeline\": {\"referenceName\": \"PL_Child\", \"type\": \"PipelineReference\"}}},
			{\"name\": \"Dyn\", \"type\": \"SynapseNotebook\", \"typeProperties\": {\"notebook\": {\"referenceName\": {\"value\": \"@pipeline().parameters.nb\", \"type\": \"Expression\"}, \"type\": \"NotebookReference\"}}}
		]}}]}" &&
	write_artifact trigger/TR_Daily.json TR_Daily "{\"type\": \"ScheduleTrigger\", \"pipelines\": [{\"pipelineReference\": {\"referenceName\": \"PL_Load\", \"type\": \"PipelineReference\"}}]}" &&
	write_artifact integrationRuntime/AutoResolveIntegrationRuntime.json AutoResolveIntegrationRuntime "{\"type\": \"Managed\"}" &&
	printf "{\"publishBranch\": \"workspace_publish\"}" >publish_config.json &&
	git add . && git commit -qm clean
'

test_expect_success 'a clean workspace has no finding and exits 0' '
	git synapse lint >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'invalid JSON is SYN001 with line and column' '
	printf "{\n\t\"name\": \"PL_Bad\",\n\t\"properties\": {,}\n}" >pipeline/PL_Bad.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Bad.json:3:[0-9]*: error: .* \[SYN001 invalid-json\]$" out &&
	rm pipeline/PL_Bad.json
'

test_expect_success 'a file not named after its artifact is SYN002' '
	write_artifact pipeline/PL_Other.json PL_Renamed "{\"activities\": []}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Other.json:2:[0-9]*: error: artifact name .PL_Renamed. does not match the file name .PL_Other. \[SYN002 file-name\]" out &&
	rm pipeline/PL_Other.json
'

test_expect_success 'an artifact in the wrong folder is SYN003' '
	write_artifact dataset/PL_Lost.json PL_Lost "{\"activities\": []}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "dataset/PL_Lost.json.*looks like a pipeline, but it is in the dataset folder \[SYN003" out &&
	rm dataset/PL_Lost.json
'

test_expect_success 'an unknown folder is a warning (SYN004), an error only with --strict' '
	mkdir -p misc && write_artifact misc/x.json x &&
	git synapse lint >out &&
	test_grep "^misc: warning: unknown folder .misc. under the artifact root \[SYN004 unknown-folder\]" out &&
	test_expect_code 1 git synapse lint --strict >out &&
	rm -r misc
'

test_expect_success 'a name Synapse refuses is SYN005' '
	write_artifact pipeline/a.b.json "a.b" "{\"activities\": []}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "pipeline name .a.b. contains a character Synapse does not allow.*SYN005" out &&
	rm pipeline/a.b.json
'

test_expect_success 'the configured name pattern is SYN006' '
	git config -f .synapseconfig lint.pipeline.pattern "^PL_[A-Z][A-Za-z]+\$" &&
	write_artifact pipeline/load_sales.json load_sales "{\"activities\": []}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "pipeline/load_sales.json:2:.*does not match the pattern .*\[SYN006 name-pattern\]" out &&
	test_line_count = 1 out &&
	rm pipeline/load_sales.json .synapseconfig
'

test_expect_success 'a bad configured pattern is a fatal error' '
	git config -f .synapseconfig lint.pipeline.pattern "([" &&
	test_expect_code 128 git synapse lint 2>err &&
	test_grep "bad regular expression in .lint.pipeline.pattern." err &&
	rm .synapseconfig
'

test_expect_success 'names that differ only by case are SYN007' '
	write_artifact pipeline/pl_load.json pl_load "{\"activities\": []}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "has the same name as .*\[SYN007 duplicate-name\]" out &&
	rm pipeline/pl_load.json
'

test_expect_success 'a missing reference is SYN008 with the near miss in a hint' '
	write_artifact pipeline/PL_Miss.json PL_Miss "{\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS_Sale\", \"type\": \"DatasetReference\"}]}]}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "^pipeline/PL_Miss.json:[0-9]*:[0-9]*: error: dataset .DS_Sale. does not exist \[SYN008 missing-reference\]$" out &&
	test_grep "^hint: did you mean .DS_Sales. (dataset/DS_Sales.json)?$" out &&
	rm pipeline/PL_Miss.json
'

test_expect_success 'a reference that differs by case resolves, with a warning (SYN014)' '
	write_artifact pipeline/PL_Case.json PL_Case "{\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"ds_sales\", \"type\": \"DatasetReference\"}]}]}" &&
	git synapse lint >out &&
	test_grep "differs in case from .DS_Sales. \[SYN014 reference-case\]" out &&
	test_expect_code 1 git synapse lint --strict >/dev/null &&
	rm pipeline/PL_Case.json
'

test_expect_success 'a reference to an artifact of another type is SYN009' '
	write_artifact pipeline/PL_Type.json PL_Type "{\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"PL_Child\", \"type\": \"DatasetReference\"}]}]}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "DatasetReference refers to .PL_Child., which is a pipeline, not a dataset.*SYN009" out &&
	rm pipeline/PL_Type.json
'

test_expect_success 'Execute Pipeline cycles are SYN010, nested activities included' '
	write_artifact pipeline/PL_A.json PL_A "{\"activities\": [{\"name\": \"If\", \"type\": \"IfCondition\", \"typeProperties\": {\"ifTrueActivities\": [{\"name\": \"R\", \"type\": \"ExecutePipeline\", \"typeProperties\": {\"pipeline\": {\"referenceName\": \"PL_B\", \"type\": \"PipelineReference\"}}}]}}]}" &&
	write_artifact pipeline/PL_B.json PL_B "{\"activities\": [{\"name\": \"R\", \"type\": \"ExecutePipeline\", \"typeProperties\": {\"pipeline\": {\"referenceName\": \"PL_A\", \"type\": \"PipelineReference\"}}}]}" &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "Execute Pipeline cycle: PL_A -> PL_B -> PL_A \[SYN010 pipeline-cycle\]" out &&
	test_line_count = 2 out &&
	rm pipeline/PL_A.json pipeline/PL_B.json
'

test_expect_success 'a trigger of a missing pipeline is a warning (SYN011)' '
	write_artifact trigger/TR_Gone.json TR_Gone "{\"type\": \"ScheduleTrigger\", \"pipelines\": [{\"pipelineReference\": {\"referenceName\": \"PL_Gone\", \"type\": \"PipelineReference\"}}]}" &&
	git synapse lint >out &&
	test_grep "trigger/TR_Gone.json:.*: warning: trigger .TR_Gone. references pipeline .PL_Gone., which does not exist \[SYN011" out &&
	rm trigger/TR_Gone.json
'

test_expect_success 'an invalid template-parameters-definition.json is SYN012 naming the path' '
	printf "{\"Microsoft.Synapse/workspaces/pipelines\": {\"properties\": {\"x\": \"=:name:nosuchtype\"}}}" >template-parameters-definition.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "template-parameters-definition.json:1:[0-9]*: error: at .*properties\.x: unknown parameter type .nosuchtype. .*\[SYN012" out &&
	rm template-parameters-definition.json
'

test_expect_success 'an invalid publish_config.json is SYN013' '
	printf "{\"publishBranch\": \"bad..name\"}" >publish_config.json &&
	test_expect_code 1 git synapse lint >out &&
	test_grep "publish_config.json:1:.*not a valid branch name \[SYN013" out &&
	git checkout publish_config.json
'

test_expect_success 'a rule can be switched off in configuration, by name or id' '
	write_artifact pipeline/PL_Other.json PL_Renamed "{\"activities\": []}" &&
	git -c lint.file-name=false synapse lint >out &&
	test_must_be_empty out &&
	git -c lint.SYN002=false synapse lint >out &&
	test_must_be_empty out &&
	rm pipeline/PL_Other.json
'

test_expect_success JQ 'JSON output follows the documented schema' '
	write_artifact pipeline/PL_Miss.json PL_Miss "{\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS_Nope\", \"type\": \"DatasetReference\"}]}]}" &&
	test_expect_code 1 git synapse lint --format=json >out.json &&
	jq -e ".findings | length == 1" out.json &&
	jq -e ".findings[0] | (.rule == \"SYN008\") and (.name == \"missing-reference\") and (.severity == \"error\") and (.path == \"pipeline/PL_Miss.json\") and (.line > 0) and (.column > 0) and (.pointer == \"/properties/activities/0/inputs/0\") and (.message | type == \"string\")" out.json &&
	jq -e ".summary.errors == 1 and .summary.warnings == 0 and .summary.files >= 7" out.json
'

test_expect_success JQ 'SARIF output is SARIF 2.1.0 with rules and locations' '
	test_expect_code 1 git synapse lint --format=sarif >out.sarif &&
	jq -e ".version == \"2.1.0\" and (.runs | length == 1)" out.sarif &&
	jq -e ".runs[0].tool.driver.rules | map(.id) | index(\"SYN008\") != null" out.sarif &&
	jq -e ".runs[0].results[0] | .ruleId == \"SYN008\" and .level == \"error\" and .locations[0].physicalLocation.artifactLocation.uri == \"pipeline/PL_Miss.json\" and .locations[0].physicalLocation.region.startLine > 0" out.sarif &&
	rm pipeline/PL_Miss.json
'

test_expect_success 'a bad --format is a usage error' '
	test_expect_code 129 git synapse lint --format=xml 2>err &&
	test_grep "format must be one of" err
'

test_expect_success 'paths restrict what is reported' '
	write_artifact pipeline/PL_Miss.json PL_Miss "{\"activities\": [{\"name\": \"C\", \"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS_Nope\", \"type\": \"DatasetReference\"}]}]}" &&
	git synapse lint dataset >out &&
	test_must_be_empty out &&
	test_expect_code 1 git synapse lint pipeline/PL_Miss.json >out &&
	test_line_count = 1 out &&
	test_expect_code 128 git synapse lint ../../x 2>err &&
	test_grep "outside" err &&
	rm pipeline/PL_Miss.json
'

test_done
