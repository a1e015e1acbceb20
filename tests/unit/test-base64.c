/* Unit tests: base64 in both alphabets, against RFC 4648's test vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
static const char *const coded[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };

static void rfc4648_vectors_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		struct strbuf enc = STRBUF_INIT, dec = STRBUF_INIT;
		char padded[16];

		base64url_encode(&enc, (const unsigned char *)plain[i], strlen(plain[i]));
		assert_string_equal(enc.buf, coded[i]);
		snprintf(padded, sizeof(padded), "%s%s", coded[i],
			 strlen(coded[i]) % 4 == 2 ? "==" : strlen(coded[i]) % 4 == 3 ? "=" : "");
		assert_int_equal(base64_decode(&dec, padded, strlen(padded)), 0);
		assert_string_equal(dec.buf, plain[i]);
		strbuf_release(&enc);
		strbuf_release(&dec);
	}
}

static void both_alphabets_decode_alike(void **state)
{
	unsigned char a[8], b[8];
	struct strbuf bad = STRBUF_INIT;

	(void)state;
	/* 0xfb 0xff 0xbf: "+/+/" in base64, "-_-_" in base64url */
	assert_int_equal(base64_decode_prefix("+/+/", 4, a, sizeof(a)), 3);
	assert_int_equal(base64_decode_prefix("-_-_", 4, b, sizeof(b)), 3);
	assert_memory_equal(a, b, 3);
	assert_int_equal(a[0], 0xfb);
	/* a prefix stops at the first non-digit and at max */
	assert_int_equal(base64_decode_prefix("Zm9v.YmFy", 9, a, sizeof(a)), 3);
	assert_int_equal(base64_decode_prefix("Zm9vYmFy", 8, a, 2), 2);
	assert_int_equal(base64_decode(&bad, "Zm9v*", 5), -1);
	strbuf_release(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4648_vectors_round_trip),
		cmocka_unit_test(both_alphabets_decode_alike),
	};

	return cmocka_run_group_tests_name("base64", tests, NULL, NULL);
}
