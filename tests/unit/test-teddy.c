/*
 * Unit tests: the vectorised literal prefilter never misses a literal,
 * whatever the case, the position in a 32-byte block or the neighbours,
 * and reports candidates in increasing order.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "teddy.h"

/* The scanner's kind of literals: short, mixed, some sharing prefixes. */
static const char *const lits[] = {
	"+ast", "acdb", "jqqj", "0q~", "9q~", "==", "://", "ig=", "tt3", "oken",
	"cret", "swor", "pwd", "ghp_", "gho_", "eyj", "ewog", "_key", "-pat",
	"rch", "hub", "<add", "s0tls1crudjti", "search.windows.net",
};
#define NLITS (sizeof(lits) / sizeof(*lits))

struct seen {
	unsigned char *hit;
	size_t len, last;
	int order_ok, any;
};

static void record(void *data, size_t off)
{
	struct seen *s = data;

	assert_true(off < s->len);
	if (s->any && off <= s->last)
		s->order_ok = 0;
	s->last = off;
	s->any = 1;
	s->hit[off] = 1;
}

static struct teddy *build(void)
{
	struct teddy *t = teddy_new();

	for (size_t i = 0; i < NLITS; i++)
		teddy_add(t, lits[i], strlen(lits[i]));
	teddy_compile(t);
	return t;
}

static int starts_literal(const char *buf, size_t len, size_t i)
{
	for (size_t k = 0; k < NLITS; k++) {
		size_t n = strlen(lits[k]);

		if (n <= len - i && !strncasecmp(buf + i, lits[k], n))
			return 1;
	}
	return 0;
}

static void every_literal_is_a_candidate(void **state)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789 \"{}[]:,._-+/=~\n\\\x80\xff";
	struct teddy *t = build();
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 400; round++) {
		size_t len = 1 + (size_t)(rand_r(&seed) % 300), stop;
		char *buf = malloc(len);
		struct seen s = { calloc(len, 1), len, 0, 1, 0 };

		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		/* plant literals, in random case, anywhere they fit */
		for (int k = 0; k < 6; k++) {
			const char *l = lits[rand_r(&seed) % NLITS];
			size_t n = strlen(l), at;

			if (n > len)
				continue;
			at = (size_t)rand_r(&seed) % (len - n + 1);
			for (size_t j = 0; j < n; j++)
				buf[at + j] = rand_r(&seed) & 1 ? (char)toupper((unsigned char)l[j]) : l[j];
		}
		stop = teddy_scan(t, (const unsigned char *)buf, len, record, &s);
		assert_true(stop <= len);
		assert_true(s.order_ok);
		for (size_t i = 0; i < stop; i++)
			if (starts_literal(buf, len, i))
				assert_true(s.hit[i]);
		free(s.hit);
		free(buf);
	}
	teddy_free(t);
}

static void literals_at_every_block_offset(void **state)
{
	struct teddy *t = build();
	char buf[160];

	(void)state;
	for (size_t k = 0; k < NLITS; k++) {
		size_t n = strlen(lits[k]);

		for (size_t at = 0; at + n <= sizeof(buf); at++) {
			struct seen s = { calloc(sizeof(buf), 1), sizeof(buf), 0, 1, 0 };
			size_t stop;

			memset(buf, 'x', sizeof(buf));
			memcpy(buf + at, lits[k], n);
			stop = teddy_scan(t, (const unsigned char *)buf, sizeof(buf), record, &s);
			if (at < stop)
				assert_true(s.hit[at]);
			/* the caller checks [stop, len) itself: at most a block and a literal's width */
			if (teddy_active(t))
				assert_true(sizeof(buf) - stop < 64 + 4);
			free(s.hit);
		}
	}
	teddy_free(t);
}

