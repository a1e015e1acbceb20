#ifndef GRAPH_H
#define GRAPH_H

#include <stddef.h>

/*
 * A directed dependency graph over nodes 0..n-1: an edge a -> b means
 * "a depends on b" (b must exist, or be deployed, first).
 */
struct graph {
	size_t n;
	size_t *edge_from, *edge_to;
	size_t edges, edges_alloc;
	/* results of graph_levels() */
	int *level;         /* -1 for nodes on or behind a cycle */
};
#define GRAPH_INIT { 0, NULL, NULL, 0, 0, NULL }

void graph_init(struct graph *g, size_t n);
void graph_add_edge(struct graph *g, size_t from, size_t to);
void graph_release(struct graph *g);

/*
 * Topological levels: level 0 depends on nothing, level k only on levels
 * below k. Returns the number of levels, or -1 when there is a cycle (the
 * nodes on it keep level -1).
 */
int graph_levels(struct graph *g);

/*
 * Find one cycle through the nodes left at level -1. Fills *cycle with the
 * node ids in order (first repeated at the end is omitted) and returns its
 * length, 0 when there is none. The caller frees *cycle.
 */
size_t graph_find_cycle(const struct graph *g, size_t **cycle);

/* Every elementary cycle, each reported once (fn gets the nodes in order). */
void graph_foreach_cycle(const struct graph *g,
			 void (*fn)(const size_t *nodes, size_t len, void *data), void *data);

#endif
