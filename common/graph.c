#include "graph.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

void graph_init(struct graph *g, size_t n)
{
	memset(g, 0, sizeof(*g));
	g->n = n;
}

void graph_add_edge(struct graph *g, size_t from, size_t to)
{
	if (from >= g->n || to >= g->n)
		BUG("edge %zu -> %zu outside a graph of %zu nodes", from, to, g->n);
	if (g->edges + 1 > g->edges_alloc) {
		g->edges_alloc = (g->edges_alloc + 16) * 2;
		g->edge_from = xrealloc(g->edge_from, g->edges_alloc * sizeof(size_t));
		g->edge_to = xrealloc(g->edge_to, g->edges_alloc * sizeof(size_t));
	}
	g->edge_from[g->edges] = from;
	g->edge_to[g->edges] = to;
	g->edges++;
}

void graph_release(struct graph *g)
{
	free(g->edge_from);
	free(g->edge_to);
	free(g->level);
	graph_init(g, 0);
}

/* Adjacency in CSR form: successors of i are adj[start[i]..start[i+1]). */
struct csr {
	size_t *start, *adj;
};

static void csr_build(const struct graph *g, struct csr *c, int reverse)
{
	size_t *fill;

	c->start = xcalloc(g->n + 1, sizeof(size_t));
	c->adj = xmalloc((g->edges ? g->edges : 1) * sizeof(size_t));
	for (size_t e = 0; e < g->edges; e++)
		c->start[(reverse ? g->edge_to : g->edge_from)[e] + 1]++;
	for (size_t i = 0; i < g->n; i++)
		c->start[i + 1] += c->start[i];
	fill = xmalloc((g->n ? g->n : 1) * sizeof(size_t));
	memcpy(fill, c->start, g->n * sizeof(size_t));
	for (size_t e = 0; e < g->edges; e++) {
		size_t a = (reverse ? g->edge_to : g->edge_from)[e];
		size_t b = (reverse ? g->edge_from : g->edge_to)[e];

		c->adj[fill[a]++] = b;
	}
	free(fill);
}

static void csr_release(struct csr *c)
{
	free(c->start);
	free(c->adj);
}

int graph_levels(struct graph *g)
{
	struct csr rev;
	size_t *pending, *queue, head = 0, tail = 0, done = 0;
	int levels = 0;

	free(g->level);
	g->level = xmalloc((g->n ? g->n : 1) * sizeof(int));
	pending = xcalloc(g->n ? g->n : 1, sizeof(size_t));
	queue = xmalloc((g->n ? g->n : 1) * sizeof(size_t));
	csr_build(g, &rev, 1);
	for (size_t e = 0; e < g->edges; e++)
		pending[g->edge_from[e]]++;
	for (size_t i = 0; i < g->n; i++) {
		g->level[i] = -1;
		if (!pending[i]) {
			g->level[i] = 0;
			queue[tail++] = i;
		}
	}
	/* Kahn's algorithm; a node's level is one more than its deepest dependency. */
	while (head < tail) {
		size_t v = queue[head++];

		done++;
		if (g->level[v] + 1 > levels)
			levels = g->level[v] + 1;
		for (size_t k = rev.start[v]; k < rev.start[v + 1]; k++) {
			size_t u = rev.adj[k];

			if (g->level[u] < g->level[v] + 1)
				g->level[u] = g->level[v] + 1;
			if (!--pending[u])
				queue[tail++] = u;
		}
	}
	for (size_t i = 0; i < g->n; i++)
		if (pending[i])
			g->level[i] = -1;
	csr_release(&rev);
	free(pending);
	free(queue);
	return done == g->n ? levels : -1;
}

/*
 * Cycles by Tarjan's strongly connected components (iterative), then one
 * cycle walked inside each component of more than one node or with a
 * self-loop: enough to name every independent cycle to the user.
 */
void graph_foreach_cycle(const struct graph *g,
			 void (*fn)(const size_t *nodes, size_t len, void *data), void *data)
{
	struct csr c;
	size_t n = g->n, counter = 0, sp = 0, csp = 0;
	size_t *index, *low, *stack, *cstack, *citer, *comp, *path, *pos;
	char *onstack;
	size_t ncomp = 0;

	if (!n)
		return;
	csr_build(g, &c, 0);
	index = xmalloc(n * sizeof(size_t));
	low = xmalloc(n * sizeof(size_t));
	stack = xmalloc(n * sizeof(size_t));
	cstack = xmalloc(n * sizeof(size_t));
	citer = xmalloc(n * sizeof(size_t));
	comp = xmalloc(n * sizeof(size_t));
	path = xmalloc(n * sizeof(size_t));
	pos = xmalloc(n * sizeof(size_t));
	onstack = xcalloc(n, 1);
	for (size_t i = 0; i < n; i++)
		index[i] = (size_t)-1;

	for (size_t root = 0; root < n; root++) {
		if (index[root] != (size_t)-1)
			continue;
		cstack[csp] = root;
		citer[csp++] = c.start[root];
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		onstack[root] = 1;
		while (csp) {
			size_t v = cstack[csp - 1];

			if (citer[csp - 1] < c.start[v + 1]) {
				size_t w = c.adj[citer[csp - 1]++];

				if (index[w] == (size_t)-1) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					onstack[w] = 1;
					cstack[csp] = w;
					citer[csp++] = c.start[w];
				} else if (onstack[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			csp--;
			if (csp && low[v] < low[cstack[csp - 1]])
				low[cstack[csp - 1]] = low[v];
			if (low[v] != index[v])
				continue;
			/* v is the root of a component: pop it */
			{
				size_t size = 0, w;

				do {
					w = stack[--sp];
					onstack[w] = 0;
					comp[w] = ncomp;
					size++;
				} while (w != v);
				if (size == 1) {
					int self = 0;

					for (size_t k = c.start[v]; k < c.start[v + 1]; k++)
						if (c.adj[k] == v)
							self = 1;
					if (self)
						fn(&v, 1, data);
				} else {
					/* walk inside the component until a node repeats */
					size_t len = 0, cur = v;

					for (size_t i = 0; i < n; i++)
						pos[i] = (size_t)-1;
					while (pos[cur] == (size_t)-1) {
						pos[cur] = len;
						path[len++] = cur;
						for (size_t k = c.start[cur]; k < c.start[cur + 1]; k++)
							if (comp[c.adj[k]] == ncomp &&
							    index[c.adj[k]] != (size_t)-1) {
								cur = c.adj[k];
								break;
							}
					}
					fn(path + pos[cur], len - pos[cur], data);
				}
				ncomp++;
			}
		}
	}
	csr_release(&c);
	free(index);
	free(low);
	free(stack);
	free(cstack);
	free(citer);
	free(comp);
	free(path);
	free(pos);
	free(onstack);
}

struct first_cycle {
	size_t *nodes;
	size_t len;
};

static void keep_first(const size_t *nodes, size_t len, void *data)
{
	struct first_cycle *fc = data;

	if (fc->len)
		return;
	fc->nodes = xmalloc(len * sizeof(size_t));
	memcpy(fc->nodes, nodes, len * sizeof(size_t));
	fc->len = len;
}

size_t graph_find_cycle(const struct graph *g, size_t **cycle)
{
	struct first_cycle fc = { NULL, 0 };

	graph_foreach_cycle(g, keep_first, &fc);
	*cycle = fc.nodes;
	return fc.len;
}
