/* Unit tests: template-parameters-definition.json parsing and applying. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tpd.h"
#include "usage.h"

#define PIPE "Microsoft.Synapse/workspaces/pipelines"
#define LS "Microsoft.Synapse/workspaces/linkedServices"
#define TRIG "Microsoft.Synapse/workspaces/triggers"

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);

	assert_non_null(v);
	return v;
}

/* Apply defn to props (JSON text) and return "<params> | <props>" compactly. */
static char *run(const char *defn, const char *arm_type, const char *subtype,
		 const char *artifact, const char *props_text)
{
	struct tpd t;
	struct tpd_params p;
	json_t *props = load(props_text);
	char *a, *b, *out;

	assert_int_equal(tpd_parse(&t, defn, strlen(defn), "tpd"), 0);
	tpd_params_init(&p);
	assert_int_equal(tpd_apply(&t, &p, arm_type, subtype, artifact, props), 0);
	a = json_dumps(p.defs, JSON_COMPACT | JSON_PRESERVE_ORDER);
	b = json_dumps(props, JSON_COMPACT | JSON_PRESERVE_ORDER);
	out = xstrfmt("%s | %s", a, b);
	free(a);
	free(b);
	json_decref(props);
	tpd_params_release(&p);
	tpd_release(&t);
	return out;
}

static void check(const char *defn, const char *arm_type, const char *subtype,
		  const char *props, const char *expect)
{
	char *got = run(defn, arm_type, subtype, "A", props);

	assert_string_equal(got, expect);
	free(got);
}

static void default_names_follow_the_path(void **state)
{
	(void)state;
	check("{\"" LS "\": {\"*\": {\"properties\": {\"typeProperties\": {\"url\": \"=\"}}}}}",
	      LS, "AzureBlobFS", "{\"typeProperties\": {\"url\": \"u\"}}",
	      "{\"A_properties_typeProperties_url\":{\"type\":\"string\",\"defaultValue\":\"u\"}}"
	      " | {\"typeProperties\":{\"url\":\"[parameters('A_properties_typeProperties_url')]\"}}");
}

static void dash_names_shorten_and_plain_names_replace_the_leaf(void **state)
{
	(void)state;
	check("{\"" TRIG "\": {\"properties\": {\"typeProperties\": {\"recurrence\": "
	      "{\"*\": \"=\", \"interval\": \"=:triggerSuffix:int\", \"frequency\": \"=:-freq\"}}}}}",
	      TRIG, NULL, "{\"typeProperties\": {\"recurrence\": {\"frequency\": \"Day\", "
	      "\"interval\": 1, \"startTime\": \"t\"}}}",
	      "{\"A_freq\":{\"type\":\"string\",\"defaultValue\":\"Day\"},"
	      "\"A_properties_typeProperties_recurrence_triggerSuffix\":{\"type\":\"int\",\"defaultValue\":1},"
	      "\"A_properties_typeProperties_recurrence_startTime\":{\"type\":\"string\",\"defaultValue\":\"t\"}}"
	      " | {\"typeProperties\":{\"recurrence\":{\"frequency\":\"[parameters('A_freq')]\","
	      "\"interval\":\"[parameters('A_properties_typeProperties_recurrence_triggerSuffix')]\","
	      "\"startTime\":\"[parameters('A_properties_typeProperties_recurrence_startTime')]\"}}}");
}

static void arrays_apply_to_each_element_and_drop_the_leaf(void **state)
{
	(void)state;
	check("{\"" PIPE "\": {\"properties\": {\"activities\": [{\"typeProperties\": "
	      "{\"waitTimeInSeconds\": \"-::int\", \"activities\": [{\"typeProperties\": "
	      "{\"url\": \"-:-webUrl:string\"}}]}}]}}}",
	      PIPE, NULL, "{\"activities\": [{\"typeProperties\": {}}, "
	      "{\"typeProperties\": {\"waitTimeInSeconds\": 5}}, {\"typeProperties\": "
	      "{\"activities\": [{\"typeProperties\": {\"url\": \"x\"}}]}}]}",
	      "{\"A_properties_1_typeProperties\":{\"type\":\"int\"},\"A_webUrl\":{\"type\":\"string\"}}"
	      " | {\"activities\":[{\"typeProperties\":{}},{\"typeProperties\":{\"waitTimeInSeconds\":"
	      "\"[parameters('A_properties_1_typeProperties')]\"}},{\"typeProperties\":{\"activities\":"
	      "[{\"typeProperties\":{\"url\":\"[parameters('A_webUrl')]\"}}]}}]}");
}

