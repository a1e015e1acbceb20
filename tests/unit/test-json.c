/* Unit tests: JSON loading positions, pointers, references, type table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "artifact-type.h"
#include "json.h"
#include "refs.h"

static const char doc[] =
	"{\n"
	"\t\"name\": \"PL\",\n"
	"\t\"properties\": {\n"
	"\t\t\"activities\": [\n"
	"\t\t\t{\"name\": \"a/b\", \"x~y\": 1},\n"
	"\t\t\t{\"name\": \"c\", \"v\": \"s\\\"]}\"}\n"
	"\t\t]\n"
	"\t}\n"
	"}\n";

static void locate_finds_values_by_pointer(void **state)
{
	int line, col;

	(void)state;
	assert_int_equal(json_locate(doc, strlen(doc), "", &line, &col), 0);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	assert_int_equal(json_locate(doc, strlen(doc), "/name", &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 10);
	assert_int_equal(json_locate(doc, strlen(doc), "/properties/activities/1", &line, &col), 0);
	assert_int_equal(line, 6);
	assert_int_equal(col, 4);
	assert_int_equal(json_locate(doc, strlen(doc), "/properties/activities/1/v", &line, &col), 0);
	assert_int_equal(line, 6);
	assert_int_equal(col, 23);
	assert_int_equal(json_locate(doc, strlen(doc), "/properties/activities/0/x~0y", &line, &col), 0);
	assert_int_equal(line, 5);
}

static void locate_fails_softly(void **state)
{
	int line, col;

	(void)state;
	assert_int_equal(json_locate(doc, strlen(doc), "/properties/nope", &line, &col), -1);
	assert_int_equal(line, 3); /* the nearest enclosing value */
	assert_int_equal(json_locate(doc, strlen(doc), "/properties/activities/9", &line, &col), -1);
	assert_int_equal(json_locate("{\"a\":", 5, "/a/b", &line, &col), -1);
	assert_int_equal(json_locate("", 0, "/a", &line, &col), -1);
}

/* A NUL byte after a scalar (found by fuzz-artifact): still no delimiter. */
static void locate_steps_over_nul_bytes(void **state)
{
	static const char text[] = "{\"a\": 4\0, \"b\": {\"c\": 1}}";
	int line, col;

	(void)state;
	assert_int_equal(json_locate(text, sizeof(text) - 1, "/b/c", &line, &col), 0);
	assert_int_equal(col, 22);
}

static void parse_errors_have_line_and_column(void **state)
{
	struct json_error err;
	json_t *j;

	(void)state;
	j = json_parse("{\n  \"a\": 1,\n  ]\n}", 16, &err);
	assert_null(j);
	assert_int_equal(err.line, 3);
	assert_true(err.column >= 3);
	j = json_parse("", 0, &err);
	assert_null(j);
	assert_string_equal(err.text, "empty file");
	j = json_parse("\xef\xbb\xbf{}", 5, &err);
	assert_non_null(j);
	json_decref(j);
}

