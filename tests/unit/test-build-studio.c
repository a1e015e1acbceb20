/* Unit tests: Studio's JSON format (JSON.stringify(v, null, "\t")). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "json-studio.h"

static void number_is(double d, const char *expect)
{
	struct strbuf sb = STRBUF_INIT;

	json_studio_number(&sb, d);
	assert_string_equal(sb.buf, expect);
	strbuf_release(&sb);
}

static void numbers_take_javascripts_shortest_form(void **state)
{
	(void)state;
	number_is(1.0, "1");
	number_is(0.1, "0.1");
	number_is(-2.5, "-2.5");
	number_is(1e21, "1e+21");
	number_is(1e20, "100000000000000000000");
	number_is(123456789012.5, "123456789012.5");
	number_is(0.000001, "0.000001");
	number_is(1e-7, "1e-7");
	number_is(1.5e-10, "1.5e-10");
	number_is(0.1 + 0.2, "0.30000000000000004");
	number_is(-0.0, "0");
	number_is(5e-324, "5e-324");
	number_is(1.7976931348623157e308, "1.7976931348623157e+308");
}

static void written_is(const char *in, const char *expect)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t err;
	json_t *v = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	assert_non_null(v);
	json_studio_write(&sb, v);
	assert_string_equal(sb.buf, expect);
	strbuf_release(&sb);
	json_decref(v);
}

static void layout_is_tabs_inline_empties_and_no_final_newline(void **state)
{
	(void)state;
	written_is("{\"b\": 1, \"a\": [], \"c\": {}, \"d\": [true, null, {\"x\": \"y\"}]}",
		   "{\n\t\"b\": 1,\n\t\"a\": [],\n\t\"c\": {},\n\t\"d\": [\n\t\ttrue,\n\t\tnull,\n"
		   "\t\t{\n\t\t\t\"x\": \"y\"\n\t\t}\n\t]\n}");
	written_is("{}", "{}");
	written_is("[]", "[]");
	written_is("3", "3");
	written_is("1.0", "1");
	written_is("9007199254740993", "9007199254740992");
}

static void strings_are_escaped_minimally(void **state)
{
	(void)state;
	written_is("\"a\\\"b\\\\c\\/d\"", "\"a\\\"b\\\\c/d\"");
	written_is("\"\\n\\r\\t\\b\\f\"", "\"\\n\\r\\t\\b\\f\"");
	written_is("\"\\u0001\\u001f\\u007f\"", "\"\\u0001\\u001f\x7f\"");
	written_is("\"\\u00e9\\u2019\\u202f<>&'\"", "\"\xc3\xa9\xe2\x80\x99\xe2\x80\xaf<>&'\"");
	written_is("\"\\ufeff\"", "\"\xef\xbb\xbf\"");
	written_is("\"a\\u0000b\"", "\"a\\u0000b\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_take_javascripts_shortest_form),
		cmocka_unit_test(layout_is_tabs_inline_empties_and_no_final_newline),
		cmocka_unit_test(strings_are_escaped_minimally),
	};

	return cmocka_run_group_tests_name("build-studio", tests, NULL, NULL);
}