static void pipe_is_secure_and_parameterizes_key_vault_secret_names(void **state)
{
	(void)state;
	check("{\"" LS "\": {\"*\": {\"properties\": {\"typeProperties\": {\"baseUrl\": \"|\", "
	      "\"password\": \"|\"}}}}}",
	      LS, "X", "{\"typeProperties\": {\"baseUrl\": \"b\", \"password\": {\"type\": "
	      "\"AzureKeyVaultSecret\", \"secretName\": \"s\"}}}",
	      "{\"A_properties_typeProperties_baseUrl\":{\"type\":\"secureString\",\"metadata\":"
	      "\"Secure string for 'baseUrl' of 'A'\"},\"A_properties_typeProperties_password_secretName\":"
	      "{\"type\":\"string\",\"defaultValue\":\"s\"}} | {\"typeProperties\":{\"baseUrl\":"
	      "\"[parameters('A_properties_typeProperties_baseUrl')]\",\"password\":{\"type\":"
	      "\"AzureKeyVaultSecret\",\"secretName\":\"[parameters('A_properties_typeProperties_password_secretName')]\"}}}");
}

static void named_sub_types_apply_only_to_their_type(void **state)
{
	const char *defn = "{\"" LS "\": {\"AzureKeyVault\": {\"properties\": {\"typeProperties\": "
			   "{\"baseUrl\": \"=\"}}}}}";

	(void)state;
	check(defn, LS, "AzureBlobFS", "{\"typeProperties\": {\"baseUrl\": \"b\"}}",
	      "{} | {\"typeProperties\":{\"baseUrl\":\"b\"}}");
	check(defn, LS, "AzureKeyVault", "{\"typeProperties\": {\"baseUrl\": \"b\"}}",
	      "{\"A_properties_typeProperties_baseUrl\":{\"type\":\"string\",\"defaultValue\":\"b\"}}"
	      " | {\"typeProperties\":{\"baseUrl\":\"[parameters('A_properties_typeProperties_baseUrl')]\"}}");
}

static void the_first_definition_of_a_name_wins(void **state)
{
	(void)state;
	check("{\"" PIPE "\": {\"properties\": {\"a\": \"=:-same\", \"b\": \"=:-same\"}}}",
	      PIPE, NULL, "{\"a\": \"one\", \"b\": \"two\"}",
	      "{\"A_same\":{\"type\":\"string\",\"defaultValue\":\"one\"}}"
	      " | {\"a\":\"[parameters('A_same')]\",\"b\":\"[parameters('A_same')]\"}");
}

static void types_are_inferred_from_values(void **state)
{
	(void)state;
	check("{\"" PIPE "\": {\"properties\": {\"*\": \"-\"}}}", PIPE, NULL,
	      "{\"o\": {}, \"l\": [], \"n\": 1, \"b\": true}",
	      "{\"A_properties_o\":{\"type\":\"object\"},\"A_properties_l\":{\"type\":\"array\"},"
	      "\"A_properties_n\":{\"type\":\"int\"},\"A_properties_b\":{\"type\":\"bool\"}}"
	      " | {\"o\":\"[parameters('A_properties_o')]\",\"l\":\"[parameters('A_properties_l')]\","
	      "\"n\":\"[parameters('A_properties_n')]\",\"b\":\"[parameters('A_properties_b')]\"}");
}

static void parse_error(const char *defn, const char *needle)
{
	struct tpd t;

	assert_int_equal(tpd_parse(&t, defn, strlen(defn), "tpd.json"), -1);
	if (!strstr(last_error(), needle))
		fail_msg("'%s' not in '%s'", needle, last_error());
}

static void invalid_definitions_name_the_json_path(void **state)
{
	(void)state;
	parse_error("[]", "at $");
	parse_error("{\"" PIPE "\": {\"properties\": {\"x\": \"?\"}}}",
		    "$['Microsoft.Synapse/workspaces/pipelines'].properties.x");
	parse_error("{\"" PIPE "\": {\"properties\": {\"x\": \"=:a:b:c\"}}}", "too many");
	parse_error("{\"" PIPE "\": {\"properties\": {\"x\": \"=::long\"}}}", "unknown parameter type");
	parse_error("{\"" PIPE "\": {\"properties\": {\"activities\": [1]}}}",
		    ".properties.activities[0]");
	parse_error("{\"" PIPE "\": {\"properties\": {\"activities\": []}}}", "exactly one");
	parse_error("{\"" LS "\": {\"*\": \"=\"}}", "sub-type");
	parse_error("{\"" PIPE "\": {\"properties\": {\"x\": 3}}}", "(line 1, column");
	parse_error("{", "cannot parse");
}

static void the_built_in_definition_parses(void **state)
{
	struct tpd t;

	(void)state;
	assert_int_equal(tpd_load_default(&t), 0);
	assert_true(t.nr > 0);
	tpd_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_names_follow_the_path),
		cmocka_unit_test(dash_names_shorten_and_plain_names_replace_the_leaf),
		cmocka_unit_test(arrays_apply_to_each_element_and_drop_the_leaf),
		cmocka_unit_test(pipe_is_secure_and_parameterizes_key_vault_secret_names),
		cmocka_unit_test(named_sub_types_apply_only_to_their_type),
		cmocka_unit_test(the_first_definition_of_a_name_wins),
		cmocka_unit_test(types_are_inferred_from_values),
		cmocka_unit_test(invalid_definitions_name_the_json_path),
		cmocka_unit_test(the_built_in_definition_parses),
	};

	return cmocka_run_group_tests_name("tpd", tests, NULL, NULL);
}