static void references_are_found_at_any_depth(void **state)
{
	const char *src =
		"{\"name\": \"P\", \"properties\": {\"activities\": ["
		"{\"type\": \"ForEach\", \"typeProperties\": {\"activities\": ["
		"  {\"type\": \"ExecutePipeline\", \"typeProperties\": {\"pipeline\": {\"referenceName\": \"Q\", \"type\": \"PipelineReference\"}}},"
		"  {\"type\": \"Switch\", \"typeProperties\": {\"cases\": [{\"activities\": ["
		"    {\"type\": \"Copy\", \"inputs\": [{\"referenceName\": \"DS\", \"type\": \"DatasetReference\"}]}]}]}}]}},"
		"{\"type\": \"SynapseNotebook\", \"typeProperties\": {\"notebook\": {\"referenceName\": {\"value\": \"@x\", \"type\": \"Expression\"}, \"type\": \"NotebookReference\"},"
		" \"sparkPool\": {\"referenceName\": \"pool\", \"type\": \"BigDataPoolReference\"}}},"
		"{\"type\": \"Web\", \"linkedServiceName\": {\"referenceName\": \"@pipeline().x\", \"type\": \"LinkedServiceReference\"}},"
		"{\"type\": \"Custom\", \"odd\": {\"referenceName\": \"z\", \"type\": \"UnknownKindReference\"}}"
		"]}}";
	struct json_error err;
	json_t *j = json_parse(src, strlen(src), &err);
	struct reference *refs = NULL;
	size_t nr = 0, alloc = 0;

	(void)state;
	assert_non_null(j);
	assert_int_equal(refs_extract(j, &refs, &nr, &alloc), 6);
	assert_string_equal(refs[0].name, "Q");
	assert_true(refs[0].execute_pipeline);
	assert_ptr_equal(refs[0].type, artifact_type_by_name("pipeline"));
	assert_string_equal(refs[0].pointer, "/properties/activities/0/typeProperties/activities/0/typeProperties/pipeline");
	assert_string_equal(refs[1].name, "DS");
	assert_false(refs[1].execute_pipeline);
	assert_true(refs[2].dynamic);
	assert_null(refs[2].name);
	assert_string_equal(refs[3].name, "pool");
	assert_ptr_equal(refs[3].type, artifact_type_by_name("bigDataPool"));
	assert_true(refs[4].dynamic);
	assert_null(refs[5].type);           /* an unknown kind is kept, untyped */
	assert_string_equal(refs[5].type_name, "UnknownKindReference");
	refs_free(refs, nr);
	json_decref(j);
}

static void type_table_maps_paths_and_names(void **state)
{
	const char *parent;
	size_t plen;
	const struct artifact_type *t;

	(void)state;
	t = artifact_type_for_path("pipeline/PL.json", &parent, &plen);
	assert_string_equal(t->name, "pipeline");
	assert_null(parent);
	t = artifact_type_for_path("managedVirtualNetwork/default/managedPrivateEndpoint/pe.json", &parent, &plen);
	assert_string_equal(t->name, "managedPrivateEndpoint");
	t = artifact_type_for_path("managedVirtualNetwork/default.json", &parent, &plen);
	assert_string_equal(t->name, "managedVirtualNetwork");
	t = artifact_type_for_path("database/DB1/table/T.json", &parent, &plen);
	assert_string_equal(t->name, "databaseTable");
	assert_int_equal(plen, 3);
	assert_memory_equal(parent, "DB1", 3);
	assert_null(artifact_type_for_path("pipeline/sub/PL.json", &parent, &plen));
	assert_null(artifact_type_for_path("Pipeline/PL.json", &parent, &plen));
	assert_string_equal(artifact_type_by_ref("DatasetReference")->collection, "datasets");
	assert_string_equal(artifact_type_by_arm("Microsoft.Synapse/workspaces/notebooks")->poll_path,
			    "notebookOperationResults");
	assert_true(artifact_root_folder_known("templates"));
	assert_false(artifact_root_folder_known("misc"));
	/* every row that lives in Git has a folder; every ARM type is unique */
	for (size_t i = 0; i < artifact_types_nr; i++) {
		if (artifact_types[i].flags & ATF_IN_GIT)
			assert_non_null(artifact_types[i].folder);
		for (size_t k = i + 1; k < artifact_types_nr; k++)
			if (artifact_types[i].arm_type && artifact_types[k].arm_type)
				assert_string_not_equal(artifact_types[i].arm_type, artifact_types[k].arm_type);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(locate_finds_values_by_pointer),
		cmocka_unit_test(locate_fails_softly),
		cmocka_unit_test(locate_steps_over_nul_bytes),
		cmocka_unit_test(parse_errors_have_line_and_column),
		cmocka_unit_test(references_are_found_at_any_depth),
		cmocka_unit_test(type_table_maps_paths_and_names),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
