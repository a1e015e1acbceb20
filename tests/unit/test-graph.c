/* Unit tests: dependency graph levels and cycles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "graph.h"

static void levels_of_a_chain_and_a_diamond(void **state)
{
	struct graph g;

	(void)state;
	/* 0 -> 1 -> 3, 0 -> 2 -> 3, 4 alone */
	graph_init(&g, 5);
	graph_add_edge(&g, 0, 1);
	graph_add_edge(&g, 0, 2);
	graph_add_edge(&g, 1, 3);
	graph_add_edge(&g, 2, 3);
	assert_int_equal(graph_levels(&g), 3);
	assert_int_equal(g.level[3], 0);
	assert_int_equal(g.level[4], 0);
	assert_int_equal(g.level[1], 1);
	assert_int_equal(g.level[2], 1);
	assert_int_equal(g.level[0], 2);
	graph_release(&g);
}

static void a_cycle_is_detected_and_named(void **state)
{
	struct graph g;
	size_t *cycle = NULL, len;

	(void)state;
	/* 0 -> 1 -> 2 -> 0, and 3 -> 0 behind the cycle, 4 free */
	graph_init(&g, 5);
	graph_add_edge(&g, 0, 1);
	graph_add_edge(&g, 1, 2);
	graph_add_edge(&g, 2, 0);
	graph_add_edge(&g, 3, 0);
	assert_int_equal(graph_levels(&g), -1);
	assert_int_equal(g.level[0], -1);
	assert_int_equal(g.level[3], -1);
	assert_int_equal(g.level[4], 0);
	len = graph_find_cycle(&g, &cycle);
	assert_int_equal(len, 3);
	/* the cycle, in edge order, from wherever it starts */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(cycle[(i + 1) % len], (cycle[i] + 1) % 3);
	free(cycle);
	graph_release(&g);
}

static void a_self_loop_is_a_cycle(void **state)
{
	struct graph g;
	size_t *cycle = NULL;

	(void)state;
	graph_init(&g, 2);
	graph_add_edge(&g, 1, 1);
	assert_int_equal(graph_levels(&g), -1);
	assert_int_equal(graph_find_cycle(&g, &cycle), 1);
	assert_int_equal(cycle[0], 1);
	free(cycle);
	graph_release(&g);
}

static void count_cycle(const size_t *nodes, size_t len, void *data)
{
	(void)nodes;
	(void)len;
	(*(int *)data)++;
}

static void every_independent_cycle_is_reported_once(void **state)
{
	struct graph g;
	int n = 0;

	(void)state;
	graph_init(&g, 6);
	graph_add_edge(&g, 0, 1);
	graph_add_edge(&g, 1, 0);
	graph_add_edge(&g, 2, 3);
	graph_add_edge(&g, 3, 4);
	graph_add_edge(&g, 4, 2);
	graph_add_edge(&g, 5, 2);
	graph_foreach_cycle(&g, count_cycle, &n);
	assert_int_equal(n, 2);
	graph_release(&g);
}

static void an_empty_graph_has_no_level(void **state)
{
	struct graph g;

	(void)state;
	graph_init(&g, 0);
	assert_int_equal(graph_levels(&g), 0);
	graph_release(&g);
}

static void a_long_chain_does_not_recurse(void **state)
{
	struct graph g;
	size_t n = 200000;

	(void)state;
	graph_init(&g, n);
	for (size_t i = 0; i + 1 < n; i++)
		graph_add_edge(&g, i, i + 1);
	graph_add_edge(&g, n - 1, 0);
	assert_int_equal(graph_levels(&g), -1);
	{
		size_t *cycle = NULL;

		assert_int_equal(graph_find_cycle(&g, &cycle), n);
		free(cycle);
	}
	graph_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_of_a_chain_and_a_diamond),
		cmocka_unit_test(a_cycle_is_detected_and_named),
		cmocka_unit_test(a_self_loop_is_a_cycle),
		cmocka_unit_test(every_independent_cycle_is_reported_once),
		cmocka_unit_test(an_empty_graph_has_no_level),
		cmocka_unit_test(a_long_chain_does_not_recurse),
	};

	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