static void plain_text_lets_few_through(void **state)
{
	static const char text[] =
		"{ \"name\": \"PL_Load_Customers\", \"properties\": { \"activities\": "
		"[ { \"name\": \"Copy data\", \"type\": \"Copy\", \"dependsOn\": [], "
		"\"policy\": { \"timeout\": \"7.00:00:00\", \"retry\": 0 }, \"typeProperties\": "
		"{ \"source\": { \"type\": \"DelimitedTextSource\" }, \"sink\": { \"type\": "
		"\"ParquetSink\" } } } ], \"annotations\": [], \"folder\": { \"name\": \"ingest\" } } }";
	struct teddy *t = build();
	struct seen s = { calloc(sizeof(text), 1), sizeof(text) - 1, 0, 1, 0 };
	size_t n = 0, stop;

	(void)state;
	stop = teddy_scan(t, (const unsigned char *)text, sizeof(text) - 1, record, &s);
	for (size_t i = 0; i < stop; i++)
		n += s.hit[i];
	if (teddy_active(t))
		/* a filter that lets everything through would be no filter */
		assert_true(n * 10 < stop);
	else
		assert_int_equal(stop, 0);
	free(s.hit);
	teddy_free(t);
}

static void switched_off_by_the_environment(void **state)
{
	struct teddy *t;
	const unsigned char buf[64] = "xx+ASt";
	struct seen s = { calloc(64, 1), 64, 0, 1, 0 };

	(void)state;
	setenv("GIT_SYNAPSE_SIMD", "none", 1);
	t = build();
	assert_false(teddy_active(t));
	assert_int_equal(teddy_scan(t, buf, sizeof(buf), record, &s), 0);
	assert_false(s.any);
	unsetenv("GIT_SYNAPSE_SIMD");
	teddy_free(t);
	free(s.hit);
}

static void hundreds_of_literals_are_never_missed(void **state)
{
	struct teddy *t = teddy_new();
	char lit[300][6], buf[4096];
	unsigned seed = 99;
	struct seen s = { calloc(sizeof(buf), 1), sizeof(buf), 0, 1, 0 };
	size_t stop;

	(void)state;
	/* user rules can bring many keywords: the grouping takes a cheaper path */
	for (int i = 0; i < 300; i++) {
		for (int j = 0; j < 5; j++)
			lit[i][j] = (char)('a' + rand_r(&seed) % 26);
		lit[i][5] = '\0';
		teddy_add(t, lit[i], 5);
	}
	teddy_compile(t);
	memset(buf, '.', sizeof(buf));
	for (size_t at = 0, i = 0; at + 5 <= sizeof(buf) - 40; at += 13, i = (i + 7) % 300)
		memcpy(buf + at, lit[i], 5);
	stop = teddy_scan(t, (const unsigned char *)buf, sizeof(buf), record, &s);
	for (size_t at = 0; at + 5 <= sizeof(buf) - 40; at += 13)
		if (at < stop)
			assert_true(s.hit[at]);
	free(s.hit);
	teddy_free(t);
}

static void no_literals_no_filter(void **state)
{
	struct teddy *t = teddy_new();
	const unsigned char buf[64] = { 0 };

	(void)state;
	teddy_add(t, "x", 1);   /* too short: ignored */
	teddy_compile(t);
	assert_false(teddy_active(t));
	assert_int_equal(teddy_scan(t, buf, sizeof(buf), record, NULL), 0);
	teddy_free(t);
}

/* The same tests with the best vector unit, and capped at AVX2. */
static int best_unit(void **state)
{
	(void)state;
	return unsetenv("GIT_SYNAPSE_SIMD");
}

static int avx2_unit(void **state)
{
	(void)state;
	return setenv("GIT_SYNAPSE_SIMD", "avx2", 1);
}

#define BOTH(t) cmocka_unit_test_setup(t, best_unit), cmocka_unit_test_setup(t, avx2_unit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(every_literal_is_a_candidate),
		BOTH(literals_at_every_block_offset),
		BOTH(plain_text_lets_few_through),
		BOTH(hundreds_of_literals_are_never_missed),
		BOTH(no_literals_no_filter),
		BOTH(switched_off_by_the_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
